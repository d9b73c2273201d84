//! The sandbox: one [`Broker`], the devices on it, and the pages' sockets, in the
//! same sans-IO shape as the broker (inputs take `now`; the worker drains
//! [`Sandbox::poll_page`] and arms one timer at [`Sandbox::deadline`]).
//!
//! Every tab talks to the worker through its own port ([`PortId`]) and numbers its
//! sockets itself; the sandbox maps each (port, socket) to a broker connection. The
//! messages follow `socket-worker.js`'s protocol, so the page's relay treats a sandbox
//! connection as one more WebSocket.
//!
//! Every packet between the broker and a client crosses the [`Gate`], where the faults
//! live (`faults.rs` carries out the pane's commands); what the pane watches is
//! gathered in `watch.rs`.

use std::collections::{HashMap, VecDeque};

use mqttscope_broker::{Broker, BrokerOptions, ConnId, Output, RetainedInfo};
use mqttscope_proto::client::Instant;

use crate::devices::{self, Device};
use crate::flow::{Offer, PageFlow, OVERFLOW_CODE};
use crate::gate::{Cargo, Gate, Way};
use crate::link::DeviceLink;
use crate::watch::Watch;

/// One page (tab) connected to the worker.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PortId(pub u32);

/// The most messages one data batch carries (as in `socket-worker.js`).
pub const BATCH_MAX: usize = 256;
/// Rounds of broker and device output handled per input before the rest waits for the
/// next timer: a loop between devices cannot hang the worker.
const MAX_ROUNDS: usize = 64;

/// The close reason of the sockets of a page that went away.
const PAGE_GONE: &str = "the page went away: the sandbox ended its connections";

/// What the worker posts to a page (`socket-worker.js`'s worker-to-page messages).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ToPage {
    /// `[id, "open", protocol]`: the "handshake" is done.
    Open {
        /// The page's socket id.
        id: u32,
        /// The subprotocol chosen: `mqtt` when the page asked for it.
        protocol: String,
    },
    /// `[id, "data", [ArrayBuffer, ...]]`: packets in order, one per message.
    Data {
        /// The page's socket id.
        id: u32,
        /// The packets.
        batch: Vec<Vec<u8>>,
    },
    /// `[id, "close", code, reason, wasOpen, ms]`: the connection is over.
    Close {
        /// The page's socket id.
        id: u32,
        /// A WebSocket close code.
        code: u16,
        /// Why, in words ("" when the broker just closed it).
        reason: String,
        /// Whether it had opened.
        was_open: bool,
        /// Milliseconds since it was opened.
        elapsed_ms: u64,
    },
    /// `[id, "synced", heldAt | null]`: the answer to `["sync", id]`, after every data
    /// batch posted before it: when the newest packet still held for the page was sent.
    Synced {
        /// The page's socket id.
        id: u32,
        /// When the newest held packet was sent, on the worker's clock (`None`: nothing
        /// is held).
        held_at: Option<Instant>,
    },
    /// `["monitor", json]`: a [`crate::monitor::Update`] for a watching pane.
    Monitor {
        /// The update as JSON.
        json: String,
    },
    /// `["monitor-packets", [conn, sent, at_ms, ArrayBuffer, ...]]`: packets the broker
    /// received and sent, for a watching pane.
    Packets {
        /// The packets, in order.
        batch: Vec<PacketRecord>,
    },
}

/// A packet the broker received or sent, as a watching pane gets it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PacketRecord {
    /// The broker connection.
    pub conn: u64,
    /// Sent by the broker (else received).
    pub sent: bool,
    /// When, milliseconds on the worker's clock.
    pub at_ms: u64,
    /// The exact bytes.
    pub bytes: Vec<u8>,
}

/// Who is on the other side of a broker connection.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Peer {
    /// A page's socket.
    Page {
        port: PortId,
        id: u32,
        opened: Instant,
    },
    /// Device number `k`.
    Device(usize),
}

