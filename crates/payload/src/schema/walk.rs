//! A payload read field by field with a message type's descriptor: names, types, enums,
//! nested and repeated fields, maps, each value with the bytes it came from.
//!
//! The rules are protobuf's own parsing rules: a repeated scalar may come packed (one
//! length-delimited run) or one element per key, whatever the schema declares; a field the
//! schema does not know is kept, by number, read as `protobuf-raw` reads it; a singular field
//! that occurs twice is shown twice, in payload order (a parser keeps the last). A field whose
//! wire type does not fit its declared type is an error at its key, since the bytes then do
//! not follow this schema.

use std::collections::HashMap;
use std::ops::Range;

use prost_reflect::{FieldDescriptor, Kind, MessageDescriptor};

use crate::budget::Budget;
use crate::error::{Error, ErrorKind};
use crate::protobuf;
use crate::value::{Node, Tag, Value};

/// Decodes a message of type `ty` filling the payload: a map from field name to value.
pub(crate) fn decode(
    ty: &MessageDescriptor,
    payload: &[u8],
    b: &mut Budget,
) -> Result<Node, Error> {
    b.node(0)?;
    let entries = message(ty, payload, 0, b, 0)?;
    Ok(Node::new(Value::Map(entries), 0..payload.len()))
}

/// Where one read is: the bytes of the message being read, their offset in the payload, the
/// budget and the nesting depth.
struct Reader<'a, 'b> {
    bytes: &'a [u8],
    base: usize,
    b: &'b mut Budget,
    depth: usize,
}

/// A message's fields as they are read: repeated fields and maps collect into the entry
/// their first occurrence made.
#[derive(Default)]
struct Fields {
    entries: Vec<(Node, Node)>,
    collections: HashMap<u32, usize>,
}

/// The fields of a message of type `ty` in `bytes`, which sit at `base` in the payload.
fn message(
    ty: &MessageDescriptor,
    bytes: &[u8],
    base: usize,
    b: &mut Budget,
    depth: usize,
) -> Result<Vec<(Node, Node)>, Error> {
    b.depth(depth + 1, base)?;
    let mut r = Reader {
        bytes,
        base,
        b,
        depth: depth + 1,
    };
    let mut fields = Fields::default();
    let mut i = 0;
    while i < bytes.len() {
        let start = i;
        let (number, wire) = protobuf::key(bytes, &mut i, base)?;
        let key_span = base + start..base + i;
        r.b.node(base + start)?;
        match ty.get_field(number) {
            Some(f) => known(&f, wire, key_span, &mut r, &mut i, &mut fields)?,
            None => {
                let (wire, value) = protobuf::field(bytes, &mut i, base, wire, r.b, depth)?;
                r.b.node(base + start)?;
                let key = Node::new(Value::Integer(number.into()), key_span);
                let tagged = Value::Tagged(Tag::Protobuf(wire), Box::new(value));
                fields
                    .entries
                    .push((key, Node::new(tagged, base + start..base + i)));
            }
        }
    }
    Ok(fields.entries)
}

/// A field the schema declares, at `r.bytes[*i..]` after its key.
fn known(
    f: &FieldDescriptor,
    wire: u8,
    key_span: Range<usize>,
    r: &mut Reader<'_, '_>,
    i: &mut usize,
    fields: &mut Fields,
) -> Result<(), Error> {
    let at = key_span.start;
    let kind = f.kind();
    if f.is_map() {
        expect_wire(f, &kind, wire, 2, at)?;
        let entry = map_entry(f, r, i)?;
        return collect(fields, f, key_span, entry, Value::Map(Vec::new()));
    }
    if f.is_list() && wire == 2 && packable(&kind) {
        let items = packed(&kind, r, i)?;
        for item in items {
            collect_item(fields, f, key_span.clone(), item)?;
        }
        return Ok(());
    }
    expect_wire(f, &kind, wire, wire_of(&kind), at)?;
    let value = scalar(&kind, r, i)?;
    if f.is_list() {
        return collect_item(fields, f, key_span, value);
    }
    fields.entries.push((name(f, key_span), value));
    Ok(())
}

fn name(f: &FieldDescriptor, span: Range<usize>) -> Node {
    Node::new(Value::Text(f.name().to_string()), span)
}

/// Adds one element to a repeated field's array.
fn collect_item(
    fields: &mut Fields,
    f: &FieldDescriptor,
    key_span: Range<usize>,
    item: Node,
) -> Result<(), Error> {
    collect(fields, f, key_span, item, Value::Array(Vec::new()))
}

