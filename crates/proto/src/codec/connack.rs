//! CONNACK (3.2): the server's answer to CONNECT.

use std::borrow::Cow;
use std::num::{NonZeroU16, NonZeroU32};

use super::error::{DecodeError, DecodeErrorKind, UsageError};
use super::properties::{property_set, read_props, Props, UserProperty};
use super::reader::{Meta, Reader, Trace};
use super::{check_reason, read_reason, PacketType, ProtocolVersion, QoS, ReasonCode};
use crate::dissect::Value;

property_set! {
    /// Properties of CONNACK (3.2.2.3).
    ConnAckProperties in "CONNACK" {
        one
        /// The session expiry the server will use.
        session_expiry_interval: u32 = SESSION_EXPIRY_INTERVAL via U32, "Session Expiry Interval", "3.2.2.3.2";
        one
        /// How many QoS 1/2 PUBLISH the server will handle at once (absent: 65,535).
        receive_maximum: NonZeroU16 = RECEIVE_MAXIMUM via U16Nz, "Receive Maximum", "3.2.2.3.3";
        one
        /// The highest QoS the server supports (0 or 1; absent: 2).
        maximum_qos: QoS = MAXIMUM_QOS via MaxQos, "Maximum QoS", "3.2.2.3.4";
        one
        /// Whether the server supports retained messages (absent: yes).
        retain_available: bool = RETAIN_AVAILABLE via Flag, "Retain Available", "3.2.2.3.5";
        one
        /// The largest packet the server accepts.
        maximum_packet_size: NonZeroU32 = MAXIMUM_PACKET_SIZE via U32Nz, "Maximum Packet Size", "3.2.2.3.6";
        one
        /// The client identifier the server assigned (when CONNECT had an empty one).
        assigned_client_identifier: Cow<'a, str> = ASSIGNED_CLIENT_IDENTIFIER via Utf8, "Assigned Client Identifier", "3.2.2.3.7";
        one
        /// The highest Topic Alias the server accepts (absent or 0: none).
        topic_alias_maximum: u16 = TOPIC_ALIAS_MAXIMUM via U16, "Topic Alias Maximum", "3.2.2.3.8";
        one
        /// A human readable reason.
        reason_string: Cow<'a, str> = REASON_STRING via Utf8, "Reason String", "3.2.2.3.9";
        one
        /// Whether wildcard subscriptions are supported (absent: yes).
        wildcard_subscription_available: bool = WILDCARD_SUBSCRIPTION_AVAILABLE via Flag, "Wildcard Subscription Available", "3.2.2.3.11";
        one
        /// Whether subscription identifiers are supported (absent: yes).
        subscription_identifiers_available: bool = SUBSCRIPTION_IDENTIFIER_AVAILABLE via Flag, "Subscription Identifiers Available", "3.2.2.3.12";
        one
        /// Whether shared subscriptions are supported (absent: yes).
        shared_subscription_available: bool = SHARED_SUBSCRIPTION_AVAILABLE via Flag, "Shared Subscription Available", "3.2.2.3.13";
        one
        /// The keep alive the client must use instead of its own [MQTT-3.2.2-21].
        server_keep_alive: u16 = SERVER_KEEP_ALIVE via U16, "Server Keep Alive", "3.2.2.3.14";
        one
        /// Basis for response topics.
        response_information: Cow<'a, str> = RESPONSE_INFORMATION via Utf8, "Response Information", "3.2.2.3.15";
        one
        /// Another server to use.
        server_reference: Cow<'a, str> = SERVER_REFERENCE via Utf8, "Server Reference", "3.2.2.3.16";
        one
        /// The enhanced authentication method.
        authentication_method: Cow<'a, str> = AUTHENTICATION_METHOD via Utf8, "Authentication Method", "3.2.2.3.17";
        one
        /// Method-specific authentication data.
        authentication_data: Cow<'a, [u8]> = AUTHENTICATION_DATA via Bin, "Authentication Data", "3.2.2.3.18";
        many
        /// Name/value pairs, in order.
        user_properties: UserProperty<'a> = USER_PROPERTY via Pair, "User Property", "3.2.2.3.10";
    }
}

