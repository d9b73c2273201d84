//! The reducer of a connection's driver [`Report`]s: [`reduce`] applies one report to the
//! connection's state and returns what should follow it, an [`Effect`], for the caller to
//! run (`actions` does). It starts nothing itself: no command, no network probe, no
//! redraw, no clock or browser call (the page's facts come in a [`Page`]), so it runs in
//! native tests.

use std::sync::Arc;

use mqttscope_proto::client::{
    ClientOptions, Direction as Way, DisconnectCause, Event, PacketRecord,
};
use mqttscope_proto::codec::topic;
use mqttscope_proto::codec::{Packet, Publish};

use leptos::prelude::*;

use crate::doctor::{self, Failure, Probes, Setup};
use crate::driver::Report;
use crate::model::message::{
    message_sharing, Direction, MessageRow, PacketKind, PacketRow, Payload,
};
use crate::state::connection::{Conn, ConnData, ConnStatus, SubscriptionEntry};
use crate::state::publish::LostPublish;
use crate::state::subscriptions;

/// What a report asks for after the state changed: the reducer's only way to make
/// something happen.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Effect {
    /// The live data changed: schedule a redraw ([`Conn::touch`]).
    Redraw,
    /// CONNACK accepted the connection: subscribe to the saved subscriptions the core
    /// does not restore by itself.
    SubscribeSaved {
        /// The server resumed a session.
        session_present: bool,
    },
    /// The WebSocket handshake failed: run the doctor's network probes, then explain.
    RunDoctor {
        /// Milliseconds from the start of the handshake to its failure.
        elapsed_ms: f64,
    },
}

/// What the reducer needs to know of the page it runs in.
#[derive(Debug, Clone, Copy)]
pub struct Page {
    /// The page was loaded over https (then `ws://` is mixed content).
    pub https: bool,
    /// The wall clock, in milliseconds since the Unix epoch (a received message's time).
    pub wall_ms: fn() -> f64,
}

/// Applies one report of `conn`'s driver to its state; returns what should follow (each
/// report asks for one thing at most).
pub fn reduce(conn: Conn, report: Report, page: &Page) -> Option<Effect> {
    match report {
        Report::Opening { attempt } => {
            if attempt == 1 {
                conn.diagnosis.set(None);
            }
            conn.status.set(ConnStatus::Opening(attempt));
            None
        }
        Report::Packet {
            record,
            wall_ms,
            frame_ends,
        } => {
            on_packet(conn, record, wall_ms, frame_ends);
            Some(Effect::Redraw)
        }
        Report::Malformed { bytes, wall_ms } => {
            let row = |id| PacketRow {
                id,
                direction: Direction::In,
                at_ms: wall_ms,
                bytes: Arc::from(bytes),
                kind: PacketKind::Malformed,
                frame_ends: Vec::new(),
                violation: None,
            };
            conn.data.update_value(|d| push_packet(d, row));
            Some(Effect::Redraw)
        }
        Report::Event(event) => on_event(conn, event, page),
        Report::HandshakeFailed { elapsed_ms } => {
            conn.status
                .set(ConnStatus::Failed("cannot reach the broker".to_owned()));
            Some(Effect::RunDoctor { elapsed_ms })
        }
        Report::SubprotocolRefused { chosen } => {
            diagnose(conn, Failure::SubprotocolRefused { chosen }, page.https);
            None
        }
        Report::SocketClosed { code, reason } => {
            let was_open = true;
            let failure = Failure::Closed {
                code,
                reason,
                was_open,
            };
            diagnose(conn, failure, page.https);
            None
        }
        Report::TextFrame => {
            let failure = Failure::Violation {
                rule: "MQTT-6.0.0-1".to_owned(),
                detail: "the server sent a text WebSocket frame; MQTT uses binary frames only"
                    .to_owned(),
            };
            diagnose(conn, failure, page.https);
            None
        }
    }
}

