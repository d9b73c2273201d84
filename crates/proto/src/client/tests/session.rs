//! Session resumption and the reconnect policy.

use std::num::NonZeroU32;

use super::*;
use crate::codec::SubscribeProperties;
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

/// After PUBREC only PUBREL goes again, never the PUBLISH; the unacknowledged PUBLISH goes
/// with DUP and its identifier, in the original order.
/// [MQTT-4.4.0-1] [MQTT-3.3.1-1] [MQTT-4.6.0-1] [MQTT-4.3.3-6]
/// 3.1.1: [MQTT-4.4.0-1] [MQTT-3.3.1-1] [MQTT-4.6.0-1] [MQTT-2.3.1-3] [MQTT-3.1.2-4]
/// 3.1.1: [MQTT-4.3.3-1]
#[test]
fn session_resumption_resends_publish_with_dup_and_pubrel_in_order() {
    for v in [V4, V5] {
        let mut p = Peer::connected(v, |o| o.clean_start = false);
        p.publish(QoS::AtLeastOnce, b"1");
        p.publish(QoS::ExactlyOnce, b"2");
        p.server(&[0x50, 0x02, 0, 2]);
        p.take();
        p.client.handle_closed(p.now);
        p.drain();
        assert_eq!(
            disconnected(&p.take().1),
            Some(&DisconnectCause::TransportClosed)
        );
        p.client.connect(p.now).unwrap();
        p.drain();
        p.take();
        p.server(&connack(v, true));
        let sent = p.sent();
        let first = if v.is_v5() {
            vec![0x3a, 0x07, 0, 1, b't', 0, 1, 0, b'1']
        } else {
            vec![0x3a, 0x06, 0, 1, b't', 0, 1, b'1']
        };
        assert_eq!(sent, [first, vec![0x62, 0x02, 0, 2]]);
    }
}

#[test]
/// [MQTT-3.2.2-5]
fn no_session_on_the_server_reports_what_was_in_flight_and_sends_nothing_again() {
    for v in [V4, V5] {
        let mut p = Peer::connected(v, |o| o.clean_start = false);
        let one = p.publish(QoS::AtLeastOnce, b"1");
        let two = p.publish(QoS::ExactlyOnce, b"2");
        p.server(&[0x50, 0x02, 0, 2]); // PUBREC: the server has "2"
        p.take();
        p.client.handle_closed(p.now);
        p.client.connect(p.now).unwrap();
        p.drain();
        p.take();
        // A message queued while offline was never sent: it goes out as usual.
        let three = p.publish(QoS::AtLeastOnce, b"3");
        p.server(&connack(v, false));
        let (sent, events) = p.take();
        // Neither is sent again as new (a PUBREC'd "2" would be delivered twice).
        let new3 = if v.is_v5() {
            vec![0x32, 0x07, 0, 1, b't', 0, 3, 0, b'3']
        } else {
            vec![0x32, 0x06, 0, 1, b't', 0, 3, b'3']
        };
        assert_eq!(sent, [new3]);
        let lost: Vec<_> = events
            .iter()
            .filter_map(|e| match e {
                Event::PublishLost {
                    handle,
                    message,
                    stage,
                } => Some((
                    *handle,
                    message.topic.to_string(),
                    message.payload.to_vec(),
                    message.qos_pid.qos(),
                    *stage,
                )),
                _ => None,
            })
            .collect();
        assert_eq!(
            lost,
            [
                (
                    one,
                    "t".into(),
                    b"1".to_vec(),
                    QoS::AtLeastOnce,
                    PublishStage::Sent
                ),
                (
                    two,
                    "t".into(),
                    b"2".to_vec(),
                    QoS::ExactlyOnce,
                    PublishStage::Received
                ),
            ]
        );
        assert_eq!((p.client.in_flight(), p.client.queued()), (1, 0));
        p.server(&[0x40, 0x02, 0, 3]);
        assert!(p.events.contains(&Event::PublishDone {
            handle: three,
            reason: ReasonCode::Success
        }));
    }
}

