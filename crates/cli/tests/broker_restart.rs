//! A QoS 1 and a QoS 2 stream of 10,000 messages each through a mosquitto with
//! persistence that is restarted in the middle: no message is lost, and QoS 2 delivers
//! none twice. Both clients keep their sessions and reconnect on their own driver loop.

mod common;

use std::collections::HashMap;
use std::time::{Duration, Instant as StdInstant};

use common::{connect_with_events, options, Broker};
use mqttscope_cli::driver::Driver;
use mqttscope_proto::client::{ClientOptions, Event, Message, State};
use mqttscope_proto::codec::{ProtocolVersion, QoS, Subscription};

const TOTAL: u32 = 10_000;

fn kept_session(v: ProtocolVersion, id: &str) -> ClientOptions {
    let mut o = options(v, id);
    o.clean_start = false;
    o.max_queued = 2_000;
    if v.is_v5() {
        o.properties.session_expiry_interval = Some(600);
    }
    o
}

/// Connects with a kept session, dropping any earlier one first (a clean start).
fn fresh(url: &str, v: ProtocolVersion, id: &str) -> (Driver, Vec<Event>) {
    let mut clean = options(v, id);
    clean.client_id = kept_session(v, id).client_id;
    let (mut d, _) = connect_with_events(url, clean);
    d.client
        .disconnect(d.now(), mqttscope_proto::ReasonCode::Success)
        .unwrap();
    d.flush().unwrap();
    connect_with_events(url, kept_session(v, id))
}

/// Steps a driver, reconnecting it whenever its connection is gone.
fn pump(d: &mut Driver, url: &str) -> Vec<Event> {
    if d.client.state() == State::Closed && d.reconnect(url).is_err() {
        std::thread::sleep(Duration::from_millis(20));
        return Vec::new();
    }
    d.step(Duration::from_millis(1)).unwrap_or_default()
}

fn stream_through_a_restart(qos: QoS, v: ProtocolVersion) {
    let mut broker = Broker::start_persistent();
    let url = broker.url("tcp");
    let topic = format!("restart/{}", qos as u8);
    let (mut sub, _) = fresh(&url, v, &format!("restart-sub-{}", qos as u8));
    sub.client
        .subscribe(
            sub.now(),
            vec![Subscription::new(topic.clone(), qos)],
            Default::default(),
        )
        .unwrap();
    // Publish only once the broker has the subscription.
    common::wait(&mut sub, Duration::from_secs(5), |e| {
        matches!(e, Event::Subscribed { .. })
    });
    let (mut publisher, _) = fresh(&url, v, &format!("restart-pub-{}", qos as u8));

    let (mut next, mut acked, mut restarted, mut restart_at) = (0u32, 0u32, false, 0u32);
    let mut received: HashMap<u32, u32> = HashMap::new();
    let start = StdInstant::now();
    while acked < TOTAL || (received.len() as u32) < TOTAL {
        if start.elapsed() > Duration::from_secs(40) {
            let mut missing: Vec<u32> = (0..TOTAL).filter(|n| !received.contains_key(n)).collect();
            missing.truncate(40);
            let state = |d: &Driver| (d.client.state(), d.client.in_flight(), d.client.queued());
            panic!(
                "stuck: {acked} acked, {} received; restart after {restart_at} acked; missing {missing:?}; \
                 publisher {:?}, subscriber {:?}",
                received.len(),
                state(&publisher),
                state(&sub)
            );
        }
        while next < TOTAL && publisher.client.queued() < 500 {
            let msg = Message::new(topic.clone(), next.to_string()).with_qos(qos);
            publisher
                .client
                .publish(publisher.now(), msg)
                .expect("queue has room");
            next += 1;
        }
        for e in publisher
            .flush()
            .unwrap()
            .into_iter()
            .chain(pump(&mut publisher, &url))
        {
            if let Event::PublishDone { reason, .. } = e {
                assert!(!reason.is_error(), "{reason}");
                acked += 1;
            }
        }
        for e in pump(&mut sub, &url) {
            if let Event::Message(m) = e {
                let n: u32 = String::from_utf8_lossy(&m.payload)
                    .parse()
                    .expect("a number");
                *received.entry(n).or_default() += 1;
            }
        }
        if !restarted && acked >= TOTAL / 3 {
            broker.restart();
            restarted = true;
            restart_at = acked;
        }
    }
    assert!(restarted);
    assert_eq!(received.len() as u32, TOTAL, "every message arrived");
    if qos == QoS::ExactlyOnce {
        let dups: Vec<_> = received.iter().filter(|(_, c)| **c > 1).collect();
        assert!(dups.is_empty(), "QoS 2 duplicates: {dups:?}");
    }
}

#[test]
fn qos1_stream_survives_a_broker_restart_without_loss() {
    stream_through_a_restart(QoS::AtLeastOnce, ProtocolVersion::V5);
}

#[test]
fn qos2_stream_survives_a_broker_restart_without_loss_or_duplicates() {
    stream_through_a_restart(QoS::ExactlyOnce, ProtocolVersion::V3_1_1);
}
