//! Connecting, keep alive, timeouts, disconnects and protocol violations.

use super::*;
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

/// The first packet is CONNECT, named "MQTT", the client id first in its payload; no will,
/// user name or password flags and none of those fields.
/// [MQTT-3.1.0-1] [MQTT-3.1.2-1] [MQTT-3.1.3-3] [MQTT-3.1.3-4] [MQTT-3.1.2-11]
/// [MQTT-3.1.2-13] [MQTT-3.1.2-16] [MQTT-3.1.2-18]
/// 3.1.1: [MQTT-3.1.0-1] [MQTT-3.1.3-3] [MQTT-3.1.3-4] [MQTT-3.1.2-11] [MQTT-3.1.2-13]
/// 3.1.1: [MQTT-3.1.2-15] [MQTT-3.1.2-18] [MQTT-3.1.2-20]
#[test]
fn connect_sends_connect_and_connack_connects() {
    for (v, connect) in [
        (
            V4,
            vec![
                0x10, 0x0d, 0, 4, b'M', b'Q', b'T', b'T', 4, 0x02, 0, 10, 0, 1, b'c',
            ],
        ),
        (
            V5,
            // Maximum Packet Size 16 MiB (0x27), the receive limit, is always announced.
            vec![
                0x10, 0x13, 0, 4, b'M', b'Q', b'T', b'T', 5, 0x02, 0, 10, 5, 0x27, 1, 0, 0, 0, 0,
                1, b'c',
            ],
        ),
    ] {
        let mut p = Peer::new(v, |_| {});
        p.client.connect(p.now).unwrap();
        p.drain();
        assert_eq!(p.sent(), [connect]);
        assert_eq!(p.client.state(), State::Connecting);
        p.server(&connack(v, false));
        assert_eq!(p.client.state(), State::Connected);
        assert!(matches!(
            p.events[..],
            [Event::Connected {
                session_present: false,
                ..
            }]
        ));
    }
}

#[test]
fn every_packet_is_reported_once_with_its_bytes() {
    let mut p = Peer::new(V4, |_| {});
    p.client.connect(p.now).unwrap();
    let mut records = Vec::new();
    let pump = |p: &mut Peer, records: &mut Vec<PacketRecord>| loop {
        match p.client.poll_output(p.now) {
            Output::Event(Event::Packet(r)) => records.push(r),
            Output::Timeout(_) => break,
            _ => {}
        }
    };
    pump(&mut p, &mut records);
    p.client.handle_bytes(p.now, &connack(V4, false));
    pump(&mut p, &mut records);
    assert_eq!(records.len(), 2);
    assert_eq!(
        (records[0].direction, records[0].packet.packet_type()),
        (Direction::Sent, crate::codec::PacketType::Connect)
    );
    assert_eq!(
        (records[1].direction, &records[1].bytes),
        (Direction::Received, &connack(V4, false))
    );
}

/// [MQTT-3.1.2-20]
/// 3.1.1: [MQTT-3.1.2-23]
#[test]
fn keep_alive_sends_pingreq_after_an_idle_interval() {
    for v in [V4, V5] {
        let mut p = Peer::connected(v, |_| {});
        assert_eq!(p.deadline, Instant::from_millis(10_000));
        p.advance();
        assert_eq!(p.sent(), [vec![0xc0, 0x00]]);
        p.sleep(100);
        p.server(&[0xd0, 0x00]);
        assert!(p.events.is_empty());
        assert_eq!(p.deadline, Instant::from_millis(20_000));
    }
}

#[test]
fn traffic_postpones_the_pingreq() {
    let mut p = Peer::connected(V4, |_| {});
    p.sleep(6_000);
    p.publish(QoS::AtMostOnce, b"x");
    p.server(&[0x30, 0x04, 0x00, 0x01, b't', b'y']);
    p.take();
    // First the connection counts as stable (one keep-alive interval after CONNACK),
    // which sends nothing.
    assert_eq!(p.deadline, Instant::from_millis(10_000));
    p.advance();
    assert_eq!(p.take(), (vec![], vec![]));
    // Nothing sent or received for 10 s counts from 6 s.
    assert_eq!(p.deadline, Instant::from_millis(16_000));
}

