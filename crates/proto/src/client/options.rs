//! What a [`super::Client`] is configured with.

use std::time::Duration;

use crate::codec::{ConnectProperties, ProtocolVersion, Will};

/// The default [`ClientOptions::receive_limit`]: 16 MiB.
pub const DEFAULT_RECEIVE_LIMIT: usize = 16 << 20;

/// Client configuration. `Default` gives an MQTT 5 client with a clean start, a 60 s keep
/// alive and a generated-by-server client id.
#[derive(Debug, Clone)]
pub struct ClientOptions {
    /// The protocol version to speak.
    pub version: ProtocolVersion,
    /// The client identifier; empty asks the server to assign one (MQTT 3.1.1 then
    /// requires `clean_start`).
    pub client_id: String,
    /// Clean Start (MQTT 5) / Clean Session (MQTT 3).
    pub clean_start: bool,
    /// Keep alive in seconds; 0 disables it. A Server Keep Alive in CONNACK replaces it.
    pub keep_alive: u16,
    /// User name.
    pub username: Option<String>,
    /// Password (never logged or surfaced in events other than the CONNECT packet itself).
    pub password: Option<Vec<u8>>,
    /// The will.
    pub will: Option<Will<'static>>,
    /// MQTT 5 CONNECT properties (Session Expiry, Receive Maximum, Maximum Packet Size,
    /// Topic Alias Maximum, …). Receive Maximum and Maximum Packet Size set here are also
    /// enforced on what the server sends.
    pub properties: ConnectProperties<'static>,
    /// The largest packet accepted from the server, fixed header included (a resource
    /// limit of this client). In MQTT 5 it is always announced as Maximum Packet Size
    /// (the smaller of it and `properties.maximum_packet_size`), so that the server drops
    /// what is bigger instead of sending it [MQTT-3.1.2-24] [MQTT-3.1.2-25]; MQTT 3 has
    /// no way to announce it, and a bigger packet ends the connection
    /// ([`super::DisconnectCause::TooLarge`]).
    pub receive_limit: usize,
    /// How many QoS 1/2 publishes may wait for a send slot (server Receive Maximum) or
    /// for a connection; beyond it `publish` fails rather than drop anything.
    pub max_queued: usize,
    /// How long to wait for CONNACK.
    pub connect_timeout: Duration,
    /// Our own cap on QoS 1/2 publishes in flight. `None`: the server's Receive Maximum
    /// in MQTT 5, and 20 in MQTT 3, where a server cannot announce its limit (mosquitto
    /// drops a kept-session client that sends more; paho and mosquitto_pub also use 20).
    pub max_in_flight: Option<u16>,
    /// Whether to assign Topic Aliases to outgoing publishes (MQTT 5).
    pub topic_alias: super::TopicAliasPolicy,
    /// Reconnect automatically (with backoff) after a connection ends, unless we ended it
    /// or the server refused us for good. `None`: never.
    pub reconnect: Option<super::ReconnectPolicy>,
}

impl Default for ClientOptions {
    fn default() -> Self {
        ClientOptions {
            version: ProtocolVersion::V5,
            client_id: String::new(),
            clean_start: true,
            keep_alive: 60,
            username: None,
            password: None,
            will: None,
            properties: ConnectProperties::default(),
            receive_limit: DEFAULT_RECEIVE_LIMIT,
            max_queued: 1000,
            connect_timeout: Duration::from_secs(10),
            reconnect: None,
            max_in_flight: None,
            topic_alias: super::TopicAliasPolicy::Off,
        }
    }
}
