//! Reading bytes from hex text that people paste or type, and writing bytes back as hex.
//! The hex pad and the CLI's `dissect` both read through here.
//!
//! The reader is forgiving about layout and strict about content: whitespace, commas,
//! colons and square brackets separate groups of digits, a group may start with `0x`,
//! and case does not matter; anything else, and a group with an odd number of digits,
//! is an error that names where it is. So `30 02 00 07`, `0x30, 0x02`, `[0x30,0x02]`,
//! `30:02` and `3002` all read, while `3 0` and `30 0g` do not.

use std::fmt;

/// Bytes per line in [`format_hex`].
const LINE: usize = 16;

/// A place in the input text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TextPos {
    /// Offset in characters from the start, from 0.
    pub index: usize,
    /// Line, from 1.
    pub line: usize,
    /// Column in characters, from 1.
    pub column: usize,
}

impl fmt::Display for TextPos {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}, column {}", self.line, self.column)
    }
}

/// Why the text is not hex.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HexErrorKind {
    /// A character that is neither a hex digit nor a separator.
    NotHex(char),
    /// A group of digits of odd length: one byte would lack a digit.
    OddDigits {
        /// How many digits the group has.
        digits: usize,
    },
    /// `0x` with no digit after it.
    EmptyPrefix,
    /// More bytes than the caller's limit ([`parse_hex_max`]).
    TooLong {
        /// The limit.
        max: usize,
    },
}

/// Why the text is not hex, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HexError {
    /// What is wrong.
    pub kind: HexErrorKind,
    /// Where: the character, or the start of the group of digits.
    pub at: TextPos,
}

impl fmt::Display for HexError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let at = self.at;
        match &self.kind {
            HexErrorKind::NotHex(c) => write!(f, "{c:?} at {at} is not a hex digit"),
            HexErrorKind::OddDigits { digits } => write!(
                f,
                "the group of {digits} digits at {at} has an odd length: \
                 every byte takes two hex digits"
            ),
            HexErrorKind::EmptyPrefix => write!(f, "\"0x\" at {at} has no hex digits after it"),
            HexErrorKind::TooLong { max } => {
                write!(f, "more than {max} bytes (reading stopped at {at})")
            }
        }
    }
}

impl std::error::Error for HexError {}

/// True for the characters that separate groups of digits.
fn is_separator(c: char) -> bool {
    c.is_whitespace() || matches!(c, ',' | ':' | '[' | ']')
}

/// Reads hex text into bytes (see the module doc for what it accepts).
pub fn parse_hex(text: &str) -> Result<Vec<u8>, HexError> {
    parse_hex_max(text, usize::MAX)
}

/// Reads hex text into at most `max_bytes` bytes; more is [`HexErrorKind::TooLong`].
pub fn parse_hex_max(text: &str, max_bytes: usize) -> Result<Vec<u8>, HexError> {
    let mut reader = Reader {
        max: max_bytes,
        ..Reader::default()
    };
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '0' && reader.at_group_start() && matches!(chars.peek(), Some('x' | 'X')) {
            chars.next();
            reader.prefix();
        } else if is_separator(c) {
            reader.end_group()?;
        } else if let Some(nibble) = c.to_digit(16) {
            reader.digit(nibble as u8)?;
        } else {
            return Err(reader.error(HexErrorKind::NotHex(c)));
        }
        reader.advance(c);
    }
    reader.end_group()?;
    Ok(reader.bytes)
}

/// The state of [`parse_hex`].
struct Reader {
    bytes: Vec<u8>,
    max: usize,
    pos: TextPos,
    /// Where the current group of digits (or its `0x`) started.
    group: Option<TextPos>,
    digits: usize,
    high: u8,
}

impl Default for Reader {
    fn default() -> Self {
        Reader {
            bytes: Vec::new(),
            max: usize::MAX,
            pos: TextPos {
                index: 0,
                line: 1,
                column: 1,
            },
            group: None,
            digits: 0,
            high: 0,
        }
    }
}

impl Reader {
    fn at_group_start(&self) -> bool {
        self.group.is_none()
    }

    fn error(&self, kind: HexErrorKind) -> HexError {
        HexError { kind, at: self.pos }
    }

    /// Moves past `c` (a `0x` prefix moves twice: once here, once for the `x`).
    fn advance(&mut self, c: char) {
        if c == '\n' {
            self.pos.line += 1;
            self.pos.column = 1;
        } else {
            self.pos.column += 1;
        }
        self.pos.index += 1;
    }

    fn prefix(&mut self) {
        self.group = Some(self.pos);
        self.advance('0');
    }

    fn digit(&mut self, nibble: u8) -> Result<(), HexError> {
        self.group.get_or_insert(self.pos);
        if self.digits % 2 == 0 {
            self.high = nibble;
        } else {
            if self.bytes.len() == self.max {
                return Err(self.error(HexErrorKind::TooLong { max: self.max }));
            }
            self.bytes.push(self.high << 4 | nibble);
        }
        self.digits += 1;
        Ok(())
    }

