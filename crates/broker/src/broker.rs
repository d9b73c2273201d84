//! The [`Broker`]: its state, its inputs and its output queue. Packet handling lives in
//! the sibling modules (`connect`, `publish`, `deliver`, `subscribe`, `will`).

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::time::Duration;

use mqttscope_proto::client::Instant;
use mqttscope_proto::codec::{DecodeError, Will};
use mqttscope_proto::{Packet, ProtocolVersion, ReasonCode};

use crate::conn::{Conn, ConnState};
use crate::event::{Direction, DisconnectCause, Event, Output};
use crate::retained::Retained;
use crate::session::Session;
use crate::timers::{TimerKey, Timers};
use crate::topic_tree::TopicTree;
use crate::{BrokerError, BrokerOptions, ConnId};

/// What happens to a connection's will when it closes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum WillAction {
    /// Dropped unpublished (DISCONNECT 0x00) [MQTT-3.14.4-3].
    Discard,
    /// Published now or after its delay [MQTT-3.1.2-8].
    Publish,
}

/// The sans-IO MQTT broker. See the crate documentation for the run loop.
#[derive(Debug)]
pub struct Broker {
    pub(crate) opts: BrokerOptions,
    pub(crate) conns: BTreeMap<ConnId, Conn>,
    pub(crate) sessions: BTreeMap<String, Session>,
    pub(crate) tree: TopicTree,
    pub(crate) retained: Retained,
    /// Wills waiting for their delay, by client id.
    pub(crate) wills: BTreeMap<String, Will<'static>>,
    pub(crate) timers: Timers,
    pub(crate) out: VecDeque<Output>,
    /// Counter behind assigned client ids.
    pub(crate) next_assigned: u64,
    /// Round-robin position per shared subscription filter.
    pub(crate) share_cursor: HashMap<String, usize>,
    /// One-shot refusals armed by the operator.
    pub(crate) admin: crate::admin::Admin,
    /// SCRAM's server nonces, from the driver's entropy.
    pub(crate) nonces: crate::scram::Nonces,
}

impl Broker {
    /// A broker with no connections and no sessions.
    pub fn new(opts: BrokerOptions, _now: Instant) -> Self {
        Broker {
            opts,
            conns: BTreeMap::new(),
            sessions: BTreeMap::new(),
            tree: TopicTree::default(),
            retained: Retained::default(),
            wills: BTreeMap::new(),
            timers: Timers::default(),
            out: VecDeque::new(),
            next_assigned: 0,
            share_cursor: HashMap::new(),
            admin: Default::default(),
            nonces: Default::default(),
        }
    }

    // ---- inputs ----

    /// A transport opened with id `conn` (chosen by the driver, unique among open ones).
    /// Refused past [`BrokerOptions::max_connections`]: the driver closes the transport.
    pub fn accept(&mut self, conn: ConnId, now: Instant) -> Result<(), BrokerError> {
        if self.conns.contains_key(&conn) {
            return Err(BrokerError::ConnectionExists(conn));
        }
        if self.conns.len() >= self.opts.max_connections {
            return Err(BrokerError::TooManyConnections {
                max: self.opts.max_connections,
            });
        }
        self.conns
            .insert(conn, Conn::new(self.opts.max_packet_size));
        let deadline = now + self.opts.connect_timeout;
        self.timers.set(TimerKey::Connect(conn), Some(deadline));
        Ok(())
    }

    /// Bytes received on `conn`, in any framing. Bytes for an unknown (or closed)
    /// connection are ignored [MQTT-3.1.4-6].
    pub fn handle_bytes(&mut self, conn: ConnId, now: Instant, bytes: &[u8]) {
        let mut chunk = bytes;
        loop {
            let Some(c) = self.conns.get_mut(&conn) else {
                return;
            };
            // One packet at a time: CONNECT changes how the packets after it are framed.
            let next = c
                .framer
                .feed(chunk)
                .next_frame()
                .map(|f| f.map(<[u8]>::to_vec));
            chunk = &[];
            match next {
                Ok(Some(frame)) => self.handle_frame(conn, now, frame),
                Ok(None) => return,
                Err(e) => return self.decode_failed(conn, now, e),
            }
        }
    }

    /// The transport of `conn` closed (without the broker asking).
    pub fn handle_closed(&mut self, conn: ConnId, now: Instant) {
        let cause = DisconnectCause::TransportClosed;
        self.close(conn, now, cause, None, WillAction::Publish);
    }

    /// Fires whatever timers are due. Calling it early, or twice, does nothing.
    pub fn handle_timeout(&mut self, now: Instant) {
        while let Some(key) = self.timers.pop_due(now) {
            self.on_timer(key, now);
        }
    }

    /// The next output. Drain until [`Output::Timeout`].
    pub fn poll_output(&mut self, _now: Instant) -> Output {
        self.out
            .pop_front()
            .unwrap_or_else(|| Output::Timeout(self.timers.next()))
    }

    // ---- internals ----

