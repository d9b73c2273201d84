//! proptest strategies for valid packets of every type, per protocol version.

use std::borrow::Cow;
use std::num::{NonZeroU16, NonZeroU32};

use proptest::prelude::*;
use proptest::sample::select;

use crate::codec::*;

type S<T> = BoxedStrategy<T>;

/// A string without U+0000, with some multi-byte characters.
fn text() -> S<Cow<'static, str>> {
    "[a-zA-Z0-9 _/é€😀\u{feff}-]{0,10}"
        .prop_map(Cow::Owned)
        .boxed()
}

/// A valid Topic Name (non-empty, no wildcards).
fn topic_name() -> S<Cow<'static, str>> {
    "[a-z0-9/$é]{1,12}".prop_map(Cow::Owned).boxed()
}

/// A valid Topic Filter; in MQTT 5 sometimes a shared subscription.
fn topic_filter(v: ProtocolVersion) -> S<Cow<'static, str>> {
    let level = prop_oneof!["[a-z0-9é]{0,4}", Just("+".to_owned())];
    let levels = prop::collection::vec(level, 1..4);
    let share = if v.is_v5() {
        prop::option::of("[a-z]{1,3}").boxed()
    } else {
        Just(None).boxed()
    };
    (levels, any::<bool>(), share)
        .prop_map(|(levels, hash, share)| {
            let mut f = levels.join("/");
            if hash {
                f.push_str("/#");
            }
            if f.is_empty() {
                // A filter needs at least one character [MQTT-4.7.3-1].
                f.push('x');
            }
            match share {
                Some(g) => Cow::Owned(format!("$share/{g}/{f}")),
                None => Cow::Owned(f),
            }
        })
        .boxed()
}

fn bytes(max: usize) -> S<Cow<'static, [u8]>> {
    prop::collection::vec(any::<u8>(), 0..max)
        .prop_map(Cow::Owned)
        .boxed()
}

fn pid() -> S<PacketId> {
    (1u16..)
        .prop_map(|n| NonZeroU16::new(n).unwrap_or(NonZeroU16::MIN))
        .boxed()
}

fn qos() -> S<QoS> {
    select(vec![QoS::AtMostOnce, QoS::AtLeastOnce, QoS::ExactlyOnce]).boxed()
}

fn user_props() -> S<Vec<UserProperty<'static>>> {
    prop::collection::vec(
        (text(), text()).prop_map(|(n, v)| UserProperty { name: n, value: v }),
        0..3,
    )
    .boxed()
}

fn opt<T: std::fmt::Debug + Clone + 'static>(
    s: impl Strategy<Value = T> + 'static,
) -> S<Option<T>> {
    prop::option::of(s).boxed()
}

fn nz16() -> S<NonZeroU16> {
    (1u16..)
        .prop_map(|n| NonZeroU16::new(n).unwrap_or(NonZeroU16::MIN))
        .boxed()
}

fn nz32() -> S<NonZeroU32> {
    (1u32..)
        .prop_map(|n| NonZeroU32::new(n).unwrap_or(NonZeroU32::MIN))
        .boxed()
}

fn sub_id() -> S<NonZeroU32> {
    (1u32..=varint::MAX)
        .prop_map(|n| NonZeroU32::new(n).unwrap_or(NonZeroU32::MIN))
        .boxed()
}

fn reason(packet: PacketType) -> S<ReasonCode> {
    let codes: Vec<ReasonCode> = reason::allowed_codes(packet)
        .iter()
        .filter_map(|&b| ReasonCode::from_u8(b))
        .collect();
    select(codes).boxed()
}

