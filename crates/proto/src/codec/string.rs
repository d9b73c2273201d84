//! UTF-8 Encoded Strings (1.5.4): well-formed UTF-8 without surrogates [MQTT-1.5.4-1] and
//! without U+0000 [MQTT-1.5.4-2]; a leading BOM is kept as it is [MQTT-1.5.4-3].
//! MQTT 3.1.1 states the same rules as [MQTT-1.5.3-1] to [MQTT-1.5.3-3].

use super::error::{DecodeErrorKind, UsageError};
use super::topic;
use super::ProtocolVersion;

/// What a string is used as, which decides the checks beyond UTF-8.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum StrKind {
    /// Any string: UTF-8 and no U+0000.
    Plain,
    /// A Topic Name that must be non-empty (a Will Topic, a Response Topic, an MQTT 3 PUBLISH).
    TopicName,
    /// The Topic Name of an MQTT 5 PUBLISH, which may be empty when a Topic Alias is set.
    TopicNameOrEmpty,
    /// A Topic Filter (SUBSCRIBE, UNSUBSCRIBE), with `$share/` parsed in MQTT 5.
    TopicFilter,
}

/// An error found in a string: offset within it, kind, rule.
pub(crate) type StrError = (usize, DecodeErrorKind, &'static str);

/// Checks `raw` as a string of `kind` and returns it as `&str`.
#[inline(always)]
pub(crate) fn validate_str(
    raw: &[u8],
    kind: StrKind,
    v: ProtocolVersion,
) -> Result<&str, StrError> {
    // Fast path: one pass over 8-byte words finds any non-ASCII byte and any byte this
    // kind of string may not hold; clean ASCII needs no further UTF-8 check.
    let wild = matches!(kind, StrKind::TopicName | StrKind::TopicNameOrEmpty);
    if ascii_scan(raw, wild) == Scan::CleanAscii {
        match kind {
            // An empty Topic Name: the full check reports it.
            StrKind::TopicName if raw.is_empty() => {}
            StrKind::TopicFilter => {
                let s = ascii_str(raw);
                return check_filter(s, v).map(|()| s);
            }
            _ => return Ok(ascii_str(raw)),
        }
    }
    validate_str_slow(raw, kind, v)
}

/// A Topic Filter's grammar (4.7, 4.8.2), as a string error.
#[inline]
fn check_filter(s: &str, v: ProtocolVersion) -> Result<(), StrError> {
    topic::validate_filter(s, v)
        .map_err(|(at, reason, rule)| (at, DecodeErrorKind::InvalidTopicFilter { reason }, rule))
}

/// The full check: UTF-8, emptiness, U+0000 and wildcards, and a Topic Filter's grammar.
#[inline(never)]
fn validate_str_slow(raw: &[u8], kind: StrKind, v: ProtocolVersion) -> Result<&str, StrError> {
    let wild = matches!(kind, StrKind::TopicName | StrKind::TopicNameOrEmpty);
    let s = std::str::from_utf8(raw).map_err(|e| {
        (
            e.valid_up_to(),
            DecodeErrorKind::InvalidUtf8,
            if v.is_v5() {
                "MQTT-1.5.4-1"
            } else {
                "MQTT-1.5.3-1"
            },
        )
    })?;
    if wild && raw.is_empty() && kind == StrKind::TopicName {
        return Err((0, DecodeErrorKind::EmptyTopic, "MQTT-4.7.3-1"));
    }
    check_special(raw, wild, v)?;
    if kind == StrKind::TopicFilter {
        check_filter(s, v)?;
    }
    Ok(s)
}

/// An all-ASCII byte string as `&str`.
#[inline(always)]
#[allow(unsafe_code)]
fn ascii_str(raw: &[u8]) -> &str {
    debug_assert!(raw.is_ascii());
    // SAFETY: `ascii_scan` returned `CleanAscii`: every byte is below 0x80, and a sequence
    // of ASCII bytes is well-formed UTF-8.
    unsafe { std::str::from_utf8_unchecked(raw) }
}

/// The slow path: U+0000 anywhere, `+` or `#` in a Topic Name.
#[cold]
fn check_special(raw: &[u8], wild: bool, v: ProtocolVersion) -> Result<(), StrError> {
    let nul_rule = if v.is_v5() {
        "MQTT-1.5.4-2"
    } else {
        "MQTT-1.5.3-2"
    };
    let at = if wild {
        find_nul_or_wildcard(raw)
    } else {
        find_byte(raw, 0)
    };
    match at {
        None => Ok(()),
        Some(at) if raw[at] == 0 => Err((at, DecodeErrorKind::NullCharacter, nul_rule)),
        Some(at) => Err((at, DecodeErrorKind::WildcardInTopicName, "MQTT-3.3.2-2")),
    }
}

/// What [`ascii_scan`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scan {
    /// Only ASCII, and no U+0000 (nor `+`, `#` when asked).
    CleanAscii,
    /// Something else: look closer.
    Other,
}

