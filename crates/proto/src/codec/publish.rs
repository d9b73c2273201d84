//! PUBLISH (3.3): an application message.

use std::borrow::Cow;
use std::num::{NonZeroU16, NonZeroU32};

use super::error::{DecodeError, DecodeErrorKind, UsageError};
use super::properties::{id, property_set, quick_props, read_props_seen, Props, UserProperty};
use super::reader::{Meta, Reader, Trace};
use super::string::{check_outgoing, StrKind};
use super::{read_packet_id, PacketId, ProtocolVersion, QoS};
use crate::dissect::Value;

property_set! {
    /// Properties of PUBLISH (3.3.2.3).
    PublishProperties in "PUBLISH" {
        one
        /// True: the payload is UTF-8 character data (checked on decode).
        payload_format_indicator: bool = PAYLOAD_FORMAT_INDICATOR via Flag, "Payload Format Indicator", "3.3.2.3.2";
        one
        /// Lifetime of the message in seconds.
        message_expiry_interval: u32 = MESSAGE_EXPIRY_INTERVAL via U32, "Message Expiry Interval", "3.3.2.3.3";
        one
        /// Stands for the topic name; never 0 [MQTT-3.3.2-8].
        topic_alias: NonZeroU16 = TOPIC_ALIAS via U16Nz, "Topic Alias", "3.3.2.3.4";
        one
        /// Topic for a response; a Topic Name, so no wildcards [MQTT-3.3.2-14].
        response_topic: Cow<'a, str> = RESPONSE_TOPIC via TopicUtf8, "Response Topic", "3.3.2.3.5";
        one
        /// Opaque data to match a response to its request.
        correlation_data: Cow<'a, [u8]> = CORRELATION_DATA via Bin, "Correlation Data", "3.3.2.3.6";
        one
        /// MIME type of the payload.
        content_type: Cow<'a, str> = CONTENT_TYPE via Utf8, "Content Type", "3.3.2.3.9";
        many
        /// Name/value pairs, in order; names may repeat [MQTT-3.3.2-17] [MQTT-3.3.2-18].
        user_properties: UserProperty<'a> = USER_PROPERTY via Pair, "User Property", "3.3.2.3.7";
        many
        /// Identifiers of the subscriptions that matched (server to client; may repeat).
        subscription_identifiers: NonZeroU32 = SUBSCRIPTION_IDENTIFIER via VarIntNz, "Subscription Identifier", "3.3.2.3.8";
    }
}

/// QoS and, for QoS 1 and 2, the Packet Identifier: a QoS 0 PUBLISH has none, a QoS 1 or
/// 2 PUBLISH always has one, and it is never 0.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum QosPid {
    /// QoS 0.
    AtMostOnce,
    /// QoS 1 with its Packet Identifier.
    AtLeastOnce(PacketId),
    /// QoS 2 with its Packet Identifier.
    ExactlyOnce(PacketId),
}

impl QosPid {
    /// The QoS level.
    pub fn qos(self) -> QoS {
        match self {
            QosPid::AtMostOnce => QoS::AtMostOnce,
            QosPid::AtLeastOnce(_) => QoS::AtLeastOnce,
            QosPid::ExactlyOnce(_) => QoS::ExactlyOnce,
        }
    }

    /// The Packet Identifier, for QoS 1 and 2.
    pub fn packet_id(self) -> Option<PacketId> {
        match self {
            QosPid::AtMostOnce => None,
            QosPid::AtLeastOnce(id) | QosPid::ExactlyOnce(id) => Some(id),
        }
    }
}

/// A PUBLISH packet. `topic` and `payload` borrow from the decoded buffer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Publish<'a> {
    /// Set only on re-delivery [MQTT-3.3.1-1]; never with QoS 0 [MQTT-3.3.1-2].
    pub dup: bool,
    /// QoS and Packet Identifier.
    pub qos_pid: QosPid,
    /// Retain the message for future subscribers.
    pub retain: bool,
    /// The Topic Name; empty only in MQTT 5 with a Topic Alias.
    pub topic: Cow<'a, str>,
    /// MQTT 5 properties; empty in MQTT 3.
    pub properties: Props<'a, PublishProperties<'a>>,
    /// The application message.
    pub payload: Cow<'a, [u8]>,
}

const TOPIC: Meta = Meta::new("topic", "Topic Name", "3.3.2.1");
const PAYLOAD: Meta = Meta::new("payload", "Payload", "3.3.3");

