//! The packets the client writes, byte for byte: CONNECT's payload, SUBSCRIBE and
//! UNSUBSCRIBE, DISCONNECT and what follows it; and what it does with packets that arrive
//! in any framing or with bad flags.

use super::*;
use crate::codec::UsageError;
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

/// A will at QoS 2, retained, and a user name and password.
fn with_will_and_credentials(o: &mut ClientOptions) {
    o.will = Some(crate::codec::Will {
        topic: "w".into(),
        payload: b"x".to_vec().into(),
        qos: QoS::ExactlyOnce,
        retain: true,
        properties: Default::default(),
    });
    o.username = Some("u".into());
    o.password = Some(b"p".to_vec());
}

/// With a will, a user name and a password, CONNECT's flags say so (Will QoS 2 as `10`)
/// and its payload holds the client id, the will (its properties, topic and payload), the
/// user name and the password, in that order, each a length-prefixed field.
/// [MQTT-3.1.2-9] [MQTT-3.1.2-12] [MQTT-3.1.2-17] [MQTT-3.1.2-19] [MQTT-3.1.3-1]
/// [MQTT-3.1.3-11] [MQTT-3.1.3-12]
/// 3.1.1: [MQTT-3.1.2-9] [MQTT-3.1.2-14] [MQTT-3.1.2-19] [MQTT-3.1.2-21] [MQTT-3.1.3-1]
/// 3.1.1: [MQTT-3.1.3-10] [MQTT-3.1.3-11]
#[test]
fn connect_carries_the_will_user_name_and_password_in_order() {
    let payload = |will_props: &[u8]| -> Vec<u8> {
        let mut p = vec![0, 1, b'c'];
        p.extend_from_slice(will_props);
        p.extend_from_slice(&[0, 1, b'w', 0, 1, b'x', 0, 1, b'u', 0, 1, b'p']);
        p
    };
    let mut v5 = vec![0x10, 0x20, 0, 4, b'M', b'Q', b'T', b'T', 5, 0xf6, 0, 10];
    v5.extend_from_slice(&[5, 0x27, 1, 0, 0, 0]);
    v5.extend(payload(&[0]));
    let mut v4 = vec![0x10, 0x19, 0, 4, b'M', b'Q', b'T', b'T', 4, 0xf6, 0, 10];
    v4.extend(payload(&[]));
    for (v, expected) in [(V5, v5), (V4, v4)] {
        let mut p = Peer::new(v, with_will_and_credentials);
        p.client.connect(p.now).unwrap();
        p.drain();
        assert_eq!(p.sent(), [expected], "{v:?}");
    }
}

/// MQTT 3.1.1: a password needs a user name, and an empty client id needs Clean
/// Session; the client refuses to connect otherwise and sends nothing.
/// 3.1.1: [MQTT-3.1.2-22] [MQTT-3.1.3-7]
#[test]
fn mqtt3_refuses_a_password_without_user_name_and_an_empty_id_without_clean_session() {
    let cases: [fn(&mut ClientOptions); 2] = [
        |o| o.password = Some(b"p".to_vec()),
        |o| {
            o.client_id = String::new();
            o.clean_start = false;
        },
    ];
    for f in cases {
        let mut p = Peer::new(V4, f);
        let err = p.client.connect(p.now).unwrap_err();
        assert!(
            matches!(err, ClientError::Usage(UsageError::InvalidConnect { .. })),
            "{err:?}"
        );
        p.drain();
        assert_eq!(p.take(), (vec![], vec![]));
        assert_eq!(p.client.state(), State::Idle);
    }
    // MQTT 5 allows a password alone.
    let mut p = Peer::new(V5, |o| o.password = Some(b"p".to_vec()));
    assert!(p.client.connect(p.now).is_ok());
}

/// SUBSCRIBE and UNSUBSCRIBE carry their filters as length-prefixed UTF-8 strings, each
/// with a fresh non-zero packet identifier that no other packet in flight uses.
/// [MQTT-3.8.3-1] [MQTT-3.10.3-1] [MQTT-2.2.1-3]
/// 3.1.1: [MQTT-3.8.3-1] [MQTT-3.10.3-1] [MQTT-2.3.1-2]
#[test]
fn subscribe_and_unsubscribe_carry_their_filters_with_fresh_identifiers() {
    for v in [V5, V4] {
        let mut p = Peer::connected(v, |_| {});
        let sub = vec![Subscription::new("a/ü", QoS::AtLeastOnce)];
        p.client.subscribe(p.now, sub, Default::default()).unwrap();
        p.publish(QoS::AtLeastOnce, b"m");
        p.client
            .unsubscribe(p.now, vec!["a/ü".into()], Default::default())
            .unwrap();
        p.drain();
        let filter = [0, 4, b'a', b'/', 0xc3, 0xbc];
        let (mut s, mut pb, mut u) = (
            vec![0x82, 9, 0, 1],
            vec![0x32, 6, 0, 1, b't', 0, 2],
            vec![0xa2, 8, 0, 3],
        );
        if v.is_v5() {
            s[1] += 1;
            pb[1] += 1;
            u[1] += 1;
            s.push(0);
            pb.push(0);
            u.push(0);
        }
        s.extend_from_slice(&filter);
        s.push(1);
        pb.push(b'm');
        u.extend_from_slice(&filter);
        assert_eq!(p.sent(), [s, pb, u], "{v:?}");
    }
}

