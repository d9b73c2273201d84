//! Tests of the property blocks: raw and typed forms, accessors, the quick and full
//! validating passes.

use super::*;
use crate::codec::reader::NoTrace;
use crate::codec::{
    AckProperties, AuthProperties, ConnAckProperties, ConnectProperties, DisconnectProperties,
    Packet, Publish, PublishProperties, SubAckProperties, SubscribeProperties, UnsubAckProperties,
    UnsubscribeProperties, WillProperties,
};
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

/// What the full pass says of `block`: the identifiers seen, or the error.
fn validate<'a, P: PropertySet<'a>>(block: &'a [u8]) -> Res<u64> {
    let mut tr = NoTrace;
    let mut r = Reader::new(block, 0, block.len(), ProtocolVersion::V5, &mut tr);
    P::validate(&mut r)
}

/// Both passes over `block`, for every property set: same verdict, same identifiers.
fn check_every_set(block: &[u8]) -> Result<(), String> {
    fn one<'a, P: PropertySet<'a>>(block: &'a [u8], name: &str) -> Result<(), String> {
        let full = validate::<P>(block).ok();
        let quick = P::scan(block);
        if full == quick {
            Ok(())
        } else {
            Err(format!(
                "{name}: full {full:?}, quick {quick:?} on {block:02x?}"
            ))
        }
    }
    one::<PublishProperties>(block, "PUBLISH")?;
    one::<AckProperties>(block, "ack")?;
    one::<ConnectProperties>(block, "CONNECT")?;
    one::<WillProperties>(block, "will")?;
    one::<ConnAckProperties>(block, "CONNACK")?;
    one::<SubscribeProperties>(block, "SUBSCRIBE")?;
    one::<SubAckProperties>(block, "SUBACK")?;
    one::<UnsubscribeProperties>(block, "UNSUBSCRIBE")?;
    one::<UnsubAckProperties>(block, "UNSUBACK")?;
    one::<DisconnectProperties>(block, "DISCONNECT")?;
    one::<AuthProperties>(block, "AUTH")
}

#[test]
fn quick_and_full_passes_agree_on_edge_values() {
    let cases: [&[u8]; 14] = [
        &[],
        &[0x01, 0x01],
        &[0x01, 0x02],
        &[0x23, 0x00, 0x00],
        &[0x23, 0x00],
        &[0x0b, 0x80, 0x00],
        &[0x0b, 0xff, 0xff, 0xff, 0x7f],
        &[0x0b, 0xff, 0xff, 0xff, 0xff, 0x01],
        &[0x08, 0x00, 0x01, b'#'],
        &[0x08, 0x00, 0x00],
        &[0x26, 0x00, 0x01, b'k', 0x00, 0x01, 0x00],
        &[0x26, 0x00, 0x01, b'k', 0x00, 0x02, 0xc3],
        &[0x81, 0x00, 0x00],
        &[0x02, 0, 0, 0, 1, 0x02, 0, 0, 0, 2],
    ];
    for block in cases {
        check_every_set(block).unwrap();
    }
}

/// Every PUBLISH property set, User Properties with a repeated name in between.
fn full_publish_set() -> PublishProperties<'static> {
    PublishProperties {
        payload_format_indicator: Some(true),
        message_expiry_interval: Some(3600),
        topic_alias: NonZeroU16::new(7),
        response_topic: Some("replies/7".into()),
        correlation_data: Some(b"\x00req".as_slice().into()),
        content_type: Some("application/json".into()),
        user_properties: vec![
            UserProperty::new("k", "1"),
            UserProperty::new("unit", "celsius"),
            UserProperty::new("k", "2"),
        ],
        subscription_identifiers: vec![NonZeroU32::MIN, NonZeroU32::new(268_435_455).unwrap()],
    }
}

fn publish_with(props: PublishProperties<'static>) -> Vec<u8> {
    let mut p = Publish::new("t", b"{}".as_slice());
    p.properties = props.into();
    let mut out = Vec::new();
    Packet::Publish(p)
        .encode(ProtocolVersion::V5, &mut out)
        .unwrap();
    out
}

fn decode_publish(bytes: &[u8]) -> Publish<'_> {
    match Packet::decode_exact(bytes, ProtocolVersion::V5) {
        Ok(Packet::Publish(p)) => p,
        other => panic!("{other:?}"),
    }
}

#[test]
fn accessors_read_a_decoded_block_as_the_typed_set_holds_it() {
    let typed = full_publish_set();
    let bytes = publish_with(typed.clone());
    let p = decode_publish(&bytes);
    let (raw, built) = (&p.properties, Props::from(typed.clone()));
    // Decoded: the block itself, borrowed from the input.
    let block = raw.as_raw().unwrap();
    assert!(bytes.as_ptr_range().contains(&block.as_ptr()));
    assert!(raw.as_typed().is_none() && built.as_raw().is_none());
    for props in [raw, &built] {
        assert_eq!(props.payload_format_indicator(), Some(true));
        assert_eq!(props.message_expiry_interval(), Some(3600));
        assert_eq!(props.topic_alias(), NonZeroU16::new(7));
        assert_eq!(props.response_topic(), Some("replies/7"));
        assert_eq!(props.correlation_data(), Some(b"\x00req".as_slice()));
        assert_eq!(props.content_type(), Some("application/json"));
        assert_eq!(
            props.user_properties().collect::<Vec<_>>(),
            [("k", "1"), ("unit", "celsius"), ("k", "2")]
        );
        assert_eq!(
            props.subscription_identifiers().collect::<Vec<_>>(),
            typed.subscription_identifiers
        );
        assert!(!props.is_empty());
    }
    assert_eq!(raw.to_typed(), typed);
    assert_eq!(raw.clone().into_inner(), typed);
    assert_eq!(raw.clone().into_owned().as_typed(), Some(&typed));
    // Equal by value whatever the form, and shown alike.
    assert_eq!(*raw, built);
    assert_eq!(format!("{raw:?}"), format!("{built:?}"));
}