impl<'a> Publish<'a> {
    /// A QoS 0, non-retained message.
    pub fn new(topic: impl Into<Cow<'a, str>>, payload: impl Into<Cow<'a, [u8]>>) -> Self {
        Publish {
            dup: false,
            qos_pid: QosPid::AtMostOnce,
            retain: false,
            topic: topic.into(),
            properties: Props::none(),
            payload: payload.into(),
        }
    }

    #[inline(always)]
    pub(crate) fn decode<T: Trace>(
        r: &mut Reader<'a, '_, T>,
        flags: u8,
    ) -> Result<Self, DecodeError> {
        let v5 = r.version.is_v5();
        let topic_start = r.pos();
        let topic = r.str(
            &TOPIC,
            if v5 {
                StrKind::TopicNameOrEmpty
            } else {
                StrKind::TopicName
            },
        )?;
        let qos_pid = match (flags >> 1) & 0b11 {
            0 => QosPid::AtMostOnce,
            1 => QosPid::AtLeastOnce(read_packet_id(r, "3.3.2.2")?),
            // The header check has already refused QoS 3.
            _ => QosPid::ExactlyOnce(read_packet_id(r, "3.3.2.2")?),
        };
        let (properties, seen): (Props<'a, PublishProperties<'a>>, u64) = if v5 {
            read_props_seen(r)?
        } else {
            (Props::none(), 0)
        };
        if topic.is_empty() && seen & (1 << id::TOPIC_ALIAS) == 0 {
            return Err(r.err_at(
                topic_start,
                DecodeErrorKind::EmptyTopicWithoutAlias,
                "3.3.2.3.4",
            ));
        }
        // The block is walked again only when it holds a Payload Format Indicator.
        let utf8 = seen & (1 << id::PAYLOAD_FORMAT_INDICATOR) != 0
            && properties.payload_format_indicator() == Some(true);
        let payload = read_payload(r, utf8)?;
        Ok(Publish {
            dup: flags & 0b1000 != 0,
            qos_pid,
            retain: flags & 1 != 0,
            topic,
            properties,
            payload,
        })
    }

    /// The size of this PUBLISH encoded in `v`, fixed header included, without encoding
    /// it. Fails as encoding would.
    pub fn encoded_len(&self, v: ProtocolVersion) -> Result<usize, UsageError> {
        let body = super::check_remaining_length(self.body_len(v)?)?;
        Ok(1 + super::varint::len(body as u32) + body)
    }

    /// The four flag bits of the fixed header.
    pub(crate) fn flags(&self) -> u8 {
        (u8::from(self.dup) << 3) | ((self.qos_pid.qos() as u8) << 1) | u8::from(self.retain)
    }

    pub(crate) fn body_len(&self, v: ProtocolVersion) -> Result<usize, UsageError> {
        if self.dup && self.qos_pid == QosPid::AtMostOnce {
            return Err(UsageError::DupWithQos0);
        }
        let kind = if v.is_v5() && self.properties.topic_alias().is_some() {
            StrKind::TopicNameOrEmpty
        } else {
            StrKind::TopicName
        };
        check_outgoing(&self.topic, kind, "topic", v)?;
        // The payload is not length-prefixed: it runs to the end of the packet (3.3.3), so
        // only the Remaining Length limit (checked by `encoded_len`) bounds it.
        let id = if self.qos_pid == QosPid::AtMostOnce {
            0
        } else {
            2
        };
        let props = if v.is_v5() {
            self.properties.check(v)?;
            self.properties.block_len()
        } else if self.properties.is_empty() {
            0
        } else {
            return Err(UsageError::NotInVersion {
                what: "PUBLISH properties",
            });
        };
        Ok(2 + self.topic.len() + id + props + self.payload.len())
    }

    pub(crate) fn write_body(&self, v: ProtocolVersion, out: &mut Vec<u8>) {
        super::write_str(out, &self.topic);
        if let Some(id) = self.qos_pid.packet_id() {
            out.extend_from_slice(&id.get().to_be_bytes());
        }
        if v.is_v5() {
            self.properties.write_block(out);
        }
        out.extend_from_slice(&self.payload);
    }

    /// Copies borrowed data so the packet outlives its input.
    pub fn into_owned(self) -> Publish<'static> {
        Publish {
            dup: self.dup,
            qos_pid: self.qos_pid,
            retain: self.retain,
            topic: Cow::Owned(self.topic.into_owned()),
            properties: self.properties.into_owned(),
            payload: Cow::Owned(self.payload.into_owned()),
        }
    }
}

