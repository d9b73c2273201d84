//! Writing JSON text directly: string literals, and objects and arrays member by member,
//! without building a [`super::Json`] tree first.

use std::fmt::Write as _;

/// Appends `s` to `out` as a JSON string literal. Escapes `"` and `\`, writes `\b \f \n
/// \r \t` for those controls and `\u00XX` for the other control characters (U+0000 to
/// U+001F and U+007F), and escapes U+2028 and U+2029 so the text is also valid
/// JavaScript.
pub fn write_str(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\0'..='\u{1f}' | '\u{7f}' | '\u{2028}' | '\u{2029}' => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Writes one JSON object into a string, member by member: `{"a":1,"b":"x"}`. Call
/// [`ObjectWriter::finish`] to close it.
pub struct ObjectWriter<'a> {
    out: &'a mut String,
    empty: bool,
}

impl<'a> ObjectWriter<'a> {
    /// Opens an object at the end of `out`.
    pub fn new(out: &'a mut String) -> Self {
        out.push('{');
        ObjectWriter { out, empty: true }
    }

    /// Writes the member name (and the comma before it); the caller then writes exactly
    /// one value into the returned string.
    pub fn key(&mut self, name: &str) -> &mut String {
        if !std::mem::take(&mut self.empty) {
            self.out.push(',');
        }
        write_str(self.out, name);
        self.out.push(':');
        self.out
    }

    /// A string member.
    pub fn str(&mut self, name: &str, value: &str) -> &mut Self {
        write_str(self.key(name), value);
        self
    }

    /// A string member, or `null`.
    pub fn opt_str(&mut self, name: &str, value: Option<&str>) -> &mut Self {
        match value {
            Some(v) => self.str(name, v),
            None => self.raw(name, "null"),
        }
    }

    /// A number member (anything whose `Display` is a JSON number, such as integers).
    pub fn num(&mut self, name: &str, value: impl std::fmt::Display) -> &mut Self {
        let _ = write!(self.key(name), "{value}");
        self
    }

    /// A `true`/`false` member.
    pub fn bool(&mut self, name: &str, value: bool) -> &mut Self {
        self.raw(name, if value { "true" } else { "false" })
    }

    /// A member whose value is already JSON text (not checked).
    pub fn raw(&mut self, name: &str, json: &str) -> &mut Self {
        self.key(name).push_str(json);
        self
    }

    /// Closes the object.
    pub fn finish(self) {
        self.out.push('}');
    }
}

/// Writes one JSON array into a string, item by item. Call [`ArrayWriter::finish`] to
/// close it.
pub struct ArrayWriter<'a> {
    out: &'a mut String,
    empty: bool,
}

impl<'a> ArrayWriter<'a> {
    /// Opens an array at the end of `out`.
    pub fn new(out: &'a mut String) -> Self {
        out.push('[');
        ArrayWriter { out, empty: true }
    }

    /// Writes the comma before the next item; the caller then writes exactly one value
    /// into the returned string.
    pub fn item(&mut self) -> &mut String {
        if !std::mem::take(&mut self.empty) {
            self.out.push(',');
        }
        self.out
    }

    /// A string item.
    pub fn str(&mut self, value: &str) -> &mut Self {
        write_str(self.item(), value);
        self
    }

    /// A number item.
    pub fn num(&mut self, value: impl std::fmt::Display) -> &mut Self {
        let _ = write!(self.item(), "{value}");
        self
    }

    /// Closes the array.
    pub fn finish(self) {
        self.out.push(']');
    }
}

#[cfg(test)]
mod tests {
    use super::super::{parse, Json};
    use super::*;

    fn lit(s: &str) -> String {
        let mut out = String::new();
        write_str(&mut out, s);
        out
    }

    #[test]
    fn escapes_what_json_and_javascript_need() {
        assert_eq!(lit(""), r#""""#);
        assert_eq!(lit("a\"b\\c/d"), r#""a\"b\\c/d""#);
        assert_eq!(lit("\u{8}\u{c}\n\r\t"), r#""\b\f\n\r\t""#);
        assert_eq!(lit("\0\u{1}\u{1f}\u{7f}"), r#""\u0000\u0001\u001f\u007f""#);
        assert_eq!(lit("\u{2028}x\u{2029}"), r#""\u2028x\u2029""#);
        assert_eq!(lit("é😀"), "\"é😀\"");
    }

    #[test]
    fn every_character_round_trips_through_the_parser() {
        let all: String = (0..0x3000u32).filter_map(char::from_u32).collect();
        assert_eq!(parse(&lit(&all)), Ok(Json::String(all)));
    }

    #[test]
    fn writers_build_nested_documents() {
        let mut out = String::new();
        let mut o = ObjectWriter::new(&mut out);
        o.str("s", "x\"")
            .num("n", 42)
            .bool("b", false)
            .opt_str("none", None);
        o.opt_str("some", Some("y"));
        let mut a = ArrayWriter::new(o.key("list"));
        a.num(1).str("two");
        ObjectWriter::new(a.item()).finish();
        a.finish();
        o.raw("raw", "[]");
        o.finish();
        assert_eq!(
            out,
            r#"{"s":"x\"","n":42,"b":false,"none":null,"some":"y","list":[1,"two",{}],"raw":[]}"#
        );
        assert!(parse(&out).is_ok());
    }

    #[test]
    fn empty_writers_close_cleanly() {
        let mut out = String::new();
        ArrayWriter::new(&mut out).finish();
        ObjectWriter::new(&mut out).finish();
        assert_eq!(out, "[]{}");
    }
}
