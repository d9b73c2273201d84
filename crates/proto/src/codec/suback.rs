//! SUBACK (3.9): one reason code per requested filter.

use std::borrow::Cow;

use super::error::{DecodeError, DecodeErrorKind, UsageError};
use super::properties::{property_set, read_props, Props, UserProperty};
use super::reader::{Meta, Reader, Trace};
use super::{
    check_reason, quick_id_and_props, read_packet_id, read_reason, PacketId, PacketType,
    ProtocolVersion, ReasonCode,
};
use crate::dissect::Value;

property_set! {
    /// Properties of SUBACK (3.9.2.1).
    SubAckProperties in "SUBACK" {
        one
        /// A human readable reason.
        reason_string: Cow<'a, str> = REASON_STRING via Utf8, "Reason String", "3.9.2.1.2";
        many
        /// Name/value pairs, in order.
        user_properties: UserProperty<'a> = USER_PROPERTY via Pair, "User Property", "3.9.2.1.3";
    }
}

/// A SUBACK packet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubAck<'a> {
    /// The identifier of the SUBSCRIBE this answers.
    pub packet_id: PacketId,
    /// MQTT 5 properties.
    pub properties: Props<'a, SubAckProperties<'a>>,
    /// One code per filter, in order: Granted QoS 0/1/2 or a failure. MQTT 3.1.1 allows
    /// only 0x00, 0x01, 0x02 and 0x80 [MQTT-3.9.3-2].
    pub reason_codes: Vec<ReasonCode>,
}

const V3_CODE: Meta = Meta::new("reason_code", "Return Code", "3.9.3");
const V3_CODES: [ReasonCode; 4] = [
    ReasonCode::Success,
    ReasonCode::GrantedQos1,
    ReasonCode::GrantedQos2,
    ReasonCode::UnspecifiedError,
];

impl<'a> SubAck<'a> {
    /// A SUBACK read in one pass, without a [`Reader`], when valid; `None` for anything
    /// else, which [`SubAck::decode`] reads or reports.
    #[inline]
    pub(crate) fn decode_quick(body: &'a [u8], v: ProtocolVersion) -> Option<Self> {
        let (packet_id, properties, rest) = quick_id_and_props::<SubAckProperties>(body, v)?;
        // At least one reason code (3.9.3).
        if rest.is_empty() {
            return None;
        }
        let mut reason_codes = Vec::with_capacity(rest.len());
        for &b in rest {
            reason_codes.push(if v.is_v5() {
                ReasonCode::from_u8_in(b, PacketType::SubAck)?
            } else {
                v3_code(b)?
            });
        }
        Some(SubAck {
            packet_id,
            properties,
            reason_codes,
        })
    }

    pub(crate) fn decode<T: Trace>(r: &mut Reader<'a, '_, T>) -> Result<Self, DecodeError> {
        let packet_id = read_packet_id(r, "3.9.2")?;
        let properties = if r.version.is_v5() {
            read_props(r)?
        } else {
            Props::none()
        };
        if r.is_empty() {
            return Err(r.err_at(
                r.pos(),
                DecodeErrorKind::EmptyPayload {
                    packet: PacketType::SubAck,
                },
                "3.9.3",
            ));
        }
        let mut reason_codes = Vec::with_capacity(r.remaining());
        r.enter("reason_codes");
        while !r.is_empty() {
            r.enter_index(reason_codes.len());
            reason_codes.push(if r.version.is_v5() {
                read_reason(r, PacketType::SubAck, "3.9.3", "MQTT-3.9.3-2")?
            } else {
                read_v3_code(r)?
            });
            r.leave();
        }
        r.leave();
        Ok(SubAck {
            packet_id,
            properties,
            reason_codes,
        })
    }

