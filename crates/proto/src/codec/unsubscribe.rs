//! UNSUBSCRIBE (3.10): topic filters to remove.

use std::borrow::Cow;

use super::error::{DecodeError, DecodeErrorKind, UsageError};
use super::properties::{property_set, read_props, Props, UserProperty};
use super::reader::{Meta, Reader, Trace};
use super::string::{check_outgoing, StrKind};
use super::{read_packet_id, PacketId, PacketType, ProtocolVersion};

property_set! {
    /// Properties of UNSUBSCRIBE (3.10.2.1).
    UnsubscribeProperties in "UNSUBSCRIBE" {
        many
        /// Name/value pairs, in order.
        user_properties: UserProperty<'a> = USER_PROPERTY via Pair, "User Property", "3.10.2.1.2";
    }
}

/// An UNSUBSCRIBE packet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unsubscribe<'a> {
    /// Its Packet Identifier.
    pub packet_id: PacketId,
    /// MQTT 5 properties.
    pub properties: Props<'a, UnsubscribeProperties<'a>>,
    /// At least one Topic Filter [MQTT-3.10.3-2].
    pub filters: Vec<Cow<'a, str>>,
}

const FILTER: Meta = Meta::new("filter", "Topic Filter", "3.10.3");

impl<'a> Unsubscribe<'a> {
    pub(crate) fn decode<T: Trace>(r: &mut Reader<'a, '_, T>) -> Result<Self, DecodeError> {
        let packet_id = read_packet_id(r, "3.10.2")?;
        let properties = if r.version.is_v5() {
            read_props(r)?
        } else {
            Props::none()
        };
        if r.is_empty() {
            return Err(r.err_at(
                r.pos(),
                DecodeErrorKind::EmptyPayload {
                    packet: PacketType::Unsubscribe,
                },
                "MQTT-3.10.3-2",
            ));
        }
        let mut filters = Vec::new();
        r.enter("filters");
        while !r.is_empty() {
            r.enter_index(filters.len());
            filters.push(r.str(&FILTER, StrKind::TopicFilter)?);
            r.leave();
        }
        r.leave();
        Ok(Unsubscribe {
            packet_id,
            properties,
            filters,
        })
    }

    pub(crate) fn body_len(&self, v: ProtocolVersion) -> Result<usize, UsageError> {
        if self.filters.is_empty() {
            return Err(UsageError::EmptyPayload {
                packet: PacketType::Unsubscribe,
            });
        }
        let mut n = 2;
        for f in &self.filters {
            check_outgoing(f, StrKind::TopicFilter, "topic filter", v)?;
            n += 2 + f.len();
        }
        if v.is_v5() {
            self.properties.check(v)?;
            n += self.properties.block_len();
        } else if !self.properties.is_empty() {
            return Err(UsageError::NotInVersion {
                what: "UNSUBSCRIBE properties",
            });
        }
        Ok(n)
    }

    pub(crate) fn write_body(&self, v: ProtocolVersion, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.packet_id.get().to_be_bytes());
        if v.is_v5() {
            self.properties.write_block(out);
        }
        for f in &self.filters {
            super::write_str(out, f);
        }
    }

    /// Copies borrowed data so the packet outlives its input.
    pub fn into_owned(self) -> Unsubscribe<'static> {
        Unsubscribe {
            packet_id: self.packet_id,
            properties: self.properties.into_owned(),
            filters: self
                .filters
                .into_iter()
                .map(|f| Cow::Owned(f.into_owned()))
                .collect(),
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
    fn round_trip_in_both_versions() {
        let v4 = [0xa2, 0x07, 0x00, 0x02, 0x00, 0x03, b'a', b'/', b'+'];
        let v5 = [0xa2, 0x08, 0x00, 0x02, 0x00, 0x00, 0x03, b'a', b'/', b'+'];
        for (bytes, v) in [
            (&v4[..], ProtocolVersion::V3_1_1),
            (&v5[..], ProtocolVersion::V5),
        ] {
            let p = Packet::decode_exact(bytes, v).unwrap();
            let Packet::Unsubscribe(u) = &p else { panic!() };
            assert_eq!(u.filters, ["a/+"]);
            let mut out = Vec::new();
            p.encode(v, &mut out).unwrap();
            assert_eq!(out, bytes);
        }
    }

    #[test]
    fn empty_unsubscribe_is_a_protocol_violation() {
        let err =
            Packet::decode_exact(&[0xa2, 0x02, 0x00, 0x02], ProtocolVersion::V3_1_1).unwrap_err();
        assert_eq!((err.offset, err.rule), (4, "MQTT-3.10.3-2"));
    }
}
