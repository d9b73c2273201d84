//! Scenario tests: the client against a scripted server on a virtual clock. Each test is
//! named after the behaviour it shows and asserts the exact bytes on the wire.

use std::num::NonZeroU16;
use std::time::Duration;

use super::*;
use crate::codec::{Packet, ProtocolVersion, QoS, ReasonCode, Subscription};
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

const V5: ProtocolVersion = ProtocolVersion::V5;
const V4: ProtocolVersion = ProtocolVersion::V3_1_1;

/// A client, a virtual clock, and everything the client produced.
struct Peer {
    client: Client,
    now: Instant,
    deadline: Instant,
    sent: Vec<Vec<u8>>,
    events: Vec<Event>,
}

impl Peer {
    fn new(version: ProtocolVersion, f: impl FnOnce(&mut ClientOptions)) -> Self {
        let mut opts = ClientOptions {
            version,
            client_id: "c".into(),
            keep_alive: 10,
            ..Default::default()
        };
        f(&mut opts);
        let now = Instant::from_millis(0);
        Peer {
            client: Client::new(opts, now),
            now,
            deadline: NEVER,
            sent: Vec::new(),
            events: Vec::new(),
        }
    }

    /// A connected client (CONNACK success, no session).
    fn connected(version: ProtocolVersion, f: impl FnOnce(&mut ClientOptions)) -> Self {
        let mut p = Peer::new(version, f);
        p.client.connect(p.now).unwrap();
        p.drain();
        p.server(&connack(version, false));
        p.take();
        p
    }

    fn drain(&mut self) {
        loop {
            match self.client.poll_output(self.now) {
                Output::Transmit(b) => self.sent.push(b),
                Output::Event(Event::Packet(_)) => {}
                Output::Event(e) => self.events.push(e),
                Output::Timeout(at) => {
                    self.deadline = at;
                    return;
                }
            }
        }
    }

    fn server(&mut self, bytes: &[u8]) {
        self.client.handle_bytes(self.now, bytes);
        self.drain();
    }

    /// Jumps to the next deadline and fires it.
    fn advance(&mut self) {
        assert_ne!(self.deadline, NEVER, "no timer armed");
        self.now = self.deadline;
        self.client.handle_timeout(self.now);
        self.drain();
    }

    fn sleep(&mut self, ms: u64) {
        self.now = self.now + Duration::from_millis(ms);
    }

    /// What was sent and what happened since the last call.
    fn take(&mut self) -> (Vec<Vec<u8>>, Vec<Event>) {
        (
            std::mem::take(&mut self.sent),
            std::mem::take(&mut self.events),
        )
    }

    fn sent(&mut self) -> Vec<Vec<u8>> {
        std::mem::take(&mut self.sent)
    }

    fn publish(&mut self, qos: QoS, payload: &[u8]) -> PublishHandle {
        let h = self
            .client
            .publish(self.now, Message::new("t", payload).with_qos(qos))
            .unwrap();
        self.drain();
        h
    }
}

fn connack(v: ProtocolVersion, session_present: bool) -> Vec<u8> {
    if v.is_v5() {
        vec![0x20, 0x03, u8::from(session_present), 0x00, 0x00]
    } else {
        vec![0x20, 0x02, u8::from(session_present), 0x00]
    }
}

