//! How the driver's [`Report`]s change a connection's state.

use std::sync::Arc;

use mqttscope_proto::client::{
    ClientOptions, Direction as Way, DisconnectCause, Event, PacketRecord,
};
use mqttscope_proto::codec::topic;
use mqttscope_proto::codec::{Packet, Publish};

use leptos::prelude::*;

use crate::doctor::{self, Failure, Probes, Setup};
use crate::driver::socket::SUBPROTOCOL;
use crate::driver::{probe, Report};
use crate::model::message::{
    message_sharing, Direction, MessageRow, PacketKind, PacketRow, Payload,
};
use crate::state::connection::{Conn, ConnData, ConnStatus, SubscriptionEntry};
use crate::state::publish::LostPublish;
use crate::state::subscriptions;

/// Applies one report of `conn`'s driver.
pub fn apply(conn: Conn, report: Report) {
    match report {
        Report::Opening { attempt } => {
            if attempt == 1 {
                conn.diagnosis.set(None);
            }
            conn.status.set(ConnStatus::Opening(attempt));
        }
        Report::Packet {
            record,
            wall_ms,
            frame_ends,
        } => on_packet(conn, record, wall_ms, frame_ends),
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
            conn.touch();
        }
        Report::Event(event) => on_event(conn, event),
        Report::HandshakeFailed { elapsed_ms } => {
            conn.status
                .set(ConnStatus::Failed("cannot reach the broker".to_owned()));
            run_doctor(conn, elapsed_ms);
        }
        Report::SubprotocolRefused { chosen } => {
            diagnose(conn, Failure::SubprotocolRefused { chosen })
        }
        Report::SocketClosed { code, reason } => diagnose(
            conn,
            Failure::Closed {
                code,
                reason,
                was_open: true,
            },
        ),
        Report::TextFrame => diagnose(
            conn,
            Failure::Violation {
                rule: "MQTT-6.0.0-1".to_owned(),
                detail: "the server sent a text WebSocket frame; MQTT uses binary frames only"
                    .to_owned(),
            },
        ),
    }
}

/// Explains `failure` with the doctor.
fn diagnose(conn: Conn, failure: Failure) {
    let url = conn.settings.with_untracked(|s| s.url.clone());
    let Ok(target) = doctor::precheck(&url, page_is_https()) else {
        return;
    };
    let d = doctor::diagnose(&target, &failure, &Probes::default());
    conn.status.set(ConnStatus::Failed(d.title.clone()));
    conn.diagnosis.set(Some(d));
}

/// Whether the page itself was loaded over https (then `ws://` is mixed content).
pub fn page_is_https() -> bool {
    web_sys::window()
        .and_then(|w| w.location().protocol().ok())
        .is_some_and(|p| p == "https:")
}

/// The handshake failed: run the probes, then explain.
fn run_doctor(conn: Conn, elapsed_ms: f64) {
    let url = conn.settings.with_untracked(|s| s.url.clone());
    let Ok(target) = doctor::precheck(&url, page_is_https()) else {
        return;
    };
    if target.sandbox {
        // In the page: no WebSocket probe applies.
        return diagnose(conn, Failure::HandshakeFailed { elapsed_ms });
    }
    leptos::task::spawn_local(async move {
        let plan = doctor::probes_for(&target);
        let mut probes = Probes {
            http_answers: Some(probe::http_answers(&plan.http_url).await),
            ..Default::default()
        };
        if probes.http_answers == Some(true) {
            let bare = probe::ws_opens(&plan.without_subprotocol, &[]).await;
            probes.opens_without_subprotocol = Some(bare.is_some());
        }
        for alt in plan.alternatives {
            let opened = probe::ws_opens(&alt.ws_url(), &[SUBPROTOCOL]).await;
            probes
                .alternatives
                .push((alt, opened.as_deref() == Some(SUBPROTOCOL)));
        }
        let failure = Failure::HandshakeFailed { elapsed_ms };
        let d = doctor::diagnose(&target, &failure, &probes);
        if !conn.status.is_disposed()
            && !matches!(conn.status.get_untracked(), ConnStatus::Connected { .. })
        {
            conn.status.set(ConnStatus::Failed(d.title.clone()));
            conn.diagnosis.set(Some(d));
        }
    });
}

fn on_event(conn: Conn, event: Event) {
    match event {
        Event::Connected {
            session_present, ..
        } => {
            conn.diagnosis.set(None);
            conn.status.set(ConnStatus::Connected { session_present });
            crate::state::actions::subscribe_saved(conn, session_present);
        }
        Event::Message(publish) => on_message(conn, &publish),
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
        Event::Disconnected(cause) => on_disconnected(conn, cause),
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
            conn.touch();
        }
        _ => {}
    }
}

fn on_disconnected(conn: Conn, cause: DisconnectCause) {
    if let DisconnectCause::Local(_) = cause {
        conn.status.set(ConnStatus::Offline);
        return;
    }
    if let DisconnectCause::Protocol(e) = &cause {
        let text = e.to_string();
        conn.data.update_value(|d| flag_last_received(d, text));
        conn.touch();
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
        Some(failure) => diagnose(conn, failure),
        None => conn
            .status
            .set(ConnStatus::Failed("the connection closed".to_owned())),
    }
    if retrying {
        conn.status.set(ConnStatus::Reconnecting);
    }
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
    conn.touch();
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

fn on_message(conn: Conn, publish: &Publish<'_>) {
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
    add_message(
        conn,
        publish,
        payload,
        Direction::In,
        subscription,
        crate::clock::wall_ms(),
    );
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
    conn.touch();
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
