//! How the valid examples of the picker are built: as `Packet` values encoded by the
//! codec. The page carries only their bytes (`examples.rs`); this test checks that the
//! table there holds exactly what these build.

use std::num::{NonZeroU16, NonZeroU32};

use mqttscope_proto::codec::{
    Ack, Auth, ConnAck, Connect, Disconnect, Packet, PacketId, ProtocolVersion, Publish, QoS,
    QosPid, RetainHandling, SubAck, Subscribe, Subscription, UnsubAck, Unsubscribe, UserProperty,
    Will,
};
use mqttscope_proto::ReasonCode;

use super::examples::{examples, Example, Group};
use super::parse::parse_hex;

/// Every example as built, in picker order.
fn built() -> Vec<Example> {
    let mut all = v5_examples();
    all.extend(v3_1_1_examples());
    all.extend(v3_1_examples());
    all.extend(malformed_examples());
    all
}

/// A Packet Identifier from a literal.
fn pid(n: u16) -> PacketId {
    PacketId::new(n).expect("example packet identifiers are literals other than 0")
}

/// Encodes a packet the specification allows.
fn encode(packet: &Packet<'_>, version: ProtocolVersion) -> Vec<u8> {
    let mut out = Vec::new();
    packet
        .encode(version, &mut out)
        .expect("example packets follow the specification (checked by the tests)");
    out
}

fn valid(
    id: &'static str,
    title: &'static str,
    version: ProtocolVersion,
    packets: &[Packet<'_>],
) -> Example {
    let group = match version {
        ProtocolVersion::V5 => Group::V5,
        ProtocolVersion::V3_1_1 => Group::V3_1_1,
        ProtocolVersion::V3_1 => Group::V3_1,
    };
    let bytes = packets.iter().flat_map(|p| encode(p, version)).collect();
    Example {
        id,
        group,
        title,
        version,
        bytes,
    }
}

fn malformed(
    id: &'static str,
    title: &'static str,
    version: ProtocolVersion,
    hex: &str,
) -> Example {
    Example {
        id,
        group: Group::Malformed,
        title,
        version,
        bytes: parse_hex(hex).expect("malformed examples are well-formed hex"),
    }
}

/// A CONNECT with a will, a user name and a password.
fn connect(version: ProtocolVersion) -> Connect<'static> {
    let mut c = Connect::new(version, "mqttscope-1");
    c.keep_alive = 30;
    c.will = Some(Will {
        topic: "devices/mqttscope-1/status".into(),
        payload: b"offline".as_slice().into(),
        qos: QoS::AtLeastOnce,
        retain: true,
        properties: Default::default(),
    });
    c.username = Some("alice".into());
    c.password = Some(b"s3cret".as_slice().into());
    c
}

fn connect_v5() -> Packet<'static> {
    let mut c = connect(ProtocolVersion::V5);
    let props = c.properties.to_mut();
    props.session_expiry_interval = Some(3600);
    props.receive_maximum = NonZeroU16::new(20);
    if let Some(will) = &mut c.will {
        let props = will.properties.to_mut();
        props.will_delay_interval = Some(5);
        props.content_type = Some("text/plain".into());
    }
    Packet::Connect(Box::new(c))
}

fn connack_v5() -> Packet<'static> {
    let mut c = ConnAck::new(false);
    let props = c.properties.to_mut();
    props.receive_maximum = NonZeroU16::new(100);
    props.maximum_qos = Some(QoS::AtLeastOnce);
    props.topic_alias_maximum = Some(10);
    props.server_keep_alive = Some(60);
    Packet::ConnAck(c)
}

fn publish(qos: QosPid, topic: &'static str, payload: &'static [u8]) -> Publish<'static> {
    let mut p = Publish::new(topic, payload);
    p.qos_pid = qos;
    p
}

fn publish_v5_qos0() -> Packet<'static> {
    let mut p = publish(QosPid::AtMostOnce, "sensors/kitchen/temp", b"21.5");
    let props = p.properties.to_mut();
    props.payload_format_indicator = Some(true);
    props.content_type = Some("text/plain".into());
    Packet::Publish(p)
}