fn disconnected(events: &[Event]) -> Option<&DisconnectCause> {
    events.iter().find_map(|e| match e {
        Event::Disconnected(c) => Some(c),
        _ => None,
    })
}

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
            vec![
                0x10, 0x0e, 0, 4, b'M', b'Q', b'T', b'T', 5, 0x02, 0, 10, 0, 0, 1, b'c',
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
    let p = Peer::connected(V4, |o| o.keep_alive = 0);
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
fn no_session_on_the_server_sends_the_messages_again_as_new() {
    let mut p = Peer::connected(V4, |o| o.clean_start = false);
    let h = p.publish(QoS::AtLeastOnce, b"1");
    p.take();
    p.client.handle_closed(p.now);
    p.client.connect(p.now).unwrap();
    p.drain();
    p.take();
    p.server(&connack(V4, false));
    // DUP 0 and a fresh identifier: a new message in a new session [MQTT-3.2.2-5]; not lost.
    assert_eq!(p.sent(), [vec![0x32, 0x06, 0, 1, b't', 0, 2, b'1']]);
    p.server(&[0x40, 0x02, 0, 2]);
    assert_eq!(
        p.events.last(),
        Some(&Event::PublishDone {
            handle: h,
            reason: ReasonCode::Success
        })
    );
}

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

#[test]
fn inbound_topic_aliases_bind_resolve_and_are_checked() {
    let mut p = Peer::connected(V5, |o| o.properties.topic_alias_maximum = Some(5));
    // Topic "a/b" with alias 1, then an empty topic with alias 1.
    p.server(&[
        0x30, 0x0a, 0x00, 0x03, b'a', b'/', b'b', 0x03, 0x23, 0x00, 0x01, b'x',
    ]);
    p.server(&[0x30, 0x07, 0x00, 0x00, 0x03, 0x23, 0x00, 0x01, b'y']);
    let topics: Vec<_> = p
        .take()
        .1
        .into_iter()
        .filter_map(|e| match e {
            Event::Message(m) => Some(m.topic.into_owned()),
            _ => None,
        })
        .collect();
    assert_eq!(topics, ["a/b", "a/b"]);
    // Unknown alias 2 with an empty topic: 0x94.
    p.server(&[0x30, 0x07, 0x00, 0x00, 0x03, 0x23, 0x00, 0x02, b'y']);
    assert_eq!(p.sent(), [vec![0xe0, 0x01, 0x94]]);
    // Alias 0 (refused by the decoder [MQTT-3.3.2-8]): 0x94 as well.
    let mut p = Peer::connected(V5, |o| o.properties.topic_alias_maximum = Some(5));
    p.server(&[0x30, 0x08, 0x00, 0x01, b't', 0x03, 0x23, 0x00, 0x00, b'y']);
    assert_eq!(p.sent(), [vec![0xe0, 0x01, 0x94]]);
    // Above our maximum: 0x94.
    let mut p = Peer::connected(V5, |o| o.properties.topic_alias_maximum = Some(5));
    p.server(&[0x30, 0x08, 0x00, 0x01, b't', 0x03, 0x23, 0x00, 0x06, b'y']);
    assert_eq!(p.sent(), [vec![0xe0, 0x01, 0x94]]);
}

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
            handle: h,
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
            handle: u,
            reasons: vec![]
        }]
    );
}

#[test]
fn an_ack_for_an_unused_id_is_a_protocol_error() {
    let mut p = Peer::connected(V5, |_| {});
    p.server(&[0x40, 0x02, 0, 42]);
    assert_eq!(p.sent(), [vec![0xe0, 0x01, 0x82]]);
}

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

fn with_reconnect(o: &mut ClientOptions) {
    o.reconnect = Some(ReconnectPolicy {
        initial_delay: Duration::from_secs(1),
        max_delay: Duration::from_secs(4),
        seed: 7,
        resubscribe: true,
    });
}

fn reconnect_now(p: &mut Peer, session_present: bool) {
    p.advance();
    assert!(p.events.contains(&Event::Reconnect), "{:?}", p.events);
    p.take();
    p.client.connect(p.now).unwrap();
    p.drain();
    p.sent();
    p.server(&connack(p.client.version(), session_present));
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
        reconnect_now(&mut p, false);
        let subscribe = if v.is_v5() {
            vec![0x82, 0x09, 0, 2, 0, 0, 3, b'a', b'/', b'#', 1]
        } else {
            vec![0x82, 0x08, 0, 2, 0, 3, b'a', b'/', b'#', 1]
        };
        assert_eq!(p.sent(), [subscribe], "resubscribed on a fresh session");
    }
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
    let mut p = Peer::new(V5, with_reconnect);
    p.client.connect(p.now).unwrap();
    p.drain();
    p.server(&[0x20, 0x03, 0x00, 0x86, 0x00]);
    assert_eq!(p.deadline, NEVER);
    // A busy server is worth another try.
    let mut p = Peer::new(V5, with_reconnect);
    p.client.connect(p.now).unwrap();
    p.drain();
    p.server(&[0x20, 0x03, 0x00, 0x89, 0x00]);
    assert_ne!(p.deadline, NEVER);
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