/// [MQTT-3.2.2-4]
#[test]
fn session_present_after_clean_start_is_a_protocol_error() {
    let mut p = Peer::new(V5, |_| {});
    p.client.connect(p.now).unwrap();
    p.drain();
    p.take();
    p.server(&connack(V5, true));
    let (sent, events) = p.take();
    assert_eq!(sent, [vec![0xe0, 0x01, 0x82]]);
    assert!(
        matches!(disconnected(&events), Some(DisconnectCause::Protocol(e)) if e.rule == "MQTT-3.2.2-4")
    );
}

#[test]
fn a_lost_connection_reconnects_with_backoff_and_resubscribes() {
    for v in [V4, V5] {
        let mut p = Peer::connected(v, with_reconnect);
        p.client
            .subscribe(
                p.now,
                vec![Subscription::new("a/#", QoS::AtLeastOnce)],
                Default::default(),
            )
            .unwrap();
        p.drain();
        let suback = if v.is_v5() {
            vec![0x90, 0x04, 0, 1, 0, 1]
        } else {
            vec![0x90, 0x03, 0, 1, 1]
        };
        p.server(&suback);
        p.take();
        p.client.handle_closed(p.now);
        p.drain();
        assert_eq!(
            disconnected(&p.take().1),
            Some(&DisconnectCause::TransportClosed)
        );
        let wait = p.deadline.as_millis() - p.now.as_millis();
        assert!((500..=1_000).contains(&wait), "first delay {wait} ms");
        assert_eq!(p.client.reconnect_at(), Some(p.deadline));
        reconnect_now(&mut p, false);
        let subscribe = if v.is_v5() {
            vec![0x82, 0x09, 0, 2, 0, 0, 3, b'a', b'/', b'#', 1]
        } else {
            vec![0x82, 0x08, 0, 2, 0, 3, b'a', b'/', b'#', 1]
        };
        assert_eq!(p.sent(), [subscribe], "resubscribed on a fresh session");
        p.take();
        // Its SUBACK is reported as the client's own, with what was asked.
        p.server(&if v.is_v5() {
            vec![0x90, 0x04, 0, 2, 0, 1]
        } else {
            vec![0x90, 0x03, 0, 2, 1]
        });
        assert_eq!(
            p.take(),
            (
                vec![],
                vec![Event::Subscribed {
                    origin: RequestOrigin::Resubscribe,
                    subscriptions: vec![Subscription::new("a/#", QoS::AtLeastOnce)],
                    properties: Default::default(),
                    reasons: vec![ReasonCode::GrantedQos1],
                }]
            )
        );
    }
}

#[test]
fn a_resubscription_cut_off_by_the_connection_is_reported_lost_as_the_clients_own() {
    let mut p = Peer::connected(V4, with_reconnect);
    subscribe_granted(&mut p, "a", Default::default());
    p.client.handle_closed(p.now);
    p.drain();
    reconnect_now(&mut p, false);
    assert_eq!(p.sent(), [vec![0x82, 0x06, 0, 2, 0, 1, b'a', 1]]);
    p.take();
    p.client.handle_closed(p.now);
    p.drain();
    let lost = Event::RequestLost {
        origin: RequestOrigin::Resubscribe,
        request: Request::Subscribe {
            subscriptions: vec![Subscription::new("a", QoS::AtLeastOnce)],
            properties: Default::default(),
        },
    };
    assert_eq!(
        p.take().1,
        [lost, Event::Disconnected(DisconnectCause::TransportClosed)]
    );
    // The client still keeps "a": the next connection without a session asks again.
    assert!(p.client.keeps_subscription("a"));
    reconnect_now(&mut p, false);
    assert_eq!(p.sent(), [vec![0x82, 0x06, 0, 3, 0, 1, b'a', 1]]);
}

#[test]
fn a_kept_session_is_not_resubscribed() {
    let mut p = Peer::connected(V4, |o| {
        with_reconnect(o);
        o.clean_start = false;
    });
    p.client
        .subscribe(
            p.now,
            vec![Subscription::new("a", QoS::AtMostOnce)],
            Default::default(),
        )
        .unwrap();
    p.drain();
    p.server(&[0x90, 0x03, 0, 1, 0]);
    p.client.handle_closed(p.now);
    p.drain();
    reconnect_now(&mut p, true);
    assert_eq!(p.sent(), Vec::<Vec<u8>>::new());
}