/// A CONNACK packet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnAck<'a> {
    /// The server resumed a session; 0 whenever the reason is a failure.
    pub session_present: bool,
    /// The result; MQTT 3.1.1 return codes 0 to 5 map onto the MQTT 5 codes
    /// ([`ReasonCode::from_v3_connack`]).
    pub reason: ReasonCode,
    /// MQTT 5 properties.
    pub properties: Props<'a, ConnAckProperties<'a>>,
}

const FLAGS: Meta = Meta::new("flags", "Connect Acknowledge Flags", "3.2.2.1");
const SESSION_PRESENT: Meta = Meta::new("session_present", "Session Present", "3.2.2.1.1");
const RESERVED: Meta = Meta::new("reserved", "Reserved", "3.2.2.1");
const RETURN_CODE: Meta = Meta::new("return_code", "Connect Return Code", "3.2.2.3");

impl<'a> ConnAck<'a> {
    /// A successful CONNACK.
    pub fn new(session_present: bool) -> Self {
        ConnAck {
            session_present,
            reason: ReasonCode::Success,
            properties: Props::none(),
        }
    }

    pub(crate) fn decode<T: Trace>(r: &mut Reader<'a, '_, T>) -> Result<Self, DecodeError> {
        let flags_at = r.pos();
        let session_present = read_flags(r)?;
        let reason = if r.version.is_v5() {
            read_reason(r, PacketType::ConnAck, "3.2.2.2", "MQTT-3.2.2-8")?
        } else {
            read_return_code(r)?
        };
        if session_present && reason.is_error() {
            let rule = if r.version.is_v5() {
                "MQTT-3.2.2-6"
            } else {
                "MQTT-3.2.2-4"
            };
            return Err(r.err_at(flags_at, DecodeErrorKind::SessionPresentWithFailure, rule));
        }
        let props_at = r.pos();
        let properties: Props<'a, ConnAckProperties<'a>> = if r.version.is_v5() {
            read_props(r)?
        } else {
            Props::none()
        };
        // It is a Protocol Error to include Authentication Data without a Method (3.2.2.3.18).
        if properties.authentication_data().is_some()
            && properties.authentication_method().is_none()
        {
            return Err(r.err_at(
                props_at,
                DecodeErrorKind::AuthDataWithoutMethod,
                "3.2.2.3.18",
            ));
        }
        Ok(ConnAck {
            session_present,
            reason,
            properties,
        })
    }

    pub(crate) fn body_len(&self, v: ProtocolVersion) -> Result<usize, UsageError> {
        // What the decoder refuses the encoder does not write: 5.0 [MQTT-3.2.2-6],
        // 3.1.1 [MQTT-3.2.2-4].
        if self.session_present && self.reason.is_error() {
            let rule = if v.is_v5() {
                "MQTT-3.2.2-6"
            } else {
                "MQTT-3.2.2-4"
            };
            return Err(UsageError::SessionPresentWithFailure { rule });
        }
        if !v.is_v5() {
            if self.reason.to_v3_connack().is_none() || !self.properties.is_empty() {
                return Err(UsageError::NotInVersion {
                    what: "this CONNACK reason code or properties",
                });
            }
            return Ok(2);
        }
        check_reason(self.reason, PacketType::ConnAck)?;
        self.properties.check(v)?;
        if self.properties.authentication_data().is_some()
            && self.properties.authentication_method().is_none()
        {
            return Err(UsageError::AuthDataWithoutMethod);
        }
        Ok(2 + self.properties.block_len())
    }

    pub(crate) fn write_body(&self, v: ProtocolVersion, out: &mut Vec<u8>) {
        out.push(u8::from(self.session_present));
        if v.is_v5() {
            out.push(self.reason as u8);
            self.properties.write_block(out);
        } else {
            out.push(self.reason.to_v3_connack().unwrap_or(0));
        }
    }

