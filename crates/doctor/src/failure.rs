//! [`Failure`]: what went wrong, as the driver saw it, independent of browser types;
//! and the constructors that turn the client's [`DisconnectCause`] into one.

use mqttscope_proto::client::{ClientOptions, DisconnectCause, ProtocolError};
use mqttscope_proto::codec::{DecodeErrorKind, PacketType};
use mqttscope_proto::{ProtocolVersion, ReasonCode};

/// How a connection attempt or a connection failed.
#[derive(Debug, Clone, PartialEq)]
pub enum Failure {
    /// The WebSocket never opened (`error`, then close 1006 before `open`): the browser
    /// says nothing more, so run [`super::probes_for`] and pass the [`super::Probes`].
    HandshakeFailed {
        /// Milliseconds from `new WebSocket` to the close (a long wait suggests a
        /// firewall dropping packets).
        elapsed_ms: f64,
    },
    /// The WebSocket opened, but the server did not choose the `mqtt` subprotocol.
    SubprotocolRefused {
        /// What `WebSocket.protocol` says (empty: none was chosen).
        chosen: String,
    },
    /// The WebSocket closed (a close 1006 before open is treated as
    /// [`Failure::HandshakeFailed`]).
    Closed {
        /// The close code.
        code: u16,
        /// The close reason (may be empty).
        reason: String,
        /// Whether the WebSocket had opened.
        was_open: bool,
    },
    /// CONNACK refused the connection.
    ConnAck {
        /// MQTT 3 return code (1 to 5) or MQTT 5 reason code (0x80 and above).
        code: u8,
        /// The version the client spoke, which decides how `code` reads.
        version: ProtocolVersion,
        /// The Reason String property (MQTT 5).
        reason_string: Option<String>,
        /// The Server Reference property (MQTT 5).
        server_reference: Option<String>,
    },
    /// No CONNACK arrived in time.
    ConnectTimeout {
        /// How long the client waited, in milliseconds.
        after_ms: f64,
    },
    /// Nothing arrived from the broker within 1.5 times the keep alive.
    KeepAliveTimeout {
        /// The keep alive in force, in seconds.
        keep_alive_s: u16,
    },
    /// The broker sent DISCONNECT (MQTT 5).
    ServerDisconnect {
        /// Its reason code.
        code: u8,
        /// The Reason String property.
        reason_string: Option<String>,
        /// The Server Reference property.
        server_reference: Option<String>,
    },
    /// The broker broke a rule of the specification; the client closed.
    Violation {
        /// The rule's id (`MQTT-3.2.2-6`) or, for a rule without one, its section
        /// (`3.2.2.3.18`).
        rule: String,
        /// What happened.
        detail: String,
    },
    /// The broker sent a packet over this connection's receive limit, in MQTT 3 (which
    /// cannot announce a limit).
    TooLarge {
        /// The packet's size in bytes.
        size: usize,
        /// The receive limit.
        limit: usize,
        /// The client tries again (false: the same happened right after a reconnect, so it
        /// stopped).
        retrying: bool,
    },
    /// This client could not encode a packet it had to send; nothing malformed was sent.
    Internal {
        /// What went wrong.
        detail: String,
    },
}

/// What the client was set up with, which some failures report.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Setup {
    /// The MQTT version spoken.
    pub version: ProtocolVersion,
    /// The keep alive in force, in seconds (`Client::limits().keep_alive` includes a
    /// Server Keep Alive; [`ClientOptions::keep_alive`] is the one asked for).
    pub keep_alive_s: u16,
    /// How long the client waits for CONNACK, in milliseconds.
    pub connect_timeout_ms: f64,
    /// Whether the client has scheduled another try (`Client::reconnect_at`).
    pub retrying: bool,
}

impl From<&ClientOptions> for Setup {
    fn from(o: &ClientOptions) -> Self {
        Setup {
            version: o.version,
            keep_alive_s: o.keep_alive,
            connect_timeout_ms: o.connect_timeout.as_secs_f64() * 1000.0,
            retrying: o.reconnect.is_some(),
        }
    }
}

