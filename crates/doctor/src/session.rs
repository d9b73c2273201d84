//! Failures of an open WebSocket that the client itself noticed: no CONNACK, a silent
//! broker, a broken rule, a packet it could not encode.

use super::report::{Action, Diagnosis, Setting, Severity};
use super::text::{quoted, seconds};
use super::url::BrokerUrl;
use mqttscope_proto::codec::rule_display;

/// No CONNACK within `after_ms`.
pub fn connect_timeout(url: &BrokerUrl, after_ms: f64) -> Diagnosis {
    let detail = format!(
        "The WebSocket to {} opened, but no CONNACK came within {}. The endpoint may accept \
         WebSockets without being an MQTT broker, the broker may be overloaded, or it \
         silently dropped a CONNECT it did not like (some brokers do so for a protocol \
         version they do not speak).",
        url.ws_url(),
        seconds(after_ms)
    );
    let title = format!("No answer to CONNECT from {}", url.host_port());
    Diagnosis::new(Severity::Warning, title, detail).with(Action::Retry)
}

/// Nothing from the broker within 1.5 times a keep alive of `keep_alive_s` seconds.
pub fn keep_alive_timeout(url: &BrokerUrl, keep_alive_s: u16) -> Diagnosis {
    let window = if keep_alive_s == 0 {
        "the keep-alive window".to_string()
    } else {
        let ms = f64::from(keep_alive_s) * 1500.0;
        format!(
            "{} (1.5 times the keep alive of {keep_alive_s} s)",
            seconds(ms)
        )
    };
    let detail = format!(
        "Nothing came from {} for {window}, not even an answer to a ping. The network may \
         have dropped (Wi-Fi, VPN, the computer slept), or a proxy closed the idle \
         connection without telling either side.",
        url.host_port()
    );
    let title = format!("{} stopped answering", url.host_port());
    Diagnosis::new(Severity::Warning, title, detail)
        .with(Action::Retry)
        .with(Action::Edit(Setting::KeepAlive))
}

/// The broker broke `rule`; the client closed the connection.
pub fn violation(url: &BrokerUrl, rule: &str, detail: &str) -> Diagnosis {
    let rule = match rule_display(rule) {
        r if r.is_empty() => r,
        r => format!(" {r}"),
    };
    let what = detail.trim().trim_end_matches('.');
    let what = if what.is_empty() {
        "a rule was broken".to_string()
    } else {
        quoted(what)
    };
    let detail = format!(
        "The broker at {} broke a rule of the MQTT specification{rule}: {what}. mqttscope \
         closed the connection, as the specification requires. This is a bug in the \
         broker (or a proxy that alters traffic); the packet log shows the bytes.",
        url.host_port()
    );
    let title = format!("The broker broke an MQTT rule{rule}");
    Diagnosis::new(Severity::Error, title, detail).with(Action::Retry)
}

/// The broker sent a packet of `size` bytes, over the receive limit of `limit` (MQTT 3,
/// where the limit cannot be announced); `retrying` false: it came again right after a
/// reconnect, and automatic reconnection stopped.
pub fn too_large(url: &BrokerUrl, size: usize, limit: usize, retrying: bool) -> Diagnosis {
    let what = format!(
        "{} sent a packet of {} bytes, over this connection's receive limit of {} bytes. \
         MQTT 3.1.1 has no way to tell the broker the limit (MQTT 5 does, and the broker \
         then drops what is too big), so mqttscope closed the connection rather than hold \
         more than you allowed.",
        url.host_port(),
        group_digits(size),
        group_digits(limit)
    );
    let then = if retrying {
        " It tries once more, in case the message was cleared meanwhile."
    } else {
        " It came again right after reconnecting, so mqttscope stopped reconnecting \
         automatically: a retained message is the usual cause, sent again on every \
         subscribe."
    };
    let todo = " Raise the receive limit, or clear the retained message (publish an empty \
                retained message to its topic from another client), then retry.";
    let title = format!(
        "A packet of {} was too big for this connection",
        group_digits(size)
    );
    Diagnosis::new(Severity::Error, title, format!("{what}{then}{todo}"))
        .with(Action::Edit(Setting::ReceiveLimit))
        .with(Action::Retry)
}

/// 2000000 as "2,000,000".
fn group_digits(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Another tab of the page connected to `url` with the same client id, `client_id`.
pub fn taken_by_another_tab(url: &str, client_id: &str) -> Diagnosis {
    let detail = format!(
        "Another tab of mqttscope connected to {url} with the same client id, {}. A broker \
         keeps one connection per client id, so this tab stepped back (its session is kept \
         for when you connect again) and does not reconnect on its own: two tabs with one \
         client id would take the session from each other forever. Give one of them a \
         different client id, or connect here again to take the session back.",
        quoted(client_id)
    );
    Diagnosis::new(
        Severity::Warning,
        "Another tab took over this session".to_owned(),
        detail,
    )
    .with(Action::Edit(Setting::ClientId))
    .with(Action::Retry)
}

/// This client could not encode a packet; nothing malformed was sent.
pub fn internal(detail: &str) -> Diagnosis {
    let detail = format!(
        "mqttscope could not encode a packet it had to send: {}. Nothing malformed was \
         sent. Check the settings that went into it (authentication data, properties).",
        quoted(detail)
    );
    Diagnosis::new(
        Severity::Error,
        "mqttscope could not build a packet",
        detail,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::parse;

    fn url() -> BrokerUrl {
        parse("ws://h:9001/mqtt").expect("valid")
    }

    #[test]
    fn a_connect_timeout_says_how_long() {
        let d = connect_timeout(&url(), 10_000.0);
        assert!(
            d.detail.contains("no CONNACK came within 10 s"),
            "{}",
            d.detail
        );
        assert_eq!(d.title, "No answer to CONNECT from h:9001");
    }

    #[test]
    fn a_keep_alive_timeout_says_how_long() {
        let d = keep_alive_timeout(&url(), 60);
        assert!(d
            .detail
            .contains("for 90 s (1.5 times the keep alive of 60 s)"));
        let d = keep_alive_timeout(&url(), 5);
        assert!(d.detail.contains("for 7.5 s"), "{}", d.detail);
        let d = keep_alive_timeout(&url(), 0);
        assert!(d.detail.contains("the keep-alive window"), "{}", d.detail);
    }

    #[test]
    fn violations_carry_the_rule() {
        let d = violation(&url(), "MQTT-3.2.2-6", "Session Present with a failure.");
        assert_eq!(d.title, "The broker broke an MQTT rule [MQTT-3.2.2-6]");
        assert!(d
            .detail
            .contains("[MQTT-3.2.2-6]: \"Session Present with a failure\"."));
        let d = violation(&url(), "3.2.2.3.18", "");
        assert!(
            d.detail.contains("(§3.2.2.3.18): a rule was broken."),
            "{}",
            d.detail
        );
        let d = violation(&url(), "", "x");
        assert_eq!(d.title, "The broker broke an MQTT rule");
        assert!(d.detail.contains("specification: \"x\""), "{}", d.detail);
    }

    #[test]
    fn internal_errors_say_nothing_was_sent() {
        let d = internal("too long");
        assert!(d.detail.contains("\"too long\""));
        assert!(d.actions.is_empty());
    }
}
