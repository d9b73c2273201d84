//! Session state that outlives a connection: in-flight publishes in send order, QoS 2
//! messages received and awaiting PUBREL, and the packet identifier allocator.

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};

use crate::codec::{PacketId, Publish};

use super::event::{PublishHandle, PublishStage};

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

impl Awaiting {
    /// How far a publish waiting for this got.
    pub fn stage(self) -> PublishStage {
        match self {
            Awaiting::Ack | Awaiting::Rec => PublishStage::Sent,
            Awaiting::Comp => PublishStage::Received,
        }
    }
}

/// An outgoing publish holding a packet identifier.
#[derive(Debug, Clone)]
pub(crate) struct OutFlight {
    pub handle: PublishHandle,
    pub publish: Publish<'static>,
    pub state: Awaiting,
    /// Sent as PUBLISH on this connection and not yet acknowledged: it takes one of the
    /// server's Receive Maximum slots [MQTT-4.9.0-2]. False from a resumed session until
    /// it is sent again.
    pub counted: bool,
}

/// The client side of an MQTT session.
#[derive(Debug, Default)]
pub(crate) struct Session {
    /// In-flight publishes by send order (resent in this order [MQTT-4.4.0-1]).
    order: BTreeMap<u64, (PacketId, OutFlight)>,
    by_id: HashMap<PacketId, u64>,
    seq: u64,
    /// QoS 2 publishes received, PUBREC sent, waiting for PUBREL.
    pub inbound_qos2: HashSet<PacketId>,
    next_id: u16,
    /// How many in-flight publishes are `counted`.
    outstanding: usize,
    /// Publishes of a resumed session still to be sent again, in their original order,
    /// as the server's Receive Maximum lets them.
    resend: VecDeque<PacketId>,
}

impl Session {
    /// A free identifier for our next PUBLISH, SUBSCRIBE or UNSUBSCRIBE: held by no
    /// publish in flight, and not `requested` (a SUBSCRIBE / UNSUBSCRIBE of the
    /// connection waiting for its acknowledgement).
    pub fn alloc_id(&mut self, requested: impl Fn(PacketId) -> bool) -> Option<PacketId> {
        for _ in 0..=u16::MAX {
            self.next_id = self.next_id.wrapping_add(1);
            if let Some(id) = PacketId::new(self.next_id) {
                if !self.by_id.contains_key(&id) && !requested(id) {
                    return Some(id);
                }
            }
        }
        None
    }

    /// Records a publish just sent with `id`.
    pub fn insert(&mut self, id: PacketId, flight: OutFlight) {
        self.outstanding += usize::from(flight.counted);
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
        let (_, f) = self.order.remove(&seq)?;
        self.outstanding -= usize::from(f.counted);
        Some(f)
    }

    /// In-flight publishes holding a Receive Maximum slot on this connection.
    pub fn outstanding(&self) -> usize {
        self.outstanding
    }

    /// A resumed session: no publish holds a slot on the new connection yet. Returns the
    /// identifiers in their original order, for the caller to resend [MQTT-4.4.0-1].
    pub fn begin_resume(&mut self) -> Vec<PacketId> {
        self.outstanding = 0;
        self.resend.clear();
        self.order
            .values_mut()
            .map(|(id, f)| {
                f.counted = false;
                *id
            })
            .collect()
    }

    /// Puts a publish of a resumed session in line to be sent again when a slot frees.
    pub fn defer_resend(&mut self, id: PacketId) {
        self.resend.push_back(id);
    }

    /// Whether publishes of a resumed session wait for a slot.
    pub fn has_deferred(&self) -> bool {
        !self.resend.is_empty()
    }

    /// Takes a slot for the in-flight publish `id` (about to be sent again) and returns
    /// it; `None` if it is no longer in flight or needs no PUBLISH (PUBREC came).
    pub fn take_slot(&mut self, id: PacketId) -> Option<Publish<'static>> {
        let f = self.get_mut(id)?;
        if f.counted || f.state == Awaiting::Comp {
            return None;
        }
        f.counted = true;
        let publish = f.publish.clone();
        self.outstanding += 1;
        Some(publish)
    }

    /// The next deferred publish of a resumed session, with its slot taken.
    pub fn next_deferred(&mut self) -> Option<(PacketId, Publish<'static>)> {
        while let Some(id) = self.resend.pop_front() {
            if let Some(p) = self.take_slot(id) {
                return Some((id, p));
            }
        }
        None
    }

    /// How many publishes hold an identifier.
    pub fn in_flight_len(&self) -> usize {
        self.order.len()
    }

    /// Empties the session, returning the publishes that were in flight, in order, for
    /// the application to hear of.
    pub fn clear(&mut self) -> Vec<OutFlight> {
        self.by_id.clear();
        self.inbound_qos2.clear();
        self.resend.clear();
        self.outstanding = 0;
        std::mem::take(&mut self.order)
            .into_values()
            .map(|(_, f)| f)
            .collect()
    }
}
