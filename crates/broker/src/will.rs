//! What happens when a connection ends: its will (3.1.2.5, 3.1.3.2) and its session's
//! expiry (3.1.2.11.2), and DISCONNECT from the client (3.14.4).

use std::sync::Arc;
use std::time::Duration;

use mqttscope_proto::client::Instant;
use mqttscope_proto::codec::{Disconnect, PublishProperties, Will};
use mqttscope_proto::ReasonCode;

use crate::broker::WillAction;
use crate::conn::Conn;
use crate::event::{DisconnectCause, Event};
use crate::message::{expiry, Message};
use crate::timers::TimerKey;
use crate::{Broker, ConnId};

impl Broker {
    /// DISCONNECT from the client: 0x04 keeps the will, anything else drops it
    /// [MQTT-3.14.4-3]; a Session Expiry Interval in it replaces the CONNECT's, but may
    /// not turn 0 into more (3.14.2.2.2).
    pub(crate) fn handle_disconnect(&mut self, conn: ConnId, now: Instant, d: &Disconnect<'_>) {
        let Some(c) = self.conns.get(&conn) else {
            return;
        };
        if let Some(expiry) = d.properties.session_expiry_interval() {
            if c.expiry_was_zero && expiry != 0 {
                let detail = "DISCONNECT raises a Session Expiry Interval of 0".to_owned();
                let reason = ReasonCode::ProtocolError;
                return self.violation(conn, now, None, "3.14.2.2.2", detail, reason);
            }
            let cap = self.opts.session_expiry_cap;
            if let Some(s) = c.client_id().and_then(|id| self.sessions.get_mut(id)) {
                s.expiry_interval = expiry.min(cap);
            }
        }
        let will = if d.reason == ReasonCode::DisconnectWithWill {
            WillAction::Publish
        } else {
            WillAction::Discard
        };
        let cause = DisconnectCause::ClientDisconnect(d.reason);
        self.close(conn, now, cause, None, will);
    }

    /// The session of `client` lost its connection `conn` (already removed as `c`).
    pub(crate) fn session_offline(
        &mut self,
        client: &str,
        conn: ConnId,
        c: Conn,
        now: Instant,
        will: WillAction,
        takeover: bool,
    ) {
        let Some(s) = self.sessions.get_mut(client) else {
            return;
        };
        if s.conn != Some(conn) {
            return;
        }
        s.conn = None;
        let expiry = s.expiry_interval;
        // A session taken over lives on in the new connection, whatever its expiry.
        let ends_now = expiry == 0 && !takeover;
        if let (WillAction::Publish, Some((w, delay))) = (will, c.will) {
            self.schedule_will(client, w, delay, expiry, ends_now, now);
        }
        if ends_now {
            self.end_session(client, now);
        } else if expiry != u32::MAX && !takeover {
            let at = now + Duration::from_secs(u64::from(expiry));
            self.timers
                .set(TimerKey::Session(client.to_owned()), Some(at));
        }
    }

    /// Publishes the will now, or at the earlier of its delay and the session's end
    /// [MQTT-3.1.2-8].
    fn schedule_will(
        &mut self,
        client: &str,
        w: Will<'static>,
        delay: u32,
        expiry: u32,
        ends_now: bool,
        now: Instant,
    ) {
        if delay == 0 || ends_now {
            return self.publish_will(client, w, now);
        }
        let at = now + Duration::from_secs(u64::from(delay.min(expiry)));
        self.wills.insert(client.to_owned(), w);
        self.timers.set(TimerKey::Will(client.to_owned()), Some(at));
    }

    /// The delayed will of `client` is due (or its session ends).
    pub(crate) fn publish_pending_will(&mut self, client: &str, now: Instant) {
        self.timers.set(TimerKey::Will(client.to_owned()), None);
        if let Some(w) = self.wills.remove(client) {
            self.publish_will(client, w, now);
        }
    }

    /// Publishes a will as retained or not as it says [MQTT-3.1.2-14] [MQTT-3.1.2-15],
    /// with its properties, User Properties in order [MQTT-3.1.3-10].
    fn publish_will(&mut self, client: &str, w: Will<'static>, now: Instant) {
        let q = &w.properties;
        let props = PublishProperties {
            payload_format_indicator: q.payload_format_indicator(),
            content_type: q.content_type().map(|s| s.to_owned().into()),
            response_topic: q.response_topic().map(|s| s.to_owned().into()),
            correlation_data: q.correlation_data().map(|s| s.to_vec().into()),
            user_properties: q
                .to_typed()
                .user_properties
                .into_iter()
                .map(|p| p.into_owned())
                .collect(),
            ..PublishProperties::default()
        };
        let msg = Message {
            topic: w.topic.to_string(),
            payload: w.payload.to_vec(),
            qos: w.qos,
            retain: w.retain,
            props,
            expires_at: expiry(q.message_expiry_interval(), now),
            publisher: Some(client.to_owned()),
        };
        self.event(Event::WillPublished {
            client_id: client.to_owned(),
            topic: msg.topic.clone(),
        });
        self.publish_message(Arc::new(msg), now);
    }

    /// The expiry timer of an offline session fired.
    pub(crate) fn expire_session(&mut self, client: &str, now: Instant) {
        if self.sessions.get(client).is_some_and(|s| s.conn.is_none()) {
            self.end_session(client, now);
        }
    }

    /// Ends `client`'s session: its pending will goes out first, then its subscriptions
    /// and queue are dropped.
    pub(crate) fn end_session(&mut self, client: &str, now: Instant) {
        self.publish_pending_will(client, now);
        self.timers.set(TimerKey::Session(client.to_owned()), None);
        let Some(s) = self.sessions.remove(client) else {
            return;
        };
        for (filter, sub) in &s.subs {
            self.unindex(client, filter, sub);
        }
        self.event(Event::SessionExpired {
            client_id: client.to_owned(),
        });
    }
}
