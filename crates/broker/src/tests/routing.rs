//! Topic matching, overlapping and shared subscriptions, SUBACK and UNSUBACK, and
//! clients of different versions talking to each other.

use super::*;
use mqttscope_proto::codec::{RetainHandling, SubscribeProperties};
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

/// [MQTT-4.7.1-1] [MQTT-4.7.1-2] [MQTT-4.7.2-1] [MQTT-3.3.2-3]
/// 3.1.1: [MQTT-4.7.1-2] [MQTT-4.7.1-3] [MQTT-4.7.2-1] [MQTT-3.3.2-3] [MQTT-3.3.5-1]
#[test]
fn wildcards_match_by_level_and_not_dollar_topics() {
    let mut n = Net::new(|_| {});
    let sub = n.connect(1, V4, "sub");
    for f in ["sport/+/player1", "sport/#", "#", "$SYS/+"] {
        n.subscribe(sub, f, QoS::AtMostOnce);
    }
    let publ = n.connect(2, V4, "pub");
    for t in [
        "sport/tennis/player1",
        "sport",
        "other",
        "$SYS/uptime",
        "$SYS/a/b",
    ] {
        n.publish(publ, t, b"x", QosPid::AtMostOnce);
    }
    let got: Vec<String> = publishes(&n.packets(sub))
        .into_iter()
        .map(|p| p.0)
        .collect();
    // One copy each, however many filters match; "$SYS/a/b" matches none of them.
    assert_eq!(
        got,
        ["sport/tennis/player1", "sport", "other", "$SYS/uptime"]
    );
}

/// [MQTT-3.3.4-2] [MQTT-3.3.4-3] [MQTT-3.3.4-4] [MQTT-3.8.4-8]
#[test]
fn overlapping_subscriptions_deliver_one_copy_at_the_highest_qos_with_every_identifier() {
    let mut n = Net::new(|_| {});
    let sub = n.connect(1, V5, "sub");
    for (id, f, q) in [(7, "a/+", QoS::AtMostOnce), (9, "a/#", QoS::AtLeastOnce)] {
        let mut s = subscribe(id, &[(f, q)]);
        if let Packet::Subscribe(s) = &mut s {
            s.properties = SubscribeProperties {
                subscription_identifier: Some(nz32(u32::from(id))),
                ..Default::default()
            }
            .into();
        }
        n.send(sub, s);
    }
    n.take(sub);
    let publ = n.connect(2, V5, "pub");
    n.publish(publ, "a/b", b"hi", q2(1));
    let sent = n.take(sub);
    // QoS 1 (the published QoS 2 downgraded to the highest granted), ids 7 and 9.
    assert_eq!(
        sent,
        [vec![
            0x32, 0x0e, 0x00, 0x03, b'a', b'/', b'b', 0x00, 0x01, 0x04, 0x0b, 0x07, 0x0b, 0x09,
            b'h', b'i'
        ]]
    );
}

/// [MQTT-3.8.3-3]
#[test]
fn no_local_keeps_a_clients_own_messages_from_it() {
    let mut n = Net::new(|_| {});
    let c = n.connect(1, V5, "me");
    let mut s = Subscription::new("t", QoS::AtMostOnce);
    s.options.no_local = true;
    n.send(
        c,
        Packet::Subscribe(Subscribe {
            packet_id: pid(1),
            properties: Default::default(),
            subscriptions: vec![s],
        }),
    );
    n.take(c);
    n.publish(c, "t", b"x", QosPid::AtMostOnce);
    assert!(n.take(c).is_empty());
    let other = n.connect(2, V5, "other");
    n.publish(other, "t", b"y", QosPid::AtMostOnce);
    assert_eq!(n.take(c), [vec![0x30, 0x05, 0x00, 0x01, b't', 0x00, b'y']]);
}

/// [MQTT-3.3.1-12] [MQTT-3.3.1-13]
/// 3.1.1: [MQTT-3.3.1-9]
#[test]
fn retain_as_published_keeps_the_flag_and_its_absence_clears_it() {
    let mut n = Net::new(|_| {});
    let keep = n.connect(1, V5, "keep");
    let mut s = Subscription::new("t", QoS::AtMostOnce);
    s.options.retain_as_published = true;
    s.options.retain_handling = RetainHandling::DoNotSend;
    n.send(
        keep,
        Packet::Subscribe(Subscribe {
            packet_id: pid(1),
            properties: Default::default(),
            subscriptions: vec![s],
        }),
    );
    let plain = n.connect(2, V4, "plain");
    n.subscribe(plain, "t", QoS::AtMostOnce);
    n.take(keep);
    let publ = n.connect(3, V4, "pub");
    let mut p = Publish::new("t", &b"r"[..]);
    p.retain = true;
    n.send(publ, Packet::Publish(p));
    assert!(publishes(&n.packets(keep))[0].3);
    assert!(!publishes(&n.packets(plain))[0].3);
}