/// The sandbox broker with its devices and the pages' connections.
pub struct Sandbox {
    pub(crate) broker: Broker,
    pub(crate) peers: HashMap<ConnId, Peer>,
    pub(crate) sockets: HashMap<(PortId, u32), PageSocket>,
    pub(crate) devices: Vec<DeviceLink>,
    pub(crate) gate: Gate,
    pub(crate) watch: Watch,
    /// Retained messages cleared from the pane, for its undo, most recent last.
    pub(crate) cleared: Vec<RetainedInfo>,
    next_conn: u64,
    pub(crate) outbox: VecDeque<(PortId, ToPage)>,
    broker_deadline: Instant,
}

/// The scheme of the sandbox's URLs (`sandbox://home`).
pub const SANDBOX_SCHEME: &str = "sandbox://";

/// Whether `url` names the sandbox (`sandbox://home`, any host; the scheme in any case,
/// after any leading whitespace).
pub fn is_sandbox_url(url: &str) -> bool {
    url.trim_start()
        .get(..SANDBOX_SCHEME.len())
        .is_some_and(|s| s.eq_ignore_ascii_case(SANDBOX_SCHEME))
}

impl Sandbox {
    /// The home sandbox: its devices (values drawn from `seed`) connect at once.
    pub fn new(seed: u64, now: Instant) -> Self {
        Sandbox::with_devices(devices::home(seed), now)
    }

    /// A sandbox with these devices.
    pub fn with_devices(devices: Vec<Box<dyn Device>>, now: Instant) -> Self {
        let mut sandbox = Sandbox {
            broker: Broker::new(BrokerOptions::default(), now),
            peers: HashMap::new(),
            sockets: HashMap::new(),
            devices: devices
                .into_iter()
                .map(|d| DeviceLink::new(d, now))
                .collect(),
            gate: Gate::default(),
            watch: Watch::default(),
            cleared: Vec::new(),
            next_conn: 1,
            outbox: VecDeque::new(),
            broker_deadline: now,
        };
        sandbox.handle_timeout(now);
        sandbox
    }

    /// The broker, for its getters (clients, sessions, retained messages).
    pub fn broker(&self) -> &Broker {
        &self.broker
    }

    /// The page's socket connections open now.
    pub fn page_connections(&self) -> usize {
        self.sockets.len()
    }

    /// The broker connection of page `port`'s socket `id`, if it is open.
    pub fn conn_of(&self, port: PortId, id: u32) -> Option<ConnId> {
        self.sockets.get(&(port, id)).map(|s| s.conn)
    }

    /// Page `port` opens socket `id` to `url` asking for `protocols`.
    pub fn open(&mut self, port: PortId, id: u32, url: &str, protocols: &[String], now: Instant) {
        if self.sockets.contains_key(&(port, id)) {
            return;
        }
        if !is_sandbox_url(url) {
            return self.refuse(port, id, "not a sandbox:// URL");
        }
        let conn = self.new_conn();
        if self.broker.accept(conn, now).is_err() {
            return self.refuse(port, id, "the sandbox broker has too many connections");
        }
        let opened = now;
        self.peers.insert(conn, Peer::Page { port, id, opened });
        self.sockets.insert((port, id), PageSocket::new(conn));
        let protocol = match protocols.iter().any(|p| p == "mqtt") {
            true => "mqtt".to_owned(),
            false => String::new(),
        };
        self.outbox.push_back((port, ToPage::Open { id, protocol }));
        self.finish(now);
    }

    /// Page `port` sends one message on socket `id` (ignored when it is not open).
    pub fn send(&mut self, port: PortId, id: u32, bytes: &[u8], now: Instant) {
        if let Some(conn) = self.conn_of(port, id) {
            self.forward(conn, Way::ToBroker, Cargo::Packet(bytes.to_vec()), now);
            self.finish(now);
        }
    }

