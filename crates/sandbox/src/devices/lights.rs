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
    let value: f64 = match text.strip_prefix('{') {
        Some(object) => {
            let after_key = object.split_once("\"brightness\"")?.1;
            let number = after_key.trim_start().strip_prefix(':')?.trim_start();
            let end = number
                .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-'))
                .unwrap_or(number.len());
            number[..end].parse().ok()?
        }
        None => text.parse().ok()?,
    };
    value
        .is_finite()
        .then(|| value.clamp(0.0, 100.0).round() as u8)
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
        for bad in [
            &b"bright"[..],
            b"",
            b"{}",
            b"\xff\xfe",
            br#"{"brightness":"x"}"#,
            b"1e999",
            b"NaN",
            b"inf",
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
