//! CONNECT, CONNACK, DISCONNECT, keep alive and protocol errors.

use super::*;
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

/// CONNECT 3.1.1, client id "a", keep alive 0, Clean Session.
pub(crate) const CONNECT_A: [u8; 15] = [
    0x10, 0x0d, 0x00, 0x04, b'M', b'Q', b'T', b'T', 0x04, 0x02, 0x00, 0x00, 0x00, 0x01, b'a',
];

/// [MQTT-3.1.0-1]
#[test]
fn a_first_packet_other_than_connect_closes_the_connection_unanswered() {
    let mut n = Net::new(|_| {});
    let c = n.open(1);
    n.feed(c, &[0xc0, 0x00]);
    assert!(n.take(c).is_empty());
    assert!(n.is_closed(c));
    assert_eq!(violation(&n.events()), Some((None, "MQTT-3.1.0-1")));
    // Anything after the close is ignored [MQTT-3.1.4-6].
    n.feed(c, &CONNECT_A);
    assert!(n.take(c).is_empty());
}

/// [MQTT-3.1.0-2] [MQTT-4.13.1-1] [MQTT-3.2.0-2]
/// 3.1.1: [MQTT-3.1.0-2]
#[test]
fn a_second_connect_is_a_protocol_error() {
    let mut n = Net::new(|_| {});
    let c5 = n.connect(1, V5, "five");
    n.send(c5, Packet::Connect(Box::new(Connect::new(V5, "five"))));
    assert_eq!(n.take(c5), [vec![0xe0, 0x01, 0x82]]);
    assert!(n.is_closed(c5));
    assert_eq!(violation(&n.events()), Some((None, "MQTT-3.1.0-2")));
    let c4 = n.connect(2, V4, "four");
    n.feed(c4, &CONNECT_A);
    assert!(
        n.take(c4).is_empty(),
        "MQTT 3 has no DISCONNECT from the server"
    );
    assert!(n.is_closed(c4));
}

/// [MQTT-3.1.4-5] [MQTT-3.2.2-2] [MQTT-3.2.2-1] [MQTT-4.12.0-6]
/// 3.1.1: [MQTT-3.1.4-4] [MQTT-3.2.0-1] [MQTT-3.2.2-1]
#[test]
fn connack_in_each_version_announces_our_limits_in_mqtt_5() {
    let mut n = Net::new(|_| {});
    let c = n.open(1);
    n.feed(c, &CONNECT_A);
    assert_eq!(n.take(c), [vec![0x20, 0x02, 0x00, 0x00]]);
    let c = n.open(2);
    n.feed(
        c,
        &enc(V3, Packet::Connect(Box::new(Connect::new(V3, "three")))),
    );
    assert_eq!(n.take(c), [vec![0x20, 0x02, 0x00, 0x00]]);
    let c = n.open(3);
    n.feed(
        c,
        &enc(V5, Packet::Connect(Box::new(Connect::new(V5, "five")))),
    );
    // Receive Maximum 100, Maximum Packet Size 1 MiB, Topic Alias Maximum 10.
    let expected = [
        0x20, 0x0e, 0x00, 0x00, 0x0b, 0x21, 0x00, 0x64, 0x27, 0x00, 0x10, 0x00, 0x00, 0x22, 0x00,
        0x0a,
    ];
    assert_eq!(n.take(c), [expected.to_vec()]);
}

/// [MQTT-3.1.2-2]
/// 3.1.1: [MQTT-3.1.2-2]
#[test]
fn an_unknown_protocol_level_gets_return_code_1_and_a_close() {
    let mut n = Net::new(|_| {});
    let c = n.open(1);
    let mut bytes = CONNECT_A;
    bytes[8] = 6;
    n.feed(c, &bytes);
    assert_eq!(n.take(c), [vec![0x20, 0x02, 0x00, 0x01]]);
    assert!(n.is_closed(c));
    assert_eq!(violation(&n.events()), Some((Some(8), "MQTT-3.1.2-2")));
}

/// [MQTT-3.1.2-3] [MQTT-3.1.4-1]
/// 3.1.1: [MQTT-3.1.2-3] [MQTT-3.1.4-1] [MQTT-3.2.2-6]
#[test]
fn a_reserved_connect_flag_closes_without_connack_naming_the_byte() {
    let mut n = Net::new(|_| {});
    let c = n.open(1);
    let mut bytes = CONNECT_A;
    bytes[9] |= 1;
    n.feed(c, &bytes);
    assert!(n.take(c).is_empty());
    assert!(n.is_closed(c));
    assert_eq!(violation(&n.events()), Some((Some(9), "MQTT-3.1.2-3")));
}

