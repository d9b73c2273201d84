//! The handshake's edges: a wrong protocol name, Clean Start without a session, client
//! ids, what may come before or after CONNACK, and wills with their flags and properties.

use super::connection::CONNECT_A;
use super::*;
use mqttscope_proto::codec::{UserProperty, Will, WillProperties};
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

/// CONNECT 5.0, client id "a", keep alive 0, Clean Start, no properties.
const CONNECT_A_V5: [u8; 16] = [
    0x10, 0x0e, 0x00, 0x04, b'M', b'Q', b'T', b'T', 0x05, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01, b'a',
];

/// A protocol name other than "MQTT" is not processed as MQTT: no session, no CONNACK
/// of success, the connection closed, and nothing read after it.
/// [MQTT-3.1.2-1]
/// 3.1.1: [MQTT-3.1.2-1]
#[test]
fn a_wrong_protocol_name_closes_without_processing_the_connect() {
    for connect in [&CONNECT_A[..], &CONNECT_A_V5[..]] {
        let mut n = Net::new(|_| {});
        let c = n.open(1);
        let mut bytes = connect.to_vec();
        bytes[7] = b'X';
        n.feed(c, &bytes);
        assert!(n.take(c).is_empty(), "{bytes:02x?}");
        assert!(n.is_closed(c));
        assert_eq!(violation(&n.events()), Some((Some(2), "MQTT-3.1.2-1")));
        assert!(n.broker.session("a").is_none());
        n.feed(c, &[0xc0, 0x00]);
        assert!(n.take(c).is_empty());
    }
}

/// Clean Start 0 for a client id with no session creates one (Session Present 0), and
/// each client id has its own session state.
/// [MQTT-3.1.2-6] [MQTT-3.1.3-2]
/// 3.1.1: [MQTT-3.2.2-3] [MQTT-3.1.3-2]
#[test]
fn clean_start_0_without_a_session_creates_one_per_client_id() {
    let mut n = Net::new(|_| {});
    let persistent = |c: &mut Connect<'static>| {
        c.clean_start = false;
        c.properties.to_mut().session_expiry_interval = Some(60);
    };
    let (a, ack) = n.connect_with(1, V5, "a", persistent);
    let Packet::ConnAck(ack) = ack else { panic!() };
    assert_eq!(
        (ack.session_present, ack.reason),
        (false, ReasonCode::Success)
    );
    n.subscribe(a, "t", QoS::AtMostOnce);
    n.send(a, disconnect(ReasonCode::Success));
    let (_, ack) = n.connect_with(2, V5, "b", persistent);
    let Packet::ConnAck(ack) = ack else { panic!() };
    assert!(!ack.session_present, "a's session is not b's");
    assert!(n.broker.session("b").unwrap().subscriptions.is_empty());
    let (_, ack) = n.connect_with(3, V5, "a", persistent);
    let Packet::ConnAck(ack) = ack else { panic!() };
    assert!(ack.session_present);
    assert_eq!(n.broker.session("a").unwrap().subscriptions.len(), 1);
    let (_, ack) = n.connect_with(4, V4, "c", |c| c.clean_start = false);
    assert_eq!(enc(V4, ack), [0x20, 0x02, 0x00, 0x00]);
    assert!(n.broker.session("c").is_some());
}

/// [MQTT-3.1.3-5]
/// 3.1.1: [MQTT-3.1.3-5]
#[test]
fn client_ids_of_1_to_23_letters_and_digits_are_accepted() {
    let mut n = Net::new(|_| {});
    let mut id = 0;
    for v in [V4, V5] {
        for client in ["0", "Z", "a1B2", "0123456789abcdefghijKLM"] {
            id += 1;
            let (c, ack) = n.connect_with(id, v, client, |_| {});
            let Packet::ConnAck(ack) = ack else { panic!() };
            assert_eq!(ack.reason, ReasonCode::Success, "{client} {v}");
            assert_eq!(n.broker.client(c).unwrap().client_id, client);
        }
    }
}

