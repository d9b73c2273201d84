//! No payload makes the schema walker panic, whatever the field kinds, and every node's
//! range lies inside the payload. Input: the payload, read as a message of a schema with
//! every kind of field (scalars, enum, nested, repeated, map, oneof, recursion).
#![no_main]
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use mqttscope_payload::{decode, Decoder, Limits, MessageType, Schema};

const SCHEMA: &str = r#"
syntax = "proto3";
package f;
enum E { A = 0; B = 1; }
message M {
  int32 a = 1; int64 b = 2; uint32 c = 3; uint64 d = 4; sint32 e = 5; sint64 f = 6;
  fixed32 g = 7; fixed64 h = 8; sfixed32 i = 9; sfixed64 j = 10; float k = 11; double l = 12;
  bool m = 13; string n = 14; bytes o = 15; E p = 16; repeated int32 q = 17;
  repeated string r = 18; M s = 19; map<string, M> t = 20; oneof u { string v = 21; E w = 22; }
  repeated double x = 23; map<int64, bytes> y = 24;
}
"#;

fn ty() -> &'static MessageType {
    static TY: OnceLock<MessageType> = OnceLock::new();
    TY.get_or_init(|| {
        let schema = Schema::from_source("f.proto", SCHEMA).expect("the schema compiles");
        schema.message("f.M").expect("f.M is declared")
    })
}

fuzz_target!(|payload: &[u8]| {
    let d = Decoder::Protobuf(ty().clone());
    if let Ok(node) = decode(&d, payload, &Limits::default()) {
        assert!(node.span.is_some_and(|s| s.end <= payload.len()));
    }
});
