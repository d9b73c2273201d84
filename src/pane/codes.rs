//! The reason codes the pane offers for each refusal, with their names.

use mqttscope_proto::codec::PacketType;
use mqttscope_proto::ReasonCode;

/// The failure codes (0x80 and above) that `packet` may carry, with their names in it;
/// for DISCONNECT also 0x00 Normal disconnection.
pub fn failures(packet: PacketType) -> Vec<(u8, &'static str)> {
    let first = if packet == PacketType::Disconnect {
        0x00
    } else {
        0x80
    };
    (first..=0xffu8)
        .filter_map(ReasonCode::from_u8)
        .filter(|r| r.allowed_in(packet) && (r.is_error() || *r == ReasonCode::Success))
        .map(|r| (r as u8, r.name_in(packet)))
        .collect()
}

/// "0x87 Not authorized".
pub fn label(code: u8, packet: PacketType) -> String {
    let name = ReasonCode::from_u8(code).map_or("unknown", |r| r.name_in(packet));
    format!("0x{code:02X} {name}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_refusal_offers_the_codes_its_packet_may_carry() {
        let connack = failures(PacketType::ConnAck);
        assert!(connack.contains(&(0x87, "Not authorized")));
        assert!(connack.contains(&(0x9F, "Connection rate exceeded")));
        assert!(
            !connack.iter().any(|(c, _)| *c == 0x8E),
            "Session taken over is DISCONNECT only"
        );
        let suback = failures(PacketType::SubAck);
        assert!(suback.contains(&(0x97, "Quota exceeded")));
        assert!(!suback.iter().any(|(c, _)| *c == 0x88));
        let disconnect = failures(PacketType::Disconnect);
        assert_eq!(disconnect[0], (0x00, "Normal disconnection"));
        assert!(disconnect.contains(&(0x8E, "Session taken over")));
        assert_eq!(label(0x87, PacketType::ConnAck), "0x87 Not authorized");
    }
}
