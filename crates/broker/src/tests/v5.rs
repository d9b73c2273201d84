//! MQTT 5: message expiry, topic aliases both ways, Maximum Packet Size, property
//! passthrough, session expiry and wills.

use super::*;
use mqttscope_proto::codec::{PublishProperties, UserProperty, Will, WillProperties};
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

fn persistent(n: &mut Net, id: u64, client: &str, expiry: u32) -> (ConnId, Packet<'static>) {
    n.connect_with(id, V5, client, |c| {
        c.clean_start = false;
        c.properties.to_mut().session_expiry_interval = Some(expiry);
    })
}

fn with_will(delay: u32, expiry: u32) -> impl FnOnce(&mut Connect<'static>) {
    move |c| {
        c.clean_start = false;
        c.properties.to_mut().session_expiry_interval = Some(expiry);
        let mut w = Will {
            topic: "will".into(),
            payload: b"gone".to_vec().into(),
            qos: QoS::AtMostOnce,
            retain: false,
            properties: Default::default(),
        };
        if delay > 0 {
            w.properties = WillProperties {
                will_delay_interval: Some(delay),
                ..Default::default()
            }
            .into();
        }
        c.will = Some(w);
    }
}

fn will_watcher(n: &mut Net) -> ConnId {
    let w = n.connect(90, V4, "watcher");
    n.subscribe(w, "will", QoS::AtMostOnce);
    w
}

fn got(n: &mut Net, c: ConnId) -> Vec<Vec<u8>> {
    publishes(&n.packets(c)).into_iter().map(|p| p.1).collect()
}

/// [MQTT-3.3.2-5] [MQTT-3.3.2-6]
#[test]
fn message_expiry_counts_down_while_queued_and_drops_expired_messages() {
    let mut n = Net::new(|_| {});
    let (sub, _) = persistent(&mut n, 1, "sub", 60);
    n.subscribe(sub, "t", QoS::AtLeastOnce);
    n.send(sub, disconnect(ReasonCode::Success));
    let publ = n.connect(2, V5, "pub");
    for (i, expiry) in [(1, 10), (2, 2)] {
        let mut p = Publish::new("t", vec![b'0' + i as u8]);
        p.qos_pid = q1(i);
        p.properties.to_mut().message_expiry_interval = Some(expiry);
        n.send(publ, Packet::Publish(p));
    }
    n.sleep(4_000);
    n.events();
    let (sub, _) = persistent(&mut n, 3, "sub", 60);
    let sent = n.packets(sub);
    let [Packet::Publish(p)] = &sent[..] else {
        panic!("{sent:?}")
    };
    assert_eq!(
        (&*p.payload, p.properties.message_expiry_interval()),
        (&b"1"[..], Some(6))
    );
    assert!(n.events().iter().any(|e| matches!(
        e,
        Event::MessageDropped {
            reason: DropReason::Expired,
            ..
        }
    )));
}

/// [MQTT-3.3.2-12] [MQTT-3.3.2-7]
#[test]
fn inbound_topic_aliases_are_accepted_up_to_our_maximum_per_connection() {
    let mut n = Net::new(|o| o.topic_alias_maximum = 2);
    let sub = n.connect(1, V4, "sub");
    n.subscribe(sub, "a/b", QoS::AtMostOnce);
    let publ = n.connect(2, V5, "pub");
    // "a/b" with alias 2, then the alias alone.
    n.feed(
        publ,
        &[
            0x30, 0x0a, 0x00, 0x03, b'a', b'/', b'b', 0x03, 0x23, 0x00, 0x02, b'1',
        ],
    );
    n.feed(
        publ,
        &[0x30, 0x07, 0x00, 0x00, 0x03, 0x23, 0x00, 0x02, b'2'],
    );
    assert_eq!(got(&mut n, sub), [b"1".to_vec(), b"2".to_vec()]);
    assert_eq!(
        n.broker.client(publ).unwrap().aliases_in,
        [(2, "a/b".to_owned())]
    );
    // Above the maximum.
    n.feed(
        publ,
        &[
            0x30, 0x0a, 0x00, 0x03, b'a', b'/', b'b', 0x03, 0x23, 0x00, 0x03, b'3',
        ],
    );
    assert_eq!(n.take(publ), [vec![0xe0, 0x01, 0x94]]);
    // A new connection starts without aliases.
    let publ = n.connect(3, V5, "pub");
    n.feed(
        publ,
        &[0x30, 0x07, 0x00, 0x00, 0x03, 0x23, 0x00, 0x02, b'4'],
    );
    assert_eq!(n.take(publ), [vec![0xe0, 0x01, 0x94]]);
    assert_eq!(violation(&n.events()), Some((None, "3.3.2.3.4")));
}