/// CONNACK v5 with Topic Alias Maximum `max`.
fn connack_aliases(max: u8) -> Vec<u8> {
    vec![0x20, 0x06, 0x00, 0x00, 0x03, 0x22, 0x00, max]
}

#[test]
fn outbound_topic_aliases_bind_reuse_and_die_with_the_connection() {
    let mut p = Peer::new(V5, |o| {
        o.topic_alias = TopicAliasPolicy::Lru;
        o.clean_start = false;
    });
    p.client.connect(p.now).unwrap();
    p.drain();
    p.server(&connack_aliases(5));
    p.take();
    p.publish(QoS::AtMostOnce, b"a");
    p.publish(QoS::AtLeastOnce, b"b");
    let sent = p.sent();
    // First use: topic "t" and alias 1; then an empty topic with alias 1.
    assert_eq!(sent[0], [0x30, 0x08, 0, 1, b't', 0x03, 0x23, 0, 1, b'a']);
    assert_eq!(sent[1], [0x32, 0x09, 0, 0, 0, 1, 0x03, 0x23, 0, 1, b'b']);
    // After a reconnect the QoS 1 message goes again with its full topic.
    p.client.handle_closed(p.now);
    p.client.connect(p.now).unwrap();
    p.drain();
    p.take();
    p.server(&[0x20, 0x06, 0x01, 0x00, 0x03, 0x22, 0x00, 0x05]);
    assert_eq!(p.sent(), [vec![0x3a, 0x07, 0, 1, b't', 0, 1, 0, b'b']]);
    // A new first send binds again.
    p.publish(QoS::AtMostOnce, b"c");
    assert_eq!(
        p.sent(),
        [vec![0x30, 0x08, 0, 1, b't', 0x03, 0x23, 0, 1, b'c']]
    );
}

#[test]
fn no_aliases_when_the_server_allows_none() {
    let mut p = Peer::connected(V5, |o| o.topic_alias = TopicAliasPolicy::Lru);
    p.publish(QoS::AtMostOnce, b"a");
    p.publish(QoS::AtMostOnce, b"a");
    assert_eq!(
        p.sent(),
        [
            vec![0x30, 0x05, 0, 1, b't', 0, b'a'],
            vec![0x30, 0x05, 0, 1, b't', 0, b'a']
        ]
    );
    // An explicit alias above the server's maximum (0) is refused.
    let mut m = Message::new("t", "m");
    m.properties.topic_alias = NonZeroU16::new(1);
    assert_eq!(
        p.client.publish(p.now, m),
        Err(ClientError::TopicAliasInvalid)
    );
}

#[test]
fn a_request_is_matched_to_its_response_by_correlation_data() {
    let mut p = Peer::connected(V5, |_| {});
    let h = p
        .client
        .request(p.now, Message::new("svc/add", "1+1"), "me/replies")
        .unwrap();
    p.drain();
    let sent = p.sent();
    let Ok(Packet::Publish(req)) = Packet::decode_exact(&sent[0], V5) else {
        panic!("{sent:?}")
    };
    assert_eq!(req.properties.response_topic.as_deref(), Some("me/replies"));
    // The responder's side builds the reply from the request.
    let reply = Message::reply_to(&req, "2").unwrap();
    assert_eq!(
        (reply.topic.as_str(), &reply.properties.correlation_data),
        ("me/replies", &req.properties.correlation_data)
    );
    let mut bytes = Vec::new();
    Packet::Publish(reply.into_publish(QosPid::AtMostOnce))
        .encode(V5, &mut bytes)
        .unwrap();
    p.server(&bytes);
    let response = p.events.iter().find_map(|e| match e {
        Event::Response { handle, message } => Some((*handle, message.payload.to_vec())),
        _ => None,
    });
    assert_eq!(response, Some((h, b"2".to_vec())));
    assert!(p.events.iter().any(|e| matches!(e, Event::Message(_))));
    // A second copy matches nothing.
    p.take();
    p.server(&bytes);
    assert!(!p.events.iter().any(|e| matches!(e, Event::Response { .. })));
}

