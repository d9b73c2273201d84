use proptest::prelude::*;
use prost_reflect::prost::Message;
use prost_reflect::{DynamicMessage, MapKey, Value as PValue};

use super::*;
use crate::encode::json_to_protobuf;
use crate::{decode, Decoder, ErrorKind, Limits, Node, Value};

const TELEMETRY: &str = r#"
syntax = "proto3";
package factory;

import "common.proto";
import "google/protobuf/timestamp.proto";

enum Mode { MODE_UNSPECIFIED = 0; RUNNING = 1; STOPPED = 2; }

message Reading {
  int32 i32 = 1;
  int64 i64 = 2;
  uint32 u32 = 3;
  uint64 u64 = 4;
  sint32 s32 = 5;
  sint64 s64 = 6;
  fixed32 f32 = 7;
  fixed64 f64 = 8;
  sfixed32 sf32 = 9;
  sfixed64 sf64 = 10;
  float temperature = 11;
  double pressure = 12;
  bool ok = 13;
  string label = 14;
  bytes raw = 15;
  Mode mode = 16;
  repeated int32 samples = 17;
  repeated string tags = 18;
  common.Location where = 19;
  map<string, int32> counters = 20;
  google.protobuf.Timestamp at = 21;
  oneof source { string sensor = 22; uint32 channel = 23; }
}
"#;

const COMMON: &str = r#"
syntax = "proto3";
package common;
message Location { string site = 1; int32 line = 2; }
"#;

fn schema() -> Schema {
    Schema::compile("telemetry.proto", |name| match name {
        "telemetry.proto" => Some(TELEMETRY.to_string()),
        "common.proto" => Some(COMMON.to_string()),
        _ => None,
    })
    .unwrap()
}

fn reading() -> MessageType {
    schema().message("factory.Reading").unwrap()
}

fn field<'a>(node: &'a Node, name: &str) -> &'a Node {
    let Value::Map(entries) = &node.value else {
        panic!("not a message: {node:?}")
    };
    entries
        .iter()
        .find(|(k, _)| k.value == Value::Text(name.into()))
        .map(|(_, v)| v)
        .unwrap_or_else(|| panic!("no field {name} in {node:?}"))
}

fn decode_as(ty: &MessageType, bytes: &[u8]) -> Result<Node, crate::Error> {
    decode(&Decoder::Protobuf(ty.clone()), bytes, &Limits::default())
}

#[test]
fn compiles_imports_and_lists_types() {
    let s = schema();
    assert_eq!(
        s.message_names(),
        ["common.Location", "factory.Reading"],
        "the well-known Timestamp is not the user's"
    );
    assert_eq!(
        s.message(".factory.Reading").unwrap().full_name(),
        "factory.Reading"
    );
    let e = s.message("Reading").unwrap_err();
    assert!(e.message.contains("no message type `Reading`"), "{e}");
    assert!(e.message.contains("factory.Reading"), "{e}");
}

#[test]
fn a_syntax_error_names_file_line_and_column() {
    let bad = "syntax = \"proto3\";\nmessage A {\n  int32 x = ;\n}\n";
    let e = Schema::from_source("bad.proto", bad).unwrap_err();
    assert_eq!(e.file.as_deref(), Some("bad.proto"));
    assert_eq!(e.at, Some((3, 13)), "{e}");
    assert!(e.to_string().starts_with("bad.proto:3:13: "), "{e}");
}

#[test]
fn a_missing_import_is_named() {
    let text = "syntax = \"proto3\";\nimport \"gone.proto\";\nmessage A {}\n";
    let e = Schema::from_source("a.proto", text).unwrap_err();
    assert!(e.message.contains("gone.proto"), "{e}");
    assert_eq!(e.at, Some((2, 1)), "{e}");
}

