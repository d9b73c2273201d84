//! Feeding the charts: each series reads the page's messages of its feed that came since it
//! last looked, decodes each as the message detail would (rule, else detection; a Sparkplug
//! B series through its edge node's session), and takes the number at its path from those
//! of its filter.

use mqttscope_payload::sparkplug::Topic;
use mqttscope_payload::{decode, Limits, Node};
use mqttscope_proto::codec::topic::matches;

use super::host::{self, Params};
use super::model::choice::choose;
use super::model::rules::Rules;
use super::model::schemas::Schemas;
use super::model::series::{number_at, Series, MAX_POINTS};
use super::reading::SPARKPLUG_HISTORY;
use crate::model::feed::FedMessage;

/// Reads what is new into `series`; whether any series changed.
pub fn refresh(p: &Params, series: &mut [Series], rules: &Rules, schemas: &Schemas) -> bool {
    let mut changed = false;
    for s in series.iter_mut() {
        // A Sparkplug B series must not skip a birth, so it reads further back.
        let limit = if s.session.is_some() {
            SPARKPLUG_HISTORY
        } else {
            MAX_POINTS as u32
        };
        for m in host::messages(p.conn, &s.feed, s.read_up_to, f64::INFINITY, limit) {
            changed |= take(s, &m, rules, schemas);
        }
    }
    changed
}

/// Reads `m` into `s`: whether it gave a value.
fn take(s: &mut Series, m: &FedMessage, rules: &Rules, schemas: &Schemas) -> bool {
    s.read_up_to = s.read_up_to.max(m.id);
    let value = decoded(s, m, rules, schemas)
        .filter(|_| matches(&s.filter, &m.topic))
        .and_then(|node| number_at(&node, &s.path));
    if let Some(v) = value {
        s.push(m.at_ms, v);
    }
    value.is_some()
}

/// `m` decoded for series `s`: through its session for a Sparkplug B series, else as the
/// message detail would.
fn decoded(s: &mut Series, m: &FedMessage, rules: &Rules, schemas: &Schemas) -> Option<Node> {
    let limits = Limits::default();
    if let Some(session) = &mut s.session {
        let topic = Topic::parse(&m.topic)?;
        return session
            .observe(&topic, &m.payload, &limits)
            .ok()
            .map(|r| r.node);
    }
    let choice = choose(m, None, rules, schemas);
    decode(&choice.decoder, &m.payload, &limits).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use mqttscope_payload::encode::json_to_protobuf;
    use mqttscope_payload::sparkplug::payload_type;

    fn message(id: u32, topic: &str, json: &str) -> FedMessage {
        let ty = payload_type().unwrap();
        FedMessage {
            id: f64::from(id),
            at_ms: f64::from(id) * 1000.0,
            qos: 0,
            retain: false,
            sent: false,
            topic: topic.into(),
            payload: json_to_protobuf(ty, json.as_bytes(), &Limits::default()).unwrap(),
            properties: Vec::new(),
        }
    }

    #[test]
    fn a_sparkplug_series_follows_a_metric_sent_by_alias() {
        let topic = Topic::parse("spBv1.0/plant/DDATA/edge1/pump").unwrap();
        let mut s = Series::sparkplug(&topic, "metrics[name=Pressure].value");
        assert_eq!(
            (s.filter.as_str(), s.feed.as_str()),
            ("spBv1.0/plant/+/edge1/pump", "spBv1.0/plant/+/edge1/#")
        );
        let feed = [
            message(
                1,
                "spBv1.0/plant/NBIRTH/edge1",
                r#"{"seq": 0, "metrics": [{"name": "bdSeq", "datatype": 4, "long_value": 0}]}"#,
            ),
            message(
                2,
                "spBv1.0/plant/DBIRTH/edge1/pump",
                r#"{"seq": 1, "metrics": [
                {"name": "Speed", "alias": 6, "datatype": 3, "int_value": 900},
                {"name": "Pressure", "alias": 7, "datatype": 10, "double_value": 1.5}]}"#,
            ),
            message(
                3,
                "spBv1.0/plant/DDATA/edge1/pump",
                r#"{"seq": 2, "metrics": [{"alias": 7, "double_value": 2.25}]}"#,
            ),
            message(
                4,
                "spBv1.0/plant/DDATA/edge1/pump",
                r#"{"seq": 3, "metrics": [{"alias": 6, "int_value": 950}]}"#,
            ),
            message(
                5,
                "spBv1.0/plant/DDATA/edge1/fan",
                r#"{"seq": 4, "metrics": [{"name": "Pressure", "datatype": 10, "double_value": 9.0}]}"#,
            ),
            message(
                6,
                "spBv1.0/plant/DDATA/edge1/pump",
                r#"{"seq": 5, "metrics": [{"alias": 6, "int_value": 1}, {"alias": 7, "double_value": 3.0}]}"#,
            ),
        ];
        let (rules, schemas) = (Rules::default(), Schemas::default());
        let gave: Vec<bool> = feed
            .iter()
            .map(|m| take(&mut s, m, &rules, &schemas))
            .collect();
        assert_eq!(gave, [false, true, true, false, false, true]);
        assert_eq!(s.points, [(2000.0, 1.5), (3000.0, 2.25), (6000.0, 3.0)]);
        assert_eq!(s.read_up_to, 6.0);
    }

    #[test]
    fn a_plain_series_decodes_as_the_detail_would() {
        let mut s = Series::new("t/+", "v");
        let json = |id: u32, topic: &str, text: &str| FedMessage {
            payload: text.as_bytes().to_vec(),
            topic: topic.into(),
            ..message(id, "x", "{}")
        };
        let (rules, schemas) = (Rules::default(), Schemas::default());
        assert!(take(
            &mut s,
            &json(1, "t/a", r#"{"v": 4}"#),
            &rules,
            &schemas
        ));
        assert!(!take(&mut s, &json(2, "t/a", "not json"), &rules, &schemas));
        assert!(!take(&mut s, &json(3, "t/b", "[1]"), &rules, &schemas));
        assert_eq!(s.points, [(1000.0, 4.0)]);
    }
}
