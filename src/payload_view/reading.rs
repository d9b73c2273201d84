//! One message read for the frame: the decoder chosen, the decoded tree (for Sparkplug B,
//! after the earlier messages of its edge node), what a host would notice, and what changed
//! since the topic's previous message.

use mqttscope_payload::sparkplug::{Session, Topic, NAMESPACE};
use mqttscope_payload::{decode, Decoder, Error, Limits, Node};

use super::host::{self, Params};
use super::model::choice::{choose, Choice};
use super::model::diff::{diff, Change};
use super::model::rules::Rules;
use super::model::schemas::Schemas;
use crate::model::feed::FedMessage;

/// How many earlier messages of an edge node a Sparkplug B reading replays.
const SPARKPLUG_HISTORY: u32 = 10_000;

/// A message read.
#[derive(Clone, Debug, PartialEq)]
pub struct Reading {
    /// The decoder and why.
    pub choice: Choice,
    /// The decoded tree, or why not.
    pub node: Result<Node, Error>,
    /// What a Sparkplug B host would notice.
    pub notes: Vec<String>,
    /// The changes since the topic's previous message here, when there is one that decodes.
    pub changes: Option<Vec<Change>>,
}

/// Reads `m` of the page's connection `p.conn`.
pub fn read(
    p: &Params,
    m: &FedMessage,
    picked: Option<&str>,
    rules: &Rules,
    schemas: &Schemas,
) -> Reading {
    let choice = choose(m, picked, rules, schemas);
    let (node, notes) = decode_one(p, m, &choice.decoder);
    let previous = host::messages(p.conn, &m.topic, 0.0, m.id, 1).pop();
    let changes = match (&node, previous) {
        (Ok(now), Some(before)) => decode_one(p, &before, &choice.decoder)
            .0
            .ok()
            .map(|was| diff(&was, now)),
        _ => None,
    };
    Reading {
        choice,
        node,
        notes,
        changes,
    }
}

/// `m` decoded by `decoder`; a Sparkplug B message after the earlier messages of its edge
/// node, with what a host would notice.
fn decode_one(p: &Params, m: &FedMessage, decoder: &Decoder) -> (Result<Node, Error>, Vec<String>) {
    let limits = Limits::default();
    let topic = Topic::parse(&m.topic).filter(|t| t.kind.is_protobuf());
    let (Decoder::Sparkplug, Some(topic)) = (decoder, topic) else {
        return (decode(decoder, &m.payload, &limits), Vec::new());
    };
    let mut session = Session::new();
    let filter = format!("{NAMESPACE}/{}/+/{}/#", topic.group, topic.edge_node);
    for earlier in host::messages(p.conn, &filter, 0.0, m.id, SPARKPLUG_HISTORY) {
        if let Some(t) = Topic::parse(&earlier.topic) {
            let _ = session.observe(&t, &earlier.payload, &limits);
        }
    }
    match session.observe(&topic, &m.payload, &limits) {
        Ok(r) => (
            Ok(r.node),
            r.notes.iter().map(ToString::to_string).collect(),
        ),
        Err(e) => (Err(e), Vec::new()),
    }
}