#[test]
fn every_field_kind_decodes_with_its_bytes() {
    let ty = reading();
    let json = r#"{"i32": -5, "i64": "-6000000000", "u32": 4000000000, "u64": "18000000000000000000",
        "s32": -7, "s64": "-8", "f32": 9, "f64": "10", "sf32": -11, "sf64": "-12",
        "temperature": 21.5, "pressure": 1013.25, "ok": true, "label": "line 4",
        "raw": "AQID", "mode": "STOPPED", "samples": [1, -2, 300], "tags": ["a", "b"],
        "where": {"site": "north", "line": 4}, "counters": {"good": 3},
        "at": "2026-12-03T10:00:00Z", "channel": 9}"#;
    let bytes = json_to_protobuf(&ty, json.as_bytes(), &Limits::default()).unwrap();
    let node = decode_as(&ty, &bytes).unwrap();
    let int = |name: &str| field(&node, name).value.clone();
    assert_eq!(int("i32"), Value::Integer(-5));
    assert_eq!(int("i64"), Value::Integer(-6_000_000_000));
    assert_eq!(int("u32"), Value::Integer(4_000_000_000));
    assert_eq!(int("u64"), Value::Integer(18_000_000_000_000_000_000));
    assert_eq!(int("s32"), Value::Integer(-7));
    assert_eq!(int("s64"), Value::Integer(-8));
    assert_eq!(int("f32"), Value::Integer(9));
    assert_eq!(int("f64"), Value::Integer(10));
    assert_eq!(int("sf32"), Value::Integer(-11));
    assert_eq!(int("sf64"), Value::Integer(-12));
    assert_eq!(int("temperature"), Value::Float(21.5));
    assert_eq!(int("pressure"), Value::Float(1013.25));
    assert_eq!(int("ok"), Value::Bool(true));
    assert_eq!(int("label"), Value::Text("line 4".into()));
    assert_eq!(int("raw"), Value::Bytes(vec![1, 2, 3]));
    assert_eq!(int("mode"), Value::Text("STOPPED".into()));
    assert_eq!(int("channel"), Value::Integer(9));
    let samples = field(&node, "samples").without_spans();
    let ints = |v: &[i128]| Value::Array(v.iter().map(|&i| Value::Integer(i).into()).collect());
    assert_eq!(samples.value, ints(&[1, -2, 300]));
    let texts = Value::Array(vec![
        Value::Text("a".into()).into(),
        Value::Text("b".into()).into(),
    ]);
    assert_eq!(field(&node, "tags").without_spans().value, texts);
    let location = field(&node, "where");
    assert_eq!(field(location, "site").value, Value::Text("north".into()));
    let counters = field(&node, "counters").without_spans();
    let entry = (Value::Text("good".into()).into(), Value::Integer(3).into());
    assert_eq!(counters.value, Value::Map(vec![entry]));
    assert_eq!(
        field(field(&node, "at"), "seconds").value,
        Value::Integer(1_796_292_000)
    );
    // Every value's span holds exactly its bytes: the label's text, the raw bytes.
    let span = field(&node, "label").span.clone().unwrap();
    assert_eq!(&bytes[span], b"line 4");
    let span = field(&node, "raw").span.clone().unwrap();
    assert_eq!(&bytes[span], [1, 2, 3]);
    // The i32 field comes first: key 0x08, then -5 as a ten-byte varint.
    assert_eq!(field(&node, "i32").span, Some(1..11));
}

#[test]
fn unpacked_repeated_and_packed_both_read() {
    let ty = reading();
    // samples (17) unpacked: key 17<<3|0 = 136 = [0x88, 0x01], twice; then packed once.
    let bytes = [
        0x88, 0x01, 0x05, 0x88, 0x01, 0x06, 0x8a, 0x01, 0x02, 0x07, 0x08,
    ];
    let node = decode_as(&ty, &bytes).unwrap();
    let samples = field(&node, "samples");
    let got: Vec<_> = match &samples.value {
        Value::Array(items) => items
            .iter()
            .map(|i| (i.value.clone(), i.span.clone()))
            .collect(),
        other => panic!("{other:?}"),
    };
    assert_eq!(
        got,
        [
            (Value::Integer(5), Some(2..3)),
            (Value::Integer(6), Some(5..6)),
            (Value::Integer(7), Some(9..10)),
            (Value::Integer(8), Some(10..11)),
        ]
    );
    assert_eq!(samples.span, Some(2..11), "the array spans its elements");
}

#[test]
fn unknown_fields_and_enum_values_are_kept() {
    let ty = reading();
    // Field 99 (not in the schema) as a varint, then mode = 7 (no such value).
    let bytes = [0x98, 0x06, 0x2a, 0x80, 0x01, 0x07];
    let node = decode_as(&ty, &bytes).unwrap();
    let Value::Map(entries) = &node.value else {
        panic!()
    };
    assert_eq!(entries[0].0.value, Value::Integer(99));
    assert_eq!(field(&node, "mode").value, Value::Integer(7));
}

#[test]
fn a_wire_type_that_does_not_fit_is_an_error_at_the_key() {
    let ty = reading();
    // label (14) is a string; here it comes as a varint.
    let e = decode_as(&ty, &[0x08, 0x01, 0x70, 0x01]).unwrap_err();
    assert_eq!(e.offset, 2);
    let ErrorKind::Invalid(what) = &e.kind else {
        panic!("{e}")
    };
    assert_eq!(
        what,
        "field `label` (14) is a string: wire type 2 (length-delimited), not 0 (varint)"
    );
}

#[test]
fn truncated_and_bad_text_name_the_offset() {
    let ty = reading();
    let e = decode_as(&ty, &[0x72, 0x05, b'a', b'b']).unwrap_err();
    assert_eq!((e.offset, e.kind), (2, ErrorKind::Truncated));
    let e = decode_as(&ty, &[0x72, 0x03, b'a', 0xff, b'b']).unwrap_err();
    assert_eq!((e.offset, e.kind), (3, ErrorKind::BadUtf8));
}

