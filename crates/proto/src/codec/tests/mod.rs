//! Tests across packet types: SPEC-TRAPS byte vectors that span modules, and property
//! tests over arbitrary valid packets of every type in both versions.

#[cfg(not(target_arch = "wasm32"))]
mod properties;
mod senders;
#[cfg(not(target_arch = "wasm32"))]
pub(crate) use properties::config as properties_config;
#[cfg(not(target_arch = "wasm32"))]
pub(crate) mod strategies;

use super::*;
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

const V5: ProtocolVersion = ProtocolVersion::V5;
const V4: ProtocolVersion = ProtocolVersion::V3_1_1;

#[cfg(not(target_arch = "wasm32"))]
/// A trace that records nothing but says it is on, so decoding with it takes the full
/// path (the one the dissector watches) and never the one-pass readers.
pub(crate) struct FullPath;

#[cfg(not(target_arch = "wasm32"))]
impl reader::Trace for FullPath {
    const ON: bool = true;
    fn push(&mut self, _: reader::Seg) {}
    fn pop(&mut self) {}
    fn field(
        &mut self,
        _: usize,
        _: usize,
        _: Option<u8>,
        _: &reader::Meta,
        _: Option<String>,
        _: crate::dissect::Value,
    ) {
    }
}

fn err(bytes: &[u8], v: ProtocolVersion) -> DecodeError {
    Packet::decode_exact(bytes, v).unwrap_err()
}

/// SPEC-TRAPS 1: U+0000 and encoded surrogates in strings, in both versions: in topic
/// names and filters, client ids, and either half of a user property.
/// [MQTT-1.5.4-1] [MQTT-1.5.4-2] [MQTT-1.5.7-1] [MQTT-4.7.3-2]
/// 3.1.1: [MQTT-1.5.3-1] [MQTT-1.5.3-2] [MQTT-4.7.3-2]
#[test]
fn trap_1_nul_and_surrogates_in_topics_and_client_ids() {
    let nul_topic = [0x30, 0x05, 0x00, 0x03, b'a', 0x00, b'b'];
    assert_eq!(
        (err(&nul_topic, V4).offset, err(&nul_topic, V4).rule),
        (5, "MQTT-1.5.3-2")
    );
    let nul_topic_v5 = [0x30, 0x06, 0x00, 0x03, b'a', 0x00, b'b', 0x00];
    assert_eq!(
        (err(&nul_topic_v5, V5).offset, err(&nul_topic_v5, V5).rule),
        (5, "MQTT-1.5.4-2")
    );
    // Client identifier "\xed\xa0\x80" (U+D800 encoded).
    let surrogate_id = [
        0x10, 0x0f, 0, 4, b'M', b'Q', b'T', b'T', 4, 2, 0, 60, 0, 3, 0xed, 0xa0, 0x80,
    ];
    let e = err(&surrogate_id, V4);
    assert_eq!(
        (e.offset, e.kind.clone(), e.rule),
        (14, DecodeErrorKind::InvalidUtf8, "MQTT-1.5.3-1")
    );
    // A user property name with U+0000 (MQTT 5 only has properties).
    let nul_prop = [
        0x30, 0x0b, 0x00, 0x01, b't', 0x07, 0x26, 0x00, 0x01, 0x00, 0x00, 0x01, b'v',
    ];
    assert_eq!(
        (err(&nul_prop, V5).offset, err(&nul_prop, V5).rule),
        (9, "MQTT-1.5.4-2")
    );
    // The value half: "k" = "\0", then "k" = U+D800 encoded.
    let nul_value = [
        0x30, 0x0b, 0x00, 0x01, b't', 0x07, 0x26, 0x00, 0x01, b'k', 0x00, 0x01, 0x00,
    ];
    assert_eq!(
        (err(&nul_value, V5).offset, err(&nul_value, V5).rule),
        (12, "MQTT-1.5.4-2")
    );
    let surrogate_value = [
        0x30, 0x0d, 0x00, 0x01, b't', 0x09, 0x26, 0x00, 0x01, b'k', 0x00, 0x03, 0xed, 0xa0, 0x80,
    ];
    let e = err(&surrogate_value, V5);
    assert_eq!(
        (e.offset, e.kind.clone(), e.rule),
        (12, DecodeErrorKind::InvalidUtf8, "MQTT-1.5.4-1")
    );
    // A topic filter "a\0" in SUBSCRIBE, in both versions.
    let nul_filter_v4 = [0x82, 0x07, 0x00, 0x01, 0x00, 0x02, b'a', 0x00, 0x00];
    assert_eq!(
        (err(&nul_filter_v4, V4).offset, err(&nul_filter_v4, V4).rule),
        (7, "MQTT-1.5.3-2")
    );
    let nul_filter_v5 = [0x82, 0x08, 0x00, 0x01, 0x00, 0x00, 0x02, b'a', 0x00, 0x00];
    assert_eq!(
        (err(&nul_filter_v5, V5).offset, err(&nul_filter_v5, V5).rule),
        (8, "MQTT-1.5.4-2")
    );
}

