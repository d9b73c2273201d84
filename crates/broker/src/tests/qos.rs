//! QoS 1 and 2 in both directions, the in-flight windows, session resumption and the
//! offline queue.

use super::*;
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

fn persistent_v4(n: &mut Net, id: u64, client: &str) -> (ConnId, Packet<'static>) {
    n.connect_with(id, V4, client, |c| c.clean_start = false)
}

/// [MQTT-4.3.2-4] [MQTT-3.3.4-1] [MQTT-2.2.1-5]
/// 3.1.1: [MQTT-4.3.2-2] [MQTT-3.3.4-1] [MQTT-2.3.1-6]
#[test]
fn qos_1_is_acknowledged_with_no_matching_subscribers_in_mqtt_5() {
    let mut n = Net::new(|_| {});
    let c4 = n.connect(1, V4, "four");
    n.send(c4, publish("t", b"x", q1(1)));
    assert_eq!(n.take(c4), [vec![0x40, 0x02, 0x00, 0x01]]);
    let c5 = n.connect(2, V5, "five");
    n.send(c5, publish("nobody", b"x", q1(2)));
    assert_eq!(n.take(c5), [vec![0x40, 0x03, 0x00, 0x02, 0x10]]);
    n.subscribe(c4, "t", QoS::AtMostOnce);
    n.send(c5, publish("t", b"x", q1(3)));
    assert_eq!(n.take(c5), [vec![0x40, 0x02, 0x00, 0x03]]);
}

/// [MQTT-4.3.3-8] [MQTT-4.3.3-10] [MQTT-4.3.3-11] [MQTT-4.3.3-12] [MQTT-2.2.1-5]
/// 3.1.1: [MQTT-4.3.3-2] [MQTT-2.3.1-6]
#[test]
fn qos_2_inbound_is_routed_exactly_once() {
    let mut n = Net::new(|_| {});
    let sub = n.connect(1, V4, "sub");
    n.subscribe(sub, "t", QoS::AtMostOnce);
    let c = n.connect(2, V4, "pub");
    n.send(c, publish("t", b"once", q2(5)));
    assert_eq!(n.take(c), [vec![0x50, 0x02, 0x00, 0x05]]);
    let mut dup = Publish::new("t", &b"once"[..]);
    (dup.qos_pid, dup.dup) = (q2(5), true);
    n.send(c, Packet::Publish(dup));
    assert_eq!(n.take(c), [vec![0x50, 0x02, 0x00, 0x05]]);
    assert_eq!(publishes(&n.packets(sub)).len(), 1);
    n.feed(c, &[0x62, 0x02, 0x00, 0x05]);
    assert_eq!(n.take(c), [vec![0x70, 0x02, 0x00, 0x05]]);
    // The id is free again: a new message.
    n.send(c, publish("t", b"again", q2(5)));
    assert_eq!(publishes(&n.packets(sub)).len(), 1);
}

/// [MQTT-4.3.3-11]
#[test]
fn pubrel_for_an_unknown_id_gets_pubcomp_0x92_in_mqtt_5() {
    let mut n = Net::new(|_| {});
    let c5 = n.connect(1, V5, "five");
    n.feed(c5, &[0x62, 0x02, 0x00, 0x09]);
    assert_eq!(n.take(c5), [vec![0x70, 0x03, 0x00, 0x09, 0x92]]);
    let c4 = n.connect(2, V4, "four");
    n.feed(c4, &[0x62, 0x02, 0x00, 0x09]);
    assert_eq!(n.take(c4), [vec![0x70, 0x02, 0x00, 0x09]]);
}