fn publish_v5_qos1() -> Packet<'static> {
    let payload = br#"{"t":21.5}"#;
    let mut p = publish(
        QosPid::AtLeastOnce(pid(10)),
        "sensors/kitchen/temp",
        payload,
    );
    let props = p.properties.to_mut();
    props.message_expiry_interval = Some(60);
    props.topic_alias = NonZeroU16::new(3);
    p.properties
        .to_mut()
        .user_properties
        .push(UserProperty::new("unit", "°C"));
    Packet::Publish(p)
}

fn publish_v5_qos2() -> Packet<'static> {
    let mut p = publish(QosPid::ExactlyOnce(pid(11)), "commands/heater", b"on");
    p.retain = true;
    let props = p.properties.to_mut();
    props.response_topic = Some("replies/heater".into());
    props.correlation_data = Some(b"req-42".as_slice().into());
    Packet::Publish(p)
}

fn ack(id: u16, reason: ReasonCode) -> Ack<'static> {
    let mut a = Ack::new(pid(id));
    a.reason = reason;
    a
}

fn pubrec_v5() -> Packet<'static> {
    let mut a = ack(11, ReasonCode::Success);
    a.properties.to_mut().reason_string = Some("stored".into());
    Packet::PubRec(a)
}

fn subscribe_v5() -> Packet<'static> {
    let mut temps = Subscription::new("sensors/+/temp", QoS::AtLeastOnce);
    temps.options.no_local = true;
    temps.options.retain_as_published = true;
    temps.options.retain_handling = RetainHandling::SendAtSubscribeIfNew;
    let mut alerts = Subscription::new("alerts/#", QoS::ExactlyOnce);
    alerts.options.retain_handling = RetainHandling::DoNotSend;
    let mut s = subscribe(12, vec![temps, alerts]);
    s.properties.to_mut().subscription_identifier = NonZeroU32::new(7);
    Packet::Subscribe(s)
}

fn subscribe(id: u16, subscriptions: Vec<Subscription<'static>>) -> Subscribe<'static> {
    Subscribe {
        packet_id: pid(id),
        properties: Default::default(),
        subscriptions,
    }
}

fn suback(id: u16, reason_codes: Vec<ReasonCode>) -> Packet<'static> {
    Packet::SubAck(SubAck {
        packet_id: pid(id),
        properties: Default::default(),
        reason_codes,
    })
}

fn unsubscribe(id: u16) -> Packet<'static> {
    Packet::Unsubscribe(Unsubscribe {
        packet_id: pid(id),
        properties: Default::default(),
        filters: vec!["sensors/+/temp".into(), "alerts/#".into()],
    })
}

fn unsuback(id: u16, reason_codes: Vec<ReasonCode>) -> Packet<'static> {
    Packet::UnsubAck(UnsubAck {
        packet_id: pid(id),
        properties: Default::default(),
        reason_codes,
    })
}

fn disconnect_v5() -> Packet<'static> {
    let mut d = Disconnect::new(ReasonCode::DisconnectWithWill);
    d.properties.to_mut().reason_string = Some("battery low".into());
    Packet::Disconnect(d)
}

fn auth_v5() -> Packet<'static> {
    let mut a = Auth {
        reason: ReasonCode::ContinueAuthentication,
        ..Default::default()
    };
    let props = a.properties.to_mut();
    props.authentication_method = Some("SCRAM-SHA-256".into());
    props.authentication_data = Some(b"r=fyko+d2lbbFgONRv9qkxdawL".as_slice().into());
    Packet::Auth(a)
}