    /// Page `port` closes socket `id`: to the broker, the transport closed (after what
    /// the page sent before, which a fault may still hold).
    pub fn close(&mut self, port: PortId, id: u32, now: Instant) {
        if let Some(PageSocket { conn, .. }) = self.sockets.remove(&(port, id)) {
            if self.gate.forget_to_client(conn) {
                // The broker had closed it already; a fault held that back.
                self.gate.forget(conn);
                self.peers.remove(&conn);
            } else {
                self.forward(conn, Way::ToBroker, Cargo::Close, now);
            }
            self.finish(now);
        }
    }

    /// Page `port` is gone (its tab closed, or went into the back-forward cache): all its
    /// sockets close, and it no longer watches. What it was still to receive is dropped,
    /// but for a close of each socket (1001): a port of a page in the back-forward cache
    /// gets it when the page comes back, and its client reconnects at once instead of
    /// waiting for a keep-alive to go unanswered.
    pub fn port_gone(&mut self, port: PortId, now: Instant) {
        self.outbox.retain(|(p, _)| *p != port);
        let mut ids: Vec<u32> = self
            .sockets
            .keys()
            .filter(|(p, _)| *p == port)
            .map(|(_, id)| *id)
            .collect();
        ids.sort_unstable();
        for id in ids {
            let conn = self.conn_of(port, id);
            let opened = match conn.and_then(|c| self.peers.get(&c)) {
                Some(Peer::Page { opened, .. }) => Some(*opened),
                _ => None,
            };
            self.close(port, id, now);
            if let Some(opened) = opened {
                self.post_close(port, id, opened, 1001, PAGE_GONE.to_owned(), now);
            }
        }
        self.watch.unwatch(port);
    }

    /// The timer fired (early or spurious calls are harmless).
    pub fn handle_timeout(&mut self, now: Instant) {
        if self.broker_deadline <= now {
            self.broker.handle_timeout(now);
        }
        for k in 0..self.devices.len() {
            if self.devices[k].wants_connection(now) {
                self.connect_device(k, now);
            }
            self.devices[k].handle_timeout(now);
        }
        self.finish(now);
    }

    /// The next message for a page, in order.
    pub fn poll_page(&mut self) -> Option<(PortId, ToPage)> {
        self.outbox.pop_front()
    }

    /// When to call [`Sandbox::handle_timeout`] next.
    pub fn deadline(&self) -> Instant {
        let devices = self.devices.iter().map(DeviceLink::deadline);
        let others = [self.gate.deadline(), self.watch.deadline()];
        devices
            .chain(others.into_iter().flatten())
            .fold(self.broker_deadline, Instant::min)
    }

    pub(crate) fn new_conn(&mut self) -> ConnId {
        let conn = ConnId(self.next_conn);
        self.next_conn += 1;
        conn
    }

    fn refuse(&mut self, port: PortId, id: u32, reason: &str) {
        let close = ToPage::Close {
            id,
            code: 1013,
            reason: reason.to_owned(),
            was_open: false,
            elapsed_ms: 0,
        };
        self.outbox.push_back((port, close));
    }

    fn connect_device(&mut self, k: usize, now: Instant) {
        let conn = self.new_conn();
        if self.broker.accept(conn, now).is_ok() {
            self.peers.insert(conn, Peer::Device(k));
            self.devices[k].start(conn, now);
        } else {
            self.devices[k].closed(now);
        }
    }

    /// Moves everything that can move, then tells the watching panes.
    pub(crate) fn finish(&mut self, now: Instant) {
        self.pump(now);
        self.flush_watch(now);
    }

    /// Moves packets between the broker, the gate and the devices until all are quiet.
    fn pump(&mut self, now: Instant) {
        for _ in 0..MAX_ROUNDS {
            let mut busy = self.drain_gate(now);
            busy |= self.drain_broker(now);
            for k in 0..self.devices.len() {
                busy |= self.drain_device(k, now);
            }
            if !busy {
                return;
            }
        }
        // Still busy: the timer comes back at once for the rest.
        self.broker_deadline = now;
    }

