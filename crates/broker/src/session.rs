//! Session state (4.1): what the broker keeps for a client id across connections.

use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};
use std::num::NonZeroU32;
use std::sync::Arc;

use mqttscope_proto::codec::{PacketId, SubscriptionOptions};
use mqttscope_proto::{ProtocolVersion, QoS};

use crate::message::Message;
use crate::ConnId;

/// A subscription of a session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Sub {
    /// The options, with the QoS granted (not the one asked for).
    pub options: SubscriptionOptions,
    /// Its Subscription Identifier (MQTT 5).
    pub id: Option<NonZeroU32>,
    /// The share name of a shared subscription.
    pub share: Option<String>,
}

/// One copy of a message for this session.
#[derive(Debug, Clone)]
pub(crate) struct OutMsg {
    pub msg: Arc<Message>,
    /// min(published QoS, granted QoS) [MQTT-3.8.4-8].
    pub qos: QoS,
    pub retain: bool,
    pub sub_ids: Vec<NonZeroU32>,
}

/// Where an outbound QoS 1/2 exchange stands.
#[derive(Debug, Clone)]
pub(crate) enum Stage {
    /// PUBLISH sent, waiting for PUBACK (QoS 1) or PUBREC (QoS 2).
    Published(OutMsg),
    /// PUBREL sent, waiting for PUBCOMP.
    Released,
}

/// A client's session.
#[derive(Debug)]
pub(crate) struct Session {
    pub conn: Option<ConnId>,
    pub version: ProtocolVersion,
    pub subs: BTreeMap<String, Sub>,
    /// QoS 1/2 messages not sent yet, in order.
    pub queue: VecDeque<OutMsg>,
    /// Outbound exchanges in the order they began (for resending [MQTT-4.4.0-1]).
    inflight: BTreeMap<u64, (PacketId, Stage)>,
    by_id: HashMap<PacketId, u64>,
    seq: u64,
    next_id: u16,
    /// Inbound QoS 2 ids awaiting PUBREL [MQTT-4.3.3-10].
    pub inbound_qos2: BTreeSet<PacketId>,
    /// Seconds the session outlives its connection (`u32::MAX`: forever).
    pub expiry_interval: u32,
    /// Messages dropped for this session so far.
    pub dropped: u64,
}

impl Session {
    pub(crate) fn new(version: ProtocolVersion) -> Self {
        Session {
            conn: None,
            version,
            subs: BTreeMap::new(),
            queue: VecDeque::new(),
            inflight: BTreeMap::new(),
            by_id: HashMap::new(),
            seq: 0,
            next_id: 0,
            inbound_qos2: BTreeSet::new(),
            expiry_interval: 0,
            dropped: 0,
        }
    }

    /// Outbound exchanges under way.
    pub(crate) fn in_flight(&self) -> usize {
        self.inflight.len()
    }

    /// Starts an outbound exchange: a free Packet Identifier for it [MQTT-4.3.2-1]
    /// [MQTT-4.3.3-1], or `None` when all 65,535 are in use.
    pub(crate) fn begin(&mut self, m: OutMsg) -> Option<PacketId> {
        let id = self.free_id()?;
        self.seq += 1;
        self.by_id.insert(id, self.seq);
        self.inflight.insert(self.seq, (id, Stage::Published(m)));
        Some(id)
    }

    fn free_id(&mut self) -> Option<PacketId> {
        for _ in 0..u16::MAX {
            self.next_id = self.next_id.checked_add(1).unwrap_or(1);
            let id = PacketId::new(self.next_id)?;
            if !self.by_id.contains_key(&id) {
                return Some(id);
            }
        }
        None
    }

    /// The stage of exchange `id`.
    pub(crate) fn stage(&self, id: PacketId) -> Option<&Stage> {
        let seq = self.by_id.get(&id)?;
        self.inflight.get(seq).map(|(_, s)| s)
    }

    /// Ends exchange `id`; true if it existed.
    pub(crate) fn finish(&mut self, id: PacketId) -> bool {
        let Some(seq) = self.by_id.remove(&id) else {
            return false;
        };
        self.inflight.remove(&seq).is_some()
    }

    /// Moves exchange `id` to PUBREL (it keeps its place in the resend order).
    pub(crate) fn release(&mut self, id: PacketId) {
        if let Some(entry) = self.by_id.get(&id).and_then(|s| self.inflight.get_mut(s)) {
            entry.1 = Stage::Released;
        }
    }

    /// The exchanges in the order they began.
    pub(crate) fn exchanges(&self) -> impl Iterator<Item = &(PacketId, Stage)> {
        self.inflight.values()
    }

    /// Adds a copy to the queue unless it holds `max` already; false when dropped.
    pub(crate) fn enqueue(&mut self, m: OutMsg, max: usize) -> bool {
        if self.queue.len() >= max {
            self.dropped += 1;
            return false;
        }
        self.queue.push_back(m);
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    fn out() -> OutMsg {
        OutMsg {
            msg: Arc::new(Message {
                topic: "t".into(),
                payload: vec![],
                qos: QoS::AtLeastOnce,
                retain: false,
                props: Default::default(),
                expires_at: None,
                publisher: None,
            }),
            qos: QoS::AtLeastOnce,
            retain: false,
            sub_ids: vec![],
        }
    }

    #[test]
    fn ids_skip_those_in_use_and_wrap_past_65535() {
        let mut s = Session::new(ProtocolVersion::V5);
        let a = s.begin(out()).unwrap();
        s.next_id = u16::MAX - 1;
        let b = s.begin(out()).unwrap();
        let c = s.begin(out()).unwrap();
        assert_eq!((a.get(), b.get(), c.get()), (1, u16::MAX, 2));
        s.release(b);
        assert!(s.finish(a));
        let order: Vec<u16> = s.exchanges().map(|(id, _)| id.get()).collect();
        assert_eq!(order, [u16::MAX, 2]);
    }

    #[test]
    fn the_queue_is_bounded_and_counts_drops() {
        let mut s = Session::new(ProtocolVersion::V3_1_1);
        assert!(s.enqueue(out(), 1));
        assert!(!s.enqueue(out(), 1));
        assert_eq!((s.queue.len(), s.dropped), (1, 1));
    }
}