/// [MQTT-3.1.3-6] [MQTT-3.1.3-7] [MQTT-3.2.2-16] [MQTT-3.1.3-8]
/// 3.1.1: [MQTT-3.1.3-6] [MQTT-3.1.3-8] [MQTT-3.1.3-9]
#[test]
fn empty_client_ids_are_assigned_or_refused_per_version() {
    let mut n = Net::new(|_| {});
    let (_, ack) = n.connect_with(1, V5, "", |_| {});
    let Packet::ConnAck(ack) = ack else { panic!() };
    assert_eq!(
        ack.properties.assigned_client_identifier(),
        Some("mqttscope-1")
    );
    assert!(n.broker.session("mqttscope-1").is_some());
    let (_, ack) = n.connect_with(2, V4, "", |_| {});
    assert_eq!(enc(V4, ack), [0x20, 0x02, 0x00, 0x00]);
    assert!(n.broker.session("mqttscope-2").is_some());
    // 3.1.1 without Clean Session: identifier rejected.
    let c = n.open(3);
    n.feed(
        c,
        &[
            0x10, 0x0c, 0x00, 0x04, b'M', b'Q', b'T', b'T', 0x04, 0x00, 0x00, 0x00, 0x00, 0x00,
        ],
    );
    assert_eq!(n.take(c), [vec![0x20, 0x02, 0x00, 0x02]]);
    assert!(n.is_closed(c));
    // 3.1 never assigns.
    let (c, ack) = n.connect_with(4, V3, "", |_| {});
    assert_eq!(enc(V3, ack), [0x20, 0x02, 0x00, 0x02]);
    assert!(n.is_closed(c));
}

/// [MQTT-3.1.4-2] [MQTT-3.2.2-7] [MQTT-3.2.2-6] [MQTT-4.13.2-1]
/// 3.1.1: [MQTT-3.2.2-4] [MQTT-3.2.2-5]
#[test]
fn username_and_password_are_checked_against_the_users() {
    let mut n = Net::new(|o| {
        o.users = vec![User::new("ann", "secret")];
        o.allow_anonymous = false;
    });
    let login = |user: &str, pass: &[u8]| {
        let (user, pass) = (user.to_owned(), pass.to_vec());
        move |c: &mut Connect<'static>| {
            c.username = Some(user.into());
            c.password = Some(pass.into());
        }
    };
    let (c, ack) = n.connect_with(1, V5, "x", login("ann", b"wrong"));
    assert_eq!(enc(V5, ack), [0x20, 0x03, 0x00, 0x86, 0x00]);
    assert!(n.is_closed(c));
    let (c, ack) = n.connect_with(2, V4, "x", login("bob", b"secret"));
    assert_eq!(enc(V4, ack), [0x20, 0x02, 0x00, 0x04]);
    assert!(n.is_closed(c));
    let (_, ack) = n.connect_with(3, V4, "x", |_| {});
    assert_eq!(enc(V4, ack), [0x20, 0x02, 0x00, 0x05]);
    let (_, ack) = n.connect_with(4, V5, "y", |_| {});
    assert_eq!(enc(V5, ack), [0x20, 0x03, 0x00, 0x87, 0x00]);
    let (c, ack) = n.connect_with(5, V4, "x", login("ann", b"secret"));
    assert_eq!(enc(V4, ack), [0x20, 0x02, 0x00, 0x00]);
    assert_eq!(n.broker.client(c).unwrap().username.as_deref(), Some("ann"));
}

/// [MQTT-4.12.0-1] [MQTT-4.12.0-4] [MQTT-4.13.2-1]
#[test]
fn an_authentication_method_is_refused_with_0x8c() {
    let mut n = Net::new(|_| {});
    let (c, ack) = n.connect_with(1, V5, "x", |c| {
        c.properties.to_mut().authentication_method = Some("SCRAM-SHA-256".into());
    });
    assert_eq!(enc(V5, ack), [0x20, 0x03, 0x00, 0x8c, 0x00]);
    assert!(n.is_closed(c));
}