/// One pass, eight bytes at a time: is `s` ASCII without U+0000 (and, if `wild`, without
/// `+` and `#`)?
#[inline(always)]
fn ascii_scan(s: &[u8], wild: bool) -> Scan {
    // For ASCII bytes b (< 0x80), b + 0x7f sets the top bit exactly when b != 0, without a
    // carry into the next byte; so `!(w + 0x7f..) & HI` marks the zero bytes of `w`.
    const SEVEN_F: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    // A byte's top bit in `bad(w)` is set when the byte is not ASCII, or zero (or, if
    // `wild`, `+` or `#`). A carry out of a non-ASCII byte may blur its neighbour, but that
    // byte is marked already, and only "any" matters; the marks are gathered and tested
    // once.
    let plus = LO * u64::from(b'+');
    let hash = LO * u64::from(b'#');
    let bad = |w: u64| -> u64 {
        let zero = |x: u64| !(x.wrapping_add(SEVEN_F));
        let mut m = w | zero(w);
        if wild {
            m |= zero(w ^ plus) | zero(w ^ hash);
        }
        m
    };
    let acc = match (s.first_chunk::<8>(), s.last_chunk::<8>()) {
        // Eight to sixteen bytes: the first eight and the last eight, which may overlap
        // (harmless for "any").
        (Some(first), Some(last)) if s.len() <= 16 => {
            bad(u64::from_le_bytes(*first)) | bad(u64::from_le_bytes(*last))
        }
        (Some(_), Some(last)) => {
            let mut acc = 0;
            let mut words = s.chunks_exact(8);
            for c in words.by_ref() {
                acc |= bad(u64::from_le_bytes([
                    c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7],
                ]));
            }
            if !words.remainder().is_empty() {
                acc |= bad(u64::from_le_bytes(*last));
            }
            acc
        }
        _ => bad(short_word(s)),
    };
    if acc & HI != 0 {
        Scan::Other
    } else {
        Scan::CleanAscii
    }
}

/// A string of fewer than eight bytes as one word holding each of its bytes at least once,
/// padded with spaces (which are clean): overlapping loads rather than a loop.
#[inline(always)]
fn short_word(s: &[u8]) -> u64 {
    let spaces = LO * u64::from(b' ');
    if let (Some(head), Some(tail)) = (s.first_chunk::<4>(), s.last_chunk::<4>()) {
        // Four to seven bytes: the first four and the last four.
        return u64::from(u32::from_le_bytes(*head)) | (u64::from(u32::from_le_bytes(*tail)) << 32);
    }
    match *s {
        // One to three bytes: the first, the middle and the last cover them.
        [first, .., last] | [first @ last] => {
            let middle = s[s.len() / 2];
            (spaces & !0xff_ffff)
                | u64::from(first)
                | (u64::from(middle) << 8)
                | (u64::from(last) << 16)
        }
        [] => spaces,
    }
}

