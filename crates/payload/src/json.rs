//! JSON text (RFC 8259), read by hand: a small recursive parser that records each value's
//! byte range and keeps object keys in payload order (serde_json gives neither the ranges
//! nor, without a workspace-wide feature, the order).

use crate::budget::Budget;
use crate::error::{Error, ErrorKind};
use crate::value::{Node, Value};

/// Decodes one JSON value, with optional whitespace around it.
pub(crate) fn decode(payload: &[u8], b: &mut Budget) -> Result<Node, Error> {
    if let Err(e) = std::str::from_utf8(payload) {
        return Err(Error::new(e.valid_up_to(), ErrorKind::BadUtf8));
    }
    let mut p = Parser {
        s: payload,
        i: 0,
        b,
    };
    p.ws();
    let node = p.value(0)?;
    p.ws();
    if p.i < payload.len() {
        return Err(Error::new(p.i, ErrorKind::TrailingBytes));
    }
    Ok(node)
}

struct Parser<'a, 'b> {
    s: &'a [u8],
    i: usize,
    b: &'b mut Budget,
}

impl Parser<'_, '_> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }

    fn ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.i += 1;
        }
    }

    fn expect(&mut self, c: u8, what: &str) -> Result<(), Error> {
        match self.peek() {
            Some(x) if x == c => {
                self.i += 1;
                Ok(())
            }
            Some(_) => Err(Error::invalid(self.i, format!("expected {what}"))),
            None => Err(Error::truncated(self.i)),
        }
    }

    fn value(&mut self, depth: usize) -> Result<Node, Error> {
        let start = self.i;
        self.b.node(start)?;
        let value = match self.peek() {
            None => return Err(Error::truncated(start)),
            Some(b'{') => self.object(depth)?,
            Some(b'[') => self.array(depth)?,
            Some(b'"') => Value::Text(self.string()?),
            Some(b't') => self.word("true", Value::Bool(true))?,
            Some(b'f') => self.word("false", Value::Bool(false))?,
            Some(b'n') => self.word("null", Value::Null)?,
            Some(b'-' | b'0'..=b'9') => self.number()?,
            Some(_) => return Err(Error::invalid(start, "expected a JSON value")),
        };
        Ok(Node::new(value, start..self.i))
    }

    fn word(&mut self, w: &str, v: Value) -> Result<Value, Error> {
        for &c in w.as_bytes() {
            self.expect(c, &format!("`{w}`"))?;
        }
        Ok(v)
    }

    fn array(&mut self, depth: usize) -> Result<Value, Error> {
        self.b.depth(depth + 1, self.i)?;
        self.i += 1;
        let mut items = Vec::new();
        self.ws();
        if self.peek() == Some(b']') {
            self.i += 1;
            return Ok(Value::Array(items));
        }
        loop {
            self.ws();
            items.push(self.value(depth + 1)?);
            self.ws();
            if self.peek() == Some(b']') {
                self.i += 1;
                return Ok(Value::Array(items));
            }
            self.expect(b',', "`,` or `]`")?;
        }
    }

    fn object(&mut self, depth: usize) -> Result<Value, Error> {
        self.b.depth(depth + 1, self.i)?;
        self.i += 1;
        let mut entries = Vec::new();
        self.ws();
        if self.peek() == Some(b'}') {
            self.i += 1;
            return Ok(Value::Map(entries));
        }
        loop {
            self.ws();
            if self.peek() != Some(b'"') {
                self.expect(b'"', "a string key")?;
            }
            let start = self.i;
            self.b.node(start)?;
            let key = Node::new(Value::Text(self.string()?), start..self.i);
            self.ws();
            self.expect(b':', "`:`")?;
            self.ws();
            entries.push((key, self.value(depth + 1)?));
            self.ws();
            if self.peek() == Some(b'}') {
                self.i += 1;
                return Ok(Value::Map(entries));
            }
            self.expect(b',', "`,` or `}`")?;
        }
    }

    fn string(&mut self) -> Result<String, Error> {
        let start = self.i;
        self.i += 1;
        let mut out = String::new();
        loop {
            let at = self.i;
            match self.peek() {
                None => return Err(Error::truncated(at)),
                Some(b'"') => {
                    self.i += 1;
                    self.b.bytes(out.len(), start)?;
                    return Ok(out);
                }
                Some(b'\\') => {
                    self.i += 1;
                    out.push(self.escape()?);
                }
                Some(c) if c < 0x20 => {
                    return Err(Error::invalid(at, "a control character in a string"))
                }
                Some(_) => {
                    // The input is UTF-8 (checked first): copy up to the next special byte.
                    let run = self.s[at..]
                        .iter()
                        .position(|&c| c == b'"' || c == b'\\' || c < 0x20)
                        .unwrap_or(self.s.len() - at);
                    let chunk = std::str::from_utf8(&self.s[at..at + run])
                        .map_err(|e| Error::new(at + e.valid_up_to(), ErrorKind::BadUtf8))?;
                    out.push_str(chunk);
                    self.i += run;
                }
            }
        }
    }

    fn escape(&mut self) -> Result<char, Error> {
        let at = self.i;
        let c = self.peek().ok_or_else(|| Error::truncated(at))?;
        self.i += 1;
        Ok(match c {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => return self.unicode(at - 1),
            _ => return Err(Error::invalid(at, "a valid escape")),
        })
    }

    fn hex4(&mut self) -> Result<u32, Error> {
        let at = self.i;
        let digits = self.s.get(at..at + 4).ok_or_else(|| Error::truncated(at))?;
        let text =
            std::str::from_utf8(digits).map_err(|_| Error::invalid(at, "four hex digits"))?;
        if !text.bytes().all(|c| c.is_ascii_hexdigit()) {
            return Err(Error::invalid(at, "four hex digits"));
        }
        self.i += 4;
        u32::from_str_radix(text, 16).map_err(|_| Error::invalid(at, "four hex digits"))
    }

    fn unicode(&mut self, at: usize) -> Result<char, Error> {
        let hi = self.hex4()?;
        let code = if (0xD800..0xDC00).contains(&hi) {
            if self.s.get(self.i..self.i + 2) != Some(b"\\u") {
                return Err(Error::invalid(at, "a low surrogate after a high surrogate"));
            }
            self.i += 2;
            let lo = self.hex4()?;
            if !(0xDC00..0xE000).contains(&lo) {
                return Err(Error::invalid(at, "a low surrogate after a high surrogate"));
            }
            0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00)
        } else {
            hi
        };
        char::from_u32(code).ok_or_else(|| Error::invalid(at, "a Unicode scalar value"))
    }

    fn digits(&mut self) -> usize {
        let start = self.i;
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.i += 1;
        }
        self.i - start
    }

    fn number(&mut self) -> Result<Value, Error> {
        let start = self.i;
        if self.peek() == Some(b'-') {
            self.i += 1;
        }
        let int_at = self.i;
        match self.digits() {
            0 if self.i == self.s.len() => return Err(Error::truncated(self.i)),
            0 => return Err(Error::invalid(self.i, "a digit")),
            n if n > 1 && self.s[int_at] == b'0' => {
                return Err(Error::invalid(int_at, "no leading zero"))
            }
            _ => {}
        }
        let mut float = false;
        if self.peek() == Some(b'.') {
            float = true;
            self.i += 1;
            self.fraction_digits()?;
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            float = true;
            self.i += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.i += 1;
            }
            self.fraction_digits()?;
        }
        // The bytes are ASCII digits and signs, checked above.
        let text = std::str::from_utf8(&self.s[start..self.i]).unwrap_or("0");
        if !float {
            if let Ok(i) = text.parse::<i64>() {
                return Ok(Value::Integer(i.into()));
            }
            if let Ok(u) = text.parse::<u64>() {
                return Ok(Value::Integer(u.into()));
            }
        }
        text.parse::<f64>()
            .map(Value::Float)
            .map_err(|_| Error::invalid(start, "a number"))
    }

    fn fraction_digits(&mut self) -> Result<(), Error> {
        if self.digits() == 0 {
            if self.i == self.s.len() {
                return Err(Error::truncated(self.i));
            }
            return Err(Error::invalid(self.i, "a digit"));
        }
        Ok(())
    }
}
