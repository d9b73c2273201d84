//! Topic Filter grammar (4.7) and shared subscriptions (4.8.2), and topic matching.

use super::ProtocolVersion;

/// A filter error: offset within the filter, what is wrong, the rule.
pub(crate) type FilterError = (usize, &'static str, &'static str);

/// The prefix of an MQTT 5 shared subscription.
pub const SHARE_PREFIX: &str = "$share/";

/// Checks a Topic Filter: at least one character [MQTT-4.7.3-1]; `#` alone in the last
/// level [MQTT-4.7.1-1]; `+` filling a whole level [MQTT-4.7.1-2]; in MQTT 5, a
/// `$share/<name>/<filter>` with a non-empty name free of `/`, `+` and `#` [MQTT-4.8.2-1]
/// followed by a filter [MQTT-4.8.2-2]. (MQTT 3.1.1 numbers the wildcard rules
/// [MQTT-4.7.1-2] and [MQTT-4.7.1-3].)
pub(crate) fn validate_filter(s: &str, v: ProtocolVersion) -> Result<(), FilterError> {
    if s.is_empty() {
        return Err((0, "a filter needs at least one character", "MQTT-4.7.3-1"));
    }
    if v == ProtocolVersion::V5 {
        if let Some(rest) = s.strip_prefix(SHARE_PREFIX) {
            return validate_shared(rest, v)
                .map_err(|(at, r, rule)| (at + SHARE_PREFIX.len(), r, rule));
        }
    }
    validate_levels(s, v)
}

fn validate_shared(rest: &str, v: ProtocolVersion) -> Result<(), FilterError> {
    let Some(slash) = rest.find('/') else {
        return Err((
            rest.len(),
            "$share/ needs a share name and a filter",
            "MQTT-4.8.2-2",
        ));
    };
    let name = &rest[..slash];
    if name.is_empty() {
        return Err((0, "the share name is empty", "MQTT-4.8.2-1"));
    }
    if let Some(at) = name.find(['+', '#']) {
        return Err((at, "the share name may not contain + or #", "MQTT-4.8.2-1"));
    }
    let filter = &rest[slash + 1..];
    if filter.is_empty() {
        return Err((
            slash + 1,
            "a shared subscription needs a filter after the share name",
            "MQTT-4.8.2-2",
        ));
    }
    validate_levels(filter, v).map_err(|(at, r, rule)| (at + slash + 1, r, rule))
}

/// Checks the wildcards of a filter: in one pass when they are well placed (the common
/// case), level by level to name the first fault otherwise.
#[inline]
fn validate_levels(s: &str, v: ProtocolVersion) -> Result<(), FilterError> {
    if wildcards_well_placed(s.as_bytes()) {
        return Ok(());
    }
    first_misplaced_wildcard(s, v)
}

/// True when every `+` fills a whole level [MQTT-4.7.1-2] and a `#` fills the last one
/// [MQTT-4.7.1-1]: eight bytes at a time, looking closer only at the wildcards found.
#[inline]
fn wildcards_well_placed(s: &[u8]) -> bool {
    if s.len() < 8 {
        return (0..s.len()).all(|at| wildcard_well_placed(s, at));
    }
    let mut chunks = s.chunks_exact(8);
    let mut at = 0;
    for c in chunks.by_ref() {
        if !word_well_placed(s, at, c) {
            return false;
        }
        at += 8;
    }
    // The last eight bytes, overlapping the previous word.
    let last = s.len() - 8;
    chunks.remainder().is_empty() || word_well_placed(s, last, &s[last..])
}

/// [`wildcard_well_placed`] for each wildcard among the eight bytes `s[at..at + 8]`
/// (which are `c`), found by an exact per-byte test.
#[inline(always)]
fn word_well_placed(s: &[u8], at: usize, c: &[u8]) -> bool {
    const LO: u64 = 0x0101_0101_0101_0101;
    const SEVEN_F: u64 = LO * 0x7f;
    // The top bit of each zero byte of `x`, with no carries between bytes.
    let zeros = |x: u64| !(((x & SEVEN_F) + SEVEN_F) | x) & (LO << 7);
    let w = u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]);
    let mut wild = zeros(w ^ (LO * u64::from(b'+'))) | zeros(w ^ (LO * u64::from(b'#')));
    while wild != 0 {
        if !wildcard_well_placed(s, at + wild.trailing_zeros() as usize / 8) {
            return false;
        }
        wild &= wild - 1;
    }
    true
}

