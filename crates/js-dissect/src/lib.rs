//! The wasm-bindgen glue of the npm package's `mqttscope/dissect` entry: the core's
//! dissector and codec behind functions that take and return plain JavaScript values.
//!
//! The package's hand-written JavaScript (`npm/dissect/core.js`) checks the arguments'
//! outer shape, turns the version option into a protocol level, and turns the error
//! objects thrown here into its error classes; the TypeScript declarations people read
//! are `npm/dissect/index.d.ts`. Nothing here panics on any input: every failure is
//! thrown as an error object (see [`error`]).
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod error;
pub mod packet;
pub mod packet_from;
pub mod tree;
use mqttscope_js_glue::{Fault, ToJs};
use mqttscope_proto::{Packet, ProtocolVersion};
use wasm_bindgen::prelude::*;

/// The version for a protocol level (3, 4 or 5), or a `UsageError` object.
fn version(level: u8) -> Result<ProtocolVersion, JsValue> {
    ProtocolVersion::from_level(level)
        .ok_or_else(|| Fault::new("options.version", "3 (3.1), 4 (3.1.1) or 5 (5.0)").to_js())
}

/// The field tree of the packet at the start of `bytes`; malformed input is dissected up
/// to the offending byte and the tree's `error` names it (nothing is thrown for it).
#[wasm_bindgen]
pub fn dissect(bytes: &[u8], level: u8) -> Result<JsValue, JsValue> {
    let d = mqttscope_proto::dissect::dissect(bytes, version(level)?);
    Ok(tree::to_js(&d))
}

/// The packet that fills `bytes` as a plain object; throws a `DecodeError` object for
/// malformed, short or trailing bytes.
#[wasm_bindgen]
pub fn decode(bytes: &[u8], level: u8) -> Result<JsValue, JsValue> {
    let v = version(level)?;
    let packet = Packet::decode_exact(bytes, v).map_err(|e| error::decode(&e))?;
    let v = match &packet {
        Packet::Connect(c) => c.protocol,
        _ => v,
    };
    Ok(packet::to_js(&packet, v))
}

/// The bytes of the packet `packet` describes; throws a `UsageError` object for a value
/// of the wrong type or a packet the specification forbids sending in this version.
#[wasm_bindgen]
pub fn encode(packet: JsValue, level: u8) -> Result<Vec<u8>, JsValue> {
    let v = version(level)?;
    let packet = packet_from::from_js(&packet, v).map_err(|f| f.to_js())?;
    let mut out = Vec::new();
    packet.encode(v, &mut out).map_err(|e| error::usage(&e))?;
    Ok(out)
}

/// The bytes hex text spells (`30 02 00 07`, `0x30,0x02`, `3002`); throws a `UsageError`
/// object naming the character at fault.
#[wasm_bindgen(js_name = parseHex)]
pub fn parse_hex(text: &str) -> Result<Vec<u8>, JsValue> {
    mqttscope_proto::hex::parse_hex(text).map_err(|e| error::hex(&e))
}
