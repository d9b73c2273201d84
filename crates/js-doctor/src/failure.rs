//! A failed connection described as a plain object, read into the doctor's [`Failure`].
//!
//! The failure object is what the npm client's `ConnectionError` carries (`npm/client`
//! builds it in `doctor.js`): the connection's `url`, `version` and `keepAlive`, how it
//! ended (`ending`, the client's names) and that ending's details, and what the probes of
//! a failed handshake found. Every key is checked for its type, unknown keys are faults,
//! and each ending requires what it cannot be explained without (a refusal its
//! `reasonCode`, a packet too large its `size` and `limit`); the rest is optional.

use std::borrow::Cow;

use mqttscope_doctor::{diagnose, precheck, probes_for, BrokerUrl, Failure, Probes};
use mqttscope_js_glue::{Fault, FromJs, Reader, Writer};
use mqttscope_proto::client::ClientOptions;
use mqttscope_proto::ProtocolVersion;
use wasm_bindgen::JsValue;

use crate::diagnosis::to_js;

/// The names `ending` may take, as the client's `ConnectionError` has them.
const ENDINGS: &str = "\"refused\", \"server\", \"protocol\", \"keepAlive\", \"connectTimeout\", \
                       \"tooLarge\", \"handshake\", \"subprotocol\", \"transport\" or \"internal\"";

/// The diagnosis of the failure `v` describes (see the module documentation), or the
/// fault in `v`. A URL the doctor cannot read is no fault: it is the diagnosis.
pub fn diagnosis(v: &JsValue) -> Result<JsValue, Fault> {
    let mut r = Reader::new(v, "failure")?;
    let url: Cow<'static, str> = r.req("url")?;
    let page_is_https = r.or("pageIsHttps", false)?;
    let failure = failure(&mut r)?;
    let probes = r.opt_with("probes", probes)?.unwrap_or_default();
    r.finish()?;
    let d = match precheck(&url, page_is_https) {
        Ok(target) => diagnose(&target, &failure, &probes),
        Err(d) => d,
    };
    Ok(to_js(&d))
}

/// The probes worth running after the handshake with `url` failed:
/// `{ httpUrl, withoutSubprotocol, alternatives }` (see `mqttscope_doctor::ProbePlan`).
pub fn probe_plan(url: &JsValue) -> Result<JsValue, Fault> {
    let text: Cow<'static, str> = FromJs::from_js(url, "url")?;
    let target = probe_target(&text, "url")?;
    let plan = probes_for(&target);
    let alternatives: Vec<JsValue> = plan
        .alternatives
        .iter()
        .map(|u| JsValue::from_str(&u.ws_url()))
        .collect();
    let w = Writer::new();
    w.set("httpUrl", &*plan.http_url)
        .set("withoutSubprotocol", &*plan.without_subprotocol)
        .set("alternatives", alternatives);
    Ok(w.done())
}

/// `text` read as a WebSocket URL the probes can try, or the fault at `field`.
fn probe_target(text: &str, field: &str) -> Result<BrokerUrl, Fault> {
    match precheck(text, false) {
        Ok(url) if !url.sandbox => Ok(url),
        Ok(_) => Err(Fault::new(
            field,
            "a ws:// or wss:// URL, not the page's sandbox",
        )),
        Err(d) => Err(Fault::new(
            field,
            &["a ws:// or wss:// URL: ", &d.title].concat(),
        )),
    }
}

/// The failure the keys of `r` describe: the connection's setup, then `ending` and its
/// details. Every key is read whatever the ending, so that none is taken for unknown.
fn failure(r: &mut Reader<'_>) -> Result<Failure, Fault> {
    let defaults = ClientOptions::default();
    let Level(version) = r.or("version", Level(ProtocolVersion::V5))?;
    let keep_alive_s = r.or("keepAlive", defaults.keep_alive)?;
    let ending: Cow<'static, str> = r.req("ending")?;
    let close_code: Option<u16> = r.opt("closeCode")?;
    let close_reason: Cow<'static, str> = r.or("closeReason", Cow::Borrowed(""))?;
    let reason_code = r.opt("reasonCode")?.map(|Byte(b)| b);
    let reason_string = text(r.opt("reasonString")?);
    let server_reference = text(r.opt("serverReference")?);
    let rule: Cow<'static, str> = r.or("rule", Cow::Borrowed(""))?;
    let detail: Cow<'static, str> = r.or("detail", Cow::Borrowed(""))?;
    let connack_code = r.opt("connackCode")?.map(|Byte(b)| b);
    let size: Option<u32> = r.opt("size")?;
    let limit: Option<u32> = r.opt("limit")?;
    let reconnecting = r.or("reconnecting", false)?;
    let Millis(elapsed_ms) = r.or("elapsedMs", Millis(-1.0))?;
    let chosen: Cow<'static, str> = r.or("subprotocol", Cow::Borrowed(""))?;
    let needs = |value: Option<u8>, key: &str| {
        value.ok_or_else(|| {
            Fault::new(
                &r.path_of(key),
                &["a value for ending \"", &ending, "\""].concat(),
            )
        })
    };
    let connect_timeout_ms = defaults.connect_timeout.as_secs_f64() * 1000.0;
    Ok(match &*ending {
        "refused" => Failure::ConnAck {
            code: needs(reason_code, "reasonCode")?,
            version,
            reason_string,
            server_reference,
        },
        "server" => Failure::ServerDisconnect {
            code: needs(reason_code, "reasonCode")?,
            reason_string,
            server_reference,
        },
        "protocol" => Failure::from_violation(&rule, &detail, connack_code, version),
        "keepAlive" => Failure::KeepAliveTimeout { keep_alive_s },
        "connectTimeout" => Failure::ConnectTimeout {
            after_ms: if elapsed_ms < 0.0 {
                connect_timeout_ms
            } else {
                elapsed_ms
            },
        },
        "tooLarge" => {
            let (Some(size), Some(limit)) = (size, limit) else {
                let key = if size.is_none() { "size" } else { "limit" };
                return Err(Fault::new(
                    &r.path_of(key),
                    "a value for ending \"tooLarge\"",
                ));
            };
            Failure::TooLarge {
                size: size as usize,
                limit: limit as usize,
                retrying: reconnecting,
            }
        }
        "handshake" => match close_code {
            Some(code) if code != 1006 => Failure::Closed {
                code,
                reason: close_reason.into_owned(),
                was_open: false,
            },
            _ => Failure::HandshakeFailed {
                elapsed_ms: elapsed_ms.max(0.0),
            },
        },
        "subprotocol" => Failure::SubprotocolRefused {
            chosen: chosen.into_owned(),
        },
        "transport" => Failure::Closed {
            code: close_code.unwrap_or(1006),
            reason: close_reason.into_owned(),
            was_open: true,
        },
        "internal" => Failure::Internal {
            detail: detail.into_owned(),
        },
        _ => {
            return Err(Fault::new(
                &r.path_of("ending"),
                &["one of ", ENDINGS].concat(),
            ))
        }
    })
}

