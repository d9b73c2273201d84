//! The sandbox as a page sees it: page clients (our own core) on a virtual clock, talking
//! to the sandbox through the worker's message protocol.

use mqttscope_proto::client::{Client, ClientOptions, Event, Instant, Message, Output};
use mqttscope_proto::codec::{SubscribeProperties, Subscription};
use mqttscope_proto::QoS;

use crate::devices::{lights, security, thermostat};
use crate::monitor::{Command, Update};
use crate::{PacketRecord, PortId, Sandbox, ToPage};

/// A page's sandbox connection: its port, socket id and client.
struct Page {
    port: PortId,
    id: u32,
    client: Client,
    open: bool,
    closed: Option<u16>,
    messages: Vec<(String, Vec<u8>)>,
    events: Vec<Event>,
    deadline: Instant,
    /// Whether it acknowledges the data it handled (a page whose tab is frozen does not).
    acks: bool,
    /// Packets the sandbox posted to it.
    received: usize,
    /// The answers to its syncs, with how many packets it had been posted by then.
    synced: Vec<(Option<Instant>, usize)>,
}

impl Page {
    fn new(port: u32, id: u32, client_id: &str) -> Self {
        Page::with(port, id, client_id, |_| {})
    }

    fn with(port: u32, id: u32, client_id: &str, f: impl FnOnce(&mut ClientOptions)) -> Self {
        let mut opts = ClientOptions {
            client_id: client_id.to_owned(),
            ..ClientOptions::default()
        };
        f(&mut opts);
        Page {
            port: PortId(port),
            id,
            client: Client::new(opts, Instant::from_millis(0)),
            open: false,
            closed: None,
            messages: Vec::new(),
            events: Vec::new(),
            deadline: Instant::from_millis(u64::MAX),
            acks: true,
            received: 0,
            synced: Vec::new(),
        }
    }

    fn texts(&self, topic: &str) -> Vec<String> {
        let of = |(_, p): &(String, Vec<u8>)| String::from_utf8_lossy(p).into_owned();
        self.messages
            .iter()
            .filter(|(t, _)| t == topic)
            .map(of)
            .collect()
    }
}

/// The sandbox, its pages, what watching panes got, and the virtual clock.
struct World {
    sandbox: Sandbox,
    pages: Vec<Page>,
    updates: Vec<(PortId, Update)>,
    records: Vec<(PortId, PacketRecord)>,
    now: Instant,
}

impl World {
    fn new() -> Self {
        let now = Instant::from_millis(1_000);
        World {
            sandbox: Sandbox::new(42, now),
            pages: Vec::new(),
            updates: Vec::new(),
            records: Vec::new(),
            now,
        }
    }

    /// Opens page `k`'s socket and sends CONNECT once it is open.
    fn open(&mut self, k: usize) {
        let (port, id) = (self.pages[k].port, self.pages[k].id);
        let protocols = ["mqtt".to_owned()];
        self.sandbox
            .open(port, id, "sandbox://home", &protocols, self.now);
        self.settle();
    }

    /// Delivers what the sandbox posted and what the pages' clients send, until quiet.
    fn settle(&mut self) {
        for _ in 0..100 {
            let mut busy = false;
            while let Some((port, msg)) = self.sandbox.poll_page() {
                busy = true;
                self.deliver(port, msg);
            }
            for k in 0..self.pages.len() {
                busy |= self.drain_page(k);
            }
            if !busy {
                return;
            }
        }
        panic!("the sandbox and its pages never settle");
    }

    fn deliver(&mut self, port: PortId, msg: ToPage) {
        let now = self.now;
        let find = |id| move |p: &&mut Page| p.port == port && p.id == id;
        match msg {
            ToPage::Open { id, protocol } => {
                assert_eq!(protocol, "mqtt");
                let page = self.pages.iter_mut().find(find(id)).unwrap();
                page.open = true;
                page.client.connect(now).unwrap();
            }
            ToPage::Data { id, batch } => {
                let page = self.pages.iter_mut().find(find(id)).unwrap();
                let mut handled = 0;
                page.received += batch.len();
                for bytes in batch {
                    handled += bytes.len();
                    page.client.handle_bytes(now, &bytes);
                }
                // As the page's relay does once a batch is handled.
                if page.acks {
                    self.sandbox.ack(port, id, handled);
                }
            }
            ToPage::Close { id, code, .. } => {
                let page = self.pages.iter_mut().find(find(id)).unwrap();
                page.closed = Some(code);
                page.open = false;
                page.client.handle_closed(now);
            }
            ToPage::Synced { id, held_at } => {
                let page = self.pages.iter_mut().find(find(id)).unwrap();
                page.synced.push((held_at, page.received));
            }
            ToPage::Monitor { json } => {
                self.updates.push((port, Update::from_json(&json).unwrap()))
            }
            ToPage::Packets { batch } => self.records.extend(batch.into_iter().map(|r| (port, r))),
        }
    }

