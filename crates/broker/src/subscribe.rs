//! SUBSCRIBE (3.8.4) and UNSUBSCRIBE (3.10.4), and retained messages for new
//! subscriptions.

use std::num::NonZeroU32;

use mqttscope_proto::client::Instant;
use mqttscope_proto::codec::topic::{is_shared, is_valid_filter, unshared, SHARE_PREFIX};
use mqttscope_proto::codec::{
    RetainHandling, SubAck, Subscribe, Subscription, UnsubAck, Unsubscribe,
};
use mqttscope_proto::{Packet, ProtocolVersion, QoS, ReasonCode};

use crate::session::{OutMsg, Sub};
use crate::{Broker, ConnId};

/// A subscription that was made, for sending its retained messages.
struct Made {
    filter: String,
    sub: Sub,
    existed: bool,
}

impl Broker {
    /// Each filter handled on its own [MQTT-3.8.4-5], one SUBACK with one code per filter
    /// in order [MQTT-3.8.4-6] [MQTT-3.9.3-1], then retained messages.
    pub(crate) fn handle_subscribe(&mut self, conn: ConnId, now: Instant, s: &Subscribe<'_>) {
        let Some(client) = self.client_of(conn) else {
            return;
        };
        let Some(v) = self.conns.get(&conn).map(|c| c.version) else {
            return;
        };
        let id = s.properties.subscription_identifier();
        let mut codes = Vec::with_capacity(s.subscriptions.len());
        let mut made = Vec::new();
        for sub in &s.subscriptions {
            let armed = self.admin.next_subscription.take().map(Err);
            match armed.unwrap_or_else(|| self.subscribe_one(&client, v, sub, id)) {
                Ok(m) => {
                    codes.push(granted_code(m.sub.options.qos));
                    made.push(m);
                }
                Err(code) => codes.push(if v.is_v5() {
                    code
                } else {
                    ReasonCode::UnspecifiedError
                }),
            }
        }
        let ack = SubAck {
            packet_id: s.packet_id,
            properties: Default::default(),
            reason_codes: codes,
        };
        // [MQTT-3.8.4-1] [MQTT-3.8.4-2]
        self.send(conn, now, Packet::SubAck(ack));
        for m in made {
            self.send_retained(&client, v, &m, now);
        }
    }

    /// Makes (or replaces [MQTT-3.8.4-3]) one subscription, or says why not.
    fn subscribe_one(
        &mut self,
        client: &str,
        v: ProtocolVersion,
        s: &Subscription<'_>,
        id: Option<NonZeroU32>,
    ) -> Result<Made, ReasonCode> {
        let filter: &str = &s.filter;
        let share = share_name(filter, v);
        let inner = if share.is_some() {
            unshared(filter)
        } else {
            filter
        };
        self.check_filter(filter, inner, share.is_some())?;
        let session = self
            .sessions
            .get_mut(client)
            .ok_or(ReasonCode::UnspecifiedError)?;
        let existed = session.subs.contains_key(filter);
        if !existed && session.subs.len() >= self.opts.max_subscriptions_per_session {
            return Err(ReasonCode::QuotaExceeded);
        }
        let mut options = s.options;
        options.qos = options.qos.min(self.opts.maximum_qos);
        let sub = Sub { options, id, share };
        session.subs.insert(filter.to_owned(), sub.clone());
        self.tree.insert(inner, client, filter);
        Ok(Made {
            filter: filter.to_owned(),
            sub,
            existed,
        })
    }

    /// The broker's own limits on a filter (the grammar was checked when decoding).
    fn check_filter(&self, filter: &str, inner: &str, shared: bool) -> Result<(), ReasonCode> {
        if shared && !self.opts.shared_subscriptions {
            return Err(ReasonCode::SharedSubscriptionsNotSupported);
        }
        if !self.opts.wildcard_subscriptions && inner.contains(['+', '#']) {
            // MQTT 3.1.1 [MQTT-3.8.3-2]
            return Err(ReasonCode::WildcardSubscriptionsNotSupported);
        }
        if filter.len() > self.opts.max_topic_length || !self.opts.topic_fits(inner) {
            return Err(ReasonCode::TopicFilterInvalid);
        }
        Ok(())
    }

