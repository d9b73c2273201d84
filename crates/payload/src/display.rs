//! A decoded tree as one line of text, in the spirit of CBOR's diagnostic notation
//! (RFC 8949 §8): JSON for what JSON has, `h'..'` for bytes, `N(..)` for CBOR tags.

use std::fmt::Write;

use base64::Engine;

use crate::value::{Node, Tag, Value, WireType};

/// How [`render`] writes bytes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum BytesStyle {
    /// `h'0a0b'`.
    #[default]
    Hex,
    /// `b64'Cgs='`.
    Base64,
}

/// The tree as one line: `{"temp": 21.5, "ids": [1, 2], "raw": h'00ff'}`.
pub fn render(node: &Node, style: BytesStyle) -> String {
    let mut out = String::new();
    write_value(&mut out, &node.value, style);
    out
}

fn write_value(out: &mut String, v: &Value, style: BytesStyle) {
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Integer(i) => {
            let _ = write!(out, "{i}");
        }
        Value::Float(f) => write_float(out, *f),
        Value::Text(s) => write_text(out, s),
        Value::Bytes(b) => write_bytes(out, b, style),
        Value::Array(items) => {
            out.push('[');
            for (n, item) in items.iter().enumerate() {
                if n > 0 {
                    out.push_str(", ");
                }
                write_value(out, &item.value, style);
            }
            out.push(']');
        }
        Value::Map(entries) => {
            out.push('{');
            for (n, (k, item)) in entries.iter().enumerate() {
                if n > 0 {
                    out.push_str(", ");
                }
                write_value(out, &k.value, style);
                out.push_str(": ");
                write_value(out, &item.value, style);
            }
            out.push('}');
        }
        Value::Tagged(tag, inner) => write_tagged(out, *tag, &inner.value, style),
    }
}

fn write_tagged(out: &mut String, tag: Tag, inner: &Value, style: BytesStyle) {
    let _ = match tag {
        Tag::Cbor(n) => write!(out, "{n}("),
        Tag::CborSimple => write!(out, "simple("),
        Tag::MsgPackExt(t) => write!(out, "ext({t}, "),
        Tag::Protobuf(WireType::I64) => write!(out, "fixed64("),
        Tag::Protobuf(WireType::I32) => write!(out, "fixed32("),
        // A varint or a length-delimited field shows as its value, as protoc shows it.
        Tag::Protobuf(_) => return write_value(out, inner, style),
    };
    write_value(out, inner, style);
    out.push(')');
}

fn write_float(out: &mut String, f: f64) {
    if f.is_nan() {
        out.push_str("NaN");
    } else if f.is_infinite() {
        out.push_str(if f > 0.0 { "Infinity" } else { "-Infinity" });
    } else {
        let _ = write!(out, "{f:?}");
    }
}

fn write_text(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

fn write_bytes(out: &mut String, b: &[u8], style: BytesStyle) {
    match style {
        BytesStyle::Hex => {
            out.push_str("h'");
            for x in b {
                let _ = write!(out, "{x:02x}");
            }
        }
        BytesStyle::Base64 => {
            out.push_str("b64'");
            out.push_str(&base64::engine::general_purpose::STANDARD.encode(b));
        }
    }
    out.push('\'');
}