/// Adds `item` to the collection (`empty`'s kind) field `f` has, making it at its first
/// occurrence. A map's item is a one-entry map. The collection's span grows to cover the item.
fn collect(
    fields: &mut Fields,
    f: &FieldDescriptor,
    key_span: Range<usize>,
    item: Node,
    empty: Value,
) -> Result<(), Error> {
    let index = *fields.collections.entry(f.number()).or_insert_with(|| {
        let span = item.span.clone().unwrap_or(key_span.clone());
        fields
            .entries
            .push((name(f, key_span), Node::new(empty, span)));
        fields.entries.len() - 1
    });
    let (_, node) = &mut fields.entries[index];
    if let (Some(have), Some(add)) = (&mut node.span, &item.span) {
        *have = have.start.min(add.start)..have.end.max(add.end);
    }
    match (&mut node.value, item.value) {
        (Value::Map(entries), Value::Map(new)) if f.is_map() => entries.extend(new),
        (Value::Array(items), value) => items.push(Node {
            value,
            span: item.span,
        }),
        // Not reached: a field is a map or a list by its descriptor, the same at every
        // occurrence, and `map_entry` always gives a map.
        _ => {}
    }
    Ok(())
}

/// One entry of a map field: a one-entry map from its key to its value, missing parts taking
/// their type's default as protobuf says.
fn map_entry(f: &FieldDescriptor, r: &mut Reader<'_, '_>, i: &mut usize) -> Result<Node, Error> {
    let (bytes, at) = length_delimited(r, i)?;
    let Kind::Message(entry) = f.kind() else {
        return Err(Error::invalid(at, "a map field whose entry is a message"));
    };
    let entries = message(&entry, bytes, at, r.b, r.depth)?;
    let span = at..at + bytes.len();
    let part = |name: &str, field: FieldDescriptor| {
        entries
            .iter()
            .rev()
            .find(|(k, _)| k.value == Value::Text(name.into()))
            .map(|(_, v)| v.clone())
            .unwrap_or_else(|| Node {
                value: default_of(&field.kind()),
                span: None,
            })
    };
    let key = part("key", entry.map_entry_key_field());
    let value = part("value", entry.map_entry_value_field());
    Ok(Node::new(Value::Map(vec![(key, value)]), span))
}

/// The value a missing field has.
fn default_of(kind: &Kind) -> Value {
    match kind {
        Kind::String => Value::Text(String::new()),
        Kind::Bytes => Value::Bytes(Vec::new()),
        Kind::Bool => Value::Bool(false),
        Kind::Float | Kind::Double => Value::Float(0.0),
        Kind::Message(_) => Value::Map(Vec::new()),
        Kind::Enum(e) => e
            .get_value(0)
            .map_or(Value::Integer(0), |v| Value::Text(v.name().to_string())),
        _ => Value::Integer(0),
    }
}

/// The elements of a packed repeated scalar: one length-delimited run of values.
fn packed(kind: &Kind, r: &mut Reader<'_, '_>, i: &mut usize) -> Result<Vec<Node>, Error> {
    let (bytes, at) = length_delimited(r, i)?;
    let mut inner = Reader {
        bytes,
        base: at,
        b: r.b,
        depth: r.depth,
    };
    let mut items = Vec::new();
    let mut j = 0;
    while j < bytes.len() {
        inner.b.node(at + j)?;
        items.push(scalar(kind, &mut inner, &mut j)?);
    }
    Ok(items)
}

/// A varint length and the bytes it counts, with their offset in the payload.
fn length_delimited<'a>(r: &Reader<'a, '_>, i: &mut usize) -> Result<(&'a [u8], usize), Error> {
    let n = protobuf::varint(r.bytes, i, r.base)?;
    let at = *i;
    let end = usize::try_from(n)
        .ok()
        .and_then(|n| at.checked_add(n))
        .filter(|&e| e <= r.bytes.len())
        .ok_or_else(|| Error::truncated(r.base + at))?;
    *i = end;
    Ok((&r.bytes[at..end], r.base + at))
}

