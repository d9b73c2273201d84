//! The order and fate of acknowledgements, message expiry, the send quota, Topic Alias
//! lifetimes, what a session is bound to, and authentication's limits on what is sent.

use std::num::NonZeroU32;

use super::*;
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

/// A QoS `qos` PUBLISH on topic `x` with identifier `id` and payload `m`.
fn publish_in(v: ProtocolVersion, qos: u8, id: u8) -> Vec<u8> {
    let mut b = vec![0x30 | (qos << 1), 0x06, 0, 1, b'x', 0, id];
    if v.is_v5() {
        b[1] += 1;
        b.push(0);
    }
    b.push(b'm');
    b
}

fn messages(events: &[Event]) -> usize {
    events
        .iter()
        .filter(|e| matches!(e, Event::Message(_)))
        .count()
}

/// Every PUBLISH is acknowledged as its QoS requires, with its identifier, even on a
/// topic nobody subscribed to, and in the order the PUBLISHes arrived.
/// [MQTT-4.6.0-2] [MQTT-4.6.0-3] [MQTT-4.3.2-4] [MQTT-4.5.0-2] [MQTT-3.3.4-1]
/// 3.1.1: [MQTT-4.6.0-2] [MQTT-4.6.0-3] [MQTT-4.3.2-2] [MQTT-4.5.0-2] [MQTT-3.3.4-1]
#[test]
fn acknowledgements_follow_the_order_of_arrival() {
    for v in [V5, V4] {
        let mut p = Peer::connected(v, |_| {});
        let qos0: &[u8] = if v.is_v5() {
            &[0x30, 0x05, 0, 1, b'x', 0, b'm']
        } else {
            &[0x30, 0x04, 0, 1, b'x', b'm']
        };
        let all = [
            publish_in(v, 1, 7),
            publish_in(v, 2, 9),
            publish_in(v, 1, 3),
            publish_in(v, 2, 4),
            qos0.to_vec(),
        ]
        .concat();
        p.server(&all);
        let (sent, events) = p.take();
        assert_eq!(
            sent,
            [
                vec![0x40, 2, 0, 7],
                vec![0x50, 2, 0, 9],
                vec![0x40, 2, 0, 3],
                vec![0x50, 2, 0, 4]
            ],
            "{v:?}"
        );
        assert_eq!(messages(&events), 5);
    }
}

/// PUBRELs go in the order their PUBRECs came, whatever order the PUBLISHes went in.
/// [MQTT-4.6.0-4]
/// 3.1.1: [MQTT-4.6.0-4]
#[test]
fn pubrels_follow_the_order_of_the_pubrecs() {
    for v in [V5, V4] {
        let mut p = Peer::connected(v, |_| {});
        for payload in [b"1", b"2", b"3"] {
            p.publish(QoS::ExactlyOnce, payload);
        }
        p.take();
        p.server(&[0x50, 2, 0, 2, 0x50, 2, 0, 3, 0x50, 2, 0, 1]);
        assert_eq!(
            p.sent(),
            [
                vec![0x62, 2, 0, 2],
                vec![0x62, 2, 0, 3],
                vec![0x62, 2, 0, 1]
            ]
        );
    }
}

/// A QoS 0 message goes with QoS 0 and DUP 0 and no identifier.
/// [MQTT-4.3.1-1] [MQTT-2.2.1-2] [MQTT-3.3.1-2]
/// 3.1.1: [MQTT-4.3.1-1] [MQTT-2.3.1-5] [MQTT-3.3.1-2]
#[test]
fn qos_0_goes_once_with_dup_0_and_no_identifier() {
    for (v, expected) in [
        (V5, vec![0x30, 0x05, 0, 1, b't', 0, b'a']),
        (V4, vec![0x30, 0x04, 0, 1, b't', b'a']),
    ] {
        let mut p = Peer::connected(v, |_| {});
        p.publish(QoS::AtMostOnce, b"a");
        assert_eq!(p.sent(), [expected]);
        assert_eq!(p.client.in_flight(), 0);
    }
}

