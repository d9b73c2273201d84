//! The native driver against a real mosquitto on loopback, in MQTT 3.1.1 and 5.0, over TCP
//! and WebSocket.

mod common;

use std::time::Duration;

use common::{connect, connect_with_events, options, run_for, wait, Broker};
use mqttscope_proto::client::{DisconnectCause, Event, Message};
use mqttscope_proto::codec::{ProtocolVersion, QoS, Subscription};
use mqttscope_proto::ReasonCode;

const VERSIONS: [ProtocolVersion; 2] = [ProtocolVersion::V3_1_1, ProtocolVersion::V5];
const SECS: Duration = Duration::from_secs(5);

fn messages(events: &[Event]) -> Vec<(String, Vec<u8>, QoS, bool)> {
    events
        .iter()
        .filter_map(|e| match e {
            Event::Message(m) => Some((
                m.topic.to_string(),
                m.payload.to_vec(),
                m.qos_pid.qos(),
                m.retain,
            )),
            _ => None,
        })
        .collect()
}

fn subscribe(d: &mut mqttscope_cli::driver::Driver, filter: &str, qos: QoS) -> Vec<ReasonCode> {
    d.client
        .subscribe(
            d.now(),
            vec![Subscription::new(filter.to_string(), qos)],
            Default::default(),
        )
        .unwrap();
    let events = wait(d, SECS, |e| matches!(e, Event::Subscribed { .. }));
    events
        .into_iter()
        .find_map(|e| match e {
            Event::Subscribed { reasons, .. } => Some(reasons),
            _ => None,
        })
        .unwrap_or_default()
}

/// Our client over TCP and over WebSocket, in every version, at every QoS, with a broker
/// that knows nothing of it: an ordered, lossless byte stream and the specification
/// alone are all it needs.
/// [MQTT-4.2.0-1]
/// 3.1.1: [MQTT-7.1.2-1] [MQTT-7.0.0-2]
#[test]
fn publish_and_subscribe_at_every_qos_over_tcp_and_websocket() {
    let broker = Broker::start();
    for v in VERSIONS {
        for transport in ["tcp", "ws"] {
            for qos in [QoS::AtMostOnce, QoS::AtLeastOnce, QoS::ExactlyOnce] {
                let name = format!("{transport}-{}-{}", v.level(), qos as u8);
                let topic = format!("it/{name}");
                let mut sub = connect(&broker.url(transport), options(v, &format!("sub-{name}")));
                let granted = subscribe(&mut sub, &topic, qos);
                assert_eq!(granted, [ReasonCode::from_u8(qos as u8).unwrap()], "{name}");
                let mut publisher =
                    connect(&broker.url(transport), options(v, &format!("pub-{name}")));
                let h = publisher
                    .client
                    .publish(
                        publisher.now(),
                        Message::new(topic.clone(), name.clone()).with_qos(qos),
                    )
                    .unwrap();
                let done = wait(&mut publisher, SECS, |e| match e {
                    Event::PublishDone { handle, .. } | Event::PublishSent { handle } => {
                        *handle == h
                    }
                    _ => false,
                });
                assert!(done.iter().any(|e| matches!(
                    e,
                    Event::PublishDone {
                        reason: ReasonCode::Success,
                        ..
                    } | Event::PublishSent { .. }
                )));
                let got = wait(&mut sub, SECS, |e| matches!(e, Event::Message(_)));
                assert_eq!(
                    messages(&got),
                    [(topic.clone(), name.clone().into_bytes(), qos, false)],
                    "{name}"
                );
                // Exactly once: nothing more arrives.
                assert!(
                    messages(&run_for(&mut sub, Duration::from_millis(100))).is_empty(),
                    "{name}"
                );
            }
        }
    }
}

