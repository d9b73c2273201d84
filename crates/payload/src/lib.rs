//! Payload decoders for mqttscope: bytes in, one tree out.
//!
//! Every decoder reads the payload without changing it and returns a [`Node`]: a [`Value`]
//! with the byte range of the payload it came from, so a viewer can light up the bytes of a
//! decoded field. Malformed or truncated input gives an [`Error`] naming the byte offset,
//! never a panic; nesting depth and the size of the output are bounded by [`Limits`].
//!
//! The decoders are named by [`Decoder`] (`json`, `cbor`, `msgpack`, `protobuf-raw`,
//! `sparkplug`, `int16be`, ..., `text`, `hex`, `base64`); protobuf with the user's schema is
//! [`Decoder::Protobuf`] with a message type of a compiled [`Schema`]. [`detect`] picks a
//! decoder from the MQTT 5 Payload Format Indicator and Content Type, then from the topic and
//! the content, and says how sure it is. [`encode`] writes JSON text as CBOR, MessagePack or
//! protobuf for publishing. [`sparkplug::Session`] follows a Sparkplug B namespace: births,
//! metric aliases, deaths and sequence numbers.

#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod budget;
mod cbor;
mod decoder;
mod detect;
mod display;
pub mod encode;
mod error;
mod json;
mod msgpack;
mod number;
mod protobuf;
mod schema;
pub mod sparkplug;
mod value;

pub use budget::Limits;
pub use decoder::{ByteOrder, Decoder, NumberKind, UnknownDecoder};
pub use detect::{detect, Confidence, Detection, Hints};
pub use display::{render, BytesStyle};
pub use error::{Error, ErrorKind};
pub use schema::{MessageType, Schema, SchemaError};
pub use value::{Node, Tag, Value, WireType};

/// Decodes `payload` with `decoder` under `limits`.
pub fn decode(decoder: &Decoder, payload: &[u8], limits: &Limits) -> Result<Node, Error> {
    let mut b = budget::Budget::new(limits);
    match decoder {
        Decoder::Json => json::decode(payload, &mut b),
        Decoder::Cbor => cbor::decode(payload, &mut b),
        Decoder::MsgPack => msgpack::decode(payload, &mut b),
        Decoder::ProtobufRaw => protobuf::decode(payload, &mut b),
        Decoder::Protobuf(ty) => schema::walk::decode(&ty.0, payload, &mut b),
        Decoder::Sparkplug => sparkplug::decode(payload, &mut b),
        Decoder::Number(kind, order) => number::decode(payload, *kind, *order, &mut b),
        Decoder::Text => number::text(payload, &mut b),
        Decoder::Hex | Decoder::Base64 => number::bytes(payload, &mut b),
    }
}
