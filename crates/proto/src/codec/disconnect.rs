//! DISCONNECT (3.14). MQTT 5 short forms: Remaining Length 0 means reason 0x00 (Normal
//! disconnection) and no properties; 1 means a reason code and no properties.

use std::borrow::Cow;

use super::error::{DecodeError, UsageError};
use super::properties::{property_set, read_props, Props, UserProperty};
use super::reader::{Reader, Trace};
use super::{check_reason, read_reason, PacketType, ProtocolVersion, ReasonCode};

property_set! {
    /// Properties of DISCONNECT (3.14.2.2).
    DisconnectProperties in "DISCONNECT" {
        one
        /// A new session expiry (client to server only).
        session_expiry_interval: u32 = SESSION_EXPIRY_INTERVAL via U32, "Session Expiry Interval", "3.14.2.2.2";
        one
        /// A human readable reason.
        reason_string: Cow<'a, str> = REASON_STRING via Utf8, "Reason String", "3.14.2.2.3";
        one
        /// Another server to use.
        server_reference: Cow<'a, str> = SERVER_REFERENCE via Utf8, "Server Reference", "3.14.2.2.5";
        many
        /// Name/value pairs, in order.
        user_properties: UserProperty<'a> = USER_PROPERTY via Pair, "User Property", "3.14.2.2.4";
    }
}

/// A DISCONNECT packet.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Disconnect<'a> {
    /// Why; always Normal disconnection in MQTT 3.
    pub reason: ReasonCode,
    /// MQTT 5 properties.
    pub properties: Props<'a, DisconnectProperties<'a>>,
}

impl<'a> Disconnect<'a> {
    /// A DISCONNECT with `reason` and no properties.
    pub fn new(reason: ReasonCode) -> Self {
        Disconnect {
            reason,
            properties: Props::none(),
        }
    }

    pub(crate) fn decode<T: Trace>(r: &mut Reader<'a, '_, T>) -> Result<Self, DecodeError> {
        let mut d = Disconnect::default();
        if r.version.is_v5() && !r.is_empty() {
            d.reason = read_reason(r, PacketType::Disconnect, "3.14.2.1", "MQTT-3.14.2-1")?;
            if !r.is_empty() {
                d.properties = read_props(r)?;
            }
        }
        Ok(d)
    }

    pub(crate) fn body_len(&self, v: ProtocolVersion) -> Result<usize, UsageError> {
        if !v.is_v5() {
            if self.reason != ReasonCode::Success || !self.properties.is_empty() {
                return Err(UsageError::NotInVersion {
                    what: "DISCONNECT reason codes and properties",
                });
            }
            return Ok(0);
        }
        check_reason(self.reason, PacketType::Disconnect)?;
        self.properties.check(v)?;
        Ok(match (self.reason, self.properties.is_empty()) {
            (ReasonCode::Success, true) => 0,
            (_, true) => 1,
            (_, false) => 1 + self.properties.block_len(),
        })
    }

    pub(crate) fn write_body(&self, v: ProtocolVersion, out: &mut Vec<u8>) {
        if !v.is_v5() || (self.reason == ReasonCode::Success && self.properties.is_empty()) {
            return;
        }
        out.push(self.reason as u8);
        if !self.properties.is_empty() {
            self.properties.write_block(out);
        }
    }

    /// Copies borrowed data so the packet outlives its input.
    pub fn into_owned(self) -> Disconnect<'static> {
        Disconnect {
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

    fn round_trip(bytes: &[u8]) -> Disconnect<'static> {
        let p = Packet::decode_exact(bytes, V5).unwrap();
        let mut out = Vec::new();
        p.encode(V5, &mut out).unwrap();
        assert_eq!(out, bytes);
        match p.into_owned() {
            Packet::Disconnect(d) => d,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn length_0_is_normal_disconnection() {
        assert_eq!(round_trip(&[0xe0, 0x00]), Disconnect::default());
        assert_eq!(
            Packet::decode_exact(&[0xe0, 0x00], ProtocolVersion::V3_1_1),
            Ok(Packet::Disconnect(Disconnect::default()))
        );
    }

    #[test]
    fn length_1_is_reason_only_as_mosquitto_sends_it() {
        // mosquitto's "session taken over": e0 01 8e.
        assert_eq!(
            round_trip(&[0xe0, 0x01, 0x8e]).reason,
            ReasonCode::SessionTakenOver
        );
    }

    #[test]
    fn long_form_with_properties() {
        let d = round_trip(&[0xe0, 0x08, 0x9c, 0x06, 0x1c, 0x00, 0x03, b'h', b':', b'1']);
        assert_eq!(
            (d.reason, d.properties.server_reference()),
            (ReasonCode::UseAnotherServer, Some("h:1"))
        );
    }

    #[test]
    fn codes_outside_table_2_6_and_v3_bodies_are_refused() {
        let err = Packet::decode_exact(&[0xe0, 0x01, 0x01], V5).unwrap_err();
        assert_eq!((err.offset, err.rule), (2, "MQTT-3.14.2-1"));
        let err = Packet::decode_exact(&[0xe0, 0x01, 0x00], ProtocolVersion::V3_1_1).unwrap_err();
        assert_eq!(err.kind, DecodeErrorKind::TrailingBytes { count: 1 });
    }
}
