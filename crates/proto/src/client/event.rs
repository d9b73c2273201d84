//! What the client reports: [`Output`] from `poll_output`, and its [`Event`]s.

use crate::codec::{
    ConnAckProperties, DisconnectProperties, Packet, Publish, ReasonCode, SubscribeProperties,
    Subscription,
};

use super::{Instant, ProtocolError};

/// The next thing the driver must do, from [`super::Client::poll_output`].
///
/// Events are large (a packet record holds the decoded packet); they are moved once from
/// the client's queue to the driver, so boxing them would only add an allocation each.
#[derive(Debug, Clone, PartialEq, Eq)]
#[allow(clippy::large_enum_variant)]
pub enum Output {
    /// Send these bytes: exactly one MQTT packet (one WebSocket message).
    Transmit(Vec<u8>),
    /// Something happened; see [`Event`].
    Event(Event),
    /// Nothing more to do now: call `handle_timeout` at this instant ([`Instant`] of
    /// `u64::MAX` milliseconds when no timer is armed). Always the last output.
    Timeout(Instant),
}

/// Which way a packet went.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    /// From this client to the server.
    Sent,
    /// From the server to this client.
    Received,
}

/// One packet on the wire, as sent or received: decoded, with its exact bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PacketRecord {
    /// Which way.
    pub direction: Direction,
    /// When.
    pub at: Instant,
    /// The exact bytes.
    pub bytes: Vec<u8>,
    /// The decoded packet.
    pub packet: Packet<'static>,
}

/// Identifies a [`super::Client::publish`] call in later events.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PublishHandle(pub(crate) u64);

impl PublishHandle {
    /// The handle as a number, unique among this client's publishes (for a driver that
    /// hands it across a language boundary).
    pub const fn id(self) -> u64 {
        self.0
    }
}

/// Identifies a subscribe or unsubscribe call in later events.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RequestHandle(pub(crate) u64);

impl RequestHandle {
    /// The handle as a number, unique among this client's requests (for a driver that
    /// hands it across a language boundary).
    pub const fn id(self) -> u64 {
        self.0
    }
}

/// Who asked for a SUBSCRIBE or UNSUBSCRIBE that an event reports on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RequestOrigin {
    /// The application: [`super::Client::subscribe`] or [`super::Client::unsubscribe`]
    /// returned this handle.
    Caller(RequestHandle),
    /// The client on its own: it subscribed again to the subscriptions it keeps, after a
    /// CONNACK on which the server had lost the session
    /// ([`super::Client::resubscribes`]).
    Resubscribe,
    /// The client on its own: it unsubscribed from filters forgotten while offline, after
    /// a CONNACK that resumed a session still holding them
    /// ([`super::Client::forget_subscriptions`]).
    Forgotten,
}

impl RequestOrigin {
    /// The application's handle, when the application asked.
    pub fn handle(self) -> Option<RequestHandle> {
        match self {
            RequestOrigin::Caller(h) => Some(h),
            RequestOrigin::Resubscribe | RequestOrigin::Forgotten => None,
        }
    }
}

/// What a SUBSCRIBE or UNSUBSCRIBE asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Request {
    /// SUBSCRIBE.
    Subscribe {
        /// The filters with their options, in the packet's order.
        subscriptions: Vec<Subscription<'static>>,
        /// Its properties (Subscription Identifier, User Properties).
        properties: SubscribeProperties<'static>,
    },
    /// UNSUBSCRIBE.
    Unsubscribe {
        /// The filters, in the packet's order.
        filters: Vec<String>,
    },
}