/// Checks a string the caller wants to send as `kind`; `field` names it in the error.
pub(crate) fn check_outgoing(
    s: &str,
    kind: StrKind,
    field: &'static str,
    v: ProtocolVersion,
) -> Result<(), UsageError> {
    if s.len() > usize::from(u16::MAX) {
        return Err(UsageError::StringTooLong {
            field,
            len: s.len(),
        });
    }
    match validate_str(s.as_bytes(), kind, v) {
        Ok(_) => Ok(()),
        Err((_, kind, _)) => Err(match kind {
            DecodeErrorKind::NullCharacter => UsageError::NullCharacter { field },
            DecodeErrorKind::WildcardInTopicName => UsageError::WildcardInTopicName,
            DecodeErrorKind::EmptyTopic => UsageError::EmptyTopic,
            DecodeErrorKind::InvalidTopicFilter { reason } => {
                UsageError::InvalidTopicFilter { reason }
            }
            // `s` is a `&str`, so it is well-formed UTF-8; nothing else can be reported.
            _ => UsageError::InvalidTopicFilter {
                reason: "not a valid string",
            },
        }),
    }
}

const LO: u64 = 0x0101_0101_0101_0101;
const HI: u64 = 0x8080_8080_8080_8080;

/// True where some byte of `x` is zero (the classic SWAR test; exact for "any").
#[inline(always)]
fn has_zero(x: u64) -> bool {
    x.wrapping_sub(LO) & !x & HI != 0
}

/// Offset of the first `needle` in `s`, eight bytes at a time.
#[inline]
fn find_byte(s: &[u8], needle: u8) -> Option<usize> {
    let pat = LO * u64::from(needle);
    let mut chunks = s.chunks_exact(8);
    for (i, c) in chunks.by_ref().enumerate() {
        let w = u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]);
        if has_zero(w ^ pat) {
            return c.iter().position(|&b| b == needle).map(|p| i * 8 + p);
        }
    }
    let tail = s.len() - chunks.remainder().len();
    chunks
        .remainder()
        .iter()
        .position(|&b| b == needle)
        .map(|p| tail + p)
}

