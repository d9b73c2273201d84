//! Packets from plain objects, the shapes [`crate::packet`] writes. Every field is
//! checked for its type and range here; what the specification forbids a sender to send
//! (a wildcard in a topic name, a property 3.1.1 lacks) is left to the codec's encoder.

use std::borrow::Cow;

use mqttscope_js_glue::{Fault, Reader};
use mqttscope_proto::codec::{
    Ack, Auth, ConnAck, Connect, Disconnect, PacketId, Publish, QosPid, SubAck, Subscribe,
    UnsubAck, Unsubscribe,
};
use mqttscope_proto::{Packet, ProtocolVersion, QoS, ReasonCode};
use wasm_bindgen::JsValue;

/// The names `type` may take.
const TYPES: &str = "CONNECT, CONNACK, PUBLISH, PUBACK, PUBREC, PUBREL, PUBCOMP, SUBSCRIBE, \
                     SUBACK, UNSUBSCRIBE, UNSUBACK, PINGREQ, PINGRESP, DISCONNECT or AUTH";

/// The packet `v` describes, to be encoded in `version` (the default of a CONNECT's
/// `protocolVersion`).
pub fn from_js(v: &JsValue, version: ProtocolVersion) -> Result<Packet<'static>, Fault> {
    let mut r = Reader::new(v, "packet")?;
    let kind: Cow<'static, str> = r.req("type")?;
    let packet = match &*kind {
        "CONNECT" => Packet::Connect(Box::new(connect(&mut r, version)?)),
        "CONNACK" => Packet::ConnAck(connack(&mut r, version)?),
        "PUBLISH" => Packet::Publish(publish(&mut r)?),
        "PUBACK" => Packet::PubAck(ack(&mut r)?),
        "PUBREC" => Packet::PubRec(ack(&mut r)?),
        "PUBREL" => Packet::PubRel(ack(&mut r)?),
        "PUBCOMP" => Packet::PubComp(ack(&mut r)?),
        "SUBSCRIBE" => Packet::Subscribe(subscribe(&mut r)?),
        "SUBACK" => Packet::SubAck(suback(&mut r)?),
        "UNSUBSCRIBE" => Packet::Unsubscribe(unsubscribe(&mut r)?),
        "UNSUBACK" => Packet::UnsubAck(unsuback(&mut r)?),
        "PINGREQ" => Packet::PingReq,
        "PINGRESP" => Packet::PingResp,
        "DISCONNECT" => Packet::Disconnect(Disconnect {
            reason: r.or("reasonCode", ReasonCode::Success)?,
            properties: r.or("properties", Default::default())?,
        }),
        "AUTH" => Packet::Auth(Auth {
            reason: r.or("reasonCode", ReasonCode::Success)?,
            properties: r.or("properties", Default::default())?,
        }),
        _ => return Err(Fault::new("packet.type", &["one of ", TYPES].concat())),
    };
    r.finish()?;
    Ok(packet)
}

fn connect(r: &mut Reader<'_>, version: ProtocolVersion) -> Result<Connect<'static>, Fault> {
    Ok(Connect {
        protocol: r.or("protocolVersion", version)?,
        clean_start: r.or("cleanStart", true)?,
        keep_alive: r.or("keepAlive", 60)?,
        client_id: r.or("clientId", Cow::Borrowed(""))?,
        username: r.opt("username")?,
        password: r.opt("password")?,
        will: r.opt("will")?,
        properties: r.or("properties", Default::default())?,
    })
}

fn connack(r: &mut Reader<'_>, version: ProtocolVersion) -> Result<ConnAck<'static>, Fault> {
    let reason = match version {
        ProtocolVersion::V5 => r.or("reasonCode", ReasonCode::Success)?,
        _ => v3_return_code(r)?,
    };
    Ok(ConnAck {
        session_present: r.or("sessionPresent", false)?,
        reason,
        properties: r.or("properties", Default::default())?,
    })
}

/// An MQTT 3 CONNACK return code, 0 to 5.
fn v3_return_code(r: &mut Reader<'_>) -> Result<ReasonCode, Fault> {
    let code: u16 = r.or("reasonCode", 0)?;
    u8::try_from(code)
        .ok()
        .and_then(ReasonCode::from_v3_connack)
        .ok_or_else(|| {
            Fault::new(
                &r.path_of("reasonCode"),
                "an MQTT 3 CONNACK return code, 0 to 5",
            )
        })
}

fn publish(r: &mut Reader<'_>) -> Result<Publish<'static>, Fault> {
    let qos = r.or("qos", QoS::AtMostOnce)?;
    let packet_id: Option<PacketId> = r.opt("packetId")?;
    let qos_pid = match (qos, packet_id) {
        (QoS::AtMostOnce, None) => QosPid::AtMostOnce,
        (QoS::AtLeastOnce, Some(id)) => QosPid::AtLeastOnce(id),
        (QoS::ExactlyOnce, Some(id)) => QosPid::ExactlyOnce(id),
        (QoS::AtMostOnce, Some(_)) => {
            let why = "no packet id: a QoS 0 PUBLISH has none [MQTT-2.2.1-2]";
            return Err(Fault::new(&r.path_of("packetId"), why));
        }
        (_, None) => {
            let why = "a packet id from 1 to 65535: QoS 1 and 2 need one";
            return Err(Fault::new(&r.path_of("packetId"), why));
        }
    };
    Ok(Publish {
        dup: r.or("dup", false)?,
        qos_pid,
        retain: r.or("retain", false)?,
        topic: r.req("topic")?,
        properties: r.or("properties", Default::default())?,
        payload: r.or("payload", Cow::Borrowed(&[][..]))?,
    })
}

fn ack(r: &mut Reader<'_>) -> Result<Ack<'static>, Fault> {
    Ok(Ack {
        packet_id: r.req("packetId")?,
        reason: r.or("reasonCode", ReasonCode::Success)?,
        properties: r.or("properties", Default::default())?,
    })
}

fn subscribe(r: &mut Reader<'_>) -> Result<Subscribe<'static>, Fault> {
    Ok(Subscribe {
        packet_id: r.req("packetId")?,
        subscriptions: r.req("subscriptions")?,
        properties: r.or("properties", Default::default())?,
    })
}

fn suback(r: &mut Reader<'_>) -> Result<SubAck<'static>, Fault> {
    Ok(SubAck {
        packet_id: r.req("packetId")?,
        reason_codes: r.req("reasonCodes")?,
        properties: r.or("properties", Default::default())?,
    })
}

fn unsubscribe(r: &mut Reader<'_>) -> Result<Unsubscribe<'static>, Fault> {
    Ok(Unsubscribe {
        packet_id: r.req("packetId")?,
        filters: r.req("filters")?,
        properties: r.or("properties", Default::default())?,
    })
}

fn unsuback(r: &mut Reader<'_>) -> Result<UnsubAck<'static>, Fault> {
    Ok(UnsubAck {
        packet_id: r.req("packetId")?,
        reason_codes: r.req("reasonCodes")?,
        properties: r.or("properties", Default::default())?,
    })
}
