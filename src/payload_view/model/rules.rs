//! Per-topic decoder rules: which decoder a topic's payloads get, by topic filter, the most
//! specific filter first; saved as text, one rule a line.

use std::cmp::Reverse;

use mqttscope_proto::codec::topic::{is_valid_filter, matches};
use mqttscope_proto::ProtocolVersion;

/// One rule: payloads of topics matching `filter` are decoded by `decoder` (a decoder's
/// name, `protobuf:package.Type` for a type of a loaded schema, or `auto`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rule {
    /// The topic filter.
    pub filter: String,
    /// The decoder's name.
    pub decoder: String,
}

/// The rules, kept most specific first.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Rules(Vec<Rule>);

/// How specific a filter is: more literal levels first, then without `#`, then fewer `+`,
/// then more levels.
fn specificity(filter: &str) -> (Reverse<usize>, bool, usize, Reverse<usize>) {
    let levels: Vec<&str> = filter.split('/').collect();
    let literal = levels.iter().filter(|l| !matches!(**l, "+" | "#")).count();
    let plus = levels.iter().filter(|l| **l == "+").count();
    (
        Reverse(literal),
        filter.ends_with('#'),
        plus,
        Reverse(levels.len()),
    )
}

impl Rules {
    /// The rules, most specific first.
    pub fn list(&self) -> &[Rule] {
        &self.0
    }

    /// Adds a rule, or replaces the decoder of the rule with the same filter. A filter that
    /// is not a valid MQTT topic filter is refused with the reason.
    pub fn set(&mut self, filter: &str, decoder: &str) -> Result<(), String> {
        let filter = filter.trim();
        if !is_valid_filter(filter, ProtocolVersion::V5) {
            return Err(format!(
                "`{filter}` is not a topic filter (wildcards are whole levels: a/+/c, a/#)"
            ));
        }
        match self.0.iter_mut().find(|r| r.filter == filter) {
            Some(r) => r.decoder = decoder.to_string(),
            None => self.0.push(Rule {
                filter: filter.to_string(),
                decoder: decoder.to_string(),
            }),
        }
        self.0.sort_by_key(|r| specificity(&r.filter));
        Ok(())
    }

    /// Removes the rule of `filter`.
    pub fn remove(&mut self, filter: &str) {
        self.0.retain(|r| r.filter != filter);
    }

    /// The first (most specific) rule whose filter matches `topic`.
    pub fn choose(&self, topic: &str) -> Option<&Rule> {
        self.0.iter().find(|r| matches(&r.filter, topic))
    }

    /// The rules as text: `filter<TAB>decoder`, one a line.
    pub fn to_text(&self) -> String {
        self.0
            .iter()
            .map(|r| format!("{}\t{}\n", r.filter, r.decoder))
            .collect()
    }

    /// Rules read from [`Rules::to_text`]'s text; lines that do not parse are skipped.
    pub fn from_text(text: &str) -> Rules {
        let mut rules = Rules::default();
        for line in text.lines() {
            if let Some((filter, decoder)) = line.split_once('\t') {
                let _ = rules.set(filter, decoder);
            }
        }
        rules
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_most_specific_filter_wins() {
        let mut r = Rules::default();
        r.set("#", "auto").unwrap();
        r.set("factory/#", "json").unwrap();
        r.set("factory/+/telemetry", "protobuf:factory.Reading")
            .unwrap();
        r.set("factory/4/telemetry", "cbor").unwrap();
        r.set("spBv1.0/#", "sparkplug").unwrap();
        let order: Vec<&str> = r.list().iter().map(|x| x.filter.as_str()).collect();
        assert_eq!(
            order,
            [
                "factory/4/telemetry",
                "factory/+/telemetry",
                "factory/#",
                "spBv1.0/#",
                "#"
            ]
        );
        let pick = |t| r.choose(t).map(|x| x.decoder.as_str());
        assert_eq!(pick("factory/4/telemetry"), Some("cbor"));
        assert_eq!(
            pick("factory/5/telemetry"),
            Some("protobuf:factory.Reading")
        );
        assert_eq!(pick("factory/5/status"), Some("json"));
        assert_eq!(pick("spBv1.0/g/NDATA/n"), Some("sparkplug"));
        assert_eq!(pick("other"), Some("auto"));
        assert_eq!(pick("$SYS/load"), None, "wildcards do not match $ topics");
    }

    #[test]
    fn set_replaces_and_refuses_bad_filters() {
        let mut r = Rules::default();
        r.set("a/+", "json").unwrap();
        r.set("a/+", "cbor").unwrap();
        assert_eq!(r.list().len(), 1);
        assert_eq!(r.list()[0].decoder, "cbor");
        assert!(r
            .set("a/b#", "json")
            .unwrap_err()
            .contains("not a topic filter"));
        r.remove("a/+");
        assert!(r.list().is_empty());
    }

    #[test]
    fn text_round_trips() {
        let mut r = Rules::default();
        r.set("spBv1.0/#", "sparkplug").unwrap();
        r.set("x/+", "int16be").unwrap();
        let back = Rules::from_text(&r.to_text());
        assert_eq!(back, r);
        assert_eq!(Rules::from_text("garbage\nx/#\tjson\n").list().len(), 1);
    }
}
