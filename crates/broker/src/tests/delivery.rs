//! Packet identifiers both ways, what acknowledgements and DISCONNECT leave out, the
//! order of delivery, and what subscribing and unsubscribing do to messages on the way.

use super::*;
use mqttscope_proto::codec::RetainHandling;
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

/// Once a QoS 1 PUBLISH is acknowledged its identifier is free: a PUBLISH reusing it is
/// a new message, delivered again, even with DUP set.
/// [MQTT-4.3.2-5]
#[test]
fn an_identifier_reused_after_puback_is_a_new_message_whatever_its_dup() {
    let mut n = Net::new(|_| {});
    let sub = n.connect(1, V4, "sub");
    n.subscribe(sub, "t", QoS::AtMostOnce);
    let publ = n.connect(2, V5, "pub");
    n.send(publ, publish("t", b"a", q1(1)));
    assert_eq!(n.take(publ), [vec![0x40, 0x02, 0x00, 0x01]]);
    let mut again = Publish::new("t", &b"b"[..]);
    (again.qos_pid, again.dup) = (q1(1), true);
    n.send(publ, Packet::Publish(again));
    assert_eq!(n.take(publ), [vec![0x40, 0x02, 0x00, 0x01]]);
    let got: Vec<Vec<u8>> = publishes(&n.packets(sub))
        .into_iter()
        .map(|p| p.1)
        .collect();
    assert_eq!(got, [b"a".to_vec(), b"b".to_vec()]);
}

/// A QoS 2 PUBLISH refused with PUBREC 0x90 leaves no state: the next PUBLISH with its
/// identifier is a new message.
/// [MQTT-4.3.3-9]
#[test]
fn a_qos_2_identifier_refused_with_pubrec_0x90_is_free_again() {
    let mut n = Net::new(|o| o.max_topic_length = 4);
    let sub = n.connect(1, V4, "sub");
    n.subscribe(sub, "#", QoS::AtMostOnce);
    let publ = n.connect(2, V5, "pub");
    n.send(publ, publish("too/long", b"x", q2(2)));
    assert_eq!(n.take(publ), [vec![0x50, 0x03, 0x00, 0x02, 0x90]]);
    n.send(publ, publish("t", b"y", q2(2)));
    assert_eq!(n.take(publ), [vec![0x50, 0x02, 0x00, 0x02]]);
    assert_eq!(n.take(sub), [vec![0x30, 0x04, 0x00, 0x01, b't', b'y']]);
    n.feed(publ, &[0x62, 0x02, 0x00, 0x02]);
    assert_eq!(n.take(publ), [vec![0x70, 0x02, 0x00, 0x02]]);
}

/// The broker as sender: each new QoS 1 or 2 message gets a non-zero identifier no
/// message in flight holds, is sent with DUP 0, and stays unacknowledged until its
/// PUBACK (QoS 1) or PUBREC (QoS 2); PUBREL after PUBREC, never the PUBLISH again.
/// [MQTT-2.2.1-4] [MQTT-4.3.2-1] [MQTT-4.3.2-2] [MQTT-4.3.2-3] [MQTT-4.3.3-1] [MQTT-4.3.3-3]
/// 3.1.1: [MQTT-2.3.1-4] [MQTT-4.3.2-1] [MQTT-4.3.3-1]
#[test]
fn outbound_identifiers_are_non_zero_and_never_in_use() {
    let mut n = Net::new(|_| {});
    let sub = n.connect(1, V4, "sub");
    n.subscribe(sub, "t", QoS::ExactlyOnce);
    let publ = n.connect(2, V4, "pub");
    n.publish(publ, "t", b"a", q1(7));
    n.publish(publ, "t", b"b", q2(7));
    n.publish(publ, "t", b"c", q1(8));
    assert_eq!(
        n.take(sub),
        [
            vec![0x32, 0x06, 0x00, 0x01, b't', 0x00, 0x01, b'a'],
            vec![0x34, 0x06, 0x00, 0x01, b't', 0x00, 0x02, b'b'],
            vec![0x32, 0x06, 0x00, 0x01, b't', 0x00, 0x03, b'c'],
        ]
    );
    assert_eq!(n.broker.session("sub").unwrap().in_flight, 3);
    n.feed(sub, &[0x40, 0x02, 0x00, 0x01]);
    n.feed(sub, &[0x50, 0x02, 0x00, 0x02]);
    assert_eq!(n.take(sub), [vec![0x62, 0x02, 0x00, 0x02]]);
    assert_eq!(n.broker.session("sub").unwrap().in_flight, 2);
    // Ids 2 (awaiting PUBCOMP) and 3 (awaiting PUBACK) are in use.
    for i in 0..40u16 {
        n.publish(publ, "t", b"n", q1(100 + i));
        let sent = publishes(&n.packets(sub));
        let [(_, _, QosPid::AtLeastOnce(id), _, false)] = &sent[..] else {
            panic!("{sent:?}")
        };
        assert!(![2, 3].contains(&id.get()), "id {id:?} is in use");
        n.send(sub, Packet::PubAck(ack(id.get())));
    }
}