/// A SUBSCRIBE or UNSUBSCRIBE without any filter, and (MQTT 5) No Local on a shared
/// subscription, are refused before anything is sent.
/// [MQTT-3.8.3-2] [MQTT-3.10.3-2] [MQTT-3.8.3-4]
/// 3.1.1: [MQTT-3.8.3-3] [MQTT-3.10.3-2]
#[test]
fn an_empty_subscribe_or_unsubscribe_and_no_local_on_a_shared_filter_are_refused() {
    for v in [V5, V4] {
        let mut p = Peer::connected(v, |_| {});
        let empty = p.client.subscribe(p.now, vec![], Default::default());
        assert!(matches!(
            empty,
            Err(ClientError::Usage(UsageError::EmptyPayload { .. }))
        ));
        let empty = p.client.unsubscribe(p.now, vec![], Default::default());
        assert!(matches!(
            empty,
            Err(ClientError::Usage(UsageError::EmptyPayload { .. }))
        ));
        p.drain();
        assert_eq!(p.take(), (vec![], vec![]));
    }
    let mut p = Peer::connected(V5, |_| {});
    let mut shared = Subscription::new("$share/g/a", QoS::AtMostOnce);
    shared.options.no_local = true;
    assert_eq!(
        p.client.subscribe(p.now, vec![shared], Default::default()),
        Err(ClientError::Usage(UsageError::NoLocalOnSharedSubscription))
    );
    p.drain();
    assert_eq!(p.take(), (vec![], vec![]));
}

/// After its DISCONNECT the client closes and sends nothing more on that connection:
/// commands are refused, arriving bytes and timers are ignored.
/// [MQTT-3.14.4-1] [MQTT-3.14.4-2]
/// 3.1.1: [MQTT-3.14.4-1] [MQTT-3.14.4-2]
#[test]
fn after_disconnect_nothing_more_is_sent() {
    for v in [V5, V4] {
        let mut p = Peer::connected(v, |_| {});
        p.publish(QoS::AtLeastOnce, b"m");
        p.take();
        p.client.disconnect(p.now, ReasonCode::Success).unwrap();
        p.drain();
        let (sent, events) = p.take();
        assert_eq!(sent, [vec![0xe0, 0x00]]);
        assert_eq!(
            disconnected(&events),
            Some(&DisconnectCause::Local(ReasonCode::Success))
        );
        assert_eq!(p.client.state(), State::Closed);
        assert!(p.client.publish(p.now, Message::new("t", "m")).is_err());
        let sub = vec![Subscription::new("a", QoS::AtMostOnce)];
        assert!(p.client.subscribe(p.now, sub, Default::default()).is_err());
        // The PUBACK and a PUBLISH that were on their way are not answered.
        p.server(&[0x40, 0x02, 0, 1, 0x32, 0x06, 0, 1, b't', 0, 7, b'x']);
        p.client.handle_timeout(Instant::from_millis(60_000));
        p.drain();
        assert_eq!(p.take(), (vec![], vec![]));
        assert_eq!(p.deadline, NEVER);
    }
}

/// Packets are cut and joined anywhere by the transport (WebSocket frames need not align
/// with them): a CONNACK a byte at a time, then two packets and a half in one piece.
/// [MQTT-6.0.0-2]
/// 3.1.1: [MQTT-6.0.0-2]
#[test]
fn packets_are_read_across_and_within_any_framing() {
    for v in [V5, V4] {
        let mut p = Peer::new(v, |_| {});
        p.client.connect(p.now).unwrap();
        p.drain();
        p.take();
        for b in connack(v, false) {
            p.server(&[b]);
        }
        assert_eq!(p.client.state(), State::Connected);
        p.take();
        let publish: &[u8] = if v.is_v5() {
            &[0x32, 0x07, 0, 1, b't', 0, 1, 0, b'a']
        } else {
            &[0x32, 0x06, 0, 1, b't', 0, 1, b'a']
        };
        let mut second = publish.to_vec();
        let id_at = second.len() - 2 - usize::from(v.is_v5());
        second[id_at] = 2;
        let stream = [publish, &second[..], &[0xd0, 0x00]].concat();
        let cut = publish.len() + second.len() + 1;
        p.server(&stream[..cut]);
        assert_eq!(p.sent(), [vec![0x40, 2, 0, 1], vec![0x40, 2, 0, 2]]);
        p.server(&stream[cut..]);
        let (sent, events) = p.take();
        assert!(sent.is_empty());
        assert_eq!(
            events
                .iter()
                .filter(|e| matches!(e, Event::Message(_)))
                .count(),
            2
        );
        assert_eq!(p.client.state(), State::Connected);
    }
}

/// A fixed header with flags the specification reserves ends the connection; so does
/// any other protocol violation (a second CONNACK). MQTT 3.1.1 has no DISCONNECT from
/// a client with a reason: the client just closes.
/// [MQTT-2.1.3-1]
/// 3.1.1: [MQTT-2.2.2-1] [MQTT-2.2.2-2] [MQTT-4.8.0-1]
#[test]
fn reserved_flags_or_a_second_connack_close_the_connection() {
    for (v, bad) in [
        (V4, vec![0x42, 0x02, 0, 1]),
        (V4, connack(V4, false)),
        (V5, vec![0x92, 0x03, 0, 1, 0]),
    ] {
        let mut p = Peer::connected(v, |_| {});
        p.server(&bad);
        let (sent, events) = p.take();
        let expected: Vec<Vec<u8>> = if v.is_v5() {
            vec![vec![0xe0, 0x01, 0x81]]
        } else {
            vec![]
        };
        assert_eq!(sent, expected, "{bad:?}");
        assert!(
            matches!(disconnected(&events), Some(DisconnectCause::Protocol(_))),
            "{events:?}"
        );
        assert_eq!(p.client.state(), State::Closed);
    }
}