/// A valid packet of any type for `v`.
pub(crate) fn packet(v: ProtocolVersion) -> S<Packet<'static>> {
    let mut choices: Vec<S<Packet<'static>>> = vec![
        connect(v)
            .prop_map(|c| Packet::Connect(Box::new(c)))
            .boxed(),
        connack(v).prop_map(Packet::ConnAck).boxed(),
        publish(v).prop_map(Packet::Publish).boxed(),
        ack(v, PacketType::PubAck).prop_map(Packet::PubAck).boxed(),
        ack(v, PacketType::PubRec).prop_map(Packet::PubRec).boxed(),
        ack(v, PacketType::PubRel).prop_map(Packet::PubRel).boxed(),
        ack(v, PacketType::PubComp)
            .prop_map(Packet::PubComp)
            .boxed(),
        subscribe(v).prop_map(Packet::Subscribe).boxed(),
        suback(v).prop_map(Packet::SubAck).boxed(),
        unsubscribe(v).prop_map(Packet::Unsubscribe).boxed(),
        unsuback(v).prop_map(Packet::UnsubAck).boxed(),
        Just(Packet::PingReq).boxed(),
        Just(Packet::PingResp).boxed(),
        disconnect(v).prop_map(Packet::Disconnect).boxed(),
    ];
    if v.is_v5() {
        choices.push(auth().prop_map(Packet::Auth).boxed());
    }
    prop::strategy::Union::new(choices).boxed()
}

fn connect(v: ProtocolVersion) -> S<Connect<'static>> {
    // A 3.1.1 session may also connect as 3.1; CONNECT carries its own level.
    let protocol = if v.is_v5() {
        Just(v).boxed()
    } else {
        select(vec![ProtocolVersion::V3_1, v]).boxed()
    };
    let props = if v.is_v5() {
        connect_props().boxed()
    } else {
        Just(ConnectProperties::default()).boxed()
    };
    let base = (
        protocol,
        any::<bool>(),
        any::<u16>(),
        props,
        "[a-zA-Z0-9-]{0,23}",
    );
    (base, opt(will(v)), opt(text()), opt(bytes(8)))
        .prop_map(
            |((protocol, clean, keep_alive, properties, id), will, username, password)| {
                let mut c = Connect::new(protocol, id);
                c.clean_start = clean || c.client_id.is_empty();
                c.keep_alive = keep_alive;
                c.properties = properties.into();
                c.will = will;
                c.password = password;
                // MQTT 3 sends a password only with a user name.
                c.username = if protocol.is_v5() || c.password.is_none() {
                    username
                } else {
                    Some(username.unwrap_or_default())
                };
                c
            },
        )
        .boxed()
}

fn connect_props() -> S<ConnectProperties<'static>> {
    let a = (
        opt(any::<u32>()),
        opt(nz16()),
        opt(nz32()),
        opt(any::<u16>()),
        opt(any::<bool>()),
        opt(any::<bool>()),
    );
    (a, opt(text()), opt(bytes(8)), user_props())
        .prop_map(
            |((sei, rm, mps, tam, rri, rpi), method, data, up)| ConnectProperties {
                session_expiry_interval: sei,
                receive_maximum: rm,
                maximum_packet_size: mps,
                topic_alias_maximum: tam,
                request_response_information: rri,
                request_problem_information: rpi,
                authentication_data: if method.is_some() { data } else { None },
                authentication_method: method,
                user_properties: up,
            },
        )
        .boxed()
}

fn will(v: ProtocolVersion) -> S<Will<'static>> {
    let props = if v.is_v5() {
        will_props().boxed()
    } else {
        Just(WillProperties::default()).boxed()
    };
    (topic_name(), bytes(16), text(), qos(), any::<bool>(), props)
        .prop_map(|(topic, raw, utf8, qos, retain, properties)| {
            let payload = if properties.payload_format_indicator == Some(true) {
                Cow::Owned(utf8.as_bytes().to_vec())
            } else {
                raw
            };
            Will {
                topic,
                payload,
                qos,
                retain,
                properties: properties.into(),
            }
        })
        .boxed()
}