#[test]
fn request_response_needs_mqtt5() {
    let mut p = Peer::connected(V4, |_| {});
    assert!(matches!(
        p.client.request(p.now, Message::new("a", "b"), "r"),
        Err(ClientError::Usage(_))
    ));
}

fn auth_packet(reason: ReasonCode, method: &str, data: &[u8]) -> Vec<u8> {
    let mut a = crate::codec::Auth {
        reason,
        ..Default::default()
    };
    a.properties.authentication_method = Some(method.to_owned().into());
    a.properties.authentication_data = Some(data.to_vec().into());
    let mut out = Vec::new();
    Packet::Auth(a).encode(V5, &mut out).unwrap();
    out
}

fn connack_with_auth(method: &str, data: &[u8]) -> Vec<u8> {
    let mut c = crate::codec::ConnAck::new(false);
    c.properties.authentication_method = Some(method.to_owned().into());
    c.properties.authentication_data = Some(data.to_vec().into());
    let mut out = Vec::new();
    Packet::ConnAck(c).encode(V5, &mut out).unwrap();
    out
}

fn auth_data(bytes: &[u8]) -> (ReasonCode, String) {
    match Packet::decode_exact(bytes, V5) {
        Ok(Packet::Auth(a)) => (
            a.reason,
            String::from_utf8(
                a.properties
                    .authentication_data
                    .clone()
                    .unwrap()
                    .into_owned(),
            )
            .unwrap(),
        ),
        Ok(Packet::Connect(c)) => (
            ReasonCode::Success,
            String::from_utf8(
                c.properties
                    .authentication_data
                    .clone()
                    .unwrap()
                    .into_owned(),
            )
            .unwrap(),
        ),
        other => panic!("{other:?}"),
    }
}

const SERVER_FIRST: &[u8] =
    b"r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096";
const SERVER_FINAL: &[u8] = b"v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=";
const CLIENT_FINAL: &str = "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=";

fn scram_peer() -> Peer {
    let mut p = Peer::new(V5, |_| {});
    p.client.set_authenticator(Box::new(Scram::new(
        ScramHash::Sha256,
        "user",
        "pencil",
        "rOprNGfwEbeRWgbNEkqO",
    )));
    p.client.connect(p.now).unwrap();
    p.drain();
    p
}

#[test]
fn scram_sha_256_runs_through_connect_auth_and_connack() {
    let mut p = scram_peer();
    let connect = p.sent();
    let Ok(Packet::Connect(c)) = Packet::decode_exact(&connect[0], V5) else {
        panic!()
    };
    assert_eq!(
        c.properties.authentication_method.as_deref(),
        Some("SCRAM-SHA-256")
    );
    assert_eq!(auth_data(&connect[0]).1, "n,,n=user,r=rOprNGfwEbeRWgbNEkqO");
    p.server(&auth_packet(
        ReasonCode::ContinueAuthentication,
        "SCRAM-SHA-256",
        SERVER_FIRST,
    ));
    assert_eq!(
        auth_data(&p.sent()[0]),
        (ReasonCode::ContinueAuthentication, CLIENT_FINAL.to_owned())
    );
    p.server(&connack_with_auth("SCRAM-SHA-256", SERVER_FINAL));
    assert_eq!(p.client.state(), State::Connected);
}