/// Explains `failure` with the doctor, without probes (`https`: the page's).
pub fn diagnose(conn: Conn, failure: Failure, https: bool) {
    let url = conn.settings.with_untracked(|s| s.url.clone());
    let Ok(target) = doctor::precheck(&url, https) else {
        return;
    };
    let d = doctor::diagnose(&target, &failure, &Probes::default());
    conn.status.set(ConnStatus::Failed(d.title.clone()));
    conn.diagnosis.set(Some(d));
}

fn on_event(conn: Conn, event: Event, page: &Page) -> Option<Effect> {
    match event {
        Event::Connected {
            session_present, ..
        } => {
            conn.diagnosis.set(None);
            conn.status.set(ConnStatus::Connected { session_present });
            return Some(Effect::SubscribeSaved { session_present });
        }
        Event::Message(publish) => {
            on_message(conn, &publish, (page.wall_ms)());
            return Some(Effect::Redraw);
        }
        // Every SUBACK, the core's own resubscriptions' too, names its filters.
        Event::Subscribed {
            subscriptions,
            reasons,
            ..
        } => conn
            .subscriptions
            .update(|l| subscriptions::subscribed(l, &subscriptions, &reasons)),
        Event::RequestLost { request, .. } => conn
            .subscriptions
            .update(|l| subscriptions::lost(l, &request)),
        Event::Disconnected(cause) => return on_disconnected(conn, cause, page.https),
        Event::PublishLost { message, stage, .. } => {
            let id = conn
                .lost
                .with_untracked(|l| l.last().map_or(1, |p| p.id + 1));
            conn.lost
                .update(|l| l.push(LostPublish::new(id, message, stage)));
        }
        Event::Violation(e) => {
            // Not fatal (a stray acknowledgement): the row it came in says so.
            let text = e.to_string();
            conn.data.update_value(|d| flag_last_received(d, text));
            return Some(Effect::Redraw);
        }
        _ => {}
    }
    None
}

fn on_disconnected(conn: Conn, cause: DisconnectCause, https: bool) -> Option<Effect> {
    if let DisconnectCause::Local(_) = cause {
        conn.status.set(ConnStatus::Offline);
        return None;
    }
    let mut effect = None;
    if let DisconnectCause::Protocol(e) = &cause {
        let text = e.to_string();
        conn.data.update_value(|d| flag_last_received(d, text));
        effect = Some(Effect::Redraw);
    }
    // The core decides whether it tries again (not after a refusal that another try
    // cannot fix); it has scheduled that try before this report arrives.
    let (retrying, connect_timeout) = conn.link().map_or((false, None), |l| {
        l.with_client(|c| {
            (
                c.reconnect_at().is_some(),
                Some(c.options().connect_timeout),
            )
        })
    });
    // How long the core waited for CONNACK, for the doctor's words (its own setting).
    let connect_timeout = connect_timeout.unwrap_or(ClientOptions::default().connect_timeout);
    let setup = conn.settings.with_untracked(|s| Setup {
        version: s.version,
        keep_alive_s: s.keep_alive,
        connect_timeout_ms: connect_timeout.as_secs_f64() * 1000.0,
        retrying,
    });
    match Failure::from_cause(&cause, &setup) {
        Some(failure) => diagnose(conn, failure, https),
        None => conn
            .status
            .set(ConnStatus::Failed("the connection closed".to_owned())),
    }
    if retrying {
        conn.status.set(ConnStatus::Reconnecting);
    }
    effect
}

/// Marks the last received packet (or malformed frame) with the violation `text`.
fn flag_last_received(d: &mut ConnData, text: String) {
    let last = (0..d.packets.len()).rev().find(|&i| {
        d.packets
            .get(i)
            .is_some_and(|p| p.direction == Direction::In)
    });
    if let Some(row) = last.and_then(|i| d.packets.get_mut(i)) {
        row.violation = Some(text);
    }
}

