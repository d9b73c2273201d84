//! The fixed header (2.1): packet type, flags, Remaining Length.

use super::error::{DecodeError, DecodeErrorKind};
use super::reader::{Meta, Reader, Trace};
use super::{varint, PacketType, ProtocolVersion, QoS, Status};
use crate::dissect::Value;

/// A parsed fixed header, packed in one word: the Remaining Length in bits 0 to 31, the
/// first byte in bits 32 to 39, the header's size in bits 40 to 47.
///
/// One word, rather than a struct of a byte, a byte and an integer, because the header
/// passes through the framer's layers on every packet: a struct gets written field by
/// field and read back whole, which the processor cannot forward from its store buffer.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) struct FixedHeader(u64);

impl FixedHeader {
    /// The header of a packet whose first byte `first` was checked, with `remaining`
    /// bytes after a header of `header_len` (2 to 5) bytes.
    #[inline(always)]
    pub fn new(first: u8, remaining: u32, header_len: usize) -> Self {
        FixedHeader(u64::from(remaining) | u64::from(first) << 32 | (header_len as u64) << 40)
    }

    /// The packet type.
    #[inline(always)]
    pub fn packet_type(self) -> PacketType {
        // The first byte was checked, so its type is one of the fifteen.
        PacketType::from_u8(self.first() >> 4).unwrap_or(PacketType::Connect)
    }

    /// The four flag bits.
    #[inline(always)]
    pub fn flags(self) -> u8 {
        self.first() & 0x0f
    }

    /// The Remaining Length.
    #[inline(always)]
    pub fn remaining(self) -> u32 {
        self.0 as u32
    }

    /// Bytes of the fixed header (2 to 5).
    #[inline(always)]
    pub fn header_len(self) -> usize {
        usize::from((self.0 >> 40) as u8)
    }

    /// The whole packet's size.
    #[inline(always)]
    pub fn len(self) -> usize {
        self.header_len() + self.remaining() as usize
    }

    fn first(self) -> u8 {
        (self.0 >> 32) as u8
    }
}

impl std::fmt::Debug for FixedHeader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FixedHeader")
            .field("packet_type", &self.packet_type())
            .field("flags", &self.flags())
            .field("remaining", &self.remaining())
            .field("header_len", &self.header_len())
            .finish()
    }
}

const TYPE: Meta = Meta::new("type", "Packet Type", "2.1.2");
const FLAGS: Meta = Meta::new("flags", "Reserved flags", "2.1.3");
const DUP: Meta = Meta::new("dup", "DUP flag", "3.3.1.1");
const QOS: Meta = Meta::new("qos", "QoS level", "3.3.1.2");
const RETAIN: Meta = Meta::new("retain", "RETAIN flag", "3.3.1.3");
const REMAINING: Meta = Meta::new("remaining_length", "Remaining Length", "2.1.4");

/// Parses the fixed header at the start of `buf`; `Partial` if it is not all there yet.
///
/// The first byte is checked as soon as it arrives, so a framer can refuse a stream at its
/// first bad byte.
#[inline]
pub(crate) fn parse<T: Trace>(
    buf: &[u8],
    v: ProtocolVersion,
    tr: &mut T,
) -> Result<Status<FixedHeader>, DecodeError> {
    // The common cases, decided by one table look-up: a valid first byte and a one or two
    // byte Remaining Length (up to 16,383 bytes). Everything else (and tracing) takes the
    // full path.
    if !T::ON {
        if let [first, len, ..] = *buf {
            let table = if v.is_v5() { &VALID_V5 } else { &VALID_V3 };
            if table[usize::from(first)].is_some() {
                let fast = |remaining: u32, header_len| {
                    Ok(Status::Complete(FixedHeader::new(
                        first, remaining, header_len,
                    )))
                };
                if len < 0x80 {
                    return fast(u32::from(len), 2);
                }
                // A second byte of 0 would be a longer form than needed [MQTT-1.5.5-1].
                if let Some(&high @ 1..0x80) = buf.get(2) {
                    return fast(u32::from(len & 0x7f) | (u32::from(high) << 7), 3);
                }
            }
        }
    }
    parse_full(buf, v, tr)
}