/// True unless `s[at]` is a wildcard that does not stand alone in its level, or a `#`
/// that is not last.
#[inline]
fn wildcard_well_placed(s: &[u8], at: usize) -> bool {
    let c = s[at];
    if c != b'+' && c != b'#' {
        return true;
    }
    let last = at + 1 == s.len();
    let alone = (at == 0 || s[at - 1] == b'/') && (last || s[at + 1] == b'/');
    alone && (c == b'+' || last)
}

/// The first misplaced wildcard, level by level: a `#` fault before a `+` fault in the
/// same level.
#[cold]
fn first_misplaced_wildcard(s: &str, v: ProtocolVersion) -> Result<(), FilterError> {
    let (hash_rule, plus_rule) = if v == ProtocolVersion::V5 {
        ("MQTT-4.7.1-1", "MQTT-4.7.1-2")
    } else {
        ("MQTT-4.7.1-2", "MQTT-4.7.1-3")
    };
    let mut start = 0;
    for level in s.split('/') {
        let end = start + level.len();
        if let Some(at) = level.find('#') {
            if level.len() != 1 || end != s.len() {
                return Err((start + at, "# must be alone in the last level", hash_rule));
            }
        }
        if let Some(at) = level.find('+') {
            if level.len() != 1 {
                return Err((start + at, "+ must fill a whole level", plus_rule));
            }
        }
        start = end + 1;
    }
    Ok(())
}

/// True when `filter` names a shared subscription (MQTT 5).
pub fn is_shared(filter: &str) -> bool {
    filter.starts_with(SHARE_PREFIX)
}

/// The filter a shared subscription applies to topics: `f` in `$share/<name>/f`; any
/// other filter (or a `$share/` without a name and filter) as it is.
pub fn unshared(filter: &str) -> &str {
    filter
        .strip_prefix(SHARE_PREFIX)
        .and_then(|rest| rest.split_once('/'))
        .map_or(filter, |(_, inner)| inner)
}

/// True when `filter` is a valid Topic Filter in `v` (the checks of a SUBSCRIBE decode,
/// for callers that only need a yes or no).
pub fn is_valid_filter(filter: &str, v: ProtocolVersion) -> bool {
    validate_filter(filter, v).is_ok()
}