    /// Copies borrowed data so the packet outlives its input.
    pub fn into_owned(self) -> ConnAck<'static> {
        ConnAck {
            session_present: self.session_present,
            reason: self.reason,
            properties: self.properties.into_owned(),
        }
    }
}

/// Reads the acknowledge flags: bits 7 to 1 reserved [MQTT-3.2.2-1]; MQTT 3.1 has no
/// Session Present bit, so the whole byte is reserved there.
fn read_flags<T: Trace>(r: &mut Reader<'_, '_, T>) -> Result<bool, DecodeError> {
    let at = r.pos();
    let f = r.take(1, &FLAGS)?[0];
    let reserved = if r.version == ProtocolVersion::V3_1 {
        0xff
    } else {
        0xfe
    };
    if f & reserved != 0 {
        let rule = if r.version.is_v5() {
            "MQTT-3.2.2-1"
        } else {
            "3.2.2.1"
        };
        return Err(r.err_at(
            at,
            DecodeErrorKind::ReservedBitSet {
                field: "Connect Acknowledge Flags",
            },
            rule,
        ));
    }
    r.enter("flags");
    r.note_bits(at, 0xfe, &RESERVED, || Value::Bits {
        value: f >> 1,
        width: 7,
    });
    r.note_bits(at, 0x01, &SESSION_PRESENT, || Value::Bool(f & 1 != 0));
    r.leave();
    Ok(f & 1 != 0)
}

