//! No message sequence makes a Sparkplug B session panic or grow past its bounds.
//! Input: messages, each one byte choosing the topic, two bytes of length, the payload.
#![no_main]
use libfuzzer_sys::fuzz_target;
use mqttscope_payload::sparkplug::{Session, Topic, MAX_EDGE_NODES};
use mqttscope_payload::Limits;

const TOPICS: [&str; 9] = [
    "spBv1.0/g/NBIRTH/n",
    "spBv1.0/g/NDATA/n",
    "spBv1.0/g/NDEATH/n",
    "spBv1.0/g/DBIRTH/n/d",
    "spBv1.0/g/DDATA/n/d",
    "spBv1.0/g/DDEATH/n/d",
    "spBv1.0/g/NCMD/n",
    "spBv1.0/STATE/h",
    "spBv1.0/g/NBIRTH/m",
];

fuzz_target!(|data: &[u8]| {
    let mut session = Session::new();
    let mut rest = data;
    while let [pick, hi, lo, tail @ ..] = rest {
        let len = usize::from(u16::from_be_bytes([*hi, *lo])).min(tail.len());
        let (payload, next) = tail.split_at(len);
        let topic = Topic::parse(TOPICS[usize::from(*pick) % TOPICS.len()]).expect("a topic");
        let _ = session.observe(&topic, payload, &Limits::default());
        assert!(session.edge_nodes() <= MAX_EDGE_NODES);
        rest = next;
    }
});
