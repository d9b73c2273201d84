//! CONNECT (3.1.4): checks, authentication, client ids, Clean Start and session
//! takeover, and the CONNACK that answers it.

use std::num::{NonZeroU16, NonZeroU32};
use std::time::Duration;

use mqttscope_proto::client::Instant;
use mqttscope_proto::codec::{ConnAck, ConnAckProperties, Connect};
use mqttscope_proto::{Packet, ProtocolVersion, QoS, ReasonCode};

use crate::auth::Authenticated;
use crate::broker::WillAction;
use crate::conn::{ClientLimits, ConnState};
use crate::event::{DisconnectCause, Event};
use crate::session::Session;
use crate::timers::TimerKey;
use crate::{Broker, ConnId};

/// What an accepted CONNECT settled.
struct Accepted {
    client_id: String,
    assigned: bool,
    username: Option<String>,
    /// The Session Expiry Interval granted, and whether it differs from the request.
    expiry: u32,
    capped: bool,
    /// What enhanced authentication settled, if the CONNECT named a method.
    auth: Option<Authenticated>,
}

impl Broker {
    /// A CONNECT on a connection that has not been accepted. One naming an
    /// Authentication Method is settled after its exchange (`auth.rs`).
    pub(crate) fn handle_connect(&mut self, conn: ConnId, now: Instant, c: &Connect<'_>) {
        if self.authenticating(conn) {
            let detail = "a second CONNECT during enhanced authentication".to_owned();
            return self.exchange_broken(conn, now, "MQTT-3.1.0-2", detail);
        }
        if let Some(state) = self.conns.get_mut(&conn) {
            state.version = c.protocol;
            state.framer.set_version(c.protocol);
        }
        match c.properties.authentication_method() {
            Some(method) if c.protocol.is_v5() => self.start_authentication(conn, now, c, method),
            _ => self.settle_connect(conn, now, c, None),
        }
    }

    /// Accepts or refuses `c`, after `auth` (enhanced authentication) succeeded if it
    /// named a method. The connect timer stops here.
    pub(crate) fn settle_connect(
        &mut self,
        conn: ConnId,
        now: Instant,
        c: &Connect<'_>,
        auth: Option<Authenticated>,
    ) {
        self.timers.set(TimerKey::Connect(conn), None);
        let armed = self.admin.next_connect.take().map(Err);
        match armed.unwrap_or_else(|| self.check_connect(c, auth)) {
            Ok(a) => self.accept_connect(conn, now, c, a),
            Err(reason) => self.refuse(conn, now, c, reason),
        }
    }

    /// Every check after decoding, in the order the specification lists them. With
    /// enhanced authentication, `auth`'s user stands in for the User Name and Password.
    fn check_connect(
        &mut self,
        c: &Connect<'_>,
        auth: Option<Authenticated>,
    ) -> Result<Accepted, ReasonCode> {
        if c.will
            .as_ref()
            .is_some_and(|w| w.qos > self.opts.maximum_qos)
        {
            // [MQTT-3.2.2-12]
            return Err(ReasonCode::QosNotSupported);
        }
        let (client_id, assigned) = self.client_id_for(c)?;
        let username = match &auth {
            Some(a) => Some(a.username.clone()),
            None => self.authenticate(c)?,
        };
        let full = self.sessions.len() >= self.opts.max_sessions;
        if full && !self.sessions.contains_key(&client_id) {
            return Err(ReasonCode::QuotaExceeded);
        }
        let requested = requested_expiry(c);
        let expiry = requested.min(self.opts.session_expiry_cap);
        Ok(Accepted {
            client_id,
            assigned,
            username,
            expiry,
            capped: expiry != requested,
            auth,
        })
    }

    /// The client id to use: the one sent, or one assigned for an empty one
    /// [MQTT-3.1.3-6] (MQTT 3.1.1 only with Clean Session [MQTT-3.1.3-8]; MQTT 3.1 never).
    fn client_id_for(&mut self, c: &Connect<'_>) -> Result<(String, bool), ReasonCode> {
        if c.client_id.len() > self.opts.max_client_id_length {
            return Err(ReasonCode::ClientIdentifierNotValid);
        }
        if !c.client_id.is_empty() {
            return Ok((c.client_id.to_string(), false));
        }
        let may_assign = match c.protocol {
            ProtocolVersion::V5 => true,
            ProtocolVersion::V3_1_1 => c.clean_start,
            ProtocolVersion::V3_1 => false,
        };
        if !may_assign {
            return Err(ReasonCode::ClientIdentifierNotValid);
        }
        Ok((self.assign_client_id(), true))
    }

    /// A client id no session uses [MQTT-3.2.2-16].
    fn assign_client_id(&mut self) -> String {
        loop {
            self.next_assigned += 1;
            let id = format!("mqttscope-{:x}", self.next_assigned);
            if !self.sessions.contains_key(&id) {
                return id;
            }
        }
    }

