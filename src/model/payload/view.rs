//! How a received payload is shown: its kind, a one-line preview, its size.

use std::fmt::Write as _;

use crate::model::json;

/// Payloads larger than this are shown collapsed, with their size, until opened.
pub const COLLAPSE_AT: usize = 16 * 1024;

/// Text payloads longer than this are classified [`PayloadKind::Text`] without trying
/// to parse them as JSON, to keep classifying cheap.
pub const JSON_CLASSIFY_MAX: usize = 1024 * 1024;

/// What a payload looks like, to pick how to show it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PayloadKind {
    /// No bytes.
    Empty,
    /// Text that parses as a JSON object or array.
    Json,
    /// UTF-8 without control characters other than tab, line feed and carriage return.
    Text,
    /// Anything else.
    Binary,
}

/// Classifies a payload (see [`PayloadKind`]). A JSON scalar such as `42` or `"x"` is
/// [`PayloadKind::Text`]: showing it as a JSON tree would add nothing.
pub fn classify(bytes: &[u8]) -> PayloadKind {
    if bytes.is_empty() {
        return PayloadKind::Empty;
    }
    let Ok(text) = std::str::from_utf8(bytes) else {
        return PayloadKind::Binary;
    };
    if text
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
    {
        return PayloadKind::Binary;
    }
    if looks_like_json(text) && json::parse(text).is_ok() {
        PayloadKind::Json
    } else {
        PayloadKind::Text
    }
}

/// Why a payload that looks like JSON is shown as text, if it is: JSON is parsed to a
/// bounded depth (so that a hostile payload cannot overflow the stack, which would abort
/// the page), and a deeper one is shown as text with this note. `None` for any other
/// payload, valid JSON included.
pub fn json_note(bytes: &[u8]) -> Option<String> {
    let text = std::str::from_utf8(bytes)
        .ok()
        .filter(|t| looks_like_json(t))?;
    let e = json::parse(text).err()?;
    e.message
        .starts_with("nested deeper")
        .then(|| format!("Shown as text: this JSON is {}.", e.message))
}

/// True when `text` is short enough and starts (after whitespace) like an object or
/// array.
fn looks_like_json(text: &str) -> bool {
    let start = text.trim_start_matches([' ', '\t', '\n', '\r']);
    text.len() <= JSON_CLASSIFY_MAX && start.starts_with(['{', '['])
}

/// A one-line preview of a payload.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Preview {
    /// The preview: at most `max_chars` characters, on one line.
    pub text: String,
    /// True when the payload goes on past the preview.
    pub truncated: bool,
}

/// The start of a payload as one line of at most `max_chars` characters. Control
/// characters become their visible Unicode symbols (line feed `␊`, tab `␉`, NUL `␀`,
/// DEL `␡`); C1 controls, line and paragraph separators, bidirectional controls and
/// the byte order mark become `\u{..}`; bytes that are not UTF-8 become `\xNN`. An
/// escape is never cut: when it does not fit, the preview ends before it.
pub fn preview(bytes: &[u8], max_chars: usize) -> Preview {
    let mut p = PreviewBuilder {
        out: Preview::default(),
        room: max_chars,
    };
    // Only the start is read: a character takes at most 4 bytes and at least one unit of
    // room, so `max_chars` of room run out within `4 * max_chars` bytes (a 1 MiB payload
    // is not scanned whole on every redraw).
    let head = &bytes[..bytes
        .len()
        .min(max_chars.saturating_mul(4).saturating_add(4))];
    p.out.truncated = head.len() < bytes.len();
    for chunk in head.utf8_chunks() {
        let fits = chunk.valid().chars().all(|c| p.char(c))
            && chunk
                .invalid()
                .iter()
                .all(|&b| p.push(&format!("\\x{b:02x}")));
        if !fits {
            p.out.truncated = true;
            break;
        }
    }
    p.out
}

struct PreviewBuilder {
    out: Preview,
    /// Characters still allowed.
    room: usize,
}

impl PreviewBuilder {
    /// Adds one source character; false when it does not fit.
    fn char(&mut self, c: char) -> bool {
        let code = u32::from(c);
        match c {
            '\0'..='\u{1f}' => self.push_char(char::from_u32(0x2400 + code).unwrap_or('?')),
            '\u{7f}' => self.push_char('\u{2421}'),
            '\u{80}'..='\u{9f}'
            | '\u{200e}'
            | '\u{200f}'
            | '\u{2028}'..='\u{202e}'
            | '\u{2066}'..='\u{2069}'
            | '\u{feff}' => {
                let mut s = String::new();
                let _ = write!(s, "\\u{{{code:x}}}");
                self.push(&s)
            }
            c => self.push_char(c),
        }
    }

    fn push_char(&mut self, c: char) -> bool {
        if self.room == 0 {
            return false;
        }
        self.room -= 1;
        self.out.text.push(c);
        true
    }

    /// Adds an ASCII escape whole, or nothing.
    fn push(&mut self, escape: &str) -> bool {
        if escape.len() > self.room {
            self.room = 0;
            return false;
        }
        self.room -= escape.len();
        self.out.text.push_str(escape);
        true
    }
}