#[test]
fn failed_transport_opens_back_off_further_up_to_the_cap() {
    let mut p = Peer::connected(V4, with_reconnect);
    p.client.handle_closed(p.now);
    p.drain();
    let mut waits = Vec::new();
    for _ in 0..5 {
        p.advance();
        assert!(p.events.contains(&Event::Reconnect));
        p.take();
        // The driver could not open a transport.
        p.client.handle_closed(p.now);
        p.drain();
        waits.push(p.deadline.as_millis() - p.now.as_millis());
    }
    for (w, cap) in waits.iter().zip([2_000u64, 4_000, 4_000, 4_000, 4_000]) {
        assert!(*w >= cap / 2 && *w <= cap, "{waits:?}");
    }
}

#[test]
fn no_reconnect_after_our_disconnect_or_a_final_refusal() {
    let mut p = Peer::connected(V4, with_reconnect);
    p.client.disconnect(p.now, ReasonCode::Success).unwrap();
    p.drain();
    assert_eq!(p.deadline, NEVER);
    assert_eq!(p.client.reconnect_at(), None);
    let mut p = Peer::new(V5, with_reconnect);
    p.client.connect(p.now).unwrap();
    p.drain();
    p.server(&[0x20, 0x03, 0x00, 0x86, 0x00]);
    assert_eq!(p.deadline, NEVER);
    assert_eq!(p.client.reconnect_at(), None);
    // A busy server is worth another try.
    let mut p = Peer::new(V5, with_reconnect);
    p.client.connect(p.now).unwrap();
    p.drain();
    p.server(&[0x20, 0x03, 0x00, 0x89, 0x00]);
    assert_ne!(p.deadline, NEVER);
    assert_eq!(p.client.reconnect_at(), Some(p.deadline));
}

#[test]
fn unsubscribed_filters_are_not_resubscribed() {
    let mut p = Peer::connected(V4, with_reconnect);
    p.client
        .subscribe(
            p.now,
            vec![
                Subscription::new("a", QoS::AtMostOnce),
                Subscription::new("b", QoS::AtMostOnce),
            ],
            Default::default(),
        )
        .unwrap();
    p.drain();
    p.server(&[0x90, 0x04, 0, 1, 0, 0]);
    p.client
        .unsubscribe(p.now, vec!["a".into()], Default::default())
        .unwrap();
    p.drain();
    p.server(&[0xb0, 0x02, 0, 2]);
    p.client.handle_closed(p.now);
    p.drain();
    reconnect_now(&mut p, false);
    assert_eq!(p.sent(), [vec![0x82, 0x06, 0, 3, 0, 1, b'b', 0]]);
}

/// Subscribes to `filter` with `props` and has the server grant it.
fn subscribe_granted(p: &mut Peer, filter: &'static str, props: SubscribeProperties<'static>) {
    p.client
        .subscribe(
            p.now,
            vec![Subscription::new(filter, QoS::AtLeastOnce)],
            props,
        )
        .unwrap();
    p.drain();
    let sent = p.sent();
    let id = [sent[0][2], sent[0][3]];
    if p.client.version().is_v5() {
        p.server(&[0x90, 0x04, id[0], id[1], 0, 1]);
    } else {
        p.server(&[0x90, 0x03, id[0], id[1], 1]);
    }
    p.take();
}

