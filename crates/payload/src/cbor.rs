//! CBOR (RFC 8949) with minicbor's decoder, which reports its position: each node's byte
//! range is the position before and after it.

use minicbor::data::Type;
use minicbor::Decoder as Cbor;

use crate::budget::Budget;
use crate::error::{Error, ErrorKind};
use crate::value::{Node, Tag, Value};

/// Decodes one CBOR data item filling the payload.
pub(crate) fn decode(payload: &[u8], b: &mut Budget) -> Result<Node, Error> {
    let mut d = Cbor::new(payload);
    let node = item(&mut d, b, 0)?;
    if d.position() < payload.len() {
        return Err(Error::new(d.position(), ErrorKind::TrailingBytes));
    }
    Ok(node)
}

fn err(at: usize, e: minicbor::decode::Error) -> Error {
    if e.is_end_of_input() {
        Error::truncated(at)
    } else {
        Error::invalid(at, e.to_string())
    }
}

fn item(d: &mut Cbor<'_>, b: &mut Budget, depth: usize) -> Result<Node, Error> {
    let start = d.position();
    b.node(start)?;
    let ty = d.datatype().map_err(|e| err(start, e))?;
    let value = match scalar(d, ty).map_err(|e| err(start, e))? {
        Some(v @ (Value::Text(_) | Value::Bytes(_))) => {
            let len = match &v {
                Value::Text(x) => x.len(),
                Value::Bytes(x) => x.len(),
                _ => 0,
            };
            b.bytes(len, start)?;
            v
        }
        Some(v) => v,
        None => container(d, ty, b, depth, start)?,
    };
    Ok(Node::new(value, start..d.position()))
}

/// Reads a value that holds no other values; `None` for arrays, maps and tags.
fn scalar(d: &mut Cbor<'_>, ty: Type) -> Result<Option<Value>, minicbor::decode::Error> {
    let v = match ty {
        Type::Bool => Value::Bool(d.bool()?),
        Type::Null => {
            d.null()?;
            Value::Null
        }
        Type::Undefined => {
            d.undefined()?;
            Value::Null
        }
        Type::U8
        | Type::U16
        | Type::U32
        | Type::U64
        | Type::I8
        | Type::I16
        | Type::I32
        | Type::I64
        | Type::Int => Value::Integer(i128::from(d.int()?)),
        Type::F16 => {
            // Read here: minicbor reads halves only with its `half` feature.
            let at = d.position();
            let raw = d
                .input()
                .get(at + 1..at + 3)
                .ok_or_else(minicbor::decode::Error::end_of_input)?;
            d.set_position(at + 3);
            Value::Float(half(u16::from_be_bytes([raw[0], raw[1]])))
        }
        Type::F32 => Value::Float(d.f32()?.into()),
        Type::F64 => Value::Float(d.f64()?),
        Type::Simple => Value::Tagged(
            Tag::CborSimple,
            Box::new(Value::Integer(d.simple()?.into()).into()),
        ),
        Type::Bytes => Value::Bytes(d.bytes()?.to_vec()),
        Type::BytesIndef => {
            let mut out = Vec::new();
            for chunk in d.bytes_iter()? {
                out.extend_from_slice(chunk?);
            }
            Value::Bytes(out)
        }
        Type::String => Value::Text(d.str()?.to_string()),
        Type::StringIndef => {
            let mut out = String::new();
            for chunk in d.str_iter()? {
                out.push_str(chunk?);
            }
            Value::Text(out)
        }
        Type::Break | Type::Unknown(_) => {
            return Err(minicbor::decode::Error::message(
                "an unexpected break or reserved byte",
            ))
        }
        _ => return Ok(None),
    };
    Ok(Some(v))
}

fn container(
    d: &mut Cbor<'_>,
    ty: Type,
    b: &mut Budget,
    depth: usize,
    start: usize,
) -> Result<Value, Error> {
    b.depth(depth + 1, start)?;
    match ty {
        Type::Array | Type::ArrayIndef => {
            let len = d.array().map_err(|e| err(start, e))?;
            let mut items = Vec::new();
            while more(d, len, items.len())? {
                items.push(item(d, b, depth + 1)?);
            }
            Ok(Value::Array(items))
        }
        Type::Map | Type::MapIndef => {
            let len = d.map().map_err(|e| err(start, e))?;
            let mut entries = Vec::new();
            while more(d, len, entries.len())? {
                let k = item(d, b, depth + 1)?;
                entries.push((k, item(d, b, depth + 1)?));
            }
            Ok(Value::Map(entries))
        }
        _ => {
            let tag = d.tag().map_err(|e| err(start, e))?;
            Ok(Value::Tagged(
                Tag::Cbor(tag.as_u64()),
                Box::new(item(d, b, depth + 1)?),
            ))
        }
    }
}

/// Whether a container of `len` items (`None`: indefinite, ended by a break) has another
/// after `read`; consumes the break.
fn more(d: &mut Cbor<'_>, len: Option<u64>, read: usize) -> Result<bool, Error> {
    let at = d.position();
    match len {
        Some(n) => Ok((read as u64) < n),
        None => match d.datatype() {
            Ok(Type::Break) => {
                d.set_position(at + 1);
                Ok(false)
            }
            Ok(_) => Ok(true),
            Err(e) => Err(err(at, e)),
        },
    }
}

/// An IEEE 754 half-precision number (RFC 8949 Appendix D).
fn half(h: u16) -> f64 {
    let exp = (h >> 10) & 0x1f;
    let mant = f64::from(h & 0x3ff);
    let v = match exp {
        0 => mant * 2f64.powi(-24),
        31 if mant == 0.0 => f64::INFINITY,
        31 => f64::NAN,
        e => (mant + 1024.0) * 2f64.powi(i32::from(e) - 25),
    };
    if h & 0x8000 != 0 {
        -v
    } else {
        v
    }
}