fn v5_examples() -> Vec<Example> {
    use ProtocolVersion::V5;
    use ReasonCode as R;
    vec![
        valid(
            "v5-connect",
            "CONNECT with will, user name and password",
            V5,
            &[connect_v5()],
        ),
        valid(
            "v5-connack",
            "CONNACK with server limits",
            V5,
            &[connack_v5()],
        ),
        valid(
            "v5-publish-qos0",
            "PUBLISH QoS 0, UTF-8 payload",
            V5,
            &[publish_v5_qos0()],
        ),
        valid(
            "v5-publish-qos1",
            "PUBLISH QoS 1, Topic Alias, User Property",
            V5,
            &[publish_v5_qos1()],
        ),
        valid(
            "v5-publish-qos2",
            "PUBLISH QoS 2, retained, request/response",
            V5,
            &[publish_v5_qos2()],
        ),
        valid(
            "v5-puback",
            "PUBACK, shortest form (Remaining Length 2)",
            V5,
            &[Packet::PubAck(ack(10, R::Success))],
        ),
        valid(
            "v5-puback-reason",
            "PUBACK, reason code only (Remaining Length 3)",
            V5,
            &[Packet::PubAck(ack(10, R::NoMatchingSubscribers))],
        ),
        valid("v5-pubrec", "PUBREC with Reason String", V5, &[pubrec_v5()]),
        valid(
            "v5-pubrel",
            "PUBREL",
            V5,
            &[Packet::PubRel(ack(11, R::Success))],
        ),
        valid(
            "v5-pubcomp",
            "PUBCOMP",
            V5,
            &[Packet::PubComp(ack(11, R::Success))],
        ),
        valid(
            "v5-subscribe",
            "SUBSCRIBE with subscription options",
            V5,
            &[subscribe_v5()],
        ),
        valid(
            "v5-suback",
            "SUBACK",
            V5,
            &[suback(12, vec![R::GrantedQos1, R::NotAuthorized])],
        ),
        valid("v5-unsubscribe", "UNSUBSCRIBE", V5, &[unsubscribe(13)]),
        valid(
            "v5-unsuback",
            "UNSUBACK",
            V5,
            &[unsuback(13, vec![R::Success, R::NoSubscriptionExisted])],
        ),
        valid("v5-pingreq", "PINGREQ", V5, &[Packet::PingReq]),
        valid("v5-pingresp", "PINGRESP", V5, &[Packet::PingResp]),
        valid(
            "v5-disconnect",
            "DISCONNECT, shortest form",
            V5,
            &[Packet::Disconnect(Disconnect::default())],
        ),
        valid(
            "v5-disconnect-reason",
            "DISCONNECT with will and Reason String",
            V5,
            &[disconnect_v5()],
        ),
        valid("v5-auth", "AUTH, continue authentication", V5, &[auth_v5()]),
    ]
}

fn v3_1_1_examples() -> Vec<Example> {
    use ProtocolVersion::V3_1_1 as V;
    let qos1 = || {
        Packet::Publish(publish(
            QosPid::AtLeastOnce(pid(10)),
            "sensors/kitchen/temp",
            b"21.5",
        ))
    };
    let subscriptions = || {
        vec![
            Subscription::new("sensors/+/temp", QoS::AtLeastOnce),
            Subscription::new("alerts/#", QoS::ExactlyOnce),
        ]
    };
    let session = [
        Packet::Connect(Box::new(connect(V))),
        Packet::ConnAck(ConnAck::new(false)),
        Packet::Subscribe(subscribe(12, subscriptions())),
        suback(12, vec![ReasonCode::GrantedQos1, ReasonCode::GrantedQos2]),
        qos1(),
        Packet::PubAck(Ack::new(pid(10))),
        Packet::Disconnect(Disconnect::default()),
    ];
    vec![
        valid(
            "v311-connect",
            "CONNECT with will, user name and password",
            V,
            &[Packet::Connect(Box::new(connect(V)))],
        ),
        valid(
            "v311-connack",
            "CONNACK, session present",
            V,
            &[Packet::ConnAck(ConnAck::new(true))],
        ),
        valid(
            "v311-publish-qos0",
            "PUBLISH QoS 0",
            V,
            &[Packet::Publish(publish(
                QosPid::AtMostOnce,
                "sensors/kitchen/temp",
                b"21.5",
            ))],
        ),
        valid("v311-publish-qos1", "PUBLISH QoS 1", V, &[qos1()]),
        valid(
            "v311-publish-qos2",
            "PUBLISH QoS 2, retained",
            V,
            &[Packet::Publish(Publish {
                retain: true,
                ..publish(QosPid::ExactlyOnce(pid(11)), "commands/heater", b"on")
            })],
        ),
        valid(
            "v311-publish-markup",
            "PUBLISH with markup in the payload",
            V,
            &[Packet::Publish(publish(
                QosPid::AtMostOnce,
                "chat/<b>room</b>",
                b"<img src=x onerror=alert(1)>",
            ))],
        ),
        valid(
            "v311-puback",
            "PUBACK",
            V,
            &[Packet::PubAck(Ack::new(pid(10)))],
        ),
        valid(
            "v311-pubrec",
            "PUBREC",
            V,
            &[Packet::PubRec(Ack::new(pid(11)))],
        ),
        valid(
            "v311-pubrel",
            "PUBREL",
            V,
            &[Packet::PubRel(Ack::new(pid(11)))],
        ),
        valid(
            "v311-pubcomp",
            "PUBCOMP",
            V,
            &[Packet::PubComp(Ack::new(pid(11)))],
        ),
        valid(
            "v311-subscribe",
            "SUBSCRIBE, two filters",
            V,
            &[Packet::Subscribe(subscribe(12, subscriptions()))],
        ),
        valid(
            "v311-suback",
            "SUBACK with a failure",
            V,
            &[suback(
                12,
                vec![ReasonCode::GrantedQos1, ReasonCode::UnspecifiedError],
            )],
        ),
        valid("v311-unsubscribe", "UNSUBSCRIBE", V, &[unsubscribe(13)]),
        valid(
            "v311-unsuback",
            "UNSUBACK",
            V,
            &[Packet::UnsubAck(UnsubAck {
                packet_id: pid(13),
                properties: Default::default(),
                reason_codes: vec![],
            })],
        ),
        valid("v311-pingreq", "PINGREQ", V, &[Packet::PingReq]),
        valid("v311-pingresp", "PINGRESP", V, &[Packet::PingResp]),
        valid(
            "v311-disconnect",
            "DISCONNECT",
            V,
            &[Packet::Disconnect(Disconnect::default())],
        ),
        valid(
            "v311-session",
            "A whole session: 7 packets in a row",
            V,
            &session,
        ),
    ]
}

