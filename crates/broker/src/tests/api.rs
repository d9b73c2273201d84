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