/// A PUBLISH read in one pass, properties and all: the bulk of a message stream. It only
/// ever accepts: anything else, every error included, returns `None` and goes through
/// [`Publish::decode`], which reports it. A property test holds the two to the same
/// packet on any input.
#[inline(always)]
pub(crate) fn decode_plain(
    packet: &[u8],
    header_len: usize,
    flags: u8,
    v: ProtocolVersion,
) -> Option<Publish<'_>> {
    let body = packet.get(header_len..)?;
    let topic_len = usize::from(u16::from_be_bytes(*body.first_chunk::<2>()?));
    let topic_raw = body.get(2..2 + topic_len)?;
    let mut pos = 2 + topic_len;
    let qos_pid = match (flags >> 1) & 0b11 {
        0 => QosPid::AtMostOnce,
        qos => {
            let id = PacketId::new(u16::from_be_bytes([*body.get(pos)?, *body.get(pos + 1)?]))?;
            pos += 2;
            if qos == 1 {
                QosPid::AtLeastOnce(id)
            } else {
                QosPid::ExactlyOnce(id)
            }
        }
    };
    let head = Head {
        flags,
        qos_pid,
        topic_raw,
    };
    if !v.is_v5() {
        // Two copies of what follows, so that MQTT 3 pays nothing for properties.
        let payload = body.get(pos..)?;
        return head.finish(Props::none(), 0, payload, StrKind::TopicName, v);
    }
    let (properties, seen, used) = quick_props::<PublishProperties>(body.get(pos..)?)?;
    let payload = body.get(pos + used..)?;
    head.finish(properties, seen, payload, StrKind::TopicNameOrEmpty, v)
}

/// What [`decode_plain`] reads before the properties.
struct Head<'a> {
    flags: u8,
    qos_pid: QosPid,
    topic_raw: &'a [u8],
}

impl<'a> Head<'a> {
    /// Checks the topic (as `kind`) and the payload against the properties (whose
    /// identifiers are `seen`) and builds the packet.
    #[inline(always)]
    fn finish(
        self,
        properties: Props<'a, PublishProperties<'a>>,
        seen: u64,
        payload: &'a [u8],
        kind: StrKind,
        v: ProtocolVersion,
    ) -> Option<Publish<'a>> {
        let topic = super::string::validate_str(self.topic_raw, kind, v).ok()?;
        // An empty Topic Name needs a Topic Alias (3.3.2.3.4).
        if topic.is_empty() && seen & (1 << id::TOPIC_ALIAS) == 0 {
            return None;
        }
        let utf8 = seen & (1 << id::PAYLOAD_FORMAT_INDICATOR) != 0
            && properties.payload_format_indicator() == Some(true);
        if utf8 && std::str::from_utf8(payload).is_err() {
            return None;
        }
        Some(Publish {
            dup: self.flags & 0b1000 != 0,
            qos_pid: self.qos_pid,
            retain: self.flags & 1 != 0,
            topic: Cow::Borrowed(topic),
            properties,
            payload: Cow::Borrowed(payload),
        })
    }
}

