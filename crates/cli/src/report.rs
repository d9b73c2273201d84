//! Human-readable lines for events and packets.

use mqttscope_proto::client::{Direction, DisconnectCause, PacketRecord};
use mqttscope_proto::codec::ProtocolVersion;
use mqttscope_proto::dissect::dissect;

/// Why a connection ended, in words.
pub fn cause(c: &DisconnectCause) -> String {
    match c {
        DisconnectCause::Local(r) => format!("disconnected by us ({r})"),
        DisconnectCause::Refused { reason, properties } => {
            let why = properties
                .reason_string
                .as_deref()
                .map(|s| format!(": {s}"))
                .unwrap_or_default();
            format!("refused by the broker: {reason}{why}")
        }
        DisconnectCause::Server { reason, properties } => {
            let why = properties
                .reason_string
                .as_deref()
                .map(|s| format!(": {s}"))
                .unwrap_or_default();
            format!("the broker disconnected: {reason}{why}")
        }
        DisconnectCause::Protocol(e) => format!("the broker broke a rule: {e}"),
        DisconnectCause::KeepAliveTimeout => {
            "no answer from the broker within the keep-alive window".into()
        }
        DisconnectCause::ConnectTimeout => "no CONNACK in time".into(),
        DisconnectCause::TransportClosed => "the connection closed".into(),
        other => format!("{other:?}"),
    }
}

/// A packet's dissection headed by its direction and time.
pub fn packet(r: &PacketRecord, v: ProtocolVersion) -> String {
    let arrow = match r.direction {
        Direction::Sent => "-->",
        Direction::Received => "<--",
    };
    let name = r.packet.packet_type().name();
    format!(
        "{arrow} {name} at {} ({} bytes)\n{}",
        r.at,
        r.bytes.len(),
        dissect(&r.bytes, v)
    )
}
