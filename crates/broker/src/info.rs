//! Getters for a UI "broker pane" (connected clients, sessions, retained messages) and the
//! commands that go with them.

use std::num::NonZeroU32;

use mqttscope_proto::codec::{PublishProperties, SubscriptionOptions};
use mqttscope_proto::{ProtocolVersion, QoS};

use crate::conn::Conn;
use crate::session::Session;
use crate::{Broker, BrokerOptions, ConnId};

/// One subscription of a session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubscriptionInfo {
    /// The filter as subscribed (`$share/<name>/...` for a shared one).
    pub filter: String,
    /// Its options, with the QoS granted.
    pub options: SubscriptionOptions,
    /// Its Subscription Identifier.
    pub identifier: Option<NonZeroU32>,
    /// The share name of a shared subscription.
    pub share: Option<String>,
}

/// A session, connected or not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionInfo {
    /// Its client id.
    pub client_id: String,
    /// The connection it is on, if any.
    pub conn: Option<ConnId>,
    /// The protocol version of its last connection.
    pub version: ProtocolVersion,
    /// Seconds it outlives its connection (`u32::MAX`: never expires).
    pub expiry_interval: u32,
    /// Its subscriptions, by filter.
    pub subscriptions: Vec<SubscriptionInfo>,
    /// Outbound QoS 1/2 exchanges not finished (PUBLISH or PUBREL unacknowledged).
    pub in_flight: usize,
    /// QoS 1/2 messages waiting for a window slot or a connection.
    pub queued: usize,
    /// Inbound QoS 2 packet ids awaiting PUBREL.
    pub inbound_qos2: usize,
    /// Messages dropped for it so far because its queue was full.
    pub dropped: u64,
}

/// A connected client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientInfo {
    /// Its connection.
    pub conn: ConnId,
    /// Its client id.
    pub client_id: String,
    /// The protocol version it speaks.
    pub version: ProtocolVersion,
    /// The keep alive in force, seconds.
    pub keep_alive: u16,
    /// The User Name it authenticated with.
    pub username: Option<String>,
    /// Its outbound window (its Receive Maximum; a fixed option for MQTT 3).
    pub receive_maximum: u16,
    /// Its Maximum Packet Size.
    pub maximum_packet_size: Option<u32>,
    /// Its Topic Alias Maximum.
    pub topic_alias_maximum: u16,
    /// Topic Aliases it set up, alias to topic, by alias.
    pub aliases_in: Vec<(u16, String)>,
    /// Topic Aliases the broker set up towards it, by alias.
    pub aliases_out: Vec<(u16, String)>,
    /// Whether it has a will.
    pub has_will: bool,
    /// Its session.
    pub session: SessionInfo,
}

/// A retained message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetainedInfo {
    /// Its topic.
    pub topic: String,
    /// Its payload.
    pub payload: Vec<u8>,
    /// Its QoS.
    pub qos: QoS,
    /// Its forwarded properties.
    pub properties: PublishProperties<'static>,
}

impl Broker {
    /// The options in force.
    pub fn options(&self) -> &BrokerOptions {
        &self.opts
    }

    /// Open connections (connected or awaiting CONNECT).
    pub fn connection_count(&self) -> usize {
        self.conns.len()
    }

    /// Sessions held.
    pub fn session_count(&self) -> usize {
        self.sessions.len()
    }

    /// Subscriptions held, over all sessions.
    pub fn subscription_count(&self) -> usize {
        self.tree.len()
    }

    /// Retained messages held.
    pub fn retained_count(&self) -> usize {
        self.retained.len()
    }

    /// Timers armed (connections, offline sessions, delayed wills).
    pub fn timer_count(&self) -> usize {
        self.timers.len()
    }

    /// Connected clients, by connection id.
    pub fn clients(&self) -> Vec<ClientInfo> {
        self.conns.keys().filter_map(|&c| self.client(c)).collect()
    }

    /// The client connected on `conn`.
    pub fn client(&self, conn: ConnId) -> Option<ClientInfo> {
        let c = self.conns.get(&conn)?;
        let id = c.client_id()?;
        Some(client_info(conn, id, c, self.session(id)?))
    }

    /// Every session, by client id.
    pub fn sessions(&self) -> Vec<SessionInfo> {
        self.sessions
            .keys()
            .filter_map(|id| self.session(id))
            .collect()
    }

    /// The session of `client_id`.
    pub fn session(&self, client_id: &str) -> Option<SessionInfo> {
        self.sessions
            .get(client_id)
            .map(|s| session_info(client_id, s))
    }

    /// The retained messages, by topic.
    pub fn retained(&self) -> Vec<RetainedInfo> {
        let info = |m: &std::sync::Arc<crate::message::Message>| RetainedInfo {
            topic: m.topic.clone(),
            payload: m.payload.clone(),
            qos: m.qos,
            properties: m.props.clone(),
        };
        self.retained.iter().map(info).collect()
    }

    /// Removes the retained message of `topic`; true if there was one.
    pub fn clear_retained(&mut self, topic: &str) -> bool {
        self.retained.clear(topic)
    }
}

fn client_info(conn: ConnId, id: &str, c: &Conn, session: SessionInfo) -> ClientInfo {
    let mut aliases_in: Vec<(u16, String)> =
        c.aliases_in.iter().map(|(a, t)| (*a, t.clone())).collect();
    aliases_in.sort();
    let mut aliases_out: Vec<(u16, String)> = c
        .aliases_out
        .by_topic
        .iter()
        .map(|(t, a)| (*a, t.clone()))
        .collect();
    aliases_out.sort();
    ClientInfo {
        conn,
        client_id: id.to_owned(),
        version: c.version,
        keep_alive: c.keep_alive,
        username: c.username.clone(),
        receive_maximum: c.limits.receive_maximum,
        maximum_packet_size: c.limits.maximum_packet_size,
        topic_alias_maximum: c.limits.topic_alias_maximum,
        aliases_in,
        aliases_out,
        has_will: c.will.is_some(),
        session,
    }
}

fn session_info(id: &str, s: &Session) -> SessionInfo {
    SessionInfo {
        client_id: id.to_owned(),
        conn: s.conn,
        version: s.version,
        expiry_interval: s.expiry_interval,
        subscriptions: s
            .subs
            .iter()
            .map(|(f, sub)| SubscriptionInfo {
                filter: f.clone(),
                options: sub.options,
                identifier: sub.id,
                share: sub.share.clone(),
            })
            .collect(),
        in_flight: s.in_flight(),
        queued: s.queue.len(),
        inbound_qos2: s.inbound_qos2.len(),
        dropped: s.dropped,
    }
}
