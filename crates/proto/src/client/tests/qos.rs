//! Publishing and receiving at QoS 0, 1 and 2; flow control; subscriptions; usage errors.

use super::*;
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

/// [MQTT-4.3.2-1] [MQTT-4.3.2-2] [MQTT-4.3.2-3] [MQTT-2.2.1-3]
/// 3.1.1: [MQTT-4.3.2-1] [MQTT-2.3.1-2]
#[test]
fn qos1_publish_completes_on_puback() {
    for v in [V4, V5] {
        let mut p = Peer::connected(v, |_| {});
        let h = p.publish(QoS::AtLeastOnce, b"hi");
        let expected = if v.is_v5() {
            vec![0x32, 0x08, 0, 1, b't', 0, 1, 0, b'h', b'i']
        } else {
            vec![0x32, 0x07, 0, 1, b't', 0, 1, b'h', b'i']
        };
        assert_eq!(p.sent(), [expected]);
        assert_eq!(p.client.in_flight(), 1);
        p.server(&[0x40, 0x02, 0x00, 0x01]);
        assert_eq!(
            p.events,
            [Event::PublishDone {
                handle: h,
                reason: ReasonCode::Success
            }]
        );
        assert_eq!(p.client.in_flight(), 0);
    }
}

/// [MQTT-4.3.3-1] [MQTT-4.3.3-2] [MQTT-4.3.3-3] [MQTT-4.3.3-4] [MQTT-4.3.3-5]
/// [MQTT-2.2.1-5]
/// 3.1.1: [MQTT-4.3.3-1] [MQTT-2.3.1-6]
#[test]
fn qos2_publish_runs_pubrec_pubrel_pubcomp() {
    for v in [V4, V5] {
        let mut p = Peer::connected(v, |_| {});
        let h = p.publish(QoS::ExactlyOnce, b"x");
        assert_eq!(p.sent()[0][0], 0x34);
        p.server(&[0x50, 0x02, 0x00, 0x01]);
        assert_eq!(p.sent(), [vec![0x62, 0x02, 0x00, 0x01]]);
        assert!(p.events.is_empty());
        p.server(&[0x70, 0x02, 0x00, 0x01]);
        assert_eq!(
            p.events,
            [Event::PublishDone {
                handle: h,
                reason: ReasonCode::Success
            }]
        );
    }
}

#[test]
fn pubrec_with_an_error_ends_the_exchange_without_pubrel() {
    let mut p = Peer::connected(V5, |_| {});
    let h = p.publish(QoS::ExactlyOnce, b"x");
    p.take();
    p.server(&[0x50, 0x03, 0x00, 0x01, 0x87]);
    assert_eq!(p.sent(), Vec::<Vec<u8>>::new());
    assert_eq!(
        p.events,
        [Event::PublishDone {
            handle: h,
            reason: ReasonCode::NotAuthorized
        }]
    );
    assert_eq!(p.client.in_flight(), 0);
}

/// [MQTT-3.3.4-7] [MQTT-4.9.0-1] [MQTT-4.9.0-2]
#[test]
fn server_receive_maximum_limits_qos1_and_2_in_flight_but_not_qos0() {
    let mut p = Peer::new(V5, |_| {});
    p.client.connect(p.now).unwrap();
    p.drain();
    // CONNACK with Receive Maximum 2.
    p.server(&[0x20, 0x06, 0x00, 0x00, 0x03, 0x21, 0x00, 0x02]);
    p.take();
    for _ in 0..3 {
        p.publish(QoS::AtLeastOnce, b"q");
    }
    assert_eq!(p.sent().len(), 2);
    assert_eq!((p.client.in_flight(), p.client.queued()), (2, 1));
    p.publish(QoS::AtMostOnce, b"z");
    assert_eq!(p.sent().len(), 1, "QoS 0 is not held back [MQTT-4.9.0-2]");
    p.server(&[0x40, 0x02, 0x00, 0x01]);
    let sent = p.sent();
    assert_eq!(sent.len(), 1);
    assert_eq!(&sent[0][..7], [0x32, 0x07, 0, 1, b't', 0, 3]);
}

#[test]
fn a_full_queue_is_an_error_not_a_silent_drop() {
    let mut p = Peer::new(V4, |o| o.max_queued = 2);
    for _ in 0..2 {
        p.client
            .publish(p.now, Message::new("t", "m").with_qos(QoS::AtLeastOnce))
            .unwrap();
    }
    let err = p
        .client
        .publish(p.now, Message::new("t", "m").with_qos(QoS::AtLeastOnce));
    assert_eq!(err, Err(ClientError::QueueFull { capacity: 2 }));
    // QoS 0 without a connection is refused too.
    assert!(matches!(
        p.client.publish(p.now, Message::new("t", "m")),
        Err(ClientError::InvalidState { .. })
    ));
}