#[test]
fn resubscribing_keeps_each_subscription_identifier() {
    let mut p = Peer::connected(V5, with_reconnect);
    let seven = SubscribeProperties {
        subscription_identifier: NonZeroU32::new(7),
        ..Default::default()
    };
    let seven_again = seven.clone();
    subscribe_granted(&mut p, "a", seven.clone());
    subscribe_granted(&mut p, "b", Default::default());
    subscribe_granted(&mut p, "c", seven);
    p.client.handle_closed(p.now);
    p.drain();
    p.take();
    reconnect_now(&mut p, false);
    // One SUBSCRIBE per set of properties: "a" and "c" with identifier 7, then "b".
    assert_eq!(
        p.sent(),
        [
            vec![0x82, 0x0d, 0, 4, 0x02, 0x0b, 0x07, 0, 1, b'a', 1, 0, 1, b'c', 1],
            vec![0x82, 0x07, 0, 5, 0, 0, 1, b'b', 1],
        ]
    );
    p.take();
    // Each SUBACK names its filters and their identifier; "c" is refused this time.
    p.server(&[0x90, 0x05, 0, 4, 0, 1, 0x97, 0x90, 0x04, 0, 5, 0, 1]);
    let granted = |filters: &[&'static str], properties, reasons| Event::Subscribed {
        origin: RequestOrigin::Resubscribe,
        subscriptions: filters
            .iter()
            .map(|f| Subscription::new(*f, QoS::AtLeastOnce))
            .collect(),
        properties,
        reasons,
    };
    assert_eq!(
        p.take().1,
        [
            granted(
                &["a", "c"],
                seven_again,
                vec![ReasonCode::GrantedQos1, ReasonCode::QuotaExceeded]
            ),
            granted(&["b"], Default::default(), vec![ReasonCode::GrantedQos1]),
        ]
    );
}

#[test]
fn a_filter_forgotten_offline_is_unsubscribed_when_the_session_resumes() {
    let mut p = Peer::connected(V4, |o| {
        with_reconnect(o);
        o.clean_start = false;
    });
    subscribe_granted(&mut p, "a", Default::default());
    p.client.handle_closed(p.now);
    p.drain();
    p.client.forget_subscriptions(vec!["a".into()]);
    assert!(!p.client.keeps_subscription("a"));
    reconnect_now(&mut p, true);
    // The resumed session still holds "a": UNSUBSCRIBE it, once.
    assert_eq!(p.sent(), [vec![0xa2, 0x05, 0, 2, 0, 1, b'a']]);
    p.take();
    p.server(&[0xb0, 0x02, 0, 2]);
    assert_eq!(
        p.take().1,
        [Event::Unsubscribed {
            origin: RequestOrigin::Forgotten,
            filters: vec!["a".into()],
            reasons: vec![],
        }]
    );
    p.client.handle_closed(p.now);
    p.drain();
    reconnect_now(&mut p, true);
    assert_eq!(p.sent(), Vec::<Vec<u8>>::new());
}

#[test]
fn an_unsubscribe_cut_off_by_the_connection_still_stands() {
    let mut p = Peer::connected(V4, |o| {
        with_reconnect(o);
        o.clean_start = false;
    });
    subscribe_granted(&mut p, "a", Default::default());
    p.client
        .unsubscribe(p.now, vec!["a".into()], Default::default())
        .unwrap();
    p.drain();
    p.take();
    // The connection ends before the UNSUBACK.
    p.client.handle_closed(p.now);
    p.drain();
    reconnect_now(&mut p, true);
    // The resumed session may still hold "a": UNSUBSCRIBE it again.
    assert_eq!(p.sent(), [vec![0xa2, 0x05, 0, 3, 0, 1, b'a']]);
    assert!(!p.client.keeps_subscription("a"));
}

#[test]
fn a_filter_forgotten_offline_is_not_resubscribed_on_a_new_session() {
    let mut p = Peer::connected(V4, with_reconnect);
    subscribe_granted(&mut p, "a", Default::default());
    subscribe_granted(&mut p, "b", Default::default());
    p.client.handle_closed(p.now);
    p.drain();
    p.client.forget_subscriptions(vec!["a".into()]);
    reconnect_now(&mut p, false);
    // No UNSUBSCRIBE (the new session has nothing), and only "b" again.
    assert_eq!(p.sent(), [vec![0x82, 0x06, 0, 3, 0, 1, b'b', 1]]);
}

