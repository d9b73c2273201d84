//! Encoders for publishing: a decoded tree (typically from JSON text) as CBOR or
//! MessagePack, each in its smallest form (shortest integer and length headers), and JSON
//! text as a protobuf message of the user's schema.

use minicbor::data::Int;
use minicbor::Encoder;
use prost_reflect::prost::Message;
use prost_reflect::DynamicMessage;

use crate::budget::Limits;
use crate::error::{Error, ErrorKind};
use crate::schema::MessageType;
use crate::value::{Node, Tag, Value};

/// JSON text as CBOR.
pub fn json_to_cbor(json: &[u8], limits: &Limits) -> Result<Vec<u8>, Error> {
    to_cbor(&crate::decode(&crate::Decoder::Json, json, limits)?)
}

/// JSON text as MessagePack.
pub fn json_to_msgpack(json: &[u8], limits: &Limits) -> Result<Vec<u8>, Error> {
    to_msgpack(&crate::decode(&crate::Decoder::Json, json, limits)?)
}

/// JSON text as a protobuf message of type `ty`, by the canonical protobuf JSON mapping
/// (field names as declared or in lowerCamelCase, enums by name or number, 64-bit integers as
/// numbers or strings, bytes as base64). A field the type does not have is an error.
pub fn json_to_protobuf(ty: &MessageType, json: &[u8], limits: &Limits) -> Result<Vec<u8>, Error> {
    // Our own parser first: its errors name the byte, and it holds the limits.
    crate::decode(&crate::Decoder::Json, json, limits)?;
    let mut de = serde_json::Deserializer::from_slice(json);
    let message =
        DynamicMessage::deserialize(ty.0.clone(), &mut de).map_err(|e| json_error(json, &e))?;
    Ok(message.encode_to_vec())
}

/// A serde_json error as an [`Error`] at the byte its line and column point to.
fn json_error(json: &[u8], e: &serde_json::Error) -> Error {
    let line_start: usize = json
        .split(|&b| b == b'\n')
        .take(e.line().saturating_sub(1))
        .map(|l| l.len() + 1)
        .sum();
    let at = (line_start + e.column().saturating_sub(1)).min(json.len());
    let text = e.to_string();
    let what = text
        .rsplit_once(" at line ")
        .map_or(text.as_str(), |(w, _)| w);
    Error::new(
        at,
        ErrorKind::Unencodable(format!("this as the message: {what}")),
    )
}

fn unencodable(node: &Node, what: &str) -> Error {
    let at = node.span.as_ref().map_or(0, |s| s.start);
    Error::new(at, ErrorKind::Unencodable(what.to_string()))
}

/// A tree as CBOR: every value a CBOR decoder produces encodes (floats as 64 bits).
pub fn to_cbor(node: &Node) -> Result<Vec<u8>, Error> {
    let mut e = Encoder::new(Vec::new());
    cbor(&mut e, node)?;
    Ok(e.into_writer())
}

fn cbor(e: &mut Encoder<Vec<u8>>, node: &Node) -> Result<(), Error> {
    // Writing to a Vec cannot fail; only a value CBOR cannot hold is an error.
    let _ = match &node.value {
        Value::Null => e.null(),
        Value::Bool(b) => e.bool(*b),
        Value::Integer(i) => {
            let i =
                Int::try_from(*i).map_err(|_| unencodable(node, "an integer beyond 64 bits"))?;
            e.int(i)
        }
        Value::Float(f) => e.f64(*f),
        Value::Text(s) => e.str(s),
        Value::Bytes(b) => e.bytes(b),
        Value::Array(items) => {
            let _ = e.array(items.len() as u64);
            return items.iter().try_for_each(|i| cbor(e, i));
        }
        Value::Map(entries) => {
            let _ = e.map(entries.len() as u64);
            return entries.iter().try_for_each(|(k, v)| {
                cbor(e, k)?;
                cbor(e, v)
            });
        }
        Value::Tagged(Tag::Cbor(t), inner) => {
            let _ = e.tag(minicbor::data::Tag::new(*t));
            return cbor(e, inner);
        }
        Value::Tagged(Tag::CborSimple, inner) => match inner.value {
            Value::Integer(n @ (0..=19 | 32..=255)) => e.simple(n as u8),
            _ => return Err(unencodable(node, "this simple value")),
        },
        Value::Tagged(_, _) => {
            return Err(unencodable(node, "a MessagePack or protobuf tag in CBOR"))
        }
    };
    Ok(())
}

/// A tree as MessagePack; integers beyond 64 bits and CBOR tags do not encode.
pub fn to_msgpack(node: &Node) -> Result<Vec<u8>, Error> {
    let mut out = Vec::new();
    msgpack(&mut out, node)?;
    Ok(out)
}

fn len32(node: &Node, n: usize) -> Result<u32, Error> {
    u32::try_from(n).map_err(|_| unencodable(node, "a length over 2^32-1"))
}

fn msgpack(out: &mut Vec<u8>, node: &Node) -> Result<(), Error> {
    use rmp::encode as w;
    // Writing to a Vec cannot fail; only a value MessagePack cannot hold is an error.
    match &node.value {
        Value::Null => {
            let _ = w::write_nil(out);
        }
        Value::Bool(b) => {
            let _ = w::write_bool(out, *b);
        }
        Value::Integer(i) => {
            if let Ok(u) = u64::try_from(*i) {
                let _ = w::write_uint(out, u);
            } else if let Ok(s) = i64::try_from(*i) {
                let _ = w::write_sint(out, s);
            } else {
                return Err(unencodable(node, "an integer beyond 64 bits"));
            }
        }
        Value::Float(f) => {
            let _ = w::write_f64(out, *f);
        }
        Value::Text(s) => {
            len32(node, s.len())?;
            let _ = w::write_str(out, s);
        }
        Value::Bytes(b) => {
            len32(node, b.len())?;
            let _ = w::write_bin(out, b);
        }
        Value::Array(items) => {
            let _ = w::write_array_len(out, len32(node, items.len())?);
            return items.iter().try_for_each(|i| msgpack(out, i));
        }
        Value::Map(entries) => {
            let _ = w::write_map_len(out, len32(node, entries.len())?);
            return entries.iter().try_for_each(|(k, v)| {
                msgpack(out, k)?;
                msgpack(out, v)
            });
        }
        Value::Tagged(Tag::MsgPackExt(t), inner) => match &inner.value {
            Value::Bytes(b) => {
                let _ = w::write_ext_meta(out, len32(node, b.len())?, *t);
                out.extend_from_slice(b);
            }
            _ => return Err(unencodable(node, "an extension whose data is not bytes")),
        },
        Value::Tagged(_, _) => {
            return Err(unencodable(node, "a CBOR or protobuf tag in MessagePack"))
        }
    }
    Ok(())
}