/// [MQTT-3.1.4-3]
/// 3.1.1: [MQTT-3.1.4-2]
#[test]
fn a_second_connection_with_the_same_client_id_takes_the_session_over() {
    let mut n = Net::new(|_| {});
    let old = n.connect(1, V5, "same");
    let new = n.connect(2, V5, "same");
    assert_eq!(n.take(old), [vec![0xe0, 0x01, 0x8e]]);
    assert!(n.is_closed(old) && !n.is_closed(new));
    assert_eq!(n.broker.session("same").unwrap().conn, Some(new));
    let old = n.connect(3, V4, "three");
    n.connect(4, V4, "three");
    assert!(n.take(old).is_empty() && n.is_closed(old));
}

/// [MQTT-3.1.2-22]
/// 3.1.1: [MQTT-3.1.2-24]
#[test]
fn keep_alive_is_enforced_at_one_and_a_half_times() {
    let mut n = Net::new(|_| {});
    let (c5, _) = n.connect_with(1, V5, "five", |c| c.keep_alive = 10);
    let (c4, _) = n.connect_with(2, V4, "four", |c| c.keep_alive = 10);
    n.sleep(14_000);
    n.feed(c5, &[0xc0, 0x00]);
    assert_eq!(n.take(c5), [vec![0xd0, 0x00]]);
    n.sleep(1_000);
    assert!(
        n.is_closed(c4) && n.take(c4).is_empty(),
        "3.1.1: closed at 15 s, no DISCONNECT"
    );
    assert!(!n.is_closed(c5));
    n.advance();
    assert_eq!(n.now, Instant::from_millis(29_000));
    assert_eq!(n.take(c5), [vec![0xe0, 0x01, 0x8d]]);
    assert!(n.is_closed(c5));
}

/// [MQTT-3.2.2-22]
#[test]
fn a_server_keep_alive_replaces_the_clients() {
    let mut n = Net::new(|o| o.server_keep_alive = Some(4));
    let (c, ack) = n.connect_with(1, V5, "x", |c| c.keep_alive = 60);
    let Packet::ConnAck(ack) = ack else { panic!() };
    assert_eq!(ack.properties.server_keep_alive(), Some(4));
    n.advance();
    assert_eq!(n.now, Instant::from_millis(6_000));
    assert!(n.is_closed(c));
}

#[test]
fn a_connection_that_never_sends_connect_is_closed_after_the_timeout() {
    let mut n = Net::new(|o| o.connect_timeout = Duration::from_secs(3));
    let c = n.open(1);
    n.advance();
    assert_eq!(n.now, Instant::from_millis(3_000));
    assert!(n.is_closed(c));
    assert_eq!(n.broker.connection_count(), 0);
}

/// [MQTT-4.13.1-1] [MQTT-3.3.1-4]
#[test]
fn a_malformed_packet_is_disconnect_0x81_naming_offset_and_rule() {
    let mut n = Net::new(|_| {});
    let c = n.connect(1, V5, "x");
    n.feed(c, &[0x36, 0x05, 0x00, 0x01, b't', 0x00, 0x01]);
    assert_eq!(n.take(c), [vec![0xe0, 0x01, 0x81]]);
    assert_eq!(violation(&n.events()), Some((Some(0), "MQTT-3.3.1-4")));
    assert!(n.is_closed(c));
}

/// [MQTT-3.2.2-15]
#[test]
fn a_packet_above_our_maximum_is_disconnect_0x95() {
    let mut n = Net::new(|o| o.max_packet_size = 64);
    let c = n.connect(1, V5, "x");
    n.send(c, publish("t", &[0; 100], QosPid::AtMostOnce));
    assert_eq!(n.take(c), [vec![0xe0, 0x01, 0x95]]);
    assert_eq!(violation(&n.events()), Some((Some(0), "MQTT-3.2.2-15")));
}

#[test]
fn connections_and_sessions_are_bounded() {
    let mut n = Net::new(|o| {
        o.max_connections = 3;
        o.max_sessions = 1;
    });
    n.connect(1, V5, "a");
    let (c, ack) = n.connect_with(2, V5, "b", |_| {});
    assert_eq!(enc(V5, ack), [0x20, 0x03, 0x00, 0x97, 0x00]);
    assert!(n.is_closed(c));
    let (_, ack) = n.connect_with(3, V4, "b", |_| {});
    assert_eq!(enc(V4, ack), [0x20, 0x02, 0x00, 0x03]);
    n.open(4);
    n.open(5);
    assert_eq!(
        n.broker.accept(ConnId(6), n.now),
        Err(BrokerError::TooManyConnections { max: 3 })
    );
}

