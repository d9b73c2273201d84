use super::*;
use crate::encode::json_to_protobuf;
use crate::{decode, Decoder, Limits, Value};

fn payload(json: &str) -> Vec<u8> {
    let ty = payload_type().unwrap();
    json_to_protobuf(ty, json.as_bytes(), &Limits::default()).unwrap()
}

fn topic(t: &str) -> Topic {
    Topic::parse(t).unwrap_or_else(|| panic!("not a Sparkplug topic: {t}"))
}

fn get<'a>(node: &'a Node, name: &str) -> Option<&'a Value> {
    let Value::Map(entries) = &node.value else {
        return None;
    };
    entries
        .iter()
        .find(|(k, _)| k.value == Value::Text(name.into()))
        .map(|(_, v)| &v.value)
}

/// The metrics of a reading as (name, datatype, value) texts.
fn metrics(node: &Node) -> Vec<(String, String, String)> {
    let Some(Value::Array(items)) = get(node, "metrics") else {
        return Vec::new();
    };
    let text = |v: Option<&Value>| match v {
        Some(Value::Text(s)) => s.clone(),
        Some(other) => crate::render(&Node::from(other.clone()), crate::BytesStyle::Hex),
        None => "-".into(),
    };
    items
        .iter()
        .map(|m| {
            (
                text(get(m, "name")),
                text(get(m, "datatype")),
                text(get(m, "value")),
            )
        })
        .collect()
}

fn birth(seq: u8, bd_seq: u64) -> Vec<u8> {
    payload(&format!(
        r#"{{"timestamp": 1, "seq": {seq}, "metrics": [
        {{"name": "bdSeq", "datatype": 4, "long_value": {bd_seq}}},
        {{"name": "Temperature", "alias": 1, "datatype": 9, "float_value": 21.5}},
        {{"name": "Level", "alias": 2, "datatype": 1, "int_value": 255}}]}}"#
    ))
}

fn data(seq: u8, alias: u64, value: &str) -> Vec<u8> {
    payload(&format!(
        r#"{{"timestamp": 2, "seq": {seq}, "metrics": [{{"alias": {alias}, {value}}}]}}"#
    ))
}

#[test]
fn topics_parse_and_refuse() {
    let t = topic("spBv1.0/plant/DDATA/gw1/pump7");
    assert_eq!((t.kind, t.group.as_str()), (SparkplugType::DData, "plant"));
    assert_eq!(
        (t.edge_node.as_str(), t.device.as_deref()),
        ("gw1", Some("pump7"))
    );
    assert_eq!(topic("spBv1.0/STATE/scada").kind, SparkplugType::State);
    for bad in [
        "spBv1.0/plant/NDATA",
        "spBv1.0/plant/NDATA/gw1/dev",
        "spBv1.0/plant/DDATA/gw1",
        "spBv1.0/plant/XDATA/gw1",
        "spAv1.0/plant/NDATA/gw1",
        "spBv1.0//NDATA/gw1",
    ] {
        assert_eq!(Topic::parse(bad), None, "{bad}");
    }
}

#[test]
fn a_payload_alone_reads_values_by_data_type() {
    let node = decode(&Decoder::Sparkplug, &birth(0, 3), &Limits::default()).unwrap();
    assert_eq!(
        metrics(&node),
        [
            ("bdSeq".into(), "Int64".into(), "3".into()),
            ("Temperature".into(), "Float".into(), "21.5".into()),
            ("Level".into(), "Int8".into(), "-1".into()),
        ]
    );
    assert_eq!(get(&node, "seq"), Some(&Value::Integer(0)));
}