/// Once a QoS 1 PUBLISH is acknowledged, its identifier coming again (DUP or not) is a
/// new message: delivered and acknowledged again.
/// [MQTT-4.3.2-5]
/// 3.1.1: [MQTT-4.3.2-2]
#[test]
fn a_qos_1_identifier_after_its_puback_is_a_new_message() {
    for v in [V5, V4] {
        let mut p = Peer::connected(v, |_| {});
        let first = publish_in(v, 1, 7);
        let mut again = first.clone();
        again[0] |= 0x08;
        p.server(&first);
        p.server(&again);
        let (sent, events) = p.take();
        assert_eq!(sent, [vec![0x40, 2, 0, 7], vec![0x40, 2, 0, 7]]);
        assert_eq!(messages(&events), 2);
    }
}

/// The client applies no message expiry to an exchange under way: a QoS 2 message it
/// received is released with PUBCOMP after its expiry, and one it sent goes on to
/// PUBREL after its own expiry.
/// [MQTT-4.3.3-13] [MQTT-4.3.3-7]
#[test]
fn an_expired_message_still_completes_its_qos_2_exchange() {
    let mut p = Peer::connected(V5, |_| {});
    // QoS 2, id 5, Message Expiry Interval 1 s.
    p.server(&[0x34, 0x0c, 0, 1, b'x', 0, 5, 5, 0x02, 0, 0, 0, 1, b'm']);
    assert_eq!(p.sent(), [vec![0x50, 2, 0, 5]]);
    p.sleep(5_000);
    p.server(&[0x62, 2, 0, 5]);
    assert_eq!(p.sent(), [vec![0x70, 2, 0, 5]]);
    let mut m = Message::new("t", "m").with_qos(QoS::ExactlyOnce);
    m.properties.message_expiry_interval = Some(1);
    let h = p.client.publish(p.now, m).unwrap();
    p.drain();
    p.take();
    p.sleep(3_000);
    p.server(&[0x50, 2, 0, 1]);
    assert_eq!(p.sent(), [vec![0x62, 2, 0, 1]]);
    p.sleep(3_000);
    p.server(&[0x70, 2, 0, 1]);
    assert!(p.events.contains(&Event::PublishDone {
        handle: h,
        reason: ReasonCode::Success
    }));
}

/// A PUBACK or PUBREC with a reason code of 0x80 or more acknowledges the PUBLISH: it is
/// not sent again, even when the session resumes.
/// [MQTT-4.4.0-2]
#[test]
fn a_publish_refused_by_its_ack_is_not_sent_again() {
    let mut p = Peer::connected(V5, |o| o.clean_start = false);
    p.publish(QoS::AtLeastOnce, b"1");
    p.publish(QoS::ExactlyOnce, b"2");
    p.take();
    p.server(&[0x40, 3, 0, 1, 0x80, 0x50, 3, 0, 2, 0x87]);
    let (sent, events) = p.take();
    assert!(sent.is_empty());
    assert_eq!(
        events
            .iter()
            .filter(|e| matches!(e, Event::PublishDone { reason, .. } if reason.is_error()))
            .count(),
        2
    );
    p.client.handle_closed(p.now);
    p.client.connect(p.now).unwrap();
    p.drain();
    p.take();
    p.server(&connack(V5, true));
    assert_eq!(p.sent(), Vec::<Vec<u8>>::new());
    assert_eq!(p.client.in_flight(), 0);
}

/// With the send quota used up, only QoS 1/2 PUBLISHes wait: SUBSCRIBE, PUBACK and
/// PINGREQ still go, and inbound PUBLISHes are still handled.
/// [MQTT-3.3.4-8] [MQTT-4.9.0-3]
#[test]
fn a_spent_send_quota_holds_back_nothing_but_publishes() {
    let mut p = Peer::new(V5, |_| {});
    p.client.connect(p.now).unwrap();
    p.drain();
    // CONNACK with Receive Maximum 1.
    p.server(&[0x20, 0x06, 0x00, 0x00, 0x03, 0x21, 0x00, 0x01]);
    p.take();
    p.publish(QoS::AtLeastOnce, b"a");
    p.publish(QoS::AtLeastOnce, b"b");
    assert_eq!(p.sent().len(), 1);
    let sub = vec![Subscription::new("s", QoS::AtMostOnce)];
    p.client.subscribe(p.now, sub, Default::default()).unwrap();
    p.drain();
    assert_eq!(p.sent(), [vec![0x82, 0x07, 0, 2, 0, 0, 1, b's', 0]]);
    p.server(&publish_in(V5, 1, 4));
    assert_eq!(p.sent(), [vec![0x40, 2, 0, 4]]);
    p.advance();
    assert_eq!(p.sent(), [vec![0xc0, 0x00]]);
    assert_eq!(p.client.queued(), 1);
}

