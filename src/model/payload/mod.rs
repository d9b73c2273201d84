//! Payloads: the publish editor's formats ([`PayloadFormat`], [`encode`], [`convert`],
//! [`format_json`]) and, for received messages, what a payload looks like
//! ([`classify`], [`preview`], [`human_size`]).

use std::fmt;

use mqttscope_proto::hex::{format_hex, parse_hex, HexError};

use super::base64::{self, Base64Error};
use super::json::{self, JsonError};

mod view;

pub use view::{classify, human_size, json_note, preview, PayloadKind, Preview, COLLAPSE_AT};

/// How the publish editor's text stands for the payload bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum PayloadFormat {
    /// The text itself, as UTF-8.
    #[default]
    Text,
    /// JSON text, sent as typed once it parses.
    Json,
    /// Hex digits (as the hex pad reads them).
    Hex,
    /// Base64.
    Base64,
}

impl PayloadFormat {
    /// Every format, in menu order.
    pub const fn all() -> [PayloadFormat; 4] {
        [
            PayloadFormat::Text,
            PayloadFormat::Json,
            PayloadFormat::Hex,
            PayloadFormat::Base64,
        ]
    }

    /// The name to show: "Text", "JSON", "Hex", "Base64".
    pub const fn label(self) -> &'static str {
        match self {
            PayloadFormat::Text => "Text",
            PayloadFormat::Json => "JSON",
            PayloadFormat::Hex => "Hex",
            PayloadFormat::Base64 => "Base64",
        }
    }
}

/// Why the editor's text cannot become (or come from) bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PayloadError {
    /// The text is not valid JSON.
    Json(JsonError),
    /// The text is not valid hex.
    Hex(HexError),
    /// The text is not valid Base64.
    Base64(Base64Error),
    /// The bytes are not UTF-8, so they cannot be shown as `format` (Text or JSON).
    NotUtf8 {
        /// The format asked for.
        format: PayloadFormat,
        /// The byte offset of the first invalid byte.
        offset: usize,
    },
}

impl fmt::Display for PayloadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PayloadError::Json(e) => write!(f, "not valid JSON: {e}"),
            PayloadError::Hex(e) => write!(f, "not valid hex: {e}"),
            PayloadError::Base64(e) => write!(f, "not valid Base64: {e}"),
            PayloadError::NotUtf8 { format, offset } => write!(
                f,
                "the payload is not UTF-8 text (byte {offset} is invalid), so it cannot be \
                 shown as {}; use Hex or Base64",
                format.label()
            ),
        }
    }
}

impl std::error::Error for PayloadError {}

/// The bytes the editor's `text` stands for in `format`: Text and JSON send the text as
/// typed (JSON must parse first), Hex and Base64 send what they decode to.
pub fn encode(text: &str, format: PayloadFormat) -> Result<Vec<u8>, PayloadError> {
    match format {
        PayloadFormat::Text => Ok(text.as_bytes().to_vec()),
        PayloadFormat::Json => {
            json::parse(text).map_err(PayloadError::Json)?;
            Ok(text.as_bytes().to_vec())
        }
        PayloadFormat::Hex => parse_hex(text).map_err(PayloadError::Hex),
        PayloadFormat::Base64 => base64::decode(text).map_err(PayloadError::Base64),
    }
}

/// `bytes` as editor text in `format`: Text needs UTF-8; JSON needs UTF-8 that parses,
/// shown as it is (the Format button re-indents it, on request, since that changes the
/// bytes sent); Hex is sixteen bytes to a line; Base64 is one padded line.
pub fn render(bytes: &[u8], format: PayloadFormat) -> Result<String, PayloadError> {
    match format {
        PayloadFormat::Text => utf8(bytes, format).map(str::to_string),
        PayloadFormat::Json => {
            let text = utf8(bytes, format)?;
            json::parse(text).map_err(PayloadError::Json)?;
            Ok(text.to_string())
        }
        PayloadFormat::Hex => Ok(format_hex(bytes)),
        PayloadFormat::Base64 => Ok(base64::encode(bytes)),
    }
}

/// `bytes` as UTF-8, or the error for showing them as `format`.
fn utf8(bytes: &[u8], format: PayloadFormat) -> Result<&str, PayloadError> {
    std::str::from_utf8(bytes).map_err(|e| PayloadError::NotUtf8 {
        format,
        offset: e.valid_up_to(),
    })
}

/// Rewrites the editor's `text` from format `from` to format `to`, keeping the bytes it
/// stands for. The same format returns the text unchanged once it is valid.
pub fn convert(text: &str, from: PayloadFormat, to: PayloadFormat) -> Result<String, PayloadError> {
    let bytes = encode(text, from)?;
    if from == to {
        return Ok(text.to_string());
    }
    render(&bytes, to)
}