/// Reads the payload (the rest of the packet); with Payload Format Indicator 1 it must be
/// well-formed UTF-8 (3.3.2.3.2), else 0x99 Payload format invalid.
fn read_payload<'a, T: Trace>(
    r: &mut Reader<'a, '_, T>,
    utf8: bool,
) -> Result<Cow<'a, [u8]>, DecodeError> {
    let start = r.pos();
    let payload = r.take_rest();
    if utf8 {
        if let Err(e) = std::str::from_utf8(payload) {
            return Err(r.err_at(
                start + e.valid_up_to(),
                DecodeErrorKind::PayloadNotUtf8,
                "3.3.2.3.2",
            ));
        }
    }
    if !payload.is_empty() {
        r.note(start, &PAYLOAD, || Value::Bytes(payload.to_vec()));
    }
    Ok(Cow::Borrowed(payload))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codec::{Packet, ReasonCode};
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    const V5: ProtocolVersion = ProtocolVersion::V5;
    const V4: ProtocolVersion = ProtocolVersion::V3_1_1;

    fn publish(bytes: &[u8], v: ProtocolVersion) -> Publish<'_> {
        match Packet::decode_exact(bytes, v) {
            Ok(Packet::Publish(p)) => p,
            other => panic!("{other:?}"),
        }
    }

    fn enc(p: Publish<'_>, v: ProtocolVersion) -> Vec<u8> {
        let mut out = Vec::new();
        Packet::Publish(p).encode(v, &mut out).unwrap();
        out
    }

    #[test]
    fn qos0_has_no_packet_id() {
        let bytes = [0x31, 0x05, 0x00, 0x01, b't', 0xaa, 0xbb];
        let p = publish(&bytes, V4);
        assert_eq!(
            (p.qos_pid, p.retain, &*p.topic, &*p.payload),
            (QosPid::AtMostOnce, true, "t", &[0xaa, 0xbb][..])
        );
        assert_eq!(enc(p, V4), bytes);
    }

    #[test]
    fn qos1_and_qos2_carry_a_non_zero_id() {
        let bytes = [0x3c, 0x06, 0x00, 0x01, b't', 0x00, 0x09, b'x'];
        let p = publish(&bytes, V4);
        assert_eq!(
            (p.dup, p.qos_pid),
            (true, QosPid::ExactlyOnce(PacketId::new(9).unwrap()))
        );
        assert_eq!(enc(p, V4), bytes);
        let err =
            Packet::decode_exact(&[0x32, 0x05, 0x00, 0x01, b't', 0x00, 0x00], V5).unwrap_err();
        assert_eq!(
            (err.offset, err.kind.clone(), err.rule),
            (5, DecodeErrorKind::ZeroPacketId, "MQTT-2.2.1-3")
        );
    }

    /// [MQTT-3.3.2-2] [MQTT-4.7.0-1]
    /// 3.1.1: [MQTT-3.3.2-2] [MQTT-4.7.1-1]
    #[test]
    fn wildcard_in_topic_name_is_refused_both_ways() {
        let err =
            Packet::decode_exact(&[0x30, 0x05, 0x00, 0x03, b'a', b'/', b'+'], V4).unwrap_err();
        assert_eq!((err.offset, err.rule), (6, "MQTT-3.3.2-2"));
        let err = Packet::decode_exact(&[0x30, 0x06, 0x00, 0x03, b'a', b'/', b'#', 0x00], V5)
            .unwrap_err();
        assert_eq!((err.offset, err.rule), (6, "MQTT-3.3.2-2"));
        for v in [V4, V5] {
            for topic in ["a/#", "+", "a+b"] {
                let err = Packet::Publish(Publish::new(topic, &b""[..]))
                    .encode(v, &mut Vec::new())
                    .unwrap_err();
                assert_eq!(err, UsageError::WildcardInTopicName, "{topic} {v}");
            }
        }
    }

    /// The Topic Name is the first field, a length-prefixed UTF-8 string: ill-formed
    /// UTF-8 there is malformed in both versions.
    /// [MQTT-3.3.2-1]
    /// 3.1.1: [MQTT-3.3.2-1]
    #[test]
    fn the_topic_name_comes_first_and_is_utf8() {
        let p = publish(&[0x30, 0x05, 0x00, 0x02, b'a', b'b', b'p'], V4);
        assert_eq!((&*p.topic, &*p.payload), ("ab", &b"p"[..]));
        let err =
            Packet::decode_exact(&[0x30, 0x05, 0x00, 0x02, b'a', 0xff, b'p'], V4).unwrap_err();
        assert_eq!(
            (err.offset, err.kind.clone(), err.rule),
            (5, DecodeErrorKind::InvalidUtf8, "MQTT-1.5.3-1")
        );
        let err = Packet::decode_exact(&[0x30, 0x06, 0x00, 0x02, 0xc3, b'a', 0x00, b'p'], V5)
            .unwrap_err();
        assert_eq!(
            (err.offset, err.kind.clone(), err.rule),
            (4, DecodeErrorKind::InvalidUtf8, "MQTT-1.5.4-1")
        );
    }

    /// [MQTT-4.7.3-1]
    /// 3.1.1: [MQTT-4.7.3-1]
    #[test]
    fn empty_topic_needs_an_alias_in_v5_and_is_invalid_in_v3() {
        // v5, empty topic, properties: Topic Alias 1.
        let bytes = [0x30, 0x07, 0x00, 0x00, 0x03, 0x23, 0x00, 0x01, b'p'];
        let p = publish(&bytes, V5);
        assert_eq!(
            (&*p.topic, p.properties.topic_alias()),
            ("", NonZeroU16::new(1))
        );
        assert_eq!(enc(p, V5), bytes);
        let err = Packet::decode_exact(&[0x30, 0x04, 0x00, 0x00, 0x00, b'p'], V5).unwrap_err();
        assert_eq!(
            (err.offset, err.kind.clone()),
            (2, DecodeErrorKind::EmptyTopicWithoutAlias)
        );
        assert_eq!(err.reason_code(), ReasonCode::ProtocolError);
        let err = Packet::decode_exact(&[0x30, 0x03, 0x00, 0x00, b'p'], V4).unwrap_err();
        assert_eq!(
            (err.kind.clone(), err.rule),
            (DecodeErrorKind::EmptyTopic, "MQTT-4.7.3-1")
        );
    }

    #[test]
    fn topic_alias_zero_is_a_protocol_error() {
        let err = Packet::decode_exact(
            &[0x30, 0x08, 0x00, 0x01, b't', 0x03, 0x23, 0x00, 0x00, b'p'],
            V5,
        )
        .unwrap_err();
        assert_eq!((err.offset, err.rule), (7, "MQTT-3.3.2-8"));
    }

    #[test]
    fn user_properties_keep_order_and_repeat() {
        // Two "k" pairs, then "a": order kept [MQTT-3.3.2-17] [MQTT-3.3.2-18].
        let mut bytes = vec![0x30, 0x00, 0x00, 0x01, b't', 0x15];
        for (k, v) in [("k", "1"), ("k", "2"), ("a", "3")] {
            bytes.extend_from_slice(&[
                0x26,
                0x00,
                0x01,
                k.as_bytes()[0],
                0x00,
                0x01,
                v.as_bytes()[0],
            ]);
        }
        bytes[1] = (bytes.len() - 2) as u8;
        let p = publish(&bytes, V5);
        let pairs: Vec<_> = p.properties.user_properties().collect();
        assert_eq!(pairs, [("k", "1"), ("k", "2"), ("a", "3")]);
        assert_eq!(enc(p, V5), bytes);
    }

    #[test]
    fn single_use_property_twice_is_a_protocol_error() {
        // Message Expiry Interval twice.
        let bytes = [
            0x30, 0x0f, 0x00, 0x01, b't', 0x0a, 0x02, 0, 0, 0, 1, 0x02, 0, 0, 0, 2, b'p',
        ];
        let err = Packet::decode_exact(&bytes, V5).unwrap_err();
        assert_eq!(
            (err.offset, err.kind.clone()),
            (11, DecodeErrorKind::DuplicateProperty { id: 0x02 })
        );
        assert_eq!(err.reason_code(), ReasonCode::ProtocolError);
    }

    #[test]
    fn subscription_identifier_repeats_but_is_never_zero() {
        let bytes = [0x30, 0x08, 0x00, 0x01, b't', 0x04, 0x0b, 0x01, 0x0b, 0x02];
        let p = publish(&bytes, V5);
        assert_eq!(
            p.properties.subscription_identifiers().collect::<Vec<_>>(),
            [NonZeroU32::new(1).unwrap(), NonZeroU32::new(2).unwrap()]
        );
        let err = Packet::decode_exact(&[0x30, 0x06, 0x00, 0x01, b't', 0x02, 0x0b, 0x00], V5)
            .unwrap_err();
        assert_eq!(
            (err.offset, err.kind.clone()),
            (
                7,
                DecodeErrorKind::InvalidPropertyValue { id: 0x0b, value: 0 }
            )
        );
    }

    #[test]
    fn payload_format_indicator_1_requires_utf8() {
        let ok = [0x30, 0x08, 0x00, 0x01, b't', 0x02, 0x01, 0x01, 0xc3, 0xa9];
        assert_eq!(&*publish(&ok, V5).payload, "é".as_bytes());
        let bad = [0x30, 0x08, 0x00, 0x01, b't', 0x02, 0x01, 0x01, b'a', 0xff];
        let err = Packet::decode_exact(&bad, V5).unwrap_err();
        assert_eq!(
            (err.offset, err.reason_code()),
            (9, ReasonCode::PayloadFormatInvalid)
        );
        // Indicator 0: any bytes; indicator 2: a protocol error.
        let any = [0x30, 0x07, 0x00, 0x01, b't', 0x02, 0x01, 0x00, 0xff];
        assert_eq!(&*publish(&any, V5).payload, [0xff]);
        let two = [0x30, 0x07, 0x00, 0x01, b't', 0x02, 0x01, 0x02, 0xff];
        assert_eq!(
            Packet::decode_exact(&two, V5).unwrap_err().kind,
            DecodeErrorKind::InvalidPropertyValue { id: 1, value: 2 }
        );
    }

    /// [MQTT-3.3.2-13] [MQTT-3.3.2-14]
    #[test]
    fn response_topic_may_not_hold_wildcards() {
        let bytes = [
            0x30, 0x0a, 0x00, 0x01, b't', 0x05, 0x08, 0x00, 0x02, b'r', b'#', b'p',
        ];
        assert_eq!(
            Packet::decode_exact(&bytes, V5).unwrap_err().rule,
            "MQTT-3.3.2-14"
        );
        let mut p = Publish::new("t", &b""[..]);
        p.properties.to_mut().response_topic = Some("r/+".into());
        assert_eq!(
            Packet::Publish(p).encode(V5, &mut Vec::new()),
            Err(UsageError::WildcardInTopicName)
        );
        // A UTF-8 string: U+0000 and ill-formed bytes are malformed.
        for (bad, kind) in [
            (0x00, DecodeErrorKind::NullCharacter),
            (0xff, DecodeErrorKind::InvalidUtf8),
        ] {
            let bytes = [
                0x30, 0x0a, 0x00, 0x01, b't', 0x05, 0x08, 0x00, 0x02, b'r', bad, b'p',
            ];
            let err = Packet::decode_exact(&bytes, V5).unwrap_err();
            assert_eq!((err.offset, err.kind.clone()), (10, kind));
        }
    }

    /// Content Type is a UTF-8 string: kept as sent, and U+0000 or ill-formed bytes in it
    /// are malformed.
    /// [MQTT-3.3.2-19]
    #[test]
    fn content_type_is_a_utf8_string() {
        let ok = [
            0x30, 0x09, 0x00, 0x01, b't', 0x04, 0x03, 0x00, 0x01, b'j', b'p',
        ];
        assert_eq!(publish(&ok, V5).properties.content_type(), Some("j"));
        for (bad, kind) in [
            (0x00, DecodeErrorKind::NullCharacter),
            (0x80, DecodeErrorKind::InvalidUtf8),
        ] {
            let bytes = [
                0x30, 0x09, 0x00, 0x01, b't', 0x04, 0x03, 0x00, 0x01, bad, b'p',
            ];
            let err = Packet::decode_exact(&bytes, V5).unwrap_err();
            assert_eq!((err.offset, err.kind.clone()), (9, kind));
        }
    }

    /// [MQTT-3.3.1-2]
    /// 3.1.1: [MQTT-3.3.1-2]
    #[test]
    fn dup_with_qos0_is_refused_on_encode() {
        let p = Publish {
            dup: true,
            ..Publish::new("t", &b""[..])
        };
        assert_eq!(
            Packet::Publish(p).encode(V4, &mut Vec::new()),
            Err(UsageError::DupWithQos0)
        );
    }

    #[test]
    fn properties_cannot_be_sent_in_v3() {
        let mut p = Publish::new("t", &b""[..]);
        p.properties.to_mut().content_type = Some("text/plain".into());
        assert!(matches!(
            Packet::Publish(p).encode(V4, &mut Vec::new()),
            Err(UsageError::NotInVersion { .. })
        ));
    }

    #[test]
    fn payload_is_borrowed_not_copied() {
        let bytes = [0x30, 0x05, 0x00, 0x01, b't', 0xaa, 0xbb];
        let p = publish(&bytes, V4);
        assert!(matches!(p.payload, Cow::Borrowed(_)));
        assert!(std::ptr::eq(p.payload.as_ptr(), bytes[5..].as_ptr()));
    }

    #[test]
    fn a_payload_runs_to_the_end_of_the_packet_not_to_64_kib() {
        // 5 MiB: far past a two-byte length, well inside the Remaining Length limit.
        let payload: Vec<u8> = (0..5 << 20).map(|i| (i % 253) as u8).collect();
        for v in [V4, V5] {
            let mut p = Publish::new("big/file", &payload[..]);
            p.qos_pid = QosPid::AtLeastOnce(PacketId::MIN);
            let bytes = enc(p.clone(), v);
            assert_eq!(Packet::Publish(p).encoded_len(v), Ok(bytes.len()));
            assert_eq!(&publish(&bytes, v).payload[..], &payload[..]);
        }
    }

    #[test]
    fn a_payload_past_the_remaining_length_limit_is_refused_before_encoding() {
        let payload = vec![0u8; crate::codec::MAX_REMAINING_LENGTH as usize];
        let p = Packet::Publish(Publish::new("t", &payload[..]));
        assert!(matches!(
            p.encoded_len(V4),
            Err(UsageError::PacketTooLarge { .. })
        ));
    }
}