fn will_props() -> S<WillProperties<'static>> {
    let a = (
        opt(any::<u32>()),
        opt(any::<bool>()),
        opt(any::<u32>()),
        opt(text()),
    );
    (a, opt(topic_name()), opt(bytes(6)), user_props())
        .prop_map(|((wdi, pfi, mei, ct), rt, cd, up)| WillProperties {
            will_delay_interval: wdi,
            payload_format_indicator: pfi,
            message_expiry_interval: mei,
            content_type: ct,
            response_topic: rt,
            correlation_data: cd,
            user_properties: up,
        })
        .boxed()
}

fn connack(v: ProtocolVersion) -> S<ConnAck<'static>> {
    if !v.is_v5() {
        let codes: Vec<ReasonCode> = (0..=5).filter_map(ReasonCode::from_v3_connack).collect();
        return (any::<bool>(), select(codes))
            .prop_map(|(sp, reason)| ConnAck {
                session_present: sp && !reason.is_error(),
                reason,
                properties: Default::default(),
            })
            .boxed();
    }
    (any::<bool>(), reason(PacketType::ConnAck), connack_props())
        .prop_map(|(sp, reason, properties)| ConnAck {
            session_present: sp && !reason.is_error(),
            reason,
            properties: properties.into(),
        })
        .boxed()
}

fn connack_props() -> S<ConnAckProperties<'static>> {
    let flags = (
        opt(any::<bool>()),
        opt(any::<bool>()),
        opt(any::<bool>()),
        opt(any::<bool>()),
    );
    let nums = (
        opt(any::<u32>()),
        opt(nz16()),
        opt(select(vec![QoS::AtMostOnce, QoS::AtLeastOnce])),
        opt(nz32()),
        opt(any::<u16>()),
        opt(any::<u16>()),
    );
    let strs = (
        opt(text()),
        opt(text()),
        opt(text()),
        opt(text()),
        opt(text()),
        opt(bytes(6)),
    );
    (flags, nums, strs, user_props())
        .prop_map(
            |((ra, wsa, sia, ssa), (sei, rm, mq, mps, tam, ska), (aci, rs, ri, sr, am, ad), up)| {
                ConnAckProperties {
                    session_expiry_interval: sei,
                    receive_maximum: rm,
                    maximum_qos: mq,
                    retain_available: ra,
                    maximum_packet_size: mps,
                    assigned_client_identifier: aci,
                    topic_alias_maximum: tam,
                    reason_string: rs,
                    wildcard_subscription_available: wsa,
                    subscription_identifiers_available: sia,
                    shared_subscription_available: ssa,
                    server_keep_alive: ska,
                    response_information: ri,
                    server_reference: sr,
                    authentication_data: if am.is_some() { ad } else { None },
                    authentication_method: am,
                    user_properties: up,
                }
            },
        )
        .boxed()
}

fn qos_pid() -> S<QosPid> {
    prop_oneof![
        Just(QosPid::AtMostOnce),
        pid().prop_map(QosPid::AtLeastOnce),
        pid().prop_map(QosPid::ExactlyOnce)
    ]
    .boxed()
}

fn publish(v: ProtocolVersion) -> S<Publish<'static>> {
    let props = if v.is_v5() {
        publish_props().boxed()
    } else {
        Just(PublishProperties::default()).boxed()
    };
    (
        any::<bool>(),
        qos_pid(),
        any::<bool>(),
        topic_name(),
        any::<bool>(),
        props,
        bytes(40),
        text(),
    )
        .prop_map(
            move |(dup, qos_pid, retain, topic, drop_topic, properties, raw, utf8)| {
                let dup = dup && qos_pid != QosPid::AtMostOnce;
                // MQTT 5 may leave the topic empty when a Topic Alias stands for it.
                let topic = if v.is_v5() && drop_topic && properties.topic_alias.is_some() {
                    Cow::Borrowed("")
                } else {
                    topic
                };
                let payload = if properties.payload_format_indicator == Some(true) {
                    Cow::Owned(utf8.as_bytes().to_vec())
                } else {
                    raw
                };
                Publish {
                    dup,
                    qos_pid,
                    retain,
                    topic,
                    properties: properties.into(),
                    payload,
                }
            },
        )
        .boxed()
}