/// The fixed header in full: partial input, multi-byte lengths, errors, tracing.
fn parse_full<T: Trace>(
    buf: &[u8],
    v: ProtocolVersion,
    tr: &mut T,
) -> Result<Status<FixedHeader>, DecodeError> {
    let Some(&first) = buf.first() else {
        return Ok(Status::Partial { needed: 2 });
    };
    let (packet_type, flags) = check_first_byte(first, v)?;
    if T::ON {
        trace_first_byte(buf, packet_type, flags, v, tr);
    }
    let (remaining, n) = match varint::parse(&buf[1..buf.len().min(5)], v) {
        Ok(Some(ok)) => ok,
        Ok(None) if buf.len() >= 5 => {
            return Err(DecodeError::new(4, DecodeErrorKind::VarIntTooLong, "1.5.5"))
        }
        Ok(None) => return Ok(Status::Partial { needed: 1 }),
        Err((at, kind, rule)) => return Err(DecodeError::new(1 + at, kind, rule)),
    };
    let h = FixedHeader::new(first, remaining, 1 + n);
    if T::ON {
        trace_remaining_length(buf, &h, v, tr)?;
    }
    Ok(Status::Complete(h))
}

/// For each possible first byte: its packet type when type and flags are valid.
const VALID_V3: [Option<PacketType>; 256] = valid_first_bytes(false);
const VALID_V5: [Option<PacketType>; 256] = valid_first_bytes(true);

/// The table [`check_first_byte`] computes, built at compile time (the two must agree; a
/// test checks every byte).
const fn valid_first_bytes(v5: bool) -> [Option<PacketType>; 256] {
    let mut table = [None; 256];
    let mut b = 0;
    while b < 256 {
        let (ty, flags) = ((b >> 4) as u8, (b & 0x0f) as u8);
        let valid = match PacketType::from_u8(ty) {
            Some(PacketType::Publish) => {
                let qos = (flags >> 1) & 0b11;
                qos != 3 && !(qos == 0 && flags & 0b1000 != 0)
            }
            Some(PacketType::Auth) => v5 && flags == 0,
            Some(t) => flags == t.required_flags(),
            None => false,
        };
        if valid {
            table[b] = PacketType::from_u8(ty);
        }
        b += 1;
    }
    table
}

/// Checks the packet type and the flags it requires (2.1.3; PUBLISH: 3.3.1).
fn check_first_byte(first: u8, v: ProtocolVersion) -> Result<(PacketType, u8), DecodeError> {
    let (ty, flags) = (first >> 4, first & 0x0f);
    let packet_type = match PacketType::from_u8(ty) {
        Some(PacketType::Auth) if !v.is_v5() => None,
        other => other,
    }
    .ok_or_else(|| {
        DecodeError::new(0, DecodeErrorKind::InvalidPacketType { value: ty }, "2.1.2")
    })?;
    if packet_type == PacketType::Publish {
        check_publish_flags(flags)?;
    } else if flags != packet_type.required_flags() {
        let kind = DecodeErrorKind::InvalidFlags {
            packet: packet_type,
            found: flags,
            expected: packet_type.required_flags(),
        };
        return Err(DecodeError::new(0, kind, flags_rule(packet_type, v)));
    }
    Ok((packet_type, flags))
}

/// PUBLISH: QoS `11` is malformed [MQTT-3.3.1-4]; DUP must be 0 at QoS 0 [MQTT-3.3.1-2].
fn check_publish_flags(flags: u8) -> Result<(), DecodeError> {
    let qos = (flags >> 1) & 0b11;
    if qos == 3 {
        return Err(DecodeError::new(
            0,
            DecodeErrorKind::InvalidQos,
            "MQTT-3.3.1-4",
        ));
    }
    if qos == 0 && flags & 0b1000 != 0 {
        return Err(DecodeError::new(
            0,
            DecodeErrorKind::DupWithQos0,
            "MQTT-3.3.1-2",
        ));
    }
    Ok(())
}

/// The statement that fixes the flags of `t`.
fn flags_rule(t: PacketType, v: ProtocolVersion) -> &'static str {
    match t {
        PacketType::PubRel => "MQTT-3.6.1-1",
        PacketType::Subscribe => "MQTT-3.8.1-1",
        PacketType::Unsubscribe => "MQTT-3.10.1-1",
        _ if v.is_v5() => "MQTT-2.1.3-1",
        _ => "MQTT-2.2.2-1",
    }
}