#[test]
fn retained_messages_reach_later_subscribers() {
    let broker = Broker::start();
    for v in VERSIONS {
        let topic = format!("it/retained/{}", v.level());
        let mut p = connect(&broker.url("tcp"), options(v, "retain-pub"));
        p.client
            .publish(
                p.now(),
                Message::new(topic.clone(), "kept")
                    .with_qos(QoS::AtLeastOnce)
                    .retained(),
            )
            .unwrap();
        wait(&mut p, SECS, |e| matches!(e, Event::PublishDone { .. }));
        let mut s = connect(&broker.url("ws"), options(v, "retain-sub"));
        subscribe(&mut s, &topic, QoS::AtLeastOnce);
        let got = wait(&mut s, SECS, |e| matches!(e, Event::Message(_)));
        assert_eq!(
            messages(&got),
            [(topic, b"kept".to_vec(), QoS::AtLeastOnce, true)]
        );
    }
}

#[test]
fn the_will_is_published_when_the_connection_drops() {
    let broker = Broker::start();
    for v in VERSIONS {
        let topic = format!("it/will/{}", v.level());
        let mut watcher = connect(&broker.url("tcp"), options(v, "will-watch"));
        subscribe(&mut watcher, &topic, QoS::AtLeastOnce);
        let mut opts = options(v, "will-dies");
        opts.will = Some(mqttscope_proto::codec::Will {
            topic: topic.clone().into(),
            payload: b"gone".to_vec().into(),
            qos: QoS::AtLeastOnce,
            retain: false,
            properties: Default::default(),
        });
        let dying = connect(&broker.url("ws"), opts);
        drop(dying); // the socket closes without DISCONNECT
        let got = wait(&mut watcher, SECS, |e| matches!(e, Event::Message(_)));
        assert_eq!(messages(&got)[0].1, b"gone");
    }
}

#[test]
fn a_kept_session_receives_what_was_published_while_offline() {
    let broker = Broker::start();
    for v in VERSIONS {
        let topic = format!("it/session/{}", v.level());
        let mut opts = options(v, "session");
        opts.clean_start = false;
        if v.is_v5() {
            opts.properties.session_expiry_interval = Some(60);
        }
        let mut s = connect(&broker.url("tcp"), opts.clone());
        subscribe(&mut s, &topic, QoS::ExactlyOnce);
        s.client.disconnect(s.now(), ReasonCode::Success).unwrap();
        s.flush().unwrap();
        let mut p = connect(&broker.url("tcp"), options(v, "session-pub"));
        for i in 0..5 {
            p.client
                .publish(
                    p.now(),
                    Message::new(topic.clone(), format!("m{i}")).with_qos(QoS::AtLeastOnce),
                )
                .unwrap();
        }
        let mut acked = 0;
        wait(&mut p, SECS, |e| {
            acked += usize::from(matches!(e, Event::PublishDone { .. }));
            acked == 5
        });
        let (mut s, early) = connect_with_events(&broker.url("tcp"), opts);
        let mut got: Vec<String> = messages(&early)
            .into_iter()
            .map(|m| String::from_utf8_lossy(&m.1).into_owned())
            .collect();
        // The queued messages may all have come with CONNACK already.
        if got.len() < 5 {
            wait(&mut s, SECS, |e| {
                if let Event::Message(m) = e {
                    got.push(String::from_utf8_lossy(&m.payload).into_owned());
                }
                got.len() >= 5
            });
        }
        assert_eq!(got, ["m0", "m1", "m2", "m3", "m4"]);
    }
}

#[test]
fn a_stopped_broker_is_detected_by_keep_alive() {
    let broker = Broker::start();
    let mut opts = options(ProtocolVersion::V5, "keepalive");
    opts.keep_alive = 1;
    let mut c = connect(&broker.url("tcp"), opts);
    let started = std::time::Instant::now();
    broker.signal("STOP");
    let events = wait(&mut c, Duration::from_secs(5), |e| {
        matches!(e, Event::Disconnected(_))
    });
    let elapsed = started.elapsed();
    broker.signal("CONT");
    assert!(
        events
            .iter()
            .any(|e| matches!(e, Event::Disconnected(DisconnectCause::KeepAliveTimeout))),
        "{:?}",
        common::summary(&events)
    );
    // Keep alive 1 s: found within 1.5 s of the last packet from the broker (plus slack).
    assert!(elapsed < Duration::from_millis(2_500), "{elapsed:?}");
}