    /// Username/password per [`crate::BrokerOptions`]: the User Name accepted, or
    /// 0x86 / 0x87.
    fn authenticate(&self, c: &Connect<'_>) -> Result<Option<String>, ReasonCode> {
        let o = &self.opts;
        let Some(name) = &c.username else {
            if !o.allow_anonymous || (c.password.is_some() && !o.users.is_empty()) {
                return Err(ReasonCode::NotAuthorized);
            }
            return Ok(None);
        };
        let password = c.password.as_deref().unwrap_or_default();
        let valid = o
            .users
            .iter()
            .any(|u| u.username == **name && u.password == password);
        if valid || (o.users.is_empty() && o.allow_anonymous) {
            return Ok(Some(name.to_string()));
        }
        Err(ReasonCode::BadUserNameOrPassword)
    }

    /// CONNACK with a failure, then close [MQTT-3.2.2-7] (MQTT 3.1.1: [MQTT-3.2.2-5]).
    pub(crate) fn refuse(
        &mut self,
        conn: ConnId,
        now: Instant,
        c: &Connect<'_>,
        reason: ReasonCode,
    ) {
        let v = c.protocol;
        let reason = match (v.is_v5(), reason.to_v3_connack()) {
            (false, None) => ReasonCode::ServerUnavailable,
            _ => reason,
        };
        let mut ack = ConnAck::new(false);
        ack.reason = reason;
        if v.is_v5() && self.opts.reason_strings {
            let mut with_text = ack.clone();
            with_text.properties.to_mut().reason_string = Some(reason.name().to_owned().into());
            let len = Packet::ConnAck(with_text.clone()).encoded_len(v);
            let max = c
                .properties
                .maximum_packet_size()
                .map_or(u32::MAX, NonZeroU32::get);
            // Only if the whole CONNACK fits the client's Maximum Packet Size [MQTT-3.2.2-19].
            if len.is_ok_and(|len| len <= max as usize) {
                ack = with_text;
            }
        }
        self.send(conn, now, Packet::ConnAck(ack));
        let cause = DisconnectCause::Refused(reason);
        self.close(conn, now, cause, None, WillAction::Discard);
    }

    /// CONNACK 0x01 in the MQTT 3.1.1 form for a protocol level we do not speak
    /// (MQTT 3.1.1 [MQTT-3.1.2-2]; MQTT 5 allows 0x84 [MQTT-3.1.2-2]).
    pub(crate) fn refuse_unknown_version(&mut self, conn: ConnId, now: Instant) {
        let mut ack = ConnAck::new(false);
        ack.reason = ReasonCode::UnsupportedProtocolVersion;
        self.send(conn, now, Packet::ConnAck(ack));
    }

    fn accept_connect(&mut self, conn: ConnId, now: Instant, c: &Connect<'_>, a: Accepted) {
        self.take_over(&a.client_id, conn, now);
        let present = self.open_session(&a, c, conn, now);
        self.set_up_connection(conn, now, c, &a);
        let ack = self.connack(conn, c, &a, present);
        self.send(conn, now, Packet::ConnAck(ack));
        self.event(Event::ClientConnected {
            conn,
            client_id: a.client_id.clone(),
            version: c.protocol,
            session_present: present,
        });
        if present {
            self.resend(&a.client_id, conn, now);
        }
        self.flush(&a.client_id, now);
    }

    /// Closes the connection that holds `client_id`'s session, with DISCONNECT 0x8E in
    /// MQTT 5 [MQTT-3.1.4-3] (MQTT 3.1.1: [MQTT-3.1.4-2]).
    fn take_over(&mut self, client_id: &str, conn: ConnId, now: Instant) {
        let old = self.sessions.get(client_id).and_then(|s| s.conn);
        if let Some(old) = old.filter(|&old| old != conn) {
            let (cause, reason) = (DisconnectCause::TakenOver, ReasonCode::SessionTakenOver);
            self.close(old, now, cause, Some(reason), WillAction::Publish);
        }
    }

    /// Clean Start: discard any session [MQTT-3.1.2-4]; else resume it [MQTT-3.1.2-5] or
    /// create one [MQTT-3.1.2-6]. Returns Session Present [MQTT-3.2.2-2] [MQTT-3.2.2-3].
    fn open_session(&mut self, a: &Accepted, c: &Connect<'_>, conn: ConnId, now: Instant) -> bool {
        let id = &a.client_id;
        if c.clean_start && self.sessions.contains_key(id) {
            self.end_session(id, now);
        }
        // A reconnection in time cancels a delayed will [MQTT-3.1.3-9].
        self.wills.remove(id);
        self.timers.set(TimerKey::Will(id.clone()), None);
        self.timers.set(TimerKey::Session(id.clone()), None);
        let resumed = self.sessions.contains_key(id);
        let event = if resumed {
            Event::SessionResumed {
                client_id: id.clone(),
            }
        } else {
            Event::SessionCreated {
                client_id: id.clone(),
            }
        };
        self.event(event);
        let s = self
            .sessions
            .entry(id.clone())
            .or_insert_with(|| Session::new(c.protocol));
        s.conn = Some(conn);
        s.version = c.protocol;
        s.expiry_interval = a.expiry;
        // MQTT 3.1 has no Session Present flag.
        resumed && c.protocol != ProtocolVersion::V3_1
    }

