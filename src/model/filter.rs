//! The message list's filter: a topic field and a payload text field.
//!
//! The topic field is an MQTT Topic Filter when it holds `+` or `#` and is a valid
//! filter (`sensors/+/temp`, `#`; `$share/group/` in front is ignored); otherwise it is a
//! case-insensitive substring of the topic. The text field is a case-insensitive
//! substring of the payload read as UTF-8 (invalid bytes never match). An empty field
//! matches everything. The fields are used exactly as typed, spaces included.

use mqttscope_proto::codec::topic;
use mqttscope_proto::codec::ProtocolVersion;

/// What the user typed into the filter fields.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MessageFilter {
    /// Topic filter or topic substring.
    pub topic: String,
    /// Payload substring.
    pub text: String,
}

/// How the topic field matches.
#[derive(Debug, Clone, PartialEq, Eq)]
enum TopicMatch {
    /// Empty field.
    All,
    /// An MQTT Topic Filter.
    Wildcard(String),
    /// A substring (case-insensitive).
    Contains(Needle),
}

/// A case-insensitive substring to look for, folded once.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Needle {
    /// ASCII only: compared byte by byte, ignoring ASCII case, without allocating.
    Ascii(Vec<u8>),
    /// Anything else: lower-cased; the haystack is lower-cased per match.
    Unicode(String),
}

impl Needle {
    fn new(s: &str) -> Self {
        if s.is_ascii() {
            Needle::Ascii(s.as_bytes().to_vec())
        } else {
            Needle::Unicode(s.to_lowercase())
        }
    }

    /// True when the needle is in `hay` (bytes read as UTF-8, invalid ones never match).
    fn found_in(&self, hay: &[u8]) -> bool {
        match self {
            Needle::Ascii(n) => contains_ignore_ascii_case(hay, n),
            Needle::Unicode(n) => String::from_utf8_lossy(hay).to_lowercase().contains(n),
        }
    }
}

/// True when `needle` (non-empty) occurs in `hay`, ignoring ASCII case.
fn contains_ignore_ascii_case(hay: &[u8], needle: &[u8]) -> bool {
    let Some(&first) = needle.first() else {
        return true;
    };
    let first = first.to_ascii_lowercase();
    hay.windows(needle.len()).any(|w| {
        w.first().map(u8::to_ascii_lowercase) == Some(first) && w.eq_ignore_ascii_case(needle)
    })
}

/// A [`MessageFilter`] prepared for matching many messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompiledFilter {
    topic: TopicMatch,
    text: Option<Needle>,
}

impl CompiledFilter {
    /// Prepares `filter` (see the module doc for how the fields match).
    pub fn new(filter: &MessageFilter) -> Self {
        CompiledFilter {
            topic: topic_match(&filter.topic),
            text: (!filter.text.is_empty()).then(|| Needle::new(&filter.text)),
        }
    }

    /// True when both fields are empty, so every message matches.
    pub fn is_empty(&self) -> bool {
        self.topic == TopicMatch::All && self.text.is_none()
    }

    /// True when the topic field is used as an MQTT Topic Filter (with wildcards).
    pub fn is_wildcard(&self) -> bool {
        matches!(self.topic, TopicMatch::Wildcard(_))
    }

    /// True when a message with this topic and payload passes the filter.
    pub fn matches(&self, topic: &str, payload: &[u8]) -> bool {
        let topic_ok = match &self.topic {
            TopicMatch::All => true,
            TopicMatch::Wildcard(f) => topic::matches(f, topic),
            TopicMatch::Contains(n) => n.found_in(topic.as_bytes()),
        };
        topic_ok && self.text.as_ref().is_none_or(|n| n.found_in(payload))
    }
}

