//! Scenario tests: the broker against scripted connections on a virtual clock. Each test
//! is named after the behaviour it shows, asserts the bytes on the wire, and names the
//! normative statements it covers in its doc comment: MQTT 5.0 ids on a line of their
//! own (`/// [MQTT-3.1.2-22]`), MQTT 3.1.1 ids (numbered differently) on a line that
//! starts `/// 3.1.1:` (`/// 3.1.1: [MQTT-3.1.2-24]`).

use std::collections::BTreeMap;
use std::num::{NonZeroU16, NonZeroU32};
use std::time::Duration;

use mqttscope_proto::codec::{
    Ack, Connect, Disconnect, PacketId, Publish, QosPid, Subscribe, Subscription, Unsubscribe,
};
use mqttscope_proto::{Packet, ProtocolVersion, QoS, ReasonCode};

use crate::timers::NEVER;
use crate::*;

mod api;
mod connection;
mod delivery;
mod enhanced_auth;
mod handshake;
mod interop;
#[cfg(not(target_arch = "wasm32"))]
mod model;
#[cfg(not(target_arch = "wasm32"))]
mod props;
mod qos;
mod retained;
mod routing;
mod shared;
mod v5;

pub(crate) const V5: ProtocolVersion = ProtocolVersion::V5;
pub(crate) const V4: ProtocolVersion = ProtocolVersion::V3_1_1;
pub(crate) const V3: ProtocolVersion = ProtocolVersion::V3_1;

/// A broker, a virtual clock, and everything each connection was sent.
pub(crate) struct Net {
    pub broker: Broker,
    pub now: Instant,
    pub deadline: Instant,
    pub sent: BTreeMap<ConnId, Vec<Vec<u8>>>,
    pub closed: Vec<ConnId>,
    pub events: Vec<Event>,
    /// Each connection's protocol version, for decoding what it was sent.
    pub versions: BTreeMap<ConnId, ProtocolVersion>,
    /// Connections that were sent something after their Close.
    pub late: Vec<ConnId>,
}

impl Net {
    pub fn new(f: impl FnOnce(&mut BrokerOptions)) -> Self {
        let mut opts = BrokerOptions::default();
        f(&mut opts);
        let now = Instant::from_millis(0);
        let mut net = Net {
            broker: Broker::new(opts, now),
            now,
            deadline: NEVER,
            sent: BTreeMap::new(),
            closed: Vec::new(),
            events: Vec::new(),
            versions: BTreeMap::new(),
            late: Vec::new(),
        };
        net.drain();
        net
    }

    pub fn drain(&mut self) {
        loop {
            match self.broker.poll_output(self.now) {
                Output::Transmit { conn, bytes } => {
                    if self.closed.contains(&conn) {
                        self.late.push(conn);
                    }
                    self.sent.entry(conn).or_default().push(bytes)
                }
                Output::Close(c) => self.closed.push(c),
                Output::Event(Event::Packet { .. }) => {}
                Output::Event(e) => self.events.push(e),
                Output::Timeout(at) => {
                    self.deadline = at;
                    return;
                }
            }
        }
    }

    /// Opens connection `id`.
    pub fn open(&mut self, id: u64) -> ConnId {
        let c = ConnId(id);
        self.broker.accept(c, self.now).unwrap();
        self.drain();
        c
    }

    pub fn feed(&mut self, c: ConnId, bytes: &[u8]) {
        self.broker.handle_bytes(c, self.now, bytes);
        self.drain();
    }

    /// Sends `packet` from `c`, encoded in its version.
    pub fn send(&mut self, c: ConnId, packet: Packet<'_>) {
        let v = self.version(c);
        self.feed(c, &enc(v, packet));
    }

    /// What `c` was sent since the last call.
    pub fn take(&mut self, c: ConnId) -> Vec<Vec<u8>> {
        self.sent.remove(&c).unwrap_or_default()
    }

