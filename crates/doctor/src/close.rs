//! WebSocket close codes (RFC 6455 7.4 and the IANA registry) and what a close means
//! for an MQTT connection.

use super::report::{Action, Diagnosis, Setting, Severity};
use super::text::quoted;
use super::url::BrokerUrl;

/// A close code's name and meaning.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CloseCode {
    /// Its registered name ("Normal Closure"), or the range it falls in.
    pub name: &'static str,
    /// What it means, in a sentence.
    pub meaning: &'static str,
}

/// The name and meaning of a close code: 1000 to 1015, the registered 3000, 3003 and
/// 3008, the ranges 3000–3999 and 4000–4999, and anything else as invalid.
pub fn close_code(code: u16) -> CloseCode {
    let (name, meaning) = match code {
        1000 => (
            "Normal Closure",
            "The server closed the connection on purpose.",
        ),
        1001 => ("Going Away", "The server is shutting down or restarting."),
        1002 => ("Protocol Error", "The WebSocket framing was broken."),
        1003 => (
            "Unsupported Data",
            "The server got a kind of message it does not accept.",
        ),
        1004 => ("Reserved", "This code has no meaning yet."),
        1005 => (
            "No Status Received",
            "The connection was closed without a close code.",
        ),
        1006 => (
            "Abnormal Closure",
            "The connection dropped without a closing handshake.",
        ),
        1007 => (
            "Invalid Payload Data",
            "A message's data was not valid for its type.",
        ),
        1008 => ("Policy Violation", "Something broke the server's policy."),
        1009 => (
            "Message Too Big",
            "A message was larger than the server accepts.",
        ),
        1010 => (
            "Mandatory Extension",
            "The server lacked a WebSocket extension required.",
        ),
        1011 => ("Internal Error", "The server hit an unexpected error."),
        1012 => ("Service Restart", "The server is restarting."),
        1013 => ("Try Again Later", "The server is overloaded for now."),
        1014 => (
            "Bad Gateway",
            "A proxy got a bad answer from the server behind it.",
        ),
        1015 => (
            "TLS Handshake",
            "The TLS handshake failed (certificate or protocol).",
        ),
        3000..=3999 => registered(code),
        4000..=4999 => (
            "Private code",
            "A code of the server's own; its reason may say more.",
        ),
        _ => ("Invalid code", "Not a valid WebSocket close code."),
    };
    CloseCode { name, meaning }
}

/// Codes 3000–3999, registered with IANA by libraries and frameworks.
fn registered(code: u16) -> (&'static str, &'static str) {
    match code {
        3000 => ("Unauthorized", "The server requires authentication."),
        3003 => ("Forbidden", "You are authenticated but not allowed."),
        3008 => ("Timeout", "The server timed out waiting for you."),
        _ => (
            "Library code",
            "A code registered by a library or framework.",
        ),
    }
}

/// The WebSocket to `url` closed with `code` and `reason` after it had opened (a close
/// before it opened, other than 1006, is explained the same way).
pub fn closed(url: &BrokerUrl, code: u16, reason: &str, was_open: bool) -> Diagnosis {
    let c = close_code(code);
    let mut detail = format!("Close code {code}, {}: {}", c.name, c.meaning);
    let reason = reason.trim();
    if !reason.is_empty() {
        detail.push_str(&format!(" The server says: {}.", quoted(reason)));
    }
    let (severity, advice, actions) = advice(url, code);
    detail.push(' ');
    detail.push_str(&advice);
    if was_open && matches!(code, 1000 | 1005 | 1006) {
        detail.push_str(
            " Brokers often drop an MQTT connection without a DISCONNECT when another \
             client connects with the same client id, or (in MQTT 3) when a publish or \
             subscribe is not allowed.",
        );
    }
    let when = if was_open { "closed" } else { "was refused" };
    let title = format!("The connection to {} {when}: {}", url.host_port(), c.name);
    Diagnosis::new(severity, title, detail).with_all(actions)
}

fn advice(url: &BrokerUrl, code: u16) -> (Severity, String, Vec<Action>) {
    let retry = |s: &str| (Severity::Warning, s.to_string(), vec![Action::Retry]);
    let fix = |s: &str, a: Vec<Action>| (Severity::Error, s.to_string(), a);
    match code {
        1000 | 1005 => retry("Nothing in the close says why; the packet log may."),
        1001 | 1012 => retry("Retry in a moment."),
        1006 => retry("The network dropped, the broker stopped, or a proxy cut the line."),
        1011 | 1013 | 1014 => retry("This is on the server's side; retry later."),
        1003 | 1007 => fix(
            "MQTT needs binary messages; a proxy in front may not pass them through.",
            vec![Action::Edit(Setting::Url)],
        ),
        1008 => fix(
            "The server may check the page's origin, your credentials or your topics.",
            vec![Action::Edit(Setting::Credentials), Action::Retry],
        ),
        1009 => fix("Send a smaller payload.", vec![Action::Retry]),
        1015 if url.secure => fix(
            "Open the broker's https:// page to trust its certificate, then retry.",
            vec![Action::trust_certificate(url), Action::Retry],
        ),
        3000 | 3003 => fix(
            "Check your user name and password.",
            vec![Action::Edit(Setting::Credentials)],
        ),
        3008 => retry("Retry."),
        _ => fix(
            "The server's documentation may explain this code.",
            vec![Action::Retry],
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::parse;

    #[test]
    fn every_standard_code_has_its_own_name() {
        let names: Vec<&str> = (1000..=1015).map(|c| close_code(c).name).collect();
        let mut unique = names.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), names.len());
        assert_eq!(close_code(4001).name, "Private code");
        assert_eq!(close_code(3003).name, "Forbidden");
        assert_eq!(close_code(3500).name, "Library code");
        for c in [0, 999, 1016, 2999, 5000, u16::MAX] {
            assert_eq!(close_code(c).name, "Invalid code", "{c}");
        }
    }

    #[test]
    fn a_close_names_the_server_code_and_reason() {
        let u = parse("wss://h:8884/mqtt").expect("valid");
        let d = closed(&u, 4003, " not allowed\r\n", true);
        assert_eq!(d.title, "The connection to h:8884 closed: Private code");
        assert!(
            d.detail.starts_with("Close code 4003, Private code: "),
            "{}",
            d.detail
        );
        assert!(d.detail.contains("\"not allowed\""), "{}", d.detail);
        assert_eq!(d.severity, Severity::Error);
    }

    #[test]
    fn closes_that_may_pass_offer_a_retry() {
        let u = parse("ws://h:9001").expect("valid");
        for code in [1000, 1001, 1006, 1011, 1012, 1013, 1014, 3008] {
            let d = closed(&u, code, "", true);
            assert_eq!(d.severity, Severity::Warning, "{code}");
            assert_eq!(d.actions, [Action::Retry], "{code}");
        }
        let d = closed(&u, 1006, "", true);
        assert!(d.detail.contains("same client id"), "{}", d.detail);
        let d = closed(&u, 1000, "", false);
        assert!(
            d.title.ends_with("was refused: Normal Closure"),
            "{}",
            d.title
        );
        assert!(!d.detail.contains("same client id"));
    }

    #[test]
    fn tls_failures_offer_the_certificate_page() {
        let u = parse("wss://h:8884").expect("valid");
        let d = closed(&u, 1015, "", false);
        assert_eq!(d.actions[0], Action::trust_certificate(&u));
        let d = closed(&u, 3000, "", true);
        assert_eq!(d.actions, [Action::Edit(Setting::Credentials)]);
    }
}
