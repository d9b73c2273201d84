//! The lights: publish their brightness and obey `home/lights/brightness/set`.

use std::time::Duration;

use mqttscope_proto::client::Message;

use super::Device;

/// Where the lights publish their brightness.
pub const TOPIC: &str = "home/lights/brightness";
/// Where they take commands: a number 0 to 100, or JSON `{"brightness": n}`.
pub const SET_TOPIC: &str = "home/lights/brightness/set";

/// Dimmable lights, 0 (off) to 100 percent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lights {
    brightness: u8,
}

impl Lights {
    /// Lights at `brightness` percent (at most 100).
    pub fn new(brightness: u8) -> Self {
        Lights {
            brightness: brightness.min(100),
        }
    }

    /// The brightness in percent.
    pub fn brightness(&self) -> u8 {
        self.brightness
    }

    /// The state as JSON.
    pub fn payload(&self) -> String {
        format!(
            r#"{{"brightness":{},"on":{}}}"#,
            self.brightness,
            self.brightness > 0
        )
    }

    fn report(&self) -> Vec<Message> {
        vec![Message::new(TOPIC, self.payload())]
    }
}

/// The brightness a command asks for, clamped to 0..=100; `None` when it names none.
pub fn parse_command(payload: &[u8]) -> Option<u8> {
    let text = std::str::from_utf8(payload).ok()?.trim();
    match text.strip_prefix('{') {
        Some(object) => {
            let after_key = object.split_once("\"brightness\"")?.1;
            let number = after_key.trim_start().strip_prefix(':')?.trim_start();
            let end = number
                .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-'))
                .unwrap_or(number.len());
            brightness(&number[..end])
        }
        None => brightness(text),
    }
}

/// A decimal number (`70`, `+12.6`, `-3`, `.5`) rounded half away from zero and clamped
/// to 0..=100, or `None`. Read by hand rather than as an `f64`: `str::parse::<f64>` would
/// link core's decimal-to-float conversion and its tables into the sandbox's wasm for
/// this one number.
fn brightness(text: &str) -> Option<u8> {
    let (negative, digits) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    let all_digits = whole
        .bytes()
        .chain(fraction.bytes())
        .all(|b| b.is_ascii_digit());
    if !all_digits || (whole.is_empty() && fraction.is_empty()) {
        return None;
    }
    if negative {
        return Some(0);
    }
    let whole = whole.trim_start_matches('0');
    if whole.len() > 3 {
        return Some(100);
    }
    let units: u32 = whole.bytes().fold(0, |n, d| n * 10 + u32::from(d - b'0'));
    let half_up = fraction.as_bytes().first().is_some_and(|&d| d >= b'5');
    Some((units + u32::from(half_up)).min(100) as u8)
}

impl Device for Lights {
    fn client_id(&self) -> &'static str {
        "sandbox-lights"
    }

    fn subscriptions(&self) -> &'static [&'static str] {
        &[SET_TOPIC]
    }

    fn on_connected(&mut self) -> Vec<Message> {
        self.report()
    }

    fn on_message(&mut self, topic: &str, payload: &[u8]) -> Vec<Message> {
        match parse_command(payload) {
            Some(b) if topic == SET_TOPIC => {
                self.brightness = b;
                self.report()
            }
            _ => Vec::new(),
        }
    }

    fn period(&self) -> Duration {
        Duration::from_secs(5)
    }

    fn tick(&mut self) -> Vec<Message> {
        self.report()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_are_numbers_or_json_and_are_clamped() {
        assert_eq!(parse_command(b"40"), Some(40));
        assert_eq!(parse_command(b" 12.6 \n"), Some(13));
        assert_eq!(parse_command(br#"{"brightness": 5}"#), Some(5));
        assert_eq!(parse_command(b"250"), Some(100));
        assert_eq!(parse_command(b"-3"), Some(0));
        assert_eq!(parse_command(b"+7.5"), Some(8));
        assert_eq!(parse_command(b".5"), Some(1));
        assert_eq!(parse_command(b"5."), Some(5));
        assert_eq!(parse_command(b"99.49"), Some(99));
        assert_eq!(parse_command(b"99.5"), Some(100));
        assert_eq!(parse_command(b"000042"), Some(42));
        assert_eq!(parse_command(b"123456789012345678901234567890"), Some(100));
        assert_eq!(parse_command(b"-0.4"), Some(0));
        assert_eq!(
            parse_command(br#"{"brightness": 70.5, "on": true}"#),
            Some(71)
        );
        for bad in [
            &b"bright"[..],
            b"",
            b"{}",
            b"\xff\xfe",
            br#"{"brightness":"x"}"#,
            b"1e999",
            b"NaN",
            b"inf",
            b".",
            b"-",
            b"1.2.3",
            b"7 5",
            b"1e2",
        ] {
            assert_eq!(parse_command(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn a_command_changes_what_they_publish_at_once() {
        let mut l = Lights::new(70);
        assert_eq!(l.tick()[0].payload, br#"{"brightness":70,"on":true}"#);
        let out = l.on_message(SET_TOPIC, b"0");
        assert_eq!(out[0].topic, TOPIC);
        assert_eq!(out[0].payload, br#"{"brightness":0,"on":false}"#);
        assert_eq!(l.brightness(), 0);
        assert!(l.on_message(SET_TOPIC, b"nonsense").is_empty());
        assert!(l.on_message("home/other", b"50").is_empty());
        assert_eq!(l.brightness(), 0);
    }
}