/// The broker puts no Reason String or User Property in any acknowledgement, even with
/// reason strings on: so none goes to a client that asked for no problem information,
/// and none can push an acknowledgement past a client's Maximum Packet Size.
/// [MQTT-3.1.2-29] [MQTT-3.4.2-2] [MQTT-3.4.2-3] [MQTT-3.5.2-2] [MQTT-3.5.2-3]
/// [MQTT-3.6.2-2] [MQTT-3.6.2-3] [MQTT-3.7.2-2] [MQTT-3.7.2-3] [MQTT-3.9.2-1]
/// [MQTT-3.9.2-2] [MQTT-3.11.2-1] [MQTT-3.11.2-2]
#[test]
fn acknowledgements_carry_no_reason_string_or_user_property() {
    let mut n = Net::new(|o| {
        o.reason_strings = true;
        o.max_topic_length = 4;
        o.max_topic_depth = 2;
    });
    let shapes: [fn(&mut Connect<'static>); 2] = [
        |c| c.properties.to_mut().request_problem_information = Some(false),
        |c| c.properties.to_mut().maximum_packet_size = Some(nz32(12)),
    ];
    for (i, shape) in shapes.into_iter().enumerate() {
        let id = 10 * i as u64;
        let (c, _) = n.connect_with(id + 1, V5, &format!("c{i}"), shape);
        n.subscribe(c, "t", QoS::ExactlyOnce);
        n.send(c, publish("too/long", b"x", q1(1)));
        assert_eq!(n.take(c), [vec![0x40, 0x03, 0x00, 0x01, 0x90]]);
        n.send(c, publish("too/long", b"x", q2(2)));
        assert_eq!(n.take(c), [vec![0x50, 0x03, 0x00, 0x02, 0x90]]);
        n.feed(c, &[0x62, 0x02, 0x00, 0x09]);
        assert_eq!(n.take(c), [vec![0x70, 0x03, 0x00, 0x09, 0x92]]);
        n.send(c, subscribe(3, &[("a/b/c", QoS::AtMostOnce)]));
        assert_eq!(n.take(c), [vec![0x90, 0x04, 0x00, 0x03, 0x00, 0x8f]]);
        n.send(c, unsubscribe(4, &["nothing"]));
        assert_eq!(n.take(c), [vec![0xb0, 0x04, 0x00, 0x04, 0x00, 0x11]]);
        // As a QoS 2 sender: PUBLISH, PUBREC in, PUBREL out.
        let publ = n.connect(id + 2, V4, &format!("p{i}"));
        n.publish(publ, "t", b"x", QosPid::ExactlyOnce(pid(1)));
        assert_eq!(
            n.take(c),
            [vec![0x34, 0x07, 0x00, 0x01, b't', 0x00, 0x01, 0x00, b'x']]
        );
        n.feed(c, &[0x50, 0x02, 0x00, 0x01]);
        assert_eq!(n.take(c), [vec![0x62, 0x02, 0x00, 0x01]]);
    }
}

/// A Reason String on CONNACK or DISCONNECT is sent only when the whole packet fits the
/// client's Maximum Packet Size; a DISCONNECT from the server never carries a Session
/// Expiry Interval.
/// The exact bytes show that no User Property goes on either.
/// [MQTT-3.2.2-19] [MQTT-3.2.2-20] [MQTT-3.14.2-2] [MQTT-3.14.2-3] [MQTT-3.14.2-4]
#[test]
fn a_reason_string_that_would_not_fit_the_clients_maximum_is_left_out() {
    let mut n = Net::new(|o| {
        o.reason_strings = true;
        o.allow_anonymous = false;
    });
    let (_, ack) = n.connect_with(1, V5, "x", |_| {});
    let Packet::ConnAck(ack) = ack else { panic!() };
    assert_eq!(ack.properties.reason_string(), Some("Not authorized"));
    let (_, ack) = n.connect_with(2, V5, "x", |c| {
        c.properties.to_mut().maximum_packet_size = Some(nz32(10));
    });
    assert_eq!(enc(V5, ack), [0x20, 0x03, 0x00, 0x87, 0x00]);

    let mut n = Net::new(|o| o.reason_strings = true);
    let persistent = |c: &mut Connect<'static>| {
        c.clean_start = false;
        c.properties.to_mut().session_expiry_interval = Some(60);
    };
    let (c, _) = n.connect_with(1, V5, "big", persistent);
    n.send(c, Packet::Connect(Box::new(Connect::new(V5, "big"))));
    let sent = n.packets(c);
    let [Packet::Disconnect(d)] = &sent[..] else {
        panic!("{sent:?}")
    };
    assert_eq!(d.properties.reason_string(), Some("Protocol Error"));
    assert_eq!(d.properties.session_expiry_interval(), None);
    let (c, _) = n.connect_with(2, V5, "small", |c| {
        persistent(c);
        c.properties.to_mut().maximum_packet_size = Some(nz32(10));
    });
    n.send(c, Packet::Connect(Box::new(Connect::new(V5, "small"))));
    assert_eq!(n.take(c), [vec![0xe0, 0x01, 0x82]]);
}

