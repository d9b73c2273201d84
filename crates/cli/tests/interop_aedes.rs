//! The native driver against aedes (npm) over WebSocket in MQTT 3.1.1: aedes splits
//! packets over several WebSocket frames, which the client must reassemble.

mod common;

use std::time::Duration;

use common::{connect, options, wait, Aedes};
use mqttscope_proto::client::{Event, Message};
use mqttscope_proto::codec::{ProtocolVersion, QoS, Subscription};

/// aedes cuts packets over WebSocket frames; the client reads them whole.
/// [MQTT-6.0.0-2]
/// 3.1.1: [MQTT-6.0.0-2] [MQTT-7.0.0-2]
#[test]
fn publish_and_subscribe_through_aedes_over_websocket() {
    let broker = Aedes::start();
    let v = ProtocolVersion::V3_1_1;
    let mut sub = connect(&broker.url(), options(v, "aedes-sub"));
    sub.client
        .subscribe(
            sub.now(),
            vec![Subscription::new("aedes/#", QoS::ExactlyOnce)],
            Default::default(),
        )
        .unwrap();
    let acks = wait(&mut sub, Duration::from_secs(5), |e| {
        matches!(e, Event::Subscribed { .. })
    });
    assert!(acks
        .iter()
        .any(|e| matches!(e, Event::Subscribed { reasons, .. } if !reasons[0].is_error())));
    let mut publisher = connect(&broker.url(), options(v, "aedes-pub"));
    for (i, qos) in [QoS::AtMostOnce, QoS::AtLeastOnce, QoS::ExactlyOnce]
        .into_iter()
        .enumerate()
    {
        publisher
            .client
            .publish(
                publisher.now(),
                Message::new(format!("aedes/{i}"), format!("m{i}")).with_qos(qos),
            )
            .unwrap();
    }
    let mut done = 0;
    wait(&mut publisher, Duration::from_secs(5), |e| {
        done += usize::from(matches!(e, Event::PublishDone { .. }));
        done == 2
    });
    let mut got = Vec::new();
    wait(&mut sub, Duration::from_secs(5), |e| {
        if let Event::Message(m) = e {
            got.push((
                m.topic.to_string(),
                String::from_utf8_lossy(&m.payload).into_owned(),
            ));
        }
        got.len() == 3
    });
    got.sort();
    assert_eq!(
        got,
        [
            ("aedes/0".into(), "m0".into()),
            ("aedes/1".into(), "m1".into()),
            ("aedes/2".into(), "m2".into())
        ]
    );
}