/// A resumed session with messages waiting: CONNACK is the first packet sent.
/// [MQTT-3.2.0-1]
/// 3.1.1: [MQTT-3.2.0-1]
#[test]
fn connack_goes_before_anything_else_on_a_resumed_session() {
    let mut n = Net::new(|_| {});
    let (sub, _) = n.connect_with(1, V4, "sub", |c| c.clean_start = false);
    n.subscribe(sub, "t", QoS::AtLeastOnce);
    n.broker.handle_closed(sub, n.now);
    n.drain();
    let publ = n.connect(2, V4, "pub");
    n.publish(publ, "t", b"x", q1(1));
    let c = n.open(3);
    let mut connect = Connect::new(V4, "sub");
    connect.clean_start = false;
    connect.keep_alive = 0;
    n.feed(c, &enc(V4, Packet::Connect(Box::new(connect))));
    assert_eq!(
        n.take(c),
        [
            vec![0x20, 0x02, 0x01, 0x00],
            vec![0x32, 0x06, 0x00, 0x01, b't', 0x00, 0x01, b'x'],
        ]
    );
}

/// After a refused CONNECT nothing the client sends is acted on, and the server sends no
/// DISCONNECT: not after the refusal, and not for a CONNECT too malformed to answer.
/// [MQTT-3.1.4-6] [MQTT-3.14.0-1] [MQTT-4.13.2-1]
/// 3.1.1: [MQTT-3.1.4-5]
#[test]
fn after_a_refused_connect_nothing_more_is_read_or_sent() {
    let mut n = Net::new(|o| o.allow_anonymous = false);
    for (id, v, refusal) in [
        (1, V5, vec![0x20, 0x03, 0x00, 0x87, 0x00]),
        (2, V4, vec![0x20, 0x02, 0x00, 0x05]),
    ] {
        let (c, ack) = n.connect_with(id, v, "x", |_| {});
        assert_eq!(enc(v, ack), refusal);
        assert!(n.is_closed(c));
        n.events();
        n.send(c, subscribe(1, &[("t", QoS::AtMostOnce)]));
        n.send(c, publish("t", b"x", q1(2)));
        n.feed(c, &[0xc0, 0x00]);
        assert!(n.take(c).is_empty(), "{v}");
        assert!(n.events().is_empty(), "{v}");
        assert!(n.broker.session("x").is_none());
    }
    let c = n.open(3);
    let mut bytes = CONNECT_A_V5;
    bytes[9] |= 0x01;
    n.feed(c, &bytes);
    assert!(n.take(c).is_empty(), "no DISCONNECT before a CONNACK");
    assert!(n.is_closed(c));
    assert!(n.late.is_empty());
}

fn will_to(topic: &str, retain: bool) -> Will<'static> {
    Will {
        topic: topic.to_owned().into(),
        payload: b"x".to_vec().into(),
        qos: QoS::AtMostOnce,
        retain,
        properties: Default::default(),
    }
}

/// The will is kept with the connection's session state and published when the
/// connection drops, retained exactly when Will Retain is 1, in both versions.
/// [MQTT-3.1.2-7] [MQTT-3.1.2-14] [MQTT-3.1.2-15]
/// 3.1.1: [MQTT-3.1.2-8] [MQTT-3.1.2-16] [MQTT-3.1.2-17]
#[test]
fn a_will_is_published_retained_exactly_when_will_retain_is_set() {
    for v in [V4, V5] {
        for retain in [false, true] {
            let mut n = Net::new(|_| {});
            let w = n.connect(1, V4, "watcher");
            n.subscribe(w, "w", QoS::AtMostOnce);
            let (c, _) = n.connect_with(2, v, "dies", |c| c.will = Some(will_to("w", retain)));
            assert!(n.broker.client(c).unwrap().has_will);
            n.broker.handle_closed(c, n.now);
            n.drain();
            assert_eq!(publishes(&n.packets(w)).len(), 1, "{v} {retain}");
            let stored: Vec<String> = n
                .broker
                .retained()
                .iter()
                .map(|m| m.topic.clone())
                .collect();
            assert_eq!(stored.len(), usize::from(retain), "{v} {retain}");
            let late = n.connect(3, V4, "late");
            n.send(late, subscribe(1, &[("w", QoS::AtMostOnce)]));
            let sent = n.take(late);
            let expected: &[Vec<u8>] = if retain {
                &[
                    vec![0x90, 0x03, 0x00, 0x01, 0x00],
                    vec![0x31, 0x04, 0x00, 0x01, b'w', b'x'],
                ]
            } else {
                &[vec![0x90, 0x03, 0x00, 0x01, 0x00]]
            };
            assert_eq!(sent, expected, "{v} {retain}");
        }
    }
}