    /// What `c` was sent since the last call, decoded.
    pub fn packets(&mut self, c: ConnId) -> Vec<Packet<'static>> {
        let v = self.version(c);
        self.take(c).iter().map(|b| dec(v, b)).collect()
    }

    /// The events since the last call.
    pub fn events(&mut self) -> Vec<Event> {
        std::mem::take(&mut self.events)
    }

    pub fn version(&self, c: ConnId) -> ProtocolVersion {
        self.versions.get(&c).copied().unwrap_or(V4)
    }

    pub fn is_closed(&self, c: ConnId) -> bool {
        self.closed.contains(&c)
    }

    /// Jumps to the next deadline and fires it.
    pub fn advance(&mut self) {
        assert_ne!(self.deadline, NEVER, "no timer armed");
        self.now = self.deadline;
        self.broker.handle_timeout(self.now);
        self.drain();
    }

    pub fn sleep(&mut self, ms: u64) {
        self.now = self.now + Duration::from_millis(ms);
        self.broker.handle_timeout(self.now);
        self.drain();
    }

    /// Opens connection `id` and connects `client_id` in `v`, shaped by `f`; returns the
    /// CONNACK, which is taken.
    pub fn connect_with(
        &mut self,
        id: u64,
        v: ProtocolVersion,
        client_id: &str,
        f: impl FnOnce(&mut Connect<'static>),
    ) -> (ConnId, Packet<'static>) {
        let c = self.open(id);
        self.versions.insert(c, v);
        let mut connect = Connect::new(v, client_id.to_owned());
        connect.keep_alive = 0;
        f(&mut connect);
        self.send(c, Packet::Connect(Box::new(connect)));
        let mut sent = self.packets(c);
        assert!(!sent.is_empty(), "no CONNACK");
        let ack = sent.remove(0);
        if !sent.is_empty() {
            // Resent packets after a resumed session: put them back.
            let v = self.version(c);
            let rest = sent.into_iter().map(|p| enc(v, p)).collect();
            self.sent.insert(c, rest);
        }
        (c, ack)
    }

    /// A connected client with a clean session.
    pub fn connect(&mut self, id: u64, v: ProtocolVersion, client_id: &str) -> ConnId {
        let (c, ack) = self.connect_with(id, v, client_id, |_| {});
        assert!(
            matches!(ack, Packet::ConnAck(ref a) if a.reason == ReasonCode::Success),
            "{ack:?}"
        );
        c
    }

    /// Subscribes `c` to `filter` at `qos` and checks the SUBACK grants it.
    pub fn subscribe(&mut self, c: ConnId, filter: &str, qos: QoS) {
        self.send(c, subscribe(1, &[(filter, qos)]));
        let acks = self.packets(c);
        assert!(
            matches!(&acks[..], [Packet::SubAck(a)] if !a.reason_codes[0].is_error()),
            "{acks:?}"
        );
    }

    /// Publishes from `c` and takes its acknowledgement.
    pub fn publish(&mut self, c: ConnId, topic: &str, payload: &[u8], qos: QosPid) {
        self.send(c, publish(topic, payload, qos));
        self.take(c);
    }
}

pub(crate) fn enc(v: ProtocolVersion, p: Packet<'_>) -> Vec<u8> {
    let mut out = Vec::new();
    p.encode(v, &mut out).unwrap();
    out
}

pub(crate) fn dec(v: ProtocolVersion, bytes: &[u8]) -> Packet<'static> {
    Packet::decode_exact(bytes, v).unwrap().into_owned()
}

pub(crate) fn pid(n: u16) -> PacketId {
    PacketId::new(n).unwrap()
}

pub(crate) fn q1(n: u16) -> QosPid {
    QosPid::AtLeastOnce(pid(n))
}

pub(crate) fn q2(n: u16) -> QosPid {
    QosPid::ExactlyOnce(pid(n))
}

pub(crate) fn publish(topic: &str, payload: &[u8], qos: QosPid) -> Packet<'static> {
    let mut p = Publish::new(topic.to_owned(), payload.to_vec());
    p.qos_pid = qos;
    Packet::Publish(p)
}

pub(crate) fn subscribe(id: u16, filters: &[(&str, QoS)]) -> Packet<'static> {
    Packet::Subscribe(Subscribe {
        packet_id: pid(id),
        properties: Default::default(),
        subscriptions: filters
            .iter()
            .map(|(f, q)| Subscription::new(f.to_string(), *q))
            .collect(),
    })
}

pub(crate) fn unsubscribe(id: u16, filters: &[&str]) -> Packet<'static> {
    Packet::Unsubscribe(Unsubscribe {
        packet_id: pid(id),
        properties: Default::default(),
        filters: filters.iter().map(|f| f.to_string().into()).collect(),
    })
}

pub(crate) fn ack(id: u16) -> Ack<'static> {
    Ack::new(pid(id))
}

pub(crate) fn disconnect(reason: ReasonCode) -> Packet<'static> {
    Packet::Disconnect(Disconnect::new(reason))
}

/// The PUBLISH packets among `packets`, as (topic, payload, qos_pid, retain, dup).
pub(crate) fn publishes(packets: &[Packet<'_>]) -> Vec<(String, Vec<u8>, QosPid, bool, bool)> {
    packets
        .iter()
        .filter_map(|p| match p {
            Packet::Publish(p) => Some((
                p.topic.to_string(),
                p.payload.to_vec(),
                p.qos_pid,
                p.retain,
                p.dup,
            )),
            _ => None,
        })
        .collect()
}

pub(crate) fn violation(events: &[Event]) -> Option<(Option<usize>, &'static str)> {
    events.iter().find_map(|e| match e {
        Event::ProtocolViolation { offset, rule, .. } => Some((*offset, *rule)),
        _ => None,
    })
}

pub(crate) fn nz16(n: u16) -> NonZeroU16 {
    NonZeroU16::new(n).unwrap()
}

pub(crate) fn nz32(n: u32) -> NonZeroU32 {
    NonZeroU32::new(n).unwrap()
}
