//! Base64 with the standard alphabet and `=` padding (RFC 4648, section 4).
//!
//! [`encode`] is the `base64` crate's (which the core links for SCRAM) and always pads.
//! [`decode`] is written here because what it says about a bad text is the point: it
//! ignores ASCII whitespace (pasted text wraps) and accepts text without its padding, but
//! is otherwise strict, and names the offset and the fault: a character outside the
//! alphabet (including the URL-safe `-` and `_`), padding in the wrong place or of the
//! wrong length, a lone final character, unused bits that are not zero. The crate reports
//! four of those as one `InvalidByte` at the first `=` (for `Zm8==`, `Zg===`, `Zg==Zg==`
//! alike) and, told to accept missing padding, also accepts incomplete padding (`Zg=`).
//! Every text accepted here decodes to exactly one byte string.

use std::fmt;

/// Why a text is not Base64, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Base64Error {
    /// Byte offset in the text.
    pub offset: usize,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for Base64Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "at offset {}: {}", self.offset, self.message)
    }
}

impl std::error::Error for Base64Error {}

/// Encodes bytes as padded Base64.
pub fn encode(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// The value of an alphabet character.
fn sextet_value(b: u8) -> Option<u32> {
    let v = match b {
        b'A'..=b'Z' => b - b'A',
        b'a'..=b'z' => b - b'a' + 26,
        b'0'..=b'9' => b - b'0' + 52,
        b'+' => 62,
        b'/' => 63,
        _ => return None,
    };
    Some(u32::from(v))
}

/// Decodes Base64 text (see the module doc for what it accepts).
pub fn decode(text: &str) -> Result<Vec<u8>, Base64Error> {
    let mut d = Decoder::default();
    for (offset, b) in text.bytes().enumerate() {
        d.byte(offset, b, text)?;
    }
    d.finish()
}

/// The state of [`decode`].
#[derive(Default)]
struct Decoder {
    out: Vec<u8>,
    /// Bits read but not yet output, and how many.
    bits: u32,
    nbits: u32,
    /// Alphabet characters read.
    chars: usize,
    /// The last alphabet character's offset.
    last: usize,
    /// Padding characters read, and where the first one was.
    pads: usize,
    first_pad: usize,
}

fn error(offset: usize, message: impl Into<String>) -> Base64Error {
    Base64Error {
        offset,
        message: message.into(),
    }
}

impl Decoder {
    fn byte(&mut self, offset: usize, b: u8, text: &str) -> Result<(), Base64Error> {
        if b.is_ascii_whitespace() {
            return Ok(());
        }
        if b == b'=' {
            return self.pad(offset);
        }
        let Some(v) = sextet_value(b) else {
            return Err(error(offset, bad_char(text, offset)));
        };
        if self.pads > 0 {
            return Err(error(offset, "data after the padding"));
        }
        self.sextet(offset, v);
        Ok(())
    }

    fn sextet(&mut self, offset: usize, v: u32) {
        self.bits = self.bits << 6 | v;
        self.nbits += 6;
        self.chars += 1;
        self.last = offset;
        if self.nbits >= 8 {
            self.nbits -= 8;
            self.out.push((self.bits >> self.nbits) as u8);
            self.bits &= (1 << self.nbits) - 1;
        }
    }

    fn pad(&mut self, offset: usize) -> Result<(), Base64Error> {
        if self.pads == 0 {
            self.first_pad = offset;
        }
        self.pads += 1;
        // Padding completes a group of four: after 2 characters two, after 3 one.
        let needed = match self.chars % 4 {
            2 => 2,
            3 => 1,
            _ => 0,
        };
        if self.pads > needed {
            return Err(error(offset, "padding in the wrong place"));
        }
        Ok(())
    }

    fn finish(self) -> Result<Vec<u8>, Base64Error> {
        if self.chars % 4 == 1 {
            let msg = "a lone final character: Base64 needs at least two per group";
            return Err(error(self.last, msg));
        }
        if self.pads > 0 && (self.chars + self.pads) % 4 != 0 {
            return Err(error(self.first_pad, "incomplete padding"));
        }
        if self.bits != 0 {
            return Err(error(self.last, "the last character has unused bits set"));
        }
        Ok(self.out)
    }
}

/// "'x' is not a Base64 character", naming the whole character at `offset`.
fn bad_char(text: &str, offset: usize) -> String {
    match text.get(offset..).and_then(|s| s.chars().next()) {
        Some(c) => format!("{c:?} is not a Base64 character"),
        None => "not a Base64 character".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(text: &str) -> Base64Error {
        decode(text).expect_err("the text is not Base64")
    }

    #[test]
    fn rfc_4648_test_vectors() {
        let vectors = [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ];
        for (plain, coded) in vectors {
            assert_eq!(encode(plain.as_bytes()), coded);
            assert_eq!(decode(coded).unwrap(), plain.as_bytes(), "{coded}");
        }
    }

    #[test]
    fn every_byte_and_length_round_trips() {
        let all: Vec<u8> = (0..=255).collect();
        for len in 0..all.len() {
            let bytes = all.get(..len).unwrap();
            assert_eq!(decode(&encode(bytes)).unwrap(), bytes);
        }
        assert_eq!(encode(&[0xfb, 0xff, 0xbf]), "+/+/");
    }

    #[test]
    fn accepts_whitespace_and_missing_padding() {
        assert_eq!(decode(" Zm9v\r\nYmE=\t").unwrap(), b"fooba");
        assert_eq!(decode("Zm9vYg").unwrap(), b"foob");
        assert_eq!(decode("Zm8").unwrap(), b"fo");
        assert_eq!(decode("Zg = =").unwrap(), b"f");
        assert_eq!(decode(" \n").unwrap(), b"");
    }

    #[test]
    fn refuses_characters_outside_the_alphabet() {
        let e = err("Zm9v-_");
        assert_eq!(
            (e.offset, e.message.as_str()),
            (4, "'-' is not a Base64 character")
        );
        assert_eq!(err("Zm9vé").message, "'é' is not a Base64 character");
        assert_eq!(err("Zm9v\0").offset, 4);
    }

    #[test]
    fn refuses_bad_padding() {
        assert_eq!(err("Zm9v=").message, "padding in the wrong place");
        assert_eq!(err("Zm8==").offset, 4);
        assert_eq!(err("Zg===").offset, 4);
        assert_eq!(err("=Zg=").message, "padding in the wrong place");
        let e = err("Zg=");
        assert_eq!((e.offset, e.message.as_str()), (2, "incomplete padding"));
        assert_eq!(err("Zg==Zg==").message, "data after the padding");
    }

    #[test]
    fn refuses_a_lone_character_and_unused_bits() {
        let e = err("Zm9vY");
        assert_eq!(e.offset, 4);
        assert!(e.message.contains("lone final character"));
        // "Zh" carries "f" plus non-zero leftover bits.
        let e = err("Zh==");
        assert_eq!(
            (e.offset, e.message.as_str()),
            (1, "the last character has unused bits set")
        );
        assert_eq!(err("Zm9=").offset, 2);
        assert_eq!(
            e.to_string(),
            "at offset 1: the last character has unused bits set"
        );
    }
}
