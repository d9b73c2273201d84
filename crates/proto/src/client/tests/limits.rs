//! What keeps a hostile or broken server from looping, flooding or stalling the client:
//! the receive limit, the reconnect policy's memory, acknowledgement counts, and the
//! Receive Maximum of a resumed session.

use std::num::NonZeroU32;

use super::*;
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

/// A retained QoS 0 PUBLISH on `home/poison` whose whole packet is `size` bytes.
fn poison(size: usize) -> Vec<u8> {
    // Fixed header (1 + the Remaining Length's 2 or 3 bytes) and the topic (13).
    let head = if size > 16_397 { 17 } else { 16 };
    let mut p = crate::codec::Publish::new("home/poison", vec![0x55; size - head]);
    p.retain = true;
    let mut out = Vec::new();
    Packet::Publish(p).encode(V4, &mut out).unwrap();
    assert_eq!(out.len(), size);
    out
}

/// The Maximum Packet Size a CONNECT announces.
fn announced(p: &mut Peer) -> Option<u32> {
    p.client.connect(p.now).unwrap();
    p.drain();
    let sent = p.sent();
    match Packet::decode_exact(&sent[0], V5) {
        Ok(Packet::Connect(c)) => c.properties.maximum_packet_size().map(|n| n.get()),
        other => panic!("{other:?}"),
    }
}

#[test]
/// [MQTT-3.1.2-24] [MQTT-3.1.2-25]
fn mqtt5_always_announces_the_receive_limit() {
    let mut p = Peer::new(V5, |_| {});
    assert_eq!(announced(&mut p), Some(16 << 20));
    let mut p = Peer::new(V5, |o| o.receive_limit = 300 << 20);
    assert_eq!(
        announced(&mut p),
        Some(268_435_460),
        "the largest MQTT packet"
    );
    // A smaller Maximum Packet Size set by hand wins, and is what is enforced.
    let mut p = Peer::new(V5, |o| {
        o.properties.maximum_packet_size = NonZeroU32::new(1000);
    });
    assert_eq!(announced(&mut p), Some(1000));
    p.server(&connack(V5, false));
    p.server(&poison(1001));
    assert_eq!(p.sent(), [vec![0xe0, 0x01, 0x95]]);
    let Some(DisconnectCause::Protocol(e)) = disconnected(&p.events) else {
        panic!("{:?}", p.events)
    };
    assert_eq!(
        (e.reason, e.rule),
        (ReasonCode::PacketTooLarge, "MQTT-3.1.2-24")
    );
}

#[test]
fn mqtt3_over_the_limit_is_our_limit_not_a_broken_rule_and_is_not_retried_forever() {
    let mut p = Peer::connected(V4, |o| {
        with_reconnect(o);
        o.receive_limit = 1 << 20;
    });
    // A retained 2 MB message arrives as soon as the client subscribes.
    p.server(&poison(2_000_000));
    let (sent, events) = p.take();
    assert_eq!(
        sent,
        Vec::<Vec<u8>>::new(),
        "MQTT 3 has no DISCONNECT reason"
    );
    assert_eq!(
        disconnected(&events),
        Some(&DisconnectCause::TooLarge {
            size: 2_000_000,
            limit: 1 << 20
        })
    );
    // One more try: the message may have been cleared meanwhile.
    let first_try = p.client.reconnect_at().expect("a reconnect is scheduled");
    assert!(first_try <= p.now + Duration::from_secs(1));
    reconnect_now(&mut p, false);
    p.take();
    // The same message ends the new connection: the client stops trying.
    p.server(&poison(2_000_000));
    assert!(disconnected(&p.take().1).is_some_and(DisconnectCause::is_oversized));
    assert_eq!(p.client.reconnect_at(), None);
    assert_eq!(p.deadline, NEVER);
}

#[test]
fn a_connack_alone_does_not_reset_the_backoff() {
    let mut p = Peer::connected(V4, with_reconnect);
    let mut waits = Vec::new();
    // A broker that accepts every connection and drops it at once.
    for _ in 0..4 {
        p.client.handle_closed(p.now);
        p.drain();
        waits.push(p.deadline.as_millis() - p.now.as_millis());
        reconnect_now(&mut p, false);
    }
    for (w, cap) in waits.iter().zip([1_000u64, 2_000, 4_000, 4_000]) {
        assert!(*w >= cap / 2 && *w <= cap, "{waits:?}");
    }
    // A connection that stays up for a keep-alive interval resets it.
    p.sleep(10_000);
    p.client.handle_timeout(p.now);
    p.drain();
    p.client.handle_closed(p.now);
    p.drain();
    assert!(p.deadline.as_millis() - p.now.as_millis() <= 1_000);
}

#[test]
fn a_session_taken_over_is_not_taken_back() {
    let mut p = Peer::connected(V5, with_reconnect);
    // mosquitto's short form: DISCONNECT 0x8E.
    p.server(&[0xe0, 0x01, 0x8e]);
    assert!(matches!(
        disconnected(&p.events),
        Some(DisconnectCause::Server {
            reason: ReasonCode::SessionTakenOver,
            ..
        })
    ));
    assert_eq!(p.client.reconnect_at(), None);
}