    pub(crate) fn body_len(&self, v: ProtocolVersion) -> Result<usize, UsageError> {
        if self.reason_codes.is_empty() {
            return Err(UsageError::EmptyPayload {
                packet: PacketType::SubAck,
            });
        }
        for &c in &self.reason_codes {
            if v.is_v5() {
                check_reason(c, PacketType::SubAck)?;
            } else if !V3_CODES.contains(&c) {
                return Err(UsageError::InvalidReasonCode {
                    packet: PacketType::SubAck,
                    code: c as u8,
                });
            }
        }
        let props = if v.is_v5() {
            self.properties.check(v)?;
            self.properties.block_len()
        } else if self.properties.is_empty() {
            0
        } else {
            return Err(UsageError::NotInVersion {
                what: "SUBACK properties",
            });
        };
        Ok(2 + props + self.reason_codes.len())
    }

    pub(crate) fn write_body(&self, v: ProtocolVersion, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.packet_id.get().to_be_bytes());
        if v.is_v5() {
            self.properties.write_block(out);
        }
        out.extend(self.reason_codes.iter().map(|&c| c as u8));
    }

    /// Copies borrowed data so the packet outlives its input.
    pub fn into_owned(self) -> SubAck<'static> {
        SubAck {
            packet_id: self.packet_id,
            properties: self.properties.into_owned(),
            reason_codes: self.reason_codes,
        }
    }
}

/// The MQTT 3.1.1 return code `b`, if it is one: 0x00, 0x01, 0x02 or 0x80 [MQTT-3.9.3-2].
fn v3_code(b: u8) -> Option<ReasonCode> {
    ReasonCode::from_u8(b).filter(|c| V3_CODES.contains(c))
}

/// Reads an MQTT 3.1.1 return code: 0x00, 0x01, 0x02 or 0x80 [MQTT-3.9.3-2].
fn read_v3_code<T: Trace>(r: &mut Reader<'_, '_, T>) -> Result<ReasonCode, DecodeError> {
    let at = r.pos();
    let b = r.take(1, &V3_CODE)?[0];
    let code = v3_code(b).ok_or_else(|| {
        r.err_at(
            at,
            DecodeErrorKind::InvalidReasonCode {
                packet: PacketType::SubAck,
                code: b,
            },
            "MQTT-3.9.3-2",
        )
    })?;
    r.note(at, &V3_CODE, || Value::Named {
        code: b.into(),
        name: code.name_in(PacketType::SubAck),
    });
    Ok(code)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codec::Packet;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    const V5: ProtocolVersion = ProtocolVersion::V5;
    const V4: ProtocolVersion = ProtocolVersion::V3_1_1;

    #[test]
    fn v311_codes_round_trip_and_others_are_reserved() {
        let bytes = [0x90, 0x06, 0x00, 0x07, 0x00, 0x01, 0x02, 0x80];
        let p = Packet::decode_exact(&bytes, V4).unwrap();
        let Packet::SubAck(s) = &p else { panic!() };
        assert_eq!(s.reason_codes, V3_CODES);
        let mut out = Vec::new();
        p.encode(V4, &mut out).unwrap();
        assert_eq!(out, bytes);
        let err = Packet::decode_exact(&[0x90, 0x03, 0x00, 0x07, 0x87], V4).unwrap_err();
        assert_eq!((err.offset, err.rule), (4, "MQTT-3.9.3-2"));
    }

    #[test]
    fn v5_suback_from_the_w3_workload() {
        let bytes = [0x90, 0x06, 0x00, 0x05, 0x00, 0x01, 0x02, 0x00];
        let Packet::SubAck(s) = Packet::decode_exact(&bytes, V5).unwrap() else {
            panic!()
        };
        assert_eq!(
            s.reason_codes,
            [
                ReasonCode::GrantedQos1,
                ReasonCode::GrantedQos2,
                ReasonCode::Success
            ]
        );
        let err = Packet::decode_exact(&[0x90, 0x04, 0x00, 0x05, 0x00, 0x10], V5).unwrap_err();
        assert_eq!(
            err.kind,
            DecodeErrorKind::InvalidReasonCode {
                packet: PacketType::SubAck,
                code: 0x10
            }
        );
    }

    #[test]
    fn suback_without_codes_is_malformed() {
        let err = Packet::decode_exact(&[0x90, 0x02, 0x00, 0x05], V4).unwrap_err();
        assert_eq!(
            err.kind,
            DecodeErrorKind::EmptyPayload {
                packet: PacketType::SubAck
            }
        );
    }
}
