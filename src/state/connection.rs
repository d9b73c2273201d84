//! One connection of the workspace: its settings, its reactive status, and its live data
//! (messages, packets, topic tree) kept outside the reactive graph.
//!
//! The live data changes thousands of times a second under load, so it is not a signal:
//! it sits in a non-reactive cell and a single `tick` signal is bumped at most once per
//! animation frame when something changed. Views read `tick` and then borrow the data.

use std::sync::Arc;
use std::time::Duration;

use leptos::prelude::*;
use mqttscope_proto::codec::{QoS, ReasonCode};

use crate::doctor::Diagnosis;
use crate::driver::Link;
use crate::model::message::{MessageRow, PacketRow};
use crate::model::ring::{Ring, DEFAULT_CAPACITY};
use crate::model::topic_tree::TopicTree;
use crate::state::kept::KeptSession;
use crate::state::publish::{LostPublish, PublishDraft};
use crate::state::settings::ConnectionSettings;

/// Where a connection stands, as shown in the list.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum ConnStatus {
    /// Not connected, and not trying.
    #[default]
    Offline,
    /// Opening the WebSocket (attempt number).
    Opening(u32),
    /// WebSocket open, CONNECT sent.
    Connecting,
    /// CONNACK accepted the connection.
    Connected {
        /// The server resumed a session.
        session_present: bool,
    },
    /// The connection ended; the core will retry.
    Reconnecting,
    /// The connection failed or ended (the reason, in words).
    Failed(String),
}

impl ConnStatus {
    /// A short label.
    pub fn label(&self) -> String {
        match self {
            Self::Offline => "offline".to_owned(),
            Self::Opening(1) => "opening WebSocket".to_owned(),
            Self::Opening(n) => format!("reconnecting (try {n})"),
            Self::Connecting => "waiting for CONNACK".to_owned(),
            Self::Connected { .. } => "connected".to_owned(),
            Self::Reconnecting => "connection lost, will retry".to_owned(),
            Self::Failed(why) => why.clone(),
        }
    }

    /// The CSS class naming the state.
    pub fn class(&self) -> &'static str {
        match self {
            Self::Offline => "st-offline",
            Self::Opening(_) | Self::Connecting | Self::Reconnecting => "st-busy",
            Self::Connected { .. } => "st-ok",
            Self::Failed(_) => "st-failed",
        }
    }

    /// Whether the link is up or trying to be.
    pub fn is_active(&self) -> bool {
        !matches!(self, Self::Offline | Self::Failed(_))
    }
}

/// The shortest time between two redraws of a connection's views, in milliseconds.
pub const MIN_REDRAW_MS: f64 = 100.0;

/// Bumps `conn.tick` on the first animation frame at least [`MIN_REDRAW_MS`] after the
/// previous bump. The wait before that frame is a timeout, not a chain of animation
/// frames: a frame requested while nothing changes still makes the browser produce one,
/// which under a flood took CPU from the page for nothing.
fn schedule_redraw(conn: Conn) {
    let last = conn.data.with_value(|d| d.last_redraw);
    let wait = MIN_REDRAW_MS - (crate::clock::monotonic_ms() - last);
    if wait > 0.0 {
        set_timeout(
            move || request_animation_frame(move || redraw(conn)),
            Duration::from_millis(wait.ceil() as u64),
        );
    } else {
        request_animation_frame(move || redraw(conn));
    }
}

fn redraw(conn: Conn) {
    if conn.tick.is_disposed() {
        return;
    }
    let now = crate::clock::monotonic_ms();
    conn.data.update_value(|d| {
        d.tick_pending = false;
        d.last_redraw = now;
    });
    conn.tick.update(|t| *t += 1);
}

/// What the broker said about one subscription.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SubStatus {
    /// SUBSCRIBE sent, no SUBACK yet (or not connected).
    Pending,
    /// Granted at this QoS.
    Granted(QoS),
    /// Refused with this reason.
    Refused(ReasonCode),
}

/// One subscription the user added.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubscriptionEntry {
    /// Unique in the connection.
    pub id: u32,
    /// The topic filter.
    pub filter: String,
    /// Requested QoS.
    pub qos: QoS,
    /// No Local (MQTT 5).
    pub no_local: bool,
    /// Retain As Published (MQTT 5).
    pub retain_as_published: bool,
    /// Retain Handling 0, 1 or 2 (MQTT 5).
    pub retain_handling: u8,
    /// Subscription Identifier (MQTT 5), if any.
    pub identifier: Option<u32>,
    /// Colour index for its messages.
    pub colour: u8,
    /// A name shown instead of the filter ("" for none).
    pub alias: String,
    /// The broker's answer.
    pub status: SubStatus,
}