/// After its DISCONNECT the broker sends nothing more on that connection and closes it,
/// though the session lives on and messages for it arrive.
/// [MQTT-3.14.4-1] [MQTT-3.14.4-2]
#[test]
fn after_its_disconnect_the_broker_sends_nothing_and_closes() {
    let mut n = Net::new(|_| {});
    let (c, _) = n.connect_with(1, V5, "s", |c| {
        c.clean_start = false;
        c.properties.to_mut().session_expiry_interval = Some(60);
    });
    n.subscribe(c, "t", QoS::AtLeastOnce);
    n.send(c, Packet::Connect(Box::new(Connect::new(V5, "s"))));
    assert_eq!(n.take(c), [vec![0xe0, 0x01, 0x82]]);
    assert!(n.is_closed(c));
    let publ = n.connect(2, V4, "pub");
    n.publish(publ, "t", b"x", q1(1));
    n.feed(c, &[0xc0, 0x00]);
    n.sleep(120_000);
    assert!(n.take(c).is_empty());
    assert!(n.late.is_empty());
}

/// Messages from one client on one topic at one QoS reach each non-shared subscriber in
/// the order they were published, whatever the subscriber's version or filter.
/// [MQTT-4.6.0-5] [MQTT-4.6.0-6]
/// 3.1.1: [MQTT-4.6.0-5] [MQTT-4.6.0-6]
#[test]
fn messages_from_one_client_arrive_in_the_order_sent() {
    let mut n = Net::new(|o| o.v3_in_flight = 2);
    let subs = [
        n.connect(1, V4, "four"),
        n.connect(2, V5, "five"),
        n.connect(3, V4, "wild"),
    ];
    n.subscribe(subs[0], "o/t", QoS::AtLeastOnce);
    n.subscribe(subs[1], "o/t", QoS::AtLeastOnce);
    n.subscribe(subs[2], "o/+", QoS::AtLeastOnce);
    let publ = n.connect(4, V5, "pub");
    for i in 1..=6u16 {
        n.publish(publ, "o/t", &[b'0' + i as u8], q1(i));
    }
    for c in subs {
        let mut got = Vec::new();
        while got.len() < 6 {
            let sent = publishes(&n.packets(c));
            assert!(!sent.is_empty(), "{c:?} stalled after {got:?}");
            for (_, payload, qos, _, _) in sent {
                got.push(payload[0]);
                let QosPid::AtLeastOnce(id) = qos else {
                    panic!()
                };
                n.send(c, Packet::PubAck(ack(id.get())));
            }
        }
        assert_eq!(got, b"123456", "{c:?}");
    }
}

