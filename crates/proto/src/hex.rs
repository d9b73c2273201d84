//! Parsing hex that people paste: `30 0a`, `0x30,0x0a`, `300A`, across lines.

use std::fmt;

/// Why a hex string could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HexError {
    /// A character that is neither a hex digit nor a separator, at this character index.
    InvalidChar {
        /// Index in characters (not bytes) of the input.
        index: usize,
        /// The character.
        ch: char,
    },
    /// A group of digits with an odd count (half a byte), starting at this index.
    OddDigits {
        /// Index in characters of the group's first digit.
        index: usize,
    },
}

impl fmt::Display for HexError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HexError::InvalidChar { index, ch } => {
                write!(f, "character {} ({ch:?}) is not a hex digit", index + 1)
            }
            HexError::OddDigits { index } => {
                write!(
                    f,
                    "the digits starting at character {} have an odd count (half a byte)",
                    index + 1
                )
            }
        }
    }
}

impl std::error::Error for HexError {}

/// Reads hex bytes. Whitespace, commas, colons and a `0x` prefix before a group separate
/// groups; each group must have an even number of digits.
pub fn parse_hex(s: &str) -> Result<Vec<u8>, HexError> {
    let chars: Vec<char> = s.chars().collect();
    let mut out = Vec::with_capacity(chars.len() / 2);
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() || matches!(c, ',' | ':' | ';') {
            i += 1;
            continue;
        }
        if c == '0' && matches!(chars.get(i + 1), Some('x' | 'X')) {
            i += 2;
        }
        let start = i;
        while i < chars.len() && chars[i].is_ascii_hexdigit() {
            i += 1;
        }
        if let Some(&ch) = chars
            .get(i)
            .filter(|c| !(c.is_whitespace() || matches!(c, ',' | ':' | ';')))
        {
            return Err(HexError::InvalidChar { index: i, ch });
        }
        let group = &chars[start..i];
        if group.len() % 2 == 1 {
            return Err(HexError::OddDigits { index: start });
        }
        out.extend(group.chunks(2).map(|p| (digit(p[0]) << 4) | digit(p[1])));
    }
    Ok(out)
}

fn digit(c: char) -> u8 {
    c.to_digit(16).map_or(0, |d| d as u8)
}

/// Formats bytes as lower-case hex pairs separated by spaces.
pub fn to_hex(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len() * 3);
    for (i, b) in bytes.iter().enumerate() {
        if i > 0 {
            s.push(' ');
        }
        s.push_str(&format!("{b:02x}"));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn separators_and_prefixes_are_tolerated() {
        let want = vec![0x30, 0x0a, 0xff];
        for s in [
            "30 0a ff",
            "300aff",
            "0x30,0x0A,0xFF",
            "30:0a:ff",
            " 30\n0a\r\n\tff ",
            "0x300aff",
        ] {
            assert_eq!(parse_hex(s), Ok(want.clone()), "{s:?}");
        }
        assert_eq!(parse_hex(""), Ok(vec![]));
    }

    #[test]
    fn errors_name_the_position() {
        assert_eq!(
            parse_hex("30 0g"),
            Err(HexError::InvalidChar { index: 4, ch: 'g' })
        );
        assert_eq!(parse_hex("30 0a f"), Err(HexError::OddDigits { index: 6 }));
        assert_eq!(
            parse_hex("é1"),
            Err(HexError::InvalidChar { index: 0, ch: 'é' })
        );
        assert_eq!(
            HexError::OddDigits { index: 6 }.to_string(),
            "the digits starting at character 7 have an odd count (half a byte)"
        );
    }

    #[test]
    fn to_hex_round_trips() {
        assert_eq!(to_hex(&[0x30, 0x0a]), "30 0a");
        assert_eq!(parse_hex(&to_hex(&[1, 2, 254])), Ok(vec![1, 2, 254]));
    }
}