/// Reads an MQTT 3 Connect Return Code; 6 to 255 are reserved (3.2.2.3).
fn read_return_code<T: Trace>(r: &mut Reader<'_, '_, T>) -> Result<ReasonCode, DecodeError> {
    let at = r.pos();
    let b = r.take(1, &RETURN_CODE)?[0];
    let code = ReasonCode::from_v3_connack(b).ok_or_else(|| {
        r.err_at(
            at,
            DecodeErrorKind::InvalidReasonCode {
                packet: PacketType::ConnAck,
                code: b,
            },
            "3.2.2.3",
        )
    })?;
    r.note(at, &RETURN_CODE, || Value::Named {
        code: b.into(),
        name: code.v3_connack_name(),
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

    fn enc(p: &ConnAck<'_>, v: ProtocolVersion) -> Vec<u8> {
        let mut out = Vec::new();
        Packet::ConnAck(p.clone()).encode(v, &mut out).unwrap();
        out
    }

    #[test]
    fn v311_return_codes() {
        assert_eq!(
            Packet::decode_exact(&[0x20, 0x02, 0x01, 0x00], V4),
            Ok(Packet::ConnAck(ConnAck::new(true)))
        );
        let Packet::ConnAck(c) = Packet::decode_exact(&[0x20, 0x02, 0x00, 0x05], V4).unwrap()
        else {
            panic!()
        };
        assert_eq!(c.reason, ReasonCode::NotAuthorized);
        assert_eq!(enc(&c, V4), [0x20, 0x02, 0x00, 0x05]);
        let err = Packet::decode_exact(&[0x20, 0x02, 0x00, 0x06], V4).unwrap_err();
        assert_eq!((err.offset, err.rule), (3, "3.2.2.3"));
    }

    #[test]
    fn reserved_ack_flags_are_malformed() {
        let err = Packet::decode_exact(&[0x20, 0x03, 0x02, 0x00, 0x00], V5).unwrap_err();
        assert_eq!((err.offset, err.rule), (2, "MQTT-3.2.2-1"));
    }

    /// [MQTT-3.2.2-6]
    /// 3.1.1: [MQTT-3.2.2-4]
    #[test]
    fn session_present_with_a_failure_is_not_encoded() {
        let c = ConnAck {
            reason: ReasonCode::NotAuthorized,
            ..ConnAck::new(true)
        };
        for (v, rule) in [(V5, "MQTT-3.2.2-6"), (V4, "MQTT-3.2.2-4")] {
            let mut out = Vec::new();
            assert_eq!(
                Packet::ConnAck(c.clone()).encode(v, &mut out),
                Err(UsageError::SessionPresentWithFailure { rule })
            );
            assert!(out.is_empty(), "nothing written");
        }
        let ok = ConnAck::new(true);
        assert!(Packet::ConnAck(ok).encode(V5, &mut Vec::new()).is_ok());
    }

    #[test]
    fn session_present_with_a_failure_is_refused() {
        let err = Packet::decode_exact(&[0x20, 0x03, 0x01, 0x87, 0x00], V5).unwrap_err();
        assert_eq!(err.rule, "MQTT-3.2.2-6");
        assert_eq!(
            Packet::decode_exact(&[0x20, 0x02, 0x01, 0x02], V4)
                .unwrap_err()
                .rule,
            "MQTT-3.2.2-4"
        );
    }

    #[test]
    fn v5_connack_with_properties_round_trips() {
        let mut c = ConnAck::new(false);
        let props = c.properties.to_mut();
        props.receive_maximum = NonZeroU16::new(10);
        props.maximum_qos = Some(QoS::AtLeastOnce);
        props.retain_available = Some(false);
        props.assigned_client_identifier = Some("auto-1".into());
        props.server_keep_alive = Some(30);
        props.topic_alias_maximum = Some(5);
        let bytes = enc(&c, V5);
        assert_eq!(Packet::decode_exact(&bytes, V5), Ok(Packet::ConnAck(c)));
    }

    #[test]
    fn maximum_qos_2_and_receive_maximum_0_are_protocol_errors() {
        let err =
            Packet::decode_exact(&[0x20, 0x05, 0x00, 0x00, 0x02, 0x24, 0x02], V5).unwrap_err();
        assert_eq!(
            (err.offset, err.kind.clone()),
            (
                6,
                DecodeErrorKind::InvalidPropertyValue { id: 0x24, value: 2 }
            )
        );
        let err = Packet::decode_exact(&[0x20, 0x06, 0x00, 0x00, 0x03, 0x21, 0x00, 0x00], V5)
            .unwrap_err();
        assert_eq!(
            err.kind,
            DecodeErrorKind::InvalidPropertyValue { id: 0x21, value: 0 }
        );
        let mut c = ConnAck::new(false);
        c.properties.to_mut().maximum_qos = Some(QoS::ExactlyOnce);
        assert!(matches!(
            Packet::ConnAck(c).encode(V5, &mut Vec::new()),
            Err(UsageError::InvalidPropertyValue { .. })
        ));
    }

    #[test]
    fn v5_reason_codes_follow_table_2_6() {
        let Packet::ConnAck(c) = Packet::decode_exact(&[0x20, 0x03, 0x00, 0x9c, 0x00], V5).unwrap()
        else {
            panic!()
        };
        assert_eq!(c.reason, ReasonCode::UseAnotherServer);
        let err = Packet::decode_exact(&[0x20, 0x03, 0x00, 0x8e, 0x00], V5).unwrap_err();
        assert_eq!((err.offset, err.rule), (3, "MQTT-3.2.2-8"));
    }

    #[test]
    fn authentication_data_without_a_method_is_a_protocol_error() {
        // Found by the decode fuzz target: decoded, but its re-encoding was refused.
        let bytes = [
            0x20, 0x0e, 0x00, 0x00, 0x0b, 0x21, 0x00, 0x0f, 0x24, 0x00, 0x16, 0x00, 0x03, 0x00,
            0x00, 0x22,
        ];
        let err = Packet::decode_exact(&bytes, V5).unwrap_err();
        assert_eq!(
            (err.offset, err.kind.clone()),
            (4, DecodeErrorKind::AuthDataWithoutMethod)
        );
    }

    #[test]
    fn v5_only_codes_cannot_be_sent_in_v3() {
        let c = ConnAck {
            reason: ReasonCode::Banned,
            ..ConnAck::new(false)
        };
        assert!(matches!(
            Packet::ConnAck(c).encode(V4, &mut Vec::new()),
            Err(UsageError::NotInVersion { .. })
        ));
    }
}
