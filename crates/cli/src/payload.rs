//! `sub --decode` and `pub --encode`: the payload decoders and encoders of
//! `mqttscope-payload` on the command line.

use std::path::Path;

use mqttscope_payload::encode::{json_to_cbor, json_to_msgpack, json_to_protobuf};
use mqttscope_payload::sparkplug::{Session, Topic};
use mqttscope_payload::{
    decode, detect, render, BytesStyle, Decoder, Hints, Limits, MessageType, Schema, Value,
};

/// What `--decode` asked for: a decoder, or `auto`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Decode {
    /// Detect the format per message.
    Auto,
    /// Always this decoder.
    With(Decoder),
}

/// Parses a `--decode` value: `auto`, a decoder's name, or `protobuf=FILE.proto:Type`.
pub fn parse_decode(s: &str) -> Result<Decode, String> {
    if s == "auto" {
        return Ok(Decode::Auto);
    }
    if let Some(spec) = s.strip_prefix("protobuf=") {
        return schema_type(spec).map(|ty| Decode::With(Decoder::Protobuf(ty)));
    }
    s.parse()
        .map(Decode::With)
        .map_err(|e| format!("{e}, or protobuf=FILE.proto:Type"))
}

/// `FILE.proto:Type`: the file compiled (its imports read from its folder) and the type.
fn schema_type(spec: &str) -> Result<MessageType, String> {
    let (file, ty) = spec
        .rsplit_once(':')
        .filter(|(f, t)| !f.is_empty() && !t.is_empty())
        .ok_or_else(|| format!("`{spec}`: give the schema as FILE.proto:package.Type"))?;
    let path = Path::new(file);
    let dir = path.parent().unwrap_or(Path::new("")).to_path_buf();
    let main = path
        .file_name()
        .and_then(|n| n.to_str())
        .ok_or_else(|| format!("`{file}` is not a file name"))?
        .to_string();
    if !path.is_file() {
        return Err(format!("cannot read the schema {file}: no such file"));
    }
    let schema = Schema::compile(&main, move |name| {
        std::fs::read_to_string(dir.join(name)).ok()
    })
    .map_err(|e| format!("the schema does not compile: {e}"))?;
    schema.message(ty).map_err(|e| e.to_string())
}

/// What `--encode` asked for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Encode {
    /// CBOR (RFC 8949).
    Cbor,
    /// MessagePack.
    Msgpack,
    /// Protobuf, a message type of the user's schema.
    Protobuf(MessageType),
}

/// Parses an `--encode` value: `cbor`, `msgpack` or `protobuf=FILE.proto:Type`.
pub fn parse_encode(s: &str) -> Result<Encode, String> {
    match s {
        "cbor" => Ok(Encode::Cbor),
        "msgpack" => Ok(Encode::Msgpack),
        _ => match s.strip_prefix("protobuf=") {
            Some(spec) => schema_type(spec).map(Encode::Protobuf),
            None => Err(format!(
                "unknown encoding `{s}` (known: cbor, msgpack, protobuf=FILE.proto:Type)"
            )),
        },
    }
}

impl Encode {
    /// The MQTT 5 Content Type a message in this encoding declares.
    pub fn content_type(&self) -> String {
        match self {
            Encode::Cbor => "application/cbor".into(),
            Encode::Msgpack => "application/vnd.msgpack".into(),
            Encode::Protobuf(ty) => format!("application/protobuf; proto={}", ty.full_name()),
        }
    }
}

/// The JSON text `payload` in the encoding asked for; an error names the offending byte.
pub fn encode(e: &Encode, payload: &[u8]) -> Result<Vec<u8>, String> {
    let limits = Limits::default();
    let out = match e {
        Encode::Cbor => json_to_cbor(payload, &limits),
        Encode::Msgpack => json_to_msgpack(payload, &limits),
        Encode::Protobuf(ty) => json_to_protobuf(ty, payload, &limits),
    };
    out.map_err(|err| format!("the message is not JSON to encode: {err}"))
}

/// Prints messages decoded, one line each, following a Sparkplug B namespace across
/// messages (births give the names of metrics later sent by alias).
#[derive(Debug)]
pub struct Printer {
    decode: Decode,
    sparkplug: Session,
}

impl Printer {
    /// A printer for what `--decode` asked.
    pub fn new(decode: Decode) -> Printer {
        Printer {
            decode,
            sparkplug: Session::new(),
        }
    }

    /// One message's payload decoded, as one line: the value, or `! <decoder>: <error>`.
    /// With `auto`, prefixed with the decoder chosen and how sure: `[cbor, likely] {..}`.
    /// A Sparkplug B message is followed by what a host would notice:
    /// `{..}  # sequence gap: ...`. `hints` are the message's topic, Payload Format
    /// Indicator and Content Type.
    pub fn line(&mut self, payload: &[u8], hints: Hints<'_>) -> String {
        match self.decode.clone() {
            Decode::With(decoder) => self.decoded(decoder, payload, hints.topic),
            Decode::Auto => {
                let found = detect(payload, hints);
                let label = format!("[{}, {}]", found.decoder, found.confidence);
                let value = self.decoded(found.decoder, payload, hints.topic);
                format!("{label} {value}")
            }
        }
    }