#[test]
fn the_kept_subscriptions_are_those_granted_and_not_unsubscribed() {
    let mut p = Peer::connected(V4, with_reconnect);
    assert!(p.client.resubscribes());
    p.client
        .subscribe(
            p.now,
            vec![
                Subscription::new("a", QoS::AtMostOnce),
                Subscription::new("b", QoS::AtMostOnce),
                Subscription::new("c", QoS::AtMostOnce),
            ],
            Default::default(),
        )
        .unwrap();
    p.drain();
    assert!(!p.client.keeps_subscription("a"), "not granted yet");
    // "c" is refused.
    p.server(&[0x90, 0x05, 0, 1, 0, 0, 0x80]);
    let kept = |p: &Peer| ["a", "b", "c"].map(|f| p.client.keeps_subscription(f));
    assert_eq!(kept(&p), [true, true, false]);
    p.client
        .unsubscribe(p.now, vec!["a".into()], Default::default())
        .unwrap();
    p.drain();
    p.server(&[0xb0, 0x02, 0, 2]);
    assert_eq!(kept(&p), [false, true, false]);
    assert!(!Peer::connected(V4, |_| {}).client.resubscribes());
}

#[test]
fn requests_unanswered_when_the_connection_ends_are_reported_lost() {
    let mut p = Peer::connected(V4, |_| {});
    let h = p
        .client
        .subscribe(
            p.now,
            vec![Subscription::new("a", QoS::AtMostOnce)],
            Default::default(),
        )
        .unwrap();
    p.drain();
    p.client.handle_closed(p.now);
    p.client.connect(p.now).unwrap();
    p.drain();
    let lost = Event::RequestLost {
        origin: RequestOrigin::Caller(h),
        request: Request::Subscribe {
            subscriptions: vec![Subscription::new("a", QoS::AtMostOnce)],
            properties: Default::default(),
        },
    };
    assert!(p.events.contains(&lost), "{:?}", p.events);
    // A SUBACK for the old identifier on the new connection is a protocol error, not a
    // late success.
    p.take();
    p.server(&connack(V4, false));
    p.server(&[0x90, 0x03, 0, 1, 0]);
    assert!(matches!(
        disconnected(&p.events),
        Some(DisconnectCause::Protocol(_))
    ));
}

#[test]
fn new_options_keep_the_session_for_a_manual_reconnect() {
    let mut p = Peer::connected(V4, |o| o.clean_start = false);
    p.publish(QoS::AtLeastOnce, b"1");
    p.take();
    p.client.disconnect(p.now, ReasonCode::Success).unwrap();
    p.drain();
    assert_eq!(p.sent(), [vec![0xe0, 0x00]]);
    assert!(p
        .client
        .set_options(ClientOptions {
            keep_alive: 30,
            ..p.client.opts.clone()
        })
        .is_ok());
    p.client.connect(p.now).unwrap();
    p.drain();
    let connect = p.sent();
    assert_eq!(connect[0][10..12], [0, 30], "the new keep alive");
    p.server(&connack(V4, true));
    // The in-flight message of the session goes again, with DUP and its identifier.
    assert_eq!(p.sent(), [vec![0x3a, 0x06, 0, 1, b't', 0, 1, b'1']]);
    // Not while connected.
    let opts = p.client.opts.clone();
    assert!(p.client.set_options(opts).is_err());
}

#[test]
fn requests_are_reported_lost_when_their_connection_ends_even_without_another() {
    let mut p = Peer::connected(V4, |_| {});
    let sub = p
        .client
        .subscribe(
            p.now,
            vec![Subscription::new("a", QoS::AtMostOnce)],
            Default::default(),
        )
        .unwrap();
    let unsub = p
        .client
        .unsubscribe(p.now, vec!["b".into()], Default::default())
        .unwrap();
    p.drain();
    p.take();
    // We leave: no reconnect follows, and the handles still hear of it.
    p.client.disconnect(p.now, ReasonCode::Success).unwrap();
    p.drain();
    let events = p.take().1;
    let lost = [
        Event::RequestLost {
            origin: RequestOrigin::Caller(sub),
            request: Request::Subscribe {
                subscriptions: vec![Subscription::new("a", QoS::AtMostOnce)],
                properties: Default::default(),
            },
        },
        Event::RequestLost {
            origin: RequestOrigin::Caller(unsub),
            request: Request::Unsubscribe {
                filters: vec!["b".into()],
            },
        },
    ];
    for e in &lost {
        assert!(events.contains(e), "{events:?}");
    }
    assert_eq!(p.client.reconnect_at(), None);
}