/// [MQTT-3.1.2-26] [MQTT-3.1.2-27] [MQTT-3.3.2-11] [MQTT-3.3.2-8]
#[test]
fn outbound_topic_aliases_are_assigned_within_the_clients_maximum() {
    let mut n = Net::new(|o| o.assign_topic_aliases = true);
    let (sub, _) = n.connect_with(1, V5, "sub", |c| {
        c.properties.to_mut().topic_alias_maximum = Some(1)
    });
    n.subscribe(sub, "#", QoS::AtMostOnce);
    let plain = n.connect(2, V5, "plain");
    n.subscribe(plain, "#", QoS::AtMostOnce);
    let publ = n.connect(3, V4, "pub");
    for t in ["t", "t", "u"] {
        n.publish(publ, t, b"x", QosPid::AtMostOnce);
    }
    assert_eq!(
        n.take(sub),
        [
            vec![0x30, 0x08, 0x00, 0x01, b't', 0x03, 0x23, 0x00, 0x01, b'x'],
            vec![0x30, 0x07, 0x00, 0x00, 0x03, 0x23, 0x00, 0x01, b'x'],
            vec![0x30, 0x05, 0x00, 0x01, b'u', 0x00, b'x'],
        ]
    );
    assert!(
        n.take(plain).iter().all(|b| b[5] == 0x00),
        "no aliases without a maximum"
    );
}

/// [MQTT-3.1.2-24] [MQTT-3.1.2-25]
#[test]
fn a_message_too_big_for_the_client_is_dropped_not_sent() {
    let mut n = Net::new(|_| {});
    let (sub, _) = n.connect_with(1, V5, "sub", |c| {
        c.properties.to_mut().maximum_packet_size = Some(nz32(20));
        c.properties.to_mut().receive_maximum = Some(nz16(1));
    });
    n.subscribe(sub, "t", QoS::AtLeastOnce);
    let publ = n.connect(2, V4, "pub");
    n.events();
    n.publish(publ, "t", &[7; 50], q1(1));
    n.publish(publ, "t", b"small", q1(2));
    assert_eq!(got(&mut n, sub), [b"small".to_vec()]);
    let drops: Vec<DropReason> = n
        .events()
        .into_iter()
        .filter_map(|e| match e {
            Event::MessageDropped { reason, .. } => Some(reason),
            _ => None,
        })
        .collect();
    assert_eq!(drops, [DropReason::TooLarge { size: 58, max: 20 }]);
}