    fn set_up_connection(&mut self, conn: ConnId, now: Instant, c: &Connect<'_>, a: &Accepted) {
        let keep_alive = match (c.protocol.is_v5(), self.opts.server_keep_alive) {
            (true, Some(k)) => k,
            _ => c.keep_alive,
        };
        let limits = self.client_limits(c);
        let Some(state) = self.conns.get_mut(&conn) else {
            return;
        };
        state.state = ConnState::Connected(a.client_id.clone());
        state.keep_alive = keep_alive;
        state.limits = limits;
        // [MQTT-3.1.2-7]
        state.will = c.will.clone().map(|w| {
            let delay = w.properties.will_delay_interval().unwrap_or(0);
            (owned_will(w), delay)
        });
        state.expiry_was_zero = requested_expiry(c) == 0;
        state.username = a.username.clone();
        state.auth_method = a.auth.as_ref().map(|x| x.method.clone());
        if keep_alive > 0 {
            let limit = Duration::from_millis(u64::from(keep_alive) * 1500);
            self.timers
                .set(TimerKey::KeepAlive(conn), Some(now + limit));
        }
    }

    /// What the client accepts: its CONNECT properties in MQTT 5, fixed values in 3.
    fn client_limits(&self, c: &Connect<'_>) -> ClientLimits {
        if !c.protocol.is_v5() {
            return ClientLimits {
                receive_maximum: self.opts.v3_in_flight.max(1),
                maximum_packet_size: None,
                topic_alias_maximum: 0,
                problem_information: false,
            };
        }
        let p = &c.properties;
        ClientLimits {
            receive_maximum: p.receive_maximum().map_or(u16::MAX, |n| n.get()),
            maximum_packet_size: p.maximum_packet_size().map(NonZeroU32::get),
            topic_alias_maximum: p.topic_alias_maximum().unwrap_or(0),
            problem_information: p.request_problem_information().unwrap_or(true),
        }
    }

    /// A successful CONNACK [MQTT-3.1.4-5] with our limits (MQTT 5).
    fn connack(
        &self,
        conn: ConnId,
        c: &Connect<'_>,
        a: &Accepted,
        present: bool,
    ) -> ConnAck<'static> {
        let mut ack = ConnAck::new(present);
        if c.protocol.is_v5() {
            let keep_alive = self.conns.get(&conn).map_or(c.keep_alive, |s| s.keep_alive);
            let props = self.connack_properties(a, keep_alive != c.keep_alive, keep_alive);
            if !props.is_empty() {
                ack.properties = props.into();
            }
        }
        ack
    }

    fn connack_properties(
        &self,
        a: &Accepted,
        ka_changed: bool,
        keep_alive: u16,
    ) -> ConnAckProperties<'static> {
        let o = &self.opts;
        ConnAckProperties {
            session_expiry_interval: a.capped.then_some(a.expiry),
            receive_maximum: NonZeroU16::new(o.receive_maximum).filter(|n| n.get() != u16::MAX),
            maximum_qos: (o.maximum_qos != QoS::ExactlyOnce).then_some(o.maximum_qos),
            maximum_packet_size: NonZeroU32::new(o.max_packet_size),
            assigned_client_identifier: a.assigned.then(|| a.client_id.clone().into()),
            topic_alias_maximum: (o.topic_alias_maximum > 0).then_some(o.topic_alias_maximum),
            wildcard_subscription_available: (!o.wildcard_subscriptions).then_some(false),
            shared_subscription_available: (!o.shared_subscriptions).then_some(false),
            // [MQTT-3.2.2-21] [MQTT-3.2.2-22]
            server_keep_alive: ka_changed.then_some(keep_alive),
            // [MQTT-4.12.0-5]
            authentication_method: a.auth.as_ref().map(|x| x.method.clone().into()),
            authentication_data: a.auth.as_ref().map(|x| x.data.clone().into()),
            ..ConnAckProperties::default()
        }
    }
}

/// A will that outlives its CONNECT's bytes.
fn owned_will(w: mqttscope_proto::codec::Will<'_>) -> mqttscope_proto::codec::Will<'static> {
    mqttscope_proto::codec::Will {
        topic: w.topic.into_owned().into(),
        payload: w.payload.into_owned().into(),
        qos: w.qos,
        retain: w.retain,
        properties: w.properties.into_owned(),
    }
}

/// The Session Expiry Interval a CONNECT asks for: its property in MQTT 5; in MQTT 3,
/// 0 with Clean Session and "never" without.
fn requested_expiry(c: &Connect<'_>) -> u32 {
    if c.protocol.is_v5() {
        c.properties.session_expiry_interval().unwrap_or(0)
    } else if c.clean_start {
        0
    } else {
        u32::MAX
    }
}
