//! Inbound PUBLISH (3.3.4) with Topic Aliases from the client and QoS 2 exactly once,
//! and the acknowledgements of outbound QoS 1/2 exchanges.

use std::sync::Arc;

use mqttscope_proto::client::Instant;
use mqttscope_proto::codec::{Ack, PacketId, Publish, QosPid};
use mqttscope_proto::{Packet, ReasonCode};

use crate::event::DropReason;
use crate::message::Message;
use crate::session::Stage;
use crate::{Broker, ConnId};

impl Broker {
    /// A PUBLISH from a connected client.
    pub(crate) fn handle_publish(&mut self, conn: ConnId, now: Instant, p: &Publish<'_>) {
        let v5 = self.conns.get(&conn).is_some_and(|c| c.version.is_v5());
        if v5 && p.qos_pid.qos() > self.opts.maximum_qos {
            let detail = format!("QoS {} above the Maximum QoS", p.qos_pid.qos() as u8);
            let reason = ReasonCode::QosNotSupported;
            return self.violation(conn, now, None, "MQTT-3.2.2-11", detail, reason);
        }
        if p.properties.subscription_identifiers().next().is_some() {
            let detail = "a Subscription Identifier in a PUBLISH from a client".to_owned();
            let reason = ReasonCode::ProtocolError;
            return self.violation(conn, now, None, "MQTT-3.3.4-6", detail, reason);
        }
        let Some(topic) = self.resolve_topic(conn, now, p) else {
            return;
        };
        let Some(client) = self.client_of(conn) else {
            return;
        };
        match p.qos_pid {
            QosPid::AtMostOnce => {
                self.route_inbound(&client, conn, topic, p, now);
            }
            QosPid::AtLeastOnce(id) => {
                let code = self.route_inbound(&client, conn, topic, p, now);
                // [MQTT-4.3.2-4]
                self.send(conn, now, Packet::PubAck(ack(id, code)));
            }
            QosPid::ExactlyOnce(id) => self.publish_qos2(&client, conn, topic, p, id, now),
        }
    }

    /// QoS 2: routed once; a repeat while the id awaits PUBREL is only answered
    /// [MQTT-4.3.3-10]; one more than our Receive Maximum is DISCONNECT 0x93.
    fn publish_qos2(
        &mut self,
        client: &str,
        conn: ConnId,
        topic: String,
        p: &Publish<'_>,
        id: PacketId,
        now: Instant,
    ) {
        let Some(s) = self.sessions.get(client) else {
            return;
        };
        if s.inbound_qos2.contains(&id) {
            // [MQTT-4.3.3-8]
            return self.send(conn, now, Packet::PubRec(Ack::new(id)));
        }
        let max = self.opts.receive_maximum;
        if s.inbound_qos2.len() >= usize::from(max) {
            let detail = format!("more than {max} QoS 2 publishes awaiting PUBREL");
            let reason = ReasonCode::ReceiveMaximumExceeded;
            return self.violation(conn, now, None, "MQTT-3.3.4-7", detail, reason);
        }
        let code = self.route_inbound(client, conn, topic, p, now);
        // [MQTT-4.3.3-9]: a refused id is free again at once.
        if let (false, Some(s)) = (code.is_error(), self.sessions.get_mut(client)) {
            s.inbound_qos2.insert(id);
        }
        self.send(conn, now, Packet::PubRec(ack(id, code)));
    }

    /// The topic of `p`: its Topic Name, or the topic its Topic Alias stands for
    /// (3.3.2.3.4); an alias above our maximum or unknown is DISCONNECT 0x94
    /// [MQTT-3.3.2-12].
    fn resolve_topic(&mut self, conn: ConnId, now: Instant, p: &Publish<'_>) -> Option<String> {
        let max = self.opts.topic_alias_maximum;
        let c = self.conns.get_mut(&conn)?;
        let Some(alias) = p.properties.topic_alias() else {
            return Some(p.topic.to_string());
        };
        let alias = alias.get();
        let detail = if alias > max {
            format!("Topic Alias {alias} is above the maximum of {max}")
        } else if !p.topic.is_empty() {
            c.aliases_in.insert(alias, p.topic.to_string());
            return Some(p.topic.to_string());
        } else if let Some(topic) = c.aliases_in.get(&alias) {
            return Some(topic.clone());
        } else {
            format!("Topic Alias {alias} was never set on this connection")
        };
        self.violation(
            conn,
            now,
            None,
            "3.3.2.3.4",
            detail,
            ReasonCode::TopicAliasInvalid,
        );
        None
    }

