//! A Sparkplug B namespace followed as a host application follows it (specification 3.0,
//! §5 and §6): what each edge node's births declared, whether it and its devices are online,
//! and its sequence numbers.

use std::collections::{BTreeMap, HashMap};
use std::fmt;

use crate::budget::{Budget, Limits};
use crate::error::Error;
use crate::value::Node;

use super::topic::{MessageType, Topic};
use super::view::{self, Declared, Known};

/// How many edge nodes a session remembers; past that, the one heard from least recently is
/// forgotten (its next data message then notes [`Note::NoBirth`]).
pub const MAX_EDGE_NODES: usize = 4096;

/// How many metrics a session remembers over all edge nodes; a birth that would pass it
/// forgets edge nodes as above.
pub const MAX_METRICS: usize = 1 << 20;

/// The name of the birth/death sequence metric of NBIRTH and NDEATH.
const BD_SEQ: &str = "bdSeq";

/// Something a host application would notice about a message, besides its content.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Note {
    /// The sequence number is not the one after the last: messages were lost or reordered.
    SeqGap {
        /// The number that should have come.
        expected: u8,
        /// The number that came.
        got: u8,
    },
    /// A message that needs a sequence number has none, or one above 255.
    BadSeq,
    /// Data, a device birth or a device death from an edge node whose NBIRTH was not seen:
    /// its aliases are unknown (a host would ask for a rebirth).
    NoBirth,
    /// A device message from a device whose DBIRTH was not seen.
    NoDeviceBirth,
    /// A metric sent by an alias no birth of this edge node declared.
    UnknownAlias(u64),
    /// An NBIRTH from an edge node already online: its aliases start over.
    Rebirth,
    /// An NDEATH whose bdSeq is not the current birth's: the will of an earlier connection,
    /// which a host ignores.
    StaleDeath {
        /// The current birth's bdSeq.
        birth: i128,
        /// The death's.
        death: i128,
    },
}

impl fmt::Display for Note {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Note::SeqGap { expected, got } => {
                let missing = got.wrapping_sub(*expected);
                write!(f, "sequence gap: expected seq {expected}, got {got} ({missing} missing or out of order)")
            }
            Note::BadSeq => f.write_str("no sequence number from 0 to 255"),
            Note::NoBirth => f.write_str("no NBIRTH seen from this edge node: aliases unknown, a host would request a rebirth"),
            Note::NoDeviceBirth => f.write_str("no DBIRTH seen from this device"),
            Note::UnknownAlias(a) => write!(f, "alias {a} was not declared by a birth"),
            Note::Rebirth => f.write_str("rebirth: the edge node's aliases start over"),
            Note::StaleDeath { birth, death } => write!(
                f,
                "stale NDEATH: bdSeq {death}, the current birth's is {birth} (a host ignores it)"
            ),
        }
    }
}

/// One message read in its session.
#[derive(Clone, Debug, PartialEq)]
pub struct Reading {
    /// The parsed topic.
    pub topic: Topic,
    /// The payload, with metrics sent by alias named as their birth declared them.
    pub node: Node,
    /// What a host application would notice, in the order found.
    pub notes: Vec<Note>,
}

/// What a session knows of one edge node.
#[derive(Debug, Default)]
struct EdgeNode {
    online: bool,
    /// The last sequence number seen.
    seq: Option<u8>,
    /// The current birth's bdSeq.
    bd_seq: Option<i128>,
    /// Metrics by alias, from NBIRTH and every DBIRTH (aliases are unique per edge node).
    aliases: HashMap<u64, Known>,
    /// Devices by id: whether online.
    devices: BTreeMap<String, bool>,
    /// When it was last heard from, in messages.
    heard: u64,
}

/// A Sparkplug B namespace as seen so far. Memory is bounded by [`MAX_EDGE_NODES`] and
/// [`MAX_METRICS`].
#[derive(Debug, Default)]
pub struct Session {
    nodes: HashMap<(String, String), EdgeNode>,
    metrics: usize,
    messages: u64,
}

impl Session {
    /// A session that has seen nothing.
    pub fn new() -> Session {
        Session::default()
    }

    /// How many edge nodes the session knows.
    pub fn edge_nodes(&self) -> usize {
        self.nodes.len()
    }

    /// Reads one message of `topic` (a Sparkplug B topic), updating what the session knows.
    /// A payload that does not decode changes nothing and is the error.
    pub fn observe(
        &mut self,
        topic: &Topic,
        payload: &[u8],
        limits: &Limits,
    ) -> Result<Reading, Error> {
        let mut b = Budget::new(limits);
        if !topic.kind.is_protobuf() {
            let node = crate::decode(&crate::Decoder::Json, payload, limits)
                .or_else(|_| crate::decode(&crate::Decoder::Text, payload, limits))?;
            return Ok(self.reading(topic, node, Vec::new()));
        }
        let tree = super::walk(payload, &mut b)?;
        self.messages += 1;
        let key = (topic.group.clone(), topic.edge_node.clone());
        let node = self.nodes.get(&key);
        let lookup = |alias: u64| node.and_then(|n| n.aliases.get(&alias).cloned());
        let (tree, declared) = view::present(tree, &lookup, &mut b)?;
        let mut notes = Vec::new();
        let seq = top_integer(&tree, "seq");
        match topic.kind {
            MessageType::NBirth => self.node_birth(key, seq, &declared, &mut notes),
            MessageType::NDeath => self.node_death(&key, &declared, &mut notes),
            MessageType::NCmd | MessageType::DCmd => self.command(&key, &declared, &mut notes),
            _ => self.in_session(key, topic, seq, &declared, &mut notes),
        }
        Ok(self.reading(topic, tree, notes))
    }