impl SubscriptionEntry {
    /// A subscription to `filter` at QoS 0 with every option off, not yet sent.
    pub fn new(filter: impl Into<String>) -> Self {
        SubscriptionEntry {
            id: 0,
            filter: filter.into(),
            qos: QoS::AtMostOnce,
            no_local: false,
            retain_as_published: false,
            retain_handling: 0,
            identifier: None,
            colour: 0,
            alias: String::new(),
            status: SubStatus::Pending,
        }
    }
}

/// The live data of a connection (not reactive; see the module docs).
pub struct ConnData {
    /// Messages received and sent.
    pub messages: Ring<MessageRow>,
    /// Control packets in both directions.
    pub packets: Ring<PacketRow>,
    /// Topics seen.
    pub tree: TopicTree,
    /// The next message row id.
    pub next_message: u64,
    /// The next packet row id.
    pub next_packet: u64,
    /// A redraw is scheduled.
    pub tick_pending: bool,
    /// When the views were last redrawn (`performance.now()` ms).
    pub last_redraw: f64,
    /// The driver, while a connection is open or being retried.
    pub link: Option<Link>,
    /// The client of the last link closed by hand, with its session, for the next
    /// connection to continue.
    pub kept: Option<KeptSession>,
    /// The most bytes the messages, packets and topic tree may hold together.
    pub budget: usize,
    /// The buffer of the last PUBLISH received, for its message row to share.
    pub last_publish: Option<Arc<[u8]>>,
}

impl ConnData {
    /// Adds a message row, within the budget.
    pub fn push_message(&mut self, row: MessageRow) {
        let weight = row.weight();
        self.messages.push_weighed(row, weight);
        self.keep_within_budget();
    }

    /// Adds a packet row, within the budget.
    pub fn push_packet(&mut self, row: PacketRow) {
        let weight = row.weight();
        self.packets.push_weighed(row, weight);
        self.keep_within_budget();
    }

    /// The bytes held: messages, packets and the topic tree.
    pub fn bytes(&self) -> usize {
        self.messages.bytes() + self.packets.bytes() + self.tree.bytes()
    }

    /// Evicts the oldest rows, messages or packets, whichever came first, until what is
    /// held fits the budget (each eviction is counted in its list).
    fn keep_within_budget(&mut self) {
        while self.bytes() > self.budget {
            let message = self.messages.front().map(|m| m.at_ms);
            let packet = self.packets.front().map(|p| p.at_ms);
            let evicted = match (message, packet) {
                (Some(m), Some(p)) if m < p => self.messages.evict_oldest().is_some(),
                (_, Some(_)) => self.packets.evict_oldest().is_some(),
                (Some(_), None) => self.messages.evict_oldest().is_some(),
                (None, None) => false,
            };
            if !evicted {
                return;
            }
        }
    }
}

/// The default budget of a connection's live data: 64 MiB.
pub const DEFAULT_BUDGET: usize = 64 << 20;

impl Default for ConnData {
    fn default() -> Self {
        ConnData {
            messages: Ring::new(DEFAULT_CAPACITY),
            packets: Ring::new(DEFAULT_CAPACITY),
            tree: TopicTree::default(),
            next_message: 1,
            next_packet: 1,
            tick_pending: false,
            last_redraw: f64::NEG_INFINITY,
            link: None,
            kept: None,
            budget: DEFAULT_BUDGET,
            last_publish: None,
        }
    }
}

/// A connection in the workspace: handles to its reactive parts and its data. `Copy`, so
/// components can take it by value.
#[derive(Clone, Copy)]
pub struct Conn {
    /// Unique in the workspace.
    pub id: u32,
    /// The settings the connect form edits.
    pub settings: RwSignal<ConnectionSettings>,
    /// The status.
    pub status: RwSignal<ConnStatus>,
    /// The doctor's explanation of the last failure.
    pub diagnosis: RwSignal<Option<Diagnosis>>,
    /// The subscriptions.
    pub subscriptions: RwSignal<Vec<SubscriptionEntry>>,
    /// Bumped (at most once per frame) when [`Conn::data`] changed.
    pub tick: RwSignal<u64>,
    /// What was published, newest first.
    pub history: RwSignal<Vec<PublishDraft>>,
    /// QoS 1/2 messages that were in flight when the broker lost the session, until the
    /// user publishes them again or dismisses them.
    pub lost: RwSignal<Vec<LostPublish>>,
    /// The live data.
    pub data: StoredValue<ConnData, LocalStorage>,
}

