//! Small text helpers shared by the diagnoses: quoting what a server said, seconds, and
//! reading a Server Reference.

use super::parse::parse;
use super::ports::tcp_port_name;
use super::url::BrokerUrl;

/// The most characters of server-supplied text shown.
const MAX_QUOTE: usize = 200;

/// Server-supplied text made safe to show: control characters become spaces, it is
/// trimmed and cut at [`MAX_QUOTE`] characters, and put in quotes.
pub fn quoted(text: &str) -> String {
    let clean: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let clean = clean.trim();
    let mut out: String = clean.chars().take(MAX_QUOTE).collect();
    if clean.chars().count() > MAX_QUOTE {
        out.push('…');
    }
    format!("\"{out}\"")
}

/// " The broker says: "…"." for a non-empty reason, else nothing.
pub fn broker_says(reason: Option<&str>) -> String {
    match reason.map(str::trim).filter(|r| !r.is_empty()) {
        Some(r) => format!(" The broker says: {}.", quoted(r)),
        None => String::new(),
    }
}

/// Milliseconds as seconds for a sentence: "10 s", "2.5 s", "0.3 s" (negative or not a
/// number: "0 s").
pub fn seconds(ms: f64) -> String {
    // Whole numbers only: formatting a float would bring the float formatter (over 10 kB)
    // into the wasm for this one sentence.
    let ms = if ms.is_finite() && ms > 0.0 { ms } else { 0.0 };
    let tenths = (ms / 100.0).round() as u64;
    if ms >= 10_000.0 {
        format!("{} s", (ms / 1000.0).round() as u64)
    } else if tenths % 10 == 0 {
        format!("{} s", tenths / 10)
    } else {
        format!("{}.{} s", tenths / 10, tenths % 10)
    }
}

/// Where a Server Reference points, as a URL this browser could try: a `ws(s)://` URL
/// as given, otherwise its host (and port, unless it is an MQTT TCP port) with the
/// current scheme, port and path. The first of several space-separated references.
pub fn reference_url(reference: &str, current: &BrokerUrl) -> Option<BrokerUrl> {
    let first = reference.split_whitespace().next()?;
    if let Ok(url) = parse(first) {
        return Some(url);
    }
    let rest = first.split_once("://").map_or(first, |(_, r)| r);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or(rest);
    let scheme = if current.secure { "wss" } else { "ws" };
    let mut url = parse(&format!("{scheme}://{authority}{}", current.path)).ok()?;
    if !names_port(authority) || tcp_port_name(url.port).is_some() {
        url.port = current.port;
    }
    Some(url)
}

/// True when an authority ends in `:digits` (outside IPv6 brackets).
fn names_port(authority: &str) -> bool {
    authority
        .rsplit_once(':')
        .is_some_and(|(_, p)| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
        && !authority.ends_with(']')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_are_clean_and_short() {
        assert_eq!(quoted(" a\nb\u{0}c "), "\"a b c\"");
        let long = quoted(&"x".repeat(500));
        assert_eq!(long.chars().count(), MAX_QUOTE + 3);
        assert!(long.ends_with("…\""));
        assert_eq!(broker_says(Some("  ")), "");
        assert_eq!(broker_says(None), "");
        assert_eq!(
            broker_says(Some("go away")),
            " The broker says: \"go away\"."
        );
    }

    #[test]
    fn seconds_read_naturally() {
        assert_eq!(seconds(10_000.0), "10 s");
        assert_eq!(seconds(2_500.0), "2.5 s");
        assert_eq!(seconds(2_000.0), "2 s");
        assert_eq!(seconds(12_345.0), "12 s");
        assert_eq!(seconds(-5.0), "0 s");
        assert_eq!(seconds(f64::NAN), "0 s");
        assert_eq!(seconds(f64::INFINITY), "0 s");
        assert_eq!(seconds(300.0), "0.3 s");
        assert_eq!(seconds(9_960.0), "10 s");
    }

    #[test]
    fn server_references_become_urls() {
        let here = parse("wss://a.example:8884/mqtt?t=1").expect("valid");
        let to = |r: &str| reference_url(r, &here).map(|u| u.ws_url());
        assert_eq!(to("wss://b.example/ws"), Some("wss://b.example/ws".into()));
        assert_eq!(to("b.example"), Some("wss://b.example:8884/mqtt".into()));
        assert_eq!(
            to("b.example:9443 c.example"),
            Some("wss://b.example:9443/mqtt".into())
        );
        assert_eq!(
            to("mqtts://b.example:8883"),
            Some("wss://b.example:8884/mqtt".into())
        );
        assert_eq!(to("[::2]"), Some("wss://[::2]:8884/mqtt".into()));
        assert_eq!(to("[::2]:9000"), Some("wss://[::2]:9000/mqtt".into()));
        assert_eq!(to(""), None);
        assert_eq!(to("bad!host"), None);
    }
}