#[test]
fn a_server_that_cannot_prove_the_password_is_refused() {
    let mut p = scram_peer();
    p.server(&auth_packet(
        ReasonCode::ContinueAuthentication,
        "SCRAM-SHA-256",
        SERVER_FIRST,
    ));
    p.take();
    p.server(&connack_with_auth(
        "SCRAM-SHA-256",
        b"v=7rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=",
    ));
    let (sent, events) = p.take();
    assert_eq!(sent, [vec![0xe0, 0x01, 0x87]]);
    assert!(
        matches!(disconnected(&events), Some(DisconnectCause::Protocol(e)) if e.reason == ReasonCode::NotAuthorized)
    );
}

#[test]
fn every_auth_names_the_same_method() {
    let mut p = scram_peer();
    p.server(&auth_packet(
        ReasonCode::ContinueAuthentication,
        "SCRAM-SHA-1",
        SERVER_FIRST,
    ));
    let (sent, events) = p.take();
    // 0x8C names the fault, but DISCONNECT may not carry it (Table 2-6): 0x82 goes out.
    assert_eq!(sent.last(), Some(&vec![0xe0, 0x01, 0x82]));
    assert!(
        matches!(disconnected(&events), Some(DisconnectCause::Protocol(e)) if e.reason == ReasonCode::BadAuthenticationMethod)
    );
    // And AUTH without a method in CONNECT is a protocol error.
    let mut p = Peer::new(V5, |_| {});
    p.client.connect(p.now).unwrap();
    p.drain();
    p.take();
    p.server(&auth_packet(
        ReasonCode::ContinueAuthentication,
        "SCRAM-SHA-256",
        SERVER_FIRST,
    ));
    assert_eq!(p.sent(), [vec![0xe0, 0x01, 0x82]]);
}

#[test]
fn reauthentication_runs_while_traffic_continues() {
    let mut p = scram_peer();
    p.server(&auth_packet(
        ReasonCode::ContinueAuthentication,
        "SCRAM-SHA-256",
        SERVER_FIRST,
    ));
    p.server(&connack_with_auth("SCRAM-SHA-256", SERVER_FINAL));
    p.take();
    p.client.reauthenticate(p.now).unwrap();
    p.drain();
    assert_eq!(
        auth_data(&p.sent()[0]),
        (
            ReasonCode::ReAuthenticate,
            "n,,n=user,r=rOprNGfwEbeRWgbNEkqO".to_owned()
        )
    );
    // Publishing goes on during the exchange.
    p.publish(QoS::AtMostOnce, b"x");
    assert_eq!(p.sent().len(), 1);
    p.server(&auth_packet(
        ReasonCode::ContinueAuthentication,
        "SCRAM-SHA-256",
        SERVER_FIRST,
    ));
    assert_eq!(
        auth_data(&p.sent()[0]).0,
        ReasonCode::ContinueAuthentication
    );
    p.server(&auth_packet(
        ReasonCode::Success,
        "SCRAM-SHA-256",
        SERVER_FINAL,
    ));
    assert!(p.events.contains(&Event::Reauthenticated), "{:?}", p.events);
    assert_eq!(p.client.state(), State::Connected);
}