/// [MQTT-3.3.4-7]
#[test]
fn one_qos_2_publish_past_our_receive_maximum_is_disconnect_0x93() {
    let mut n = Net::new(|o| o.receive_maximum = 2);
    let c = n.connect(1, V5, "x");
    n.publish(c, "t", b"1", q2(1));
    n.publish(c, "t", b"2", q2(2));
    // A duplicate of one awaiting PUBREL takes no slot.
    n.publish(c, "t", b"2", q2(2));
    assert!(!n.is_closed(c));
    n.send(c, publish("t", b"3", q2(3)));
    assert_eq!(n.take(c), [vec![0xe0, 0x01, 0x93]]);
    assert_eq!(violation(&n.events()), Some((None, "MQTT-3.3.4-7")));
}

/// [MQTT-3.3.4-9] [MQTT-4.9.0-1] [MQTT-4.9.0-2] [MQTT-4.9.0-3] [MQTT-3.3.4-10]
#[test]
fn the_outbound_window_honours_the_clients_receive_maximum() {
    let mut n = Net::new(|_| {});
    let (sub, _) = n.connect_with(1, V5, "sub", |c| {
        c.properties.to_mut().receive_maximum = Some(nz16(2));
    });
    n.subscribe(sub, "t", QoS::AtLeastOnce);
    let publ = n.connect(2, V5, "pub");
    for i in 1..=4 {
        n.publish(publ, "t", &[b'0' + i as u8], q1(i));
    }
    let ids: Vec<QosPid> = publishes(&n.packets(sub))
        .into_iter()
        .map(|p| p.2)
        .collect();
    assert_eq!(ids, [q1(1), q1(2)]);
    // A full window holds back no other packet.
    n.feed(sub, &[0xc0, 0x00]);
    assert_eq!(n.take(sub), [vec![0xd0, 0x00]]);
    n.send(sub, Packet::PubAck(ack(1)));
    let sent = n.take(sub);
    assert_eq!(
        sent,
        [vec![0x32, 0x07, 0x00, 0x01, b't', 0x00, 0x03, 0x00, b'3']]
    );
    assert_eq!(n.broker.session("sub").unwrap().queued, 1);
}

#[test]
fn mqtt_3_clients_get_the_fixed_window() {
    let mut n = Net::new(|o| o.v3_in_flight = 1);
    let sub = n.connect(1, V4, "sub");
    n.subscribe(sub, "t", QoS::AtLeastOnce);
    let publ = n.connect(2, V4, "pub");
    n.publish(publ, "t", b"a", q1(1));
    n.publish(publ, "t", b"b", q1(2));
    assert_eq!(publishes(&n.packets(sub)).len(), 1);
    n.send(sub, Packet::PubAck(ack(1)));
    assert_eq!(publishes(&n.packets(sub))[0].1, b"b");
}

/// [MQTT-4.3.3-2] [MQTT-4.3.3-4] [MQTT-4.3.3-5] [MQTT-4.3.3-6]
#[test]
fn qos_2_outbound_goes_publish_pubrec_pubrel_pubcomp() {
    let mut n = Net::new(|_| {});
    let sub = n.connect(1, V4, "sub");
    n.subscribe(sub, "t", QoS::ExactlyOnce);
    let publ = n.connect(2, V4, "pub");
    n.publish(publ, "t", b"x", q2(9));
    assert_eq!(
        n.take(sub),
        [vec![0x34, 0x06, 0x00, 0x01, b't', 0x00, 0x01, b'x']]
    );
    n.feed(sub, &[0x50, 0x02, 0x00, 0x01]);
    assert_eq!(n.take(sub), [vec![0x62, 0x02, 0x00, 0x01]]);
    assert_eq!(n.broker.session("sub").unwrap().in_flight, 1);
    n.feed(sub, &[0x70, 0x02, 0x00, 0x01]);
    assert_eq!(n.broker.session("sub").unwrap().in_flight, 0);
}

/// [MQTT-4.4.0-2]
#[test]
fn a_refusing_pubrec_ends_the_exchange_without_pubrel() {
    let mut n = Net::new(|_| {});
    let sub = n.connect(1, V5, "sub");
    n.subscribe(sub, "t", QoS::ExactlyOnce);
    let publ = n.connect(2, V5, "pub");
    n.publish(publ, "t", b"x", q2(1));
    n.take(sub);
    n.feed(sub, &[0x50, 0x03, 0x00, 0x01, 0x80]);
    assert!(n.take(sub).is_empty());
    assert_eq!(n.broker.session("sub").unwrap().in_flight, 0);
}