/// One value of type `kind` at `r.bytes[*i..]`, its wire type already checked.
fn scalar(kind: &Kind, r: &mut Reader<'_, '_>, i: &mut usize) -> Result<Node, Error> {
    let start = *i;
    let value = match kind {
        Kind::String => {
            let (bytes, at) = length_delimited(r, i)?;
            r.b.bytes(bytes.len(), at)?;
            let text = std::str::from_utf8(bytes)
                .map_err(|e| Error::new(at + e.valid_up_to(), ErrorKind::BadUtf8))?;
            return Ok(Node::new(
                Value::Text(text.to_string()),
                at..at + bytes.len(),
            ));
        }
        Kind::Bytes => {
            let (bytes, at) = length_delimited(r, i)?;
            r.b.bytes(bytes.len(), at)?;
            return Ok(Node::new(
                Value::Bytes(bytes.to_vec()),
                at..at + bytes.len(),
            ));
        }
        Kind::Message(m) => {
            let (bytes, at) = length_delimited(r, i)?;
            let entries = message(m, bytes, at, r.b, r.depth)?;
            return Ok(Node::new(Value::Map(entries), at..at + bytes.len()));
        }
        Kind::Double => Value::Float(f64::from_bits(fixed(r, i, 8)?)),
        Kind::Float => Value::Float(f32::from_bits(fixed(r, i, 4)? as u32).into()),
        Kind::Fixed64 => Value::Integer(fixed(r, i, 8)?.into()),
        Kind::Sfixed64 => Value::Integer((fixed(r, i, 8)? as i64).into()),
        Kind::Fixed32 => Value::Integer(fixed(r, i, 4)?.into()),
        Kind::Sfixed32 => Value::Integer((fixed(r, i, 4)? as u32 as i32).into()),
        varint_kind => {
            let v = protobuf::varint(r.bytes, i, r.base)?;
            from_varint(varint_kind, v)
        }
    };
    Ok(Node::new(value, r.base + start..r.base + *i))
}

/// A varint read as the type the schema declares; 32-bit types keep the low 32 bits, as
/// every protobuf parser does.
fn from_varint(kind: &Kind, v: u64) -> Value {
    let zigzag = |n: u64| ((n >> 1) as i64) ^ -((n & 1) as i64);
    match kind {
        Kind::Int32 => Value::Integer((v as u32 as i32).into()),
        Kind::Int64 => Value::Integer((v as i64).into()),
        Kind::Uint32 => Value::Integer((v as u32).into()),
        Kind::Sint32 => Value::Integer(zigzag(u64::from(v as u32)).into()),
        Kind::Sint64 => Value::Integer(zigzag(v).into()),
        Kind::Bool => Value::Bool(v != 0),
        Kind::Enum(e) => {
            let n = v as u32 as i32;
            e.get_value(n).map_or(Value::Integer(n.into()), |ev| {
                Value::Text(ev.name().to_string())
            })
        }
        _ => Value::Integer(v.into()),
    }
}

/// `n` little-endian bytes.
fn fixed(r: &Reader<'_, '_>, i: &mut usize, n: usize) -> Result<u64, Error> {
    let raw = r
        .bytes
        .get(*i..*i + n)
        .ok_or_else(|| Error::truncated(r.base + *i))?;
    *i += n;
    Ok(raw.iter().rev().fold(0u64, |a, &x| (a << 8) | u64::from(x)))
}

/// Whether a repeated field of this type may come packed.
fn packable(kind: &Kind) -> bool {
    !matches!(kind, Kind::String | Kind::Bytes | Kind::Message(_))
}

/// The wire type values of this type are written with.
fn wire_of(kind: &Kind) -> u8 {
    match kind {
        Kind::Double | Kind::Fixed64 | Kind::Sfixed64 => 1,
        Kind::Float | Kind::Fixed32 | Kind::Sfixed32 => 5,
        Kind::String | Kind::Bytes | Kind::Message(_) => 2,
        _ => 0,
    }
}

fn expect_wire(
    f: &FieldDescriptor,
    kind: &Kind,
    wire: u8,
    want: u8,
    at: usize,
) -> Result<(), Error> {
    if wire == want {
        return Ok(());
    }
    let wire_name = |w: u8| match w {
        0 => "0 (varint)",
        1 => "1 (8 bytes)",
        2 => "2 (length-delimited)",
        _ => "5 (4 bytes)",
    };
    Err(Error::invalid(
        at,
        format!(
            "field `{}` ({}) is {}: wire type {}, not {}",
            f.name(),
            f.number(),
            type_name(f, kind),
            wire_name(want),
            wire_name(wire)
        ),
    ))
}

fn type_name(f: &FieldDescriptor, kind: &Kind) -> String {
    match kind {
        _ if f.is_map() => "a map".into(),
        Kind::Message(m) => format!("a message `{}`", m.full_name()),
        Kind::Enum(e) => format!("an enum `{}`", e.full_name()),
        Kind::Double => "a double".into(),
        Kind::Float => "a float".into(),
        Kind::Int32 => "an int32".into(),
        Kind::Int64 => "an int64".into(),
        Kind::Uint32 => "a uint32".into(),
        Kind::Uint64 => "a uint64".into(),
        Kind::Sint32 => "a sint32".into(),
        Kind::Sint64 => "a sint64".into(),
        Kind::Fixed32 => "a fixed32".into(),
        Kind::Fixed64 => "a fixed64".into(),
        Kind::Sfixed32 => "an sfixed32".into(),
        Kind::Sfixed64 => "an sfixed64".into(),
        Kind::Bool => "a bool".into(),
        Kind::String => "a string".into(),
        Kind::Bytes => "bytes".into(),
    }
}
