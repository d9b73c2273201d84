//! mqttscope's own codec (`mqttscope-proto`), full validation as always.

use std::hint::black_box;

use mqttscope_proto::codec::{Framer, Packet, ProtocolVersion, Publish};

use super::MAX_PACKET;
use crate::counts::TypeCounts;

/// Decodes `data` fed in `chunk`-byte slices through a [`Framer`].
pub fn decode(data: &[u8], chunk: usize, level: u8) -> Result<TypeCounts, String> {
    let version = ProtocolVersion::from_level(level).ok_or("bad protocol level")?;
    let mut framer = Framer::new(version, MAX_PACKET);
    let mut counts = TypeCounts::new();
    for c in data.chunks(chunk) {
        let mut frames = framer.feed(c);
        let mut on_packet = |p: &Packet<'_>| {
            counts.add(p.packet_type() as u8);
            black_box(p);
        };
        while frames
            .with_next_packet(&mut on_packet)
            .map_err(|e| e.to_string())?
            .is_some()
        {}
    }
    match framer.buffered() {
        0 => Ok(counts),
        n => Err(format!("{n} bytes left over at the end")),
    }
}

/// W2's packets as this codec's in-memory objects, borrowing their payloads.
pub fn w2_packets(payloads: &[[u8; 32]]) -> Vec<Packet<'_>> {
    payloads
        .iter()
        .map(|p| Packet::Publish(Publish::new(crate::workloads::W1_TOPIC, &p[..])))
        .collect()
}

/// Encodes `packets` (MQTT 3.1.1), appending to `out`.
pub fn encode(packets: &[Packet<'_>], out: &mut Vec<u8>) -> Result<TypeCounts, String> {
    let mut counts = TypeCounts::new();
    for p in packets {
        p.encode(ProtocolVersion::V3_1_1, out)
            .map_err(|e| e.to_string())?;
        counts.add(p.packet_type() as u8);
    }
    Ok(counts)
}