fn publish_props() -> S<PublishProperties<'static>> {
    let a = (
        opt(any::<bool>()),
        opt(any::<u32>()),
        opt(nz16()),
        opt(topic_name()),
        opt(bytes(6)),
        opt(text()),
    );
    (a, user_props(), prop::collection::vec(sub_id(), 0..3))
        .prop_map(|((pfi, mei, ta, rt, cd, ct), up, ids)| PublishProperties {
            payload_format_indicator: pfi,
            message_expiry_interval: mei,
            topic_alias: ta,
            response_topic: rt,
            correlation_data: cd,
            content_type: ct,
            user_properties: up,
            subscription_identifiers: ids,
        })
        .boxed()
}

fn ack(v: ProtocolVersion, t: PacketType) -> S<Ack<'static>> {
    if !v.is_v5() {
        return pid().prop_map(Ack::new).boxed();
    }
    (pid(), reason(t), opt(text()), user_props())
        .prop_map(|(packet_id, reason, rs, up)| Ack {
            packet_id,
            reason,
            properties: AckProperties {
                reason_string: rs,
                user_properties: up,
            }
            .into(),
        })
        .boxed()
}

fn options(v: ProtocolVersion) -> S<SubscriptionOptions> {
    if !v.is_v5() {
        return qos()
            .prop_map(|qos| SubscriptionOptions {
                qos,
                ..Default::default()
            })
            .boxed();
    }
    let rh = select(vec![
        RetainHandling::SendAtSubscribe,
        RetainHandling::SendAtSubscribeIfNew,
        RetainHandling::DoNotSend,
    ]);
    (qos(), any::<bool>(), any::<bool>(), rh)
        .prop_map(
            |(qos, no_local, retain_as_published, retain_handling)| SubscriptionOptions {
                qos,
                no_local,
                retain_as_published,
                retain_handling,
            },
        )
        .boxed()
}

fn subscribe(v: ProtocolVersion) -> S<Subscribe<'static>> {
    let sub = (topic_filter(v), options(v)).prop_map(|(filter, mut options)| {
        // No Local on a shared subscription is a Protocol Error [MQTT-3.8.3-4].
        options.no_local &= !topic::is_shared(&filter);
        Subscription { filter, options }
    });
    let props = if v.is_v5() {
        (opt(sub_id()), user_props())
            .prop_map(|(id, up)| SubscribeProperties {
                subscription_identifier: id,
                user_properties: up,
            })
            .boxed()
    } else {
        Just(SubscribeProperties::default()).boxed()
    };
    (pid(), props, prop::collection::vec(sub, 1..4))
        .prop_map(|(packet_id, properties, subscriptions)| Subscribe {
            packet_id,
            properties: properties.into(),
            subscriptions,
        })
        .boxed()
}

fn suback(v: ProtocolVersion) -> S<SubAck<'static>> {
    let codes = if v.is_v5() {
        reason(PacketType::SubAck)
    } else {
        select(vec![
            ReasonCode::Success,
            ReasonCode::GrantedQos1,
            ReasonCode::GrantedQos2,
            ReasonCode::UnspecifiedError,
        ])
        .boxed()
    };
    let props = if v.is_v5() {
        (opt(text()), user_props())
            .prop_map(|(rs, up)| SubAckProperties {
                reason_string: rs,
                user_properties: up,
            })
            .boxed()
    } else {
        Just(SubAckProperties::default()).boxed()
    };
    (pid(), props, prop::collection::vec(codes, 1..5))
        .prop_map(|(packet_id, properties, reason_codes)| SubAck {
            packet_id,
            properties: properties.into(),
            reason_codes,
        })
        .boxed()
}

