//! Human-readable lines for events and packets.

use mqttscope_proto::client::{Direction, DisconnectCause, PacketRecord};
use mqttscope_proto::codec::ProtocolVersion;
use mqttscope_proto::dissect::{dissect, mask_secrets};

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
        DisconnectCause::TooLarge { size, limit } => format!(
            "the broker sent a packet of {size} bytes, over this client's receive limit of \
             {limit} bytes (MQTT 3 cannot announce a limit): raise it with --receive-limit, \
             or clear what is too big (a retained message: publish an empty retained \
             message to its topic)"
        ),
        DisconnectCause::KeepAliveTimeout => {
            "no answer from the broker within the keep-alive window".into()
        }
        DisconnectCause::ConnectTimeout => "no CONNACK in time".into(),
        DisconnectCause::TransportClosed => "the connection closed".into(),
        other => format!("{other:?}"),
    }
}

/// A packet's dissection headed by its direction and time; passwords and Authentication
/// Data masked unless `show_secrets`.
pub fn packet(r: &PacketRecord, v: ProtocolVersion, show_secrets: bool) -> String {
    let arrow = match r.direction {
        Direction::Sent => "-->",
        Direction::Received => "<--",
    };
    let name = r.packet.packet_type().name();
    format!(
        "{arrow} {name} at {} ({} bytes)\n{}",
        r.at,
        r.bytes.len(),
        dissection(&r.bytes, v, show_secrets)
    )
}

/// The dissection of one packet's bytes; passwords and Authentication Data masked unless
/// `show_secrets`.
pub fn dissection(bytes: &[u8], v: ProtocolVersion, show_secrets: bool) -> String {
    let bytes = if show_secrets {
        std::borrow::Cow::Borrowed(bytes)
    } else {
        mask_secrets(bytes)
    };
    dissect(&bytes, v).to_string()
}
