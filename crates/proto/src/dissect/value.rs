//! The decoded value of a dissected field.

use std::fmt;

/// A field's decoded value.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Value {
    /// An integer.
    UInt(u64),
    /// A flag.
    Bool(bool),
    /// A UTF-8 string (shown quoted; never interpreted as markup).
    Text(String),
    /// Binary data or a payload.
    Bytes(Vec<u8>),
    /// A code with its specification name (packet type, reason code, QoS).
    Named {
        /// The number on the wire.
        code: u64,
        /// Its name.
        name: &'static str,
    },
    /// One byte of a multi-byte Variable Byte Integer: `digit << shift`, more to follow.
    VarIntByte {
        /// The low seven bits.
        digit: u32,
        /// Their weight as a shift (0, 7, 14, 21).
        shift: u8,
    },
    /// Reserved or raw bits.
    Bits {
        /// The bits, right aligned.
        value: u8,
        /// How many.
        width: u8,
    },
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::UInt(n) => write!(f, "{n}"),
            Value::Bool(b) => write!(f, "{}", u8::from(*b)),
            Value::Text(s) => write!(f, "{s:?}"),
            Value::Bytes(b) => fmt_bytes(f, b),
            Value::Named { code, name } => write!(f, "{name} (0x{code:02X})"),
            Value::VarIntByte { digit, shift } => write!(f, "{digit} × 2^{shift}, continues"),
            Value::Bits { value, width } => write!(f, "{value:0w$b}", w = usize::from(*width)),
        }
    }
}

/// Binary data as hex, and as text too when it is printable UTF-8; long data is
/// summarised with its full length (the hex view shows every byte).
fn fmt_bytes(f: &mut fmt::Formatter<'_>, b: &[u8]) -> fmt::Result {
    const SHOWN: usize = 32;
    write!(f, "{} bytes", b.len())?;
    if let Ok(s) = std::str::from_utf8(b) {
        if s.chars().all(|c| !c.is_control() || c == '\n' || c == '\t') {
            let head: String = s.chars().take(SHOWN).collect();
            let more = if head.len() < s.len() { "…" } else { "" };
            return write!(f, " {head:?}{more}");
        }
    }
    f.write_str(" ")?;
    for byte in b.iter().take(SHOWN) {
        write!(f, "{byte:02x}")?;
    }
    if b.len() > SHOWN {
        f.write_str("…")?;
    }
    Ok(())
}