/// Something the application should know.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Event {
    /// A packet was sent or received. Every packet comes out exactly once.
    Packet(PacketRecord),
    /// CONNACK accepted the connection.
    Connected {
        /// The server resumed the session.
        session_present: bool,
        /// The server's CONNACK properties (limits, assigned client id, …).
        properties: ConnAckProperties<'static>,
    },
    /// An application message arrived (once, even at QoS 2 with duplicates).
    Message(Publish<'static>),
    /// A publish answered a [`super::Client::request`] (matched by Correlation Data). The
    /// message is also reported as [`Event::Message`].
    Response {
        /// The request.
        handle: PublishHandle,
        /// The response.
        message: Publish<'static>,
    },
    /// A QoS 1 or 2 publish finished: acknowledged (reason < 0x80) or refused.
    PublishDone {
        /// The publish.
        handle: PublishHandle,
        /// PUBACK, PUBREC (when refused) or PUBCOMP reason.
        reason: ReasonCode,
    },
    /// A QoS 0 publish was handed to the transport.
    PublishSent {
        /// The publish.
        handle: PublishHandle,
    },
    /// SUBACK arrived: one code per filter, in order. Also for the client's own
    /// resubscriptions, so that what the server granted is known from these events alone.
    Subscribed {
        /// Who asked.
        origin: RequestOrigin,
        /// The filters with the options they were asked with, in order.
        subscriptions: Vec<Subscription<'static>>,
        /// The SUBSCRIBE's properties (Subscription Identifier, User Properties).
        properties: SubscribeProperties<'static>,
        /// Granted QoS or failure per filter, in the same order.
        reasons: Vec<ReasonCode>,
    },
    /// A SUBSCRIBE or UNSUBSCRIBE got no acknowledgement before its connection ended (or
    /// a malformed one, which ended it); on the next connection its handle means nothing
    /// (subscribe again if needed). An UNSUBSCRIBE still stands: its filters are not
    /// resubscribed (see [`super::Client::forget_subscriptions`]).
    RequestLost {
        /// Who asked.
        origin: RequestOrigin,
        /// What was asked.
        request: Request,
    },
    /// UNSUBACK arrived (MQTT 3: empty `reasons`).
    Unsubscribed {
        /// Who asked.
        origin: RequestOrigin,
        /// The filters, in order.
        filters: Vec<String>,
        /// Per filter (MQTT 5).
        reasons: Vec<ReasonCode>,
    },
    /// Re-authentication (AUTH 0x19) succeeded.
    Reauthenticated,
    /// The connection is over; the driver closes the transport.
    Disconnected(DisconnectCause),
    /// The reconnect policy says: open a new transport now and call `connect`; if the
    /// transport cannot be opened, call `handle_closed` and the next try is scheduled.
    Reconnect,
    /// A QoS 1/2 publish that was in flight when the server said it has no session
    /// (Session Present 0): our session state is discarded [MQTT-3.2.2-5], and the client
    /// does not send the message again on its own, since the server may already have it
    /// (a PUBREC said so) and a new send could deliver it twice. Offer to publish again.
    PublishLost {
        /// The publish.
        handle: PublishHandle,
        /// The message as it was sent (full topic, no Topic Alias).
        message: Publish<'static>,
        /// How far it got.
        stage: PublishStage,
    },
    /// The server broke a rule that does not put anything at risk (an acknowledgement
    /// for a packet identifier not in flight): reported, and the connection goes on.
    Violation(ProtocolError),
}

/// How far an outgoing QoS 1/2 publish got before its session was lost.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PublishStage {
    /// Sent, never acknowledged: the server may or may not have it.
    Sent,
    /// QoS 2, PUBREC received: the server had it (and may have delivered it); PUBCOMP
    /// never came.
    Received,
}

/// Why a connection ended.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum DisconnectCause {
    /// This client sent DISCONNECT with this reason.
    Local(ReasonCode),
    /// CONNACK refused the connection.
    Refused {
        /// The CONNACK reason.
        reason: ReasonCode,
        /// Its properties (reason string, server reference).
        properties: ConnAckProperties<'static>,
    },
    /// The server sent DISCONNECT.
    Server {
        /// Its reason.
        reason: ReasonCode,
        /// Its properties (reason string, server reference).
        properties: DisconnectProperties<'static>,
    },
    /// The server broke a rule; the client sent DISCONNECT (MQTT 5) and closed.
    Protocol(ProtocolError),
    /// No PINGRESP or other packet within the keep-alive window.
    KeepAliveTimeout,
    /// The server sent a packet over this client's receive limit, in MQTT 3 where the
    /// limit cannot be announced (in MQTT 5 it is announced, and a bigger packet is the
    /// server's [`ProtocolError`]). Raise the limit, or clear what is too big (often a
    /// retained message).
    TooLarge {
        /// The packet's size, fixed header included.
        size: usize,
        /// The receive limit.
        limit: usize,
    },
    /// No CONNACK in time.
    ConnectTimeout,
    /// The transport closed under us.
    TransportClosed,
    /// This client could not encode a packet it had to send (e.g. oversized data from a
    /// custom authenticator); nothing malformed was sent.
    Internal(String),
}

impl DisconnectCause {
    /// Whether the connection ended on a packet over this client's receive limit (in
    /// either version).
    pub fn is_oversized(&self) -> bool {
        match self {
            DisconnectCause::TooLarge { .. } => true,
            DisconnectCause::Protocol(e) => e.reason == ReasonCode::PacketTooLarge,
            _ => false,
        }
    }
}
