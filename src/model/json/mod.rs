//! A small JSON (RFC 8259) value: a strict parser ([`parse`]), a pretty and a compact
//! printer, and writers for building JSON text directly ([`write_str`],
//! [`ObjectWriter`], [`ArrayWriter`]).
//!
//! Numbers keep their source text ([`Json::Number`]) so nothing is lost or reformatted,
//! and objects keep their members in order, duplicates included, so printing a parsed
//! document changes only its whitespace (and string escapes, which print canonically).

use std::fmt;

mod parse;
mod write;

pub use parse::{parse, MAX_DEPTH};
pub use write::{write_str, ArrayWriter, ObjectWriter};

/// A JSON value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Json {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number, as its source text (valid per the RFC 8259 grammar, never reformatted).
    Number(String),
    /// A string, unescaped.
    String(String),
    /// An array.
    Array(Vec<Json>),
    /// An object: members in source order, duplicate names kept.
    Object(Vec<(String, Json)>),
}

/// Why a text is not JSON, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsonError {
    /// Byte offset in the text.
    pub offset: usize,
    /// Line, from 1.
    pub line: usize,
    /// Column in characters, from 1.
    pub column: usize,
    /// What is wrong: "expected ',' or '}', found 'x'".
    pub message: String,
}

impl fmt::Display for JsonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "line {}, column {}: {}",
            self.line, self.column, self.message
        )
    }
}

impl std::error::Error for JsonError {}

impl Json {
    /// The value as text with two-space indentation; empty arrays and objects stay `[]`
    /// and `{}`.
    pub fn pretty(&self) -> String {
        let mut out = String::new();
        self.write(&mut out, Some(0));
        out
    }

    /// The value as text without any whitespace.
    pub fn compact(&self) -> String {
        let mut out = String::new();
        self.write(&mut out, None);
        out
    }

    /// True for an array or an object.
    pub fn is_container(&self) -> bool {
        matches!(self, Json::Array(_) | Json::Object(_))
    }

    /// Writes the value; `indent` is the current depth when pretty, `None` when compact.
    fn write(&self, out: &mut String, indent: Option<usize>) {
        match self {
            Json::Null => out.push_str("null"),
            Json::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Json::Number(n) => out.push_str(n),
            Json::String(s) => write_str(out, s),
            Json::Array(items) => {
                write_items(out, indent, ['[', ']'], items, |out, v, i| v.write(out, i))
            }
            Json::Object(members) => {
                write_items(out, indent, ['{', '}'], members, |out, (k, v), i| {
                    write_str(out, k);
                    out.push_str(if i.is_some() { ": " } else { ":" });
                    v.write(out, i);
                })
            }
        }
    }
}

/// Writes `open`, the items separated by commas (one per line when pretty), `close`.
fn write_items<T>(
    out: &mut String,
    indent: Option<usize>,
    [open, close]: [char; 2],
    items: &[T],
    mut item: impl FnMut(&mut String, &T, Option<usize>),
) {
    out.push(open);
    let inner = indent.map(|d| d + 1);
    for (i, v) in items.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        newline(out, inner);
        item(out, v, inner);
    }
    if !items.is_empty() {
        newline(out, indent);
    }
    out.push(close);
}

/// When pretty, a line break and `depth` levels of indentation.
fn newline(out: &mut String, depth: Option<usize>) {
    if let Some(depth) = depth {
        out.push('\n');
        for _ in 0..depth {
            out.push_str("  ");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pretty_indents_by_two_and_keeps_empty_containers_short() {
        let v = parse(r#"{"a":[1,{"b":null},[]],"c":{},"d":"x"}"#).unwrap();
        let want = "{\n  \"a\": [\n    1,\n    {\n      \"b\": null\n    },\n    []\n  ],\n  \"c\": {},\n  \"d\": \"x\"\n}";
        assert_eq!(v.pretty(), want);
        assert_eq!(parse(&v.pretty()).unwrap(), v);
    }

    #[test]
    fn compact_has_no_whitespace_and_round_trips() {
        let text = "{ \"k\" : [ true , false , null , -0.5e+3 ] , \"k\" : \"v\" }";
        let v = parse(text).unwrap();
        assert_eq!(v.compact(), r#"{"k":[true,false,null,-0.5e+3],"k":"v"}"#);
        assert_eq!(parse(&v.compact()).unwrap(), v);
    }

    #[test]
    fn scalars_print_alone() {
        assert_eq!(parse(" 12 ").unwrap().pretty(), "12");
        assert_eq!(Json::String("a\"b".into()).compact(), r#""a\"b""#);
        assert_eq!(Json::Array(vec![]).pretty(), "[]");
        assert!(Json::Object(vec![]).is_container());
        assert!(!Json::Null.is_container());
    }

    #[test]
    fn error_displays_line_and_column() {
        let e = JsonError {
            offset: 20,
            line: 3,
            column: 7,
            message: "expected ',' or '}'".into(),
        };
        assert_eq!(e.to_string(), "line 3, column 7: expected ',' or '}'");
    }
}