impl Failure {
    /// The failure behind the client's `Event::Disconnected(cause)`, or `None` when
    /// there is nothing to diagnose: this client chose to leave (`Local`), or the
    /// transport closed (`TransportClosed`: build [`Failure::Closed`] from the WebSocket's
    /// close event instead, or [`Failure::HandshakeFailed`] if it never opened).
    pub fn from_cause(cause: &DisconnectCause, setup: &Setup) -> Option<Failure> {
        Some(match cause {
            DisconnectCause::Refused { reason, properties } => Failure::ConnAck {
                code: connack_byte(*reason, setup.version),
                version: setup.version,
                reason_string: properties.reason_string.as_deref().map(str::to_string),
                server_reference: properties.server_reference.as_deref().map(str::to_string),
            },
            DisconnectCause::Server { reason, properties } => Failure::ServerDisconnect {
                code: *reason as u8,
                reason_string: properties.reason_string.as_deref().map(str::to_string),
                server_reference: properties.server_reference.as_deref().map(str::to_string),
            },
            DisconnectCause::Protocol(e) => Failure::from_protocol_error(e, setup.version),
            DisconnectCause::KeepAliveTimeout => Failure::KeepAliveTimeout {
                keep_alive_s: setup.keep_alive_s,
            },
            DisconnectCause::ConnectTimeout => Failure::ConnectTimeout {
                after_ms: setup.connect_timeout_ms,
            },
            DisconnectCause::TooLarge { size, limit } => Failure::TooLarge {
                size: *size,
                limit: *limit,
                retrying: setup.retrying,
            },
            DisconnectCause::Internal(detail) => Failure::Internal {
                detail: detail.clone(),
            },
            _ => return None,
        })
    }

    /// The failure for a rule the broker broke. One case is not a violation but a
    /// refusal: an MQTT 5 CONNECT answered by an MQTT 3.1.1 CONNACK (return code 1 to 5,
    /// which MQTT 5 does not allow), meaning the broker does not speak MQTT 5; it becomes
    /// [`Failure::ConnAck`] with 0x84 Unsupported Protocol Version.
    pub fn from_protocol_error(e: &ProtocolError, version: ProtocolVersion) -> Failure {
        Failure::from_violation(e.rule, &e.detail, connack_code(e), version)
    }

    /// [`Failure::from_protocol_error`] from its parts, for a client that reports them
    /// apart (the npm package's `ProtocolError`): the `rule` broken, the `detail`, and
    /// `connack_code`, the code byte of a CONNACK that did not decode as MQTT 5 because of
    /// it, when that was the fault.
    pub fn from_violation(
        rule: &str,
        detail: &str,
        connack_code: Option<u8>,
        version: ProtocolVersion,
    ) -> Failure {
        let v3_code = connack_code.filter(|c| version.is_v5() && (1..=5).contains(c));
        if let Some(code) = v3_code {
            let name = ReasonCode::from_v3_connack(code).map_or("", ReasonCode::v3_connack_name);
            return Failure::ConnAck {
                code: ReasonCode::UnsupportedProtocolVersion as u8,
                version,
                reason_string: Some(format!(
                    "it answered in MQTT 3.1.1 form, return code {code} ({name})"
                )),
                server_reference: None,
            };
        }
        Failure::Violation {
            rule: rule.to_string(),
            detail: detail.to_string(),
        }
    }
}

/// The byte CONNACK carried: the MQTT 3 return code, or the MQTT 5 reason code.
fn connack_byte(reason: ReasonCode, version: ProtocolVersion) -> u8 {
    match reason.to_v3_connack() {
        Some(code) if !version.is_v5() => code,
        _ => reason as u8,
    }
}

/// The code byte of a CONNACK that failed to decode for it.
fn connack_code(e: &ProtocolError) -> Option<u8> {
    match e.decode.as_ref().map(|d| &d.kind) {
        Some(DecodeErrorKind::InvalidReasonCode {
            packet: PacketType::ConnAck,
            code,
        }) => Some(*code),
        _ => None,
    }
}

#[cfg(test)]
#[path = "failure_tests.rs"]
mod tests;
