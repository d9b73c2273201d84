//! The core's events as plain objects for the driver, each with a `type`:
//!
//! - `packet`: `{ direction: "sent" | "received", packetType: "PUBLISH", bytes }`, only
//!   while packets are asked for ([`crate::Core::set_packets`]);
//! - `connected`: `{ sessionPresent, properties, length }`;
//! - `message`: `{ topic, payload, qos, retain, dup, properties, packetId, length, watches }`
//!   (`packetId` for QoS 1 and 2 only; `watches`: the driver's ids whose filter the topic
//!   matches);
//! - `published`: `{ handle, reasonCode }` (QoS 0: handed to the transport, code 0);
//! - `publishLost`: `{ handle, stage: "sent" | "received" }`;
//! - `subscribed`: `{ handle, filters, reasonCodes }` (`handle` null for the core's own
//!   resubscription);
//! - `unsubscribed`: `{ handle, reasonCodes }`;
//! - `lost`: `{ handle }`, a SUBSCRIBE or UNSUBSCRIBE whose connection ended first;
//! - `closed`: `{ error, reconnecting }` (`error` null when this client ended it);
//! - `reconnect`: open a new transport now;
//! - `violation`: `{ error }`, a rule the server broke that did not end the connection.
//!
//! `length` is the Remaining Length (2.1.4) of the packet the event came from, as MQTT.js
//! reports it: the core reports each received packet just before acting on it, so it is
//! taken from that report whether or not packets are asked for.

use std::cell::RefCell;

use mqttscope_js_glue::{text, ToJs, Writer};
use mqttscope_proto::client::{Direction, Event, PacketRecord, PublishStage, RequestOrigin};
use mqttscope_proto::codec::{topic, Publish, QosPid};
use mqttscope_proto::ReasonCode;
use wasm_bindgen::JsValue;

use crate::error;
use crate::Core;

/// The object for `event`, or `None` for what the driver need not see.
pub fn to_js(core: &Core, event: Event) -> Option<JsValue> {
    let w = Writer::new();
    match event {
        Event::Packet(record) => {
            if record.direction == Direction::Received {
                core.received_length.set(remaining_length(&record.bytes));
            }
            if !core.packets {
                return None;
            }
            packet(&w, &record)
        }
        Event::Message(publish) => message(core, &w, &publish),
        e @ (Event::PublishDone { .. } | Event::PublishSent { .. } | Event::PublishLost { .. }) => {
            publish_outcome(&w, e)
        }
        e @ (Event::Subscribed { .. } | Event::Unsubscribed { .. } | Event::RequestLost { .. }) => {
            request_outcome(&w, e)
        }
        e @ (Event::Connected { .. }
        | Event::Disconnected(_)
        | Event::Reconnect
        | Event::Violation(_)) => connection(core, &w, e),
        _ => return None,
    }
    Some(w.done())
}

/// How a QoS 0 publish was sent, or a QoS 1 or 2 publish ended.
fn publish_outcome(w: &Writer, event: Event) {
    match event {
        Event::PublishDone { handle, reason } => published(w, handle.id(), reason),
        Event::PublishSent { handle } => published(w, handle.id(), ReasonCode::Success),
        Event::PublishLost { handle, stage, .. } => {
            let stage = match stage {
                PublishStage::Sent => "sent",
                PublishStage::Received => "received",
            };
            w.kind("publishLost")
                .set("handle", handle.id() as f64)
                .set("stage", stage);
        }
        _ => {}
    }
}

/// How a SUBSCRIBE or UNSUBSCRIBE ended.
fn request_outcome(w: &Writer, event: Event) {
    match event {
        Event::Subscribed {
            origin,
            subscriptions,
            reasons,
            ..
        } => {
            let filters: Vec<&str> = subscriptions.iter().map(|s| &*s.filter).collect();
            w.kind("subscribed")
                .set("handle", handle(origin))
                .set("filters", filters)
                .set("reasonCodes", codes(&reasons));
        }
        Event::Unsubscribed {
            origin, reasons, ..
        } => {
            w.kind("unsubscribed")
                .set("handle", handle(origin))
                .set("reasonCodes", codes(&reasons));
        }
        Event::RequestLost { origin, .. } => {
            w.kind("lost").set("handle", handle(origin));
        }
        _ => {}
    }
}

