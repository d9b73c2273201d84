//! Decoded packets as plain objects: `{ type: "PUBLISH", topic, payload, qos, ... }`.
//!
//! The shapes are those of `index.d.ts` in the package; [`crate::packet_from`] reads the
//! same shapes back, so `encode(decode(bytes))` gives the bytes again.

use mqttscope_js_glue::Writer;
use mqttscope_proto::codec::{
    Ack, ConnAck, Connect, Publish, SubAck, Subscribe, Subscription, UnsubAck, Unsubscribe, Will,
};
use mqttscope_proto::{Packet, ProtocolVersion};
use wasm_bindgen::JsValue;

/// The object for `packet`, decoded in `version` (which decides how a CONNACK's return
/// code reads: MQTT 3 return codes before 5.0, reason codes in 5.0).
pub fn to_js(packet: &Packet<'_>, version: ProtocolVersion) -> JsValue {
    let w = Writer::new();
    w.set("type", packet.packet_type().name());
    match packet {
        Packet::Connect(c) => connect(&w, c),
        Packet::ConnAck(c) => connack(&w, c, version),
        Packet::Publish(p) => publish(&w, p),
        Packet::PubAck(a) | Packet::PubRec(a) | Packet::PubRel(a) | Packet::PubComp(a) => {
            ack(&w, a)
        }
        Packet::Subscribe(s) => subscribe(&w, s),
        Packet::SubAck(s) => suback(&w, s),
        Packet::Unsubscribe(u) => unsubscribe(&w, u),
        Packet::UnsubAck(u) => unsuback(&w, u),
        Packet::PingReq | Packet::PingResp => {}
        Packet::Disconnect(d) => {
            w.set("reasonCode", d.reason)
                .set("properties", &d.properties);
        }
        Packet::Auth(a) => {
            w.set("reasonCode", a.reason)
                .set("properties", &a.properties);
        }
    }
    w.done()
}

fn connect(w: &Writer, c: &Connect<'_>) {
    w.set("protocolVersion", f64::from(c.protocol.level()))
        .set("cleanStart", c.clean_start)
        .set("keepAlive", c.keep_alive)
        .set("clientId", &c.client_id)
        .set_opt("username", c.username.as_ref())
        .set_opt("password", c.password.as_ref())
        .set_opt("will", c.will.as_ref().map(will))
        .set("properties", &c.properties);
}

fn will(will: &Will<'_>) -> JsValue {
    let w = Writer::new();
    w.set("topic", &will.topic)
        .set("payload", &will.payload)
        .set("qos", will.qos)
        .set("retain", will.retain)
        .set("properties", &will.properties);
    w.done()
}

fn connack(w: &Writer, c: &ConnAck<'_>, version: ProtocolVersion) {
    let code = match version {
        ProtocolVersion::V5 => c.reason as u8,
        // Decoded from a 3.x return code, so it maps back.
        _ => c.reason.to_v3_connack().unwrap_or(c.reason as u8),
    };
    w.set("sessionPresent", c.session_present)
        .set("reasonCode", f64::from(code))
        .set("properties", &c.properties);
}

fn publish(w: &Writer, p: &Publish<'_>) {
    w.set("topic", &p.topic)
        .set("payload", &p.payload)
        .set("qos", p.qos_pid.qos())
        .set_opt("packetId", p.qos_pid.packet_id())
        .set("retain", p.retain)
        .set("dup", p.dup)
        .set("properties", &p.properties);
}

fn ack(w: &Writer, a: &Ack<'_>) {
    w.set("packetId", a.packet_id)
        .set("reasonCode", a.reason)
        .set("properties", &a.properties);
}

fn subscribe(w: &Writer, s: &Subscribe<'_>) {
    let subs: Vec<JsValue> = s.subscriptions.iter().map(subscription).collect();
    w.set("packetId", s.packet_id)
        .set("subscriptions", subs)
        .set("properties", &s.properties);
}

fn subscription(s: &Subscription<'_>) -> JsValue {
    let w = Writer::new();
    w.set("filter", &s.filter)
        .set("qos", s.options.qos)
        .set("noLocal", s.options.no_local)
        .set("retainAsPublished", s.options.retain_as_published)
        .set("retainHandling", s.options.retain_handling);
    w.done()
}

fn suback(w: &Writer, s: &SubAck<'_>) {
    w.set("packetId", s.packet_id)
        .set("reasonCodes", &s.reason_codes)
        .set("properties", &s.properties);
}

fn unsubscribe(w: &Writer, u: &Unsubscribe<'_>) {
    w.set("packetId", u.packet_id)
        .set("filters", &u.filters)
        .set("properties", &u.properties);
}

fn unsuback(w: &Writer, u: &UnsubAck<'_>) {
    w.set("packetId", u.packet_id)
        .set("reasonCodes", &u.reason_codes)
        .set("properties", &u.properties);
}