/// A message is added to the session of every matching subscriber, connected or not,
/// and to no other.
/// [MQTT-4.5.0-1]
/// 3.1.1: [MQTT-4.5.0-1]
#[test]
fn a_message_goes_into_every_matching_subscribers_session() {
    let mut n = Net::new(|_| {});
    let on = n.connect(1, V4, "on");
    n.subscribe(on, "a/+", QoS::AtLeastOnce);
    let (off, _) = n.connect_with(2, V4, "off", |c| c.clean_start = false);
    n.subscribe(off, "a/b", QoS::AtLeastOnce);
    n.broker.handle_closed(off, n.now);
    n.drain();
    let other = n.connect(3, V5, "other");
    n.subscribe(other, "x", QoS::AtLeastOnce);
    let publ = n.connect(4, V5, "pub");
    n.publish(publ, "a/b", b"m", q1(1));
    assert_eq!(publishes(&n.packets(on)).len(), 1);
    assert!(n.take(other).is_empty());
    assert_eq!(n.broker.session("off").unwrap().queued, 1);
    let (off, _) = n.connect_with(5, V4, "off", |c| c.clean_start = false);
    assert_eq!(
        n.take(off),
        [vec![
            0x32, 0x08, 0x00, 0x03, b'a', b'/', b'b', 0x00, 0x01, b'm'
        ]]
    );
}

/// Unsubscribing stops new deliveries but finishes the QoS 1 and 2 exchanges already
/// begun: PUBREL still answers PUBREC.
/// [MQTT-3.10.4-3]
/// 3.1.1: [MQTT-3.10.4-3]
#[test]
fn unsubscribing_finishes_what_was_in_flight() {
    for v in [V4, V5] {
        let mut n = Net::new(|_| {});
        let sub = n.connect(1, v, "sub");
        n.subscribe(sub, "t", QoS::ExactlyOnce);
        let publ = n.connect(2, V4, "pub");
        n.publish(publ, "t", b"a", q1(1));
        n.publish(publ, "t", b"b", q2(2));
        assert_eq!(publishes(&n.packets(sub)).len(), 2);
        n.send(sub, unsubscribe(3, &["t"]));
        assert_eq!(n.packets(sub).len(), 1, "UNSUBACK");
        n.feed(sub, &[0x40, 0x02, 0x00, 0x01]);
        n.feed(sub, &[0x50, 0x02, 0x00, 0x02]);
        assert_eq!(n.take(sub), [vec![0x62, 0x02, 0x00, 0x02]], "{v}");
        n.feed(sub, &[0x70, 0x02, 0x00, 0x02]);
        assert_eq!(n.broker.session("sub").unwrap().in_flight, 0);
        n.publish(publ, "t", b"c", q1(3));
        assert!(n.take(sub).is_empty(), "{v}");
    }
}

/// Subscribing again to the same filter with Retain Handling 0 sends the retained
/// message again.
/// [MQTT-3.8.4-4]
#[test]
fn replacing_a_subscription_with_retain_handling_0_resends_retained_messages() {
    let mut n = Net::new(|_| {});
    let publ = n.connect(1, V5, "pub");
    let mut p = Publish::new("t", &b"r"[..]);
    p.retain = true;
    n.send(publ, Packet::Publish(p));
    let c = n.connect(2, V5, "sub");
    for qos in [QoS::AtMostOnce, QoS::AtMostOnce, QoS::AtLeastOnce] {
        let mut s = Subscription::new("t", qos);
        s.options.retain_handling = RetainHandling::SendAtSubscribe;
        n.send(
            c,
            Packet::Subscribe(Subscribe {
                packet_id: pid(1),
                properties: Default::default(),
                subscriptions: vec![s],
            }),
        );
        let sent = n.packets(c);
        let retained = publishes(&sent);
        assert_eq!(sent.len(), 2, "{sent:?}");
        assert_eq!(
            (&retained[0].0[..], &retained[0].1[..], retained[0].3),
            ("t", &b"r"[..], true)
        );
    }
    assert_eq!(n.broker.session("sub").unwrap().subscriptions.len(), 1);
}