/// [MQTT-4.4.0-1] [MQTT-3.3.1-1] [MQTT-3.1.2-5] [MQTT-3.2.2-3]
/// 3.1.1: [MQTT-4.4.0-1] [MQTT-3.1.2-4] [MQTT-3.2.2-2] [MQTT-3.3.1-1]
#[test]
fn a_resumed_session_gets_unacknowledged_publish_and_pubrel_again_in_order() {
    let mut n = Net::new(|_| {});
    let (sub, _) = persistent_v4(&mut n, 1, "sub");
    n.subscribe(sub, "t", QoS::ExactlyOnce);
    let publ = n.connect(2, V4, "pub");
    n.publish(publ, "t", b"1", q1(1));
    n.publish(publ, "t", b"2", q2(2));
    n.publish(publ, "t", b"3", q1(3));
    n.take(sub);
    n.feed(sub, &[0x50, 0x02, 0x00, 0x02]);
    assert_eq!(n.take(sub), [vec![0x62, 0x02, 0x00, 0x02]]);
    n.broker.handle_closed(sub, n.now);
    n.drain();
    let (sub, ack) = persistent_v4(&mut n, 3, "sub");
    assert_eq!(enc(V4, ack), [0x20, 0x02, 0x01, 0x00]);
    assert_eq!(
        n.take(sub),
        [
            vec![0x3a, 0x06, 0x00, 0x01, b't', 0x00, 0x01, b'1'],
            vec![0x62, 0x02, 0x00, 0x02],
            vec![0x3a, 0x06, 0x00, 0x01, b't', 0x00, 0x03, b'3'],
        ]
    );
}

/// [MQTT-3.1.2-4] [MQTT-3.2.2-2] [MQTT-3.1.4-4]
/// 3.1.1: [MQTT-3.1.2-6] [MQTT-3.2.2-1] [MQTT-3.1.4-3]
#[test]
fn clean_start_discards_the_stored_session() {
    let mut n = Net::new(|_| {});
    let (sub, _) = persistent_v4(&mut n, 1, "sub");
    n.subscribe(sub, "t", QoS::AtLeastOnce);
    n.send(sub, disconnect(ReasonCode::Success));
    let (_, ack) = n.connect_with(2, V4, "sub", |_| {});
    assert_eq!(enc(V4, ack), [0x20, 0x02, 0x00, 0x00]);
    assert!(n.broker.session("sub").unwrap().subscriptions.is_empty());
}

/// 3.1.1: [MQTT-3.1.2-5]
#[test]
fn the_offline_queue_is_bounded_and_drops_are_reported() {
    let mut n = Net::new(|o| o.max_queued_messages = 2);
    let (sub, _) = persistent_v4(&mut n, 1, "sub");
    n.subscribe(sub, "t", QoS::AtLeastOnce);
    n.send(sub, disconnect(ReasonCode::Success));
    let publ = n.connect(2, V4, "pub");
    n.events();
    for i in 1..=3 {
        n.publish(publ, "t", &[b'0' + i as u8], q1(i));
    }
    let drops: Vec<Event> = n
        .events()
        .into_iter()
        .filter(|e| matches!(e, Event::MessageDropped { .. }))
        .collect();
    assert_eq!(
        drops,
        [Event::MessageDropped {
            client_id: "sub".into(),
            topic: "t".into(),
            reason: DropReason::QueueFull
        }]
    );
    assert_eq!(n.broker.session("sub").unwrap().dropped, 1);
    let (sub, _) = persistent_v4(&mut n, 3, "sub");
    let got: Vec<Vec<u8>> = publishes(&n.packets(sub))
        .into_iter()
        .map(|p| p.1)
        .collect();
    assert_eq!(got, [b"1".to_vec(), b"2".to_vec()]);
}