/// MQTT 3.1.1: no will without the Will Flag, none after DISCONNECT, and a will goes
/// out once: the session holds it no longer after publishing it.
/// 3.1.1: [MQTT-3.1.2-10] [MQTT-3.1.2-12] [MQTT-3.14.4-3]
#[test]
fn mqtt_3_wills_are_dropped_by_disconnect_and_sent_at_most_once() {
    let mut n = Net::new(|_| {});
    let w = n.connect(1, V4, "watcher");
    n.subscribe(w, "w", QoS::AtMostOnce);
    let (c, _) = n.connect_with(2, V4, "polite", |c| c.will = Some(will_to("w", false)));
    n.feed(c, &[0xe0, 0x00]);
    n.broker.handle_closed(c, n.now);
    n.drain();
    let c = n.connect(3, V4, "no-will");
    n.broker.handle_closed(c, n.now);
    n.drain();
    assert!(publishes(&n.packets(w)).is_empty());
    let persistent = |c: &mut Connect<'static>| {
        c.clean_start = false;
        c.will = Some(will_to("w", false));
    };
    let (c, _) = n.connect_with(4, V4, "dies", persistent);
    n.broker.handle_closed(c, n.now);
    n.drain();
    assert_eq!(publishes(&n.packets(w)).len(), 1);
    let (c, _) = n.connect_with(5, V4, "dies", |c| c.clean_start = false);
    n.broker.handle_closed(c, n.now);
    n.drain();
    assert!(publishes(&n.packets(w)).is_empty(), "published once only");
}

/// [MQTT-3.1.3-10]
#[test]
fn a_will_keeps_its_user_properties_in_order() {
    let mut n = Net::new(|_| {});
    let w = n.connect(1, V5, "watcher");
    n.subscribe(w, "w", QoS::AtMostOnce);
    let pairs = [("k", "1"), ("a", "2"), ("k", "3")];
    let (c, _) = n.connect_with(2, V5, "dies", |c| {
        let mut will = will_to("w", false);
        will.properties = WillProperties {
            user_properties: pairs
                .iter()
                .map(|(k, v)| UserProperty::new(*k, *v))
                .collect(),
            ..Default::default()
        }
        .into();
        c.will = Some(will);
    });
    n.broker.handle_closed(c, n.now);
    n.drain();
    let sent = n.packets(w);
    let [Packet::Publish(p)] = &sent[..] else {
        panic!("{sent:?}")
    };
    assert_eq!(p.properties.user_properties().collect::<Vec<_>>(), pairs);
}