    /// Delivers what the gate lets go now; true when anything went.
    fn drain_gate(&mut self, now: Instant) -> bool {
        let mut busy = false;
        while let Some((conn, way, cargo)) = self.gate.release(now) {
            self.deliver(conn, way, cargo, now);
            busy = true;
        }
        busy
    }

    /// Carries out the broker's output; true when anything happened.
    fn drain_broker(&mut self, now: Instant) -> bool {
        let mut busy = false;
        loop {
            match self.broker.poll_output(now) {
                Output::Transmit { conn, bytes } => {
                    self.forward(conn, Way::ToClient, Cargo::Packet(bytes), now);
                }
                Output::Close(conn) => self.forward(conn, Way::ToClient, Cargo::Close, now),
                Output::Event(event) => self.watch_event(event, now),
                Output::Timeout(at) => {
                    self.broker_deadline = at;
                    return busy;
                }
            }
            busy = true;
        }
    }

    /// Gives device `k`'s packets to the gate; true when there were any.
    fn drain_device(&mut self, k: usize, now: Instant) -> bool {
        let Some(conn) = self.devices[k].conn() else {
            let _ = self.devices[k].drain(now);
            return false;
        };
        let out = self.devices[k].drain(now);
        let busy = !out.transmits.is_empty() || out.closed;
        for bytes in out.transmits {
            self.forward(conn, Way::ToBroker, Cargo::Packet(bytes), now);
        }
        if out.closed {
            self.forward(conn, Way::ToBroker, Cargo::Close, now);
        }
        busy
    }

    /// Sends `cargo` `way` on `conn` through the gate: now, later, or (the gate being
    /// full) never, ending the connection.
    fn forward(&mut self, conn: ConnId, way: Way, cargo: Cargo, now: Instant) {
        let Some(peer) = self.peers.get(&conn).copied() else {
            return;
        };
        if way == Way::ToClient && !self.client_present(conn, peer) {
            // Its page closed the socket (or its device reconnected) while a fault held
            // its close back: nothing can reach it, and the broker is done with it.
            if cargo == Cargo::Close {
                self.gate.forget(conn);
                self.peers.remove(&conn);
            }
            return;
        }
        let page = matches!(peer, Peer::Page { .. });
        match self.gate.pass(conn, way, cargo, page, now) {
            Ok(Some(cargo)) => self.deliver(conn, way, cargo, now),
            // In step mode the pane shows the held packet at once: the user waits for it.
            Ok(None) if self.gate.step() => self.watch.now(),
            Ok(None) => self.watch.changed(),
            Err(_) => {
                let reason = "a fault held more than the sandbox keeps for a connection";
                self.drop_conn(conn, 1009, reason, now);
            }
        }
    }

    /// Hands `cargo` to the broker or to `conn`'s client.
    fn deliver(&mut self, conn: ConnId, way: Way, cargo: Cargo, now: Instant) {
        match (way, cargo) {
            (Way::ToBroker, Cargo::Packet(bytes)) => self.broker.handle_bytes(conn, now, &bytes),
            (Way::ToBroker, Cargo::Close) => {
                self.peers.remove(&conn);
                self.gate.forget(conn);
                self.broker.handle_closed(conn, now);
            }
            (Way::ToClient, Cargo::Packet(bytes)) => match self.peers.get(&conn).copied() {
                Some(peer) if !self.client_present(conn, peer) => {}
                Some(Peer::Page { port, id, .. }) => self.push_data(port, id, bytes, now),
                Some(Peer::Device(k)) => self.devices[k].receive(now, &bytes),
                None => {}
            },
            (Way::ToClient, Cargo::Close) => self.closed_by_broker(conn, now),
        }
    }

    /// Whether `conn`'s client is still there to receive: its page's socket is open,
    /// or its device has not moved on to another connection.
    fn client_present(&self, conn: ConnId, peer: Peer) -> bool {
        match peer {
            Peer::Page { port, id, .. } => self.conn_of(port, id) == Some(conn),
            Peer::Device(k) => self.devices[k].conn() == Some(conn),
        }
    }

