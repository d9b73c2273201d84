//! What the watching panes get: every packet the broker receives and sends (at the end
//! of each input), a log of what happened, and the broker's state when it changed (at
//! most every [`STATE_EVERY`], so that a flood of packets does not rebuild it per
//! packet).

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use mqttscope_broker::{ClientInfo, ConnId, DisconnectCause, DropReason, Event, SessionInfo};
use mqttscope_proto::client::Instant;
use mqttscope_proto::codec::PacketType;

use crate::gate::Way;
use crate::hub::{PacketRecord, Peer, PortId, Sandbox, ToPage};
use crate::monitor::{
    preview, ClientView, DeviceView, Faults, HeldView, LogLine, RetainedView, SessionView, State,
    SubscriptionView, Update,
};

/// The shortest time between two states sent to the panes.
pub const STATE_EVERY: Duration = Duration::from_millis(250);
/// The most held packets a state lists (the first ones: those that go next).
pub const MAX_HELD_SHOWN: usize = 100;
/// The most log lines one update carries; older ones are summed up in one line.
const MAX_LOG_LINES: usize = 500;

/// The watching panes and what is gathered for them.
#[derive(Debug, Default)]
pub(crate) struct Watch {
    ports: BTreeSet<PortId>,
    /// Ports that have not had a state yet: they get one at once.
    fresh: BTreeSet<PortId>,
    log: Vec<LogLine>,
    log_cut: usize,
    packets: Vec<PacketRecord>,
    notices: BTreeMap<PortId, String>,
    dirty: bool,
    last_state: Option<Instant>,
    due: Option<Instant>,
}

impl Watch {
    /// `port` starts or stops watching.
    pub(crate) fn set(&mut self, port: PortId, on: bool) {
        if on {
            self.ports.insert(port);
            self.fresh.insert(port);
        } else {
            self.unwatch(port);
        }
    }

    /// `port` is gone.
    pub(crate) fn unwatch(&mut self, port: PortId) {
        self.ports.remove(&port);
        self.fresh.remove(&port);
        self.notices.remove(&port);
    }

    /// The broker's state may have changed.
    pub(crate) fn changed(&mut self) {
        self.dirty = true;
    }

    /// The state goes out with the next flush, however recent the last one: the answer
    /// to a pane's command.
    pub(crate) fn now(&mut self) {
        self.dirty = true;
        self.fresh.extend(self.ports.iter().copied());
    }

    /// The answer to `port`'s command.
    pub(crate) fn notice(&mut self, port: PortId, text: String) {
        self.notices.insert(port, text);
    }

    /// When a held-back state is due.
    pub(crate) fn deadline(&self) -> Option<Instant> {
        self.due
    }

    fn push_log(&mut self, line: LogLine) {
        if self.ports.is_empty() {
            return;
        }
        if self.log.len() == MAX_LOG_LINES {
            self.log.remove(0);
            self.log_cut += 1;
        }
        self.log.push(line);
    }
}

impl Sandbox {
    /// Records one broker event for the watching panes.
    pub(crate) fn watch_event(&mut self, event: Event, now: Instant) {
        self.watch.changed();
        if self.watch.ports.is_empty() {
            return;
        }
        match event {
            Event::Packet {
                conn,
                direction,
                at,
                bytes,
                ..
            } => self.watch.packets.push(PacketRecord {
                conn: conn.0,
                sent: direction == mqttscope_broker::Direction::Sent,
                at_ms: at.as_millis(),
                bytes,
            }),
            other => {
                if let Some(line) = describe(other, now) {
                    self.watch.push_log(line);
                }
            }
        }
    }

    /// Adds a line of the sandbox's own to the log.
    pub(crate) fn log(&mut self, now: Instant, conn: Option<ConnId>, text: &str) {
        self.watch.push_log(LogLine {
            at_ms: now.as_millis(),
            conn: conn.map(|c| c.0),
            connected: None,
            text: text.to_owned(),
        });
    }