    fn end_group(&mut self) -> Result<(), HexError> {
        let Some(at) = self.group.take() else {
            return Ok(());
        };
        let digits = std::mem::take(&mut self.digits);
        match digits {
            0 => Err(HexError {
                kind: HexErrorKind::EmptyPrefix,
                at,
            }),
            d if d % 2 == 1 => Err(HexError {
                kind: HexErrorKind::OddDigits { digits },
                at,
            }),
            _ => Ok(()),
        }
    }
}

/// Writes bytes as lower-case hex, space separated, sixteen to a line.
pub fn format_hex(bytes: &[u8]) -> String {
    let lines: Vec<String> = bytes
        .chunks(LINE)
        .map(|line| {
            let pairs: Vec<String> = line.iter().map(|b| format!("{b:02x}")).collect();
            pairs.join(" ")
        })
        .collect();
    lines.join("\n")
}

/// Writes bytes as lower-case hex pairs separated by spaces, on one line.
pub fn to_hex(bytes: &[u8]) -> String {
    let pairs: Vec<String> = bytes.iter().map(|b| format!("{b:02x}")).collect();
    pairs.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    fn err(text: &str) -> HexError {
        parse_hex(text).expect_err("the text is not valid hex")
    }

    #[test]
    fn reads_every_accepted_layout() {
        let want = vec![0x30, 0x02, 0xab, 0xCD];
        for text in [
            "30 02 ab cd",
            "3002abcd",
            "30 02\nAB CD\n",
            "0x30, 0x02, 0xAB, 0xcd",
            "[0x30,0x02,0xab,0xcd]",
            "30:02:ab:cd",
            "0X3002 abCD",
            "  30\t02\r\nab  cd  ",
        ] {
            assert_eq!(parse_hex(text), Ok(want.clone()), "{text:?}");
        }
    }

    #[test]
    fn empty_text_is_no_bytes() {
        assert_eq!(parse_hex(""), Ok(vec![]));
        assert_eq!(parse_hex(" ,\n "), Ok(vec![]));
    }

    #[test]
    fn names_a_character_that_is_not_hex() {
        let e = err("30 02\n00 0g");
        assert_eq!(e.kind, HexErrorKind::NotHex('g'));
        assert_eq!((e.at.index, e.at.line, e.at.column), (10, 2, 5));
        assert_eq!(e.to_string(), "'g' at line 2, column 5 is not a hex digit");
    }

    #[test]
    fn x_inside_a_group_is_not_a_prefix() {
        let e = err("300x02");
        assert_eq!(e.kind, HexErrorKind::NotHex('x'));
        assert_eq!(e.at.column, 4);
    }

    #[test]
    fn odd_group_points_at_its_start() {
        let e = err("30 023 00");
        assert_eq!(e.kind, HexErrorKind::OddDigits { digits: 3 });
        assert_eq!(e.at.column, 4);
        assert!(e.to_string().contains("odd length"));
        assert_eq!(err("0x3").at.column, 1);
        assert_eq!(err("3 0").kind, HexErrorKind::OddDigits { digits: 1 });
    }

    #[test]
    fn bare_prefix_is_an_error() {
        let e = err("30 0x, 02");
        assert_eq!(e.kind, HexErrorKind::EmptyPrefix);
        assert_eq!(e.at.column, 4);
    }

    #[test]
    fn markup_is_just_not_hex() {
        assert_eq!(err("<b>").kind, HexErrorKind::NotHex('<'));
    }

    #[test]
    fn non_ascii_columns_count_characters() {
        let e = err("é 30 ü");
        assert_eq!(e.kind, HexErrorKind::NotHex('é'));
        let e = err("30 ü");
        assert_eq!((e.at.index, e.at.column), (3, 4));
    }

    #[test]
    fn stops_at_the_size_cap() {
        let text = "00".repeat(16);
        assert_eq!(parse_hex_max(&text, 16).map(|b| b.len()), Ok(16));
        let e = parse_hex_max(&(text + "00"), 16).unwrap_err();
        assert_eq!(e.kind, HexErrorKind::TooLong { max: 16 });
    }

    #[test]
    fn to_hex_is_one_line_and_round_trips() {
        assert_eq!(to_hex(&[0x30, 0x0a]), "30 0a");
        let bytes: Vec<u8> = (0..=40).collect();
        assert_eq!(parse_hex(&to_hex(&bytes)), Ok(bytes));
    }

    #[test]
    fn format_round_trips() {
        let bytes: Vec<u8> = (0..=40).collect();
        let text = format_hex(&bytes);
        assert_eq!(text.lines().count(), 3);
        assert!(text.starts_with("00 01 02"));
        assert_eq!(parse_hex(&text), Ok(bytes));
        assert_eq!(format_hex(&[]), "");
    }
}