/// Offset of the first U+0000, `+` or `#` in a Topic Name, eight bytes at a time.
#[inline]
fn find_nul_or_wildcard(s: &[u8]) -> Option<usize> {
    let special = |b: &u8| matches!(*b, 0 | b'+' | b'#');
    let mut chunks = s.chunks_exact(8);
    for (i, c) in chunks.by_ref().enumerate() {
        let w = u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]);
        if has_zero(w)
            || has_zero(w ^ (LO * u64::from(b'+')))
            || has_zero(w ^ (LO * u64::from(b'#')))
        {
            return c.iter().position(special).map(|p| i * 8 + p);
        }
    }
    let tail = s.len() - chunks.remainder().len();
    chunks
        .remainder()
        .iter()
        .position(special)
        .map(|p| tail + p)
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    const V5: ProtocolVersion = ProtocolVersion::V5;
    const V4: ProtocolVersion = ProtocolVersion::V3_1_1;

    /// [MQTT-1.5.4-2]
    /// 3.1.1: [MQTT-1.5.3-2]
    #[test]
    fn nul_is_rejected_with_the_version_s_rule() {
        // Rust's from_utf8 accepts U+0000; MQTT does not.
        assert_eq!(
            validate_str(b"a\0b", StrKind::Plain, V5),
            Err((1, DecodeErrorKind::NullCharacter, "MQTT-1.5.4-2"))
        );
        assert_eq!(
            validate_str(b"a\0b", StrKind::Plain, V4),
            Err((1, DecodeErrorKind::NullCharacter, "MQTT-1.5.3-2"))
        );
        assert_eq!(
            validate_str(b"0123456789\0", StrKind::Plain, V5)
                .unwrap_err()
                .0,
            10
        );
    }

    /// [MQTT-1.5.4-1]
    /// 3.1.1: [MQTT-1.5.3-1]
    #[test]
    fn encoded_surrogate_is_ill_formed() {
        // ED A0 80 would be U+D800 [MQTT-1.5.4-1].
        let err = validate_str(b"ab\xed\xa0\x80", StrKind::Plain, V5).unwrap_err();
        assert_eq!(err, (2, DecodeErrorKind::InvalidUtf8, "MQTT-1.5.4-1"));
        assert_eq!(
            validate_str(b"\xc0\x80", StrKind::Plain, V4).unwrap_err().2,
            "MQTT-1.5.3-1"
        );
    }

    /// [MQTT-1.5.4-3]
    #[test]
    fn bom_is_kept_not_stripped() {
        // [MQTT-1.5.4-3]
        assert_eq!(
            validate_str(b"\xef\xbb\xbfa", StrKind::Plain, V5),
            Ok("\u{feff}a")
        );
    }

    /// [MQTT-3.3.2-2] [MQTT-4.7.0-1]
    #[test]
    fn wildcards_in_topic_names_are_found_anywhere() {
        for (s, at) in [
            ("a/+", 2usize),
            ("#", 0),
            ("sensors/room-17/temperatur#", 26),
            ("abcdefgh+", 8),
        ] {
            let err = validate_str(s.as_bytes(), StrKind::TopicName, V5).unwrap_err();
            assert_eq!(
                err,
                (at, DecodeErrorKind::WildcardInTopicName, "MQTT-3.3.2-2"),
                "{s}"
            );
        }
        assert_eq!(
            validate_str(b"abcdefgh\0", StrKind::TopicName, V5)
                .unwrap_err()
                .1,
            DecodeErrorKind::NullCharacter
        );
    }

    #[test]
    fn empty_topic_name_only_where_allowed() {
        assert_eq!(
            validate_str(b"", StrKind::TopicName, V5).unwrap_err().1,
            DecodeErrorKind::EmptyTopic
        );
        assert_eq!(validate_str(b"", StrKind::TopicNameOrEmpty, V5), Ok(""));
    }

    #[test]
    fn swar_search_matches_a_plain_scan() {
        let hay: Vec<u8> = (0..40u8).map(|i| b'a' + (i % 20)).collect();
        for pos in 0..hay.len() {
            for needle in [0u8, b'+', b'#'] {
                let mut h = hay.clone();
                h[pos] = needle;
                assert_eq!(find_nul_or_wildcard(&h), Some(pos));
                if needle == 0 {
                    assert_eq!(find_byte(&h, 0), Some(pos));
                }
            }
        }
        assert_eq!(find_nul_or_wildcard(&hay), None);
        // Bytes next to the needles must not be confused with them.
        assert_eq!(
            find_nul_or_wildcard(&[0x2a, 0x2c, 0x22, 0x24, 0x01, 0xff, 0x80, 0xab, 0x2a]),
            None
        );
    }

    #[test]
    fn outgoing_strings_over_65535_bytes_are_refused() {
        let long = "a".repeat(65_536);
        assert_eq!(
            check_outgoing(&long, StrKind::Plain, "client id", V5),
            Err(UsageError::StringTooLong {
                field: "client id",
                len: 65_536
            })
        );
        assert_eq!(
            check_outgoing(&long[1..], StrKind::Plain, "client id", V5),
            Ok(())
        );
    }

    #[cfg(not(target_arch = "wasm32"))]
    mod fast_path {
        use super::*;
        use proptest::prelude::*;

        fn byte() -> impl Strategy<Value = u8> {
            prop_oneof![
                0x20u8..0x7f,
                Just(0u8),
                Just(b'+'),
                Just(b'#'),
                0x80u8..=0xff
            ]
        }

        proptest! {
            /// The ASCII fast path agrees with the general path on any bytes: mostly
            /// ASCII, with the bytes that matter mixed in, at every length around the
            /// eight-byte words.
            #[test]
            fn fast_path_agrees_with_the_general_path(raw in proptest::collection::vec(byte(), 0..40)) {
                for kind in [StrKind::Plain, StrKind::TopicName, StrKind::TopicNameOrEmpty, StrKind::TopicFilter] {
                    for v in [V4, V5] {
                        prop_assert_eq!(validate_str(&raw, kind, v), validate_str_slow(&raw, kind, v));
                    }
                }
            }
        }
    }
}