#[test]
fn silent_broker_is_detected_within_one_and_a_half_keep_alive() {
    for v in [V4, V5] {
        let mut p = Peer::connected(v, |_| {});
        p.advance();
        assert_eq!(p.sent(), [vec![0xc0, 0x00]]);
        p.advance();
        assert_eq!(p.now, Instant::from_millis(15_000));
        assert_eq!(
            disconnected(&p.events),
            Some(&DisconnectCause::KeepAliveTimeout)
        );
        assert_eq!(p.client.state(), State::Closed);
    }
}

#[test]
fn bytes_held_back_by_a_slow_application_answer_for_the_keep_alive() {
    let mut p = Peer::connected(V4, |_| {});
    p.advance();
    assert_eq!(p.sent(), [vec![0xc0, 0x00]], "PINGREQ at 10 s");
    // Bytes came before the PINGREQ: they say nothing of the server since.
    p.client.handle_withheld(Instant::from_millis(9_000));
    p.drain();
    assert_eq!(p.deadline, Instant::from_millis(15_000));
    // Bytes came after it (the PINGRESP among them, held by the driver): the server is there.
    p.sleep(2_000);
    p.client.handle_withheld(p.now);
    p.drain();
    assert_eq!(
        p.deadline,
        Instant::from_millis(20_000),
        "the next PINGREQ, not a timeout"
    );
    p.advance();
    assert_eq!(p.sent(), [vec![0xc0, 0x00]], "PINGREQ at 20 s");
    assert_eq!(disconnected(&p.events), None);
    assert_eq!(p.client.state(), State::Connected);
    // Once fed, the held PINGRESP is just a PINGRESP.
    p.server(&[0xd0, 0x00]);
    assert_eq!(p.client.state(), State::Connected);
}

/// [MQTT-3.1.2-21] [MQTT-3.2.2-21]
#[test]
fn server_keep_alive_replaces_ours() {
    let mut p = Peer::new(V5, |_| {});
    p.client.connect(p.now).unwrap();
    p.drain();
    // CONNACK with Server Keep Alive 4 s [MQTT-3.2.2-21].
    p.server(&[0x20, 0x06, 0x00, 0x00, 0x03, 0x13, 0x00, 0x04]);
    assert_eq!(p.deadline, Instant::from_millis(4_000));
    p.advance();
    assert_eq!(p.sent().last(), Some(&vec![0xc0, 0x00]));
}

#[test]
fn keep_alive_0_disables_pings() {
    let mut p = Peer::connected(V4, |o| o.keep_alive = 0);
    // Only the stability timer (30 s without keep alive), which sends nothing.
    assert_eq!(p.deadline, Instant::from_millis(30_000));
    p.advance();
    assert_eq!(p.take(), (vec![], vec![]));
    assert_eq!(p.deadline, NEVER);
}

#[test]
fn spurious_timeouts_do_nothing() {
    let mut p = Peer::connected(V4, |_| {});
    p.client.handle_timeout(Instant::from_millis(5));
    p.client.handle_timeout(Instant::from_millis(5));
    p.drain();
    assert_eq!(p.take(), (vec![], vec![]));
}

#[test]
fn connect_timeout_closes() {
    let mut p = Peer::new(V4, |o| o.connect_timeout = Duration::from_secs(3));
    p.client.connect(p.now).unwrap();
    p.drain();
    p.advance();
    assert_eq!(p.now, Instant::from_millis(3_000));
    assert_eq!(
        disconnected(&p.events),
        Some(&DisconnectCause::ConnectTimeout)
    );
}

/// [MQTT-4.13.2-1]
#[test]
fn refused_connack_closes_with_its_reason() {
    let mut p = Peer::new(V5, |_| {});
    p.client.connect(p.now).unwrap();
    p.drain();
    p.server(&[0x20, 0x03, 0x00, 0x86, 0x00]);
    assert!(matches!(
        disconnected(&p.events),
        Some(DisconnectCause::Refused {
            reason: ReasonCode::BadUserNameOrPassword,
            ..
        })
    ));
    let mut p = Peer::new(V4, |_| {});
    p.client.connect(p.now).unwrap();
    p.drain();
    p.server(&[0x20, 0x02, 0x00, 0x05]);
    assert!(matches!(
        disconnected(&p.events),
        Some(DisconnectCause::Refused {
            reason: ReasonCode::NotAuthorized,
            ..
        })
    ));
}