/// [MQTT-3.3.2-4] [MQTT-3.3.2-15] [MQTT-3.3.2-16] [MQTT-3.3.2-17] [MQTT-3.3.2-18] [MQTT-3.3.2-20]
#[test]
fn request_response_and_user_properties_are_forwarded_unchanged_in_order() {
    let mut n = Net::new(|_| {});
    let sub5 = n.connect(1, V5, "five");
    n.subscribe(sub5, "req", QoS::AtMostOnce);
    let sub4 = n.connect(2, V4, "four");
    n.subscribe(sub4, "req", QoS::AtMostOnce);
    let publ = n.connect(3, V5, "pub");
    let props = PublishProperties {
        payload_format_indicator: Some(true),
        content_type: Some("text/plain".into()),
        response_topic: Some("resp/1".into()),
        correlation_data: Some(b"c1".to_vec().into()),
        user_properties: vec![
            UserProperty::new("k", "1"),
            UserProperty::new("a", "2"),
            UserProperty::new("k", "3"),
        ],
        ..Default::default()
    };
    let mut p = Publish::new("req", &b"hello"[..]);
    p.properties = props.clone().into();
    n.send(publ, Packet::Publish(p));
    let sent = n.packets(sub5);
    let [Packet::Publish(got5)] = &sent[..] else {
        panic!("{sent:?}")
    };
    assert_eq!(got5.properties.to_typed(), props);
    assert_eq!(publishes(&n.packets(sub4))[0].1, b"hello");
}

#[test]
fn a_payload_marked_utf8_that_is_not_is_disconnect_0x99() {
    let mut n = Net::new(|_| {});
    let c = n.connect(1, V5, "x");
    n.feed(
        c,
        &[0x30, 0x08, 0x00, 0x01, b't', 0x02, 0x01, 0x01, b'a', 0xff],
    );
    assert_eq!(n.take(c), [vec![0xe0, 0x01, 0x99]]);
    assert_eq!(violation(&n.events()), Some((Some(9), "3.3.2.3.2")));
}

/// [MQTT-3.1.2-23]
#[test]
fn a_session_lives_for_its_expiry_interval_after_the_connection() {
    let mut n = Net::new(|o| o.session_expiry_cap = 30);
    let (c, ack) = persistent(&mut n, 1, "s", 100);
    let Packet::ConnAck(ack) = ack else { panic!() };
    assert_eq!(ack.properties.session_expiry_interval(), Some(30), "capped");
    n.subscribe(c, "t", QoS::AtLeastOnce);
    n.send(c, disconnect(ReasonCode::Success));
    n.events();
    n.sleep(29_000);
    assert!(n.broker.session("s").is_some());
    n.advance();
    assert_eq!(n.now, Instant::from_millis(30_000));
    assert_eq!(
        n.events(),
        [Event::SessionExpired {
            client_id: "s".into()
        }]
    );
    assert_eq!(n.broker.subscription_count(), 0);
    let (_, ack) = persistent(&mut n, 2, "s", 100);
    let Packet::ConnAck(ack) = ack else { panic!() };
    assert!(!ack.session_present);
}

#[test]
fn a_session_with_expiry_0_ends_with_its_connection_and_disconnect_cannot_raise_it() {
    let mut n = Net::new(|_| {});
    let c = n.connect(1, V5, "s");
    let mut d = Disconnect::new(ReasonCode::Success);
    d.properties.to_mut().session_expiry_interval = Some(10);
    n.send(c, Packet::Disconnect(d));
    assert_eq!(n.take(c), [vec![0xe0, 0x01, 0x82]]);
    assert!(n.broker.session("s").is_none());
}

/// [MQTT-3.1.2-8] [MQTT-3.1.2-14]
#[test]
fn the_will_is_published_when_the_connection_drops() {
    let mut n = Net::new(|_| {});
    let w = will_watcher(&mut n);
    let (c, _) = n.connect_with(1, V5, "dies", with_will(0, 0));
    n.broker.handle_closed(c, n.now);
    n.drain();
    assert_eq!(
        n.take(w),
        [vec![
            0x30, 0x0a, 0x00, 0x04, b'w', b'i', b'l', b'l', b'g', b'o', b'n', b'e'
        ]]
    );
}

