//! Protobuf's binary encoding read without a schema, like `protoc --decode_raw`: field
//! numbers and wire types. The wire format is small enough to read by hand (a varint key,
//! then a varint, 8 bytes, 4 bytes, or a varint length and that many bytes), so no library.
//!
//! A length-delimited field is shown as text when its bytes are printable UTF-8, else as a
//! nested message when they parse as one in full, else as bytes: the schema that would say
//! which is missing, so this is a guess (protoc tries the message first, and shows the text
//! "hi" as field 13 = 105; printable text rarely parses as a message of small field numbers,
//! whose keys are control bytes).

use crate::budget::Budget;
use crate::error::{Error, ErrorKind};
use crate::value::{Node, Tag, Value, WireType};

/// Decodes a message filling the payload: a map from field number to tagged value, in
/// payload order (a repeated field appears once per occurrence).
pub(crate) fn decode(payload: &[u8], b: &mut Budget) -> Result<Node, Error> {
    b.node(0)?;
    let entries = message(payload, 0, b, 0)?;
    Ok(Node::new(Value::Map(entries), 0..payload.len()))
}

/// The fields of `bytes`, which sit at `base` in the payload.
fn message(
    bytes: &[u8],
    base: usize,
    b: &mut Budget,
    depth: usize,
) -> Result<Vec<(Node, Node)>, Error> {
    b.depth(depth + 1, base)?;
    let mut i = 0;
    let mut entries = Vec::new();
    while i < bytes.len() {
        let start = i;
        let (number, wire) = key(bytes, &mut i, base)?;
        let key_node = Node::new(Value::Integer(number.into()), base + start..base + i);
        b.node(base + start)?;
        let (wire, value) = field(bytes, &mut i, base, wire, b, depth)?;
        b.node(base + start)?;
        let tagged = Value::Tagged(Tag::Protobuf(wire), Box::new(value));
        entries.push((key_node, Node::new(tagged, base + start..base + i)));
    }
    Ok(entries)
}

/// A field's key at `bytes[*i..]`: its number and wire type (0, 1, 2 or 5), checked.
pub(crate) fn key(bytes: &[u8], i: &mut usize, base: usize) -> Result<(u32, u8), Error> {
    let start = *i;
    let key = varint(bytes, i, base)?;
    let number = key >> 3;
    if number == 0 || number > 0x1FFF_FFFF {
        return Err(Error::invalid(
            base + start,
            format!("a field number in 1..=2^29-1, not {number}"),
        ));
    }
    match key & 7 {
        w @ (0 | 1 | 2 | 5) => Ok((number as u32, w as u8)),
        3 | 4 => Err(Error::invalid(
            base + start,
            "no group (wire types 3 and 4, deprecated)",
        )),
        w => Err(Error::invalid(
            base + start,
            format!("a wire type 0, 1, 2 or 5, not {w}"),
        )),
    }
}

/// The value of a field of wire type `wire` at `bytes[*i..]`, read without a schema.
pub(crate) fn field(
    bytes: &[u8],
    i: &mut usize,
    base: usize,
    wire: u8,
    b: &mut Budget,
    depth: usize,
) -> Result<(WireType, Node), Error> {
    let start = *i;
    let fixed = |i: &mut usize, n: usize| -> Result<u64, Error> {
        let raw = bytes
            .get(*i..*i + n)
            .ok_or_else(|| Error::truncated(base + *i))?;
        *i += n;
        Ok(raw.iter().rev().fold(0u64, |a, &x| (a << 8) | u64::from(x)))
    };
    b.node(base + start)?;
    let (wire, value) = match wire {
        0 => (
            WireType::Varint,
            Value::Integer(varint(bytes, i, base)?.into()),
        ),
        1 => (WireType::I64, Value::Integer(fixed(i, 8)?.into())),
        2 => {
            let n = varint(bytes, i, base)?;
            let at = *i;
            let end = usize::try_from(n).ok().and_then(|n| at.checked_add(n));
            let end = end
                .filter(|&e| e <= bytes.len())
                .ok_or_else(|| Error::truncated(base + at))?;
            *i = end;
            let node = len_value(&bytes[at..end], base + at, b, depth)?;
            return Ok((WireType::Len, node));
        }
        // Checked by the caller, with the key's offset.
        _ => (WireType::I32, Value::Integer(fixed(i, 4)?.into())),
    };
    Ok((wire, Node::new(value, base + start..base + *i)))
}

/// A length-delimited field's bytes: a nested message if they parse as one, else text, else
/// bytes. A failed guess costs nothing of the budget.
fn len_value(bytes: &[u8], at: usize, b: &mut Budget, depth: usize) -> Result<Node, Error> {
    let span = at..at + bytes.len();
    if let Some(s) = std::str::from_utf8(bytes).ok().filter(|s| printable(s)) {
        b.bytes(bytes.len(), at)?;
        return Ok(Node::new(Value::Text(s.to_string()), span));
    }
    if !bytes.is_empty() && depth + 1 < b.limits.max_depth {
        let mut trial = b.clone();
        if let Ok(entries) = message(bytes, at, &mut trial, depth + 1) {
            *b = trial;
            return Ok(Node::new(Value::Map(entries), span));
        }
    }
    b.bytes(bytes.len(), at)?;
    let value = match std::str::from_utf8(bytes) {
        Ok(s) => Value::Text(s.to_string()),
        Err(_) => Value::Bytes(bytes.to_vec()),
    };
    Ok(Node::new(value, span))
}

/// A base-128 varint of at most 10 bytes.
pub(crate) fn varint(bytes: &[u8], i: &mut usize, base: usize) -> Result<u64, Error> {
    let start = *i;
    let mut v = 0u64;
    for k in 0..10 {
        let byte = *bytes.get(*i).ok_or_else(|| Error::truncated(base + *i))?;
        *i += 1;
        if k == 9 && byte > 1 {
            return Err(Error::new(
                base + start,
                ErrorKind::Invalid("a varint of at most 64 bits".into()),
            ));
        }
        v |= u64::from(byte & 0x7f) << (7 * k);
        if byte & 0x80 == 0 {
            return Ok(v);
        }
    }
    Err(Error::invalid(base + start, "a varint of at most 10 bytes"))
}

/// Text with no control characters but tab, line feed and carriage return.
pub(crate) fn printable(s: &str) -> bool {
    s.chars()
        .all(|c| !c.is_control() || matches!(c, '\t' | '\n' | '\r'))
}