#[test]
fn scram_sha_512_proof_verifies_on_the_server_side() {
    use base64::Engine;
    let b64 = base64::engine::general_purpose::STANDARD;
    let mut client = Scram::new(ScramHash::Sha512, "alice", "correct horse", "cnonce");
    let first = String::from_utf8(client.start().unwrap().unwrap()).unwrap();
    let server_first = format!("r=cnonce-snonce,s={},i=4096", b64.encode(b"NaCl"));
    let fin = String::from_utf8(
        client
            .challenge(Some(server_first.as_bytes()))
            .unwrap()
            .unwrap(),
    )
    .unwrap();
    // The server's side of RFC 5802: StoredKey = H(ClientKey) and ClientKey = proof XOR signature.
    let h = ScramHash::Sha512;
    let salted = auth::pbkdf2(h, b"correct horse", b"NaCl", 4096);
    let stored = auth::hash(h, &auth::hmac(h, &salted, b"Client Key"));
    let (without_proof, proof) = fin.rsplit_once(",p=").unwrap();
    let message = format!("{},{server_first},{without_proof}", &first[3..]);
    let signature = auth::hmac(h, &stored, message.as_bytes());
    let client_key: Vec<u8> = b64
        .decode(proof)
        .unwrap()
        .iter()
        .zip(&signature)
        .map(|(a, b)| a ^ b)
        .collect();
    assert_eq!(auth::hash(h, &client_key), stored, "the proof verifies");
    let server_sig = auth::hmac(
        h,
        &auth::hmac(h, &salted, b"Server Key"),
        message.as_bytes(),
    );
    assert_eq!(
        client.finish(Some(format!("v={}", b64.encode(server_sig)).as_bytes())),
        Ok(())
    );
}

#[cfg(not(target_arch = "wasm32"))]
mod properties {
    use proptest::prelude::*;

    use super::*;
    use crate::codec::tests::strategies;

    proptest! {
        #![proptest_config(crate::codec::tests::properties_config())]

        /// Whatever a server sends, in whatever pieces, the client does not panic: it
        /// stays connected, or ends the connection naming why, and then sends nothing.
        #[test]
        fn arbitrary_server_bytes_never_panic(
            v in strategies::version(),
            packets in prop::collection::vec(strategies::version().prop_flat_map(strategies::mutated), 0..6),
            noise in prop::collection::vec(any::<u8>(), 0..40),
            cut in 1usize..17,
        ) {
            let mut p = Peer::connected(v, |o| o.properties.topic_alias_maximum = Some(3));
            p.publish(QoS::AtLeastOnce, b"x");
            p.take();
            let stream: Vec<u8> = packets.concat().into_iter().chain(noise).collect();
            let mut closed = false;
            for chunk in stream.chunks(cut) {
                p.server(chunk);
                let (sent, events) = p.take();
                if closed {
                    prop_assert!(sent.is_empty() && events.is_empty(), "activity after close: {sent:?} {events:?}");
                }
                if let Some(cause) = disconnected(&events) {
                    prop_assert!(matches!(cause, DisconnectCause::Protocol(_) | DisconnectCause::Server { .. }), "{cause:?}");
                    closed = true;
                }
            }
            if p.deadline != NEVER {
                p.advance();
            }
        }
    }
}

/// An authenticator whose data cannot be encoded (over 65,535 bytes).
#[derive(Debug)]
struct Oversized;

impl Authenticator for Oversized {
    fn method(&self) -> &str {
        "BIG"
    }
    fn start(&mut self) -> Result<Option<Vec<u8>>, AuthError> {
        Ok(Some(b"hi".to_vec()))
    }
    fn challenge(&mut self, _: Option<&[u8]>) -> Result<Option<Vec<u8>>, AuthError> {
        Ok(Some(vec![0; 70_000]))
    }
    fn finish(&mut self, _: Option<&[u8]>) -> Result<(), AuthError> {
        Ok(())
    }
}

#[test]
fn an_unencodable_authentication_step_ends_the_connection_without_sending_it() {
    let mut p = Peer::new(V5, |_| {});
    p.client.set_authenticator(Box::new(Oversized));
    p.client.connect(p.now).unwrap();
    p.drain();
    p.take();
    p.server(&auth_packet(
        ReasonCode::ContinueAuthentication,
        "BIG",
        b"x",
    ));
    let (sent, events) = p.take();
    assert!(sent.is_empty(), "{sent:?}");
    assert!(
        matches!(disconnected(&events), Some(DisconnectCause::Internal(_))),
        "{events:?}"
    );
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
    assert!(
        p.events.contains(&Event::RequestLost { handle: h }),
        "{:?}",
        p.events
    );
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
