//! A session kept between connections made by hand: disconnecting, reconnecting, "Save
//! and connect" and the doctor's Retry keep the client, with its in-flight and queued
//! QoS 1/2 messages, when the next connection continues the same session; otherwise the
//! user is asked before anything is discarded.

use mqttscope_proto::client::Client;
use mqttscope_proto::ProtocolVersion;

use crate::state::settings::ConnectionSettings;

/// What names a session on a broker: the broker's URL, the client id and the version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionKey {
    /// The WebSocket URL.
    pub url: String,
    /// The client id ("" when the broker assigns one: such a session cannot be resumed).
    pub client_id: String,
    /// The protocol version.
    pub version: ProtocolVersion,
}

impl SessionKey {
    /// The key of a connection made with `settings` to `url`.
    pub fn new(url: &str, settings: &ConnectionSettings) -> Self {
        SessionKey {
            url: url.to_owned(),
            client_id: settings.client_id.clone(),
            version: settings.version,
        }
    }
}

/// A client taken from a closed link, with the key of its session.
pub struct KeptSession {
    /// Its session's key.
    pub key: SessionKey,
    /// The client (its session state inside).
    pub client: Client,
}

/// What to do with a kept session when connecting with a new key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Carry {
    /// Continue it: the same session, and Clean Start 0.
    Resume,
    /// Start afresh: nothing would be lost.
    Fresh,
    /// Starting afresh would discard this many QoS 1/2 messages: ask first.
    AskFirst(usize),
}

impl KeptSession {
    /// QoS 1/2 messages in flight or queued.
    pub fn pending(&self) -> usize {
        self.client.in_flight() + self.client.queued()
    }

    /// Whether the next connection, with `key` and `clean_start`, continues this session.
    pub fn carry(&self, key: &SessionKey, clean_start: bool) -> Carry {
        let same = self.key == *key && !key.client_id.is_empty();
        match (same && !clean_start, self.pending()) {
            (true, _) => Carry::Resume,
            (false, 0) => Carry::Fresh,
            (false, n) => Carry::AskFirst(n),
        }
    }
}

#[cfg(test)]
mod tests {
    use mqttscope_proto::client::{ClientOptions, Instant, Message};
    use mqttscope_proto::codec::QoS;

    use super::*;

    fn kept(pending: usize) -> KeptSession {
        let mut client = Client::new(ClientOptions::default(), Instant::from_millis(0));
        for _ in 0..pending {
            let m = Message::new("t", b"x".to_vec()).with_qos(QoS::AtLeastOnce);
            client.publish(Instant::from_millis(0), m).unwrap();
        }
        let key = SessionKey {
            url: "ws://h:9001".into(),
            client_id: "me".into(),
            version: ProtocolVersion::V5,
        };
        KeptSession { key, client }
    }

    #[test]
    fn the_same_session_without_clean_start_is_resumed_and_nothing_is_dropped_unasked() {
        let k = kept(2);
        let same = k.key.clone();
        assert_eq!(k.pending(), 2);
        assert_eq!(k.carry(&same, false), Carry::Resume);
        // Clean Start, another client id, another broker or version: the messages would go.
        assert_eq!(k.carry(&same, true), Carry::AskFirst(2));
        for other in [
            SessionKey {
                client_id: "you".into(),
                ..same.clone()
            },
            SessionKey {
                url: "ws://other:9001".into(),
                ..same.clone()
            },
            SessionKey {
                version: ProtocolVersion::V3_1_1,
                ..same.clone()
            },
            SessionKey {
                client_id: String::new(),
                ..same.clone()
            },
        ] {
            assert_eq!(k.carry(&other, false), Carry::AskFirst(2), "{other:?}");
        }
        assert_eq!(kept(0).carry(&same, true), Carry::Fresh);
    }
}