#[test]
fn an_empty_block_reads_as_nothing() {
    let p = decode_publish(&[0x30, 0x04, 0x00, 0x01, b't', 0x00]);
    assert!(p.properties.is_empty());
    assert_eq!(p.properties.topic_alias(), None);
    assert_eq!(p.properties.user_properties().count(), 0);
    assert_eq!(p.properties, Props::none());
    assert_eq!(p.properties, Props::from(PublishProperties::default()));
}

#[test]
fn a_decoded_block_is_written_back_as_it_came_until_edited() {
    // A User Property before the Topic Alias: not the order a typed set writes.
    let bytes = [
        0x30, 0x10, 0x00, 0x01, b't', 0x0a, 0x26, 0x00, 0x01, b'k', 0x00, 0x01, b'v', 0x23, 0x00,
        0x05, b'h', b'i',
    ];
    let mut p = decode_publish(&bytes);
    let mut out = Vec::new();
    Packet::Publish(p.clone())
        .encode(ProtocolVersion::V5, &mut out)
        .unwrap();
    assert_eq!(out, bytes);
    // Editing copies the block into a typed set, written in declaration order.
    p.properties.to_mut().content_type = Some("text/plain".into());
    assert!(p.properties.as_raw().is_none());
    assert_eq!(p.properties.topic_alias(), NonZeroU16::new(5));
    assert_eq!(p.properties.content_type(), Some("text/plain"));
    out.clear();
    Packet::Publish(p)
        .encode(ProtocolVersion::V5, &mut out)
        .unwrap();
    let mut expected = vec![0x30, 0x1d, 0x00, 0x01, b't', 0x17, 0x23, 0x00, 0x05, 0x03];
    expected.extend_from_slice(b"\x00\x0atext/plain");
    expected.extend_from_slice(&[0x26, 0x00, 0x01, b'k', 0x00, 0x01, b'v', b'h', b'i']);
    assert_eq!(out, expected);
}

#[cfg(not(target_arch = "wasm32"))]
mod agreement {
    use proptest::prelude::*;

    use super::*;

    /// A length-prefixed string, mostly clean, over the bytes that matter.
    fn text() -> impl Strategy<Value = Vec<u8>> {
        let byte = prop_oneof![
            16 => Just(b'a'),
            1 => Just(0u8),
            1 => Just(b'+'),
            1 => Just(b'#'),
            1 => Just(0xc3),
            1 => Just(0xa9),
            1 => Just(0xff),
        ];
        prop::collection::vec(byte, 0..12).prop_map(|s| {
            let mut v = (s.len() as u16).to_be_bytes().to_vec();
            v.extend(s);
            v
        })
    }

    /// A value for property `id`: mostly of its wire type, sometimes anything.
    fn value(id: u8) -> BoxedStrategy<Vec<u8>> {
        let small = prop_oneof![Just(0u8), Just(1), Just(2), Just(0x80), any::<u8>()];
        let typed = match wire(id) {
            Some(Wire::Byte) => small.prop_map(|b| vec![b]).boxed(),
            Some(Wire::TwoBytes) => prop::collection::vec(small, 2).boxed(),
            Some(Wire::FourBytes) => prop::collection::vec(small, 4).boxed(),
            Some(Wire::VarInt) => prop_oneof![
                (0u32..=varint::MAX).prop_map(|n| {
                    let mut v = Vec::new();
                    varint::write(&mut v, n >> (n % 28));
                    v
                }),
                prop::collection::vec(small, 1..6),
            ]
            .boxed(),
            Some(Wire::Prefixed) => text().boxed(),
            Some(Wire::Pair) | None => (text(), text()).prop_map(|(a, b)| [a, b].concat()).boxed(),
        };
        prop_oneof![
            16 => typed,
            1 => prop::collection::vec(any::<u8>(), 0..6),
        ]
        .boxed()
    }

    /// A block of up to five properties, mostly ones that PUBLISH, CONNECT or CONNACK
    /// may carry (so that many blocks are valid in one of them), sometimes any.
    fn block() -> impl Strategy<Value = Vec<u8>> {
        let publish = vec![0x01, 0x02, 0x03, 0x08, 0x09, 0x0b, 0x23, 0x26];
        let connect = vec![0x11, 0x15, 0x16, 0x17, 0x19, 0x21, 0x22, 0x26, 0x27];
        let connack = vec![0x11, 0x12, 0x13, 0x1a, 0x1c, 0x1f, 0x24, 0x25, 0x28, 0x2a];
        let all = TABLE.iter().map(|t| t.0).collect::<Vec<_>>();
        let ids = prop_oneof![Just(publish), Just(connect), Just(connack), Just(all)];
        ids.prop_flat_map(|ids| {
            let id = prop_oneof![
                16 => prop::sample::select(ids),
                1 => any::<u8>(),
            ];
            let property =
                id.prop_flat_map(|id| value(id).prop_map(move |v| [vec![id], v].concat()));
            prop::collection::vec(property, 0..6).prop_map(|props| props.concat())
        })
    }

    proptest! {
        #![proptest_config(crate::codec::tests::properties_config())]

        /// The quick pass accepts exactly the blocks the full pass accepts, in every
        /// property set.
        #[test]
        fn quick_pass_accepts_what_the_full_pass_accepts(b in block()) {
            check_every_set(&b).map_err(TestCaseError::fail)?;
        }
    }
}
