//! Model check: QoS 1 (at least once) and QoS 2 (exactly once) across disconnects, with
//! real clients of MQTT 3.1.1 and 5.0.

use std::collections::BTreeMap;

use proptest::prelude::*;

use super::*;
use mqttscope_proto::client::{self, Client, ClientOptions, Message};
use mqttscope_proto::codec::{PublishProperties, SubscribeProperties};

/// The model check's world: real clients with persistent sessions, every one subscribed
/// to "t" at QoS 2, bytes moved only when the test says so (and lost on a cut).
struct Model {
    broker: Broker,
    now: Instant,
    next_conn: u64,
    peers: Vec<Peer>,
}

struct Peer {
    client: Client,
    conn: Option<ConnId>,
    to_broker: Vec<Vec<u8>>,
    to_client: Vec<Vec<u8>>,
    got: BTreeMap<Vec<u8>, usize>,
}

#[derive(Debug, Clone)]
enum MOp {
    Connect(usize),
    Cut(usize),
    Publish(usize, bool),
    Pump,
}

impl Model {
    fn new(versions: &[ProtocolVersion]) -> Self {
        let now = Instant::from_millis(0);
        let mut m = Model {
            broker: Broker::new(BrokerOptions::default(), now),
            now,
            next_conn: 0,
            peers: Vec::new(),
        };
        for (i, &v) in versions.iter().enumerate() {
            let mut o = ClientOptions {
                version: v,
                client_id: format!("c{i}"),
                clean_start: false,
                keep_alive: 0,
                ..Default::default()
            };
            o.properties.session_expiry_interval = v.is_v5().then_some(3600);
            m.peers.push(Peer {
                client: Client::new(o, now),
                conn: None,
                to_broker: Vec::new(),
                to_client: Vec::new(),
                got: BTreeMap::new(),
            });
            m.apply(&MOp::Connect(i));
            m.settle();
            let sub = vec![Subscription::new("t", QoS::ExactlyOnce)];
            m.peers[i]
                .client
                .subscribe(now, sub, SubscribeProperties::default())
                .unwrap();
            m.settle();
        }
        m
    }

    fn apply(&mut self, op: &MOp) {
        let now = self.now;
        match *op {
            MOp::Connect(i) if self.peers[i].conn.is_none() => {
                self.next_conn += 1;
                let conn = ConnId(self.next_conn);
                self.broker.accept(conn, now).unwrap();
                self.peers[i].conn = Some(conn);
                self.peers[i].client.connect(now).unwrap();
            }
            MOp::Cut(i) => {
                let p = &mut self.peers[i];
                if let Some(conn) = p.conn.take() {
                    p.to_broker.clear();
                    p.to_client.clear();
                    self.broker.handle_closed(conn, now);
                    p.client.handle_closed(now);
                }
            }
            MOp::Publish(i, exactly) => {
                let p = &mut self.peers[i];
                let connected = p.client.state() == client::State::Connected;
                if connected {
                    let qos = if exactly {
                        QoS::ExactlyOnce
                    } else {
                        QoS::AtLeastOnce
                    };
                    let payload = format!(
                        "{}{}",
                        if exactly { "2:" } else { "1:" },
                        self.next_conn * 1000
                            + p.got.len() as u64
                            + i as u64 * 100
                            + now.as_millis()
                    );
                    let mut msg = Message::new("t", payload.into_bytes()).with_qos(qos);
                    msg.properties = PublishProperties::default();
                    let _ = p.client.publish(now, msg);
                }
            }
            MOp::Pump | MOp::Connect(_) => {}
        }
        self.collect();
        if let MOp::Pump = op {
            self.pump();
        }
    }

