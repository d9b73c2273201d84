//! Each decoder on known bytes: exact trees and byte ranges, and its errors with offsets.

use mqttscope_payload::encode::{json_to_cbor, json_to_msgpack};
use mqttscope_payload::{
    decode, detect, render, BytesStyle, Confidence, Decoder, ErrorKind, Hints, Limits, Node, Tag,
    Value, WireType,
};

fn dec(d: &str, bytes: &[u8]) -> Result<Node, mqttscope_payload::Error> {
    decode(&d.parse().unwrap(), bytes, &Limits::default())
}

fn n(v: Value, a: usize, b: usize) -> Node {
    Node::new(v, a..b)
}

fn text(s: &str, a: usize, b: usize) -> Node {
    n(Value::Text(s.into()), a, b)
}

fn int(i: i128, a: usize, b: usize) -> Node {
    n(Value::Integer(i), a, b)
}

#[test]
fn json_tree_keeps_key_order_and_ranges() {
    let got = dec("json", br#"{"b": [1, -2.5], "a": null}"#).unwrap();
    let want = n(
        Value::Map(vec![
            (
                text("b", 1, 4),
                n(
                    Value::Array(vec![int(1, 7, 8), n(Value::Float(-2.5), 10, 14)]),
                    6,
                    15,
                ),
            ),
            (text("a", 17, 20), n(Value::Null, 22, 26)),
        ]),
        0,
        27,
    );
    assert_eq!(got, want);
    assert_eq!(
        render(&got, BytesStyle::Hex),
        r#"{"b": [1, -2.5], "a": null}"#
    );
}

#[test]
fn json_escapes_and_big_numbers() {
    let got = dec(
        "json",
        br#"["\u00e9\ud83d\ude00\n", 18446744073709551615, 1e400]"#,
    )
    .unwrap();
    let Value::Array(items) = got.value else {
        panic!()
    };
    assert_eq!(items[0].value, Value::Text("é😀\n".into()));
    assert_eq!(items[1].value, Value::Integer(u64::MAX.into()));
    assert_eq!(items[2].value, Value::Float(f64::INFINITY));
}

#[test]
fn json_errors_name_the_offset() {
    let e = dec("json", br#"{"a": 1"#).unwrap_err();
    assert_eq!((e.offset, e.kind), (7, ErrorKind::Truncated));
    let e = dec("json", br#"{"a" 1}"#).unwrap_err();
    assert_eq!(e.offset, 5);
    assert!(matches!(e.kind, ErrorKind::Invalid(_)));
    let e = dec("json", b"[1] x").unwrap_err();
    assert_eq!((e.offset, e.kind), (4, ErrorKind::TrailingBytes));
    let e = dec("json", b"[\"a\xff\"]").unwrap_err();
    assert_eq!((e.offset, e.kind), (3, ErrorKind::BadUtf8));
    let e = dec("json", b"01").unwrap_err();
    assert_eq!(e.offset, 0);
}

#[test]
fn nesting_deeper_than_the_limit_is_an_error() {
    let deep = format!("{}{}", "[".repeat(65), "]".repeat(65));
    let e = dec("json", deep.as_bytes()).unwrap_err();
    assert_eq!((e.offset, e.kind), (64, ErrorKind::TooDeep { limit: 64 }));
    assert!(dec(
        "json",
        format!("{}{}", "[".repeat(64), "]".repeat(64)).as_bytes()
    )
    .is_ok());
    let cbor = vec![0x81; 100];
    let e = dec("cbor", &cbor).unwrap_err();
    assert_eq!((e.offset, e.kind), (64, ErrorKind::TooDeep { limit: 64 }));
    let mp = vec![0x91; 100];
    let e = dec("msgpack", &mp).unwrap_err();
    assert_eq!((e.offset, e.kind), (64, ErrorKind::TooDeep { limit: 64 }));
}

#[test]
fn output_size_is_bounded() {
    let limits = Limits {
        max_nodes: 3,
        ..Limits::default()
    };
    let e = decode(&Decoder::Json, b"[1, 2, 3]", &limits).unwrap_err();
    assert_eq!(
        (e.offset, e.kind),
        (7, ErrorKind::TooManyNodes { limit: 3 })
    );
    let limits = Limits {
        max_bytes: 4,
        ..Limits::default()
    };
    let e = decode(&Decoder::Cbor, b"\x65hello", &limits).unwrap_err();
    assert_eq!((e.offset, e.kind), (0, ErrorKind::TooLarge { limit: 4 }));
}

#[test]
fn cbor_tree_with_tags_and_indefinite_lengths() {
    // {"a": 1(1700000000), "b": h'0102', "c": [_ true, -1]} with an indefinite array.
    let bytes = [
        0xa3, 0x61, b'a', 0xc1, 0x1a, 0x65, 0x53, 0xf1, 0x00, 0x61, b'b', 0x42, 1, 2, 0x61, b'c',
        0x9f, 0xf5, 0x20, 0xff,
    ];
    let got = dec("cbor", &bytes).unwrap();
    let want = n(
        Value::Map(vec![
            (
                text("a", 1, 3),
                n(
                    Value::Tagged(Tag::Cbor(1), Box::new(int(1_700_000_000, 4, 9))),
                    3,
                    9,
                ),
            ),
            (text("b", 9, 11), n(Value::Bytes(vec![1, 2]), 11, 14)),
            (
                text("c", 14, 16),
                n(
                    Value::Array(vec![n(Value::Bool(true), 17, 18), int(-1, 18, 19)]),
                    16,
                    20,
                ),
            ),
        ]),
        0,
        20,
    );
    assert_eq!(got, want);
    assert_eq!(
        render(&got, BytesStyle::Hex),
        r#"{"a": 1(1700000000), "b": h'0102', "c": [true, -1]}"#
    );
}

#[test]
fn cbor_halves_big_negatives_and_errors() {
    assert_eq!(
        dec("cbor", &[0xf9, 0x3e, 0x00]).unwrap().value,
        Value::Float(1.5)
    );
    assert_eq!(
        dec("cbor", &[0xf9, 0x7c, 0x00]).unwrap().value,
        Value::Float(f64::INFINITY)
    );
    let big = [0x3b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff];
    assert_eq!(
        dec("cbor", &big).unwrap().value,
        Value::Integer(-(1i128 << 64))
    );
    let e = dec("cbor", &[0x82, 0x01]).unwrap_err();
    assert_eq!((e.offset, e.kind), (2, ErrorKind::Truncated));
    let e = dec("cbor", &[0x62, b'a']).unwrap_err();
    assert_eq!((e.offset, e.kind), (0, ErrorKind::Truncated));
    let e = dec("cbor", &[0x01, 0x02]).unwrap_err();
    assert_eq!((e.offset, e.kind), (1, ErrorKind::TrailingBytes));
    let e = dec("cbor", &[0x62, 0xff, 0xfe]).unwrap_err();
    assert_eq!(e.offset, 0);
}

#[test]
fn msgpack_tree_with_ext_and_ranges() {
    // {"t": 21.5 (f64), "n": -3, "x": ext(5, h'aa'), "b": bin h'00'}
    let mut bytes = vec![0x84, 0xa1, b't', 0xcb];
    bytes.extend_from_slice(&21.5f64.to_be_bytes());
    bytes.extend_from_slice(&[
        0xa1, b'n', 0xfd, 0xa1, b'x', 0xd4, 5, 0xaa, 0xa1, b'b', 0xc4, 1, 0,
    ]);
    let got = dec("msgpack", &bytes).unwrap();
    let want = n(
        Value::Map(vec![
            (text("t", 1, 3), n(Value::Float(21.5), 3, 12)),
            (text("n", 12, 14), int(-3, 14, 15)),
            (
                text("x", 15, 17),
                n(
                    Value::Tagged(
                        Tag::MsgPackExt(5),
                        Box::new(n(Value::Bytes(vec![0xaa]), 19, 20)),
                    ),
                    17,
                    20,
                ),
            ),
            (text("b", 20, 22), n(Value::Bytes(vec![0]), 22, 25)),
        ]),
        0,
        25,
    );
    assert_eq!(got, want);
    assert_eq!(
        render(&got, BytesStyle::Hex),
        r#"{"t": 21.5, "n": -3, "x": ext(5, h'aa'), "b": h'00'}"#
    );
}

#[test]
fn msgpack_errors() {
    let e = dec("msgpack", &[0x92, 0x01]).unwrap_err();
    assert_eq!((e.offset, e.kind), (2, ErrorKind::Truncated));
    let e = dec("msgpack", &[0xc1]).unwrap_err();
    assert_eq!(e.offset, 0);
    let e = dec("msgpack", &[0xa2, b'a', 0xff]).unwrap_err();
    assert_eq!((e.offset, e.kind), (2, ErrorKind::BadUtf8));
    // A lying length: 4 GiB announced, two bytes there.
    let e = dec("msgpack", &[0xdd, 0xff, 0xff, 0xff, 0xff, 0x01]).unwrap_err();
    assert_eq!((e.offset, e.kind), (6, ErrorKind::Truncated));
}

fn field(wire: WireType, v: Node, a: usize, b: usize) -> Node {
    n(Value::Tagged(Tag::Protobuf(wire), Box::new(v)), a, b)
}

#[test]
fn protobuf_raw_fields_and_nested_messages() {
    // 1: 150 (varint), 2: "hi", 3: {1: 1}, 4: fixed32 1, 5: bytes 0xff
    let bytes = [
        0x08, 0x96, 0x01, 0x12, 0x02, b'h', b'i', 0x1a, 0x02, 0x08, 0x01, 0x25, 1, 0, 0, 0, 0x2a,
        0x01, 0xff,
    ];
    let got = dec("protobuf-raw", &bytes).unwrap();
    let want = n(
        Value::Map(vec![
            (int(1, 0, 1), field(WireType::Varint, int(150, 1, 3), 0, 3)),
            (int(2, 3, 4), field(WireType::Len, text("hi", 5, 7), 3, 7)),
            (
                int(3, 7, 8),
                field(
                    WireType::Len,
                    n(
                        Value::Map(vec![(
                            int(1, 9, 10),
                            field(WireType::Varint, int(1, 10, 11), 9, 11),
                        )]),
                        9,
                        11,
                    ),
                    7,
                    11,
                ),
            ),
            (int(4, 11, 12), field(WireType::I32, int(1, 12, 16), 11, 16)),
            (
                int(5, 16, 17),
                field(WireType::Len, n(Value::Bytes(vec![0xff]), 18, 19), 16, 19),
            ),
        ]),
        0,
        19,
    );
    assert_eq!(got, want);
    assert_eq!(
        render(&got, BytesStyle::Hex),
        r#"{1: 150, 2: "hi", 3: {1: 1}, 4: fixed32(1), 5: h'ff'}"#
    );
}

#[test]
fn protobuf_raw_errors() {
    let e = dec("protobuf-raw", &[0x08, 0x96]).unwrap_err();
    assert_eq!((e.offset, e.kind), (2, ErrorKind::Truncated));
    let e = dec("protobuf-raw", &[0x12, 0x05, b'a']).unwrap_err();
    assert_eq!((e.offset, e.kind), (2, ErrorKind::Truncated));
    let e = dec("protobuf-raw", &[0x08, 0x01, 0x0f]).unwrap_err();
    assert_eq!(e.offset, 2);
    let e = dec("protobuf-raw", &[0x00]).unwrap_err();
    assert_eq!(e.offset, 0);
}

#[test]
fn binary_numbers_in_both_byte_orders() {
    assert_eq!(dec("int16be", &[0xff, 0xfe]).unwrap(), int(-2, 0, 2));
    assert_eq!(dec("int16le", &[0xfe, 0xff]).unwrap(), int(-2, 0, 2));
    assert_eq!(dec("uint16le", &[0xfe, 0xff]).unwrap(), int(65534, 0, 2));
    assert_eq!(dec("int8", &[0x80]).unwrap(), int(-128, 0, 1));
    assert_eq!(
        dec("uint64be", &[0xff; 8]).unwrap(),
        int(u64::MAX.into(), 0, 8)
    );
    assert_eq!(dec("int64le", &[0xff; 8]).unwrap(), int(-1, 0, 8));
    assert_eq!(
        dec("float32be", &1.5f32.to_be_bytes()).unwrap(),
        n(Value::Float(1.5), 0, 4)
    );
    assert_eq!(
        dec("float64le", &(-0.25f64).to_le_bytes()).unwrap(),
        n(Value::Float(-0.25), 0, 8)
    );
    assert_eq!(
        dec("uint16be", &[0, 1, 0, 2]).unwrap(),
        n(Value::Array(vec![int(1, 0, 2), int(2, 2, 4)]), 0, 4)
    );
    let e = dec("int32be", &[1, 2, 3, 4, 5]).unwrap_err();
    assert_eq!(
        (e.offset, e.kind),
        (4, ErrorKind::WrongLength { width: 4, len: 5 })
    );
    assert!(
        "int16".parse::<Decoder>().is_err(),
        "a wide number names its byte order"
    );
    for name in Decoder::names() {
        assert_eq!(name.parse::<Decoder>().unwrap().to_string(), name);
    }
}

#[test]
fn text_hex_and_base64() {
    assert_eq!(
        dec("text", "héllo".as_bytes()).unwrap(),
        text("héllo", 0, 6)
    );
    let e = dec("text", b"ok\xc3").unwrap_err();
    assert_eq!((e.offset, e.kind), (2, ErrorKind::BadUtf8));
    let b = dec("hex", &[0, 0xff]).unwrap();
    assert_eq!(b, n(Value::Bytes(vec![0, 0xff]), 0, 2));
    assert_eq!(render(&b, BytesStyle::Base64), "b64'AP8='");
    assert_eq!(dec("base64", b"").unwrap(), n(Value::Bytes(vec![]), 0, 0));
}

#[test]
fn json_encodes_to_the_bytes_other_libraries_write() {
    let json = br#"{"a": [1, -1, 1.5, "x", true, null], "big": 4294967296}"#;
    let cbor = json_to_cbor(json, &Limits::default()).unwrap();
    let mut want = vec![0xa2, 0x61, b'a', 0x86, 0x01, 0x20, 0xfb];
    want.extend_from_slice(&1.5f64.to_be_bytes());
    want.extend_from_slice(&[0x61, b'x', 0xf5, 0xf6, 0x63, b'b', b'i', b'g']);
    want.extend_from_slice(&[0x1b, 0, 0, 0, 1, 0, 0, 0, 0]);
    assert_eq!(cbor, want);
    let mp = json_to_msgpack(json, &Limits::default()).unwrap();
    let mut want = vec![0x82, 0xa1, b'a', 0x96, 0x01, 0xff, 0xcb];
    want.extend_from_slice(&1.5f64.to_be_bytes());
    want.extend_from_slice(&[0xa1, b'x', 0xc3, 0xc0, 0xa3, b'b', b'i', b'g']);
    want.extend_from_slice(&[0xcf, 0, 0, 0, 1, 0, 0, 0, 0]);
    assert_eq!(mp, want);
    let e = json_to_cbor(b"[1,", &Limits::default()).unwrap_err();
    assert_eq!((e.offset, e.kind), (3, ErrorKind::Truncated));
}

#[test]
fn auto_detection_prefers_what_was_declared() {
    let cbor = [0xa1, 0x61, b'a', 0x01];
    let mp = [0x81, 0xa1, b'a', 0x01];
    let hint = |ct| Hints {
        content_type: Some(ct),
        ..Hints::default()
    };
    let d = detect(&cbor, hint("application/cbor"));
    assert_eq!(
        (d.decoder, d.confidence),
        (Decoder::Cbor, Confidence::Declared)
    );
    let d = detect(&mp, hint("application/vnd.msgpack"));
    assert_eq!(
        (d.decoder, d.confidence),
        (Decoder::MsgPack, Confidence::Declared)
    );
    let d = detect(b"{}", hint("application/senml+json"));
    assert_eq!(d.decoder, Decoder::Json);
    let utf8 = Hints {
        utf8: Some(true),
        ..Hints::default()
    };
    assert_eq!(detect(b"[1]", utf8).decoder, Decoder::Json);
    assert_eq!(detect(b"[1", utf8).decoder, Decoder::Text);
    let none = Hints::default();
    let sniff = |b: &[u8]| {
        let d = detect(b, none);
        (d.decoder, d.confidence)
    };
    assert_eq!(sniff(b"{\"a\":1}"), (Decoder::Json, Confidence::Likely));
    assert_eq!(sniff(b"on"), (Decoder::Text, Confidence::Likely));
    assert_eq!(sniff(&cbor), (Decoder::Cbor, Confidence::Likely));
    assert_eq!(sniff(&mp), (Decoder::MsgPack, Confidence::Likely));
    assert_eq!(
        sniff(&[0x08, 0x96, 0x01, 0x12, 0x00]),
        (Decoder::ProtobufRaw, Confidence::Guess)
    );
    assert_eq!(
        sniff(&[0xc1, 0xff, 0x07]),
        (Decoder::Hex, Confidence::Fallback)
    );
}

#[test]
fn new_names_come_last_so_fuzz_seeds_keep_their_decoder() {
    // fuzz/seeds/payload/<name> starts with the index of <name> in this list.
    let names = Decoder::names();
    for (index, name) in [
        (0, "json"),
        (1, "cbor"),
        (2, "msgpack"),
        (3, "protobuf-raw"),
    ] {
        assert_eq!(names[index], name);
    }
    assert_eq!(names[9], "int16be");
    assert_eq!(names[25], "sparkplug");
}