/// Tells the tracer about the type and flag bits of the first byte.
fn trace_first_byte<T: Trace>(buf: &[u8], t: PacketType, f: u8, v: ProtocolVersion, tr: &mut T) {
    let mut r = Reader::new(buf, 0, 1, v, tr);
    r.enter("fixed_header");
    r.note_bits(0, 0xf0, &TYPE, || Value::Named {
        code: t as u64,
        name: t.name(),
    });
    if t == PacketType::Publish {
        r.note_bits(0, 0x08, &DUP, || Value::Bool(f & 0x08 != 0));
        let q = QoS::from_u8((f >> 1) & 3).unwrap_or_default();
        r.note_bits(0, 0x06, &QOS, || Value::Named {
            code: q as u64,
            name: qos_name(q),
        });
        r.note_bits(0, 0x01, &RETAIN, || Value::Bool(f & 0x01 != 0));
    } else {
        r.note_bits(0, 0x0f, &FLAGS, || Value::Bits { value: f, width: 4 });
    }
    r.leave();
}

/// Tells the tracer about the Remaining Length bytes.
fn trace_remaining_length<T: Trace>(
    buf: &[u8],
    h: &FixedHeader,
    v: ProtocolVersion,
    tr: &mut T,
) -> Result<(), DecodeError> {
    let mut r = Reader::new(buf, 1, h.header_len(), v, tr);
    r.enter("fixed_header");
    r.varint(&REMAINING)?;
    r.leave();
    Ok(())
}

