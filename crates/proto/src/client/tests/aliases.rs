//! Topic Aliases both ways, and request/response.

use super::*;
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

/// [MQTT-3.3.2-10]
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

/// [MQTT-3.3.2-8] [MQTT-3.3.2-9] [MQTT-3.2.2-17]
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

/// [MQTT-3.2.2-18] [MQTT-3.2.2-17] [MQTT-3.3.2-9]
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
    assert_eq!(req.properties.response_topic(), Some("me/replies"));
    // The responder's side builds the reply from the request.
    let reply = Message::reply_to(&req, "2").unwrap();
    assert_eq!(
        (
            reply.topic.as_str(),
            reply.properties.correlation_data.as_deref()
        ),
        ("me/replies", req.properties.correlation_data())
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