fn topic_match(field: &str) -> TopicMatch {
    if field.is_empty() {
        return TopicMatch::All;
    }
    if field.contains(['+', '#']) {
        let filter = topic::unshared(field);
        if topic::is_valid_filter(filter, ProtocolVersion::V5) {
            return TopicMatch::Wildcard(filter.to_string());
        }
    }
    TopicMatch::Contains(Needle::new(field))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filter(topic: &str, text: &str) -> CompiledFilter {
        CompiledFilter::new(&MessageFilter {
            topic: topic.into(),
            text: text.into(),
        })
    }

    #[test]
    fn empty_matches_everything() {
        let f = filter("", "");
        assert!(f.is_empty());
        assert!(f.matches("", b""));
        assert!(f.matches("$SYS/x", &[0xff]));
        assert!(!filter("a", "").is_empty());
    }

    #[test]
    fn wildcards_match_as_mqtt_filters() {
        let f = filter("sensors/+/temp", "");
        assert!(f.is_wildcard());
        assert!(f.matches("sensors/kitchen/temp", b""));
        assert!(!f.matches("sensors/kitchen/temp/x", b""));
        assert!(!f.matches("Sensors/kitchen/temp", b""));
        let f = filter("a/#", "");
        assert!(f.matches("a", b"") && f.matches("a/b/c", b""));
        assert!(!f.matches("ab", b""));
        assert!(filter("+/+", "").matches("/x", b""));
    }

    #[test]
    fn wildcards_at_the_start_skip_dollar_topics() {
        assert!(!filter("#", "").matches("$SYS/broker/uptime", b""));
        assert!(!filter("+/broker/#", "").matches("$SYS/broker/uptime", b""));
        assert!(filter("$SYS/#", "").matches("$SYS/broker/uptime", b""));
        assert!(filter("#", "").matches("plain", b""));
    }

    #[test]
    fn shared_subscription_prefix_is_ignored() {
        let f = filter("$share/g/a/+", "");
        assert!(f.is_wildcard());
        assert!(f.matches("a/b", b""));
        assert!(!f.matches("$share/g/a/b", b""));
    }

    #[test]
    fn invalid_filters_fall_back_to_substrings() {
        for (field, topic) in [
            ("a#", "xa#y"),
            ("a/#/b", "A/#/B"),
            ("x+", "box+"),
            ("a+/b", "xA+/B"),
        ] {
            let f = filter(field, "");
            assert!(!f.is_wildcard(), "{field}");
            assert!(f.matches(topic, b""), "{field}");
            assert!(!f.matches("other", b""), "{field}");
        }
    }

    #[test]
    fn topic_substring_ignores_case() {
        let f = filter("sys", "");
        assert!(!f.is_wildcard());
        assert!(f.matches("$SYS/broker", b""));
        assert!(f.matches("a/Sys", b""));
        assert!(!f.matches("a/sy/s", b""));
        assert!(filter("ÉTÉ", "").matches("saison/été", b""));
        assert!(filter(" ", "").matches("a b", b""));
        assert!(!filter(" ", "").matches("ab", b""));
    }

    #[test]
    fn text_is_a_case_insensitive_payload_substring() {
        let f = filter("", "Alarm");
        assert!(f.matches("t", b"{\"state\":\"ALARM\"}"));
        assert!(f.matches("t", b"\xffalarm\xfe"));
        assert!(!f.matches("t", b"alar"));
        assert!(!f.matches("t", b""));
        let f = filter("", "größe");
        assert!(f.matches("t", "GRÖSSE größe".as_bytes()));
        assert!(!f.matches("t", &[0xff, 0xfe]));
    }

    #[test]
    fn both_fields_must_match() {
        let f = filter("a/+", "on");
        assert!(f.matches("a/b", b"ON"));
        assert!(!f.matches("a/b", b"off"));
        assert!(!f.matches("c/b", b"on"));
    }

    #[test]
    fn ascii_search_handles_edges() {
        assert!(contains_ignore_ascii_case(b"abc", b"ABC"));
        assert!(!contains_ignore_ascii_case(b"ab", b"abc"));
        assert!(contains_ignore_ascii_case(b"", b""));
        assert!(contains_ignore_ascii_case(b"xxAbC", b"abc"));
    }
}