/// The connection's comings and goings, and a rule the server broke without ending it.
fn connection(core: &Core, w: &Writer, event: Event) {
    match event {
        Event::Connected {
            session_present,
            properties,
        } => {
            w.kind("connected")
                .set("sessionPresent", session_present)
                .set("properties", properties.to_js())
                .set("length", core.received_length.get());
        }
        Event::Disconnected(cause) => {
            let reconnecting = core.client.reconnect_at().is_some();
            w.kind("closed")
                .set("error", error::cause(&cause, core.client.version()))
                .set("reconnecting", reconnecting);
        }
        Event::Reconnect => {
            w.kind("reconnect");
        }
        Event::Violation(e) => {
            w.kind("violation").set("error", error::protocol(&e));
        }
        _ => {}
    }
}

/// A packet as sent or received.
fn packet(w: &Writer, record: &PacketRecord) {
    let direction = match record.direction {
        Direction::Sent => "sent",
        Direction::Received => "received",
    };
    w.kind("packet")
        .set("direction", text(direction))
        .set("packetType", text(record.packet.packet_type().name()))
        .set("bytes", &record.bytes[..]);
}

/// The Remaining Length of a whole packet: the bytes after its fixed header (2.1.4), whose
/// length field is one to four bytes, each but the last with its high bit set.
fn remaining_length(bytes: &[u8]) -> f64 {
    let field = 1 + bytes
        .iter()
        .skip(1)
        .take(3)
        .take_while(|b| *b & 0x80 != 0)
        .count();
    bytes.len().saturating_sub(1 + field) as f64
}

/// An application message, tagged with the watches it matches.
fn message(core: &Core, w: &Writer, p: &Publish<'_>) {
    let watches: Vec<f64> = core
        .watches
        .iter()
        .filter(|(_, f)| topic::matches(topic::unshared(f), &p.topic))
        .map(|(id, _)| f64::from(*id))
        .collect();
    let (qos, packet_id) = match p.qos_pid {
        QosPid::AtMostOnce => (0.0, JsValue::UNDEFINED),
        QosPid::AtLeastOnce(id) => (1.0, JsValue::from(id.get())),
        QosPid::ExactlyOnce(id) => (2.0, JsValue::from(id.get())),
    };
    w.kind("message")
        .set("topic", topic_text(&p.topic))
        .set("payload", &p.payload)
        .set("qos", qos)
        .set("retain", p.retain)
        .set("dup", p.dup)
        .set("properties", p.properties.to_js())
        .set("packetId", packet_id)
        .set("length", core.received_length.get())
        .set("watches", watches);
}

/// The JavaScript strings of the last topics seen: the newest replaces the oldest.
struct RecentTopics {
    kept: Vec<(Box<str>, JsValue)>,
    /// Where the next topic goes once `kept` is full.
    next: usize,
}

thread_local! {
    static TOPICS: RefCell<RecentTopics> = const {
        RefCell::new(RecentTopics { kept: Vec::new(), next: 0 })
    };
}

/// How many topics [`TOPICS`] keeps.
const TOPICS_KEPT: usize = 16;
/// The longest topic [`TOPICS`] keeps.
const TOPIC_KEPT_LEN: usize = 256;

/// `topic` as a JavaScript string. A dashboard's topics repeat, and comparing a few costs
/// less than decoding the topic out of wasm memory again for every message.
fn topic_text(topic: &str) -> JsValue {
    if topic.len() > TOPIC_KEPT_LEN {
        return JsValue::from_str(topic);
    }
    TOPICS.with(|t| {
        let t = &mut *t.borrow_mut();
        if let Some((_, v)) = t.kept.iter().find(|(k, _)| **k == *topic) {
            return v.clone();
        }
        let v = JsValue::from_str(topic);
        if t.kept.len() < TOPICS_KEPT {
            t.kept.push((topic.into(), v.clone()));
        } else {
            t.kept[t.next] = (topic.into(), v.clone());
            t.next = (t.next + 1) % TOPICS_KEPT;
        }
        v
    })
}

/// A publish finished with `reason`.
fn published(w: &Writer, handle: u64, reason: ReasonCode) {
    w.kind("published")
        .set("handle", handle as f64)
        .set("reasonCode", reason as u8 as f64);
}

/// The application's handle, or null for the core's own request.
fn handle(origin: RequestOrigin) -> JsValue {
    origin
        .handle()
        .map_or(JsValue::NULL, |h| JsValue::from_f64(h.id() as f64))
}

/// Reason codes as numbers.
fn codes(reasons: &[ReasonCode]) -> Vec<f64> {
    reasons.iter().map(|r| *r as u8 as f64).collect()
}