/// [MQTT-3.12.4-1]
/// 3.1.1: [MQTT-3.12.4-1]
#[test]
fn pingreq_gets_pingresp() {
    let mut n = Net::new(|_| {});
    let c = n.connect(1, V4, "x");
    n.feed(c, &[0xc0, 0x00]);
    assert_eq!(n.take(c), [vec![0xd0, 0x00]]);
}

#[test]
fn packets_split_and_batched_in_any_way_are_handled_alike() {
    let mut stream = CONNECT_A.to_vec();
    stream.extend(enc(V4, subscribe(1, &[("a/b", QoS::AtLeastOnce)])));
    stream.extend([0xc0, 0x00]);
    for cut in [1, 2, 5, stream.len()] {
        let mut n = Net::new(|_| {});
        let c = n.open(1);
        for chunk in stream.chunks(cut) {
            n.feed(c, chunk);
        }
        let sent = n.take(c);
        assert_eq!(
            sent,
            [
                vec![0x20, 0x02, 0x00, 0x00],
                vec![0x90, 0x03, 0x00, 0x01, 0x01],
                vec![0xd0, 0x00]
            ],
            "cut {cut}"
        );
    }
}

/// [MQTT-3.14.4-3]
#[test]
fn disconnect_from_the_client_ends_the_connection_quietly() {
    let mut n = Net::new(|_| {});
    let c = n.connect(1, V5, "x");
    n.events();
    n.send(c, disconnect(ReasonCode::Success));
    assert!(n.take(c).is_empty() && n.is_closed(c));
    assert!(n.events().contains(&Event::ClientDisconnected {
        conn: c,
        client_id: Some("x".into()),
        cause: DisconnectCause::ClientDisconnect(ReasonCode::Success),
    }));
}

/// [MQTT-1.5.5-1]
#[test]
fn an_mqtt_5_connect_is_held_to_mqtt_5_framing() {
    let mut n = Net::new(|_| {});
    let good = enc(V5, Packet::Connect(Box::new(Connect::new(V5, "x"))));
    // The same CONNECT with its Remaining Length in two bytes where one would do.
    let mut long = vec![0x10, good[1] | 0x80, 0x00];
    long.extend_from_slice(&good[2..]);
    let c = n.open(1);
    n.feed(c, &long);
    assert!(n.take(c).is_empty() && n.is_closed(c));
    assert_eq!(violation(&n.events()), Some((Some(2), "MQTT-1.5.5-1")));
    // MQTT 3.1.1 states no such rule: accepted.
    let good = enc(V4, Packet::Connect(Box::new(Connect::new(V4, "y"))));
    let mut long = vec![0x10, good[1] | 0x80, 0x00];
    long.extend_from_slice(&good[2..]);
    let c = n.open(2);
    n.feed(c, &long);
    assert_eq!(n.take(c), [vec![0x20, 0x02, 0x00, 0x00]]);
}

/// [MQTT-3.2.2-9] [MQTT-3.2.2-11] [MQTT-3.2.2-12]
#[test]
fn a_maximum_qos_below_2_is_announced_and_enforced() {
    let mut n = Net::new(|o| o.maximum_qos = QoS::AtLeastOnce);
    let (c, ack) = n.connect_with(1, V5, "x", |_| {});
    let Packet::ConnAck(ack) = ack else { panic!() };
    assert_eq!(ack.properties.maximum_qos(), Some(QoS::AtLeastOnce));
    n.send(c, publish("t", b"x", q2(1)));
    assert_eq!(n.take(c), [vec![0xe0, 0x01, 0x9b]]);
    let (c, ack) = n.connect_with(2, V5, "y", |c| {
        c.will = Some(mqttscope_proto::codec::Will {
            topic: "w".into(),
            payload: b"".to_vec().into(),
            qos: QoS::ExactlyOnce,
            retain: false,
            properties: Default::default(),
        });
    });
    assert_eq!(enc(V5, ack), [0x20, 0x03, 0x00, 0x9b, 0x00]);
    assert!(n.is_closed(c));
}