    fn reading(&self, topic: &Topic, node: Node, notes: Vec<Note>) -> Reading {
        Reading {
            topic: topic.clone(),
            node,
            notes,
        }
    }

    fn node_birth(
        &mut self,
        key: (String, String),
        seq: Option<i128>,
        declared: &[Declared],
        notes: &mut Vec<Note>,
    ) {
        let was_online = self.nodes.get(&key).is_some_and(|n| n.online);
        if was_online {
            notes.push(Note::Rebirth);
        }
        let mut node = EdgeNode {
            online: true,
            seq: checked_seq(seq, notes),
            bd_seq: bd_seq(declared),
            heard: self.messages,
            ..EdgeNode::default()
        };
        learn(&mut node, declared);
        if let Some(old) = self.nodes.remove(&key) {
            self.metrics -= old.aliases.len();
        }
        self.metrics += node.aliases.len();
        self.nodes.insert(key, node);
        self.bound();
    }

    fn node_death(&mut self, key: &(String, String), declared: &[Declared], notes: &mut Vec<Note>) {
        let Some(node) = self.nodes.get_mut(key) else {
            notes.push(Note::NoBirth);
            return;
        };
        node.heard = self.messages;
        let death = bd_seq(declared);
        match (node.bd_seq, death) {
            (Some(birth), Some(death)) if birth != death => {
                notes.push(Note::StaleDeath { birth, death });
            }
            _ => {
                node.online = false;
                node.devices.values_mut().for_each(|d| *d = false);
            }
        }
    }

    fn command(&mut self, key: &(String, String), declared: &[Declared], notes: &mut Vec<Note>) {
        if let Some(node) = self.nodes.get(key) {
            unknown_aliases(node, declared, notes);
        }
    }

    /// NDATA, DBIRTH, DDATA, DDEATH: messages of an edge node's session, each the next in
    /// its sequence.
    fn in_session(
        &mut self,
        key: (String, String),
        topic: &Topic,
        seq: Option<i128>,
        declared: &[Declared],
        notes: &mut Vec<Note>,
    ) {
        let Some(node) = self.nodes.get_mut(&key) else {
            notes.push(Note::NoBirth);
            return;
        };
        node.heard = self.messages;
        if let Some(got) = checked_seq(seq, notes) {
            if let Some(last) = node.seq {
                let expected = last.wrapping_add(1);
                if got != expected {
                    notes.push(Note::SeqGap { expected, got });
                }
            }
            node.seq = Some(got);
        }
        let device = topic.device.clone().unwrap_or_default();
        match topic.kind {
            MessageType::DBirth => {
                let before = node.aliases.len();
                learn(node, declared);
                node.devices.insert(device, true);
                self.metrics += node.aliases.len() - before;
                self.bound();
            }
            MessageType::DDeath => {
                if node.devices.insert(device, false) != Some(true) {
                    notes.push(Note::NoDeviceBirth);
                }
            }
            MessageType::DData => {
                if node.devices.get(&device) != Some(&true) {
                    notes.push(Note::NoDeviceBirth);
                }
                unknown_aliases(node, declared, notes);
            }
            _ => unknown_aliases(node, declared, notes),
        }
    }

    /// Forgets the edge nodes heard from least recently while over the bounds.
    fn bound(&mut self) {
        while self.nodes.len() > MAX_EDGE_NODES
            || (self.metrics > MAX_METRICS && self.nodes.len() > 1)
        {
            let Some(oldest) = self
                .nodes
                .iter()
                .min_by_key(|(_, n)| n.heard)
                .map(|(k, _)| k.clone())
            else {
                return;
            };
            if let Some(gone) = self.nodes.remove(&oldest) {
                self.metrics -= gone.aliases.len();
            }
        }
    }
}

/// Remembers the aliases a birth declares.
fn learn(node: &mut EdgeNode, declared: &[Declared]) {
    for d in declared {
        if let (Some(alias), Some(name)) = (d.alias, &d.name) {
            let known = Known {
                name: name.clone(),
                datatype: d.datatype,
            };
            node.aliases.insert(alias, known);
        }
    }
}

fn unknown_aliases(node: &EdgeNode, declared: &[Declared], notes: &mut Vec<Note>) {
    for d in declared.iter().filter(|d| d.name.is_none()) {
        if let Some(alias) = d.alias.filter(|a| !node.aliases.contains_key(a)) {
            notes.push(Note::UnknownAlias(alias));
        }
    }
}

fn bd_seq(declared: &[Declared]) -> Option<i128> {
    declared
        .iter()
        .find(|d| d.name.as_deref() == Some(BD_SEQ))
        .and_then(|d| d.integer)
}

fn checked_seq(seq: Option<i128>, notes: &mut Vec<Note>) -> Option<u8> {
    let seq = seq.and_then(|s| u8::try_from(s).ok());
    if seq.is_none() {
        notes.push(Note::BadSeq);
    }
    seq
}

/// An integer field of the payload message itself.
fn top_integer(tree: &Node, name: &str) -> Option<i128> {
    let crate::Value::Map(entries) = &tree.value else {
        return None;
    };
    entries
        .iter()
        .find_map(|(k, v)| match (&k.value, &v.value) {
            (crate::Value::Text(k), crate::Value::Integer(n)) if k == name => Some(*n),
            _ => None,
        })
}