/// A Subscription Identifier is the server's to put on a PUBLISH: a message carrying one
/// is refused and nothing is sent.
/// [MQTT-3.3.4-6]
#[test]
fn a_publish_with_a_subscription_identifier_is_refused() {
    let mut p = Peer::connected(V5, |_| {});
    let mut m = Message::new("t", "m");
    m.properties.subscription_identifiers = vec![NonZeroU32::MIN];
    assert_eq!(
        p.client.publish(p.now, m),
        Err(ClientError::SubscriptionIdentifierInPublish)
    );
    p.drain();
    assert_eq!(p.take(), (vec![], vec![]));
}

/// Every inbound Topic Alias from 1 to the maximum we announced is accepted, and none
/// survives the connection: after a reconnect, an empty topic with alias 5 is 0x94.
/// [MQTT-3.3.2-10] [MQTT-3.3.2-7]
#[test]
fn inbound_aliases_up_to_our_maximum_hold_for_one_connection() {
    let mut p = Peer::connected(V5, |o| o.properties.topic_alias_maximum = Some(5));
    for alias in 1..=5 {
        p.server(&[0x30, 0x08, 0x00, 0x01, b'a', 0x03, 0x23, 0x00, alias, b'x']);
    }
    p.server(&[0x30, 0x07, 0x00, 0x00, 0x03, 0x23, 0x00, 0x05, b'y']);
    let (sent, events) = p.take();
    assert!(sent.is_empty());
    assert_eq!(messages(&events), 6);
    p.client.handle_closed(p.now);
    p.client.connect(p.now).unwrap();
    p.drain();
    p.server(&connack(V5, false));
    p.take();
    p.server(&[0x30, 0x07, 0x00, 0x00, 0x03, 0x23, 0x00, 0x05, b'y']);
    assert_eq!(p.sent(), [vec![0xe0, 0x01, 0x94]]);
}

/// A client whose session outlives the connection (Session Expiry > 0, or Clean Session
/// 0) keeps its state through a close and resends from it; with Clean Start 1 it begins
/// afresh: what was in flight is reported lost, nothing goes again.
/// [MQTT-3.1.2-23] [MQTT-3.1.2-4]
/// 3.1.1: [MQTT-3.1.2-4] [MQTT-3.1.2-6]
#[test]
fn the_session_survives_a_close_unless_clean_start_discards_it() {
    for v in [V5, V4] {
        let mut p = Peer::connected(v, |o| {
            o.clean_start = false;
            o.properties.session_expiry_interval = Some(60);
        });
        p.publish(QoS::AtLeastOnce, b"1");
        p.take();
        p.client.handle_closed(p.now);
        p.client.connect(p.now).unwrap();
        p.drain();
        p.take();
        p.server(&connack(v, true));
        assert_eq!(p.sent()[0][0], 0x3a, "resent with DUP");
        p.client.handle_closed(p.now);
        let mut opts = p.client.options().clone();
        opts.clean_start = true;
        p.client.set_options(opts).unwrap();
        p.client.connect(p.now).unwrap();
        p.drain();
        assert_eq!(p.sent()[0][9] & 0x02, 0x02, "Clean Start in CONNECT");
        p.take();
        p.server(&connack(v, false));
        let (sent, events) = p.take();
        assert!(sent.is_empty());
        assert!(events
            .iter()
            .any(|e| matches!(e, Event::PublishLost { .. })));
        assert_eq!(p.client.in_flight(), 0);
    }
}

/// A session belongs to its client id: the same client configured with another id
/// discards what was in flight, and a server's Session Present 1 for the new id gets
/// nothing of the old one.
/// [MQTT-3.1.3-2]
/// 3.1.1: [MQTT-3.1.3-2]
#[test]
fn another_client_id_does_not_inherit_the_session() {
    for v in [V5, V4] {
        let mut p = Peer::connected(v, |o| o.clean_start = false);
        let h = p.publish(QoS::AtLeastOnce, b"1");
        p.take();
        p.client.handle_closed(p.now);
        let mut opts = p.client.options().clone();
        opts.client_id = "d".into();
        p.client.set_options(opts).unwrap();
        p.drain();
        assert!(p
            .events
            .iter()
            .any(|e| matches!(e, Event::PublishLost { handle, .. } if *handle == h)));
        p.take();
        p.client.connect(p.now).unwrap();
        p.drain();
        assert!(p.sent()[0].ends_with(&[0, 1, b'd']));
        p.server(&connack(v, true));
        assert_eq!(p.sent(), Vec::<Vec<u8>>::new());
        assert_eq!(p.client.in_flight(), 0);
    }
}