/// The name of a QoS level.
pub(crate) fn qos_name(q: QoS) -> &'static str {
    match q {
        QoS::AtMostOnce => "At most once",
        QoS::AtLeastOnce => "At least once",
        QoS::ExactlyOnce => "Exactly once",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codec::reader::NoTrace;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    const V5: ProtocolVersion = ProtocolVersion::V5;
    const V4: ProtocolVersion = ProtocolVersion::V3_1_1;

    fn err(buf: &[u8], v: ProtocolVersion) -> DecodeError {
        parse(buf, v, &mut NoTrace).unwrap_err()
    }

    /// [MQTT-2.1.3-1] [MQTT-3.6.1-1] [MQTT-3.8.1-1] [MQTT-3.10.1-1] [MQTT-3.14.1-1]
    /// [MQTT-3.15.1-1]
    /// 3.1.1: [MQTT-2.2.2-1] [MQTT-3.6.1-1] [MQTT-3.8.1-1] [MQTT-3.10.1-1]
    #[test]
    fn reserved_flags_are_checked_per_type() {
        // PUBREL, SUBSCRIBE, UNSUBSCRIBE must carry 0010, in both versions.
        for v in [V4, V5] {
            for flags in [0x0, 0x1, 0x3, 0x4, 0x8] {
                assert_eq!(err(&[0x60 | flags, 0x02], v).rule, "MQTT-3.6.1-1");
                assert_eq!(err(&[0x80 | flags, 0x02], v).rule, "MQTT-3.8.1-1");
                assert_eq!(err(&[0xa0 | flags, 0x02], v).rule, "MQTT-3.10.1-1");
            }
            for ok in [0x62, 0x82, 0xa2] {
                assert!(parse(&[ok, 0x02], v, &mut NoTrace).is_ok(), "{ok:#04x}");
            }
        }
        // Everything else 0000: DISCONNECT in both versions, AUTH in MQTT 5.
        assert_eq!(err(&[0xc1, 0x00], V5).rule, "MQTT-2.1.3-1");
        assert_eq!(err(&[0xd8, 0x00], V4).rule, "MQTT-2.2.2-1");
        for (bytes, v, packet) in [
            ([0xe1, 0x00], V5, PacketType::Disconnect),
            ([0xe2, 0x00], V4, PacketType::Disconnect),
            ([0xf8, 0x00], V5, PacketType::Auth),
        ] {
            assert_eq!(
                err(&bytes, v).kind,
                DecodeErrorKind::InvalidFlags {
                    packet,
                    found: bytes[0] & 0x0f,
                    expected: 0
                },
                "{bytes:02x?}"
            );
        }
        assert!(parse(&[0xe0, 0x00], V4, &mut NoTrace).is_ok());
        assert!(parse(&[0xf0, 0x00], V5, &mut NoTrace).is_ok());
        assert!(matches!(
            err(&[0x42, 0x02], V5).kind,
            DecodeErrorKind::InvalidFlags {
                packet: PacketType::PubAck,
                found: 2,
                expected: 0
            }
        ));
        assert!(parse(&[0x62, 0x02], V5, &mut NoTrace).is_ok());
    }

    /// [MQTT-3.3.1-2]
    /// 3.1.1: [MQTT-3.3.1-2] [MQTT-3.3.1-4]
    /// [MQTT-3.3.1-4]
    /// 3.1.1: [MQTT-3.3.1-4]
    #[test]
    fn publish_qos_3_and_dup_at_qos_0_are_malformed() {
        for v in [V4, V5] {
            assert_eq!(
                err(&[0x36, 0x00], v),
                DecodeError::new(0, DecodeErrorKind::InvalidQos, "MQTT-3.3.1-4")
            );
            assert_eq!(
                err(&[0x38, 0x00], v),
                DecodeError::new(0, DecodeErrorKind::DupWithQos0, "MQTT-3.3.1-2")
            );
        }
        assert!(parse(&[0x3a, 0x00], V5, &mut NoTrace).is_ok());
    }

    #[test]
    fn type_0_always_and_auth_before_v5_are_invalid() {
        assert_eq!(
            err(&[0x00, 0x00], V5).kind,
            DecodeErrorKind::InvalidPacketType { value: 0 }
        );
        assert_eq!(
            err(&[0xf0, 0x00], V4).kind,
            DecodeErrorKind::InvalidPacketType { value: 15 }
        );
        assert!(parse(&[0xf0, 0x00], V5, &mut NoTrace).is_ok());
    }

    #[test]
    fn the_first_byte_table_agrees_with_the_checks() {
        for b in 0..=255u8 {
            for v in [V4, V5] {
                let table = if v.is_v5() { &VALID_V5 } else { &VALID_V3 };
                assert_eq!(
                    table[usize::from(b)],
                    check_first_byte(b, v).ok().map(|(t, _)| t),
                    "{b:#04x} {v}"
                );
            }
        }
    }

    #[test]
    fn the_fast_path_agrees_with_the_full_one() {
        // Every valid first byte's neighbours, with one, two and three byte lengths,
        // including the two byte forms of small values and cut-short input.
        let lengths: [&[u8]; 9] = [
            &[0x00],
            &[0x7f],
            &[0x80, 0x00],
            &[0x80, 0x01],
            &[0xff, 0x7f],
            &[0x85],
            &[0xff, 0xff, 0x01],
            &[0x80, 0x80, 0x00],
            &[0xc1],
        ];
        for first in [0x30u8, 0x32, 0x3d, 0x40, 0x62, 0x82, 0x90, 0xc0, 0xf0, 0x00] {
            for len in lengths {
                let mut buf = vec![first];
                buf.extend_from_slice(len);
                buf.push(0xaa);
                for cut in 1..=buf.len() {
                    for v in [V4, V5] {
                        assert_eq!(
                            parse(&buf[..cut], v, &mut NoTrace),
                            parse_full(&buf[..cut], v, &mut NoTrace),
                            "{:02x?} {v}",
                            &buf[..cut]
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn partial_headers_are_a_status() {
        assert_eq!(
            parse(&[], V5, &mut NoTrace),
            Ok(Status::Partial { needed: 2 })
        );
        assert_eq!(
            parse(&[0x30], V5, &mut NoTrace),
            Ok(Status::Partial { needed: 1 })
        );
        assert_eq!(
            parse(&[0x30, 0xff, 0xff], V5, &mut NoTrace),
            Ok(Status::Partial { needed: 1 })
        );
    }

    #[test]
    fn remaining_length_limits() {
        let h = parse(&[0x30, 0xff, 0xff, 0xff, 0x7f], V5, &mut NoTrace).unwrap();
        assert_eq!(h, Status::Complete(FixedHeader::new(0x30, varint::MAX, 5)));
        assert_eq!(
            err(&[0x30, 0xff, 0xff, 0xff, 0xff], V5).kind,
            DecodeErrorKind::VarIntTooLong
        );
        assert_eq!(err(&[0x30, 0x80, 0x00], V5).offset, 2);
    }
}
