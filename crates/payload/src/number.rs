//! Binary numbers, UTF-8 text and the raw bytes.

use crate::budget::Budget;
use crate::decoder::{ByteOrder, NumberKind};
use crate::error::{Error, ErrorKind};
use crate::value::{Node, Value};

/// The payload as numbers of `kind`: one number, or an array of them.
pub(crate) fn decode(
    payload: &[u8],
    kind: NumberKind,
    order: ByteOrder,
    b: &mut Budget,
) -> Result<Node, Error> {
    let width = kind.width();
    let len = payload.len();
    if len == 0 || len % width != 0 {
        let kind = ErrorKind::WrongLength { width, len };
        return Err(Error::new(len - len % width, kind));
    }
    let Node { value, span } = array(payload, 0, kind, order, b)?;
    match value {
        Value::Array(mut items) if items.len() == 1 => Ok(items.remove(0)),
        value => Ok(Node { value, span }),
    }
}

/// `bytes`, which sit at `base` in the payload, as an array of numbers of `kind` (empty for
/// no bytes); a length that is not a multiple of the width is an error.
pub(crate) fn array(
    bytes: &[u8],
    base: usize,
    kind: NumberKind,
    order: ByteOrder,
    b: &mut Budget,
) -> Result<Node, Error> {
    let width = kind.width();
    let len = bytes.len();
    if len % width != 0 {
        let kind = ErrorKind::WrongLength { width, len };
        return Err(Error::new(base + len - len % width, kind));
    }
    b.node(base)?;
    let mut items = Vec::with_capacity(len / width);
    for (i, chunk) in bytes.chunks_exact(width).enumerate() {
        let at = base + i * width;
        b.node(at)?;
        items.push(Node::new(one(chunk, kind, order), at..at + width));
    }
    Ok(Node::new(Value::Array(items), base..base + len))
}

fn one(chunk: &[u8], kind: NumberKind, order: ByteOrder) -> Value {
    let mut be = [0u8; 8];
    let w = chunk.len();
    be[8 - w..].copy_from_slice(chunk);
    if order == ByteOrder::Little {
        be[8 - w..].reverse();
    }
    let u = u64::from_be_bytes(be);
    let shift = 64 - 8 * w as u32;
    // Sign-extend by shifting the number to the top and back.
    let i = ((u << shift) as i64) >> shift;
    match kind {
        NumberKind::I8 | NumberKind::I16 | NumberKind::I32 | NumberKind::I64 => {
            Value::Integer(i.into())
        }
        NumberKind::U8 | NumberKind::U16 | NumberKind::U32 | NumberKind::U64 => {
            Value::Integer(u.into())
        }
        NumberKind::F32 => Value::Float(f32::from_bits(u as u32).into()),
        NumberKind::F64 => Value::Float(f64::from_bits(u)),
    }
}

/// The payload as UTF-8 text.
pub(crate) fn text(payload: &[u8], b: &mut Budget) -> Result<Node, Error> {
    let s = std::str::from_utf8(payload)
        .map_err(|e| Error::new(e.valid_up_to(), ErrorKind::BadUtf8))?;
    b.node(0)?;
    b.bytes(s.len(), 0)?;
    Ok(Node::new(Value::Text(s.to_string()), 0..payload.len()))
}

/// The payload as bytes.
pub(crate) fn bytes(payload: &[u8], b: &mut Budget) -> Result<Node, Error> {
    b.node(0)?;
    b.bytes(payload.len(), 0)?;
    Ok(Node::new(Value::Bytes(payload.to_vec()), 0..payload.len()))
}