    /// Posts what was gathered to the watching panes.
    pub(crate) fn flush_watch(&mut self, now: Instant) {
        let w = &mut self.watch;
        if w.ports.is_empty() {
            w.packets.clear();
            w.dirty = false;
            w.due = None;
            return;
        }
        let packets = std::mem::take(&mut w.packets);
        if !packets.is_empty() {
            for port in w.ports.iter() {
                let batch = packets.clone();
                self.outbox.push_back((*port, ToPage::Packets { batch }));
            }
        }
        let state = self.state_if_due(now);
        let w = &mut self.watch;
        if w.log_cut > 0 {
            let text = format!("({} older events not shown)", w.log_cut);
            w.log.insert(
                0,
                LogLine {
                    at_ms: now.as_millis(),
                    conn: None,
                    connected: None,
                    text,
                },
            );
            w.log_cut = 0;
        }
        let log = std::mem::take(&mut w.log);
        for port in w.ports.clone() {
            let notice = w.notices.remove(&port);
            if state.is_none() && log.is_empty() && notice.is_none() {
                continue;
            }
            let update = Update {
                state: state.clone(),
                log: log.clone(),
                notice,
            };
            let json = update.to_json();
            self.outbox.push_back((port, ToPage::Monitor { json }));
        }
    }

    /// The state, when it changed and [`STATE_EVERY`] has passed (or a pane is new).
    fn state_if_due(&mut self, now: Instant) -> Option<State> {
        let w = &mut self.watch;
        let due = w.last_state.map_or(now, |t| t + STATE_EVERY);
        if !(w.dirty && due <= now) && w.fresh.is_empty() {
            w.due = w.dirty.then_some(due);
            return None;
        }
        w.dirty = false;
        w.due = None;
        w.fresh.clear();
        w.last_state = Some(now);
        Some(self.state())
    }

    /// The broker's state as the panes show it.
    pub fn state(&self) -> State {
        let stalled: BTreeSet<ConnId> = self.gate.stalled().collect();
        let clients = self
            .broker
            .clients()
            .into_iter()
            .map(|c| self.client_view(c, &stalled))
            .collect();
        let offline = self
            .broker
            .sessions()
            .into_iter()
            .filter(|s| s.conn.is_none())
            .map(session_view)
            .collect();
        let retained = self
            .broker
            .retained()
            .into_iter()
            .map(|r| RetainedView {
                size: r.payload.len(),
                qos: r.qos as u8,
                preview: preview(&r.payload),
                topic: r.topic,
            })
            .collect();
        State {
            clients,
            offline,
            retained,
            cleared: self.cleared.iter().map(|r| r.topic.clone()).collect(),
            devices: self.device_views(),
            faults: self.faults(),
            held_total: self.gate.held_count(),
            held: self.held_views(),
        }
    }

    fn client_view(&self, c: ClientInfo, stalled: &BTreeSet<ConnId>) -> ClientView {
        let peer = match self.peers.get(&c.conn) {
            Some(Peer::Device(_)) => "device",
            _ => "page",
        };
        ClientView {
            conn: c.conn.0,
            peer: peer.to_owned(),
            level: c.version.level(),
            keep_alive: c.keep_alive,
            receive_maximum: c.receive_maximum,
            maximum_packet_size: c.maximum_packet_size,
            topic_alias_maximum: c.topic_alias_maximum,
            aliases_in: c.aliases_in,
            aliases_out: c.aliases_out,
            has_will: c.has_will,
            stalled: stalled.contains(&c.conn),
            session: session_view(c.session),
        }
    }

    fn device_views(&self) -> Vec<DeviceView> {
        self.devices
            .iter()
            .map(|d| DeviceView {
                client_id: d.client_id().to_owned(),
                conn: d.conn().map(|c| c.0),
                paused: d.paused(),
            })
            .collect()
    }

    fn faults(&self) -> Faults {
        Faults {
            step: self.gate.step(),
            delay_ms: self.gate.delay().as_millis() as u32,
            refuse_connect: self.broker.next_connect_refusal().map(|r| r as u8),
            refuse_subscription: self.broker.next_subscription_refusal().map(|r| r as u8),
        }
    }

    fn held_views(&self) -> Vec<HeldView> {
        self.gate
            .held()
            .into_iter()
            .take(MAX_HELD_SHOWN)
            .map(|h| HeldView {
                id: h.id,
                conn: h.conn.0,
                to_broker: h.way == Way::ToBroker,
                bytes: h.bytes,
            })
            .collect()
    }
}

