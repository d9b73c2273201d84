//! Inbound Topic Aliases against rumqttd (MQTT 5 over TCP): the broker sends later
//! messages with an empty topic and an alias, which the client resolves.

mod common;

use std::time::Duration;

use common::{connect, options, wait, Rumqttd};
use mqttscope_proto::client::{Direction, Event, Message};
use mqttscope_proto::codec::{Packet, ProtocolVersion, QoS, Subscription};

#[test]
fn inbound_topic_aliases_are_resolved() {
    let broker = Rumqttd::start();
    let v = ProtocolVersion::V5;
    let mut sub_opts = options(v, "alias-sub");
    sub_opts.properties.topic_alias_maximum = Some(10);
    let mut sub = connect(&broker.url(), sub_opts);
    sub.client
        .subscribe(
            sub.now(),
            vec![Subscription::new("alias/test", QoS::AtMostOnce)],
            Default::default(),
        )
        .unwrap();
    wait(&mut sub, Duration::from_secs(5), |e| {
        matches!(e, Event::Subscribed { .. })
    });
    let mut publisher = connect(&broker.url(), options(v, "alias-pub"));
    // One at a time: rumqttd aliases a topic on the messages after the first one it
    // forwards, not within one batch.
    for i in 0..3 {
        publisher
            .client
            .publish(
                publisher.now(),
                Message::new("alias/test", format!("m{i}")).with_qos(QoS::AtLeastOnce),
            )
            .unwrap();
        wait(&mut publisher, Duration::from_secs(5), |e| {
            matches!(e, Event::PublishDone { .. })
        });
        std::thread::sleep(Duration::from_millis(20));
    }
    let (mut topics, mut aliased) = (Vec::new(), 0);
    wait(&mut sub, Duration::from_secs(5), |e| {
        match e {
            Event::Message(m) => topics.push(m.topic.to_string()),
            Event::Packet(r) if r.direction == Direction::Received => {
                if let Packet::Publish(p) = &r.packet {
                    aliased +=
                        usize::from(p.topic.is_empty() && p.properties.topic_alias().is_some());
                }
            }
            _ => {}
        }
        topics.len() == 3
    });
    assert_eq!(topics, ["alias/test"; 3]);
    assert!(
        aliased > 0,
        "rumqttd sent no aliased PUBLISH, so nothing was resolved"
    );
}