/// Reserved fixed-header flags, QoS 3 and reserved subscription option bits are
/// malformed: DISCONNECT 0x81 in MQTT 5, the connection closed in both versions.
/// [MQTT-2.1.3-1] [MQTT-3.6.1-1] [MQTT-3.8.1-1] [MQTT-3.10.1-1] [MQTT-3.14.1-1]
/// [MQTT-3.15.1-1] [MQTT-3.8.3-5]
/// 3.1.1: [MQTT-2.2.2-2] [MQTT-3.6.1-1] [MQTT-3.8.1-1] [MQTT-3.10.1-1] [MQTT-3.14.1-1]
/// 3.1.1: [MQTT-3.3.1-4] [MQTT-3.8.3-4] [MQTT-4.8.0-1]
#[test]
fn malformed_flags_and_options_close_the_connection() {
    let both: [&[u8]; 6] = [
        &[0x60, 0x02, 0x00, 0x01],
        &[0x88, 0x06, 0x00, 0x01, 0x00, 0x01, b't', 0x00],
        &[0xa0, 0x05, 0x00, 0x01, 0x00, 0x01, b't'],
        &[0xe1, 0x00],
        &[0xc4, 0x00],
        &[0x36, 0x05, 0x00, 0x01, b't', 0x00, 0x01],
    ];
    let v4_only: [&[u8]; 1] = [&[0x82, 0x06, 0x00, 0x01, 0x00, 0x01, b't', 0x04]];
    let v5_only: [&[u8]; 2] = [
        &[0xf1, 0x00],
        &[0x82, 0x07, 0x00, 0x01, 0x00, 0x00, 0x01, b't', 0xc0],
    ];
    let cases = both
        .iter()
        .flat_map(|b| [(V4, *b), (V5, *b)])
        .chain(v4_only.iter().map(|b| (V4, *b)))
        .chain(v5_only.iter().map(|b| (V5, *b)));
    for (v, bytes) in cases {
        let mut n = Net::new(|_| {});
        let c = n.connect(1, v, "x");
        n.feed(c, bytes);
        let expected: &[Vec<u8>] = if v.is_v5() {
            &[vec![0xe0, 0x01, 0x81]]
        } else {
            &[]
        };
        assert_eq!(n.take(c), expected, "{v} {bytes:02x?}");
        assert!(n.is_closed(c), "{v} {bytes:02x?}");
        assert!(violation(&n.events()).is_some());
    }
}

/// Session state is kept while the connection is open, however long, even with a
/// Session Expiry Interval shorter than the wait; it ends only that long after the close.
/// [MQTT-4.1.0-1] [MQTT-4.1.0-2]
/// 3.1.1: [MQTT-4.1.0-1] [MQTT-4.1.0-2]
#[test]
fn session_state_lasts_at_least_as_long_as_the_connection() {
    let mut n = Net::new(|_| {});
    let (c5, _) = n.connect_with(1, V5, "five", |c| {
        c.properties.to_mut().session_expiry_interval = Some(1);
    });
    let c4 = n.connect(2, V4, "four");
    n.subscribe(c5, "t", QoS::AtLeastOnce);
    n.subscribe(c4, "t", QoS::AtLeastOnce);
    n.sleep(3_600_000);
    for id in ["five", "four"] {
        assert_eq!(n.broker.session(id).unwrap().subscriptions.len(), 1, "{id}");
    }
    n.broker.handle_closed(c5, n.now);
    n.drain();
    n.sleep(999);
    assert!(n.broker.session("five").is_some());
    n.sleep(1);
    assert!(n.broker.session("five").is_none());
    n.broker.handle_closed(c4, n.now);
    n.drain();
    assert!(
        n.broker.session("four").is_none(),
        "Clean Session 1 ends with it"
    );
}

/// A client that asks for no Response Information gets a CONNACK without it: exactly
/// the CONNACK of a client that did not ask.
/// [MQTT-3.1.2-28]
#[test]
fn no_response_information_unless_requested() {
    let mut n = Net::new(|_| {});
    let (_, plain) = n.connect_with(1, V5, "a", |_| {});
    let (_, ack) = n.connect_with(2, V5, "b", |c| {
        c.properties.to_mut().request_response_information = Some(false);
    });
    let Packet::ConnAck(a) = &ack else { panic!() };
    assert_eq!(a.properties.response_information(), None);
    let bytes = enc(V5, ack);
    assert_eq!(bytes, enc(V5, plain));
    assert_eq!(bytes[4], 0x0b, "our three limits only");
}