/// Pretty-prints JSON text (two-space indent), or says where it is not JSON.
pub fn format_json(text: &str) -> Result<String, PayloadError> {
    json::parse(text)
        .map(|v| v.pretty())
        .map_err(PayloadError::Json)
}

#[cfg(test)]
mod tests {
    use super::*;
    use PayloadFormat::{Base64, Hex, Json, Text};

    #[test]
    fn labels_and_menu_order() {
        let labels: Vec<_> = PayloadFormat::all().iter().map(|f| f.label()).collect();
        assert_eq!(labels, ["Text", "JSON", "Hex", "Base64"]);
        assert_eq!(PayloadFormat::default(), Text);
    }

    #[test]
    fn encode_each_format() {
        assert_eq!(encode("héllo\n", Text).unwrap(), "héllo\n".as_bytes());
        assert_eq!(encode(" {\"a\": 1}\n", Json).unwrap(), b" {\"a\": 1}\n");
        assert_eq!(encode("0x30, 02\nff", Hex).unwrap(), [0x30, 0x02, 0xff]);
        assert_eq!(encode("MAL/", Base64).unwrap(), [0x30, 0x02, 0xff]);
        assert_eq!(encode("", Text).unwrap(), b"");
        assert_eq!(encode("", Hex).unwrap(), b"");
    }

    #[test]
    fn errors_say_where() {
        let e = encode("{\"a\": 1,\n}", Json).unwrap_err();
        assert_eq!(
            e.to_string(),
            "not valid JSON: line 2, column 1: expected a member name in double quotes, found '}'"
        );
        assert!(encode("", Json).is_err());
        let e = encode("30 02\n0g", Hex).unwrap_err();
        assert_eq!(
            e.to_string(),
            "not valid hex: 'g' at line 2, column 2 is not a hex digit"
        );
        let e = encode("MAL*", Base64).unwrap_err();
        assert_eq!(
            e.to_string(),
            "not valid Base64: at offset 3: '*' is not a Base64 character"
        );
    }

    #[test]
    fn convert_keeps_the_bytes() {
        assert_eq!(convert("hi", Text, Hex).unwrap(), "68 69");
        assert_eq!(convert("68 69", Hex, Base64).unwrap(), "aGk=");
        assert_eq!(convert("aGk=", Base64, Text).unwrap(), "hi");
        // Showing text as JSON only checks it: pretty-printing would change what is sent.
        assert_eq!(
            convert("{\"a\":[1,2]}", Text, Json).unwrap(),
            "{\"a\":[1,2]}"
        );
        assert_eq!(convert("7b 7d 0a", Hex, Json).unwrap(), "{}\n");
        assert_eq!(convert("{\"a\":1}", Json, Text).unwrap(), "{\"a\":1}");
        assert_eq!(convert("  7 ", Json, Json).unwrap(), "  7 ");
        let long: String = (0..40u8).map(|b| format!("{b:02x}")).collect();
        assert_eq!(convert(&long, Hex, Hex).unwrap(), long);
    }

    #[test]
    fn convert_refuses_what_the_target_cannot_show() {
        let e = convert("68 ff 69", Hex, Text).unwrap_err();
        assert_eq!(
            e,
            PayloadError::NotUtf8 {
                format: Text,
                offset: 1
            }
        );
        assert_eq!(
            e.to_string(),
            "the payload is not UTF-8 text (byte 1 is invalid), so it cannot be shown as Text; use Hex or Base64"
        );
        assert!(matches!(
            convert("ff", Hex, Json),
            Err(PayloadError::NotUtf8 { format: Json, .. })
        ));
        assert!(matches!(
            convert("hello", Text, Json),
            Err(PayloadError::Json(_))
        ));
        assert!(matches!(
            convert("zz", Hex, Text),
            Err(PayloadError::Hex(_))
        ));
        assert!(matches!(
            convert("{", Json, Json),
            Err(PayloadError::Json(_))
        ));
    }

    #[test]
    fn format_json_pretty_prints_or_points_at_the_error() {
        assert_eq!(
            format_json("[1,{\"x\":true}]").unwrap(),
            "[\n  1,\n  {\n    \"x\": true\n  }\n]"
        );
        let e = format_json("[1 2]").unwrap_err();
        assert_eq!(
            e.to_string(),
            "not valid JSON: line 1, column 4: expected ',' or ']', found '2'"
        );
        assert_eq!(render(b"", Hex).unwrap(), "");
        assert_eq!(render(b"", Base64).unwrap(), "");
    }
}
