//! What a [`crate::Broker`] is configured with: every limit is a setting with a default.

use std::time::Duration;

use mqttscope_proto::QoS;

use crate::ScramUser;

/// A user for username/password authentication.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    /// The User Name a client presents.
    pub username: String,
    /// The password it must present with it (compared byte for byte).
    pub password: Vec<u8>,
}

impl User {
    /// A user with `username` and `password`.
    pub fn new(username: impl Into<String>, password: impl Into<Vec<u8>>) -> Self {
        User {
            username: username.into(),
            password: password.into(),
        }
    }
}

/// Broker configuration. `Default` gives an open broker (anonymous clients allowed, no
/// users) with limits that suit a playground; each field says its default.
///
/// Authentication: a CONNECT whose User Name and Password match a [`User`] is accepted. A
/// CONNECT with a User Name that matches no user (or the wrong password) is refused with
/// 0x86 Bad User Name or Password (MQTT 3: return code 4), unless `users` is empty and
/// `allow_anonymous` is set (then nothing is checked). A CONNECT without a User Name is
/// accepted only with `allow_anonymous`, else refused with 0x87 Not authorized (MQTT 3:
/// return code 5).
///
/// Enhanced authentication (MQTT 5, section 4.12): SCRAM-SHA-256 and SCRAM-SHA-512
/// (RFC 5802, RFC 7677) for the users in `scram_users`, once the driver has given the
/// broker entropy for its nonces ([`crate::Broker::add_entropy`]). A CONNECT naming one
/// of them with a client-first-message is answered with AUTH 0x18 and the
/// server-first-message; the client's AUTH 0x18 with a right proof gets CONNACK 0x00
/// with the server-final-message, and the SCRAM user becomes the connection's user name
/// (the CONNECT's User Name and Password, and `allow_anonymous`, play no part). A wrong
/// proof, an unknown user or a malformed SCRAM message is refused with 0x87 Not
/// authorized; any other Authentication Method, or SCRAM without users for it or without
/// entropy, with 0x8C Bad authentication method [MQTT-4.12.0-1]. A connected client may
/// re-authenticate with AUTH 0x19 (4.12.1); failing closes the connection with
/// DISCONNECT 0x87.
#[derive(Debug, Clone)]
pub struct BrokerOptions {
    /// Open connections at once; [`crate::Broker::accept`] refuses more. Default 1,000.
    pub max_connections: usize,
    /// Sessions held at once (connected or not); a CONNECT that would create one more is
    /// refused with 0x97 Quota exceeded (MQTT 3: 3 Server unavailable). Default 10,000.
    pub max_sessions: usize,
    /// QoS 1/2 messages a session may hold waiting for delivery (offline, or beyond the
    /// client's window); more are dropped and reported. Default 1,000.
    pub max_queued_messages: usize,
    /// Retained messages held; a new topic beyond it is not retained (the message is
    /// still routed) and the drop is reported. Default 10,000.
    pub max_retained_messages: usize,
    /// Subscriptions one session may hold; more are refused per filter. Default 1,000.
    pub max_subscriptions_per_session: usize,
    /// The longest Topic Name or Topic Filter accepted, in bytes. Default 65,535.
    pub max_topic_length: usize,
    /// The most levels a Topic Name or Topic Filter may have. Default 64.
    pub max_topic_depth: usize,
    /// The largest packet accepted, fixed header included; announced in CONNACK as
    /// Maximum Packet Size (MQTT 5), a bigger packet ends the connection (0x95). It is
    /// also the receive buffer's bound. Default 1 MiB.
    pub max_packet_size: u32,
    /// QoS 2 publishes a client may have awaiting PUBREL (our Receive Maximum, announced
    /// in CONNACK); one more is DISCONNECT 0x93. Default 100.
    pub receive_maximum: u16,
    /// Outbound QoS 1/2 window for MQTT 3 clients, which cannot announce a Receive
    /// Maximum. Default 20.
    pub v3_in_flight: u16,
    /// A keep alive imposed on MQTT 5 clients through Server Keep Alive. Default `None`.
    pub server_keep_alive: Option<u16>,
    /// The highest Topic Alias accepted from clients (announced in CONNACK; 0: none).
    /// Default 10.
    pub topic_alias_maximum: u16,
    /// Assign Topic Aliases to messages sent to MQTT 5 clients whose Topic Alias Maximum
    /// allows it (at most `topic_alias_maximum` per connection, first come first
    /// served). Default false.
    pub assign_topic_aliases: bool,
    /// The longest Session Expiry Interval granted, in seconds (`u32::MAX`: sessions may
    /// never expire). A capped value is returned in CONNACK. Default one day.
    pub session_expiry_cap: u32,
    /// Users for username/password authentication. Default none.
    pub users: Vec<User>,
    /// Users for SCRAM enhanced authentication, one entry per user and mechanism
    /// (their stored keys, never a password). Default none: a CONNECT naming a SCRAM
    /// method gets CONNACK 0x8C.
    pub scram_users: Vec<ScramUser>,
    /// Accept clients without a User Name. Default true.
    pub allow_anonymous: bool,
    /// How long a connection may stay without CONNECT before it is closed. Default 10 s.
    pub connect_timeout: Duration,
    /// The longest Client Identifier accepted, in bytes (0x85 beyond). Default 256.
    pub max_client_id_length: usize,
    /// The highest QoS granted to subscriptions (announced as Maximum QoS in CONNACK when
    /// below 2). Default QoS 2.
    pub maximum_qos: QoS,
    /// Accept shared subscriptions `$share/<group>/<filter>` (also from MQTT 3.1.1
    /// clients). Default true.
    pub shared_subscriptions: bool,
    /// Accept filters with `+` and `#`. Default true.
    pub wildcard_subscriptions: bool,
    /// Send Reason Strings (in CONNACK refusals and server DISCONNECTs) to MQTT 5 clients
    /// that did not turn Request Problem Information off. Default false, which keeps the
    /// packets short.
    pub reason_strings: bool,
}

impl Default for BrokerOptions {
    fn default() -> Self {
        BrokerOptions {
            max_connections: 1000,
            max_sessions: 10_000,
            max_queued_messages: 1000,
            max_retained_messages: 10_000,
            max_subscriptions_per_session: 1000,
            max_topic_length: 65_535,
            max_topic_depth: 64,
            max_packet_size: 1 << 20,
            receive_maximum: 100,
            v3_in_flight: 20,
            server_keep_alive: None,
            topic_alias_maximum: 10,
            assign_topic_aliases: false,
            session_expiry_cap: 86_400,
            users: Vec::new(),
            scram_users: Vec::new(),
            allow_anonymous: true,
            connect_timeout: Duration::from_secs(10),
            max_client_id_length: 256,
            maximum_qos: QoS::ExactlyOnce,
            shared_subscriptions: true,
            wildcard_subscriptions: true,
            reason_strings: false,
        }
    }
}

impl BrokerOptions {
    /// True when `topic` (a name or a filter) is within the length and depth limits.
    pub(crate) fn topic_fits(&self, topic: &str) -> bool {
        topic.len() <= self.max_topic_length
            && topic.bytes().filter(|&b| b == b'/').count() < self.max_topic_depth
    }
}