/// [MQTT-4.8.2-1] [MQTT-4.8.2-2] [MQTT-4.8.2-3]
#[test]
fn a_shared_group_gets_each_message_once_round_robin_even_with_mqtt_3_members() {
    let mut n = Net::new(|_| {});
    let a = n.connect(1, V5, "a");
    let b = n.connect(2, V4, "b");
    n.subscribe(a, "$share/g/job/+", QoS::AtLeastOnce);
    n.subscribe(b, "$share/g/job/+", QoS::AtMostOnce);
    let publ = n.connect(3, V5, "pub");
    for i in 0..4u8 {
        n.publish(publ, "job/x", &[b'0' + i], q1(u16::from(i) + 1));
    }
    let got_a: Vec<Vec<u8>> = publishes(&n.packets(a)).into_iter().map(|p| p.1).collect();
    let got_b: Vec<Vec<u8>> = publishes(&n.packets(b)).into_iter().map(|p| p.1).collect();
    assert_eq!(
        (got_a, got_b),
        (
            vec![b"0".to_vec(), b"2".to_vec()],
            vec![b"1".to_vec(), b"3".to_vec()]
        )
    );
    assert_eq!(
        n.broker.session("b").unwrap().subscriptions[0]
            .share
            .as_deref(),
        Some("g")
    );
    for c in [a, b] {
        n.send(c, unsubscribe(9, &["$share/g/job/+"]));
    }
    assert!(n.broker.share_cursor.is_empty());
}

#[test]
fn a_shared_group_prefers_its_connected_members() {
    let mut n = Net::new(|_| {});
    let (a, _) = n.connect_with(1, V5, "a", |c| {
        c.clean_start = false;
        c.properties.to_mut().session_expiry_interval = Some(60);
    });
    n.subscribe(a, "$share/g/t", QoS::AtLeastOnce);
    let b = n.connect(2, V5, "b");
    n.subscribe(b, "$share/g/t", QoS::AtLeastOnce);
    n.send(a, disconnect(ReasonCode::Success));
    let publ = n.connect(3, V5, "pub");
    for i in 1..=3 {
        n.publish(publ, "t", b"m", q1(i));
    }
    assert_eq!(publishes(&n.packets(b)).len(), 3);
    assert_eq!(n.broker.session("a").unwrap().queued, 0);
}

/// [MQTT-3.8.4-5] [MQTT-3.8.4-6] [MQTT-3.9.3-1] [MQTT-3.9.3-2] [MQTT-3.8.4-7]
/// [MQTT-2.2.1-6] [MQTT-3.8.4-1] [MQTT-3.8.4-2] [MQTT-3.2.2-10]
/// 3.1.1: [MQTT-3.8.4-4] [MQTT-3.8.4-5] [MQTT-3.9.3-1] [MQTT-3.9.3-2]
/// 3.1.1: [MQTT-2.3.1-7] [MQTT-3.8.4-1] [MQTT-3.8.4-2]
#[test]
fn suback_has_one_code_per_filter_refusing_only_the_bad_ones() {
    let mut n = Net::new(|o| {
        o.max_topic_depth = 2;
        o.maximum_qos = QoS::AtLeastOnce;
    });
    let c5 = n.connect(1, V5, "five");
    n.send(
        c5,
        subscribe(
            3,
            &[
                ("a", QoS::ExactlyOnce),
                ("a/b/c", QoS::AtMostOnce),
                ("b", QoS::AtMostOnce),
            ],
        ),
    );
    assert_eq!(
        n.take(c5),
        [vec![0x90, 0x06, 0x00, 0x03, 0x00, 0x01, 0x8f, 0x00]]
    );
    let c4 = n.connect(2, V4, "four");
    n.send(
        c4,
        subscribe(4, &[("a/b/c", QoS::AtMostOnce), ("x", QoS::AtLeastOnce)]),
    );
    assert_eq!(n.take(c4), [vec![0x90, 0x04, 0x00, 0x04, 0x80, 0x01]]);
}