fn on_packet(conn: Conn, record: PacketRecord, wall_ms: f64, frame_ends: Vec<usize>) {
    let direction = match record.direction {
        Way::Sent => Direction::Out,
        Way::Received => Direction::In,
    };
    // One buffer for the packet row and, for a PUBLISH, its message row.
    let bytes: Arc<[u8]> = Arc::from(record.bytes);
    match (&record.packet, direction) {
        (Packet::Publish(p), Direction::Out) => {
            let payload = payload_of(&bytes, p);
            on_sent_publish(conn, p, payload, wall_ms);
        }
        (Packet::Publish(_), Direction::In) => {
            // Its message row follows (Event::Message), unless it is a QoS 2 duplicate.
            let buf = Arc::clone(&bytes);
            conn.data.update_value(|d| d.last_publish = Some(buf));
        }
        _ => {}
    }
    let kind = PacketKind::Packet(record.packet.packet_type());
    let row = |id| PacketRow {
        id,
        direction,
        at_ms: wall_ms,
        bytes,
        kind,
        frame_ends,
        violation: None,
    };
    conn.data.update_value(|d| push_packet(d, row));
}

fn push_packet(d: &mut ConnData, row: impl FnOnce(u64) -> PacketRow) {
    let id = d.next_packet;
    d.next_packet += 1;
    d.push_packet(row(id));
}

/// The payload of `p`, as the tail of its packet's `bytes` (a PUBLISH payload runs to the
/// end of the packet), or a copy if the bytes do not end with it.
fn payload_of(bytes: &Arc<[u8]>, p: &Publish<'_>) -> Payload {
    if bytes.ends_with(&p.payload) {
        Payload::tail(Arc::clone(bytes), bytes.len() - p.payload.len())
    } else {
        Payload::from(&*p.payload)
    }
}

fn on_message(conn: Conn, publish: &Publish<'_>, wall_ms: f64) {
    let subscription = conn
        .subscriptions
        .with_untracked(|subs| matching_subscription(subs, publish));
    let packet = conn
        .data
        .try_update_value(|d| d.last_publish.take())
        .flatten();
    let payload = match packet {
        Some(bytes) => payload_of(&bytes, publish),
        None => Payload::from(&*publish.payload),
    };
    add_message(conn, publish, payload, Direction::In, subscription, wall_ms);
}

fn on_sent_publish(conn: Conn, publish: &Publish<'_>, payload: Payload, wall_ms: f64) {
    // A retransmission (DUP) is the same message again: shown once.
    if publish.dup {
        return;
    }
    add_message(conn, publish, payload, Direction::Out, None, wall_ms);
}

fn add_message(
    conn: Conn,
    publish: &Publish<'_>,
    payload: Payload,
    direction: Direction,
    subscription: Option<u32>,
    wall_ms: f64,
) {
    conn.data.update_value(|d| {
        let id = d.next_message;
        d.next_message += 1;
        let mut row: MessageRow = message_sharing(publish, payload, id, direction, wall_ms);
        row.subscription = subscription;
        if direction == Direction::In {
            d.tree
                .record(&row.topic, &row.payload, row.retain, row.at_ms);
        }
        d.push_message(row);
    });
}

/// The first subscription `publish` matches: by Subscription Identifier when it carries
/// one, else by filter.
fn matching_subscription(subs: &[SubscriptionEntry], publish: &Publish<'_>) -> Option<u32> {
    let carries = |i: u32| {
        publish
            .properties
            .subscription_identifiers()
            .any(|x| x.get() == i)
    };
    if let Some(sub) = subs.iter().find(|s| s.identifier.is_some_and(carries)) {
        return Some(sub.id);
    }
    subs.iter()
        .find(|s| topic::matches(topic::unshared(&s.filter), &publish.topic))
        .map(|s| s.id)
}

#[cfg(test)]
#[path = "reports_tests.rs"]
mod tests;
