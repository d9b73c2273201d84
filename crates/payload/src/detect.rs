//! `auto`: which decoder fits a payload, from what the publisher declared (MQTT 5 Payload
//! Format Indicator and Content Type), then from the content, and how sure that is.

use std::fmt;

use crate::budget::Limits;
use crate::decoder::Decoder;
use crate::protobuf::printable;

/// What the message says about its payload (MQTT 5 PUBLISH properties).
#[derive(Clone, Copy, Debug, Default)]
pub struct Hints<'a> {
    /// Payload Format Indicator: `Some(true)` for 1 (UTF-8 text), `Some(false)` for 0.
    pub utf8: Option<bool>,
    /// Content Type.
    pub content_type: Option<&'a str>,
    /// The topic name, which can say Sparkplug B (`spBv1.0/...`).
    pub topic: Option<&'a str>,
}

/// How sure a [`Detection`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Confidence {
    /// Nothing fitted better: the bytes as hex.
    Fallback,
    /// The bytes parse in full in this format, but could be another.
    Guess,
    /// The bytes parse in full in this format and hardly in another.
    Likely,
    /// The publisher declared it (Content Type, or the Payload Format Indicator).
    Declared,
}

/// The decoder [`detect`] chose and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Detection {
    /// The decoder.
    pub decoder: Decoder,
    /// How sure.
    pub confidence: Confidence,
    /// Why, in a few words.
    pub reason: String,
}

impl fmt::Display for Confidence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Confidence::Fallback => "fallback",
            Confidence::Guess => "guess",
            Confidence::Likely => "likely",
            Confidence::Declared => "declared",
        })
    }
}

/// The decoder a Content Type names, if any.
fn by_content_type(ct: &str) -> Option<Decoder> {
    let essence = ct
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    let suffix = essence.rsplit('+').next().unwrap_or("");
    Some(match essence.as_str() {
        "application/json" | "text/json" => Decoder::Json,
        "application/cbor" => Decoder::Cbor,
        "application/msgpack" | "application/x-msgpack" | "application/vnd.msgpack" => {
            Decoder::MsgPack
        }
        "application/protobuf" | "application/x-protobuf" | "application/vnd.google.protobuf" => {
            Decoder::ProtobufRaw
        }
        "application/octet-stream" => Decoder::Hex,
        _ if suffix == "json" && essence.contains('+') => Decoder::Json,
        _ if suffix == "cbor" && essence.contains('+') => Decoder::Cbor,
        _ if essence.starts_with("text/") => Decoder::Text,
        _ => return None,
    })
}

fn fits(d: Decoder, payload: &[u8]) -> bool {
    let limits = Limits::default();
    crate::decode(&d, payload, &limits).is_ok()
}

fn found(decoder: Decoder, confidence: Confidence, reason: impl Into<String>) -> Detection {
    Detection {
        decoder,
        confidence,
        reason: reason.into(),
    }
}

/// Picks a decoder for `payload`: the Content Type if it names one, then the Payload Format
/// Indicator (UTF-8: JSON if it parses, else text), then a Sparkplug B topic whose payload
/// parses as Sparkplug (the topic alone is not enough: other payloads travel there too), then
/// the content: JSON, printable text, CBOR, MessagePack, protobuf, in that order, each only if
/// the whole payload parses; else hex. Never fails.
pub fn detect(payload: &[u8], hints: Hints<'_>) -> Detection {
    if let Some(ct) = hints.content_type {
        if let Some(d) = by_content_type(ct) {
            return found(d, Confidence::Declared, format!("content type {ct}"));
        }
    }
    if hints.utf8 == Some(true) {
        return if fits(Decoder::Json, payload) {
            found(
                Decoder::Json,
                Confidence::Declared,
                "UTF-8 declared, parses as JSON",
            )
        } else {
            found(Decoder::Text, Confidence::Declared, "UTF-8 declared")
        };
    }
    let sparkplug = hints
        .topic
        .and_then(crate::sparkplug::Topic::parse)
        .is_some_and(|t| t.kind.is_protobuf());
    if sparkplug && fits(Decoder::Sparkplug, payload) {
        let why = "Sparkplug B topic, parses as a Sparkplug payload";
        return found(Decoder::Sparkplug, Confidence::Likely, why);
    }
    sniff(payload)
}

fn sniff(payload: &[u8]) -> Detection {
    if payload.is_empty() {
        return found(Decoder::Hex, Confidence::Fallback, "empty");
    }
    if fits(Decoder::Json, payload) {
        return found(Decoder::Json, Confidence::Likely, "parses as JSON");
    }
    if std::str::from_utf8(payload).is_ok_and(printable) {
        return found(Decoder::Text, Confidence::Likely, "printable UTF-8");
    }
    let cbor = fits(Decoder::Cbor, payload);
    let msgpack = fits(Decoder::MsgPack, payload);
    match (cbor, msgpack) {
        (true, false) => found(Decoder::Cbor, Confidence::Likely, "parses as CBOR"),
        (false, true) => found(
            Decoder::MsgPack,
            Confidence::Likely,
            "parses as MessagePack",
        ),
        (true, true) => found(
            Decoder::Cbor,
            Confidence::Guess,
            "parses as CBOR and as MessagePack",
        ),
        (false, false) if fits(Decoder::ProtobufRaw, payload) => found(
            Decoder::ProtobufRaw,
            Confidence::Guess,
            "parses as protobuf",
        ),
        _ => found(Decoder::Hex, Confidence::Fallback, "no format fits"),
    }
}
