//! One network connection: its receive buffer, where it stands, and what its CONNECT
//! settled (the client's limits, keep alive, will, topic aliases).

use std::collections::HashMap;

use mqttscope_proto::codec::{Framer, Will};
use mqttscope_proto::ProtocolVersion;

use crate::auth::Exchange;

/// Where a connection stands. An enhanced authentication exchange (`Conn::exchange`)
/// happens in `AwaitingConnect` before CONNACK, or in `Connected` for a
/// re-authentication.
///
/// ```text
///  accept() ──▶ AwaitingConnect ──CONNECT accepted──▶ Connected
///                    │ bad first packet, refused,          │ DISCONNECT, error, keep alive,
///                    ▼ connect timeout                     ▼ takeover, transport closed
///                  (gone: Output::Close) ◀─────────────────┘
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ConnState {
    /// Accepted; CONNECT has not arrived.
    AwaitingConnect,
    /// CONNECT accepted for this client id.
    Connected(String),
}

/// What the client's CONNECT said about what it accepts (MQTT 5; fixed values for 3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ClientLimits {
    /// QoS 1/2 publishes we may have in flight to it.
    pub receive_maximum: u16,
    /// The largest packet it accepts.
    pub maximum_packet_size: Option<u32>,
    /// The highest Topic Alias it accepts (0: none).
    pub topic_alias_maximum: u16,
    /// Whether it wants Reason Strings (Request Problem Information).
    pub problem_information: bool,
}

/// Outbound Topic Aliases of one connection [MQTT-3.3.2-7].
#[derive(Debug, Default, Clone)]
pub(crate) struct OutAliases {
    pub by_topic: HashMap<String, u16>,
}

/// One connection.
#[derive(Debug)]
pub(crate) struct Conn {
    pub framer: Framer,
    pub state: ConnState,
    pub version: ProtocolVersion,
    /// Keep alive in force, seconds (0: none).
    pub keep_alive: u16,
    pub limits: ClientLimits,
    /// The will, with its Will Delay Interval.
    pub will: Option<(Will<'static>, u32)>,
    /// Topic Aliases the client set up, alias to topic.
    pub aliases_in: HashMap<u16, String>,
    pub aliases_out: OutAliases,
    /// The Session Expiry Interval the CONNECT asked for was 0 (a DISCONNECT may then
    /// not raise it).
    pub expiry_was_zero: bool,
    /// The User Name it authenticated with (the SCRAM user with enhanced
    /// authentication).
    pub username: Option<String>,
    /// The Authentication Method its CONNECT was accepted with, which a
    /// re-authentication must name [MQTT-4.12.1-1].
    pub auth_method: Option<String>,
    /// An enhanced authentication exchange in progress.
    pub exchange: Option<Exchange>,
}

impl Conn {
    /// A new connection; packets are framed with the 3.1.1 rules until CONNECT says the
    /// version (a CONNECT is decoded by the level it names).
    pub(crate) fn new(max_packet_size: u32) -> Self {
        Conn {
            framer: Framer::new(ProtocolVersion::V3_1_1, max_packet_size as usize),
            state: ConnState::AwaitingConnect,
            version: ProtocolVersion::V3_1_1,
            keep_alive: 0,
            limits: ClientLimits {
                receive_maximum: u16::MAX,
                maximum_packet_size: None,
                topic_alias_maximum: 0,
                problem_information: true,
            },
            will: None,
            aliases_in: HashMap::new(),
            aliases_out: OutAliases::default(),
            expiry_was_zero: true,
            username: None,
            auth_method: None,
            exchange: None,
        }
    }

    /// The client id, once connected.
    pub(crate) fn client_id(&self) -> Option<&str> {
        match &self.state {
            ConnState::Connected(id) => Some(id),
            ConnState::AwaitingConnect => None,
        }
    }
}
