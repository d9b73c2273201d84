//! The one tree every decoder produces.

use std::ops::Range;

/// One decoded value and the bytes of the payload it came from.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    /// The value.
    pub value: Value,
    /// The byte range of the payload this value was read from (header and content), where
    /// the format allows it.
    pub span: Option<Range<usize>>,
}

/// A decoded value.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// JSON `null`, CBOR null or undefined, MessagePack nil.
    Null,
    /// A boolean.
    Bool(bool),
    /// An integer: wide enough for every format's range (CBOR reaches -2^64).
    Integer(i128),
    /// A floating-point number.
    Float(f64),
    /// UTF-8 text.
    Text(String),
    /// Bytes (a CBOR byte string, a MessagePack bin, a protobuf field that is neither a
    /// message nor text, or the whole payload for `hex` and `base64`).
    Bytes(Vec<u8>),
    /// An array.
    Array(Vec<Node>),
    /// A map, its entries in payload order (keys may repeat: protobuf fields do).
    Map(Vec<(Node, Node)>),
    /// A value under a tag: a CBOR tag, a MessagePack extension type, a protobuf wire type.
    Tagged(Tag, Box<Node>),
}

/// What a [`Value::Tagged`] is tagged with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Tag {
    /// A CBOR tag number (RFC 8949 §3.4).
    Cbor(u64),
    /// A CBOR simple value (RFC 8949 §3.3) other than false, true, null and undefined;
    /// the tagged value is its number.
    CborSimple,
    /// A MessagePack extension type; the tagged value is its data as bytes.
    MsgPackExt(i8),
    /// A protobuf field's wire type.
    Protobuf(WireType),
}

/// The wire types of protobuf's binary encoding.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WireType {
    /// 0: a base-128 varint.
    Varint,
    /// 1: eight bytes, little-endian.
    I64,
    /// 2: a varint length, then that many bytes.
    Len,
    /// 5: four bytes, little-endian.
    I32,
}

impl Node {
    /// A node with a known byte range.
    pub fn new(value: Value, span: Range<usize>) -> Node {
        Node {
            value,
            span: Some(span),
        }
    }

    /// The same tree with every byte range removed: for comparing values from different
    /// encodings.
    pub fn without_spans(&self) -> Node {
        let value = match &self.value {
            Value::Array(items) => Value::Array(items.iter().map(Node::without_spans).collect()),
            Value::Map(entries) => Value::Map(
                entries
                    .iter()
                    .map(|(k, v)| (k.without_spans(), v.without_spans()))
                    .collect(),
            ),
            Value::Tagged(t, v) => Value::Tagged(*t, Box::new(v.without_spans())),
            other => other.clone(),
        };
        Node { value, span: None }
    }
}

impl From<Value> for Node {
    fn from(value: Value) -> Node {
        Node { value, span: None }
    }
}
