//! The hex pad reads hex through the core's reader ([`mqttscope_proto::hex`]), capped so
//! that the hex view stays quick.

pub use mqttscope_proto::hex::{format_hex, HexError};

/// The most bytes the pad reads; more would make the hex view sluggish.
pub const MAX_BYTES: usize = 16 * 1024;

/// Reads hex text into at most [`MAX_BYTES`] bytes.
pub fn parse_hex(text: &str) -> Result<Vec<u8>, HexError> {
    mqttscope_proto::hex::parse_hex_max(text, MAX_BYTES)
}

#[cfg(test)]
mod tests {
    use super::*;
    use mqttscope_proto::hex::HexErrorKind;

    #[test]
    fn stops_at_the_size_cap() {
        let text = "00".repeat(MAX_BYTES);
        assert_eq!(parse_hex(&text).map(|b| b.len()), Ok(MAX_BYTES));
        let e = parse_hex(&(text + "00")).expect_err("over the cap");
        assert_eq!(e.kind, HexErrorKind::TooLong { max: MAX_BYTES });
    }
}