/// True when Topic Name `topic` matches Topic Filter `filter` (4.7). Wildcards at the start
/// of a filter do not match topics beginning with `$` [MQTT-4.7.2-1]. For a shared
/// subscription, pass the filter after `$share/<name>/`.
pub fn matches(filter: &str, topic: &str) -> bool {
    if topic.starts_with('$') && filter.starts_with(['+', '#']) {
        return false;
    }
    let mut f = filter.split('/');
    let mut t = topic.split('/');
    loop {
        match (f.next(), t.next()) {
            (Some("#"), _) => return true,
            (Some("+"), Some(_)) => {}
            (Some(a), Some(b)) if a == b => {}
            (None, None) => return true,
            _ => return false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    const V5: ProtocolVersion = ProtocolVersion::V5;
    const V4: ProtocolVersion = ProtocolVersion::V3_1_1;

    #[test]
    fn shared_subscriptions_apply_their_inner_filter() {
        assert_eq!(unshared("$share/g/a/+"), "a/+");
        assert_eq!(unshared("a/#"), "a/#");
        assert_eq!(unshared("$share/only"), "$share/only");
    }

    #[test]
    fn filter_validity_as_a_yes_or_no() {
        assert!(is_valid_filter("a/+/#", V4));
        assert!(!is_valid_filter("a/#/b", V4));
        assert!(!is_valid_filter("a+", V5));
        assert!(!is_valid_filter("", V5));
        assert!(is_valid_filter("$share/g/a/#", V5));
    }

    #[test]
    fn valid_filters() {
        for f in [
            "#",
            "+",
            "a/#",
            "+/+",
            "/",
            "a//b",
            "+/tennis/#",
            "sport/+/player1",
            "$SYS/#",
        ] {
            assert_eq!(validate_filter(f, V5), Ok(()), "{f}");
            assert_eq!(validate_filter(f, V4), Ok(()), "{f}");
        }
    }

    /// [MQTT-4.7.1-1]
    /// 3.1.1: [MQTT-4.7.1-2]
    #[test]
    fn hash_only_alone_and_last() {
        assert_eq!(
            validate_filter("a/#/b", V5),
            Err((2, "# must be alone in the last level", "MQTT-4.7.1-1"))
        );
        assert_eq!(validate_filter("a#", V5).unwrap_err().0, 1);
        assert_eq!(validate_filter("a/b#", V4).unwrap_err().2, "MQTT-4.7.1-2");
    }

    /// [MQTT-4.7.1-2]
    /// 3.1.1: [MQTT-4.7.1-3]
    #[test]
    fn plus_fills_a_whole_level() {
        assert_eq!(
            validate_filter("a/b+/c", V5),
            Err((3, "+ must fill a whole level", "MQTT-4.7.1-2"))
        );
        assert_eq!(validate_filter("+a", V4).unwrap_err().2, "MQTT-4.7.1-3");
    }

    #[test]
    fn one_pass_check_agrees_with_the_level_by_level_one() {
        // Every string of up to six characters among those that matter, also placed
        // where the eight-byte words and the overlapping last word see them.
        let mut strings = vec![String::new()];
        let mut longest = strings.clone();
        for _ in 0..6 {
            longest = longest
                .iter()
                .flat_map(|s| "a/+#".chars().map(move |c| format!("{s}{c}")))
                .collect();
            strings.extend(longest.iter().cloned());
        }
        for s in &strings {
            for s in [
                s.clone(),
                format!("abcdefgh/{s}"),
                format!("{s}/abcdefghijk"),
            ] {
                assert_eq!(
                    wildcards_well_placed(s.as_bytes()),
                    first_misplaced_wildcard(&s, V5).is_ok(),
                    "{s:?}"
                );
            }
        }
    }

    /// [MQTT-4.7.3-1]
    /// 3.1.1: [MQTT-4.7.3-1]
    #[test]
    fn empty_filter_is_invalid() {
        assert_eq!(validate_filter("", V5).unwrap_err().2, "MQTT-4.7.3-1");
        assert_eq!(validate_filter("", V4).unwrap_err().2, "MQTT-4.7.3-1");
        assert_eq!(validate_filter("a", V4), Ok(()));
    }

    /// [MQTT-4.8.2-1] [MQTT-4.8.2-2]
    #[test]
    fn shared_subscription_grammar_in_v5() {
        assert_eq!(validate_filter("$share/g/a/+", V5), Ok(()));
        assert_eq!(validate_filter("$share/g/#", V5), Ok(()));
        assert_eq!(
            validate_filter("$share//a", V5).unwrap_err().2,
            "MQTT-4.8.2-1"
        );
        assert_eq!(
            validate_filter("$share/g+/a", V5).unwrap_err(),
            (8, "the share name may not contain + or #", "MQTT-4.8.2-1")
        );
        assert_eq!(
            validate_filter("$share/g", V5).unwrap_err().2,
            "MQTT-4.8.2-2"
        );
        assert_eq!(
            validate_filter("$share/g/", V5).unwrap_err().2,
            "MQTT-4.8.2-2"
        );
        assert_eq!(validate_filter("$share/g/a#", V5).unwrap_err().0, 10);
        // In 3.1.1 `$share` is an ordinary topic level.
        assert_eq!(validate_filter("$share/g", V4), Ok(()));
    }

    #[test]
    fn matching_follows_4_7() {
        assert!(matches("sport/tennis/#", "sport/tennis"));
        assert!(matches("sport/#", "sport"));
        assert!(matches("sport/+/player1", "sport/tennis/player1"));
        assert!(!matches("sport/+", "sport/tennis/player1"));
        assert!(matches("+/+", "/finance"));
        assert!(!matches("+", "/finance"));
        // [MQTT-4.7.2-1]
        assert!(!matches("#", "$SYS/uptime"));
        assert!(!matches("+/uptime", "$SYS/uptime"));
        assert!(matches("$SYS/#", "$SYS/uptime"));
    }
}