#[test]
fn nesting_is_bounded() {
    let text = "syntax = \"proto3\";\nmessage N { N next = 1; }\n";
    let ty = Schema::from_source("n.proto", text)
        .unwrap()
        .message("N")
        .unwrap();
    let mut bytes = Vec::new();
    for _ in 0..100 {
        let mut outer = vec![0x0a];
        prost_reflect::prost::encoding::encode_varint(bytes.len() as u64, &mut outer);
        outer.extend_from_slice(&bytes);
        bytes = outer;
    }
    let e = decode_as(&ty, &bytes).unwrap_err();
    assert!(matches!(e.kind, ErrorKind::TooDeep { limit: 64 }), "{e}");
}

#[test]
fn json_that_is_not_the_message_is_an_error_at_its_byte() {
    let ty = reading();
    let e = json_to_protobuf(&ty, br#"{"label": "x", "nope": 1}"#, &Limits::default()).unwrap_err();
    let ErrorKind::Unencodable(what) = &e.kind else {
        panic!("{e}")
    };
    assert!(what.contains("nope"), "{what}");
    assert!((15..=22).contains(&e.offset), "{e}");
    let e = json_to_protobuf(&ty, br#"{"i32": "#, &Limits::default()).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Truncated);
}

/// The values one generated message holds.
#[derive(Clone, Debug)]
struct Generated {
    i32: i32,
    s64: i64,
    u64: u64,
    f32: f32,
    label: String,
    samples: Vec<i32>,
    mode: i32,
}

fn generated() -> impl Strategy<Value = Generated> {
    (
        any::<i32>(),
        any::<i64>(),
        any::<u64>(),
        any::<f32>().prop_filter("a number", |f| f.is_finite()),
        "\\PC{0,20}",
        proptest::collection::vec(any::<i32>(), 0..20),
        0..3i32,
    )
        .prop_map(|(i32, s64, u64, f32, label, samples, mode)| Generated {
            i32,
            s64,
            u64,
            f32,
            label,
            samples,
            mode,
        })
}

proptest! {
    /// What prost-reflect encodes from a message, the walker reads back: the same values.
    #[test]
    fn reads_what_prost_reflect_writes(g in generated()) {
        let ty = reading();
        let mut m = DynamicMessage::new(ty.0.clone());
        m.set_field_by_name("i32", PValue::I32(g.i32));
        m.set_field_by_name("s64", PValue::I64(g.s64));
        m.set_field_by_name("u64", PValue::U64(g.u64));
        m.set_field_by_name("temperature", PValue::F32(g.f32));
        m.set_field_by_name("label", PValue::String(g.label.clone()));
        let samples = g.samples.iter().map(|&s| PValue::I32(s)).collect();
        m.set_field_by_name("samples", PValue::List(samples));
        m.set_field_by_name("mode", PValue::EnumNumber(g.mode));
        let mut counters = std::collections::HashMap::new();
        counters.insert(MapKey::String(g.label.clone()), PValue::I32(g.i32));
        m.set_field_by_name("counters", PValue::Map(counters));
        let bytes = m.encode_to_vec();
        let node = decode_as(&ty, &bytes).unwrap();
        let get = |name: &str| {
            let Value::Map(entries) = &node.value else { unreachable!() };
            entries.iter().find(|(k, _)| k.value == Value::Text(name.into())).map(|(_, v)| v.without_spans().value)
        };
        // proto3 leaves out fields at their default value.
        let or_default = |v: Option<Value>, d: Value| v.unwrap_or(d);
        prop_assert_eq!(or_default(get("i32"), Value::Integer(0)), Value::Integer(g.i32.into()));
        prop_assert_eq!(or_default(get("s64"), Value::Integer(0)), Value::Integer(g.s64.into()));
        prop_assert_eq!(or_default(get("u64"), Value::Integer(0)), Value::Integer(g.u64.into()));
        prop_assert_eq!(or_default(get("temperature"), Value::Float(0.0)), Value::Float(g.f32.into()));
        prop_assert_eq!(or_default(get("label"), Value::Text(String::new())), Value::Text(g.label.clone()));
        let modes = ["MODE_UNSPECIFIED", "RUNNING", "STOPPED"];
        prop_assert_eq!(or_default(get("mode"), Value::Text(modes[0].into())), Value::Text(modes[g.mode as usize].into()));
        let samples = Value::Array(g.samples.iter().map(|&s| Value::Integer(s.into()).into()).collect());
        prop_assert_eq!(or_default(get("samples"), Value::Array(vec![])), samples);
        let entry = (Value::Text(g.label.clone()).into(), Value::Integer(g.i32.into()).into());
        prop_assert_eq!(get("counters"), Some(Value::Map(vec![entry])));
    }

    /// No bytes make the walker panic; what it reads has spans inside the payload.
    #[test]
    fn any_bytes_decode_or_fail_cleanly(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
        let ty = reading();
        if let Ok(node) = decode_as(&ty, &bytes) {
            prop_assert_eq!(node.span, Some(0..bytes.len()));
        }
    }
}
