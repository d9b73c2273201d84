//! UNSUBACK (3.11): in MQTT 5, one reason code per filter; in MQTT 3 just the identifier.

use std::borrow::Cow;

use super::error::{DecodeError, DecodeErrorKind, UsageError};
use super::properties::{property_set, read_props, Props, UserProperty};
use super::reader::{Reader, Trace};
use super::{
    check_reason, read_packet_id, read_reason, PacketId, PacketType, ProtocolVersion, ReasonCode,
};

property_set! {
    /// Properties of UNSUBACK (3.11.2.1).
    UnsubAckProperties in "UNSUBACK" {
        one
        /// A human readable reason.
        reason_string: Cow<'a, str> = REASON_STRING via Utf8, "Reason String", "3.11.2.1.2";
        many
        /// Name/value pairs, in order.
        user_properties: UserProperty<'a> = USER_PROPERTY via Pair, "User Property", "3.11.2.1.3";
    }
}

/// An UNSUBACK packet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnsubAck<'a> {
    /// The identifier of the UNSUBSCRIBE this answers.
    pub packet_id: PacketId,
    /// MQTT 5 properties.
    pub properties: Props<'a, UnsubAckProperties<'a>>,
    /// MQTT 5: one code per filter, in order; empty in MQTT 3.
    pub reason_codes: Vec<ReasonCode>,
}

impl<'a> UnsubAck<'a> {
    pub(crate) fn decode<T: Trace>(r: &mut Reader<'a, '_, T>) -> Result<Self, DecodeError> {
        let packet_id = read_packet_id(r, "3.11.2")?;
        if !r.version.is_v5() {
            return Ok(UnsubAck {
                packet_id,
                properties: Props::none(),
                reason_codes: Vec::new(),
            });
        }
        let properties = read_props(r)?;
        if r.is_empty() {
            return Err(r.err_at(
                r.pos(),
                DecodeErrorKind::EmptyPayload {
                    packet: PacketType::UnsubAck,
                },
                "3.11.3",
            ));
        }
        let mut reason_codes = Vec::with_capacity(r.remaining());
        r.enter("reason_codes");
        while !r.is_empty() {
            r.enter_index(reason_codes.len());
            reason_codes.push(read_reason(
                r,
                PacketType::UnsubAck,
                "3.11.3",
                "MQTT-3.11.3-2",
            )?);
            r.leave();
        }
        r.leave();
        Ok(UnsubAck {
            packet_id,
            properties,
            reason_codes,
        })
    }

    pub(crate) fn body_len(&self, v: ProtocolVersion) -> Result<usize, UsageError> {
        if !v.is_v5() {
            if !self.reason_codes.is_empty() || !self.properties.is_empty() {
                return Err(UsageError::NotInVersion {
                    what: "UNSUBACK reason codes and properties",
                });
            }
            return Ok(2);
        }
        if self.reason_codes.is_empty() {
            return Err(UsageError::EmptyPayload {
                packet: PacketType::UnsubAck,
            });
        }
        for &c in &self.reason_codes {
            check_reason(c, PacketType::UnsubAck)?;
        }
        self.properties.check(v)?;
        Ok(2 + self.properties.block_len() + self.reason_codes.len())
    }

    pub(crate) fn write_body(&self, v: ProtocolVersion, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.packet_id.get().to_be_bytes());
        if v.is_v5() {
            self.properties.write_block(out);
            out.extend(self.reason_codes.iter().map(|&c| c as u8));
        }
    }

    /// Copies borrowed data so the packet outlives its input.
    pub fn into_owned(self) -> UnsubAck<'static> {
        UnsubAck {
            packet_id: self.packet_id,
            properties: self.properties.into_owned(),
            reason_codes: self.reason_codes,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codec::Packet;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn v311_is_just_the_identifier() {
        let p = Packet::decode_exact(&[0xb0, 0x02, 0x00, 0x09], ProtocolVersion::V3_1_1).unwrap();
        let Packet::UnsubAck(u) = &p else { panic!() };
        assert!(u.reason_codes.is_empty());
        let err = Packet::decode_exact(&[0xb0, 0x03, 0x00, 0x09, 0x00], ProtocolVersion::V3_1_1)
            .unwrap_err();
        assert_eq!(err.kind, DecodeErrorKind::TrailingBytes { count: 1 });
    }

    #[test]
    fn v5_codes_round_trip() {
        let bytes = [0xb0, 0x05, 0x00, 0x09, 0x00, 0x00, 0x11];
        let p = Packet::decode_exact(&bytes, ProtocolVersion::V5).unwrap();
        let Packet::UnsubAck(u) = &p else { panic!() };
        assert_eq!(
            u.reason_codes,
            [ReasonCode::Success, ReasonCode::NoSubscriptionExisted]
        );
        let mut out = Vec::new();
        p.encode(ProtocolVersion::V5, &mut out).unwrap();
        assert_eq!(out, bytes);
        let err = Packet::decode_exact(&[0xb0, 0x04, 0x00, 0x09, 0x00, 0x10], ProtocolVersion::V5)
            .unwrap_err();
        assert_eq!((err.offset, err.rule), (5, "MQTT-3.11.3-2"));
    }
}