/// [MQTT-3.8.4-8] [MQTT-3.3.1-3] [MQTT-4.3.1-1]
/// 3.1.1: [MQTT-3.8.4-6] [MQTT-3.3.1-3] [MQTT-4.3.1-1]
#[test]
fn delivery_qos_is_the_lower_of_published_and_granted_and_dup_is_not_copied() {
    let mut n = Net::new(|_| {});
    let sub = n.connect(1, V4, "sub");
    n.subscribe(sub, "t", QoS::AtMostOnce);
    let publ = n.connect(2, V4, "pub");
    let mut p = Publish::new("t", &b"x"[..]);
    (p.qos_pid, p.dup) = (q2(4), true);
    n.send(publ, Packet::Publish(p));
    assert_eq!(n.take(sub), [vec![0x30, 0x04, 0x00, 0x01, b't', b'x']]);
}

/// [MQTT-3.1.4-3] [MQTT-4.4.0-1] [MQTT-3.1.2-5]
#[test]
fn a_takeover_resumes_the_session_and_resends_what_was_in_flight() {
    let mut n = Net::new(|_| {});
    let persistent = |c: &mut Connect<'static>| {
        c.clean_start = false;
        c.properties.to_mut().session_expiry_interval = Some(60);
    };
    let (old, _) = n.connect_with(1, V5, "sub", persistent);
    n.subscribe(old, "t", QoS::AtLeastOnce);
    let publ = n.connect(2, V4, "pub");
    n.publish(publ, "t", b"x", q1(1));
    assert_eq!(publishes(&n.packets(old)).len(), 1);
    let (new, ack) = n.connect_with(3, V5, "sub", persistent);
    assert_eq!(n.take(old), [vec![0xe0, 0x01, 0x8e]]);
    assert_eq!(enc(V5, ack)[2], 0x01, "Session Present");
    assert_eq!(
        n.take(new),
        [vec![0x3a, 0x07, 0x00, 0x01, b't', 0x00, 0x01, 0x00, b'x']]
    );
}

#[test]
fn a_resent_publish_now_too_big_for_the_client_is_dropped_and_its_slot_freed() {
    let mut n = Net::new(|_| {});
    let (sub, _) = n.connect_with(1, V5, "sub", |c| {
        c.clean_start = false;
        c.properties.to_mut().session_expiry_interval = Some(60);
    });
    n.subscribe(sub, "t", QoS::AtLeastOnce);
    let publ = n.connect(2, V4, "pub");
    n.publish(publ, "t", &[1; 40], q1(1));
    n.take(sub);
    n.broker.handle_closed(sub, n.now);
    n.drain();
    let (sub, _) = n.connect_with(3, V5, "sub", |c| {
        c.clean_start = false;
        c.properties.to_mut().session_expiry_interval = Some(60);
        c.properties.to_mut().maximum_packet_size = Some(nz32(30));
    });
    assert!(n.take(sub).is_empty());
    assert_eq!(n.broker.session("sub").unwrap().in_flight, 0);
}

/// 3.1.1: [MQTT-3.3.5-2]
#[test]
fn a_topic_past_our_limits_is_refused_with_0x90_or_acknowledged_and_dropped() {
    let mut n = Net::new(|o| o.max_topic_length = 4);
    let sub = n.connect(1, V4, "sub");
    n.subscribe(sub, "#", QoS::AtMostOnce);
    let c5 = n.connect(2, V5, "five");
    n.send(c5, publish("too/long", b"x", q1(1)));
    assert_eq!(n.take(c5), [vec![0x40, 0x03, 0x00, 0x01, 0x90]]);
    let c4 = n.connect(3, V4, "four");
    n.send(c4, publish("too/long", b"x", q2(2)));
    assert_eq!(n.take(c4), [vec![0x50, 0x02, 0x00, 0x02]]);
    assert!(n.take(sub).is_empty());
}
