//! Client errors by blame: the server broke a rule ([`ProtocolError`]), the caller asked
//! for something invalid ([`ClientError::Usage`]), or a limit was reached.

use std::fmt;

use crate::codec::{DecodeError, ReasonCode, UsageError};

/// The server sent well-formed or malformed bytes that break a rule. The client answers
/// with DISCONNECT carrying `reason` (MQTT 5) and closes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProtocolError {
    /// The reason code sent in DISCONNECT.
    pub reason: ReasonCode,
    /// The normative statement or section broken.
    pub rule: &'static str,
    /// What happened, in words.
    pub detail: String,
    /// The decode error, when the bytes were malformed.
    pub decode: Option<DecodeError>,
}

impl ProtocolError {
    pub(crate) fn new(reason: ReasonCode, rule: &'static str, detail: impl Into<String>) -> Self {
        ProtocolError {
            reason,
            rule,
            detail: detail.into(),
            decode: None,
        }
    }
}

impl From<DecodeError> for ProtocolError {
    fn from(e: DecodeError) -> Self {
        ProtocolError {
            reason: e.reason_code(),
            rule: e.rule,
            detail: e.to_string(),
            decode: Some(e),
        }
    }
}

impl fmt::Display for ProtocolError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.decode.is_some() {
            return write!(f, "{} ({})", self.detail, self.reason);
        }
        let rule = crate::codec::rule_display(self.rule);
        write!(f, "{} {rule} ({})", self.detail, self.reason)
    }
}

impl std::error::Error for ProtocolError {}

/// Why a command was refused. Nothing was sent and the client's state is unchanged.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ClientError {
    /// The packet would break a rule of the specification.
    Usage(UsageError),
    /// The command needs a connection (or no connection) and the state disagrees.
    InvalidState {
        /// What was expected.
        expected: &'static str,
    },
    /// QoS above the server's Maximum QoS [MQTT-3.2.2-11].
    QosNotSupported,
    /// RETAIN with a server that has no retained messages [MQTT-3.2.2-14].
    RetainNotSupported,
    /// The packet exceeds the server's Maximum Packet Size even without optional
    /// properties [MQTT-3.2.2-15].
    PacketTooLarge {
        /// Its size.
        size: usize,
        /// The server's limit.
        max: usize,
    },
    /// The queue of publishes waiting to be sent is full (a resource limit).
    QueueFull {
        /// Its capacity.
        capacity: usize,
    },
    /// All 65,535 packet identifiers are in use.
    NoPacketId,
    /// A Topic Alias above the server's Topic Alias Maximum [MQTT-3.2.2-17].
    TopicAliasInvalid,
    /// A Subscription Identifier on a message to publish: only a server puts them on a
    /// PUBLISH [MQTT-3.3.4-6].
    SubscriptionIdentifierInPublish,
    /// The authenticator could not start.
    Auth(super::AuthError),
}

impl From<UsageError> for ClientError {
    fn from(e: UsageError) -> Self {
        ClientError::Usage(e)
    }
}

impl fmt::Display for ClientError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ClientError::Usage(e) => write!(f, "{e}"),
            ClientError::InvalidState { expected } => write!(f, "the client must be {expected}"),
            ClientError::QosNotSupported => {
                f.write_str("QoS above the server's Maximum QoS [MQTT-3.2.2-11]")
            }
            ClientError::RetainNotSupported => {
                f.write_str("the server does not support retained messages [MQTT-3.2.2-14]")
            }
            ClientError::PacketTooLarge { size, max } => {
                write!(
                    f,
                    "packet of {size} bytes exceeds the server's maximum of {max} [MQTT-3.2.2-15]"
                )
            }
            ClientError::QueueFull { capacity } => {
                write!(f, "the publish queue is full ({capacity} messages)")
            }
            ClientError::NoPacketId => f.write_str("all packet identifiers are in use"),
            ClientError::SubscriptionIdentifierInPublish => {
                f.write_str("a client's PUBLISH carries no Subscription Identifier [MQTT-3.3.4-6]")
            }
            ClientError::Auth(e) => write!(f, "authentication: {e}"),
            ClientError::TopicAliasInvalid => {
                f.write_str("Topic Alias above the server's maximum [MQTT-3.2.2-17]")
            }
        }
    }
}

impl std::error::Error for ClientError {}
