//! Which decoder a message gets: the connection's rule for its topic, else detection; or
//! the one the user picked. Names are the CLI's (`cbor`, `sparkplug`, `int16be`), plus
//! `protobuf:package.Type` for a type of a loaded schema and `auto`.

use mqttscope_payload::{detect, Decoder, Hints};

use super::rules::Rules;
use super::schemas::Schemas;
use crate::model::feed::FedMessage;

/// A decoder and why it was chosen.
#[derive(Clone, Debug, PartialEq)]
pub struct Choice {
    /// The decoder.
    pub decoder: Decoder,
    /// Why, for the user: `rule spBv1.0/#`, `detected (likely): parses as CBOR`.
    pub why: String,
}

/// The decoder named `name`, with `schemas` for `protobuf:` types.
pub fn by_name(name: &str, schemas: &Schemas) -> Result<Decoder, String> {
    match name.strip_prefix("protobuf:") {
        Some(ty) => schemas
            .message(ty)
            .map(Decoder::Protobuf)
            .ok_or_else(|| format!("no message type {ty} in the loaded schemas")),
        None => name
            .parse()
            .map_err(|e: mqttscope_payload::UnknownDecoder| e.to_string()),
    }
}

/// The name of a decoder, as [`by_name`] reads it.
pub fn name_of(d: &Decoder) -> String {
    match d {
        Decoder::Protobuf(ty) => format!("protobuf:{}", ty.full_name()),
        other => other.to_string(),
    }
}

/// What the message's properties declare, and its topic.
fn hints(m: &FedMessage) -> Hints<'_> {
    Hints {
        utf8: m
            .property("Payload Format Indicator")
            .map(|v| v.starts_with('1')),
        content_type: m.property("Content Type"),
        topic: Some(&m.topic),
    }
}

/// The decoder for `m`: `picked` if the user picked one, else the first rule matching its
/// topic, else detection. A rule naming a decoder that is not there falls back to detection
/// and says so.
pub fn choose(m: &FedMessage, picked: Option<&str>, rules: &Rules, schemas: &Schemas) -> Choice {
    if let Some(name) = picked.filter(|n| *n != "auto") {
        if let Ok(decoder) = by_name(name, schemas) {
            return Choice {
                decoder,
                why: "picked".into(),
            };
        }
    }
    let mut note = String::new();
    if let Some(rule) = rules.choose(&m.topic).filter(|r| r.decoder != "auto") {
        match by_name(&rule.decoder, schemas) {
            Ok(decoder) => {
                return Choice {
                    decoder,
                    why: format!("rule {}", rule.filter),
                }
            }
            Err(e) => note = format!(" (rule {}: {e})", rule.filter),
        }
    }
    let found = detect(&m.payload, hints(m));
    Choice {
        decoder: found.decoder,
        why: format!("detected ({}): {}{note}", found.confidence, found.reason),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(topic: &str, payload: &[u8], props: &[(&str, &str)]) -> FedMessage {
        FedMessage {
            id: 1.0,
            at_ms: 0.0,
            qos: 0,
            retain: false,
            sent: false,
            topic: topic.into(),
            payload: payload.to_vec(),
            properties: props
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        }
    }

    #[test]
    fn a_pick_beats_a_rule_which_beats_detection() {
        let cbor = [0xa1, 0x61, b'a', 0x01];
        let mut rules = Rules::default();
        rules.set("raw/#", "int16be").unwrap();
        let s = Schemas::default();
        let c = choose(&message("x", &cbor, &[]), None, &rules, &s);
        assert_eq!(
            (c.decoder, c.why.as_str()),
            (Decoder::Cbor, "detected (likely): parses as CBOR")
        );
        let c = choose(&message("raw/t", &[0, 215], &[]), None, &rules, &s);
        assert_eq!(
            (name_of(&c.decoder), c.why.as_str()),
            ("int16be".into(), "rule raw/#")
        );
        let c = choose(&message("raw/t", &cbor, &[]), Some("cbor"), &rules, &s);
        assert_eq!((c.decoder, c.why.as_str()), (Decoder::Cbor, "picked"));
        let declared = message("y", b"{}", &[("Content Type", "application/json")]);
        assert_eq!(
            choose(&declared, None, &rules, &s).why,
            "detected (declared): content type application/json"
        );
    }

    #[test]
    fn a_rule_for_a_missing_schema_type_says_so() {
        let mut rules = Rules::default();
        rules.set("f/#", "protobuf:f.Gone").unwrap();
        let c = choose(
            &message("f/1", b"{}", &[]),
            None,
            &rules,
            &Schemas::default(),
        );
        assert_eq!(c.decoder, Decoder::Json);
        assert!(
            c.why
                .ends_with("(rule f/#: no message type f.Gone in the loaded schemas)"),
            "{}",
            c.why
        );
    }
}
