//! What a sender may put on the wire, whoever the sender is: each packet's reason codes
//! as the specification lists them, packet identifiers, and the property length that an
//! empty property block still needs.

use super::*;
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

/// PUBACK and PUBREC codes (3.4.2.1, 3.5.2.1).
const PUBACK: &[u8] = &[0x00, 0x10, 0x80, 0x83, 0x87, 0x90, 0x91, 0x97, 0x99];
/// PUBREL and PUBCOMP codes (3.6.2.1, 3.7.2.1).
const PUBREL: &[u8] = &[0x00, 0x92];
/// DISCONNECT codes (3.14.2.1).
const DISCONNECT: &[u8] = &[
    0x00, 0x04, 0x80, 0x81, 0x82, 0x83, 0x87, 0x89, 0x8b, 0x8d, 0x8e, 0x8f, 0x90, 0x93, 0x94, 0x95,
    0x96, 0x97, 0x98, 0x99, 0x9a, 0x9b, 0x9c, 0x9d, 0x9e, 0x9f, 0xa0, 0xa1, 0xa2,
];
/// AUTH codes (3.15.2.1).
const AUTH: &[u8] = &[0x00, 0x18, 0x19];
/// CONNACK codes (3.2.2.2).
const CONNACK: &[u8] = &[
    0x00, 0x80, 0x81, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8a, 0x8c, 0x90, 0x95, 0x97,
    0x99, 0x9a, 0x9b, 0x9c, 0x9d, 0x9f,
];

fn ack(ctor: fn(Ack<'static>) -> Packet<'static>, reason: ReasonCode) -> Packet<'static> {
    ctor(Ack {
        reason,
        ..Ack::new(PacketId::MIN)
    })
}

/// Every byte as a reason code of every packet that carries one: it encodes, and its
/// bytes decode, exactly when the packet's table in the specification lists it.
/// [MQTT-3.2.2-8] [MQTT-3.4.2-1] [MQTT-3.5.2-1] [MQTT-3.6.2-1] [MQTT-3.7.2-1]
/// [MQTT-3.14.2-1] [MQTT-3.15.2-1]
#[test]
fn every_sender_is_held_to_its_packets_reason_codes() {
    type Build = fn(ReasonCode) -> Packet<'static>;
    type Wire = fn(u8) -> Vec<u8>;
    let cases: [(&str, &[u8], Build, Wire); 7] = [
        (
            "PUBACK",
            PUBACK,
            |r| ack(Packet::PubAck, r),
            |b| vec![0x40, 3, 0, 1, b],
        ),
        (
            "PUBREC",
            PUBACK,
            |r| ack(Packet::PubRec, r),
            |b| vec![0x50, 3, 0, 1, b],
        ),
        (
            "PUBREL",
            PUBREL,
            |r| ack(Packet::PubRel, r),
            |b| vec![0x62, 3, 0, 1, b],
        ),
        (
            "PUBCOMP",
            PUBREL,
            |r| ack(Packet::PubComp, r),
            |b| vec![0x70, 3, 0, 1, b],
        ),
        (
            "DISCONNECT",
            DISCONNECT,
            |r| Packet::Disconnect(Disconnect::new(r)),
            |b| vec![0xe0, 1, b],
        ),
        (
            "AUTH",
            AUTH,
            |r| {
                Packet::Auth(Auth {
                    reason: r,
                    ..Default::default()
                })
            },
            |b| vec![0xf0, 1, b],
        ),
        (
            "CONNACK",
            CONNACK,
            |r| {
                Packet::ConnAck(ConnAck {
                    reason: r,
                    ..ConnAck::new(false)
                })
            },
            |b| vec![0x20, 3, 0, b, 0],
        ),
    ];
    for (name, table, build, bytes) in cases {
        for b in 0..=255u8 {
            let listed = table.contains(&b);
            if let Some(code) = ReasonCode::from_u8(b) {
                let sent = build(code).encode(V5, &mut Vec::new());
                assert_eq!(sent.is_ok(), listed, "{name} {b:#04x} encode: {sent:?}");
            }
            let wire = bytes(b);
            let read = Packet::decode_exact(&wire, V5);
            assert_eq!(read.is_ok(), listed, "{name} {b:#04x} decode: {read:?}");
        }
    }
}

/// A QoS 0 PUBLISH has no packet identifier: the payload follows the topic (and, in
/// MQTT 5, the properties) directly.
/// [MQTT-2.2.1-2]
/// 3.1.1: [MQTT-2.3.1-5]
#[test]
fn a_qos_0_publish_carries_no_packet_identifier() {
    for (v, bytes) in [
        (V4, &[0x30, 0x05, 0x00, 0x01, b't', 0x00, 0x07][..]),
        (V5, &[0x30, 0x06, 0x00, 0x01, b't', 0x00, 0x00, 0x07][..]),
    ] {
        let Packet::Publish(p) = Packet::decode_exact(bytes, v).unwrap() else {
            panic!()
        };
        assert_eq!(
            (p.qos_pid, &*p.payload),
            (QosPid::AtMostOnce, &[0x00, 0x07][..])
        );
        let mut out = Vec::new();
        Packet::Publish(p).encode(v, &mut out).unwrap();
        assert_eq!(out, bytes);
    }
}

/// SUBSCRIBE, UNSUBSCRIBE and a QoS 1 or 2 PUBLISH with packet identifier 0 are refused
/// in MQTT 3.1.1 (the type cannot even hold 0 on the way out).
/// 3.1.1: [MQTT-2.3.1-1]
#[test]
fn packet_identifier_zero_is_refused_in_mqtt_3_1_1() {
    for bytes in [
        &[0x82, 0x06, 0x00, 0x00, 0x00, 0x01, b'a', 0x00][..],
        &[0xa2, 0x05, 0x00, 0x00, 0x00, 0x01, b'a'][..],
        &[0x32, 0x05, 0x00, 0x01, b't', 0x00, 0x00][..],
        &[0x34, 0x05, 0x00, 0x01, b't', 0x00, 0x00][..],
    ] {
        let e = err(bytes, V4);
        assert_eq!(
            (e.kind.clone(), e.rule),
            (DecodeErrorKind::ZeroPacketId, "MQTT-2.3.1-1"),
            "{bytes:02x?}"
        );
    }
    assert_eq!(PacketId::new(0), None);
}

/// An MQTT 5 packet without properties still carries a Property Length of 0, and one
/// without it is malformed.
/// [MQTT-2.2.2-1]
#[test]
fn an_empty_property_block_is_still_a_zero_length() {
    let mut out = Vec::new();
    Packet::Publish(Publish::new("t", &b"p"[..]))
        .encode(V5, &mut out)
        .unwrap();
    assert_eq!(out, [0x30, 0x05, 0x00, 0x01, b't', 0x00, b'p']);
    out.clear();
    Packet::Unsubscribe(Unsubscribe {
        packet_id: PacketId::MIN,
        properties: Default::default(),
        filters: vec!["a".into()],
    })
    .encode(V5, &mut out)
    .unwrap();
    assert_eq!(out, [0xa2, 0x06, 0x00, 0x01, 0x00, 0x00, 0x01, b'a']);
    // SUBSCRIBE "a" without its Property Length: the 0x00 is read as the property
    // length and the filter's length runs past the packet.
    assert!(Packet::decode_exact(&[0x82, 0x06, 0x00, 0x01, 0x00, 0x01, b'a', 0x00], V5).is_err());
    assert!(
        Packet::decode_exact(&[0x82, 0x07, 0x00, 0x01, 0x00, 0x00, 0x01, b'a', 0x00], V5).is_ok()
    );
}
