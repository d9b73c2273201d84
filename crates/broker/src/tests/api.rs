//! The driver's and the UI's side: packet records, getters, commands, timers.

use super::connection::CONNECT_A;
use super::*;
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

#[test]
fn every_packet_in_and_out_is_reported_with_its_bytes() {
    let now = Instant::from_millis(0);
    let mut b = Broker::new(BrokerOptions::default(), now);
    b.accept(ConnId(7), now).unwrap();
    b.handle_bytes(ConnId(7), now, &CONNECT_A);
    let mut records = Vec::new();
    loop {
        match b.poll_output(now) {
            Output::Event(Event::Packet {
                conn,
                direction,
                bytes,
                ..
            }) => records.push((conn, direction, bytes)),
            Output::Timeout(_) => break,
            _ => {}
        }
    }
    assert_eq!(
        records,
        [
            (ConnId(7), Direction::Received, CONNECT_A.to_vec()),
            (ConnId(7), Direction::Sent, vec![0x20, 0x02, 0x00, 0x00]),
        ]
    );
}

#[test]
fn the_ui_sees_clients_and_can_disconnect_them() {
    let mut n = Net::new(|_| {});
    let (c, _) = n.connect_with(1, V5, "five", |c| {
        c.keep_alive = 30;
        c.properties.to_mut().receive_maximum = Some(nz16(5));
    });
    n.subscribe(c, "a/#", QoS::AtLeastOnce);
    let info = n.broker.client(c).unwrap();
    assert_eq!(
        (
            info.client_id.as_str(),
            info.version,
            info.keep_alive,
            info.receive_maximum
        ),
        ("five", V5, 30, 5)
    );
    assert_eq!(info.session.subscriptions[0].filter, "a/#");
    assert_eq!(n.broker.clients().len(), 1);
    n.broker
        .disconnect_client(c, n.now, ReasonCode::AdministrativeAction)
        .unwrap();
    n.drain();
    assert_eq!(n.take(c), [vec![0xe0, 0x01, 0x98]]);
    assert!(n.is_closed(c) && n.broker.clients().is_empty());
    assert_eq!(
        n.broker.disconnect_client(c, n.now, ReasonCode::Success),
        Err(BrokerError::UnknownConnection(c))
    );
}

#[test]
fn an_early_or_repeated_timeout_does_nothing() {
    let mut n = Net::new(|_| {});
    let (c, _) = n.connect_with(1, V5, "x", |c| c.keep_alive = 10);
    let deadline = n.deadline;
    assert_eq!(deadline, Instant::from_millis(15_000));
    n.sleep(14_999);
    n.sleep(0);
    assert!(!n.is_closed(c) && n.take(c).is_empty());
    assert_eq!(n.deadline, deadline);
}

#[test]
fn the_next_connect_is_refused_once_with_the_armed_code() {
    let mut n = Net::new(|_| {});
    assert_eq!(
        n.broker.refuse_next_connect(Some(ReasonCode::Success)),
        Err(BrokerError::ReasonNotAllowed(ReasonCode::Success))
    );
    n.broker
        .refuse_next_connect(Some(ReasonCode::ServerBusy))
        .unwrap();
    let (c, ack) = n.connect_with(1, V5, "a", |_| {});
    assert!(matches!(ack, Packet::ConnAck(ref a) if a.reason == ReasonCode::ServerBusy));
    assert!(n.is_closed(c) && n.broker.next_connect_refusal().is_none());
    // MQTT 3.1.1 has no "Server busy": return code 3 Server unavailable.
    n.broker
        .refuse_next_connect(Some(ReasonCode::ServerBusy))
        .unwrap();
    let c = n.open(2);
    n.versions.insert(c, V4);
    n.send(
        c,
        Packet::Connect(Box::new(Connect::new(V4, "b".to_owned()))),
    );
    assert_eq!(n.take(c), [vec![0x20, 0x02, 0x00, 0x03]]);
    // Only once: the next one is accepted.
    n.connect(3, V5, "a");
}

#[test]
fn the_next_subscription_is_refused_once_per_filter() {
    let mut n = Net::new(|_| {});
    let c = n.connect(1, V5, "a");
    assert!(n
        .broker
        .refuse_next_subscription(Some(ReasonCode::ServerBusy))
        .is_err());
    n.broker
        .refuse_next_subscription(Some(ReasonCode::NotAuthorized))
        .unwrap();
    n.send(
        c,
        subscribe(1, &[("a", QoS::AtMostOnce), ("b", QoS::AtLeastOnce)]),
    );
    let acks = n.packets(c);
    assert!(
        matches!(&acks[..], [Packet::SubAck(a)] if a.reason_codes == [ReasonCode::NotAuthorized, ReasonCode::GrantedQos1]),
        "{acks:?}"
    );
    let subs = n.broker.session("a").unwrap().subscriptions;
    assert_eq!(subs.len(), 1);
    assert_eq!(subs[0].filter, "b");
    // MQTT 3.1.1: 0x80 Failure.
    let d = n.connect(2, V4, "d");
    n.broker
        .refuse_next_subscription(Some(ReasonCode::NotAuthorized))
        .unwrap();
    n.send(d, subscribe(2, &[("x", QoS::AtMostOnce)]));
    assert_eq!(n.take(d), [vec![0x90, 0x03, 0x00, 0x02, 0x80]]);
}

#[test]
fn a_cleared_retained_message_can_be_put_back_without_being_routed() {
    let mut n = Net::new(|_| {});
    let p = n.connect(1, V5, "p");
    n.send(p, {
        let mut m = publish("t", b"v", QosPid::AtMostOnce);
        if let Packet::Publish(ref mut m) = m {
            m.retain = true;
        }
        m
    });
    let kept = n.broker.retained();
    assert!(n.broker.clear_retained("t"));
    assert!(n.broker.retained().is_empty());
    let s = n.connect(2, V5, "s");
    n.subscribe(s, "#", QoS::AtMostOnce);
    n.broker.restore_retained(kept[0].clone()).unwrap();
    n.drain();
    assert!(n.take(s).is_empty(), "restoring routes nothing");
    assert_eq!(n.broker.retained(), kept);
    let s2 = n.connect(3, V5, "s2");
    n.send(s2, subscribe(1, &[("t", QoS::AtMostOnce)]));
    let got = n.packets(s2);
    assert_eq!(
        publishes(&got[1..]),
        [("t".into(), b"v".to_vec(), QosPid::AtMostOnce, true, false)]
    );
}
