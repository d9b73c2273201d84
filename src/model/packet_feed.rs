//! The packet the client page hands to the inspector module (`src/inspect`, a module of its
//! own): a compact binary encoding, written by the page and read by the module, so that the
//! page's first load carries no object-building glue for it (as [`super::feed`] does for
//! the payload frame).
//!
//! The layout: the row id (u64) and time (f64), little-endian; the protocol level, the
//! packet type (0 for bytes that do not decode) and the direction (1: sent); the frame ends
//! (u32 count, then each as u32); the violation (u32 length, then UTF-8; length 0 for none);
//! then the packet's bytes, to the end.

use std::sync::Arc;

use mqttscope_proto::codec::{PacketType, ProtocolVersion};

use super::feed::{f64_of, len_of, take};
use super::message::{Direction, PacketKind, PacketRow};

/// Appends `row`, shown as a packet of `version`, to `out`.
pub fn encode(row: &PacketRow, version: ProtocolVersion, out: &mut Vec<u8>) {
    out.extend_from_slice(&row.id.to_le_bytes());
    out.extend_from_slice(&row.at_ms.to_le_bytes());
    let kind = match row.kind {
        PacketKind::Packet(t) => t as u8,
        PacketKind::Malformed => 0,
    };
    out.extend_from_slice(&[
        version.level(),
        kind,
        u8::from(row.direction == Direction::Out),
    ]);
    out.extend_from_slice(&(row.frame_ends.len() as u32).to_le_bytes());
    for end in &row.frame_ends {
        out.extend_from_slice(&(*end as u32).to_le_bytes());
    }
    let violation = row.violation.as_deref().unwrap_or("").as_bytes();
    out.extend_from_slice(&(violation.len() as u32).to_le_bytes());
    out.extend_from_slice(violation);
    out.extend_from_slice(&row.bytes);
}

/// The row and version of `bytes`; `None` if they are cut short or name no version.
pub fn decode(bytes: &[u8]) -> Option<(PacketRow, ProtocolVersion)> {
    let mut rest = bytes;
    let id = u64::from_le_bytes(take(&mut rest, 8)?.try_into().ok()?);
    let at_ms = f64_of(&mut rest)?;
    let &[level, kind, out] = take(&mut rest, 3)? else {
        return None;
    };
    let version = ProtocolVersion::from_level(level)?;
    let count = len_of(&mut rest, 4)?;
    // Each end takes four bytes: a count past what is left is cut short, not an allocation.
    if count > rest.len() / 4 {
        return None;
    }
    let frame_ends = (0..count)
        .map(|_| len_of(&mut rest, 4))
        .collect::<Option<Vec<_>>>()?;
    let len = len_of(&mut rest, 4)?;
    let violation = std::str::from_utf8(take(&mut rest, len)?).ok()?;
    let row = PacketRow {
        id,
        direction: if out == 1 {
            Direction::Out
        } else {
            Direction::In
        },
        at_ms,
        bytes: Arc::from(rest),
        kind: PacketType::from_u8(kind).map_or(PacketKind::Malformed, PacketKind::Packet),
        frame_ends,
        violation: (!violation.is_empty()).then(|| violation.to_owned()),
    };
    Some((row, version))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row() -> PacketRow {
        PacketRow {
            id: 41,
            direction: Direction::In,
            at_ms: 1_764_000_000_123.5,
            bytes: Arc::from(&[0x30, 0x05, 0x00, 0x01, b'a', b'h', b'i'][..]),
            kind: PacketKind::Packet(PacketType::Publish),
            frame_ends: vec![2, 5],
            violation: Some("[MQTT-3.3.1-4] QoS 3 é".into()),
        }
    }

    #[test]
    fn a_row_comes_back_whole() {
        let mut out = Vec::new();
        encode(&row(), ProtocolVersion::V3_1_1, &mut out);
        assert_eq!(decode(&out), Some((row(), ProtocolVersion::V3_1_1)));
    }

    #[test]
    fn malformed_sent_and_plain_rows_come_back_whole() {
        let mut r = row();
        r.kind = PacketKind::Malformed;
        r.direction = Direction::Out;
        r.violation = None;
        r.frame_ends.clear();
        r.bytes = Arc::from(&[][..]);
        let mut out = Vec::new();
        encode(&r, ProtocolVersion::V5, &mut out);
        assert_eq!(decode(&out), Some((r, ProtocolVersion::V5)));
    }

    #[test]
    fn cut_or_wrong_input_is_refused_without_panicking() {
        let mut out = Vec::new();
        encode(&row(), ProtocolVersion::V5, &mut out);
        let head = 8 + 8 + 3 + 4 + 2 * 4 + 4;
        for cut in 0..head {
            assert_eq!(decode(&out[..cut]), None, "cut at {cut}");
        }
        let mut bad = out.clone();
        bad[16] = 9; // no protocol level 9
        assert_eq!(decode(&bad), None);
        let mut huge = out.clone();
        huge[19..23].copy_from_slice(&u32::MAX.to_le_bytes()); // frame-end count
        assert_eq!(decode(&huge), None);
    }
}
