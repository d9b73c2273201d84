//! The decoders by name: the `--decode` name space.

use std::fmt;
use std::str::FromStr;

use crate::schema::MessageType;

/// A payload decoder. Names (see [`Decoder::from_str`]): `json`, `cbor`, `msgpack`,
/// `protobuf-raw`, `text`, `hex`, `base64`, and the binary numbers `int8`, `uint8`,
/// `int16be`, `int16le`, `uint16be`, ..., `int64le`, `uint64be`, `float32be`, `float64le`,
/// and `sparkplug`. Protobuf with a schema has no name of its own here: it needs the schema
/// ([`crate::Schema`]); the CLI spells it `protobuf=FILE.proto:Type`.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Decoder {
    /// JSON text (RFC 8259).
    Json,
    /// CBOR (RFC 8949), one data item.
    Cbor,
    /// MessagePack, one value.
    MsgPack,
    /// Protobuf's binary encoding without a schema: field numbers and wire types.
    ProtobufRaw,
    /// Protobuf's binary encoding read as a message type of the user's schema.
    Protobuf(MessageType),
    /// A Sparkplug B payload (its schema built in), read alone: metric aliases are resolved
    /// and sequence numbers checked by a [`crate::sparkplug::Session`], which sees the
    /// births.
    Sparkplug,
    /// Binary numbers of one kind and byte order; a payload of several is an array.
    Number(NumberKind, ByteOrder),
    /// UTF-8 text.
    Text,
    /// The raw bytes, shown as hex.
    Hex,
    /// The raw bytes, shown as base64.
    Base64,
}

/// A binary number's type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum NumberKind {
    I8,
    U8,
    I16,
    U16,
    I32,
    U32,
    I64,
    U64,
    F32,
    F64,
}

/// A binary number's byte order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ByteOrder {
    /// Most significant byte first (network order).
    Big,
    /// Least significant byte first.
    Little,
}

const KINDS: [(NumberKind, &str); 10] = [
    (NumberKind::I8, "int8"),
    (NumberKind::U8, "uint8"),
    (NumberKind::I16, "int16"),
    (NumberKind::U16, "uint16"),
    (NumberKind::I32, "int32"),
    (NumberKind::U32, "uint32"),
    (NumberKind::I64, "int64"),
    (NumberKind::U64, "uint64"),
    (NumberKind::F32, "float32"),
    (NumberKind::F64, "float64"),
];

impl NumberKind {
    /// Bytes per number.
    pub fn width(self) -> usize {
        match self {
            NumberKind::I8 | NumberKind::U8 => 1,
            NumberKind::I16 | NumberKind::U16 => 2,
            NumberKind::I32 | NumberKind::U32 | NumberKind::F32 => 4,
            NumberKind::I64 | NumberKind::U64 | NumberKind::F64 => 8,
        }
    }

    fn name(self) -> &'static str {
        KINDS
            .iter()
            .find(|(k, _)| *k == self)
            .map_or("", |(_, n)| n)
    }
}

impl Decoder {
    /// Every name [`Decoder::from_str`] accepts, for help texts.
    pub fn names() -> Vec<String> {
        let mut v: Vec<String> = [
            "json",
            "cbor",
            "msgpack",
            "protobuf-raw",
            "text",
            "hex",
            "base64",
        ]
        .map(String::from)
        .to_vec();
        for (k, _) in KINDS {
            for o in [ByteOrder::Big, ByteOrder::Little] {
                let name = Decoder::Number(k, o).to_string();
                if !v.contains(&name) {
                    v.push(name);
                }
            }
        }
        // Last, so that the fuzz seeds' first byte keeps naming the same decoder.
        v.push("sparkplug".into());
        v
    }
}

impl fmt::Display for Decoder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Decoder::Json => f.write_str("json"),
            Decoder::Cbor => f.write_str("cbor"),
            Decoder::MsgPack => f.write_str("msgpack"),
            Decoder::ProtobufRaw => f.write_str("protobuf-raw"),
            Decoder::Protobuf(ty) => write!(f, "protobuf:{}", ty.full_name()),
            Decoder::Sparkplug => f.write_str("sparkplug"),
            Decoder::Text => f.write_str("text"),
            Decoder::Hex => f.write_str("hex"),
            Decoder::Base64 => f.write_str("base64"),
            Decoder::Number(k, _) if k.width() == 1 => f.write_str(k.name()),
            Decoder::Number(k, ByteOrder::Big) => write!(f, "{}be", k.name()),
            Decoder::Number(k, ByteOrder::Little) => write!(f, "{}le", k.name()),
        }
    }
}

/// A name that is not a decoder.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownDecoder(pub String);

impl fmt::Display for UnknownDecoder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unknown decoder `{}` (known: {})",
            self.0,
            Decoder::names().join(", ")
        )
    }
}

impl std::error::Error for UnknownDecoder {}

impl FromStr for Decoder {
    type Err = UnknownDecoder;

    fn from_str(s: &str) -> Result<Decoder, UnknownDecoder> {
        let fixed = match s {
            "json" => Some(Decoder::Json),
            "cbor" => Some(Decoder::Cbor),
            "msgpack" => Some(Decoder::MsgPack),
            "protobuf-raw" => Some(Decoder::ProtobufRaw),
            "sparkplug" => Some(Decoder::Sparkplug),
            "text" => Some(Decoder::Text),
            "hex" => Some(Decoder::Hex),
            "base64" => Some(Decoder::Base64),
            _ => None,
        };
        fixed
            .or_else(|| number(s))
            .ok_or_else(|| UnknownDecoder(s.to_string()))
    }
}

fn number(s: &str) -> Option<Decoder> {
    let (base, order) = if let Some(b) = s.strip_suffix("be") {
        (b, ByteOrder::Big)
    } else if let Some(b) = s.strip_suffix("le") {
        (b, ByteOrder::Little)
    } else {
        (s, ByteOrder::Big)
    };
    let (kind, _) = KINDS.iter().find(|(_, n)| *n == base)?;
    // One byte has no order; wider numbers must name theirs.
    (kind.width() == 1 || base != s).then_some(Decoder::Number(*kind, order))
}