/// A byte count for people: "0 B", "999 B", "1023 B", "1.0 KiB", "12.3 MiB" (powers of
/// 1024, one decimal, rounded to nearest; a value that rounds up to 1024 moves to the
/// next unit).
pub fn human_size(n: usize) -> String {
    const UNITS: [&str; 6] = ["KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];
    if n < 1024 {
        return format!("{n} B");
    }
    // In u64 (n / div and the tenths of the rest), not u128: that would bring u128's
    // formatter into the wasm.
    let n = n as u64;
    let mut div: u64 = 1024;
    for (i, unit) in UNITS.iter().enumerate() {
        let tenths = n / div * 10 + (n % div * 10 + div / 2) / div;
        if tenths < 10_240 || i + 1 == UNITS.len() {
            return format!("{}.{} {unit}", tenths / 10, tenths % 10);
        }
        div *= 1024;
    }
    format!("{n} B")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn show(bytes: &[u8], max: usize) -> (String, bool) {
        let p = preview(bytes, max);
        assert!(p.text.chars().count() <= max, "{p:?}");
        (p.text, p.truncated)
    }

    #[test]
    fn classify_each_kind() {
        assert_eq!(classify(b""), PayloadKind::Empty);
        assert_eq!(classify(b"hello\tworld\r\n"), PayloadKind::Text);
        assert_eq!(classify(" {\"a\": [1]}\n".as_bytes()), PayloadKind::Json);
        assert_eq!(classify(b"[]"), PayloadKind::Json);
        assert_eq!(classify(b"42"), PayloadKind::Text);
        assert_eq!(classify(b"\"str\""), PayloadKind::Text);
        assert_eq!(classify(b"{not json}"), PayloadKind::Text);
        assert_eq!(classify(b"[1,]"), PayloadKind::Text);
        assert_eq!(classify(b"a\0b"), PayloadKind::Binary);
        assert_eq!(classify(b"{\"a\":\x1b}"), PayloadKind::Binary);
        assert_eq!(classify(b"del\x7f"), PayloadKind::Binary);
        assert_eq!(classify("c1\u{85}".as_bytes()), PayloadKind::Binary);
        assert_eq!(classify(&[0xff, 0xfe]), PayloadKind::Binary);
        assert_eq!(classify("é日本😀".as_bytes()), PayloadKind::Text);
    }

    #[test]
    fn huge_text_is_not_parsed_as_json() {
        let mut big = vec![b'['; 1];
        big.extend(std::iter::repeat_n(b' ', JSON_CLASSIFY_MAX));
        big.push(b']');
        assert_eq!(classify(&big), PayloadKind::Text);
    }

    #[test]
    fn preview_shows_controls_as_symbols() {
        assert_eq!(show(b"a\nb\tc\r\0\x7f", 20), ("a␊b␉c␍␀␡".into(), false));
        assert_eq!(
            show("x\u{2028}y\u{202e}z\u{85}".as_bytes(), 40),
            ("x\\u{2028}y\\u{202e}z\\u{85}".into(), false)
        );
        assert_eq!(
            show("\u{feff}é".as_bytes(), 10),
            ("\\u{feff}é".into(), false)
        );
    }

    #[test]
    fn preview_escapes_invalid_utf8() {
        assert_eq!(
            show(&[b'a', 0xff, b'b', 0xc3], 20),
            ("a\\xffb\\xc3".into(), false)
        );
        assert_eq!(show(&[0xe2, 0x82, b'x'], 20), ("\\xe2\\x82x".into(), false));
    }

    #[test]
    fn preview_stops_at_max_chars_without_cutting_an_escape() {
        assert_eq!(show(b"hello world", 5), ("hello".into(), true));
        assert_eq!(show(b"hello", 5), ("hello".into(), false));
        assert_eq!(
            show("日本語テキスト".as_bytes(), 3),
            ("日本語".into(), true)
        );
        assert_eq!(show(&[b'a', 0xff], 4), ("a".into(), true));
        assert_eq!(show(&[b'a', 0xff], 5), ("a\\xff".into(), false));
        assert_eq!(show(b"", 0), ("".into(), false));
        assert_eq!(show(b"x", 0), ("".into(), true));
        // A long payload is cut without reading all of it into the preview.
        let big = vec![0u8; 10_000_000];
        assert_eq!(show(&big, 3), ("␀␀␀".into(), true));
    }

    #[test]
    fn human_sizes() {
        let cases = [
            (0, "0 B"),
            (999, "999 B"),
            (1023, "1023 B"),
            (1024, "1.0 KiB"),
            (1536, "1.5 KiB"),
            (16 * 1024, "16.0 KiB"),
            (1024 * 1024 - 1, "1.0 MiB"),
            (1024 * 1024 - 52, "1023.9 KiB"),
            (12_897_485, "12.3 MiB"),
            (5 << 30, "5.0 GiB"),
        ];
        for (n, want) in cases {
            assert_eq!(human_size(n), want, "{n}");
        }
        assert!(human_size(usize::MAX).ends_with("iB"));
        assert_eq!(COLLAPSE_AT, 16_384);
    }

    #[test]
    fn a_preview_reads_only_the_start_of_a_big_payload() {
        let mut big = "é".repeat(1 << 19).into_bytes();
        assert_eq!(
            preview(&big, 10),
            Preview {
                text: "é".repeat(10),
                truncated: true
            }
        );
        // Bytes far past the start cannot change the preview, even when they are invalid.
        big.push(0xff);
        assert_eq!(preview(&big, 10).text, "é".repeat(10));
        let short = preview("é".repeat(10).as_bytes(), 10);
        assert_eq!((short.text.chars().count(), short.truncated), (10, false));
        assert!(preview(&[0xff; 100], 8).truncated);
    }

    #[test]
    fn json_nested_100000_deep_is_text_with_a_note() {
        let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        assert_eq!(classify(deep.as_bytes()), PayloadKind::Text);
        let note = json_note(deep.as_bytes()).expect("a note");
        assert!(note.contains("nested deeper than 256 levels"), "{note}");
        assert_eq!(json_note(b"[[1]]"), None);
        assert_eq!(json_note(b"[1,"), None, "not valid JSON is just text");
        assert_eq!(json_note(b"plain"), None);
    }
}