/// While the connection is open the session is kept whatever the time: a PUBLISH
/// unacknowledged through several keep-alive rounds still completes.
/// [MQTT-4.1.0-1]
/// 3.1.1: [MQTT-4.1.0-1] [MQTT-4.1.0-2]
#[test]
fn the_session_is_kept_as_long_as_the_connection() {
    for v in [V5, V4] {
        let mut p = Peer::connected(v, |_| {});
        let h = p.publish(QoS::AtLeastOnce, b"1");
        p.take();
        for _ in 0..6 {
            p.advance();
            p.server(&[0xd0, 0x00]);
        }
        assert_eq!(p.client.in_flight(), 1);
        p.server(&[0x40, 2, 0, 1]);
        assert!(p.events.contains(&Event::PublishDone {
            handle: h,
            reason: ReasonCode::Success
        }));
    }
}

/// With an Authentication Method in CONNECT, nothing but AUTH goes before CONNACK: a
/// QoS 0 publish, a subscription and re-authentication are refused, a QoS 1 publish
/// waits for CONNACK.
/// [MQTT-3.1.2-30]
#[test]
fn before_connack_an_authenticating_client_sends_only_auth() {
    let mut p = scram_peer();
    p.take();
    assert!(p.client.publish(p.now, Message::new("t", "m")).is_err());
    let sub = vec![Subscription::new("s", QoS::AtMostOnce)];
    assert!(p.client.subscribe(p.now, sub, Default::default()).is_err());
    assert!(p.client.reauthenticate(p.now).is_err());
    p.client
        .publish(p.now, Message::new("t", "m").with_qos(QoS::AtLeastOnce))
        .unwrap();
    p.drain();
    p.server(&auth_packet(
        ReasonCode::ContinueAuthentication,
        "SCRAM-SHA-256",
        SERVER_FIRST,
    ));
    let sent = p.sent();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0][0], 0xf0, "AUTH");
    p.server(&connack_with_auth("SCRAM-SHA-256", SERVER_FINAL));
    assert_eq!(p.sent()[0][0], 0x32, "the PUBLISH, after CONNACK");
}

/// Without an Authentication Method in CONNECT the client never sends AUTH: it cannot
/// re-authenticate, and a server's AUTH is answered by DISCONNECT.
/// [MQTT-4.12.0-7]
#[test]
fn without_an_authentication_method_no_auth_is_sent() {
    let mut p = Peer::connected(V5, |_| {});
    assert!(matches!(
        p.client.reauthenticate(p.now),
        Err(ClientError::InvalidState { .. })
    ));
    p.server(&auth_packet(
        ReasonCode::ReAuthenticate,
        "SCRAM-SHA-256",
        b"",
    ));
    assert_eq!(p.sent(), [vec![0xe0, 0x01, 0x82]]);
}

/// Re-authentication names the method CONNECT used, and when the server's final proof
/// does not verify the client closes the connection (DISCONNECT 0x87).
/// [MQTT-4.12.1-1] [MQTT-4.12.1-2]
#[test]
fn reauthentication_uses_the_same_method_and_a_failure_closes() {
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
    let sent = p.sent();
    let Ok(Packet::Auth(a)) = Packet::decode_exact(&sent[0], V5) else {
        panic!()
    };
    assert_eq!(a.reason, ReasonCode::ReAuthenticate);
    assert_eq!(a.properties.authentication_method(), Some("SCRAM-SHA-256"));
    p.server(&auth_packet(
        ReasonCode::ContinueAuthentication,
        "SCRAM-SHA-256",
        SERVER_FIRST,
    ));
    p.take();
    p.server(&auth_packet(
        ReasonCode::Success,
        "SCRAM-SHA-256",
        b"v=7rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=",
    ));
    let (sent, events) = p.take();
    assert_eq!(sent, [vec![0xe0, 0x01, 0x87]]);
    assert!(
        matches!(disconnected(&events), Some(DisconnectCause::Protocol(e)) if e.rule == "MQTT-4.12.1-2")
    );
    assert_eq!(p.client.state(), State::Closed);
}
