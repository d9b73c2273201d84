//! What the broker reports: [`Output`] from `poll_output`, and its [`Event`]s.

use mqttscope_proto::client::Instant;
use mqttscope_proto::{Packet, ProtocolVersion, ReasonCode};

use crate::ConnId;

/// The next thing the driver must do, from [`crate::Broker::poll_output`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[allow(clippy::large_enum_variant)]
pub enum Output {
    /// Send `bytes` on connection `conn`: exactly one MQTT packet (one WebSocket message).
    Transmit {
        /// The connection.
        conn: ConnId,
        /// One encoded packet.
        bytes: Vec<u8>,
    },
    /// Close this connection's transport (after sending what was queued before it). The
    /// broker has forgotten it; a later `handle_closed` for it does nothing.
    Close(ConnId),
    /// Something happened; see [`Event`].
    Event(Event),
    /// Nothing more to do now: call `handle_timeout` at this instant (`u64::MAX`
    /// milliseconds when no timer is armed). Always the last output.
    Timeout(Instant),
}

/// Which way a packet went.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    /// From the client to the broker.
    Received,
    /// From the broker to the client.
    Sent,
}

/// Why a connection ended.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum DisconnectCause {
    /// The client sent DISCONNECT with this reason (0x00 in MQTT 3).
    ClientDisconnect(ReasonCode),
    /// The transport closed without DISCONNECT.
    TransportClosed,
    /// Nothing arrived for 1.5 times the keep alive [MQTT-3.1.2-22].
    KeepAliveTimeout,
    /// No CONNECT arrived in time.
    ConnectTimeout,
    /// The client broke a rule; this reason was (or in MQTT 3 would have been) sent.
    ProtocolError(ReasonCode),
    /// CONNECT was refused with this CONNACK reason.
    Refused(ReasonCode),
    /// Another connection took over the session [MQTT-3.1.4-3].
    TakenOver,
    /// [`crate::Broker::disconnect_client`] ended it with this reason.
    Administrative(ReasonCode),
    /// A re-authentication (AUTH 0x19) failed; DISCONNECT with this reason was sent
    /// [MQTT-4.12.1-2]. (A failed authentication at CONNECT is [`Self::Refused`].)
    ReauthenticationFailed(ReasonCode),
}

/// Why a message did not reach a session.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum DropReason {
    /// The session's queue was full ([`crate::BrokerOptions::max_queued_messages`]).
    QueueFull,
    /// The PUBLISH would exceed the client's Maximum Packet Size [MQTT-3.1.2-25].
    TooLarge {
        /// The PUBLISH's size.
        size: usize,
        /// The client's limit.
        max: u32,
    },
    /// Its Message Expiry Interval passed before delivery began [MQTT-3.3.2-5].
    Expired,
    /// The retained store was full: the message was routed but not retained.
    RetainedStoreFull,
    /// The topic exceeds the length or depth limit: the message was not routed.
    TopicRefused,
}

/// Something the driver or the UI should know.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Event {
    /// A packet was received or sent. Every packet comes out exactly once, with its exact
    /// bytes.
    Packet {
        /// The connection.
        conn: ConnId,
        /// Which way.
        direction: Direction,
        /// When.
        at: Instant,
        /// The exact bytes.
        bytes: Vec<u8>,
        /// The decoded packet.
        packet: Packet<'static>,
    },
    /// A CONNECT was accepted.
    ClientConnected {
        /// The connection.
        conn: ConnId,
        /// Its client id (assigned by the broker if the client sent an empty one).
        client_id: String,
        /// The protocol version it speaks.
        version: ProtocolVersion,
        /// CONNACK said Session Present.
        session_present: bool,
    },
    /// A connection ended (the driver also gets [`Output::Close`]).
    ClientDisconnected {
        /// The connection.
        conn: ConnId,
        /// Its client id, if CONNECT was accepted.
        client_id: Option<String>,
        /// Why.
        cause: DisconnectCause,
    },
    /// A new session began.
    SessionCreated {
        /// Its client id.
        client_id: String,
    },
    /// A connection resumed a stored session.
    SessionResumed {
        /// Its client id.
        client_id: String,
    },
    /// A session ended: its expiry interval passed, it ended with its connection (expiry
    /// 0), or a Clean Start discarded it.
    SessionExpired {
        /// Its client id.
        client_id: String,
    },
    /// A message was published (by a client, or as a will) and handed to `receivers`
    /// sessions.
    MessageRouted {
        /// Its topic.
        topic: String,
        /// How many sessions got a copy.
        receivers: usize,
    },
    /// A message was dropped for one session (or, for the retained store and refused
    /// topics, for everyone).
    MessageDropped {
        /// The session concerned (the publisher for retained-store and topic drops).
        client_id: String,
        /// The message's topic.
        topic: String,
        /// Why.
        reason: DropReason,
    },
    /// A will message was published.
    WillPublished {
        /// The session whose will it was.
        client_id: String,
        /// Its topic.
        topic: String,
    },
    /// Enhanced authentication failed (at CONNECT, or a re-authentication); the
    /// connection is being refused or closed.
    AuthenticationFailed {
        /// The connection.
        conn: ConnId,
        /// The Authentication Method (`SCRAM-SHA-256`).
        method: String,
        /// What was wrong (an unknown user, a wrong proof, a malformed message), for the
        /// log: the client is told only the reason code.
        detail: String,
    },
    /// A connected client re-authenticated (AUTH 0x19 ... AUTH 0x00).
    Reauthenticated {
        /// The connection.
        conn: ConnId,
        /// Its client id.
        client_id: String,
        /// The user it authenticated as, now the connection's user name.
        username: String,
    },
    /// A client broke a rule; its connection is being closed.
    ProtocolViolation {
        /// The connection.
        conn: ConnId,
        /// The offset of the offending byte within its packet, when the bytes are at
        /// fault.
        offset: Option<usize>,
        /// The normative statement (`MQTT-3.1.0-2`) or the section (`3.3.2.3.4`).
        rule: &'static str,
        /// What was wrong, in words.
        detail: String,
    },
}
