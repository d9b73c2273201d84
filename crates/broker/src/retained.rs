//! Retained messages (3.3.1.3): at most one per topic, bounded in number.

use std::collections::BTreeMap;
use std::sync::Arc;

use mqttscope_proto::client::Instant;
use mqttscope_proto::codec::topic::matches;

use crate::message::Message;

/// What storing a retained message did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Stored {
    /// Stored or replaced [MQTT-3.3.1-5].
    Set,
    /// An empty payload removed the topic's message [MQTT-3.3.1-6] [MQTT-3.3.1-7].
    Cleared,
    /// The store was full and the topic new: not retained.
    Full,
}

/// The retained messages, by topic.
#[derive(Debug, Default)]
pub(crate) struct Retained {
    by_topic: BTreeMap<String, Arc<Message>>,
}

impl Retained {
    /// Stores `msg` (which has RETAIN set) for its topic, or clears the topic when its
    /// payload is empty; at most `max` topics are held.
    pub(crate) fn store(&mut self, msg: &Arc<Message>, max: usize) -> Stored {
        if msg.payload.is_empty() {
            self.by_topic.remove(&msg.topic);
            return Stored::Cleared;
        }
        if self.by_topic.len() >= max && !self.by_topic.contains_key(&msg.topic) {
            return Stored::Full;
        }
        self.by_topic.insert(msg.topic.clone(), Arc::clone(msg));
        Stored::Set
    }

    /// Removes the message of `topic`; true if there was one.
    pub(crate) fn clear(&mut self, topic: &str) -> bool {
        self.by_topic.remove(topic).is_some()
    }

    /// The unexpired messages whose topic matches `filter`, dropping expired ones
    /// [MQTT-3.3.2-5].
    pub(crate) fn matching(&mut self, filter: &str, now: Instant) -> Vec<Arc<Message>> {
        self.by_topic.retain(|_, m| !m.expired(now));
        self.by_topic
            .iter()
            .filter(|(t, _)| matches(filter, t))
            .map(|(_, m)| Arc::clone(m))
            .collect()
    }

    /// Every message, in topic order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = &Arc<Message>> {
        self.by_topic.values()
    }

    /// How many are held.
    pub(crate) fn len(&self) -> usize {
        self.by_topic.len()
    }
}