    fn drain_page(&mut self, k: usize) -> bool {
        let mut busy = false;
        let now = self.now;
        loop {
            let page = &mut self.pages[k];
            match page.client.poll_output(now) {
                Output::Transmit(bytes) => {
                    busy = true;
                    let (port, id) = (page.port, page.id);
                    self.sandbox.send(port, id, &bytes, now);
                }
                Output::Event(Event::Message(p)) => page
                    .messages
                    .push((p.topic.to_string(), p.payload.to_vec())),
                Output::Event(e @ Event::Disconnected(_)) => {
                    // The page's driver closes its socket when its client gives up.
                    page.events.push(e);
                    if std::mem::take(&mut page.open) {
                        let (port, id) = (page.port, page.id);
                        self.sandbox.close(port, id, now);
                        busy = true;
                    }
                }
                Output::Event(e) => page.events.push(e),
                Output::Timeout(at) => {
                    page.deadline = at;
                    return busy;
                }
            }
        }
    }

    /// Runs the sandbox's and the pages' timers up to `ms` milliseconds from now.
    fn advance(&mut self, ms: u64) {
        let end = Instant::from_millis(self.now.as_millis() + ms);
        loop {
            let pages = self.pages.iter().map(|p| p.deadline);
            let at = pages.fold(self.sandbox.deadline(), Instant::min);
            if at > end {
                break;
            }
            self.now = self.now.max(at);
            self.sandbox.handle_timeout(self.now);
            for page in &mut self.pages {
                if page.deadline <= self.now {
                    page.deadline = Instant::from_millis(u64::MAX);
                    page.client.handle_timeout(self.now);
                }
            }
            self.settle();
        }
        self.now = end;
    }

    /// Page `port` (a broker pane) sends `command`.
    fn command(&mut self, port: u32, command: Command) {
        self.sandbox.command(PortId(port), command, self.now);
        self.settle();
    }

    /// The newest state a pane got.
    fn state(&self) -> crate::monitor::State {
        let mut states = self.updates.iter().filter_map(|(_, u)| u.state.clone());
        states.next_back().expect("no state")
    }

    /// The broker connection of page `k`.
    fn conn(&self, k: usize) -> u64 {
        let p = &self.pages[k];
        self.sandbox.conn_of(p.port, p.id).expect("not connected").0
    }

    fn subscribe(&mut self, k: usize, filter: &str) {
        let subs = vec![Subscription::new(filter.to_owned(), QoS::AtLeastOnce)];
        let props = SubscribeProperties::default();
        self.pages[k]
            .client
            .subscribe(self.now, subs, props)
            .unwrap();
        self.settle();
    }

    fn publish(&mut self, k: usize, message: Message) {
        self.pages[k].client.publish(self.now, message).unwrap();
        self.settle();
    }
}

#[test]
fn the_devices_connect_when_the_sandbox_starts() {
    let w = World::new();
    let mut ids: Vec<String> = w
        .sandbox
        .broker()
        .clients()
        .into_iter()
        .map(|c| c.client_id)
        .collect();
    ids.sort();
    assert_eq!(
        ids,
        ["sandbox-lights", "sandbox-security", "sandbox-thermostat"]
    );
    let retained = w.sandbox.broker().retained();
    assert_eq!(retained.len(), 1);
    assert_eq!(retained[0].topic, security::STATUS_TOPIC);
}