    fn decoded(&mut self, decoder: Decoder, payload: &[u8], topic: Option<&str>) -> String {
        let topic = topic.and_then(Topic::parse);
        match (&decoder, topic) {
            (Decoder::Sparkplug, Some(topic)) => self.sparkplug(&topic, payload),
            _ => decoded(decoder, payload),
        }
    }

    fn sparkplug(&mut self, topic: &Topic, payload: &[u8]) -> String {
        match self.sparkplug.observe(topic, payload, &Limits::default()) {
            Ok(r) if r.notes.is_empty() => render(&r.node, BytesStyle::Hex),
            Ok(r) => {
                let notes: Vec<String> = r.notes.iter().map(ToString::to_string).collect();
                format!(
                    "{}  # {}",
                    render(&r.node, BytesStyle::Hex),
                    notes.join("; ")
                )
            }
            Err(e) => format!("! sparkplug: {e}"),
        }
    }
}

fn decoded(decoder: Decoder, payload: &[u8]) -> String {
    match decode(&decoder, payload, &Limits::default()) {
        Ok(node) => match (&node.value, &decoder) {
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

    fn line(d: &str, payload: &[u8], hints: Hints<'_>) -> String {
        Printer::new(parse_decode(d).unwrap()).line(payload, hints)
    }

    #[test]
    fn lines_for_fixed_and_auto_decoders() {
        let none = Hints::default();
        let cbor = [0xa1, 0x61, b'a', 0x01];
        assert_eq!(line("cbor", &cbor, none), r#"{"a": 1}"#);
        assert_eq!(line("auto", &cbor, none), r#"[cbor, likely] {"a": 1}"#);
        assert_eq!(line("hex", b"hi", none), "6869");
        assert_eq!(line("base64", b"hi", none), "aGk=");
        assert_eq!(line("int16le", &[1, 0], none), "1");
        assert_eq!(
            line("msgpack", &[0x92, 0x01], none),
            "! msgpack: at byte 2: the payload ends inside a value"
        );
        let declared = Hints {
            content_type: Some("application/cbor"),
            ..Hints::default()
        };
        assert_eq!(
            line("auto", &cbor, declared),
            r#"[cbor, declared] {"a": 1}"#
        );
        let e = parse_decode("cbor2").unwrap_err();
        assert!(
            e.contains("unknown decoder") && e.contains("protobuf=FILE"),
            "{e}"
        );
    }

    #[test]
    fn protobuf_schemas_come_from_files() {
        let dir = std::env::temp_dir().join(format!("mqttscope-proto-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let units = "syntax = \"proto3\";\npackage u;\nenum Unit { C = 0; F = 1; }\n";
        let main = "syntax = \"proto3\";\npackage t;\nimport \"units.proto\";\nmessage T { float v = 1; u.Unit unit = 2; }\n";
        std::fs::write(dir.join("units.proto"), units).unwrap();
        std::fs::write(dir.join("t.proto"), main).unwrap();
        let spec = format!("{}:t.T", dir.join("t.proto").display());
        let Encode::Protobuf(ty) = parse_encode(&format!("protobuf={spec}")).unwrap() else {
            panic!("not protobuf")
        };
        let bytes = encode(&Encode::Protobuf(ty.clone()), br#"{"v": 2.5, "unit": "F"}"#).unwrap();
        assert_eq!(bytes, [0x0d, 0, 0, 0x20, 0x40, 0x10, 0x01]);
        assert_eq!(
            line(&format!("protobuf={spec}"), &bytes, Hints::default()),
            r#"{"v": 2.5, "unit": "F"}"#
        );
        assert_eq!(
            Encode::Protobuf(ty).content_type(),
            "application/protobuf; proto=t.T"
        );
        let e = parse_decode(&format!(
            "protobuf={}:t.Nope",
            dir.join("t.proto").display()
        ))
        .unwrap_err();
        assert!(
            e.contains("no message type `t.Nope`") && e.contains("t.T"),
            "{e}"
        );
        std::fs::write(dir.join("bad.proto"), "syntax = \"proto3\";\nmessage {\n").unwrap();
        let e =
            parse_decode(&format!("protobuf={}:X", dir.join("bad.proto").display())).unwrap_err();
        assert!(e.contains("bad.proto:2:9"), "{e}");
        let e = parse_decode("protobuf=t.proto").unwrap_err();
        assert!(e.contains("FILE.proto:package.Type"), "{e}");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn encodes_json() {
        assert_eq!(encode(&Encode::Cbor, b"[1]").unwrap(), [0x81, 0x01]);
        assert_eq!(encode(&Encode::Msgpack, b"[1]").unwrap(), [0x91, 0x01]);
        let e = encode(&Encode::Cbor, b"[1,]").unwrap_err();
        assert!(e.contains("at byte 3"), "{e}");
        assert!(parse_encode("yaml")
            .unwrap_err()
            .contains("unknown encoding"));
    }
}
