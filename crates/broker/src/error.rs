//! Errors of the broker's own API (the driver's mistakes or resource limits). What a
//! client does wrong is never an error here: it is answered on the wire and reported as
//! [`crate::Event::ProtocolViolation`].

use std::fmt;

use crate::ConnId;

/// A call the broker refused; nothing changed.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum BrokerError {
    /// [`crate::BrokerOptions::max_connections`] connections are open: close the new
    /// transport.
    TooManyConnections {
        /// The limit.
        max: usize,
    },
    /// The driver used a connection id that is already open.
    ConnectionExists(ConnId),
    /// No open connection has this id.
    UnknownConnection(ConnId),
    /// The reason code may not be used for this refusal (not a failure, or not allowed
    /// in the packet that carries it).
    ReasonNotAllowed(mqttscope_proto::ReasonCode),
    /// The retained store is full and the topic is not in it.
    RetainedStoreFull,
}

impl fmt::Display for BrokerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BrokerError::TooManyConnections { max } => {
                write!(f, "{max} connections are open, the configured maximum")
            }
            BrokerError::ConnectionExists(c) => write!(f, "connection {} is already open", c.0),
            BrokerError::UnknownConnection(c) => write!(f, "no open connection {}", c.0),
            BrokerError::ReasonNotAllowed(r) => {
                write!(
                    f,
                    "reason code 0x{:02X} ({}) cannot refuse this",
                    *r as u8,
                    r.name()
                )
            }
            BrokerError::RetainedStoreFull => write!(f, "the retained store is full"),
        }
    }
}

impl std::error::Error for BrokerError {}