fn v3_1_examples() -> Vec<Example> {
    use ProtocolVersion::V3_1 as V;
    vec![
        valid(
            "v31-connect",
            "CONNECT (MQIsdp) with will, user name and password",
            V,
            &[Packet::Connect(Box::new(connect(V)))],
        ),
        valid(
            "v31-connack",
            "CONNACK",
            V,
            &[Packet::ConnAck(ConnAck::new(false))],
        ),
        valid(
            "v31-publish-qos1",
            "PUBLISH QoS 1",
            V,
            &[Packet::Publish(publish(
                QosPid::AtLeastOnce(pid(10)),
                "sensors/kitchen/temp",
                b"21.5",
            ))],
        ),
    ]
}

fn malformed_examples() -> Vec<Example> {
    use ProtocolVersion::{V3_1_1, V5};
    vec![
        malformed(
            "bad-qos3",
            "PUBLISH with QoS 3",
            V3_1_1,
            "36 09 00 03 61 2f 62 00 01 68 69",
        ),
        malformed(
            "bad-wildcard",
            "PUBLISH with a wildcard in the topic",
            V3_1_1,
            "30 0d 00 09 73 65 6e 73 6f 72 73 2f 2b 6f 6e",
        ),
        malformed(
            "bad-varint",
            "Property Length not in its shortest form",
            V5,
            "30 09 00 03 61 2f 62 80 00 68 69",
        ),
        malformed(
            "bad-duplicate-property",
            "Topic Alias given twice",
            V5,
            "30 0e 00 03 61 2f 62 06 23 00 01 23 00 02 68 69",
        ),
        malformed(
            "bad-zero-packet-id",
            "PUBACK for Packet Identifier 0",
            V3_1_1,
            "40 02 00 00",
        ),
        malformed(
            "bad-utf8",
            "Topic that is not UTF-8",
            V3_1_1,
            "30 07 00 03 61 ff 62 68 69",
        ),
        malformed(
            "bad-connect-reserved",
            "CONNECT with the reserved flag set",
            V3_1_1,
            "10 0d 00 04 4d 51 54 54 04 03 00 3c 00 01 61",
        ),
        malformed(
            "bad-truncated",
            "PUBLISH cut short",
            V3_1_1,
            "32 0a 00 03 61 2f 62",
        ),
    ]
}

#[test]
fn the_table_holds_what_the_codec_encodes() {
    assert_eq!(examples(), built());
}
