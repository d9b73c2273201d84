//! Properties: no decoder panics on any bytes, and what is encoded decodes to the same tree.

use mqttscope_payload::encode::{to_cbor, to_msgpack};
use mqttscope_payload::{decode, detect, Decoder, Hints, Limits, Node, Value};
use proptest::prelude::*;

fn all_decoders() -> Vec<Decoder> {
    Decoder::names()
        .iter()
        .map(|n| n.parse().unwrap())
        .collect()
}

/// Trees that every encoder can write: JSON's values plus bytes.
fn tree() -> impl Strategy<Value = Node> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|i| Value::Integer(i.into())),
        any::<u64>().prop_map(|i| Value::Integer(i.into())),
        any::<f64>()
            .prop_filter("NaN is not equal to itself", |f| !f.is_nan())
            .prop_map(Value::Float),
        ".{0,12}".prop_map(Value::Text),
        proptest::collection::vec(any::<u8>(), 0..12).prop_map(Value::Bytes),
    ]
    .prop_map(Node::from);
    leaf.prop_recursive(4, 64, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6)
                .prop_map(|v| Node::from(Value::Array(v))),
            proptest::collection::vec((inner.clone(), inner), 0..6)
                .prop_map(|v| Node::from(Value::Map(v))),
        ]
    })
}

proptest! {
    #[test]
    fn no_decoder_panics_on_any_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..256)) {
        let limits = Limits::default();
        for d in all_decoders() {
            if let Ok(node) = decode(&d, &bytes, &limits) {
                let span = node.span.expect("a top-level node has its range");
                prop_assert!(span.end <= bytes.len());
            }
        }
        let _ = detect(&bytes, Hints::default());
    }

    #[test]
    fn small_limits_give_errors_not_panics(bytes in proptest::collection::vec(any::<u8>(), 0..64)) {
        let limits = Limits { max_depth: 2, max_nodes: 5, max_bytes: 4 };
        for d in all_decoders() {
            let _ = decode(&d, &bytes, &limits);
        }
    }

    #[test]
    fn cbor_round_trips(t in tree()) {
        let bytes = to_cbor(&t).unwrap();
        let back = decode(&Decoder::Cbor, &bytes, &Limits::default()).unwrap();
        prop_assert_eq!(back.without_spans(), t);
    }

    #[test]
    fn msgpack_round_trips(t in tree()) {
        let bytes = to_msgpack(&t).unwrap();
        let back = decode(&Decoder::MsgPack, &bytes, &Limits::default()).unwrap();
        prop_assert_eq!(back.without_spans(), t);
    }
}
