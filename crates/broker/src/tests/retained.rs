//! Retained messages: stored, replaced, cleared, sent to new subscriptions per Retain
//! Handling, bounded.

use super::*;
use mqttscope_proto::codec::RetainHandling;
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

fn retain(n: &mut Net, c: ConnId, topic: &str, payload: &[u8]) {
    let mut p = Publish::new(topic.to_owned(), payload.to_vec());
    p.retain = true;
    n.send(c, Packet::Publish(p));
}

fn subscribe_with(n: &mut Net, c: ConnId, filter: &str, rh: RetainHandling) -> Vec<Vec<u8>> {
    let mut s = Subscription::new(filter.to_owned(), QoS::AtLeastOnce);
    s.options.retain_handling = rh;
    let packet = Packet::Subscribe(Subscribe {
        packet_id: pid(1),
        properties: Default::default(),
        subscriptions: vec![s],
    });
    n.send(c, packet);
    let mut sent = n.take(c);
    sent.remove(0);
    sent
}

/// [MQTT-3.3.1-5] [MQTT-3.3.1-6] [MQTT-3.3.1-7] [MQTT-3.3.1-8]
/// 3.1.1: [MQTT-3.3.1-5] [MQTT-3.3.1-6] [MQTT-3.3.1-8] [MQTT-3.3.1-10] [MQTT-3.3.1-11] [MQTT-3.3.1-12]
/// 3.1.1: [MQTT-3.3.1-7] [MQTT-3.1.2-7]
#[test]
fn retained_messages_are_set_replaced_and_cleared_by_an_empty_payload() {
    let mut n = Net::new(|_| {});
    let publ = n.connect(1, V4, "pub");
    retain(&mut n, publ, "a/1", b"old");
    retain(&mut n, publ, "a/1", b"new");
    retain(&mut n, publ, "a/2", b"two");
    retain(&mut n, publ, "a/2", b"");
    // A non-retained publish leaves the stored one alone.
    n.publish(publ, "a/1", b"live", QosPid::AtMostOnce);
    let topics: Vec<(String, Vec<u8>)> = n
        .broker
        .retained()
        .into_iter()
        .map(|r| (r.topic, r.payload))
        .collect();
    assert_eq!(topics, [("a/1".to_owned(), b"new".to_vec())]);
    // The publisher's session ends; what it retained stays.
    n.send(publ, disconnect(ReasonCode::Success));
    assert!(n.broker.session("pub").is_none());
    let sub = n.connect(2, V4, "sub");
    n.send(sub, subscribe(1, &[("a/+", QoS::AtLeastOnce)]));
    // SUBACK, then the retained message with RETAIN 1 (3.1.1 [MQTT-3.3.1-8]), QoS 0 as stored.
    assert_eq!(
        n.take(sub),
        [
            vec![0x90, 0x03, 0x00, 0x01, 0x01],
            vec![0x31, 0x08, 0x00, 0x03, b'a', b'/', b'1', b'n', b'e', b'w']
        ]
    );
}

/// [MQTT-3.3.1-9] [MQTT-3.3.1-10] [MQTT-3.3.1-11] [MQTT-3.8.4-4]
#[test]
fn retain_handling_decides_when_retained_messages_are_sent() {
    let mut n = Net::new(|_| {});
    let publ = n.connect(1, V5, "pub");
    retain(&mut n, publ, "t", b"r");
    let sub = n.connect(2, V5, "sub");
    let sent = subscribe_with(&mut n, sub, "t", RetainHandling::SendAtSubscribe);
    assert_eq!(sent, [vec![0x31, 0x05, 0x00, 0x01, b't', 0x00, b'r']]);
    assert_eq!(
        subscribe_with(&mut n, sub, "t", RetainHandling::SendAtSubscribe).len(),
        1
    );
    assert!(subscribe_with(&mut n, sub, "t", RetainHandling::SendAtSubscribeIfNew).is_empty());
    assert_eq!(
        subscribe_with(&mut n, sub, "u/#", RetainHandling::DoNotSend),
        Vec::<Vec<u8>>::new()
    );
    let fresh = n.connect(3, V5, "fresh");
    assert_eq!(
        subscribe_with(&mut n, fresh, "t", RetainHandling::SendAtSubscribeIfNew).len(),
        1
    );
}

#[test]
fn shared_subscriptions_get_no_retained_messages() {
    let mut n = Net::new(|_| {});
    let publ = n.connect(1, V5, "pub");
    retain(&mut n, publ, "t", b"r");
    let sub = n.connect(2, V5, "sub");
    assert!(subscribe_with(&mut n, sub, "$share/g/t", RetainHandling::SendAtSubscribe).is_empty());
}

#[test]
fn the_retained_store_is_bounded_and_can_be_cleared_from_the_ui() {
    let mut n = Net::new(|o| o.max_retained_messages = 1);
    let publ = n.connect(1, V4, "pub");
    retain(&mut n, publ, "a", b"1");
    n.events();
    retain(&mut n, publ, "b", b"2");
    assert!(n.events().contains(&Event::MessageDropped {
        client_id: "pub".into(),
        topic: "b".into(),
        reason: DropReason::RetainedStoreFull,
    }));
    // Replacing a stored topic still works at the bound.
    retain(&mut n, publ, "a", b"3");
    assert_eq!(n.broker.retained()[0].payload, b"3");
    assert!(n.broker.clear_retained("a"));
    assert_eq!(n.broker.retained_count(), 0);
}

/// [MQTT-3.3.2-5]
#[test]
fn an_expired_retained_message_is_not_delivered() {
    let mut n = Net::new(|_| {});
    let publ = n.connect(1, V5, "pub");
    let mut p = Publish::new("t", &b"r"[..]);
    p.retain = true;
    p.properties.to_mut().message_expiry_interval = Some(2);
    n.send(publ, Packet::Publish(p));
    let sub = n.connect(2, V5, "sub");
    n.sleep(1_000);
    let sent = subscribe_with(&mut n, sub, "t", RetainHandling::SendAtSubscribe);
    // One second left of two [MQTT-3.3.2-6].
    assert_eq!(
        sent,
        [vec![
            0x31, 0x0a, 0x00, 0x01, b't', 0x05, 0x02, 0x00, 0x00, 0x00, 0x01, b'r'
        ]]
    );
    n.sleep(1_000);
    assert!(subscribe_with(&mut n, sub, "t", RetainHandling::SendAtSubscribe).is_empty());
    assert_eq!(n.broker.retained_count(), 0);
}
