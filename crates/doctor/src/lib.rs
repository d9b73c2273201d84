//! The connection doctor: why a connection to a broker failed, in words the user can
//! act on. Plain Rust, free of browser APIs and of I/O; it depends on nothing but the core
//! (`mqttscope-proto`). The page (`src/`) shows its diagnoses and runs its probes, and the
//! npm package's `mqttscope/doctor` module exports it as `diagnose` (`crates/js-doctor`),
//! which the client's errors call.
//!
//! A browser says little about a failed WebSocket: a failed handshake is close 1006
//! with no reason, whatever the cause. So the driver works in three steps:
//!
//! 1. [`precheck`] the URL the user typed before connecting: it catches what the browser
//!    would refuse anyway (not `ws://` or `wss://`, bad ports, mixed content).
//! 2. When the connection fails, turn what happened into a [`Failure`]: from the
//!    WebSocket's events, or from the client's `DisconnectCause` with
//!    [`Failure::from_cause`].
//! 3. For [`Failure::HandshakeFailed`], run the cheap probes [`probes_for`] lists and
//!    collect what they found in [`Probes`]; then [`diagnose`] gives the [`Diagnosis`]
//!    to show, with [`Action`]s to offer as buttons.
//!
//! ```
//! use mqttscope_doctor::{diagnose, precheck, Action, Failure, Probes};
//!
//! let url = precheck("wss://broker.lan:8884/mqtt", true).expect("a valid URL");
//! let plan = mqttscope_doctor::probes_for(&url);
//! assert_eq!(plan.http_url, "https://broker.lan:8884/");
//! let found = Probes { http_answers: Some(false), ..Probes::default() };
//! let d = diagnose(&url, &Failure::HandshakeFailed { elapsed_ms: 40.0 }, &found);
//! assert!(matches!(&d.actions[0], Action::OpenPage { url, .. } if url == "https://broker.lan:8884/"));
//! ```

#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod close;
mod connack;
mod disconnect;
mod failure;
mod handshake;
mod parse;
mod ports;
mod precheck;
mod probes;
mod reasons;
mod report;
mod session;
mod text;
mod url;

pub use close::{close_code, CloseCode};
pub use failure::{Failure, Setup};
pub use precheck::precheck;
pub use probes::{probes_for, ProbePlan, Probes, COMMON_PATHS};
pub use report::{Action, Diagnosis, Setting, Severity};
pub use session::taken_by_another_tab;
pub use url::{is_sandbox_url, BrokerUrl, SANDBOX_SCHEME};

use reasons::Said;

/// What went wrong with `failure` on `url`, and what to do. `probes` matter only for
/// [`Failure::HandshakeFailed`] (and a close 1006 before open); pass
/// `&Probes::default()` otherwise or when none ran. Never panics.
pub fn diagnose(url: &BrokerUrl, failure: &Failure, probes: &Probes) -> Diagnosis {
    match failure {
        Failure::HandshakeFailed { elapsed_ms } => {
            handshake::handshake_failed(url, *elapsed_ms, probes)
        }
        Failure::Closed {
            code: 1006,
            was_open: false,
            ..
        } => handshake::handshake_failed(url, 0.0, probes),
        Failure::SubprotocolRefused { chosen } => handshake::subprotocol_refused(url, chosen),
        Failure::Closed {
            code,
            reason,
            was_open,
        } => close::closed(url, *code, reason, *was_open),
        Failure::ConnAck {
            code,
            version,
            reason_string,
            server_reference,
        } => {
            let said = Said {
                reason: reason_string.as_deref(),
                reference: server_reference.as_deref(),
            };
            connack::connack(url, *code, *version, said)
        }
        Failure::ConnectTimeout { after_ms } => session::connect_timeout(url, *after_ms),
        Failure::KeepAliveTimeout { keep_alive_s } => {
            session::keep_alive_timeout(url, *keep_alive_s)
        }
        Failure::ServerDisconnect {
            code,
            reason_string,
            server_reference,
        } => {
            let said = Said {
                reason: reason_string.as_deref(),
                reference: server_reference.as_deref(),
            };
            disconnect::server_disconnect(url, *code, said)
        }
        Failure::Violation { rule, detail } => session::violation(url, rule, detail),
        Failure::TooLarge {
            size,
            limit,
            retrying,
        } => session::too_large(url, *size, *limit, *retrying),
        Failure::Internal { detail } => session::internal(detail),
    }
}

#[cfg(test)]
mod tests {
    use mqttscope_proto::ProtocolVersion;

    use super::*;

    fn url() -> BrokerUrl {
        precheck("ws://h:9001/mqtt", false).expect("valid")
    }

    #[test]
    fn a_close_1006_before_open_is_a_failed_handshake() {
        let closed = Failure::Closed {
            code: 1006,
            reason: String::new(),
            was_open: false,
        };
        let failed = Failure::HandshakeFailed { elapsed_ms: 0.0 };
        let p = Probes {
            http_answers: Some(true),
            ..Probes::default()
        };
        assert_eq!(diagnose(&url(), &closed, &p), diagnose(&url(), &failed, &p));
    }

    #[test]
    fn every_failure_kind_is_explained() {
        let failures = [
            Failure::HandshakeFailed { elapsed_ms: 1.0 },
            Failure::SubprotocolRefused {
                chosen: String::new(),
            },
            Failure::Closed {
                code: 1001,
                reason: "bye".into(),
                was_open: true,
            },
            Failure::ConnAck {
                code: 0x86,
                version: ProtocolVersion::V5,
                reason_string: None,
                server_reference: None,
            },
            Failure::ConnectTimeout { after_ms: 10_000.0 },
            Failure::KeepAliveTimeout { keep_alive_s: 60 },
            Failure::ServerDisconnect {
                code: 0x8E,
                reason_string: None,
                server_reference: None,
            },
            Failure::Violation {
                rule: "MQTT-3.2.2-6".into(),
                detail: "x".into(),
            },
            Failure::TooLarge {
                size: 2_000_000,
                limit: 1 << 20,
                retrying: false,
            },
            Failure::Internal { detail: "x".into() },
        ];
        let mut titles: Vec<String> = failures
            .iter()
            .map(|f| diagnose(&url(), f, &Probes::default()).title)
            .collect();
        assert!(titles.iter().all(|t| !t.is_empty()));
        titles.sort_unstable();
        titles.dedup();
        assert_eq!(titles.len(), failures.len());
    }

    #[test]
    fn nan_and_extreme_numbers_do_not_panic() {
        for ms in [f64::NAN, f64::INFINITY, -1.0, f64::MAX] {
            let _ = diagnose(
                &url(),
                &Failure::HandshakeFailed { elapsed_ms: ms },
                &Probes::default(),
            );
            let _ = diagnose(
                &url(),
                &Failure::ConnectTimeout { after_ms: ms },
                &Probes::default(),
            );
        }
        let _ = diagnose(
            &url(),
            &Failure::KeepAliveTimeout {
                keep_alive_s: u16::MAX,
            },
            &Probes::default(),
        );
        for code in [0, 999, 1006, 4999, u16::MAX] {
            let f = Failure::Closed {
                code,
                reason: "\u{0}".repeat(300),
                was_open: true,
            };
            let _ = diagnose(&url(), &f, &Probes::default());
        }
    }
}
