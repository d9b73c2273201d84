//! Real `mqttscope_proto::client::Client`s, MQTT 3.1.1 and 5.0 together, against the
//! broker in memory: every byte goes through both state machines.

use super::*;
use mqttscope_proto::client::{self, Client, ClientOptions, Message};
use mqttscope_proto::codec::{PublishProperties, SubscribeProperties, UserProperty};
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

/// A broker and clients wired together in memory.
struct World {
    broker: Broker,
    clients: Vec<(ConnId, Client, Vec<client::Event>)>,
    now: Instant,
}

impl World {
    fn new() -> Self {
        let now = Instant::from_millis(0);
        World {
            broker: Broker::new(BrokerOptions::default(), now),
            clients: Vec::new(),
            now,
        }
    }

    /// Adds a client and connects it; returns its index.
    fn add(&mut self, conn: u64, version: ProtocolVersion, id: &str, clean: bool) -> usize {
        let opts = ClientOptions {
            version,
            client_id: id.into(),
            clean_start: clean,
            ..Default::default()
        };
        let mut opts = opts;
        if version.is_v5() && !clean {
            opts.properties.session_expiry_interval = Some(600);
        }
        let client = Client::new(opts, self.now);
        self.clients.push((ConnId(conn), client, Vec::new()));
        let i = self.clients.len() - 1;
        self.reconnect(i, conn);
        i
    }

    /// Opens a new transport `conn` for client `i` and connects.
    fn reconnect(&mut self, i: usize, conn: u64) {
        self.clients[i].0 = ConnId(conn);
        self.broker.accept(ConnId(conn), self.now).unwrap();
        self.clients[i].1.connect(self.now).unwrap();
        self.pump();
    }

    /// Moves bytes both ways until nothing moves.
    fn pump(&mut self) {
        loop {
            let mut moved = false;
            for (conn, client, events) in &mut self.clients {
                loop {
                    match client.poll_output(self.now) {
                        client::Output::Transmit(b) => {
                            moved = true;
                            self.broker.handle_bytes(*conn, self.now, &b);
                        }
                        client::Output::Event(client::Event::Packet(_)) => {}
                        client::Output::Event(e) => events.push(e),
                        client::Output::Timeout(_) => break,
                    }
                }
            }
            loop {
                match self.broker.poll_output(self.now) {
                    Output::Transmit { conn, bytes } => {
                        moved = true;
                        if let Some((_, c, _)) =
                            self.clients.iter_mut().find(|(id, ..)| *id == conn)
                        {
                            c.handle_bytes(self.now, &bytes);
                        }
                    }
                    Output::Close(conn) => {
                        if let Some((_, c, _)) =
                            self.clients.iter_mut().find(|(id, ..)| *id == conn)
                        {
                            c.handle_closed(self.now);
                        }
                    }
                    Output::Event(_) => {}
                    Output::Timeout(_) => break,
                }
            }
            if !moved {
                return;
            }
        }
    }

    fn client(&mut self, i: usize) -> &mut Client {
        &mut self.clients[i].1
    }

    /// The messages client `i` received since the last call: (topic, payload, qos).
    fn messages(&mut self, i: usize) -> Vec<(String, Vec<u8>, QoS)> {
        std::mem::take(&mut self.clients[i].2)
            .into_iter()
            .filter_map(|e| match e {
                client::Event::Message(p) => {
                    Some((p.topic.to_string(), p.payload.to_vec(), p.qos_pid.qos()))
                }
                _ => None,
            })
            .collect()
    }

    /// The same, sorted (the order between two publishers is not defined).
    fn sorted_messages(&mut self, i: usize) -> Vec<(String, Vec<u8>, QoS)> {
        let mut m = self.messages(i);
        m.sort();
        m
    }
}

/// The client core and the broker interoperate with nothing but the specification's
/// packets, in both versions.
/// 3.1.1: [MQTT-7.0.0-2]
#[test]
fn mqtt_3_1_1_and_5_clients_exchange_messages_through_the_broker() {
    let mut w = World::new();
    let five = w.add(1, V5, "five", true);
    let four = w.add(2, V4, "four", true);
    let now = w.now;
    w.client(five)
        .subscribe(
            now,
            vec![Subscription::new("room/#", QoS::ExactlyOnce)],
            SubscribeProperties::default(),
        )
        .unwrap();
    w.client(four)
        .subscribe(
            now,
            vec![Subscription::new("room/+", QoS::AtLeastOnce)],
            SubscribeProperties::default(),
        )
        .unwrap();
    w.pump();
    w.client(four)
        .publish(
            now,
            Message::new("room/a", "from four").with_qos(QoS::ExactlyOnce),
        )
        .unwrap();
    let mut m = Message::new("room/b", "from five").with_qos(QoS::AtLeastOnce);
    m.properties = PublishProperties {
        user_properties: vec![UserProperty::new("k", "v")],
        ..Default::default()
    };
    w.client(five).publish(now, m).unwrap();
    w.pump();
    let expected_five = [
        ("room/a".to_owned(), b"from four".to_vec(), QoS::ExactlyOnce),
        ("room/b".to_owned(), b"from five".to_vec(), QoS::AtLeastOnce),
    ];
    assert_eq!(w.sorted_messages(five), expected_five);
    let expected_four = [
        ("room/a".to_owned(), b"from four".to_vec(), QoS::AtLeastOnce),
        ("room/b".to_owned(), b"from five".to_vec(), QoS::AtLeastOnce),
    ];
    assert_eq!(w.sorted_messages(four), expected_four);
    assert_eq!(w.client(five).in_flight() + w.client(four).in_flight(), 0);
    assert_eq!(w.broker.session("five").unwrap().in_flight, 0);
}

#[test]
fn a_persistent_client_gets_what_was_published_while_it_was_away() {
    let mut w = World::new();
    let four = w.add(1, V4, "four", false);
    let five = w.add(2, V5, "five", false);
    let now = w.now;
    for i in [four, five] {
        w.client(i)
            .subscribe(
                now,
                vec![Subscription::new("news", QoS::ExactlyOnce)],
                SubscribeProperties::default(),
            )
            .unwrap();
    }
    w.pump();
    for i in [four, five] {
        w.broker.handle_closed(w.clients[i].0, now);
        w.client(i).handle_closed(now);
    }
    w.pump();
    let publ = w.add(3, V5, "pub", true);
    for k in 0..3 {
        w.client(publ)
            .publish(
                now,
                Message::new("news", vec![k]).with_qos(QoS::ExactlyOnce),
            )
            .unwrap();
    }
    w.pump();
    w.reconnect(four, 4);
    w.reconnect(five, 5);
    for i in [four, five] {
        let got: Vec<Vec<u8>> = w.messages(i).into_iter().map(|m| m.1).collect();
        assert_eq!(got, [vec![0], vec![1], vec![2]], "client {i}");
    }
}
