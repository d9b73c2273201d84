//! Outbound delivery: a session's queue, its in-flight window (the client's Receive
//! Maximum [MQTT-3.3.4-9]), Topic Aliases to the client, its Maximum Packet Size, and
//! resending on resumption [MQTT-4.4.0-1].

use mqttscope_proto::client::Instant;
use mqttscope_proto::codec::{Ack, PacketId, Publish, QosPid};
use mqttscope_proto::{Packet, QoS};

use crate::event::{DropReason, Event};
use crate::message::Delivery;
use crate::session::{OutMsg, Stage};
use crate::{Broker, ConnId};

/// The PUBLISH for one copy, and the Topic Alias it sets up (to record once sent).
struct Prepared {
    publish: Publish<'static>,
    new_alias: Option<(String, u16)>,
}

impl Broker {
    /// Gives `client`'s session a copy: QoS 0 goes out at once if connected (and is not
    /// kept offline); QoS 1/2 joins the bounded queue [MQTT-3.1.2-5 (3.1.1)].
    pub(crate) fn offer(&mut self, client: &str, m: OutMsg, now: Instant) {
        let Some(s) = self.sessions.get_mut(client) else {
            return;
        };
        if m.qos == QoS::AtMostOnce {
            if let Some(conn) = s.conn {
                self.deliver(client, conn, m, now);
            }
            return;
        }
        let topic = m.msg.topic.clone();
        if !s.enqueue(m, self.opts.max_queued_messages) {
            self.dropped(client, topic, DropReason::QueueFull);
            return;
        }
        self.flush(client, now);
    }

    /// Sends queued messages while the client's window has room [MQTT-4.9.0-2].
    pub(crate) fn flush(&mut self, client: &str, now: Instant) {
        loop {
            let Some(s) = self.sessions.get_mut(client) else {
                return;
            };
            let Some(conn) = s.conn else {
                return;
            };
            let window = self
                .conns
                .get(&conn)
                .map_or(0, |c| c.limits.receive_maximum);
            if s.in_flight() >= usize::from(window) {
                return;
            }
            let Some(m) = s.queue.pop_front() else {
                return;
            };
            self.deliver(client, conn, m, now);
        }
    }

    /// Sends one copy on `conn`, unless it expired [MQTT-3.3.2-5] or is too big for the
    /// client [MQTT-3.1.2-24] [MQTT-3.1.2-25]; either way it counts as delivered.
    fn deliver(&mut self, client: &str, conn: ConnId, m: OutMsg, now: Instant) {
        if m.msg.expired(now) {
            return self.dropped(client, m.msg.topic.clone(), DropReason::Expired);
        }
        let Some(mut p) = self.prepare(conn, &m, now) else {
            return;
        };
        if let Some(reason) = self.too_large(conn, &p.publish) {
            return self.dropped(client, m.msg.topic.clone(), reason);
        }
        let qos = m.qos;
        if qos != QoS::AtMostOnce {
            let Some(id) = self.sessions.get_mut(client).and_then(|s| s.begin(m)) else {
                return;
            };
            p.publish.qos_pid = qos_pid(qos, id);
        }
        if let (Some((topic, alias)), Some(c)) = (p.new_alias, self.conns.get_mut(&conn)) {
            c.aliases_out.by_topic.insert(topic, alias);
        }
        self.send(conn, now, Packet::Publish(p.publish));
    }

    /// The PUBLISH for `m` on `conn` (with a placeholder Packet Identifier), using a
    /// Topic Alias when the option is on and the client allows them [MQTT-3.1.2-26]
    /// [MQTT-3.1.2-27].
    fn prepare(&self, conn: ConnId, m: &OutMsg, now: Instant) -> Option<Prepared> {
        let c = self.conns.get(&conn)?;
        let d = Delivery {
            qos_pid: qos_pid(m.qos, PacketId::MIN),
            retain: m.retain,
            dup: false,
            sub_ids: &m.sub_ids,
            v5: c.version.is_v5(),
        };
        let mut publish = m.msg.to_publish(d, now);
        // At most as many aliases as we accept ourselves: each holds a topic.
        let max = c
            .limits
            .topic_alias_maximum
            .min(self.opts.topic_alias_maximum);
        if !(self.opts.assign_topic_aliases && d.v5 && max > 0) {
            return Some(Prepared {
                publish,
                new_alias: None,
            });
        }
        let topic = &m.msg.topic;
        let (alias, new_alias) = match c.aliases_out.by_topic.get(topic) {
            Some(&a) => {
                publish.topic = String::new().into();
                (a, None)
            }
            None if c.aliases_out.by_topic.len() < usize::from(max) => {
                let a = c.aliases_out.by_topic.len() as u16 + 1;
                (a, Some((topic.clone(), a)))
            }
            None => {
                return Some(Prepared {
                    publish,
                    new_alias: None,
                })
            }
        };
        publish.properties.to_mut().topic_alias = std::num::NonZeroU16::new(alias);
        Some(Prepared { publish, new_alias })
    }

    /// The drop reason when `p` exceeds the Maximum Packet Size of `conn`'s client.
    fn too_large(&self, conn: ConnId, p: &Publish<'static>) -> Option<DropReason> {
        let c = self.conns.get(&conn)?;
        let max = c.limits.maximum_packet_size?;
        let size = p.encoded_len(c.version).unwrap_or(usize::MAX);
        (size > max as usize).then_some(DropReason::TooLarge { size, max })
    }

    pub(crate) fn dropped(&mut self, client: &str, topic: String, reason: DropReason) {
        self.event(Event::MessageDropped {
            client_id: client.to_owned(),
            topic,
            reason,
        });
    }

    /// On resumption, resends every unacknowledged PUBLISH (DUP 1 [MQTT-3.3.1-1], full
    /// topic, its original id) and PUBREL, in their original order [MQTT-4.4.0-1].
    pub(crate) fn resend(&mut self, client: &str, conn: ConnId, now: Instant) {
        let Some(s) = self.sessions.get(client) else {
            return;
        };
        let v5 = s.version.is_v5();
        let mut packets = Vec::new();
        for (id, stage) in s.exchanges() {
            packets.push(match stage {
                Stage::Published(m) => {
                    let d = Delivery {
                        qos_pid: qos_pid(m.qos, *id),
                        retain: m.retain,
                        dup: true,
                        sub_ids: &m.sub_ids,
                        v5,
                    };
                    Packet::Publish(m.msg.to_publish(d, now))
                }
                Stage::Released => Packet::PubRel(Ack::new(*id)),
            });
        }
        for p in packets {
            self.resend_one(client, conn, p, now);
        }
    }

    /// Sends one resent packet; a PUBLISH now too big for the client counts as delivered
    /// and ends its exchange [MQTT-3.1.2-25].
    fn resend_one(&mut self, client: &str, conn: ConnId, p: Packet<'static>, now: Instant) {
        if let Packet::Publish(publish) = &p {
            if let (Some(reason), Some(id)) =
                (self.too_large(conn, publish), publish.qos_pid.packet_id())
            {
                if let Some(s) = self.sessions.get_mut(client) {
                    s.finish(id);
                }
                return self.dropped(client, publish.topic.to_string(), reason);
            }
        }
        self.send(conn, now, p);
    }
}

/// QoS 1 or 2 with identifier `id` (QoS 0: none).
pub(crate) fn qos_pid(qos: QoS, id: PacketId) -> QosPid {
    match qos {
        QoS::AtMostOnce => QosPid::AtMostOnce,
        QoS::AtLeastOnce => QosPid::AtLeastOnce(id),
        QoS::ExactlyOnce => QosPid::ExactlyOnce(id),
    }
}