    fn on_timer(&mut self, key: TimerKey, now: Instant) {
        match key {
            TimerKey::Connect(conn) => {
                let cause = DisconnectCause::ConnectTimeout;
                self.close(conn, now, cause, None, WillAction::Discard);
            }
            TimerKey::KeepAlive(conn) => {
                // [MQTT-3.1.2-22] (MQTT 3.1.1: [MQTT-3.1.2-24]): no DISCONNECT in MQTT 3.
                let (cause, reason) = (
                    DisconnectCause::KeepAliveTimeout,
                    ReasonCode::KeepAliveTimeout,
                );
                self.close(conn, now, cause, Some(reason), WillAction::Publish);
            }
            TimerKey::Session(client) => self.expire_session(&client, now),
            TimerKey::Will(client) => self.publish_pending_will(&client, now),
        }
    }

    /// One complete packet from `conn`.
    fn handle_frame(&mut self, conn: ConnId, now: Instant, frame: Vec<u8>) {
        let Some(c) = self.conns.get(&conn) else {
            return;
        };
        let (version, keep_alive) = (c.version, c.keep_alive);
        let packet = match decode(&frame, version) {
            Ok(p) => p,
            Err(e) => return self.decode_failed(conn, now, e),
        };
        if keep_alive > 0 {
            let limit = Duration::from_millis(u64::from(keep_alive) * 1500);
            self.timers
                .set(TimerKey::KeepAlive(conn), Some(now + limit));
        }
        let mark = self.out.len();
        self.dispatch(conn, now, &packet);
        let event = Event::Packet {
            conn,
            direction: Direction::Received,
            at: now,
            packet: packet.into_owned(),
            bytes: frame,
        };
        // Reported before what it caused.
        self.out
            .insert(mark.min(self.out.len()), Output::Event(event));
    }

    /// Routes one decoded packet by type and connection state.
    fn dispatch(&mut self, conn: ConnId, now: Instant, packet: &Packet<'_>) {
        let connected = self
            .conns
            .get(&conn)
            .is_some_and(|c| matches!(c.state, ConnState::Connected(_)));
        match packet {
            Packet::Connect(c) if !connected => self.handle_connect(conn, now, c),
            Packet::Auth(a) => self.handle_auth(conn, now, a),
            _ if self.authenticating(conn) => self.auth_interrupted(conn, now, packet),
            _ if !connected => {
                let detail = format!("{} before CONNECT", packet.packet_type());
                self.violation(
                    conn,
                    now,
                    None,
                    "MQTT-3.1.0-1",
                    detail,
                    ReasonCode::ProtocolError,
                );
            }
            Packet::Connect(_) => {
                let detail = "a second CONNECT".to_owned();
                self.violation(
                    conn,
                    now,
                    None,
                    "MQTT-3.1.0-2",
                    detail,
                    ReasonCode::ProtocolError,
                );
            }
            _ => self.dispatch_connected(conn, now, packet),
        }
    }

    fn dispatch_connected(&mut self, conn: ConnId, now: Instant, packet: &Packet<'_>) {
        match packet {
            Packet::Publish(p) => self.handle_publish(conn, now, p),
            Packet::PubAck(a) => self.handle_puback(conn, now, a),
            Packet::PubRec(a) => self.handle_pubrec(conn, now, a),
            Packet::PubRel(a) => self.handle_pubrel(conn, now, a),
            Packet::PubComp(a) => self.handle_pubcomp(conn, now, a),
            Packet::Subscribe(s) => self.handle_subscribe(conn, now, s),
            Packet::Unsubscribe(u) => self.handle_unsubscribe(conn, now, u),
            // [MQTT-3.12.4-1]
            Packet::PingReq => self.send(conn, now, Packet::PingResp),
            Packet::Disconnect(d) => self.handle_disconnect(conn, now, d),
            // AUTH never gets here: `dispatch` hands it to `handle_auth` in every state.
            other => {
                let detail = format!("{} is sent by servers only", other.packet_type());
                self.violation(conn, now, None, "2.1.2", detail, ReasonCode::ProtocolError);
            }
        }
    }

    /// Encodes `packet` for `conn` and queues it with its event.
    pub(crate) fn send(&mut self, conn: ConnId, now: Instant, packet: Packet<'static>) {
        let Some(c) = self.conns.get(&conn) else {
            return;
        };
        let mut bytes = Vec::new();
        // The broker builds packets from values the codec validated on the way in, so
        // encoding cannot fail; if it did, sending nothing is the safe answer.
        if packet.encode(c.version, &mut bytes).is_err() {
            debug_assert!(false, "could not encode {packet:?}");
            return;
        }
        self.out.push_back(Output::Transmit {
            conn,
            bytes: bytes.clone(),
        });
        self.event(Event::Packet {
            conn,
            direction: Direction::Sent,
            at: now,
            bytes,
            packet,
        });
    }

    pub(crate) fn event(&mut self, e: Event) {
        self.out.push_back(Output::Event(e));
    }
}

/// Decodes one packet in `version`. A CONNECT is decoded by the level it names, but its
/// fixed header was read by `version`'s rules: an MQTT 5 CONNECT is read again with
/// MQTT 5's (a Remaining Length in its shortest form [MQTT-1.5.5-1]).
fn decode(frame: &[u8], version: ProtocolVersion) -> Result<Packet<'_>, DecodeError> {
    let packet = Packet::decode_exact(frame, version)?;
    match &packet {
        Packet::Connect(c) if c.protocol.is_v5() && !version.is_v5() => {
            Packet::decode_exact(frame, ProtocolVersion::V5)
        }
        _ => Ok(packet),
    }
}
