//! What a transport reports to the driver, whichever it is (a WebSocket on the page, one
//! in the socket worker, the sandbox): its own module, so that the transports
//! ([`super::socket`]) and the relay to the workers ([`super::relay`]) both use it
//! without depending on each other for it.

/// What a socket reports.
#[derive(Debug, Clone, PartialEq)]
pub enum SocketEvent {
    /// The handshake finished; `protocol` is the subprotocol the server chose.
    Open {
        /// The chosen subprotocol ("" when the server chose none).
        protocol: String,
    },
    /// Binary messages, in order: one from a WebSocket on the page, a batch from a worker.
    Data(Vec<Vec<u8>>),
    /// A text message, which MQTT forbids [MQTT-6.0.0-1].
    Text,
    /// The answer to [`super::socket::Socket::sync`], after every message received before
    /// it: when the newest message the worker still holds arrived ([`crate::clock`]'s
    /// monotonic milliseconds), if it holds any.
    Synced {
        /// When the newest held message arrived.
        held_at_ms: Option<f64>,
    },
    /// The socket closed (a failed handshake closes with 1006 and no reason).
    Closed {
        /// The close code.
        code: u16,
        /// The close reason.
        reason: String,
        /// Whether the handshake had finished.
        was_open: bool,
        /// Milliseconds from opening the socket to this event.
        elapsed_ms: f64,
    },
}