#[test]
fn data_by_alias_gets_the_births_names_and_types() {
    let mut s = Session::new();
    let l = Limits::default();
    let r = s
        .observe(&topic("spBv1.0/plant/NBIRTH/gw1"), &birth(0, 3), &l)
        .unwrap();
    assert_eq!(r.notes, []);
    let r = s
        .observe(
            &topic("spBv1.0/plant/NDATA/gw1"),
            &data(1, 2, r#""int_value": 4294967294"#),
            &l,
        )
        .unwrap();
    assert_eq!(
        metrics(&r.node),
        [("Level".into(), "Int8".into(), "-2".into())]
    );
    assert_eq!(r.notes, []);
    // The name filled in from the birth has no bytes in this payload.
    let Some(Value::Array(items)) = get(&r.node, "metrics") else {
        panic!()
    };
    let Value::Map(fields) = &items[0].value else {
        panic!()
    };
    assert_eq!(fields[0].1.span, None);
}

#[test]
fn sequence_gaps_unknown_aliases_and_missing_births_are_noted() {
    let mut s = Session::new();
    let l = Limits::default();
    let ndata = topic("spBv1.0/plant/NDATA/gw1");
    let r = s
        .observe(&ndata, &data(5, 1, r#""float_value": 1"#), &l)
        .unwrap();
    assert_eq!(r.notes, [Note::NoBirth]);
    s.observe(&topic("spBv1.0/plant/NBIRTH/gw1"), &birth(254, 3), &l)
        .unwrap();
    let r = s
        .observe(&ndata, &data(255, 1, r#""float_value": 1"#), &l)
        .unwrap();
    assert_eq!(r.notes, []);
    // 255 wraps to 0; 2 means 0 and 1 were lost.
    let r = s
        .observe(&ndata, &data(2, 9, r#""float_value": 1"#), &l)
        .unwrap();
    assert_eq!(
        r.notes,
        [
            Note::SeqGap {
                expected: 0,
                got: 2
            },
            Note::UnknownAlias(9)
        ]
    );
    assert_eq!(
        r.notes[0].to_string(),
        "sequence gap: expected seq 0, got 2 (2 missing or out of order)"
    );
    let r = s
        .observe(&ndata, &data(3, 1, r#""float_value": 1"#), &l)
        .unwrap();
    assert_eq!(r.notes, []);
}

#[test]
fn deaths_rebirths_and_stale_wills() {
    let mut s = Session::new();
    let l = Limits::default();
    let nbirth = topic("spBv1.0/plant/NBIRTH/gw1");
    let ndeath = topic("spBv1.0/plant/NDEATH/gw1");
    let death = |bd: u64| {
        payload(&format!(
            r#"{{"metrics": [{{"name": "bdSeq", "datatype": 4, "long_value": {bd}}}]}}"#
        ))
    };
    s.observe(&nbirth, &birth(0, 7), &l).unwrap();
    assert_eq!(
        s.observe(&nbirth, &birth(0, 8), &l).unwrap().notes,
        [Note::Rebirth]
    );
    let r = s.observe(&ndeath, &death(7), &l).unwrap();
    assert_eq!(r.notes, [Note::StaleDeath { birth: 8, death: 7 }]);
    assert_eq!(s.observe(&ndeath, &death(8), &l).unwrap().notes, []);
    assert_eq!(
        s.observe(&nbirth, &birth(0, 9), &l).unwrap().notes,
        [],
        "a birth after a death is no rebirth"
    );
}

#[test]
fn devices_are_born_and_die_in_the_nodes_sequence() {
    let mut s = Session::new();
    let l = Limits::default();
    s.observe(&topic("spBv1.0/plant/NBIRTH/gw1"), &birth(0, 1), &l)
        .unwrap();
    let dbirth = payload(
        r#"{"seq": 1, "metrics": [{"name": "Pump/Speed", "alias": 10, "datatype": 2, "int_value": 65535},
        {"name": "Pump/Flags", "alias": 11, "datatype": 32, "bytes_value": "BQAAAKg="},
        {"name": "Pump/Names", "alias": 12, "datatype": 33, "bytes_value": "YQBiYwA="},
        {"name": "Pump/Curve", "alias": 13, "datatype": 23, "bytes_value": "AQD//w=="}]}"#,
    );
    let r = s
        .observe(&topic("spBv1.0/plant/DBIRTH/gw1/pump"), &dbirth, &l)
        .unwrap();
    assert_eq!(r.notes, []);
    assert_eq!(
        metrics(&r.node),
        [
            ("Pump/Speed".into(), "Int16".into(), "-1".into()),
            (
                "Pump/Flags".into(),
                "BooleanArray".into(),
                "[true, false, true, false, true]".into()
            ),
            (
                "Pump/Names".into(),
                "StringArray".into(),
                r#"["a", "bc"]"#.into()
            ),
            ("Pump/Curve".into(), "Int16Array".into(), "[1, -1]".into()),
        ]
    );
    let ddata = topic("spBv1.0/plant/DDATA/gw1/pump");
    let r = s
        .observe(&ddata, &data(2, 10, r#""int_value": 3"#), &l)
        .unwrap();
    assert_eq!(
        metrics(&r.node),
        [("Pump/Speed".into(), "Int16".into(), "3".into())]
    );
    assert_eq!(r.notes, []);
    let r = s
        .observe(
            &topic("spBv1.0/plant/DDATA/gw1/valve"),
            &data(3, 10, r#""int_value": 3"#),
            &l,
        )
        .unwrap();
    assert_eq!(r.notes, [Note::NoDeviceBirth]);
    s.observe(
        &topic("spBv1.0/plant/DDEATH/gw1/pump"),
        &payload(r#"{"seq": 4}"#),
        &l,
    )
    .unwrap();
    let r = s
        .observe(&ddata, &data(5, 10, r#""int_value": 3"#), &l)
        .unwrap();
    assert_eq!(r.notes, [Note::NoDeviceBirth]);
}

#[test]
fn host_state_is_json() {
    let mut s = Session::new();
    let state = br#"{"online": true, "timestamp": 1}"#;
    let r = s
        .observe(&topic("spBv1.0/STATE/scada"), state, &Limits::default())
        .unwrap();
    assert_eq!(get(&r.node, "online"), Some(&Value::Bool(true)));
}

#[test]
fn memory_is_bounded_by_edge_nodes() {
    let mut s = Session::new();
    let l = Limits::default();
    let b = birth(0, 1);
    for i in 0..session::MAX_EDGE_NODES + 10 {
        s.observe(&topic(&format!("spBv1.0/g/NBIRTH/n{i}")), &b, &l)
            .unwrap();
    }
    assert_eq!(s.edge_nodes(), session::MAX_EDGE_NODES);
    // The first ones were forgotten, the last one is known.
    let r = s
        .observe(
            &topic("spBv1.0/g/NDATA/n0"),
            &data(1, 1, r#""float_value": 1"#),
            &l,
        )
        .unwrap();
    assert_eq!(r.notes, [Note::NoBirth]);
    let last = format!("spBv1.0/g/NDATA/n{}", session::MAX_EDGE_NODES + 9);
    assert_eq!(
        s.observe(&topic(&last), &data(1, 1, r#""float_value": 1"#), &l)
            .unwrap()
            .notes,
        []
    );
}

#[test]
fn a_bad_payload_changes_nothing() {
    let mut s = Session::new();
    let l = Limits::default();
    s.observe(&topic("spBv1.0/plant/NBIRTH/gw1"), &birth(0, 1), &l)
        .unwrap();
    let e = s
        .observe(&topic("spBv1.0/plant/NDATA/gw1"), &[0x18, 0x80], &l)
        .unwrap_err();
    assert_eq!(e.offset, 2);
    let r = s
        .observe(
            &topic("spBv1.0/plant/NDATA/gw1"),
            &data(1, 1, r#""float_value": 1"#),
            &l,
        )
        .unwrap();
    assert_eq!(r.notes, []);
}

#[test]
fn detection_needs_the_topic_and_a_payload_that_fits() {
    use crate::{detect, Confidence, Hints};
    let on = |topic| Hints {
        topic: Some(topic),
        ..Hints::default()
    };
    let d = detect(&birth(0, 1), on("spBv1.0/plant/NBIRTH/gw1"));
    assert_eq!(
        (d.decoder, d.confidence),
        (Decoder::Sparkplug, Confidence::Likely)
    );
    // JSON on a Sparkplug topic is JSON; a Sparkplug payload elsewhere is plain protobuf.
    assert_eq!(
        detect(b"{\"a\": 1}", on("spBv1.0/plant/NDATA/gw1")).decoder,
        Decoder::Json
    );
    assert_eq!(
        detect(&birth(0, 1), on("plant/gw1")).decoder,
        Decoder::ProtobufRaw
    );
}