/// [MQTT-3.1.0-1]
/// 3.1.1: [MQTT-3.1.0-1]
#[test]
fn publishes_queued_offline_go_out_after_connack() {
    let mut p = Peer::new(V4, |_| {});
    p.client
        .publish(p.now, Message::new("t", "a").with_qos(QoS::AtLeastOnce))
        .unwrap();
    p.client.connect(p.now).unwrap();
    p.drain();
    assert_eq!(p.sent().len(), 1, "only CONNECT before CONNACK");
    p.server(&connack(V4, false));
    assert_eq!(p.sent(), [vec![0x32, 0x06, 0, 1, b't', 0, 1, b'a']]);
}

/// [MQTT-4.3.3-8] [MQTT-4.3.3-10] [MQTT-4.3.3-11] [MQTT-4.3.3-12] [MQTT-3.3.4-1]
/// 3.1.1: [MQTT-4.3.3-2] [MQTT-3.3.4-1] [MQTT-2.3.1-6]
#[test]
fn inbound_qos2_duplicate_is_answered_not_delivered_twice() {
    for v in [V4, V5] {
        let mut p = Peer::connected(v, |_| {});
        let publish = if v.is_v5() {
            vec![0x34, 0x07, 0, 1, b't', 0, 5, 0, b'm']
        } else {
            vec![0x34, 0x06, 0, 1, b't', 0, 5, b'm']
        };
        p.server(&publish);
        let mut dup = publish.clone();
        dup[0] |= 0x08;
        p.server(&dup);
        let (sent, events) = p.take();
        assert_eq!(sent, [vec![0x50, 0x02, 0, 5], vec![0x50, 0x02, 0, 5]]);
        assert_eq!(
            events
                .iter()
                .filter(|e| matches!(e, Event::Message(_)))
                .count(),
            1
        );
        p.server(&[0x62, 0x02, 0, 5]);
        assert_eq!(p.sent(), [vec![0x70, 0x02, 0, 5]]);
        // Released: the same identifier now carries a new message.
        p.server(&publish);
        assert_eq!(p.take().1.len(), 1);
    }
}

#[test]
fn pubrel_for_an_unknown_id_gets_pubcomp_0x92() {
    let mut p = Peer::connected(V5, |_| {});
    p.server(&[0x62, 0x02, 0, 9]);
    assert_eq!(p.sent(), [vec![0x70, 0x03, 0, 9, 0x92]]);
}

#[test]
fn inbound_receive_maximum_exceeded_is_disconnect_0x93() {
    let mut p = Peer::connected(V5, |o| o.properties.receive_maximum = NonZeroU16::new(1));
    p.server(&[0x34, 0x07, 0, 1, b't', 0, 1, 0, b'm']);
    p.server(&[0x34, 0x07, 0, 1, b't', 0, 2, 0, b'm']);
    let (sent, events) = p.take();
    assert_eq!(sent.last(), Some(&vec![0xe0, 0x01, 0x93]));
    assert!(
        matches!(disconnected(&events), Some(DisconnectCause::Protocol(e)) if e.reason == ReasonCode::ReceiveMaximumExceeded)
    );
}

#[test]
fn qos1_is_acked_in_receive_order() {
    let mut p = Peer::connected(V4, |_| {});
    p.server(&[
        0x32, 0x06, 0, 1, b't', 0, 7, b'a', 0x32, 0x06, 0, 1, b't', 0, 3, b'b',
    ]);
    assert_eq!(p.sent(), [vec![0x40, 0x02, 0, 7], vec![0x40, 0x02, 0, 3]]);
}

/// [MQTT-3.2.2-11] [MQTT-3.2.2-14]
#[test]
fn maximum_qos_and_retain_available_are_obeyed() {
    let mut p = Peer::new(V5, |_| {});
    p.client.connect(p.now).unwrap();
    p.drain();
    // Maximum QoS 1, Retain Available 0.
    p.server(&[0x20, 0x07, 0x00, 0x00, 0x04, 0x24, 0x01, 0x25, 0x00]);
    let q2 = p
        .client
        .publish(p.now, Message::new("t", "m").with_qos(QoS::ExactlyOnce));
    assert_eq!(q2, Err(ClientError::QosNotSupported));
    assert_eq!(
        p.client.publish(p.now, Message::new("t", "m").retained()),
        Err(ClientError::RetainNotSupported)
    );
    assert!(p
        .client
        .publish(p.now, Message::new("t", "m").with_qos(QoS::AtLeastOnce))
        .is_ok());
}

#[test]
fn usage_errors_send_nothing() {
    let mut p = Peer::connected(V4, |_| {});
    let err = p.client.publish(p.now, Message::new("a/+", "m"));
    assert_eq!(
        err,
        Err(ClientError::Usage(
            crate::codec::UsageError::WildcardInTopicName
        ))
    );
    p.drain();
    assert_eq!(p.take(), (vec![], vec![]));
}

