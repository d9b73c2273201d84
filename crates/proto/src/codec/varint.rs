//! Variable Byte Integers (1.5.5): seven bits per byte, least significant group first, the
//! top bit saying another byte follows; at most four bytes, so at most 268,435,455.

use super::error::DecodeErrorKind;
use super::ProtocolVersion;

/// The largest value a Variable Byte Integer can hold.
pub const MAX: u32 = 268_435_455;

/// An error found while parsing: offset within the input, kind, rule.
pub(crate) type VarIntError = (usize, DecodeErrorKind, &'static str);

/// Parses a Variable Byte Integer at the start of `buf`.
///
/// `Ok(None)` means the input ends before the integer does (need more bytes). MQTT 5
/// requires the shortest encoding [MQTT-1.5.5-1]; MQTT 3.1.1 states no such rule, so a
/// longer form is accepted there.
#[inline]
pub(crate) fn parse(
    buf: &[u8],
    version: ProtocolVersion,
) -> Result<Option<(u32, usize)>, VarIntError> {
    let mut value = 0u32;
    for (i, &byte) in buf.iter().enumerate() {
        if i == 4 {
            return Err((i, DecodeErrorKind::VarIntTooLong, "1.5.5"));
        }
        value |= u32::from(byte & 0x7f) << (7 * i);
        if byte & 0x80 == 0 {
            if i > 0 && byte == 0 && version == ProtocolVersion::V5 {
                return Err((i, DecodeErrorKind::VarIntNotMinimal, "MQTT-1.5.5-1"));
            }
            return Ok(Some((value, i + 1)));
        }
    }
    Ok(None)
}

/// The number of bytes `value` takes; `value` must be at most [`MAX`].
#[inline]
pub(crate) const fn len(value: u32) -> usize {
    match value {
        0..=127 => 1,
        128..=16_383 => 2,
        16_384..=2_097_151 => 3,
        _ => 4,
    }
}

/// Appends the shortest encoding of `value`; `value` must be at most [`MAX`] (callers
/// check lengths before writing, see `Packet::encoded_len`).
#[inline]
pub(crate) fn write(out: &mut Vec<u8>, mut value: u32) {
    loop {
        let mut byte = (value & 0x7f) as u8;
        value >>= 7;
        if value > 0 {
            byte |= 0x80;
        }
        out.push(byte);
        if value == 0 {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    const V5: ProtocolVersion = ProtocolVersion::V5;
    const V4: ProtocolVersion = ProtocolVersion::V3_1_1;

    #[test]
    fn boundaries_round_trip_with_their_lengths() {
        let cases: [(u32, &[u8]); 8] = [
            (0, &[0x00]),
            (127, &[0x7f]),
            (128, &[0x80, 0x01]),
            (16_383, &[0xff, 0x7f]),
            (16_384, &[0x80, 0x80, 0x01]),
            (2_097_151, &[0xff, 0xff, 0x7f]),
            (2_097_152, &[0x80, 0x80, 0x80, 0x01]),
            (MAX, &[0xff, 0xff, 0xff, 0x7f]),
        ];
        for (value, bytes) in cases {
            assert_eq!(parse(bytes, V5), Ok(Some((value, bytes.len()))), "{value}");
            let mut out = Vec::new();
            write(&mut out, value);
            assert_eq!(out, bytes);
            assert_eq!(len(value), bytes.len());
        }
    }

    #[test]
    fn five_bytes_are_malformed_in_every_version() {
        for v in [V4, V5] {
            let err = parse(&[0xff, 0xff, 0xff, 0xff, 0x7f], v).unwrap_err();
            assert_eq!((err.0, err.1), (4, DecodeErrorKind::VarIntTooLong));
        }
    }

    /// [MQTT-1.5.5-1]
    #[test]
    fn non_minimal_zero_is_malformed_in_v5_only() {
        // `80 00` encodes 0 in two bytes [MQTT-1.5.5-1].
        assert_eq!(
            parse(&[0x80, 0x00], V5),
            Err((1, DecodeErrorKind::VarIntNotMinimal, "MQTT-1.5.5-1"))
        );
        assert_eq!(parse(&[0xff, 0x80, 0x00], V5).unwrap_err().0, 2);
        assert_eq!(parse(&[0x80, 0x00], V4), Ok(Some((0, 2))));
    }

    #[test]
    fn incomplete_is_a_status_not_an_error() {
        assert_eq!(parse(&[], V5), Ok(None));
        assert_eq!(parse(&[0x80], V5), Ok(None));
        assert_eq!(parse(&[0xff, 0xff, 0xff], V5), Ok(None));
    }
}
