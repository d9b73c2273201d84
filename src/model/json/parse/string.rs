//! String literals: escapes, `\u` escapes and surrogate pairs.

use super::{JsonError, Parser, Res};

impl Parser<'_> {
    /// Reads a string literal (the cursor is on its opening quote).
    pub(super) fn string(&mut self) -> Res<String> {
        let open = self.pos;
        self.pos += 1;
        let mut out = String::new();
        loop {
            let run = self.pos;
            while matches!(self.peek(), Some(b) if b != b'"' && b != b'\\' && b >= 0x20) {
                self.pos += 1;
            }
            out.push_str(self.text.get(run..self.pos).unwrap_or_default());
            match self.peek() {
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(out);
                }
                Some(b'\\') => out.push(self.escape()?),
                Some(b) => {
                    let msg = format!("control character U+{b:04X} must be escaped in a string");
                    return Err(self.error_at(self.pos, msg));
                }
                None => return Err(self.error_at(open, "unterminated string".into())),
            }
        }
    }

    /// Reads one escape sequence (the cursor is on its backslash).
    fn escape(&mut self) -> Res<char> {
        let start = self.pos;
        self.pos += 1;
        let c = match self.peek() {
            Some(b'"') => '"',
            Some(b'\\') => '\\',
            Some(b'/') => '/',
            Some(b'b') => '\u{8}',
            Some(b'f') => '\u{c}',
            Some(b'n') => '\n',
            Some(b'r') => '\r',
            Some(b't') => '\t',
            Some(b'u') => {
                self.pos += 1;
                return self.unicode_escape(start);
            }
            _ => return Err(self.expected("an escape: \\\" \\\\ \\/ \\b \\f \\n \\r \\t or \\u")),
        };
        self.pos += 1;
        Ok(c)
    }

    /// Reads the digits of `\uXXXX` (the cursor is after the `u`), and a second escape
    /// when the first is a high surrogate; `start` is the first backslash.
    fn unicode_escape(&mut self, start: usize) -> Res<char> {
        let high = self.hex4()?;
        let code = match high {
            0xd800..=0xdbff => {
                let low = match (self.eat(b'\\'), self.eat(b'u')) {
                    (true, true) => self.hex4()?,
                    _ => return Err(self.lone_surrogate(start, high)),
                };
                if !(0xdc00..=0xdfff).contains(&low) {
                    return Err(self.lone_surrogate(start, high));
                }
                0x10000 + ((high - 0xd800) << 10) + (low - 0xdc00)
            }
            0xdc00..=0xdfff => return Err(self.lone_surrogate(start, high)),
            c => c,
        };
        char::from_u32(code).ok_or_else(|| self.lone_surrogate(start, code))
    }

    fn lone_surrogate(&self, at: usize, code: u32) -> JsonError {
        self.error_at(at, format!("\\u{code:04X} is a lone surrogate"))
    }

    /// Reads the four hex digits of a `\u` escape.
    fn hex4(&mut self) -> Res<u32> {
        let mut code = 0;
        for _ in 0..4 {
            let digit = self.peek().and_then(|b| char::from(b).to_digit(16));
            let Some(d) = digit else {
                return Err(self.expected("four hex digits after \\u"));
            };
            code = code << 4 | d;
            self.pos += 1;
        }
        Ok(code)
    }
}

#[cfg(test)]
mod tests {
    use super::super::parse;
    use crate::model::json::{Json, JsonError};

    fn err(text: &str) -> JsonError {
        parse(text).expect_err("the text is not JSON")
    }

    #[test]
    fn every_escape_reads() {
        let v = parse(r#""\" \\ \/ \b \f \n \r \t \u0041 \u00e9 \u20AC""#).unwrap();
        assert_eq!(v, Json::String("\" \\ / \u{8} \u{c} \n \r \t A é €".into()));
    }

    #[test]
    fn surrogate_pairs_join_and_lone_surrogates_fail() {
        assert_eq!(parse(r#""\ud83d\ude00""#), Ok(Json::String("😀".into())));
        assert_eq!(parse(r#""\uD834\uDD1E""#), Ok(Json::String("𝄞".into())));
        for bad in [
            r#""\ud83d""#,
            r#""\ud83dx""#,
            r#""\ud83d\n""#,
            r#""\ude00""#,
            r#""\ud83d\u0041""#,
            r#""\ud83d\ud83d""#,
        ] {
            let e = err(bad);
            assert!(e.message.contains("lone surrogate"), "{bad}: {e}");
            assert_eq!(e.offset, 1, "{bad}");
        }
    }

    #[test]
    fn bad_escapes_and_raw_control_characters_fail() {
        assert_eq!(
            err(r#""\x""#).message,
            "expected an escape: \\\" \\\\ \\/ \\b \\f \\n \\r \\t or \\u, found 'x'"
        );
        assert_eq!(err(r#""\u12G4""#).offset, 5);
        assert_eq!(
            err("\"\\u12").message,
            "expected four hex digits after \\u, found the end of the text"
        );
        let e = err("\"a\tb\"");
        assert_eq!(
            (e.offset, e.message.as_str()),
            (2, "control character U+0009 must be escaped in a string")
        );
        assert_eq!(err("\"abc").message, "unterminated string");
        assert_eq!(err("\"abc").offset, 0);
    }

    #[test]
    fn non_ascii_text_passes_through() {
        assert_eq!(
            parse("\"héllo — 日本\""),
            Ok(Json::String("héllo — 日本".into()))
        );
        assert_eq!(parse("\"\u{2028}\""), Ok(Json::String("\u{2028}".into())));
    }
}
