//! Routing a published message to the sessions whose subscriptions match it (4.7),
//! shared subscriptions (4.8.2) included, and keeping it if it is retained.
//!
//! Overlapping subscriptions of one session deliver one copy, at the highest granted QoS
//! among them [MQTT-3.3.4-2], carrying every matching Subscription Identifier
//! [MQTT-3.3.4-3] [MQTT-3.3.4-4]. Each shared subscription group (`$share/<name>/<filter>`)
//! delivers its own copy to one member: round robin over the members whose session is
//! connected, or over all members when none is (the message then waits in that session's
//! queue [MQTT-4.8.2-4]).

use std::collections::BTreeMap;
use std::num::NonZeroU32;
use std::sync::Arc;

use mqttscope_proto::client::Instant;
use mqttscope_proto::codec::topic::unshared;
use mqttscope_proto::QoS;

use crate::event::{DropReason, Event};
use crate::message::Message;
use crate::retained::Stored;
use crate::session::{OutMsg, Sub};
use crate::Broker;

/// The filter a subscription applies to topics: without `$share/<name>/` when shared.
pub(crate) fn inner_filter<'f>(filter: &'f str, sub: &Sub) -> &'f str {
    if sub.share.is_some() {
        unshared(filter)
    } else {
        filter
    }
}

impl Broker {
    /// Takes `client`'s subscription `filter` out of the index (the session has already
    /// dropped it), and the round-robin position of a shared group nobody is left in.
    pub(crate) fn unindex(&mut self, client: &str, filter: &str, sub: &Sub) {
        self.tree.remove(inner_filter(filter, sub), client, filter);
        if sub.share.is_some() && !self.sessions.values().any(|s| s.subs.contains_key(filter)) {
            self.share_cursor.remove(filter);
        }
    }

    /// Takes ownership of a message [MQTT-4.5.0-1 (3.1.1)]: retains it if asked, then
    /// hands a copy to every matching session.
    pub(crate) fn publish_message(&mut self, msg: Arc<Message>, now: Instant) -> usize {
        if msg.retain {
            self.retain(&msg);
        }
        let copies = self.copies_for(&msg);
        let receivers = copies.len();
        for (client, copy) in copies {
            self.offer(&client, copy, now);
        }
        self.event(Event::MessageRouted {
            topic: msg.topic.clone(),
            receivers,
        });
        receivers
    }

    /// [MQTT-3.3.1-5] [MQTT-3.3.1-6] [MQTT-3.3.1-7]
    fn retain(&mut self, msg: &Arc<Message>) {
        if self.retained.store(msg, self.opts.max_retained_messages) == Stored::Full {
            self.event(Event::MessageDropped {
                client_id: msg.publisher.clone().unwrap_or_default(),
                topic: msg.topic.clone(),
                reason: DropReason::RetainedStoreFull,
            });
        }
    }

    /// One copy per session for its plain subscriptions, one per shared group.
    fn copies_for(&mut self, msg: &Arc<Message>) -> Vec<(String, OutMsg)> {
        let mut plain: BTreeMap<String, OutMsg> = BTreeMap::new();
        let mut groups: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for (client, filter) in self.tree.matches(&msg.topic) {
            let Some(sub) = self.sessions.get(client).and_then(|s| s.subs.get(filter)) else {
                continue;
            };
            if sub.share.is_some() {
                groups
                    .entry(filter.clone())
                    .or_default()
                    .push(client.clone());
                continue;
            }
            // [MQTT-3.8.3-3]
            if sub.options.no_local && msg.publisher.as_deref() == Some(client.as_str()) {
                continue;
            }
            let copy = plain
                .entry(client.clone())
                .or_insert_with(|| empty_copy(msg));
            merge(copy, msg, sub);
        }
        let mut copies: Vec<(String, OutMsg)> = plain.into_iter().collect();
        for (_, copy) in &mut copies {
            copy.sub_ids.sort_unstable();
        }
        for (filter, members) in groups {
            if let Some((client, copy)) = self.shared_copy(msg, &filter, members) {
                copies.push((client, copy));
            }
        }
        copies
    }

    /// The member of shared group `filter` that gets this message, and its copy.
    fn shared_copy(
        &mut self,
        msg: &Arc<Message>,
        filter: &str,
        members: Vec<String>,
    ) -> Option<(String, OutMsg)> {
        let online: Vec<&String> = members
            .iter()
            .filter(|c| self.sessions.get(*c).is_some_and(|s| s.conn.is_some()))
            .collect();
        let pool: Vec<&String> = if online.is_empty() {
            members.iter().collect()
        } else {
            online
        };
        let cursor = self.share_cursor.entry(filter.to_owned()).or_insert(0);
        let client = (*pool.get(*cursor % pool.len().max(1))?).clone();
        *cursor = cursor.wrapping_add(1);
        let sub = self.sessions.get(&client)?.subs.get(filter)?;
        let mut copy = empty_copy(msg);
        merge(&mut copy, msg, sub);
        Some((client, copy))
    }
}

/// A copy with nothing merged in yet.
fn empty_copy(msg: &Arc<Message>) -> OutMsg {
    OutMsg {
        msg: Arc::clone(msg),
        qos: QoS::AtMostOnce,
        retain: false,
        sub_ids: Vec::new(),
    }
}

/// Adds one matching subscription to a session's copy: QoS min(published, granted)
/// [MQTT-3.8.4-8], the highest over overlaps [MQTT-3.3.4-2]; RETAIN kept only with
/// Retain As Published [MQTT-3.3.1-12] [MQTT-3.3.1-13]; its identifier [MQTT-3.3.4-3].
fn merge(copy: &mut OutMsg, msg: &Message, sub: &Sub) {
    copy.qos = copy.qos.max(msg.qos.min(sub.options.qos));
    copy.retain |= msg.retain && sub.options.retain_as_published;
    copy.sub_ids
        .extend(sub.id.map(NonZeroU32::get).and_then(NonZeroU32::new));
}
