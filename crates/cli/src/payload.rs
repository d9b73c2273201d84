//! `sub --decode` and `pub --encode`: the payload decoders and encoders of
//! `mqttscope-payload` on the command line.

use mqttscope_payload::encode::{json_to_cbor, json_to_msgpack};
use mqttscope_payload::{decode, detect, render, BytesStyle, Decoder, Hints, Limits, Value};

/// What `--decode` asked for: a decoder, or `auto`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decode {
    /// Detect the format per message.
    Auto,
    /// Always this decoder.
    With(Decoder),
}

/// Parses a `--decode` value.
pub fn parse_decode(s: &str) -> Result<Decode, String> {
    if s == "auto" {
        return Ok(Decode::Auto);
    }
    s.parse().map(Decode::With).map_err(|e| e.to_string())
}

/// What `--encode` asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Encode {
    /// CBOR (RFC 8949).
    Cbor,
    /// MessagePack.
    Msgpack,
}

/// The JSON text `payload` in the encoding asked for; an error names the offending byte.
pub fn encode(e: Encode, payload: &[u8]) -> Result<Vec<u8>, String> {
    let limits = Limits::default();
    let out = match e {
        Encode::Cbor => json_to_cbor(payload, &limits),
        Encode::Msgpack => json_to_msgpack(payload, &limits),
    };
    out.map_err(|err| format!("the message is not JSON to encode: {err}"))
}

/// One message's payload decoded, as one line: the value, or `! <decoder>: <error>`. With
/// `auto`, prefixed with the decoder chosen and how sure: `[cbor, likely] {..}`.
/// `hints` are the message's Payload Format Indicator and Content Type.
pub fn line(d: Decode, payload: &[u8], hints: Hints<'_>) -> String {
    match d {
        Decode::With(decoder) => decoded(decoder, payload),
        Decode::Auto => {
            let found = detect(payload, hints);
            format!(
                "[{}, {}] {}",
                found.decoder,
                found.confidence,
                decoded(found.decoder, payload)
            )
        }
    }
}

fn decoded(decoder: Decoder, payload: &[u8]) -> String {
    match decode(&decoder, payload, &Limits::default()) {
        Ok(node) => match (&node.value, decoder) {
            // The raw views print the bytes bare.
            (Value::Bytes(b), Decoder::Hex) => b.iter().map(|x| format!("{x:02x}")).collect(),
            (Value::Bytes(_), Decoder::Base64) => {
                let s = render(&node, BytesStyle::Base64);
                s.trim_start_matches("b64'")
                    .trim_end_matches('\'')
                    .to_string()
            }
            _ => render(&node, BytesStyle::Hex),
        },
        Err(e) => format!("! {decoder}: {e}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_for_fixed_and_auto_decoders() {
        let none = Hints::default();
        let cbor = [0xa1, 0x61, b'a', 0x01];
        let d = |s| parse_decode(s).unwrap();
        assert_eq!(line(d("cbor"), &cbor, none), r#"{"a": 1}"#);
        assert_eq!(line(d("auto"), &cbor, none), r#"[cbor, likely] {"a": 1}"#);
        assert_eq!(line(d("hex"), b"hi", none), "6869");
        assert_eq!(line(d("base64"), b"hi", none), "aGk=");
        assert_eq!(line(d("int16le"), &[1, 0], none), "1");
        assert_eq!(
            line(d("msgpack"), &[0x92, 0x01], none),
            "! msgpack: at byte 2: the payload ends inside a value"
        );
        let declared = Hints {
            utf8: None,
            content_type: Some("application/cbor"),
        };
        assert_eq!(
            line(d("auto"), &cbor, declared),
            r#"[cbor, declared] {"a": 1}"#
        );
        assert!(parse_decode("cbor2")
            .unwrap_err()
            .contains("unknown decoder"));
    }

    #[test]
    fn encodes_json() {
        assert_eq!(encode(Encode::Cbor, b"[1]").unwrap(), [0x81, 0x01]);
        assert_eq!(encode(Encode::Msgpack, b"[1]").unwrap(), [0x91, 0x01]);
        let e = encode(Encode::Cbor, b"[1,]").unwrap_err();
        assert!(e.contains("at byte 3"), "{e}");
    }
}