/// [MQTT-3.14.4-3] [MQTT-3.1.2-10]
#[test]
fn disconnect_0x00_drops_the_will_and_0x04_publishes_it() {
    let mut n = Net::new(|_| {});
    let w = will_watcher(&mut n);
    let (c, _) = n.connect_with(1, V5, "a", with_will(0, 0));
    n.send(c, disconnect(ReasonCode::Success));
    assert!(got(&mut n, w).is_empty());
    let (c, _) = n.connect_with(2, V5, "b", with_will(0, 0));
    n.send(c, disconnect(ReasonCode::DisconnectWithWill));
    assert_eq!(got(&mut n, w), [b"gone".to_vec()]);
}

/// [MQTT-3.1.3-9]
#[test]
fn a_delayed_will_is_cancelled_by_a_reconnection_in_time() {
    let mut n = Net::new(|_| {});
    let w = will_watcher(&mut n);
    let (c, _) = n.connect_with(1, V5, "a", with_will(5, 60));
    n.broker.handle_closed(c, n.now);
    n.drain();
    n.sleep(2_000);
    persistent(&mut n, 2, "a", 60);
    n.sleep(10_000);
    assert!(got(&mut n, w).is_empty());
}

/// [MQTT-3.1.2-8]
#[test]
fn a_delayed_will_goes_out_at_the_earlier_of_its_delay_and_the_session_end() {
    let mut n = Net::new(|_| {});
    let w = will_watcher(&mut n);
    let (c, _) = n.connect_with(1, V5, "a", with_will(5, 60));
    let (d, _) = n.connect_with(2, V5, "b", with_will(30, 3));
    n.broker.handle_closed(c, n.now);
    n.broker.handle_closed(d, n.now);
    n.drain();
    n.advance();
    assert_eq!(
        (n.now, got(&mut n, w).len()),
        (Instant::from_millis(3_000), 1)
    );
    n.advance();
    assert_eq!(
        (n.now, got(&mut n, w).len()),
        (Instant::from_millis(5_000), 1)
    );
}

/// 3.1.1: [MQTT-3.1.2-8] [MQTT-3.1.2-17] [MQTT-3.1.2-24]
#[test]
fn a_retained_will_is_stored_as_retained() {
    let mut n = Net::new(|_| {});
    let (c, _) = n.connect_with(1, V4, "a", |c| {
        c.will = Some(Will {
            topic: "w".into(),
            payload: b"x".to_vec().into(),
            qos: QoS::AtLeastOnce,
            retain: true,
            properties: Default::default(),
        });
        c.keep_alive = 2;
    });
    n.advance();
    assert!(n.is_closed(c));
    assert_eq!(n.broker.retained()[0].topic, "w");
}

#[test]
fn reason_strings_are_sent_only_when_enabled_and_wanted() {
    let mut n = Net::new(|o| o.reason_strings = true);
    let c = n.connect(1, V5, "x");
    n.send(c, Packet::Connect(Box::new(Connect::new(V5, "x"))));
    let sent = n.packets(c);
    let [Packet::Disconnect(d)] = &sent[..] else {
        panic!("{sent:?}")
    };
    assert_eq!(d.properties.reason_string(), Some("Protocol Error"));
    let (c, _) = n.connect_with(2, V5, "y", |c| {
        c.properties.to_mut().request_problem_information = Some(false)
    });
    n.send(c, Packet::Connect(Box::new(Connect::new(V5, "y"))));
    assert_eq!(n.take(c), [vec![0xe0, 0x01, 0x82]]);
}

/// [MQTT-3.3.4-6]
#[test]
fn a_subscription_identifier_from_a_client_is_a_protocol_error() {
    let mut n = Net::new(|_| {});
    let c = n.connect(1, V5, "x");
    n.feed(c, &[0x30, 0x06, 0x00, 0x01, b't', 0x02, 0x0b, 0x01]);
    assert_eq!(n.take(c), [vec![0xe0, 0x01, 0x82]]);
    assert_eq!(violation(&n.events()), Some((None, "MQTT-3.3.4-6")));
}