/// Server-supplied text as the doctor takes it.
fn text(v: Option<Cow<'static, str>>) -> Option<String> {
    v.map(Cow::into_owned)
}

/// A protocol version as the package's options spell it: 3, 4 or 5, or `"3.1"`,
/// `"3.1.1"`, `"5.0"` (and the levels as strings).
struct Level(ProtocolVersion);

impl FromJs for Level {
    fn from_js(v: &JsValue, field: &str) -> Result<Self, Fault> {
        let level = match (v.as_f64(), v.as_string().as_deref()) {
            (Some(n), _) if n == 3.0 || n == 4.0 || n == 5.0 => n as u8,
            (_, Some("3" | "3.1")) => 3,
            (_, Some("4" | "3.1.1")) => 4,
            (_, Some("5" | "5.0")) => 5,
            _ => 0,
        };
        ProtocolVersion::from_level(level)
            .map(Level)
            .ok_or_else(|| Fault::new(field, "3 or \"3.1\", 4 or \"3.1.1\", 5 or \"5.0\""))
    }
}

/// A duration in milliseconds: a finite number, not negative.
struct Millis(f64);

impl FromJs for Millis {
    fn from_js(v: &JsValue, field: &str) -> Result<Self, Fault> {
        v.as_f64()
            .filter(|n| n.is_finite() && *n >= 0.0)
            .map(Millis)
            .ok_or_else(|| Fault::new(field, "a number of milliseconds, 0 or more"))
    }
}

/// A byte value, 0 to 255: a reason code as the server sent it, defined or not.
struct Byte(u8);

impl FromJs for Byte {
    fn from_js(v: &JsValue, field: &str) -> Result<Self, Fault> {
        let n: u16 = FromJs::from_js(v, field)?;
        u8::try_from(n)
            .map(Byte)
            .map_err(|_| Fault::new(field, "an integer from 0 to 255"))
    }
}

/// `{ httpAnswers, opensWithoutSubprotocol, alternatives: [{ url, opened }] }`, each
/// optional: what was not probed is absent.
fn probes(v: &JsValue, field: &str) -> Result<Probes, Fault> {
    let mut r = Reader::new(v, field)?;
    let probes = Probes {
        http_answers: r.opt("httpAnswers")?,
        opens_without_subprotocol: r.opt("opensWithoutSubprotocol")?,
        alternatives: r
            .or("alternatives", Vec::<Tried>::new())?
            .into_iter()
            .map(|t| (t.url, t.opened))
            .collect(),
    };
    r.finish()?;
    Ok(probes)
}

/// One alternative URL a probe tried: `{ url, opened }`.
struct Tried {
    url: BrokerUrl,
    opened: bool,
}

impl FromJs for Tried {
    fn from_js(v: &JsValue, field: &str) -> Result<Self, Fault> {
        let mut r = Reader::new(v, field)?;
        let url: Cow<'static, str> = r.req("url")?;
        let tried = Tried {
            url: probe_target(&url, &r.path_of("url"))?,
            opened: r.req("opened")?,
        };
        r.finish()?;
        Ok(tried)
    }
}

#[cfg(test)]
mod tests {
    use super::probe_target;

    #[test]
    fn probe_targets_are_websocket_urls() {
        let url = probe_target("ws://127.0.0.1:9001/mqtt", "url").expect("valid");
        assert_eq!(url.ws_url(), "ws://127.0.0.1:9001/mqtt");
        let fault = probe_target("mqtt://h:1883", "failure.url").expect_err("not ws");
        assert_eq!(fault.field, "failure.url");
        assert!(
            fault
                .message
                .starts_with("expected a ws:// or wss:// URL: "),
            "{}",
            fault.message
        );
        assert!(probe_target("sandbox://home", "url").is_err());
    }
}
