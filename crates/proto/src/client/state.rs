//! Where the connection stands, with the data each state owns: what lives for one
//! connection is born when the state is entered and dropped when it is left, so nothing
//! of an earlier connection needs resetting by hand.
//!
//! ```text
//!  Idle ──connect()──▶ Connecting(Link) ──CONNACK 0x00──▶ Connected { link, limits, aliases,
//!                          │                                 inbound_aliases, requests,
//!                          │                                 reauthenticating }
//!                          ▼                                          │
//!            Closed { limits, retrying } ◀────────────────────────────┘
//!                          │
//!                          └──connect()──▶ Connecting(a new Link)
//! ```

use std::collections::HashMap;

use crate::codec::{Framer, PacketId, ProtocolVersion};

use super::alias::OutboundAliases;
use super::{Instant, Pending, ServerLimits};

/// Where the connection stands, as [`Client::state`](super::Client::state) reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    /// Never connected.
    Idle,
    /// CONNECT sent, waiting for CONNACK.
    Connecting,
    /// CONNACK accepted the connection.
    Connected,
    /// The connection is over; `connect` may start a new one.
    Closed,
}

/// The connection state and the data it owns.
#[derive(Debug)]
pub(super) enum Conn {
    /// Never connected.
    Idle,
    /// CONNECT sent on a fresh transport, waiting for CONNACK.
    Connecting(Link),
    /// CONNACK accepted the connection.
    Connected(Connected),
    /// The connection is over.
    Closed(Closed),
}

/// What every open transport has, from CONNECT on.
#[derive(Debug)]
pub(super) struct Link {
    /// Reassembles the server's packets from the transport's bytes.
    pub framer: Framer,
    /// When we last sent a packet (keep alive).
    pub last_sent: Instant,
    /// When the server last sent a packet (keep alive).
    pub last_received: Instant,
}

impl Link {
    /// A transport just opened at `now`, refusing packets over `receive_limit` bytes.
    pub fn new(version: ProtocolVersion, receive_limit: usize, now: Instant) -> Self {
        Link {
            framer: Framer::new(version, receive_limit),
            last_sent: now,
            last_received: now,
        }
    }
}

/// What a connection that CONNACK accepted has, on top of its [`Link`].
#[derive(Debug)]
pub(super) struct Connected {
    /// The transport.
    pub link: Link,
    /// What this CONNACK allows.
    pub limits: ServerLimits,
    /// Our Topic Aliases, within this CONNACK's maximum [MQTT-3.3.2-7].
    pub aliases: OutboundAliases,
    /// The server's Topic Aliases, by alias; they never outlive the connection
    /// [MQTT-3.3.2-7].
    pub inbound_aliases: HashMap<u16, String>,
    /// SUBSCRIBE and UNSUBSCRIBE waiting for their acknowledgement on this connection, by
    /// packet identifier.
    pub requests: HashMap<PacketId, Pending>,
    /// An AUTH 0x19 exchange is under way.
    pub reauthenticating: bool,
}

impl Connected {
    /// The connection `link` became when CONNACK announced `limits`; `alias_maximum` is
    /// how many Topic Aliases we may use (0 in MQTT 3).
    pub fn new(link: Link, limits: ServerLimits, alias_maximum: u16) -> Self {
        let mut aliases = OutboundAliases::default();
        aliases.reset(alias_maximum);
        Connected {
            link,
            limits,
            aliases,
            inbound_aliases: HashMap::new(),
            requests: HashMap::new(),
            reauthenticating: false,
        }
    }
}

/// What is left of a connection once it is over.
#[derive(Debug, Clone, Copy)]
pub(super) struct Closed {
    /// The limits of the connection that ended (the defaults if it ended before CONNACK):
    /// messages published while offline are checked against them.
    pub limits: ServerLimits,
    /// The ending was worth retrying: a failed transport open schedules another try.
    pub retrying: bool,
}

impl Conn {
    /// The state without its data.
    pub fn state(&self) -> State {
        match self {
            Conn::Idle => State::Idle,
            Conn::Connecting(_) => State::Connecting,
            Conn::Connected(_) => State::Connected,
            Conn::Closed(_) => State::Closed,
        }
    }

    /// Whether a transport is open (connecting or connected).
    pub fn is_open(&self) -> bool {
        matches!(self, Conn::Connecting(_) | Conn::Connected(_))
    }

    /// The open transport, if any.
    pub fn link_mut(&mut self) -> Option<&mut Link> {
        match self {
            Conn::Connecting(link) => Some(link),
            Conn::Connected(c) => Some(&mut c.link),
            Conn::Idle | Conn::Closed(_) => None,
        }
    }

    /// The accepted connection, if any.
    pub fn connected(&self) -> Option<&Connected> {
        match self {
            Conn::Connected(c) => Some(c),
            _ => None,
        }
    }

    /// The accepted connection, if any.
    pub fn connected_mut(&mut self) -> Option<&mut Connected> {
        match self {
            Conn::Connected(c) => Some(c),
            _ => None,
        }
    }

    /// What the server allows: this connection's CONNACK, the last connection's once
    /// closed, `defaults` before any CONNACK.
    pub fn limits(&self, defaults: ServerLimits) -> ServerLimits {
        match self {
            Conn::Connected(c) => c.limits,
            Conn::Closed(c) => c.limits,
            Conn::Idle | Conn::Connecting(_) => defaults,
        }
    }

    /// Whether the packet identifier `id` waits for a SUBACK or UNSUBACK.
    pub fn holds_request(&self, id: PacketId) -> bool {
        self.connected()
            .is_some_and(|c| c.requests.contains_key(&id))
    }

    /// Whether an ended connection asked for another try.
    pub fn retrying(&self) -> bool {
        matches!(self, Conn::Closed(c) if c.retrying)
    }

    /// Turns `Connecting` into `Connected` with what `connected` makes of its link; any
    /// other state stays as it is.
    pub fn establish(&mut self, connected: impl FnOnce(Link) -> Connected) {
        *self = match std::mem::replace(self, Conn::Idle) {
            Conn::Connecting(link) => Conn::Connected(connected(link)),
            other => other,
        };
    }
}
