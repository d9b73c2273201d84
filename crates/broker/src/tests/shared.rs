//! Shared subscriptions once a message is on its way to one member: an interrupted
//! delivery, a member whose session ends, and a member that refuses it.

use super::*;
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

/// Member `client` of `$share/g/t` at QoS 1, with a session that outlives its
/// connection by `expiry` seconds.
fn member(n: &mut Net, id: u64, client: &str, expiry: u32) -> ConnId {
    let (c, _) = n.connect_with(id, V5, client, |c| {
        c.clean_start = false;
        c.properties.to_mut().session_expiry_interval = Some(expiry);
    });
    n.subscribe(c, "$share/g/t", QoS::AtLeastOnce);
    c
}

/// Publishes "m" on "t" and returns the member that got it, with the others.
fn send_one(n: &mut Net, members: [ConnId; 2]) -> (ConnId, ConnId) {
    let publ = n.connect(9, V4, "pub");
    n.publish(publ, "t", b"m", q1(1));
    let got: Vec<usize> = (0..2)
        .filter(|&i| !publishes(&n.packets(members[i])).is_empty())
        .collect();
    assert_eq!(got.len(), 1, "one member gets it");
    (members[got[0]], members[1 - got[0]])
}

/// [MQTT-4.8.2-4]
#[test]
fn an_interrupted_shared_delivery_is_completed_when_the_member_returns() {
    let mut n = Net::new(|_| {});
    let a = member(&mut n, 1, "a", 60);
    let b = member(&mut n, 2, "b", 60);
    let (got, other) = send_one(&mut n, [a, b]);
    let client = n.broker.client(got).unwrap().client_id;
    n.broker.handle_closed(got, n.now);
    n.drain();
    n.sleep(1_000);
    assert!(n.take(other).is_empty(), "not redirected");
    let (back, _) = n.connect_with(3, V5, &client, |c| {
        c.clean_start = false;
        c.properties.to_mut().session_expiry_interval = Some(60);
    });
    assert_eq!(
        n.take(back),
        [vec![0x3a, 0x07, 0x00, 0x01, b't', 0x00, 0x01, 0x00, b'm']]
    );
}

/// [MQTT-4.8.2-5]
#[test]
fn a_shared_message_dies_with_its_members_session() {
    let mut n = Net::new(|_| {});
    let a = member(&mut n, 1, "a", 1);
    let b = member(&mut n, 2, "b", 1);
    let (got, other) = send_one(&mut n, [a, b]);
    n.broker.handle_closed(got, n.now);
    n.drain();
    n.sleep(5_000);
    assert!(n.take(other).is_empty(), "not sent to another member");
    assert_eq!(
        n.broker.session("a").is_some() as u8 + n.broker.session("b").is_some() as u8,
        1
    );
}

/// [MQTT-4.8.2-6]
#[test]
fn a_shared_message_refused_by_its_member_is_discarded_not_redirected() {
    let mut n = Net::new(|_| {});
    let a = member(&mut n, 1, "a", 60);
    let b = member(&mut n, 2, "b", 60);
    let (got, other) = send_one(&mut n, [a, b]);
    n.feed(got, &[0x40, 0x03, 0x00, 0x01, 0x80]);
    assert!(n.take(got).is_empty());
    assert!(n.take(other).is_empty());
    let client = n.broker.client(got).unwrap().client_id;
    assert_eq!(n.broker.session(&client).unwrap().in_flight, 0);
    assert_eq!(n.broker.session(&client).unwrap().queued, 0);
}
