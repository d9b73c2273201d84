//! Sparkplug B data types (specification 3.0, §6.4.16): their names, and a metric's value
//! read as its data type says, from the protobuf field it travels in.

use crate::budget::Budget;
use crate::decoder::{ByteOrder, NumberKind};
use crate::error::Error;
use crate::number;
use crate::value::{Node, Value};

/// The data type names by number, 0 to 34.
const NAMES: [&str; 35] = [
    "Unknown",
    "Int8",
    "Int16",
    "Int32",
    "Int64",
    "UInt8",
    "UInt16",
    "UInt32",
    "UInt64",
    "Float",
    "Double",
    "Boolean",
    "String",
    "DateTime",
    "Text",
    "UUID",
    "DataSet",
    "Bytes",
    "File",
    "Template",
    "PropertySet",
    "PropertySetList",
    "Int8Array",
    "Int16Array",
    "Int32Array",
    "Int64Array",
    "UInt8Array",
    "UInt16Array",
    "UInt32Array",
    "UInt64Array",
    "FloatArray",
    "DoubleArray",
    "BooleanArray",
    "StringArray",
    "DateTimeArray",
];

/// The name of data type `n`, if it is one.
pub(crate) fn name(n: u32) -> Option<&'static str> {
    NAMES.get(n as usize).copied()
}

/// The number type of a numeric array data type (22 to 31, and 34), little-endian on the wire.
fn array_kind(n: u32) -> Option<NumberKind> {
    Some(match n {
        22 => NumberKind::I8,
        23 => NumberKind::I16,
        24 => NumberKind::I32,
        25 => NumberKind::I64,
        26 => NumberKind::U8,
        27 => NumberKind::U16,
        28 => NumberKind::U32,
        29 | 34 => NumberKind::U64,
        30 => NumberKind::F32,
        31 => NumberKind::F64,
        _ => return None,
    })
}

/// `value` (from a metric's `int_value`, `long_value` or `bytes_value`) as data type `n`
/// reads it: signed integers from their two's complement in the low bits (writers put -1 of
/// an Int8 as 255 or as 2^32-1: both read as -1), arrays from their packed bytes. Anything
/// else is returned as it is.
pub(crate) fn read(n: u32, value: Node, b: &mut Budget) -> Result<Node, Error> {
    let span = value.span.clone();
    let signed = |v: i128, bits: u32| -> Value {
        let shift = 128 - bits;
        Value::Integer((v << shift) >> shift)
    };
    let converted = match (&value.value, n) {
        (Value::Integer(v), 1) => signed(*v, 8),
        (Value::Integer(v), 2) => signed(*v, 16),
        (Value::Integer(v), 3) => signed(*v, 32),
        (Value::Integer(v), 4) => signed(*v, 64),
        (Value::Bytes(bytes), 32) => return booleans(bytes, span.map_or(0, |s| s.start), b),
        (Value::Bytes(bytes), 33) => return strings(bytes, span.map_or(0, |s| s.start), b),
        (Value::Bytes(bytes), n) => match array_kind(n) {
            Some(kind) => {
                let at = span.map_or(0, |s| s.start);
                return number::array(bytes, at, kind, ByteOrder::Little, b);
            }
            None => return Ok(value),
        },
        _ => return Ok(value),
    };
    Ok(Node {
        value: converted,
        span,
    })
}

/// A BooleanArray: a 4-byte little-endian count, then the booleans one bit each, the first
/// in the high bit.
fn booleans(bytes: &[u8], at: usize, b: &mut Budget) -> Result<Node, Error> {
    let Some((count, bits)) = bytes.split_first_chunk::<4>() else {
        return Err(Error::truncated(at + bytes.len()));
    };
    let count = u32::from_le_bytes(*count) as usize;
    if bits.len() * 8 < count {
        return Err(Error::truncated(at + bytes.len()));
    }
    b.node(at)?;
    let mut items = Vec::with_capacity(count);
    for i in 0..count {
        b.node(at + 4 + i / 8)?;
        let byte = at + 4 + i / 8;
        let set = bits[i / 8] & (0x80 >> (i % 8)) != 0;
        items.push(Node::new(Value::Bool(set), byte..byte + 1));
    }
    Ok(Node::new(Value::Array(items), at..at + bytes.len()))
}

/// A StringArray: UTF-8 strings, each ended by a zero byte.
fn strings(bytes: &[u8], at: usize, b: &mut Budget) -> Result<Node, Error> {
    b.node(at)?;
    let mut items = Vec::new();
    let mut start = 0;
    for (i, _) in bytes.iter().enumerate().filter(|(_, &x)| x == 0) {
        b.node(at + start)?;
        b.bytes(i - start, at + start)?;
        let text = std::str::from_utf8(&bytes[start..i]).map_err(|e| {
            Error::new(
                at + start + e.valid_up_to(),
                crate::error::ErrorKind::BadUtf8,
            )
        })?;
        items.push(Node::new(Value::Text(text.into()), at + start..at + i));
        start = i + 1;
    }
    if start != bytes.len() {
        return Err(Error::invalid(
            at + bytes.len(),
            "a zero byte ending the last string",
        ));
    }
    Ok(Node::new(Value::Array(items), at..at + bytes.len()))
}