#[test]
fn a_page_subscribed_to_home_sees_the_devices() {
    let mut w = World::new();
    w.pages.push(Page::new(1, 1, "page"));
    w.open(0);
    assert!(w.pages[0].open);
    w.subscribe(0, "home/#");
    assert_eq!(
        w.pages[0].texts(security::STATUS_TOPIC),
        [r#"{"state":"armed"}"#]
    );
    w.advance(10_000);
    let temps = w.pages[0].texts(thermostat::TOPIC);
    assert!((4..=6).contains(&temps.len()), "{temps:?}");
    assert!(temps.iter().all(|t| t.contains(r#""temperature":"#)));
    assert_eq!(w.pages[0].texts(lights::TOPIC).len(), 2);
}

#[test]
fn a_command_from_a_page_changes_what_the_lights_publish() {
    let mut w = World::new();
    w.pages.push(Page::new(1, 1, "page"));
    w.open(0);
    w.subscribe(0, lights::TOPIC);
    w.publish(0, Message::new(lights::SET_TOPIC, "37"));
    assert_eq!(
        w.pages[0].texts(lights::TOPIC),
        [r#"{"brightness":37,"on":true}"#]
    );
    w.advance(5_000);
    assert_eq!(
        w.pages[0].texts(lights::TOPIC).last().unwrap(),
        r#"{"brightness":37,"on":true}"#
    );
}

#[test]
fn two_tabs_share_one_sandbox() {
    let mut w = World::new();
    w.pages.push(Page::new(1, 1, "tab-a"));
    w.pages.push(Page::new(2, 1, "tab-b"));
    w.open(0);
    w.open(1);
    assert_eq!(w.sandbox.page_connections(), 2);
    w.publish(0, Message::new("notes/a", "from tab a").retained());
    w.subscribe(1, "notes/#");
    assert_eq!(w.pages[1].texts("notes/a"), ["from tab a"]);
}

#[test]
fn closing_a_socket_or_a_port_ends_its_connections_only() {
    let mut w = World::new();
    w.pages.push(Page::new(1, 1, "a1"));
    w.pages.push(Page::new(1, 2, "a2"));
    w.pages.push(Page::new(2, 1, "b1"));
    (0..3).for_each(|k| w.open(k));
    assert_eq!(w.sandbox.broker().clients().len(), 6);
    w.sandbox.close(PortId(1), 2, w.now);
    assert_eq!(w.sandbox.page_connections(), 2);
    w.sandbox.port_gone(PortId(1), w.now);
    assert_eq!(w.sandbox.page_connections(), 1);
    assert_eq!(w.sandbox.broker().clients().len(), 4);
    // The sockets still open on the port that went are told so (1001, going away), for a
    // page back from the back-forward cache; the one its page closed itself is not.
    w.settle();
    assert_eq!(w.pages[0].closed, Some(1001));
    assert_eq!(w.pages[1].closed, None);
    assert_eq!(w.pages[2].closed, None);
    // Unknown sockets and ports are ignored.
    w.sandbox.send(PortId(9), 9, &[0xc0, 0x00], w.now);
    w.sandbox.close(PortId(9), 9, w.now);
    w.sandbox.port_gone(PortId(9), w.now);
    assert_eq!(w.sandbox.page_connections(), 1);
}

#[test]
fn the_broker_closing_a_socket_is_posted_as_close() {
    let mut w = World::new();
    w.pages.push(Page::new(1, 1, "page"));
    w.open(0);
    // A second CONNECT is a protocol error: the broker closes the connection.
    w.sandbox.send(
        PortId(1),
        1,
        &[
            0x10, 0x0d, 0, 4, b'M', b'Q', b'T', b'T', 4, 2, 0, 60, 0, 1, b'a',
        ],
        w.now,
    );
    w.settle();
    assert_eq!(w.pages[0].closed, Some(1000));
    assert_eq!(w.sandbox.page_connections(), 0);
}

#[test]
fn what_is_not_a_sandbox_url_is_refused_and_hostile_bytes_only_close() {
    let mut w = World::new();
    w.sandbox
        .open(PortId(1), 1, "ws://127.0.0.1:9001", &[], w.now);
    let refused = w.sandbox.poll_page();
    assert!(matches!(
        refused,
        Some((
            _,
            ToPage::Close {
                code: 1013,
                was_open: false,
                ..
            }
        ))
    ));
    for (k, garbage) in [
        &[0xffu8, 0xff, 0xff, 0xff, 0xff][..],
        b"\x10\x00",
        b"GET / HTTP/1.1\r\n",
    ]
    .iter()
    .enumerate()
    {
        let id = k as u32 + 10;
        w.sandbox.open(PortId(1), id, "SANDBOX://home", &[], w.now);
        w.sandbox.send(PortId(1), id, garbage, w.now);
    }
    let mut closed = 0;
    while let Some((_, msg)) = w.sandbox.poll_page() {
        closed += matches!(msg, ToPage::Close { .. }) as usize;
    }
    assert_eq!(closed, 3);
    assert_eq!(w.sandbox.broker().clients().len(), 3, "the devices stay");
}

#[test]
fn a_device_whose_session_is_taken_over_comes_back() {
    let mut w = World::new();
    w.pages.push(Page::new(1, 1, "sandbox-lights"));
    w.open(0);
    w.sandbox.close(PortId(1), 1, w.now);
    w.advance(crate::RECONNECT_DELAY.as_millis() as u64 + 10);
    let ids: Vec<String> = w
        .sandbox
        .broker()
        .clients()
        .into_iter()
        .map(|c| c.client_id)
        .collect();
    assert!(ids.contains(&"sandbox-lights".to_owned()), "{ids:?}");
}

#[test]
fn data_batches_hold_at_most_batch_max_messages() {
    let mut w = World::new();
    w.pages.push(Page::new(1, 1, "page"));
    w.open(0);
    w.subscribe(0, "flood/#");
    for k in 0..600 {
        w.pages[0]
            .client
            .publish(w.now, Message::new("flood/x", format!("{k}")))
            .unwrap();
    }
    let mut sizes = Vec::new();
    loop {
        let page = &mut w.pages[0];
        match page.client.poll_output(w.now) {
            Output::Transmit(b) => w.sandbox.send(PortId(1), 1, &b, w.now),
            Output::Timeout(_) => break,
            Output::Event(_) => {}
        }
    }
    while let Some((_, msg)) = w.sandbox.poll_page() {
        if let ToPage::Data { batch, .. } = msg {
            sizes.push(batch.len());
        }
    }
    assert_eq!(sizes.iter().sum::<usize>(), 600);
    assert!(sizes.iter().all(|n| *n <= crate::BATCH_MAX), "{sizes:?}");
}

mod faults;

mod flow {
    use super::*;
    use crate::flow::{MAX_HELD, MAX_IN_FLIGHT, OVERFLOW_CODE};

    const PAYLOAD: usize = 512 * 1024;

    /// Pages 0 (subscribed to `big/#`) and 1 (a publisher) connected.
    fn two_pages() -> World {
        let mut w = World::new();
        w.pages.push(Page::new(1, 1, "slow"));
        w.pages.push(Page::new(2, 1, "publisher"));
        w.open(0);
        w.open(1);
        w.subscribe(0, "big/#");
        w
    }

    fn publish_big(w: &mut World, k: usize) {
        let payload = vec![(k % 251) as u8; PAYLOAD];
        w.publish(1, Message::new("big/x", payload));
    }

    fn firsts(w: &World) -> Vec<u8> {
        w.pages[0].messages.iter().map(|(_, p)| p[0]).collect()
    }

    #[test]
    fn a_page_that_stops_acknowledging_gets_at_most_the_window_then_the_rest_in_order() {
        let mut w = two_pages();
        w.pages[0].acks = false;
        for k in 0..48 {
            publish_big(&mut w, k);
        }
        // 16 MiB of 512 KiB messages: 32 posted (the 32nd crossing the window), the
        // rest held in the worker.
        let posted = MAX_IN_FLIGHT.div_ceil(PAYLOAD);
        assert_eq!(w.pages[0].messages.len(), posted);
        assert!(w.pages[1].messages.is_empty());
        // The page catches up: what was held comes, in order, nothing lost.
        w.pages[0].acks = true;
        w.sandbox.ack(PortId(1), 1, usize::MAX);
        w.settle();
        let expected: Vec<u8> = (0..48).map(|k| k as u8).collect();
        assert_eq!(firsts(&w), expected);
        assert_eq!(w.pages[0].closed, None);
    }

    #[test]
    fn a_sync_is_answered_after_the_data_posted_with_when_the_newest_held_packet_was_sent() {
        let mut w = two_pages();
        w.sandbox.sync(PortId(1), 1);
        w.settle();
        // CONNACK and SUBACK came before.
        assert_eq!(w.pages[0].synced, vec![(None, 2)], "nothing held");
        w.pages[0].acks = false;
        for k in 0..34 {
            publish_big(&mut w, k);
        }
        let later = Instant::from_millis(w.now.as_millis() + 500);
        w.now = later;
        publish_big(&mut w, 34);
        w.sandbox.sync(PortId(1), 1);
        w.settle();
        // 32 posted, 3 held, the newest sent 500 ms later.
        let posted = MAX_IN_FLIGHT.div_ceil(PAYLOAD);
        assert_eq!(w.pages[0].synced[1], (Some(later), 2 + posted));
        w.pages[0].acks = true;
        w.sandbox.ack(PortId(1), 1, usize::MAX);
        w.sandbox.sync(PortId(1), 1);
        w.settle();
        assert_eq!(
            w.pages[0].synced[2],
            (None, 2 + 35),
            "all posted before the answer"
        );
        // A socket that is gone is not answered (its close was posted).
        w.sandbox.sync(PortId(1), 99);
        w.settle();
        assert_eq!(w.pages[0].synced.len(), 3);
    }

    #[test]
    fn a_page_too_far_behind_is_closed_with_4000_and_the_others_go_on() {
        let mut w = two_pages();
        w.pages[0].acks = false;
        let limit = (MAX_IN_FLIGHT + MAX_HELD) / PAYLOAD;
        for k in 0..limit + 2 {
            publish_big(&mut w, k);
        }
        assert_eq!(w.pages[0].closed, Some(OVERFLOW_CODE));
        assert_eq!(w.sandbox.page_connections(), 1);
        assert!(w.sandbox.conn_of(PortId(1), 1).is_none());
        // The broker saw the connection end; the publisher is still connected and heard.
        w.subscribe(1, "after/#");
        w.publish(1, Message::new("after/x", "still here"));
        assert_eq!(w.pages[1].texts("after/x"), vec!["still here"]);
        assert!(w
            .sandbox
            .broker()
            .clients()
            .iter()
            .all(|c| c.client_id != "slow"));
    }
}