#[test]
/// [MQTT-3.8.4-6] [MQTT-3.11.3-2]
fn an_ack_with_the_wrong_number_of_codes_ends_the_connection_and_the_request() {
    let two = || {
        vec![
            Subscription::new("a", QoS::AtMostOnce),
            Subscription::new("b", QoS::AtMostOnce),
        ]
    };
    // SUBACK with one code for two filters.
    for (v, suback) in [
        (V5, vec![0x90, 0x04, 0, 1, 0, 0]),
        (V4, vec![0x90, 0x03, 0, 1, 0]),
    ] {
        let mut p = Peer::connected(v, |_| {});
        let h = p
            .client
            .subscribe(p.now, two(), Default::default())
            .unwrap();
        p.drain();
        p.take();
        p.server(&suback);
        let (sent, events) = p.take();
        let disconnect = if v.is_v5() {
            vec![vec![0xe0, 0x01, 0x82]]
        } else {
            vec![]
        };
        assert_eq!(sent, disconnect);
        let lost = Event::RequestLost {
            origin: RequestOrigin::Caller(h),
            request: Request::Subscribe {
                subscriptions: two(),
                properties: Default::default(),
            },
        };
        assert!(events.contains(&lost), "{events:?}");
        let Some(DisconnectCause::Protocol(e)) = disconnected(&events) else {
            panic!("{events:?}")
        };
        assert_eq!(
            e.rule,
            if v.is_v5() {
                "MQTT-3.8.4-6"
            } else {
                "MQTT-3.8.4-5"
            }
        );
        assert!(!p.client.keeps_subscription("a"));
    }
    // UNSUBACK (MQTT 5) with three codes for one filter.
    let mut p = Peer::connected(V5, |_| {});
    p.client
        .unsubscribe(p.now, vec!["a".into()], Default::default())
        .unwrap();
    p.drain();
    p.take();
    p.server(&[0xb0, 0x06, 0, 1, 0, 0, 0, 0]);
    assert_eq!(p.sent(), [vec![0xe0, 0x01, 0x82]]);
    assert_eq!(p.client.state(), State::Closed);
    assert!(
        p.events.contains(&Event::RequestLost {
            origin: RequestOrigin::Caller(RequestHandle(1)),
            request: Request::Unsubscribe {
                filters: vec!["a".into()]
            },
        }),
        "{:?}",
        p.events
    );
}

#[test]
/// [MQTT-2.2.1-6]
/// 3.1.1: [MQTT-2.3.1-7]
fn an_ack_of_the_other_kind_ends_the_connection_and_the_request() {
    for v in [V4, V5] {
        let mut p = Peer::connected(v, |_| {});
        let h = p
            .client
            .unsubscribe(p.now, vec!["a".into()], Default::default())
            .unwrap();
        p.drain();
        p.take();
        // A SUBACK for the UNSUBSCRIBE's identifier.
        p.server(&if v.is_v5() {
            vec![0x90, 0x04, 0, 1, 0, 0]
        } else {
            vec![0x90, 0x03, 0, 1, 0]
        });
        let (sent, events) = p.take();
        let disconnect = if v.is_v5() {
            vec![vec![0xe0, 0x01, 0x82]]
        } else {
            vec![]
        };
        assert_eq!(sent, disconnect);
        let lost = Event::RequestLost {
            origin: RequestOrigin::Caller(h),
            request: Request::Unsubscribe {
                filters: vec!["a".into()],
            },
        };
        assert!(events.contains(&lost), "{events:?}");
        let Some(DisconnectCause::Protocol(e)) = disconnected(&events) else {
            panic!("{events:?}")
        };
        let rule = if v.is_v5() {
            "MQTT-2.2.1-6"
        } else {
            "MQTT-2.3.1-7"
        };
        assert_eq!(e.rule, rule);
        assert!(!events.iter().any(|e| matches!(e, Event::Subscribed { .. })));
    }
}

#[test]
/// [MQTT-4.4.0-1] [MQTT-4.9.0-2] [MQTT-4.9.0-3]
fn a_resumed_session_resends_within_the_new_receive_maximum() {
    let mut p = Peer::connected(V5, |o| o.clean_start = false);
    for payload in [b"1", b"2", b"3", b"4", b"5"] {
        p.publish(QoS::AtLeastOnce, payload);
    }
    p.take();
    p.client.handle_closed(p.now);
    p.client.connect(p.now).unwrap();
    p.drain();
    p.take();
    // Session Present, Receive Maximum 2.
    p.server(&[0x20, 0x06, 0x01, 0x00, 0x03, 0x21, 0x00, 0x02]);
    let resend = |id: u8| vec![0x3a, 0x07, 0, 1, b't', 0, id, 0, b'0' + id];
    assert_eq!(p.sent(), [resend(1), resend(2)]);
    // Each acknowledgement lets the next one go, in order.
    p.server(&[0x40, 0x02, 0, 2]);
    assert_eq!(p.sent(), [resend(3)]);
    p.server(&[0x40, 0x02, 0, 1]);
    assert_eq!(p.sent(), [resend(4)]);
    p.server(&[0x40, 0x02, 0, 3, 0x40, 0x02, 0, 4]);
    assert_eq!(p.sent(), [resend(5)]);
    // With the resends done, a new message takes the free slot.
    let fresh = p.publish(QoS::AtLeastOnce, b"6");
    assert_eq!(p.sent(), [vec![0x32, 0x07, 0, 1, b't', 0, 6, 0, b'6']]);
    p.server(&[0x40, 0x02, 0, 5, 0x40, 0x02, 0, 6]);
    assert!(p.events.contains(&Event::PublishDone {
        handle: fresh,
        reason: ReasonCode::Success
    }));
    assert_eq!(p.client.in_flight(), 0);
}
