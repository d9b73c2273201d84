//! AUTH (3.15, MQTT 5 only): a step of enhanced authentication. Short forms as for
//! DISCONNECT: Remaining Length 0 means Success without properties.

use std::borrow::Cow;

use super::error::{DecodeError, DecodeErrorKind, UsageError};
use super::properties::{property_set, read_props, Props, UserProperty};
use super::reader::{Reader, Trace};
use super::{check_reason, read_reason, PacketType, ProtocolVersion, ReasonCode};

property_set! {
    /// Properties of AUTH (3.15.2.2).
    AuthProperties in "AUTH" {
        one
        /// The authentication method; the same in every AUTH of an exchange.
        authentication_method: Cow<'a, str> = AUTHENTICATION_METHOD via Utf8, "Authentication Method", "3.15.2.2.2";
        one
        /// Method-specific data.
        authentication_data: Cow<'a, [u8]> = AUTHENTICATION_DATA via Bin, "Authentication Data", "3.15.2.2.3";
        one
        /// A human readable reason.
        reason_string: Cow<'a, str> = REASON_STRING via Utf8, "Reason String", "3.15.2.2.4";
        many
        /// Name/value pairs, in order.
        user_properties: UserProperty<'a> = USER_PROPERTY via Pair, "User Property", "3.15.2.2.5";
    }
}

/// An AUTH packet.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Auth<'a> {
    /// Success (0x00), Continue authentication (0x18) or Re-authenticate (0x19).
    pub reason: ReasonCode,
    /// Its properties.
    pub properties: Props<'a, AuthProperties<'a>>,
}

impl<'a> Auth<'a> {
    pub(crate) fn decode<T: Trace>(r: &mut Reader<'a, '_, T>) -> Result<Self, DecodeError> {
        let mut a = Auth::default();
        if !r.is_empty() {
            a.reason = read_reason(r, PacketType::Auth, "3.15.2.1", "MQTT-3.15.2-1")?;
            if !r.is_empty() {
                let start = r.pos();
                a.properties = read_props(r)?;
                // A property block must name the method (3.15.2.2.2), and data needs it.
                if a.properties.authentication_method().is_none() {
                    return Err(r.err_at(
                        start,
                        DecodeErrorKind::MissingAuthenticationMethod,
                        "3.15.2.2.2",
                    ));
                }
            }
        }
        Ok(a)
    }

    pub(crate) fn body_len(&self, v: ProtocolVersion) -> Result<usize, UsageError> {
        if !v.is_v5() {
            return Err(UsageError::NotInVersion { what: "AUTH" });
        }
        check_reason(self.reason, PacketType::Auth)?;
        self.properties.check(v)?;
        if !self.properties.is_empty() && self.properties.authentication_method().is_none() {
            return Err(UsageError::AuthDataWithoutMethod);
        }
        Ok(match (self.reason, self.properties.is_empty()) {
            (ReasonCode::Success, true) => 0,
            (_, true) => 1,
            (_, false) => 1 + self.properties.block_len(),
        })
    }

    pub(crate) fn write_body(&self, _v: ProtocolVersion, out: &mut Vec<u8>) {
        if self.reason == ReasonCode::Success && self.properties.is_empty() {
            return;
        }
        out.push(self.reason as u8);
        if !self.properties.is_empty() {
            self.properties.write_block(out);
        }
    }

    /// Copies borrowed data so the packet outlives its input.
    pub fn into_owned(self) -> Auth<'static> {
        Auth {
            reason: self.reason,
            properties: self.properties.into_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codec::{DecodeErrorKind, Packet};
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    const V5: ProtocolVersion = ProtocolVersion::V5;

    #[test]
    fn short_forms() {
        assert_eq!(
            Packet::decode_exact(&[0xf0, 0x00], V5),
            Ok(Packet::Auth(Auth::default()))
        );
        let Packet::Auth(a) = Packet::decode_exact(&[0xf0, 0x01, 0x18], V5).unwrap() else {
            panic!()
        };
        assert_eq!(a.reason, ReasonCode::ContinueAuthentication);
    }

    #[test]
    fn continue_with_method_and_data_round_trips() {
        let mut a = Auth {
            reason: ReasonCode::ContinueAuthentication,
            ..Default::default()
        };
        let props = a.properties.to_mut();
        props.authentication_method = Some("SCRAM-SHA-256".into());
        props.authentication_data = Some(Cow::Borrowed(b"r=abc,s=xyz,i=4096"));
        let mut out = Vec::new();
        Packet::Auth(a.clone()).encode(V5, &mut out).unwrap();
        assert_eq!(Packet::decode_exact(&out, V5), Ok(Packet::Auth(a)));
    }

    #[test]
    fn auth_does_not_exist_before_v5() {
        let err = Packet::decode_exact(&[0xf0, 0x00], ProtocolVersion::V3_1_1).unwrap_err();
        assert_eq!(err.kind, DecodeErrorKind::InvalidPacketType { value: 15 });
        assert!(matches!(
            Packet::Auth(Auth::default()).encode(ProtocolVersion::V3_1_1, &mut Vec::new()),
            Err(UsageError::NotInVersion { .. })
        ));
    }

    #[test]
    fn properties_without_a_method_are_a_protocol_error() {
        // Reason 0x18, properties: Authentication Data "x" only.
        let err = Packet::decode_exact(&[0xf0, 0x06, 0x18, 0x04, 0x16, 0x00, 0x01, b'x'], V5)
            .unwrap_err();
        assert_eq!(
            (err.offset, err.kind.clone(), err.rule),
            (
                3,
                DecodeErrorKind::MissingAuthenticationMethod,
                "3.15.2.2.2"
            )
        );
        let mut a = Auth {
            reason: ReasonCode::ContinueAuthentication,
            ..Default::default()
        };
        a.properties.to_mut().reason_string = Some("r".into());
        assert_eq!(
            Packet::Auth(a).encode(V5, &mut Vec::new()),
            Err(UsageError::AuthDataWithoutMethod)
        );
    }

    #[test]
    fn reason_must_be_an_auth_code() {
        let err = Packet::decode_exact(&[0xf0, 0x01, 0x87], V5).unwrap_err();
        assert_eq!((err.offset, err.rule), (2, "MQTT-3.15.2-1"));
    }
}