/// 3.1.1: [MQTT-3.8.3-2]
#[test]
fn shared_and_wildcard_subscriptions_can_be_turned_off() {
    let mut n = Net::new(|o| {
        o.shared_subscriptions = false;
        o.wildcard_subscriptions = false;
    });
    let (c, ack) = n.connect_with(1, V5, "x", |_| {});
    let Packet::ConnAck(ack) = ack else { panic!() };
    assert_eq!(ack.properties.shared_subscription_available(), Some(false));
    assert_eq!(
        ack.properties.wildcard_subscription_available(),
        Some(false)
    );
    n.send(
        c,
        subscribe(
            1,
            &[("$share/g/t", QoS::AtMostOnce), ("a/+", QoS::AtMostOnce)],
        ),
    );
    assert_eq!(n.take(c), [vec![0x90, 0x05, 0x00, 0x01, 0x00, 0x9e, 0xa2]]);
    let c4 = n.connect(2, V4, "four");
    n.send(
        c4,
        subscribe(2, &[("a/#", QoS::AtMostOnce), ("a/b", QoS::AtMostOnce)]),
    );
    assert_eq!(n.take(c4), [vec![0x90, 0x04, 0x00, 0x02, 0x80, 0x00]]);
}

/// [MQTT-3.8.4-3]
/// 3.1.1: [MQTT-3.8.4-3]
#[test]
fn subscribing_again_to_a_filter_replaces_the_subscription() {
    let mut n = Net::new(|_| {});
    let c = n.connect(1, V4, "x");
    n.subscribe(c, "t", QoS::AtMostOnce);
    n.subscribe(c, "t", QoS::ExactlyOnce);
    let s = n.broker.session("x").unwrap();
    assert_eq!(
        (s.subscriptions.len(), s.subscriptions[0].options.qos),
        (1, QoS::ExactlyOnce)
    );
    assert_eq!(n.broker.subscription_count(), 1);
}

/// [MQTT-3.10.4-1] [MQTT-3.10.4-2] [MQTT-3.10.4-4] [MQTT-3.10.4-5] [MQTT-3.11.3-1]
/// [MQTT-2.2.1-6] [MQTT-3.10.4-6]
/// 3.1.1: [MQTT-3.10.4-1] [MQTT-3.10.4-2] [MQTT-3.10.4-4] [MQTT-3.10.4-5]
/// 3.1.1: [MQTT-2.3.1-7] [MQTT-3.10.4-6]
#[test]
fn unsubscribe_answers_per_filter_and_stops_delivery() {
    let mut n = Net::new(|_| {});
    let c5 = n.connect(1, V5, "five");
    n.subscribe(c5, "a/+", QoS::AtMostOnce);
    n.send(c5, unsubscribe(2, &["a/+", "a/b"]));
    assert_eq!(n.take(c5), [vec![0xb0, 0x05, 0x00, 0x02, 0x00, 0x00, 0x11]]);
    let c4 = n.connect(2, V4, "four");
    n.subscribe(c4, "x", QoS::AtMostOnce);
    n.subscribe(c4, "y", QoS::AtMostOnce);
    n.send(c4, unsubscribe(3, &["x", "nothing", "y"]));
    assert_eq!(n.take(c4), [vec![0xb0, 0x02, 0x00, 0x03]]);
    assert!(n.broker.session("four").unwrap().subscriptions.is_empty());
    n.publish(c4, "a/b", b"x", QosPid::AtMostOnce);
    assert!(n.take(c5).is_empty());
    assert_eq!(n.broker.subscription_count(), 0);
}

#[test]
fn clients_of_all_three_versions_exchange_messages() {
    let mut n = Net::new(|_| {});
    let ids = [(1, V3, "three"), (2, V4, "four"), (3, V5, "five")];
    let conns: Vec<ConnId> = ids.iter().map(|&(i, v, id)| n.connect(i, v, id)).collect();
    for &c in &conns {
        n.subscribe(c, "chat", QoS::AtLeastOnce);
    }
    n.send(conns[2], publish("chat", b"from five", q1(5)));
    n.send(conns[0], publish("chat", b"from three", q1(6)));
    for &c in &conns {
        let got: Vec<Vec<u8>> = publishes(&n.packets(c)).into_iter().map(|p| p.1).collect();
        assert_eq!(
            got,
            [b"from five".to_vec(), b"from three".to_vec()],
            "{c:?}"
        );
    }
}