fn unsubscribe(v: ProtocolVersion) -> S<Unsubscribe<'static>> {
    let props = if v.is_v5() {
        user_props()
            .prop_map(|up| UnsubscribeProperties {
                user_properties: up,
            })
            .boxed()
    } else {
        Just(UnsubscribeProperties::default()).boxed()
    };
    (pid(), props, prop::collection::vec(topic_filter(v), 1..4))
        .prop_map(|(packet_id, properties, filters)| Unsubscribe {
            packet_id,
            properties: properties.into(),
            filters,
        })
        .boxed()
}

fn unsuback(v: ProtocolVersion) -> S<UnsubAck<'static>> {
    if !v.is_v5() {
        return pid()
            .prop_map(|packet_id| UnsubAck {
                packet_id,
                properties: Default::default(),
                reason_codes: Vec::new(),
            })
            .boxed();
    }
    let props = (opt(text()), user_props()).prop_map(|(rs, up)| UnsubAckProperties {
        reason_string: rs,
        user_properties: up,
    });
    (
        pid(),
        props,
        prop::collection::vec(reason(PacketType::UnsubAck), 1..5),
    )
        .prop_map(|(packet_id, properties, reason_codes)| UnsubAck {
            packet_id,
            properties: properties.into(),
            reason_codes,
        })
        .boxed()
}

fn disconnect(v: ProtocolVersion) -> S<Disconnect<'static>> {
    if !v.is_v5() {
        return Just(Disconnect::default()).boxed();
    }
    let props = (opt(any::<u32>()), opt(text()), opt(text()), user_props()).prop_map(
        |(sei, rs, sr, up)| DisconnectProperties {
            session_expiry_interval: sei,
            reason_string: rs,
            server_reference: sr,
            user_properties: up,
        },
    );
    (reason(PacketType::Disconnect), props)
        .prop_map(|(reason, properties)| Disconnect {
            reason,
            properties: properties.into(),
        })
        .boxed()
}

fn auth() -> S<Auth<'static>> {
    // Any AUTH property block carries the method (3.15.2.2.2).
    let props = prop_oneof![
        Just(AuthProperties::default()),
        (text(), opt(bytes(8)), opt(text()), user_props()).prop_map(|(m, d, rs, up)| {
            AuthProperties {
                authentication_method: Some(m),
                authentication_data: d,
                reason_string: rs,
                user_properties: up,
            }
        }),
    ];
    (reason(PacketType::Auth), props)
        .prop_map(|(reason, properties)| Auth {
            reason,
            properties: properties.into(),
        })
        .boxed()
}

/// Encodes `p`; strategies only build valid packets, so this cannot fail.
pub(crate) fn encode(p: &Packet<'_>, v: ProtocolVersion) -> Vec<u8> {
    let mut out = Vec::new();
    if let Err(e) = p.encode(v, &mut out) {
        panic!("strategy built an invalid packet {p:?}: {e}");
    }
    out
}

/// A protocol version that has its own packet layouts (3.1 decodes as 3.1.1).
pub(crate) fn version() -> S<ProtocolVersion> {
    select(vec![ProtocolVersion::V3_1_1, ProtocolVersion::V5]).boxed()
}

/// Bytes of a valid packet with a few bytes changed, inserted or removed: input that is
/// mostly well-formed and fails deep inside, which random bytes rarely reach.
pub(crate) fn mutated(v: ProtocolVersion) -> S<Vec<u8>> {
    let edit = (any::<prop::sample::Index>(), any::<u8>(), 0u8..3);
    (packet(v), prop::collection::vec(edit, 1..4))
        .prop_map(move |(p, edits)| {
            let mut b = encode(&p, v);
            for (at, byte, op) in edits {
                let i = at.index(b.len() + 1);
                match op {
                    0 if i < b.len() => b[i] = byte,
                    1 => b.insert(i, byte),
                    _ if i < b.len() => {
                        b.remove(i);
                    }
                    _ => b.push(byte),
                }
            }
            b
        })
        .boxed()
}
