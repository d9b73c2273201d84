//! PINGREQ (3.12) and PINGRESP (3.13): a fixed header and nothing else. A non-zero
//! Remaining Length is reported by the caller as trailing bytes.

use super::error::DecodeError;
use super::reader::{Reader, Trace};
use super::PacketType;

/// Decodes the (empty) body of a PINGREQ or PINGRESP.
pub(crate) fn decode<T: Trace>(
    _r: &mut Reader<'_, '_, T>,
    _t: PacketType,
) -> Result<(), DecodeError> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::codec::{DecodeErrorKind, Packet, ProtocolVersion};
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn ping_bytes_in_both_versions() {
        for v in [ProtocolVersion::V3_1_1, ProtocolVersion::V5] {
            assert_eq!(Packet::decode_exact(&[0xc0, 0x00], v), Ok(Packet::PingReq));
            assert_eq!(Packet::decode_exact(&[0xd0, 0x00], v), Ok(Packet::PingResp));
            let mut out = Vec::new();
            Packet::PingReq.encode(v, &mut out).unwrap();
            assert_eq!(out, [0xc0, 0x00]);
        }
    }

    #[test]
    fn a_body_is_trailing_bytes() {
        let err = Packet::decode_exact(&[0xc0, 0x01, 0x00], ProtocolVersion::V5).unwrap_err();
        assert_eq!(
            (err.offset, err.kind.clone()),
            (2, DecodeErrorKind::TrailingBytes { count: 1 })
        );
    }
}
