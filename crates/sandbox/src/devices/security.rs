//! The security system: a retained status (with a will that says "offline"), arming
//! commands and now and then a motion event.

use std::time::Duration;

use mqttscope_proto::client::Message;
use mqttscope_proto::QoS;

use super::Device;
use crate::rng::Rng;

/// Its retained status.
pub const STATUS_TOPIC: &str = "home/security/status";
/// Commands: `arm` or `disarm`.
pub const SET_TOPIC: &str = "home/security/set";
/// Motion events.
pub const MOTION_TOPIC: &str = "home/security/motion";
/// The will's payload: what the status says once the system is gone.
pub const OFFLINE: &str = r#"{"state":"offline"}"#;

const ZONES: [&str; 3] = ["hallway", "garden", "garage"];

/// An alarm system, armed or not.
#[derive(Debug, Clone)]
pub struct Security {
    rng: Rng,
    armed: bool,
}

impl Security {
    /// An armed system; its motion events drawn from `rng`.
    pub fn new(rng: Rng) -> Self {
        Security { rng, armed: true }
    }

    /// Whether it is armed.
    pub fn armed(&self) -> bool {
        self.armed
    }

    fn status(&self) -> Message {
        let state = if self.armed { "armed" } else { "disarmed" };
        Message::new(STATUS_TOPIC, format!(r#"{{"state":"{state}"}}"#))
            .with_qos(QoS::AtLeastOnce)
            .retained()
    }
}

impl Device for Security {
    fn client_id(&self) -> &'static str {
        "sandbox-security"
    }

    fn will(&self) -> Option<Message> {
        Some(
            Message::new(STATUS_TOPIC, OFFLINE)
                .with_qos(QoS::AtLeastOnce)
                .retained(),
        )
    }

    fn subscriptions(&self) -> &'static [&'static str] {
        &[SET_TOPIC]
    }

    fn on_connected(&mut self) -> Vec<Message> {
        vec![self.status()]
    }

    fn on_message(&mut self, topic: &str, payload: &[u8]) -> Vec<Message> {
        let armed = match (topic, payload.trim_ascii()) {
            (SET_TOPIC, b"arm") => true,
            (SET_TOPIC, b"disarm") => false,
            _ => return Vec::new(),
        };
        self.armed = armed;
        vec![self.status()]
    }

    fn period(&self) -> Duration {
        Duration::from_secs(7)
    }

    /// Motion in a random zone, about one period in three.
    fn tick(&mut self) -> Vec<Message> {
        if self.rng.unit() >= 1.0 / 3.0 {
            return Vec::new();
        }
        let zone = ZONES[(self.rng.next_u64() % ZONES.len() as u64) as usize];
        let payload = format!(
            r#"{{"zone":"{zone}","motion":true,"alarm":{}}}"#,
            self.armed
        );
        vec![Message::new(MOTION_TOPIC, payload)]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_is_retained_and_the_will_says_offline() {
        let mut s = Security::new(Rng::new(1));
        let status = &s.on_connected()[0];
        assert!(status.retain);
        assert_eq!(status.payload, br#"{"state":"armed"}"#);
        let will = s.will().unwrap();
        assert_eq!((will.topic.as_str(), will.retain), (STATUS_TOPIC, true));
        assert_eq!(will.payload, OFFLINE.as_bytes());
    }

    #[test]
    fn arms_and_disarms_on_command() {
        let mut s = Security::new(Rng::new(1));
        assert_eq!(
            s.on_message(SET_TOPIC, b"disarm\n")[0].payload,
            br#"{"state":"disarmed"}"#
        );
        assert!(!s.armed());
        assert!(s.on_message(SET_TOPIC, b"explode").is_empty());
        assert!(!s.armed());
    }

    #[test]
    fn motion_now_and_then() {
        let mut s = Security::new(Rng::new(9));
        let events: usize = (0..300).map(|_| s.tick().len()).sum();
        assert!((60..140).contains(&events), "{events}");
    }
}