    /// Drains both sides' outputs into the in-memory pipes.
    fn collect(&mut self) {
        for p in &mut self.peers {
            loop {
                match p.client.poll_output(self.now) {
                    client::Output::Transmit(b) if p.conn.is_some() => p.to_broker.push(b),
                    client::Output::Event(client::Event::Message(m)) => {
                        *p.got.entry(m.payload.to_vec()).or_default() += 1
                    }
                    client::Output::Timeout(_) => break,
                    _ => {}
                }
            }
        }
        loop {
            match self.broker.poll_output(self.now) {
                Output::Transmit { conn, bytes } => {
                    if let Some(p) = self.peers.iter_mut().find(|p| p.conn == Some(conn)) {
                        p.to_client.push(bytes);
                    }
                }
                Output::Close(conn) => {
                    if let Some(p) = self.peers.iter_mut().find(|p| p.conn == Some(conn)) {
                        for b in std::mem::take(&mut p.to_client) {
                            p.client.handle_bytes(self.now, &b);
                        }
                        p.conn = None;
                        p.to_broker.clear();
                        p.client.handle_closed(self.now);
                    }
                }
                Output::Timeout(_) => break,
                Output::Event(_) => {}
            }
        }
    }

    /// Moves what is in the pipes once.
    fn pump(&mut self) {
        for p in &mut self.peers {
            let Some(conn) = p.conn else { continue };
            for b in std::mem::take(&mut p.to_broker) {
                self.broker.handle_bytes(conn, self.now, &b);
            }
            for b in std::mem::take(&mut p.to_client) {
                p.client.handle_bytes(self.now, &b);
            }
        }
        self.collect();
    }

    fn settle(&mut self) {
        for _ in 0..50 {
            self.pump();
        }
    }
}

fn mop(peers: usize) -> impl Strategy<Value = MOp> {
    prop_oneof![
        2 => (0..peers).prop_map(MOp::Connect),
        1 => (0..peers).prop_map(MOp::Cut),
        3 => (0..peers, any::<bool>()).prop_map(|(i, e)| MOp::Publish(i, e)),
        3 => Just(MOp::Pump),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    /// Connects, cuts, publishes and partial exchanges in any order, among clients of
    /// every version with persistent sessions: once everyone reconnects and the pipes
    /// drain, every subscriber has every QoS 1 message at least once and every QoS 2
    /// message exactly once.
    #[test]
    fn qos_1_arrives_at_least_once_and_qos_2_exactly_once(
        // MQTT 3.1 has no Session Present: its clients cannot tell a resumed session and
        // give up what they had in flight, so they are left out of this check.
        versions in prop::collection::vec(prop::sample::select(vec![V4, V5]), 2..4),
        ops in prop::collection::vec(mop(3), 1..60),
    ) {
        let mut m = Model::new(&versions);
        let mut sent = Vec::new();
        for op in &ops {
            let op = match op { MOp::Connect(i) | MOp::Cut(i) | MOp::Publish(i, _) if *i >= versions.len() => continue, op => op };
            let before = m.peers.iter().map(|p| p.client.queued() + p.client.in_flight()).sum::<usize>();
            m.apply(op);
            let after = m.peers.iter().map(|p| p.client.queued() + p.client.in_flight()).sum::<usize>();
            if let (MOp::Publish(..), true) = (op, after > before) {
                sent.push(m.now);
            }
            m.now = m.now + Duration::from_millis(1);
        }
        for i in 0..versions.len() {
            m.apply(&MOp::Connect(i));
        }
        m.settle();
        for p in &m.peers {
            prop_assert_eq!(p.client.queued() + p.client.in_flight(), 0);
            for (payload, count) in &p.got {
                let exactly = payload.starts_with(b"2:");
                prop_assert!(*count >= 1);
                prop_assert!(!exactly || *count == 1, "QoS 2 {:?} delivered {} times", String::from_utf8_lossy(payload), count);
            }
        }
        // Everyone got the same set of messages (each subscribes to "t").
        let first: Vec<&Vec<u8>> = m.peers[0].got.keys().collect();
        for p in &m.peers {
            prop_assert_eq!(p.got.keys().collect::<Vec<_>>(), first.clone());
        }
        prop_assert_eq!(first.len(), sent.len());
    }
}