    /// The broker closed `conn`.
    fn closed_by_broker(&mut self, conn: ConnId, now: Instant) {
        self.gate.forget(conn);
        match self.peers.remove(&conn) {
            Some(Peer::Page { port, id, opened }) if self.conn_of(port, id) == Some(conn) => {
                self.sockets.remove(&(port, id));
                self.post_close(port, id, opened, 1000, String::new(), now);
            }
            Some(Peer::Device(k)) => self.devices[k].closed(now),
            _ => {}
        }
    }

    /// Ends `conn` at once, as a broken network would: its page gets close `code`
    /// (`reason`), a device reconnects later, and the broker sees the transport close.
    pub(crate) fn drop_conn(&mut self, conn: ConnId, code: u16, reason: &str, now: Instant) {
        self.gate.forget(conn);
        match self.peers.remove(&conn) {
            Some(Peer::Page { port, id, opened }) => {
                if self.sockets.remove(&(port, id)).is_some() {
                    self.post_close(port, id, opened, code, reason.to_owned(), now);
                }
            }
            Some(Peer::Device(k)) => self.devices[k].closed(now),
            None => return,
        }
        self.broker.handle_closed(conn, now);
    }

    fn post_close(
        &mut self,
        port: PortId,
        id: u32,
        opened: Instant,
        code: u16,
        reason: String,
        now: Instant,
    ) {
        let close = ToPage::Close {
            id,
            code,
            reason,
            was_open: true,
            elapsed_ms: now.as_millis().saturating_sub(opened.as_millis()),
        };
        self.outbox.push_back((port, close));
    }

    /// Page `port` handled `bytes` of socket `id`'s data: what its flow control held
    /// may go.
    pub fn ack(&mut self, port: PortId, id: u32, bytes: usize) {
        let Some(socket) = self.sockets.get_mut(&(port, id)) else {
            return;
        };
        for packet in socket.flow.ack(bytes) {
            self.post_data(port, id, packet);
        }
    }

    /// Page `port` asks what socket `id` holds for it (before it judges a keep-alive
    /// deadline): answered after the data already posted. A socket that is gone has
    /// posted its close instead.
    pub fn sync(&mut self, port: PortId, id: u32) {
        let Some(socket) = self.sockets.get(&(port, id)) else {
            return;
        };
        let held_at = socket.flow.newest_held();
        self.outbox
            .push_back((port, ToPage::Synced { id, held_at }));
    }

    /// Gives a packet to the socket's flow control: posted now, held for an
    /// acknowledgement, or (the page too far behind) the end of the connection.
    fn push_data(&mut self, port: PortId, id: u32, bytes: Vec<u8>, now: Instant) {
        let Some(socket) = self.sockets.get_mut(&(port, id)) else {
            return;
        };
        match socket.flow.offer(bytes, now) {
            Offer::Post(bytes) => self.post_data(port, id, bytes),
            Offer::Held => {}
            Offer::Overflow(total) => {
                let conn = socket.conn;
                let mib = total / (1024 * 1024);
                let reason = format!("the page fell behind: {mib} MiB sent and not yet handled");
                self.drop_conn(conn, OVERFLOW_CODE, &reason, now);
            }
        }
    }

    /// Appends a packet to the socket's last data batch, or starts one.
    fn post_data(&mut self, port: PortId, id: u32, bytes: Vec<u8>) {
        if let Some((p, ToPage::Data { id: last, batch })) = self.outbox.back_mut() {
            if *p == port && *last == id && batch.len() < BATCH_MAX {
                batch.push(bytes);
                return;
            }
        }
        let batch = vec![bytes];
        self.outbox.push_back((port, ToPage::Data { id, batch }));
    }
}

/// A page's open socket: its broker connection and the flow control towards the page.
#[derive(Debug)]
pub(crate) struct PageSocket {
    pub(crate) conn: ConnId,
    flow: PageFlow,
}

impl PageSocket {
    fn new(conn: ConnId) -> Self {
        PageSocket {
            conn,
            flow: PageFlow::default(),
        }
    }
}
