//! Sparkplug B topics (specification 3.0, §4.1): `spBv1.0/GROUP/TYPE/EDGE_NODE[/DEVICE]`,
//! and the host state topic `spBv1.0/STATE/HOST`.

use std::fmt;

/// The namespace element every Sparkplug B topic starts with.
pub const NAMESPACE: &str = "spBv1.0";

/// What a Sparkplug B message is, by the type element of its topic.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum MessageType {
    NBirth,
    NDeath,
    DBirth,
    DDeath,
    NData,
    DData,
    NCmd,
    DCmd,
    /// A host application's state (`spBv1.0/STATE/HOST`, JSON or text, not protobuf).
    State,
}

const TYPES: [(MessageType, &str); 8] = [
    (MessageType::NBirth, "NBIRTH"),
    (MessageType::NDeath, "NDEATH"),
    (MessageType::DBirth, "DBIRTH"),
    (MessageType::DDeath, "DDEATH"),
    (MessageType::NData, "NDATA"),
    (MessageType::DData, "DDATA"),
    (MessageType::NCmd, "NCMD"),
    (MessageType::DCmd, "DCMD"),
];

/// A parsed Sparkplug B topic.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Topic {
    /// The message type.
    pub kind: MessageType,
    /// The group id (for `STATE`, empty).
    pub group: String,
    /// The edge node id (for `STATE`, the host application's id).
    pub edge_node: String,
    /// The device id, for the device messages.
    pub device: Option<String>,
}

impl MessageType {
    /// Whether a payload of this type is a Sparkplug protobuf `Payload`.
    pub fn is_protobuf(self) -> bool {
        self != MessageType::State
    }

    /// Whether this type names a device (`D…`).
    pub fn is_device(self) -> bool {
        matches!(
            self,
            MessageType::DBirth | MessageType::DDeath | MessageType::DData | MessageType::DCmd
        )
    }
}

impl fmt::Display for MessageType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = TYPES
            .iter()
            .find(|(t, _)| t == self)
            .map_or("STATE", |(_, n)| n);
        f.write_str(name)
    }
}

impl Topic {
    /// Parses a topic name; `None` when it is not a Sparkplug B topic (wrong namespace, an
    /// unknown type, a missing or extra element, a device id on a node message).
    pub fn parse(topic: &str) -> Option<Topic> {
        let mut parts = topic.split('/');
        if parts.next()? != NAMESPACE {
            return None;
        }
        let rest: Vec<&str> = parts.collect();
        if let ["STATE", host] = rest.as_slice() {
            return Some(Topic {
                kind: MessageType::State,
                group: String::new(),
                edge_node: host.to_string(),
                device: None,
            });
        }
        let (group, kind, node, device) = match rest.as_slice() {
            [g, t, n] => (g, t, n, None),
            [g, t, n, d] => (g, t, n, Some(d.to_string())),
            _ => return None,
        };
        let (kind, _) = TYPES.iter().find(|(_, name)| name == kind)?;
        if kind.is_device() != device.is_some() || [group, node].iter().any(|s| s.is_empty()) {
            return None;
        }
        Some(Topic {
            kind: *kind,
            group: group.to_string(),
            edge_node: node.to_string(),
            device,
        })
    }
}