/// SPEC-TRAPS 1: a BOM is kept as it is, in both versions.
/// [MQTT-1.5.4-3]
/// 3.1.1: [MQTT-1.5.3-3]
#[test]
fn trap_1_bom_is_kept() {
    let bytes = [0x30, 0x06, 0x00, 0x04, 0xef, 0xbb, 0xbf, b'a'];
    let Packet::Publish(p) = Packet::decode_exact(&bytes, V4).unwrap() else {
        panic!()
    };
    assert_eq!(&*p.topic, "\u{feff}a");
    let bytes = [0x30, 0x07, 0x00, 0x04, 0xef, 0xbb, 0xbf, b'a', 0x00];
    let Packet::Publish(p) = Packet::decode_exact(&bytes, V5).unwrap() else {
        panic!()
    };
    assert_eq!(&*p.topic, "\u{feff}a");
}

/// SPEC-TRAPS 2: Remaining Length and property lengths in their shortest form in MQTT 5.
#[test]
fn trap_2_non_minimal_variable_byte_integers() {
    // PINGREQ with Remaining Length 0 written as 80 00.
    assert_eq!(
        (
            err(&[0xc0, 0x80, 0x00], V5).offset,
            err(&[0xc0, 0x80, 0x00], V5).rule
        ),
        (2, "MQTT-1.5.5-1")
    );
    assert_eq!(
        Packet::decode_exact(&[0xc0, 0x80, 0x00], V4),
        Ok(Packet::PingReq)
    );
    // A PUBACK whose Property Length is 80 00.
    let e = err(&[0x40, 0x05, 0x00, 0x01, 0x00, 0x80, 0x00], V5);
    assert_eq!(
        (e.offset, e.kind.clone()),
        (6, DecodeErrorKind::VarIntNotMinimal)
    );
    // Five bytes.
    let e = err(&[0x30, 0xff, 0xff, 0xff, 0xff, 0x01], V4);
    assert_eq!(
        (e.offset, e.kind.clone()),
        (4, DecodeErrorKind::VarIntTooLong)
    );
}

/// SPEC-TRAPS 16: the maximum size counts the whole packet, fixed header included.
#[test]
fn trap_16_maximum_packet_size_counts_the_fixed_header() {
    let publish = [0x30, 0x05, 0x00, 0x01, b't', b'a', b'b'];
    let mut exact = Framer::new(V4, 7);
    assert!(exact.feed(&publish).next_frame().unwrap().is_some());
    let mut short = Framer::new(V4, 6);
    let e = short.feed(&publish).next_frame().unwrap_err();
    assert_eq!(e.kind, DecodeErrorKind::PacketTooLarge { size: 7, max: 6 });
    assert_eq!(e.reason_code(), ReasonCode::PacketTooLarge);
}