#[test]
fn subscribe_and_unsubscribe_report_their_acks() {
    let mut p = Peer::connected(V4, |_| {});
    let h = p
        .client
        .subscribe(
            p.now,
            vec![Subscription::new("a/#", QoS::AtLeastOnce)],
            Default::default(),
        )
        .unwrap();
    p.drain();
    assert_eq!(
        p.sent(),
        [vec![0x82, 0x08, 0, 1, 0, 3, b'a', b'/', b'#', 1]]
    );
    p.server(&[0x90, 0x03, 0, 1, 0x01]);
    assert_eq!(
        p.events,
        [Event::Subscribed {
            origin: RequestOrigin::Caller(h),
            subscriptions: vec![Subscription::new("a/#", QoS::AtLeastOnce)],
            properties: Default::default(),
            reasons: vec![ReasonCode::GrantedQos1]
        }]
    );
    p.take();
    let u = p
        .client
        .unsubscribe(p.now, vec!["a/#".into()], Default::default())
        .unwrap();
    p.drain();
    p.server(&[0xb0, 0x02, 0, 2]);
    assert_eq!(
        p.events,
        [Event::Unsubscribed {
            origin: RequestOrigin::Caller(u),
            filters: vec!["a/#".into()],
            reasons: vec![]
        }]
    );
}

/// The client checks that the server's acknowledgements echo identifiers in use.
/// [MQTT-2.2.1-5]
/// 3.1.1: [MQTT-2.3.1-6]
#[test]
fn a_stray_or_duplicate_ack_is_reported_and_the_connection_goes_on() {
    for v in [V4, V5] {
        let mut p = Peer::connected(v, |_| {});
        let h = p.publish(QoS::AtLeastOnce, b"x");
        p.take();
        // PUBACK, the same PUBACK again, a PUBCOMP nobody waits for.
        p.server(&[0x40, 0x02, 0, 1, 0x40, 0x02, 0, 1, 0x70, 0x02, 0, 9]);
        let (sent, events) = p.take();
        assert_eq!(sent, Vec::<Vec<u8>>::new(), "nothing sent, no DISCONNECT");
        assert_eq!(events.len(), 3, "{events:?}");
        assert!(matches!(events[0], Event::PublishDone { handle, .. } if handle == h));
        for (e, what) in events[1..].iter().zip([
            "PUBACK for packet identifier 1",
            "PUBCOMP for packet identifier 9",
        ]) {
            let Event::Violation(e) = e else {
                panic!("{e:?}")
            };
            assert_eq!(e.rule, "MQTT-2.2.1-5");
            assert!(e.detail.starts_with(what), "{}", e.detail);
        }
        assert_eq!(p.client.state(), State::Connected);
    }
}

#[test]
fn handles_are_unique() {
    let mut p = Peer::connected(V4, |_| {});
    let a = p.publish(QoS::AtMostOnce, b"a");
    let b = p.publish(QoS::AtMostOnce, b"b");
    assert_ne!(a, b);
    assert_eq!(
        p.events,
        [
            Event::PublishSent { handle: a },
            Event::PublishSent { handle: b }
        ]
    );
}

#[test]
fn mqtt3_caps_its_own_window_at_20_by_default() {
    let mut p = Peer::connected(V4, |_| {});
    for _ in 0..25 {
        p.publish(QoS::ExactlyOnce, b"x");
    }
    assert_eq!(
        (p.sent().len(), p.client.in_flight(), p.client.queued()),
        (20, 20, 5)
    );
    let mut p = Peer::connected(V4, |o| o.max_in_flight = Some(3));
    for _ in 0..5 {
        p.publish(QoS::AtLeastOnce, b"x");
    }
    assert_eq!(p.client.in_flight(), 3);
}

/// [MQTT-3.2.2-15]
#[test]
fn a_publish_over_the_server_s_maximum_packet_size_is_refused_before_sending() {
    let mut p = Peer::new(V5, |_| {});
    p.client.connect(p.now).unwrap();
    p.drain();
    // CONNACK with Maximum Packet Size 10, which counts the fixed header [MQTT-3.2.2-15]:
    // topic "t" with a 4-byte payload is a 10-byte packet, with a 6-byte payload 12.
    p.server(&[0x20, 0x08, 0x00, 0x00, 0x05, 0x27, 0x00, 0x00, 0x00, 0x0a]);
    p.take();
    let fits = p.client.publish(p.now, Message::new("t", "abcd")).unwrap();
    let err = p.client.publish(p.now, Message::new("t", "abcdef"));
    assert_eq!(err, Err(ClientError::PacketTooLarge { size: 12, max: 10 }));
    let next = p.client.publish(p.now, Message::new("t", "a")).unwrap();
    p.drain();
    assert_eq!(
        p.sent(),
        [
            vec![0x30, 0x08, 0, 1, b't', 0, b'a', b'b', b'c', b'd'],
            vec![0x30, 0x05, 0, 1, b't', 0, b'a']
        ]
    );
    assert_eq!(
        p.events,
        [
            Event::PublishSent { handle: fits },
            Event::PublishSent { handle: next }
        ]
    );
}
