//! PUBACK (3.4), PUBREC (3.5), PUBREL (3.6) and PUBCOMP (3.7).
//!
//! The four packets have one layout (Packet Identifier, then in MQTT 5 an optional Reason
//! Code and optional properties), so they share this body type; [`crate::codec::Packet`]
//! tells them apart. MQTT 5 short forms [3.4.2.1]: Remaining Length 2 means reason 0x00
//! and no properties; 3 means a reason code and no Property Length.

use std::borrow::Cow;

use super::error::{DecodeError, UsageError};
use super::properties::{property_set, read_props, Props, UserProperty};
use super::reader::{Reader, Trace};
use super::{
    check_reason, read_packet_id, read_reason, PacketId, PacketType, ProtocolVersion, ReasonCode,
};

property_set! {
    /// Properties of PUBACK, PUBREC, PUBREL and PUBCOMP (3.4.2.2; 3.5.2.2, 3.6.2.2 and
    /// 3.7.2.2 are the same).
    AckProperties in "PUBACK, PUBREC, PUBREL or PUBCOMP" {
        one
        /// A human readable reason, not to be parsed.
        reason_string: Cow<'a, str> = REASON_STRING via Utf8, "Reason String", "3.4.2.2.2";
        many
        /// Name/value pairs, in order.
        user_properties: UserProperty<'a> = USER_PROPERTY via Pair, "User Property", "3.4.2.2.3";
    }
}

/// The body of PUBACK, PUBREC, PUBREL and PUBCOMP.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ack<'a> {
    /// The identifier of the PUBLISH (or PUBREL) this answers.
    pub packet_id: PacketId,
    /// MQTT 5 reason code; always Success in MQTT 3.
    pub reason: ReasonCode,
    /// MQTT 5 properties; empty in MQTT 3.
    pub properties: Props<'a, AckProperties<'a>>,
}

impl<'a> Ack<'a> {
    /// A successful acknowledgement of `packet_id`.
    pub fn new(packet_id: PacketId) -> Self {
        Ack {
            packet_id,
            reason: ReasonCode::Success,
            properties: Props::none(),
        }
    }

    pub(crate) fn decode<T: Trace>(
        r: &mut Reader<'a, '_, T>,
        t: PacketType,
    ) -> Result<Self, DecodeError> {
        let (section, reason_section, rule) = layout(t);
        let packet_id = read_packet_id(r, section)?;
        let mut ack = Ack::new(packet_id);
        if r.version.is_v5() && !r.is_empty() {
            ack.reason = read_reason(r, t, reason_section, rule)?;
            if !r.is_empty() {
                ack.properties = read_props(r)?;
            }
        }
        Ok(ack)
    }

    /// The two and three byte forms (3.4.2.1) read in one pass, when valid: a non-zero
    /// Packet Identifier, then in MQTT 5 perhaps a Reason Code allowed in `t`. `None`
    /// for anything else, which [`Ack::decode`] reads or reports.
    #[inline(always)]
    pub(crate) fn decode_short(body: &[u8], t: PacketType, v: ProtocolVersion) -> Option<Self> {
        let (id, reason) = match *body {
            [hi, lo] => (u16::from_be_bytes([hi, lo]), ReasonCode::Success),
            [hi, lo, code] if v.is_v5() => (
                u16::from_be_bytes([hi, lo]),
                ReasonCode::from_u8_in(code, t)?,
            ),
            _ => return None,
        };
        Some(Ack {
            reason,
            ..Ack::new(PacketId::new(id)?)
        })
    }

    pub(crate) fn body_len(&self, t: PacketType, v: ProtocolVersion) -> Result<usize, UsageError> {
        if !v.is_v5() {
            if self.reason != ReasonCode::Success || !self.properties.is_empty() {
                return Err(UsageError::NotInVersion {
                    what: "a reason code or properties in an acknowledgement",
                });
            }
            return Ok(2);
        }
        check_reason(self.reason, t)?;
        self.properties.check(v)?;
        Ok(match (self.reason, self.properties.is_empty()) {
            (ReasonCode::Success, true) => 2,
            (_, true) => 3,
            (_, false) => 3 + self.properties.block_len(),
        })
    }

    pub(crate) fn write_body(&self, v: ProtocolVersion, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.packet_id.get().to_be_bytes());
        if !v.is_v5() || (self.reason == ReasonCode::Success && self.properties.is_empty()) {
            return;
        }
        out.push(self.reason as u8);
        if !self.properties.is_empty() {
            self.properties.write_block(out);
        }
    }

    /// Copies borrowed data so the packet outlives its input.
    pub fn into_owned(self) -> Ack<'static> {
        Ack {
            packet_id: self.packet_id,
            reason: self.reason,
            properties: self.properties.into_owned(),
        }
    }
}