/// A length prefix that runs past the packet names the byte where the packet ends.
#[test]
fn strings_longer_than_their_packet_are_malformed() {
    let e = err(&[0x30, 0x04, 0x00, 0x09, b'a', b'b'], V4);
    assert_eq!(e.offset, 6);
    assert!(matches!(
        e.kind,
        DecodeErrorKind::UnexpectedEnd {
            wanted: 9,
            available: 2,
            ..
        }
    ));
    // A property block longer than the packet.
    let e = err(&[0x40, 0x04, 0x00, 0x01, 0x00, 0x05], V5);
    assert!(matches!(
        e.kind,
        DecodeErrorKind::LengthExceedsPacket {
            len: 5,
            available: 0
        }
    ));
}

/// Unknown property identifiers are malformed.
#[test]
fn unknown_property_identifier() {
    let e = err(&[0x40, 0x06, 0x00, 0x01, 0x00, 0x02, 0x7f, 0x00], V5);
    assert_eq!(
        (e.offset, e.kind.clone(), e.reason_code()),
        (
            6,
            DecodeErrorKind::UnknownProperty { id: 0x7f },
            ReasonCode::MalformedPacket
        )
    );
}

/// The decode error names the byte, the rule and the reason code an MQTT 5 peer sends.
#[test]
fn errors_read_well() {
    let e = err(&[0x36, 0x00], V5);
    assert_eq!(
        e.to_string(),
        "byte 0: QoS 3 is not a QoS level; expected 0, 1 or 2 [MQTT-3.3.1-4]"
    );
    assert_eq!(e.reason_code(), ReasonCode::MalformedPacket);
    assert_eq!(
        err(&[0xe0, 0x01, 0x01], V5).rule_display(),
        "[MQTT-3.14.2-1]"
    );
}

/// A string of 65,535 bytes is the longest there is; one more is refused on encode.
/// Topic names and filters included, in both versions.
/// [MQTT-4.7.3-3]
/// 3.1.1: [MQTT-4.7.3-3]
#[test]
fn longest_string_encodes_and_one_more_is_refused() {
    let topic = "t".repeat(65_535);
    let p = Packet::Publish(Publish::new(topic.as_str(), &b""[..]));
    let mut out = Vec::new();
    assert_eq!(p.encode(V4, &mut out), Ok(65_535 + 2 + 4));
    assert_eq!(Packet::decode_exact(&out, V4), Ok(p));
    let long = Packet::Publish(Publish::new(format!("{topic}t"), &b""[..]));
    assert_eq!(
        long.encode(V4, &mut out),
        Err(UsageError::StringTooLong {
            field: "topic",
            len: 65_536
        })
    );
    assert_eq!(
        long.encoded_len(V4),
        Err(UsageError::StringTooLong {
            field: "topic",
            len: 65_536
        })
    );
    assert!(matches!(
        long.encode(V5, &mut Vec::new()),
        Err(UsageError::StringTooLong { len: 65_536, .. })
    ));
    for v in [V4, V5] {
        let filter = |f: String| {
            Packet::Subscribe(Subscribe {
                packet_id: PacketId::MIN,
                properties: Default::default(),
                subscriptions: vec![Subscription::new(f, QoS::AtMostOnce)],
            })
        };
        assert!(filter(topic.clone()).encode(v, &mut Vec::new()).is_ok());
        assert!(matches!(
            filter(format!("{topic}t")).encode(v, &mut Vec::new()),
            Err(UsageError::StringTooLong { len: 65_536, .. })
        ));
    }
}

/// Decoded packets move through the framer and into callers by value: they must stay
/// small (properties are a slice of the input or one pointer, CONNECT is boxed).
#[test]
fn packets_stay_small() {
    assert!(
        std::mem::size_of::<Publish<'_>>() <= 72,
        "Publish is {} bytes",
        std::mem::size_of::<Publish<'_>>()
    );
    assert!(
        std::mem::size_of::<Packet<'_>>() <= 80,
        "Packet is {} bytes",
        std::mem::size_of::<Packet<'_>>()
    );
}
