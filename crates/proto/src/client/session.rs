//! Session state that outlives a connection: in-flight publishes in send order, QoS 2
//! messages received and awaiting PUBREL, and the packet identifier allocator.

use std::collections::{BTreeMap, HashMap, HashSet};

use crate::codec::{PacketId, Publish};

use super::event::PublishHandle;

/// What an outgoing QoS 1/2 publish waits for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Awaiting {
    /// QoS 1, sent: PUBACK.
    Ack,
    /// QoS 2, sent: PUBREC.
    Rec,
    /// QoS 2, PUBREL sent: PUBCOMP.
    Comp,
}

/// An outgoing publish holding a packet identifier.
#[derive(Debug, Clone)]
pub(crate) struct OutFlight {
    pub handle: PublishHandle,
    pub publish: Publish<'static>,
    pub state: Awaiting,
}

/// The client side of an MQTT session.
#[derive(Debug, Default)]
pub(crate) struct Session {
    /// In-flight publishes by send order (resent in this order [MQTT-4.4.0-1]).
    order: BTreeMap<u64, (PacketId, OutFlight)>,
    by_id: HashMap<PacketId, u64>,
    seq: u64,
    /// Identifiers used by SUBSCRIBE / UNSUBSCRIBE waiting for their acks.
    requests: HashSet<PacketId>,
    /// QoS 2 publishes received, PUBREC sent, waiting for PUBREL.
    pub inbound_qos2: HashSet<PacketId>,
    next_id: u16,
}

impl Session {
    /// A free identifier for our next PUBLISH, SUBSCRIBE or UNSUBSCRIBE.
    pub fn alloc_id(&mut self) -> Option<PacketId> {
        for _ in 0..=u16::MAX {
            self.next_id = self.next_id.wrapping_add(1);
            if let Some(id) = PacketId::new(self.next_id) {
                if !self.by_id.contains_key(&id) && !self.requests.contains(&id) {
                    return Some(id);
                }
            }
        }
        None
    }

    /// Marks an identifier as used by a SUBSCRIBE / UNSUBSCRIBE.
    pub fn hold_request(&mut self, id: PacketId) {
        self.requests.insert(id);
    }

    /// Frees a SUBSCRIBE / UNSUBSCRIBE identifier; false if it was not held.
    pub fn release_request(&mut self, id: PacketId) -> bool {
        self.requests.remove(&id)
    }

    /// Records a publish just sent with `id`.
    pub fn insert(&mut self, id: PacketId, flight: OutFlight) {
        self.seq += 1;
        self.order.insert(self.seq, (id, flight));
        self.by_id.insert(id, self.seq);
    }

    /// The in-flight publish with `id`.
    pub fn get_mut(&mut self, id: PacketId) -> Option<&mut OutFlight> {
        let seq = self.by_id.get(&id)?;
        self.order.get_mut(seq).map(|(_, f)| f)
    }

    /// Removes and returns the in-flight publish with `id`.
    pub fn remove(&mut self, id: PacketId) -> Option<OutFlight> {
        let seq = self.by_id.remove(&id)?;
        self.order.remove(&seq).map(|(_, f)| f)
    }

    /// In-flight publishes in send order.
    pub fn in_flight(&self) -> impl Iterator<Item = (PacketId, &OutFlight)> {
        self.order.values().map(|(id, f)| (*id, f))
    }

    /// How many publishes hold an identifier.
    pub fn in_flight_len(&self) -> usize {
        self.order.len()
    }

    /// Empties the session, returning the publishes that were in flight, in order, so
    /// that they can be sent again as new messages rather than lost.
    pub fn clear(&mut self) -> Vec<(PublishHandle, Publish<'static>)> {
        self.by_id.clear();
        self.requests.clear();
        self.inbound_qos2.clear();
        std::mem::take(&mut self.order)
            .into_values()
            .map(|(_, f)| (f.handle, f.publish))
            .collect()
    }

    /// Forgets SUBSCRIBE / UNSUBSCRIBE identifiers (their acks die with the connection).
    pub fn drop_requests(&mut self) {
        self.requests.clear();
    }
}