/// The section of an acknowledgement property in packet `t`: the four packets number
/// their properties alike, and [`AckProperties`] is declared with PUBACK's numbers.
pub(crate) fn property_section(t: PacketType, section: &'static str) -> &'static str {
    match (t, section) {
        (PacketType::PubRec, "3.4.2.2.2") => "3.5.2.2.2",
        (PacketType::PubRec, "3.4.2.2.3") => "3.5.2.2.3",
        (PacketType::PubRel, "3.4.2.2.2") => "3.6.2.2.2",
        (PacketType::PubRel, "3.4.2.2.3") => "3.6.2.2.3",
        (PacketType::PubComp, "3.4.2.2.2") => "3.7.2.2.2",
        (PacketType::PubComp, "3.4.2.2.3") => "3.7.2.2.3",
        _ => section,
    }
}

/// Variable header section, reason code section and the "MUST use one of the Reason
/// Codes" statement of each acknowledgement.
fn layout(t: PacketType) -> (&'static str, &'static str, &'static str) {
    match t {
        PacketType::PubRec => ("3.5.2", "3.5.2.1", "MQTT-3.5.2-1"),
        PacketType::PubRel => ("3.6.2", "3.6.2.1", "MQTT-3.6.2-1"),
        PacketType::PubComp => ("3.7.2", "3.7.2.1", "MQTT-3.7.2-1"),
        _ => ("3.4.2", "3.4.2.1", "MQTT-3.4.2-1"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codec::{DecodeErrorKind, Packet};
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    const V5: ProtocolVersion = ProtocolVersion::V5;
    const V4: ProtocolVersion = ProtocolVersion::V3_1_1;

    fn pid(n: u16) -> PacketId {
        PacketId::new(n).unwrap()
    }

    fn enc(p: &Packet<'_>, v: ProtocolVersion) -> Vec<u8> {
        let mut out = Vec::new();
        p.encode(v, &mut out).unwrap();
        out
    }

    #[test]
    fn v5_short_form_length_2_means_success_without_properties() {
        for (first, ctor) in [
            (
                0x40u8,
                Packet::PubAck as fn(Ack<'static>) -> Packet<'static>,
            ),
            (0x50, Packet::PubRec),
            (0x62, Packet::PubRel),
            (0x70, Packet::PubComp),
        ] {
            let bytes = [first, 0x02, 0x12, 0x34];
            let p = Packet::decode_exact(&bytes, V5).unwrap();
            assert_eq!(p, ctor(Ack::new(pid(0x1234))));
            assert_eq!(enc(&p, V5), bytes);
            assert_eq!(Packet::decode_exact(&bytes, V4).unwrap(), p);
        }
    }

    #[test]
    fn v5_short_form_length_3_is_a_reason_without_property_length() {
        let p = Packet::decode_exact(&[0x40, 0x03, 0x00, 0x07, 0x10], V5).unwrap();
        let Packet::PubAck(a) = &p else {
            panic!("{p:?}")
        };
        assert_eq!(
            (a.packet_id, a.reason, a.properties.is_empty()),
            (pid(7), ReasonCode::NoMatchingSubscribers, true)
        );
        assert_eq!(enc(&p, V5), [0x40, 0x03, 0x00, 0x07, 0x10]);
        // Success in the three byte form decodes too; the canonical form is two bytes.
        let p = Packet::decode_exact(&[0x40, 0x03, 0x00, 0x07, 0x00], V5).unwrap();
        assert_eq!(enc(&p, V5), [0x40, 0x02, 0x00, 0x07]);
    }

    #[test]
    fn v5_long_form_with_reason_string() {
        let bytes = [
            0x50, 0x09, 0x00, 0x01, 0x97, 0x05, 0x1f, 0x00, 0x02, b'n', b'o',
        ];
        let p = Packet::decode_exact(&bytes, V5).unwrap();
        let Packet::PubRec(a) = &p else { panic!() };
        assert_eq!(a.reason, ReasonCode::QuotaExceeded);
        assert_eq!(a.properties.reason_string(), Some("no"));
        assert_eq!(enc(&p, V5), bytes);
    }

    #[test]
    fn reason_codes_outside_table_2_6_are_refused() {
        // 0x10 is a PUBACK code but not a PUBREL one [MQTT-3.6.2-1].
        let err = Packet::decode_exact(&[0x62, 0x03, 0x00, 0x01, 0x10], V5).unwrap_err();
        assert_eq!((err.offset, err.rule), (4, "MQTT-3.6.2-1"));
        let err = Packet::decode_exact(&[0x40, 0x03, 0x00, 0x01, 0x05], V5).unwrap_err();
        assert_eq!(
            err.kind,
            DecodeErrorKind::InvalidReasonCode {
                packet: PacketType::PubAck,
                code: 5
            }
        );
        let bad = Packet::PubComp(Ack {
            reason: ReasonCode::QuotaExceeded,
            ..Ack::new(pid(1))
        });
        assert!(matches!(
            bad.encode(V5, &mut Vec::new()),
            Err(UsageError::InvalidReasonCode { .. })
        ));
    }

    #[test]
    fn v3_acks_are_exactly_two_bytes() {
        let err = Packet::decode_exact(&[0x40, 0x03, 0x00, 0x01, 0x00], V4).unwrap_err();
        assert_eq!(err.kind, DecodeErrorKind::TrailingBytes { count: 1 });
        let err = Packet::decode_exact(&[0x40, 0x02, 0x00, 0x00], V4).unwrap_err();
        assert_eq!(
            (err.offset, err.kind.clone(), err.rule),
            (2, DecodeErrorKind::ZeroPacketId, "MQTT-2.3.1-1")
        );
        let bad = Packet::PubAck(Ack {
            reason: ReasonCode::UnspecifiedError,
            ..Ack::new(pid(1))
        });
        assert!(matches!(
            bad.encode(V4, &mut Vec::new()),
            Err(UsageError::NotInVersion { .. })
        ));
    }

    #[test]
    fn property_not_allowed_in_an_ack_is_a_protocol_error() {
        // Topic Alias (0x23) in a PUBACK.
        let err = Packet::decode_exact(&[0x40, 0x07, 0x00, 0x01, 0x00, 0x03, 0x23, 0x00, 0x01], V5)
            .unwrap_err();
        assert_eq!(err.offset, 6);
        assert!(matches!(
            err.kind,
            DecodeErrorKind::PropertyNotAllowed { id: 0x23, .. }
        ));
        assert_eq!(err.reason_code(), ReasonCode::ProtocolError);
    }
}