fn session_view(s: SessionInfo) -> SessionView {
    let subscriptions = s
        .subscriptions
        .into_iter()
        .map(|sub| SubscriptionView {
            filter: sub.filter,
            qos: sub.options.qos as u8,
            no_local: sub.options.no_local,
            retain_as_published: sub.options.retain_as_published,
            retain_handling: sub.options.retain_handling as u8,
            identifier: sub.identifier.map(|n| n.get()),
        })
        .collect();
    SessionView {
        client_id: s.client_id,
        expiry: s.expiry_interval,
        subscriptions,
        in_flight: s.in_flight,
        queued: s.queued,
        inbound_qos2: s.inbound_qos2,
        dropped: s.dropped,
    }
}

/// A log line for `event` (none for routine routing).
fn describe(event: Event, now: Instant) -> Option<LogLine> {
    let line = |conn: Option<ConnId>, text: String| LogLine {
        at_ms: now.as_millis(),
        conn: conn.map(|c| c.0),
        connected: None,
        text,
    };
    Some(match event {
        Event::ClientConnected {
            conn,
            client_id,
            version,
            session_present,
        } => {
            let resumed = if session_present {
                ", session resumed"
            } else {
                ""
            };
            let mut l = line(
                Some(conn),
                format!("{client_id} connected (MQTT {version}){resumed}"),
            );
            l.connected = Some((client_id, version.level()));
            l
        }
        Event::ClientDisconnected {
            conn,
            client_id,
            cause,
        } => {
            let who = client_id.unwrap_or_else(|| format!("connection {}", conn.0));
            line(
                Some(conn),
                format!("{who} disconnected: {}", cause_text(&cause)),
            )
        }
        Event::SessionCreated { client_id } => line(None, format!("session {client_id} created")),
        Event::SessionResumed { client_id } => line(None, format!("session {client_id} resumed")),
        Event::SessionExpired { client_id } => line(None, format!("session {client_id} ended")),
        Event::MessageDropped {
            client_id,
            topic,
            reason,
        } => line(
            None,
            format!(
                "a message on {topic} dropped for {client_id}: {}",
                drop_text(&reason)
            ),
        ),
        Event::WillPublished { client_id, topic } => line(
            None,
            format!("the will of {client_id} published on {topic}"),
        ),
        Event::ProtocolViolation {
            conn,
            offset,
            rule,
            detail,
        } => {
            let at = offset.map(|o| format!(" at byte {o}")).unwrap_or_default();
            line(
                Some(conn),
                format!("protocol violation [{rule}]{at}: {detail}"),
            )
        }
        _ => return None,
    })
}

fn cause_text(cause: &DisconnectCause) -> String {
    let code = |r: &mqttscope_proto::ReasonCode| {
        format!("0x{:02X} {}", *r as u8, r.name_in(PacketType::Disconnect))
    };
    match cause {
        DisconnectCause::ClientDisconnect(r) => format!("DISCONNECT {}", code(r)),
        DisconnectCause::TransportClosed => "the connection closed without DISCONNECT".into(),
        DisconnectCause::KeepAliveTimeout => {
            "nothing arrived for 1.5 times the keep alive [MQTT-3.1.2-22]".into()
        }
        DisconnectCause::ConnectTimeout => "no CONNECT arrived in time".into(),
        DisconnectCause::ProtocolError(r) => format!("protocol error, {}", code(r)),
        DisconnectCause::Refused(r) => {
            format!("CONNECT refused, 0x{:02X} {}", *r as u8, r.name())
        }
        DisconnectCause::TakenOver => "another connection took over its session".into(),
        DisconnectCause::Administrative(r) => format!("disconnected by the broker, {}", code(r)),
        _ => format!("{cause:?}"),
    }
}

fn drop_text(reason: &DropReason) -> String {
    match reason {
        DropReason::QueueFull => "its queue is full".into(),
        DropReason::TooLarge { size, max } => {
            format!("{size} bytes is over its Maximum Packet Size {max} [MQTT-3.1.2-25]")
        }
        DropReason::Expired => "its Message Expiry Interval passed".into(),
        DropReason::RetainedStoreFull => "the retained store is full".into(),
        DropReason::TopicRefused => "the topic is over the length or depth limit".into(),
        _ => format!("{reason:?}"),
    }
}