    /// Retained messages for a new subscription per its Retain Handling [MQTT-3.3.1-9]
    /// [MQTT-3.3.1-10] [MQTT-3.3.1-11] (MQTT 3.1.1: always [MQTT-3.3.1-6]), with RETAIN 1
    /// (MQTT 3.1.1 [MQTT-3.3.1-8]); none for shared subscriptions (4.8.2).
    fn send_retained(&mut self, client: &str, v: ProtocolVersion, m: &Made, now: Instant) {
        let send = match m.sub.options.retain_handling {
            _ if m.sub.share.is_some() => false,
            _ if !v.is_v5() => true,
            RetainHandling::SendAtSubscribe => true,
            RetainHandling::SendAtSubscribeIfNew => !m.existed,
            RetainHandling::DoNotSend => false,
        };
        if !send {
            return;
        }
        for msg in self.retained.matching(&m.filter, now) {
            let copy = OutMsg {
                qos: msg.qos.min(m.sub.options.qos),
                retain: true,
                sub_ids: m.sub.id.into_iter().collect(),
                msg,
            };
            self.offer(client, copy, now);
        }
    }

    /// Removes each filter that matches exactly [MQTT-3.10.4-1]; UNSUBACK even if none
    /// did [MQTT-3.10.4-4] [MQTT-3.10.4-5], one code per filter in MQTT 5 (0x11 for one
    /// that did not exist).
    pub(crate) fn handle_unsubscribe(&mut self, conn: ConnId, now: Instant, u: &Unsubscribe<'_>) {
        let Some(client) = self.client_of(conn) else {
            return;
        };
        let Some(v) = self.conns.get(&conn).map(|c| c.version) else {
            return;
        };
        let codes: Vec<ReasonCode> = u
            .filters
            .iter()
            .map(|f| self.unsubscribe_one(&client, f))
            .collect();
        let ack = UnsubAck {
            packet_id: u.packet_id,
            properties: Default::default(),
            reason_codes: if v.is_v5() { codes } else { Vec::new() },
        };
        self.send(conn, now, Packet::UnsubAck(ack));
    }

    /// Stops new messages for `filter` [MQTT-3.10.4-2]; exchanges under way go on
    /// [MQTT-3.10.4-3].
    fn unsubscribe_one(&mut self, client: &str, filter: &str) -> ReasonCode {
        let Some(sub) = self
            .sessions
            .get_mut(client)
            .and_then(|s| s.subs.remove(filter))
        else {
            return ReasonCode::NoSubscriptionExisted;
        };
        self.unindex(client, filter, &sub);
        ReasonCode::Success
    }
}

/// The share name of a shared subscription: MQTT 5's `$share/<name>/<filter>`, also
/// from MQTT 3.1.1 clients when the filter follows MQTT 5's grammar (as mosquitto does).
fn share_name(filter: &str, v: ProtocolVersion) -> Option<String> {
    let shared = if v.is_v5() {
        is_shared(filter)
    } else {
        is_shared(filter) && is_valid_filter(filter, ProtocolVersion::V5)
    };
    let rest = filter.strip_prefix(SHARE_PREFIX).filter(|_| shared)?;
    rest.split('/').next().map(str::to_owned)
}

/// The SUBACK code for a granted QoS [MQTT-3.8.4-7].
fn granted_code(q: QoS) -> ReasonCode {
    match q {
        QoS::AtMostOnce => ReasonCode::Success,
        QoS::AtLeastOnce => ReasonCode::GrantedQos1,
        QoS::ExactlyOnce => ReasonCode::GrantedQos2,
    }
}
