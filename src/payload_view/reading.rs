//! One message read for the frame: the decoder chosen, the decoded tree (for Sparkplug B,
//! after the earlier messages of its edge node), what a host would notice, and what changed
//! since the topic's previous message.

use mqttscope_payload::sparkplug::{Session, Topic, NAMESPACE};
use mqttscope_payload::{decode, Decoder, Error, Limits, Node};

use super::births;
use super::host::{self, Params};
use super::model::choice::{choose, Choice};
use super::model::diff::{diff, Change};
use super::model::rules::Rules;
use super::model::schemas::Schemas;
use crate::model::feed::FedMessage;

/// How many earlier messages of an edge node, since its last NBIRTH, a Sparkplug B reading
/// (or chart) replays at most.
pub const SPARKPLUG_HISTORY: u32 = 10_000;

/// A message read.
#[derive(Clone, Debug, PartialEq)]
pub struct Reading {
    /// The decoder and why.
    pub choice: Choice,
    /// The decoded tree, or why not.
    pub node: Result<Node, Error>,
    /// What a Sparkplug B host would notice.
    pub notes: Vec<String>,
    /// The changes from the older to the newer of this message and the one compared with
    /// (the topic's previous message here, unless another was picked), when that decodes.
    pub changes: Option<Vec<Change>>,
    /// The message compared with, when there is one.
    pub compared: Option<Compared>,
}

/// The message a reading was compared with.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Compared {
    /// Its id.
    pub id: f64,
    /// When it came, in milliseconds since the epoch.
    pub at_ms: f64,
    /// Whether it came after the message read.
    pub newer: bool,
}

/// Reads `m` of the page's connection `p.conn`, compared with message `against` (the
/// topic's previous message when `None`).
pub fn read(
    p: &Params,
    m: &FedMessage,
    picked: Option<&str>,
    against: Option<f64>,
    rules: &Rules,
    schemas: &Schemas,
) -> Reading {
    let choice = choose(m, picked, rules, schemas);
    let (node, notes) = decode_one(p, m, &choice.decoder);
    let other = match against {
        Some(id) => host::messages(p.conn, "", id - 1.0, id + 1.0, 1).pop(),
        None => host::messages(p.conn, &m.topic, 0.0, m.id, 1).pop(),
    };
    let compared = other.as_ref().map(|o| Compared {
        id: o.id,
        at_ms: o.at_ms,
        newer: o.id > m.id,
    });
    let changes = match (&node, &other) {
        (Ok(now), Some(o)) => decode_one(p, o, &choice.decoder).0.ok().map(|was| {
            if o.id > m.id {
                diff(now, &was)
            } else {
                diff(&was, now)
            }
        }),
        _ => None,
    };
    Reading {
        choice,
        node,
        notes,
        changes,
        compared,
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
    let after = births::since_birth(p.conn, &topic, m.id);
    for earlier in host::messages(p.conn, &filter, after, m.id, SPARKPLUG_HISTORY) {
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
