//! mqttscope-broker: a sans-IO MQTT 3.1, 3.1.1 and 5.0 broker state machine over the
//! `mqttscope-proto` codec.
//!
//! It does no I/O, reads no clock and starts no thread: the driver (a tokio server, a
//! browser worker, a test) owns the transports and one timer, hands the broker the bytes
//! that arrive and the current [`Instant`], and carries out what
//! [`Broker::poll_output`] asks. Clients of all three versions talk to each other on one
//! broker. It lives apart from `mqttscope-proto` so that a client-only wasm module does
//! not carry it.
//!
//! # The run loop
//!
//! After **every** input or command, drain [`Broker::poll_output`] until it returns
//! [`Output::Timeout`]: send each [`Output::Transmit`] on its connection as one message,
//! close the transport on [`Output::Close`], handle each [`Output::Event`], and re-arm
//! the single timer to the returned instant.
//!
//! ```
//! use mqttscope_broker::{Broker, BrokerOptions, ConnId, Instant, Output};
//!
//! let now = Instant::from_millis(0);
//! let mut broker = Broker::new(BrokerOptions::default(), now);
//! broker.accept(ConnId(1), now).unwrap(); // a transport opened
//! // CONNECT (MQTT 3.1.1, client id "a"):
//! broker.handle_bytes(ConnId(1), now, &[0x10, 0x0d, 0, 4, b'M', b'Q', b'T', b'T', 4, 2, 0, 60, 0, 1, b'a']);
//! let mut sent = Vec::new();
//! loop {
//!     match broker.poll_output(now) {
//!         Output::Transmit { conn, bytes } => sent.push((conn, bytes)),
//!         Output::Close(_conn) => {}   // close that transport
//!         Output::Event(_event) => {}  // show it
//!         Output::Timeout(_at) => break, // arm the timer; then call handle_timeout(at)
//!     }
//! }
//! assert_eq!(sent, [(ConnId(1), vec![0x20, 0x02, 0x00, 0x00])]); // CONNACK
//! ```
//!
//! # Connections and sessions
//!
//! ```text
//!  accept() ──▶ AwaitingConnect ──CONNECT accepted──▶ Connected ──┐
//!                  │ (AUTH exchange first if CONNECT     │        │ (AUTH 0x19 re-authenticates)
//!                  │  named a method)                    │        │
//!                  │ not CONNECT, malformed,             │        │ DISCONNECT, protocol error,
//!                  │ refused, connect timeout            │        │ keep alive 1.5x, takeover,
//!                  ▼                                     ▼        │ handle_closed, disconnect_client
//!                Close ◀─────────────────────────────── Close ◀──┘
//!
//!  Session (by client id):  created/resumed by CONNECT ──▶ online ──connection ends──▶ offline
//!      offline ──expiry interval passes (0: at once)──▶ ended;  offline ──CONNECT──▶ online
//! ```
//!
//! Sessions outlive connections: subscriptions, queued and in-flight QoS 1/2 messages and
//! QoS 2 receipts stay with the client id for the Session Expiry Interval (MQTT 3: Clean
//! Session 0 keeps it until [`BrokerOptions::session_expiry_cap`]).
//!
//! # Limits and what is left out
//!
//! Every resource is bounded by [`BrokerOptions`]; hitting a bound is a refusal, a
//! dropped message or a closed connection, reported as an [`Event`], never a panic.
//! Enhanced authentication is SCRAM-SHA-256 and SCRAM-SHA-512 only, with re-authentication
//! ([`BrokerOptions`] says how); its server nonces come from entropy the driver hands in
//! with [`Broker::add_entropy`], since the core reads no randomness. Not implemented yet:
//! other authentication methods (CONNACK 0x8C), queuing QoS 0 messages for offline
//! sessions, and authorization (every client may publish and subscribe anywhere).
//!
//! Panic policy: a panic is a bug. No input from the network may cause one.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod admin;
mod auth;
mod broker;
mod close;
mod conn;
mod connect;
mod deliver;
mod error;
mod event;
mod info;
mod message;
mod options;
mod publish;
mod retained;
mod router;
mod scram;
mod session;
mod subscribe;
mod timers;
mod topic_tree;
mod will;

#[cfg(test)]
mod tests;

pub use broker::Broker;
pub use error::BrokerError;
pub use event::{Direction, DisconnectCause, DropReason, Event, Output};
pub use info::{ClientInfo, RetainedInfo, SessionInfo, SubscriptionInfo};
pub use mqttscope_proto::client::{Instant, ScramHash};
pub use options::{BrokerOptions, User};
pub use scram::{ScramUser, DEFAULT_SCRAM_ITERATIONS};

/// A connection, named by the driver: unique among the open ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ConnId(pub u64);

#[cfg(all(test, target_arch = "wasm32"))]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);