/// Topics are matched and forwarded byte for byte: no Unicode normalisation, no case
/// folding, and code points the broker does not know pass unchanged.
/// [MQTT-4.7.3-4]
/// 3.1.1: [MQTT-4.7.3-4]
#[test]
fn topics_are_matched_and_forwarded_exactly_as_sent() {
    for v in [V4, V5] {
        let mut n = Net::new(|_| {});
        let sub = n.connect(1, v, "sub");
        n.subscribe(sub, "caf\u{e9}/+", QoS::AtMostOnce);
        n.subscribe(sub, "A", QoS::AtMostOnce);
        let publ = n.connect(2, V4, "pub");
        for topic in ["cafe\u{301}/x", "a", "A/", "caf\u{c9}/x"] {
            n.publish(publ, topic, b"no", QosPid::AtMostOnce);
        }
        assert!(n.take(sub).is_empty(), "{v}");
        for topic in ["caf\u{e9}/\u{378}\u{10ffff}", "A"] {
            n.publish(publ, topic, b"yes", QosPid::AtMostOnce);
            let got = publishes(&n.packets(sub));
            assert_eq!(got.len(), 1, "{v} {topic}");
            assert_eq!(got[0].0.as_bytes(), topic.as_bytes());
        }
    }
}

/// QoS 2 as sender: once the PUBLISH has gone out its Message Expiry no longer applies;
/// the resent PUBLISH goes out after the interval has passed, as one never acknowledged
/// by PUBREC.
/// [MQTT-4.3.3-7] [MQTT-4.3.3-3]
#[test]
fn a_sent_qos_2_publish_is_not_expired() {
    let mut n = Net::new(|_| {});
    let persistent = |c: &mut Connect<'static>| {
        c.clean_start = false;
        c.properties.to_mut().session_expiry_interval = Some(600);
    };
    let (sub, _) = n.connect_with(1, V5, "sub", persistent);
    n.subscribe(sub, "t", QoS::ExactlyOnce);
    let publ = n.connect(2, V5, "pub");
    let mut p = Publish::new("t", &b"x"[..]);
    p.qos_pid = q2(1);
    p.properties.to_mut().message_expiry_interval = Some(2);
    n.send(publ, Packet::Publish(p));
    assert_eq!(publishes(&n.packets(sub)).len(), 1);
    n.broker.handle_closed(sub, n.now);
    n.drain();
    n.sleep(10_000);
    let (sub, _) = n.connect_with(3, V5, "sub", persistent);
    let sent = publishes(&n.packets(sub));
    assert_eq!(sent.len(), 1, "resent though past its expiry");
    assert_eq!((sent[0].2, sent[0].4), (q2(1), true));
}

/// QoS 2 as receiver: a message whose expiry ran out before PUBREL still gets its
/// PUBCOMP.
/// [MQTT-4.3.3-13]
#[test]
fn an_expired_qos_2_message_still_completes_its_exchange() {
    let mut n = Net::new(|_| {});
    let publ = n.connect(1, V5, "pub");
    let mut p = Publish::new("t", &b"x"[..]);
    p.qos_pid = q2(4);
    p.properties.to_mut().message_expiry_interval = Some(1);
    n.send(publ, Packet::Publish(p));
    assert_eq!(n.take(publ), [vec![0x50, 0x03, 0x00, 0x04, 0x10]]);
    n.sleep(5_000);
    n.feed(publ, &[0x62, 0x02, 0x00, 0x04]);
    assert_eq!(n.take(publ), [vec![0x70, 0x02, 0x00, 0x04]]);
}
