//! Where a Sparkplug B edge node's story starts in the page's history: its last NBIRTH.
//! Reading from there, rather than from the start of the history, bounds what a reading or
//! a chart replays to the current birth, which is all a host needs to name metrics sent by
//! alias and to check sequence numbers.

use mqttscope_payload::sparkplug::{Topic, NAMESPACE};

use super::host;

/// The `after` bound (exclusive) of a replay of `topic`'s edge node up to `before`: just
/// before its newest NBIRTH in the page's connection `conn`, or the start when there is none.
pub fn since_birth(conn: u32, topic: &Topic, before: f64) -> f64 {
    let birth = format!("{NAMESPACE}/{}/NBIRTH/{}", topic.group, topic.edge_node);
    host::messages(conn, &birth, 0.0, before, 1)
        .pop()
        .map_or(0.0, |m| m.id - 1.0)
}
