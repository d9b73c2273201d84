//! The strict RFC 8259 parser.

use super::{Json, JsonError};

mod string;

/// The deepest nesting of arrays and objects [`parse`] accepts; deeper input is an error
/// rather than a stack overflow.
pub const MAX_DEPTH: usize = 256;

/// Parses `text` as exactly one JSON value, with optional whitespace (space, tab, line
/// feed, carriage return) around it. Strict RFC 8259: no trailing commas, comments,
/// single quotes, leading zeros, `NaN`, or lone surrogates in `\u` escapes; anything after
/// the value is an error.
pub fn parse(text: &str) -> Result<Json, JsonError> {
    let mut p = Parser {
        text,
        pos: 0,
        depth: 0,
    };
    p.skip_ws();
    let value = p.value()?;
    p.skip_ws();
    if p.pos < text.len() {
        return Err(p.expected("the end of the text"));
    }
    Ok(value)
}

/// The parser's state: the text and the byte offset reached.
struct Parser<'a> {
    text: &'a str,
    pos: usize,
    depth: usize,
}

type Res<T> = Result<T, JsonError>;

impl Parser<'_> {
    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.pos).copied()
    }

    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    /// An error at byte `offset`.
    fn error_at(&self, offset: usize, message: String) -> JsonError {
        let before = self.text.as_bytes().get(..offset).unwrap_or_default();
        let line_start = before
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1);
        let line_text = before.get(line_start..).unwrap_or_default();
        JsonError {
            offset,
            line: 1 + before.iter().filter(|&&b| b == b'\n').count(),
            // Count characters: every byte that does not continue a UTF-8 sequence.
            column: 1 + line_text.iter().filter(|&&b| b & 0xc0 != 0x80).count(),
            message,
        }
    }

    /// "expected {what}, found {the character here}" at the current position.
    fn expected(&self, what: &str) -> JsonError {
        let found = match self.text.get(self.pos..).and_then(|s| s.chars().next()) {
            Some(c) => format!("{c:?}"),
            None => "the end of the text".to_string(),
        };
        self.error_at(self.pos, format!("expected {what}, found {found}"))
    }

    /// Consumes `b` if it is next.
    fn eat(&mut self, b: u8) -> bool {
        let hit = self.peek() == Some(b);
        self.pos += usize::from(hit);
        hit
    }

    fn value(&mut self) -> Res<Json> {
        match self.peek() {
            Some(b'{') => self.nested(Self::object),
            Some(b'[') => self.nested(Self::array),
            Some(b'"') => self.string().map(Json::String),
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(b't') => self.literal("true", Json::Bool(true)),
            Some(b'f') => self.literal("false", Json::Bool(false)),
            Some(b'n') => self.literal("null", Json::Null),
            _ => Err(self.expected("a value")),
        }
    }

    /// Runs `inner` one level deeper, refusing to go past [`MAX_DEPTH`].
    fn nested(&mut self, inner: fn(&mut Self) -> Res<Json>) -> Res<Json> {
        if self.depth >= MAX_DEPTH {
            let msg = format!("nested deeper than {MAX_DEPTH} levels");
            return Err(self.error_at(self.pos, msg));
        }
        self.depth += 1;
        let v = inner(self);
        self.depth -= 1;
        v
    }

    fn literal(&mut self, word: &str, value: Json) -> Res<Json> {
        if self
            .text
            .get(self.pos..)
            .is_some_and(|s| s.starts_with(word))
        {
            self.pos += word.len();
            Ok(value)
        } else {
            Err(self.expected("a value"))
        }
    }

    fn array(&mut self) -> Res<Json> {
        self.pos += 1; // '['
        let mut items = Vec::new();
        self.skip_ws();
        if self.eat(b']') {
            return Ok(Json::Array(items));
        }
        loop {
            self.skip_ws();
            items.push(self.value()?);
            if self.list_end(b']', "',' or ']'")? {
                return Ok(Json::Array(items));
            }
        }
    }

    fn object(&mut self) -> Res<Json> {
        self.pos += 1; // '{'
        let mut members = Vec::new();
        self.skip_ws();
        if self.eat(b'}') {
            return Ok(Json::Object(members));
        }
        loop {
            self.skip_ws();
            if self.peek() != Some(b'"') {
                return Err(self.expected("a member name in double quotes"));
            }
            let name = self.string()?;
            self.skip_ws();
            if !self.eat(b':') {
                return Err(self.expected("':'"));
            }
            self.skip_ws();
            members.push((name, self.value()?));
            if self.list_end(b'}', "',' or '}'")? {
                return Ok(Json::Object(members));
            }
        }
    }

    /// After an item: true at `close`, false after a comma, an error otherwise.
    fn list_end(&mut self, close: u8, what: &str) -> Res<bool> {
        self.skip_ws();
        if self.eat(close) {
            Ok(true)
        } else if self.eat(b',') {
            Ok(false)
        } else {
            Err(self.expected(what))
        }
    }

    fn number(&mut self) -> Res<Json> {
        let start = self.pos;
        self.eat(b'-');
        if !self.eat(b'0') && self.digits() == 0 {
            return Err(self.expected("a digit"));
        }
        if self.eat(b'.') && self.digits() == 0 {
            return Err(self.expected("a digit after '.'"));
        }
        if self.eat(b'e') || self.eat(b'E') {
            let _sign = self.eat(b'+') || self.eat(b'-');
            if self.digits() == 0 {
                return Err(self.expected("a digit in the exponent"));
            }
        }
        if matches!(self.peek(), Some(b'0'..=b'9')) {
            // Only after a leading 0: `01`.
            return Err(self.error_at(self.pos, "a number may not have leading zeros".into()));
        }
        let text = self.text.get(start..self.pos).unwrap_or_default();
        Ok(Json::Number(text.to_string()))
    }

    /// Consumes ASCII digits; returns how many.
    fn digits(&mut self) -> usize {
        let start = self.pos;
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.pos += 1;
        }
        self.pos - start
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(text: &str) -> JsonError {
        parse(text).expect_err("the text is not JSON")
    }

    fn num(s: &str) -> Json {
        Json::Number(s.into())
    }

    #[test]
    fn reads_every_kind_of_value() {
        let v = parse(" {\"a\": [1, -2.5, true, false, null, \"s\", {}, []]}\r\n\t").unwrap();
        let items = vec![
            num("1"),
            num("-2.5"),
            Json::Bool(true),
            Json::Bool(false),
            Json::Null,
            Json::String("s".into()),
            Json::Object(vec![]),
            Json::Array(vec![]),
        ];
        assert_eq!(v, Json::Object(vec![("a".into(), Json::Array(items))]));
    }

    #[test]
    fn numbers_keep_their_text_and_follow_the_grammar() {
        for ok in [
            "0",
            "-0",
            "1e5",
            "1E+5",
            "2e-05",
            "-0.0",
            "12.50",
            "1.5E10",
            "9007199254740993",
        ] {
            assert_eq!(parse(ok), Ok(num(ok)), "{ok}");
        }
        for bad in [
            "01", "-01", "+1", ".5", "1.", "1.e5", "1e", "1e+", "-", "0x10", "NaN", "Infinity",
            "- 1", "1_000",
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
        assert_eq!(err("01").message, "a number may not have leading zeros");
        assert_eq!(err("[1.]").message, "expected a digit after '.', found ']'");
    }

    #[test]
    fn refuses_what_rfc_8259_does_not_allow() {
        for bad in [
            "",
            " ",
            "[1,]",
            "{\"a\":1,}",
            "[,1]",
            "// c\n1",
            "/* c */ 1",
            "{'a':1}",
            "{a:1}",
            "[1 2]",
            "{\"a\" 1}",
            "{\"a\":}",
            "tru",
            "nul",
            "True",
            "[",
            "{",
            "]",
            "\u{a0}1",
            "\u{feff}1",
            "1 2",
            "{} x",
            "[1]]",
            "\"a\"\"b\"",
        ] {
            assert!(parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn duplicate_names_and_order_are_kept() {
        let v = parse(r#"{"b":1,"a":2,"b":3}"#).unwrap();
        let names: Vec<_> = match &v {
            Json::Object(m) => m.iter().map(|(k, _)| k.as_str()).collect(),
            _ => vec![],
        };
        assert_eq!(names, ["b", "a", "b"]);
    }

    #[test]
    fn errors_say_where_in_lines_and_characters() {
        let e = err("{\n  \"a\": 1,\n  \"é\": 2 x\n}");
        assert_eq!((e.line, e.column), (3, 10));
        assert_eq!(e.offset, 22);
        assert_eq!(
            e.to_string(),
            "line 3, column 10: expected ',' or '}', found 'x'"
        );
        let e = err("[1, 2");
        assert_eq!(
            e.to_string(),
            "line 1, column 6: expected ',' or ']', found the end of the text"
        );
        assert_eq!(
            err("1 x").message,
            "expected the end of the text, found 'x'"
        );
    }

    #[test]
    fn nesting_is_limited_instead_of_overflowing_the_stack() {
        let ok = format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        assert!(parse(&ok).is_ok());
        let deep = format!("{}{}", "[".repeat(MAX_DEPTH + 1), "]".repeat(MAX_DEPTH + 1));
        let e = err(&deep);
        assert_eq!(e.offset, MAX_DEPTH);
        assert!(e.message.contains("nested deeper"));
        // Far deeper input fails the same way, quickly.
        assert!(parse(&"[{\"a\":".repeat(100_000)).is_err());
    }

    #[test]
    fn never_panics_on_truncated_input() {
        let text = r#"{"a": [1, -2.5e+3, "x\u00e9\ud83d\ude00", {"b": null}], "c": true}"#;
        for end in 0..text.len() {
            if let Some(prefix) = text.get(..end) {
                assert!(parse(prefix).is_err(), "{prefix}");
            }
        }
        assert!(parse(text).is_ok());
    }
}
