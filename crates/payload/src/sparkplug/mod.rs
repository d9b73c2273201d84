//! Sparkplug B (Eclipse Sparkplug 3.0): the payload schema built in, metric values read as
//! their data type says, and a [`Session`] that follows an MQTT namespace as a host
//! application does: the NBIRTH and DBIRTH messages name the metrics and give their aliases,
//! which later data messages use alone; deaths, rebirths and sequence numbers are checked.
//!
//! Decoding goes through the schema walker ([`crate::schema`]), so every metric keeps the
//! byte range it came from; [`view`] then renames each metric's value field to `value`,
//! reads it as its data type, and fills in what a birth declared (name and data type by
//! alias).

mod datatype;
mod session;
mod topic;
mod view;

use std::sync::OnceLock;

use crate::budget::Budget;
use crate::error::Error;
use crate::schema::{MessageType, Schema};
use crate::value::Node;

pub use session::{Note, Reading, Session, MAX_EDGE_NODES, MAX_METRICS};
pub use topic::{MessageType as SparkplugType, Topic, NAMESPACE};

/// The specification's payload schema.
const SCHEMA: &str = include_str!("sparkplug_b.proto");

/// The full name of the payload message.
const PAYLOAD: &str = "org.eclipse.tahu.protobuf.Payload";

/// The specification's payload message type (`org.eclipse.tahu.protobuf.Payload`), compiled
/// once: what encodes a Sparkplug B payload from JSON.
pub fn payload_type() -> Result<&'static MessageType, Error> {
    static TYPE: OnceLock<Result<MessageType, String>> = OnceLock::new();
    let compiled = TYPE.get_or_init(|| {
        Schema::from_source("sparkplug_b.proto", SCHEMA)
            .and_then(|s| s.message(PAYLOAD))
            .map_err(|e| e.to_string())
    });
    compiled
        .as_ref()
        .map_err(|e| Error::invalid(0, format!("the built-in Sparkplug B schema: {e}")))
}

/// A Sparkplug B payload read alone, with no births known: metrics by name or alias as the
/// payload gives them.
pub(crate) fn decode(payload: &[u8], b: &mut Budget) -> Result<Node, Error> {
    let tree = walk(payload, b)?;
    Ok(view::present(tree, &|_| None, b)?.0)
}

/// The walked payload of a Sparkplug B message.
fn walk(payload: &[u8], b: &mut Budget) -> Result<Node, Error> {
    crate::schema::walk::decode(&payload_type()?.0, payload, b)
}

#[cfg(test)]
mod tests;