impl Conn {
    /// A new, offline connection with `settings`.
    pub fn new(id: u32, settings: ConnectionSettings) -> Conn {
        Conn {
            id,
            settings: RwSignal::new(settings),
            status: RwSignal::new(ConnStatus::Offline),
            diagnosis: RwSignal::new(None),
            subscriptions: RwSignal::new(Vec::new()),
            tick: RwSignal::new(0),
            history: RwSignal::new(Vec::new()),
            lost: RwSignal::new(Vec::new()),
            data: StoredValue::new_local(ConnData::default()),
        }
    }

    /// Reads the live data, tracking [`Conn::tick`]: a view or memo that reads through
    /// here is drawn again when the data changes (reading [`Conn::data`] directly, it
    /// would not be). Event handlers that only look read `data` untracked.
    pub fn with_data<R>(&self, f: impl FnOnce(&ConnData) -> R) -> R {
        self.tick.track();
        self.data.with_value(f)
    }

    /// The driver, if connected or trying.
    pub fn link(&self) -> Option<Link> {
        self.data.with_value(|d| d.link.clone())
    }

    /// Marks the data changed: views update on an animation frame at most every
    /// [`MIN_REDRAW_MS`] (in a hidden tab, when it is shown again). Under a flood of
    /// thousands of messages a second this keeps drawing to a few frames' work a second
    /// while every message is still counted and stored as it arrives.
    pub fn touch(&self) {
        let first = self
            .data
            .try_update_value(|d| !std::mem::replace(&mut d.tick_pending, true));
        if first == Some(true) {
            schedule_redraw(*self);
        }
    }

    /// Frees the reactive parts (after the connection was removed).
    pub fn dispose(self) {
        self.data.update_value(|d| d.link = None);
        self.settings.dispose();
        self.status.dispose();
        self.diagnosis.dispose();
        self.subscriptions.dispose();
        self.tick.dispose();
        self.history.dispose();
        self.lost.dispose();
        self.data.dispose();
    }
}

#[cfg(test)]
mod tests {
    use mqttscope_proto::codec::{PacketType, Publish};

    use super::*;
    use crate::model::message::{message_sharing, Direction, PacketKind, Payload};

    /// A received PUBLISH of `size` payload bytes at `at_ms`: its packet row and its
    /// message row, sharing one buffer.
    fn publish(d: &mut ConnData, size: usize, at_ms: f64) {
        let bytes: Arc<[u8]> = Arc::from(vec![0x55; size + 4]);
        let p = Publish::new("t", vec![0x55; size]);
        let payload = Payload::tail(Arc::clone(&bytes), 4);
        let packet = PacketRow {
            id: d.next_packet,
            direction: Direction::In,
            at_ms,
            bytes,
            kind: PacketKind::Packet(PacketType::Publish),
            frame_ends: Vec::new(),
            violation: None,
        };
        d.next_packet += 1;
        d.push_packet(packet);
        d.push_message(message_sharing(
            &p,
            payload,
            at_ms as u64,
            Direction::In,
            at_ms,
        ));
    }

    #[test]
    fn a_flood_of_big_payloads_stays_within_the_budget_and_evictions_are_counted() {
        let mut d = ConnData {
            budget: 16 << 20,
            ..ConnData::default()
        };
        for i in 0..100 {
            publish(&mut d, 1 << 20, f64::from(i));
            assert!(d.bytes() <= d.budget, "{} after {i}", d.bytes());
        }
        // Each payload is held once by both rows and counted by both: 15 of the newest
        // rows fit (on a tie the packet row goes first).
        assert_eq!((d.messages.len(), d.packets.len()), (8, 7));
        assert_eq!((d.messages.evicted(), d.packets.evicted()), (92, 93));
        assert_eq!(d.messages.back().map(|m| m.at_ms), Some(99.0));
        let (m, p) = (d.messages.back().unwrap(), d.packets.back().unwrap());
        assert!(
            Arc::ptr_eq(m.payload.buffer(), &p.bytes),
            "one buffer for both"
        );
    }

    #[test]
    fn a_payload_bigger_than_the_budget_is_not_kept() {
        let mut d = ConnData {
            budget: 1 << 20,
            ..ConnData::default()
        };
        publish(&mut d, 2 << 20, 0.0);
        assert_eq!((d.messages.len(), d.packets.len(), d.bytes()), (0, 0, 0));
        assert_eq!(d.messages.evicted() + d.packets.evicted(), 2);
    }
}