/// [MQTT-3.3.1-4]
/// 3.1.1: [MQTT-3.3.1-4] [MQTT-4.8.0-1]
#[test]
fn malformed_packets_end_the_connection_with_0x81_in_v5() {
    let mut p = Peer::connected(V5, |_| {});
    p.server(&[0x36, 0x00]);
    let (sent, events) = p.take();
    assert_eq!(sent, [vec![0xe0, 0x01, 0x81]]);
    let Some(DisconnectCause::Protocol(e)) = disconnected(&events) else {
        panic!("{events:?}")
    };
    assert_eq!(e.rule, "MQTT-3.3.1-4");
    // In 3.1.1 there is no DISCONNECT from client with a reason: just close.
    let mut p = Peer::connected(V4, |_| {});
    p.server(&[0x36, 0x00]);
    let (sent, events) = p.take();
    assert!(sent.is_empty());
    assert!(matches!(
        disconnected(&events),
        Some(DisconnectCause::Protocol(_))
    ));
    // Nothing is processed after that.
    p.server(&[0x30, 0x04, 0x00, 0x01, b't', b'y']);
    assert_eq!(p.take(), (vec![], vec![]));
}

#[test]
fn packets_before_connack_are_a_protocol_error() {
    let mut p = Peer::new(V5, |_| {});
    p.client.connect(p.now).unwrap();
    p.drain();
    p.take();
    p.server(&[0x30, 0x05, 0x00, 0x01, b't', 0x00, b'y']);
    let (sent, events) = p.take();
    assert_eq!(sent, [vec![0xe0, 0x01, 0x82]]);
    assert!(
        matches!(disconnected(&events), Some(DisconnectCause::Protocol(e)) if e.rule == "MQTT-3.2.0-1")
    );
}

#[test]
fn oversized_inbound_packets_are_disconnect_0x95() {
    let mut p = Peer::connected(V5, |o| {
        o.properties.maximum_packet_size = std::num::NonZeroU32::new(16)
    });
    p.server(&[
        0x30, 0x0f, 0x00, 0x01, b't', 0x00, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11,
    ]);
    assert_eq!(p.sent(), [vec![0xe0, 0x01, 0x95]]);
}

/// [MQTT-4.13.2-1]
#[test]
fn server_disconnect_is_reported_with_its_reason() {
    let mut p = Peer::connected(V5, |_| {});
    p.server(&[0xe0, 0x01, 0x8e]);
    assert!(matches!(
        disconnected(&p.events),
        Some(DisconnectCause::Server {
            reason: ReasonCode::SessionTakenOver,
            ..
        })
    ));
}

#[test]
fn disconnect_sends_disconnect_and_closes() {
    let mut p = Peer::connected(V5, |_| {});
    p.client.disconnect(p.now, ReasonCode::Success).unwrap();
    p.drain();
    assert_eq!(p.sent(), [vec![0xe0, 0x00]]);
    assert_eq!(p.client.state(), State::Closed);
    assert_eq!(p.deadline, NEVER);
}

#[test]
fn a_connection_ends_once_when_bytes_the_framer_refuses_follow_its_last_packet() {
    let mut p = Peer::connected(V5, with_reconnect);
    // DISCONNECT, then a Remaining Length of five bytes, in one chunk.
    p.server(&[0xe0, 0x00, 0x30, 0xff, 0xff, 0xff, 0xff, 0x7f]);
    let (sent, events) = p.take();
    assert_eq!(sent, Vec::<Vec<u8>>::new());
    let endings: Vec<_> = events
        .iter()
        .filter(|e| matches!(e, Event::Disconnected(_)))
        .collect();
    assert!(
        matches!(
            endings[..],
            [Event::Disconnected(DisconnectCause::Server { .. })]
        ),
        "{events:?}"
    );
    // One ending, one step of the backoff: the first delay (1 s, jittered).
    let wait = p.client.reconnect_at().unwrap().as_millis() - p.now.as_millis();
    assert!((500..=1_000).contains(&wait), "{wait}");
}