    /// Routes an inbound message; the reason code for its PUBACK or PUBREC: 0x10 No
    /// matching subscribers when nobody got it (MQTT 5), 0x90 when its topic breaks our
    /// limits (MQTT 3: acknowledged as usual and dropped [MQTT-3.3.5-2 (3.1.1)]).
    fn route_inbound(
        &mut self,
        client: &str,
        conn: ConnId,
        topic: String,
        p: &Publish<'_>,
        now: Instant,
    ) -> ReasonCode {
        let v5 = self.conns.get(&conn).is_some_and(|c| c.version.is_v5());
        if !self.opts.topic_fits(&topic) {
            self.dropped(client, topic, DropReason::TopicRefused);
            return if v5 {
                ReasonCode::TopicNameInvalid
            } else {
                ReasonCode::Success
            };
        }
        let msg = Arc::new(Message::from_publish(p, topic, now, client));
        let receivers = self.publish_message(msg, now);
        match (v5, receivers) {
            (true, 0) => ReasonCode::NoMatchingSubscribers,
            _ => ReasonCode::Success,
        }
    }

    /// PUBACK: the QoS 1 exchange ends [MQTT-4.3.2-3]; the window has room again.
    pub(crate) fn handle_puback(&mut self, conn: ConnId, now: Instant, a: &Ack<'_>) {
        self.finish_exchange(
            conn,
            now,
            a,
            |s| matches!(s, Stage::Published(m) if m.qos == mqttscope_proto::QoS::AtLeastOnce),
        );
    }

    /// PUBREC: PUBREL follows [MQTT-4.3.3-4], unless the reason refuses the message,
    /// which ends the exchange [MQTT-4.4.0-2]. An unknown id gets PUBREL 0x92 (MQTT 5).
    pub(crate) fn handle_pubrec(&mut self, conn: ConnId, now: Instant, a: &Ack<'_>) {
        let Some(client) = self.client_of(conn) else {
            return;
        };
        let Some(s) = self.sessions.get_mut(&client) else {
            return;
        };
        let known = s.stage(a.packet_id).is_some();
        if a.reason.is_error() {
            return self.finish_exchange(conn, now, a, |s| matches!(s, Stage::Published(_)));
        }
        s.release(a.packet_id);
        let mut rel = Ack::new(a.packet_id);
        if !known && s.version.is_v5() {
            rel.reason = ReasonCode::PacketIdentifierNotFound;
        }
        self.send(conn, now, Packet::PubRel(rel));
    }

    /// PUBREL: the inbound QoS 2 id is free; PUBCOMP, 0x92 if it was unknown (MQTT 5)
    /// [MQTT-4.3.3-11].
    pub(crate) fn handle_pubrel(&mut self, conn: ConnId, now: Instant, a: &Ack<'_>) {
        let Some(client) = self.client_of(conn) else {
            return;
        };
        let Some(s) = self.sessions.get_mut(&client) else {
            return;
        };
        let mut comp = Ack::new(a.packet_id);
        if !s.inbound_qos2.remove(&a.packet_id) && s.version.is_v5() {
            comp.reason = ReasonCode::PacketIdentifierNotFound;
        }
        self.send(conn, now, Packet::PubComp(comp));
    }

    /// PUBCOMP: the QoS 2 exchange ends.
    pub(crate) fn handle_pubcomp(&mut self, conn: ConnId, now: Instant, a: &Ack<'_>) {
        self.finish_exchange(conn, now, a, |s| matches!(s, Stage::Released));
    }

    /// Ends exchange `a.packet_id` if it is at a stage `fits`, then refills the window.
    fn finish_exchange(
        &mut self,
        conn: ConnId,
        now: Instant,
        a: &Ack<'_>,
        fits: impl Fn(&Stage) -> bool,
    ) {
        let Some(client) = self.client_of(conn) else {
            return;
        };
        let Some(s) = self.sessions.get_mut(&client) else {
            return;
        };
        if s.stage(a.packet_id).is_some_and(fits) {
            s.finish(a.packet_id);
            self.flush(&client, now);
        }
    }

    /// The client id connected on `conn`.
    pub(crate) fn client_of(&self, conn: ConnId) -> Option<String> {
        self.conns.get(&conn)?.client_id().map(str::to_owned)
    }
}

/// An acknowledgement of `id` with `reason`.
fn ack(id: PacketId, reason: ReasonCode) -> Ack<'static> {
    let mut a = Ack::new(id);
    a.reason = reason;
    a
}
