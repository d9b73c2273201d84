//! The sandbox: one [`Broker`], the devices on it, and the pages' sockets, in the
//! same sans-IO shape as the broker (inputs take `now`; the worker drains
//! [`Sandbox::poll_page`] and arms one timer at [`Sandbox::deadline`]).
//!
//! Every tab talks to the worker through its own port ([`PortId`]) and numbers its
//! sockets itself; the sandbox maps each (port, socket) to a broker connection. The
//! messages follow `socket-worker.js`'s protocol, so the page's relay treats a sandbox
//! connection as one more WebSocket.

use std::collections::{HashMap, VecDeque};

use mqttscope_broker::{Broker, BrokerOptions, ConnId, Output};
use mqttscope_proto::client::Instant;

use crate::devices::{self, Device};
use crate::link::DeviceLink;

/// One page (tab) connected to the worker.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PortId(pub u32);

/// The most messages one data batch carries (as in `socket-worker.js`).
pub const BATCH_MAX: usize = 256;
/// Rounds of broker and device output handled per input before the rest waits for the
/// next timer: a loop between devices cannot hang the worker.
const MAX_ROUNDS: usize = 64;

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
}

/// Who is on the other side of a broker connection.
#[derive(Debug, Clone, Copy)]
enum Peer {
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
    broker: Broker,
    peers: HashMap<ConnId, Peer>,
    sockets: HashMap<(PortId, u32), ConnId>,
    devices: Vec<DeviceLink>,
    next_conn: u64,
    outbox: VecDeque<(PortId, ToPage)>,
    broker_deadline: Instant,
}

/// Whether `url` names the sandbox (`sandbox://home`, any host; the scheme in any case).
pub fn is_sandbox_url(url: &str) -> bool {
    url.trim()
        .get(..10)
        .is_some_and(|s| s.eq_ignore_ascii_case("sandbox://"))
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
        self.peers.insert(
            conn,
            Peer::Page {
                port,
                id,
                opened: now,
            },
        );
        self.sockets.insert((port, id), conn);
        let protocol = match protocols.iter().any(|p| p == "mqtt") {
            true => "mqtt".to_owned(),
            false => String::new(),
        };
        self.outbox.push_back((port, ToPage::Open { id, protocol }));
        self.pump(now);
    }

    /// Page `port` sends one message on socket `id` (ignored when it is not open).
    pub fn send(&mut self, port: PortId, id: u32, bytes: &[u8], now: Instant) {
        if let Some(&conn) = self.sockets.get(&(port, id)) {
            self.broker.handle_bytes(conn, now, bytes);
            self.pump(now);
        }
    }

    /// Page `port` closes socket `id`: to the broker, the transport closed.
    pub fn close(&mut self, port: PortId, id: u32, now: Instant) {
        if let Some(conn) = self.sockets.remove(&(port, id)) {
            self.peers.remove(&conn);
            self.broker.handle_closed(conn, now);
            self.pump(now);
        }
    }

    /// Page `port` is gone (its tab closed): all its sockets close.
    pub fn port_gone(&mut self, port: PortId, now: Instant) {
        let mut ids: Vec<u32> = self
            .sockets
            .keys()
            .filter(|(p, _)| *p == port)
            .map(|(_, id)| *id)
            .collect();
        ids.sort_unstable();
        for id in ids {
            self.close(port, id, now);
        }
        self.outbox.retain(|(p, _)| *p != port);
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
        self.pump(now);
    }

    /// The next message for a page, in order.
    pub fn poll_page(&mut self) -> Option<(PortId, ToPage)> {
        self.outbox.pop_front()
    }

    /// When to call [`Sandbox::handle_timeout`] next.
    pub fn deadline(&self) -> Instant {
        self.devices
            .iter()
            .map(DeviceLink::deadline)
            .fold(self.broker_deadline, Instant::min)
    }

    fn new_conn(&mut self) -> ConnId {
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

    /// Moves packets between the broker and the devices until both are quiet.
    fn pump(&mut self, now: Instant) {
        for _ in 0..MAX_ROUNDS {
            let mut busy = self.drain_broker(now);
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

    /// Carries out the broker's output; true when a device got something to handle.
    fn drain_broker(&mut self, now: Instant) -> bool {
        let mut devices_busy = false;
        loop {
            match self.broker.poll_output(now) {
                Output::Transmit { conn, bytes } => match self.peers.get(&conn) {
                    Some(Peer::Page { port, id, .. }) => self.push_data(*port, *id, bytes),
                    Some(Peer::Device(k)) => {
                        self.devices[*k].receive(now, &bytes);
                        devices_busy = true;
                    }
                    None => {}
                },
                Output::Close(conn) => devices_busy |= self.closed_by_broker(conn, now),
                Output::Event(_) => {}
                Output::Timeout(at) => {
                    self.broker_deadline = at;
                    return devices_busy;
                }
            }
        }
    }

    /// The broker closed `conn`; true when it was a device's.
    fn closed_by_broker(&mut self, conn: ConnId, now: Instant) -> bool {
        match self.peers.remove(&conn) {
            Some(Peer::Page { port, id, opened }) => {
                self.sockets.remove(&(port, id));
                let close = ToPage::Close {
                    id,
                    code: 1000,
                    reason: String::new(),
                    was_open: true,
                    elapsed_ms: now.as_millis().saturating_sub(opened.as_millis()),
                };
                self.outbox.push_back((port, close));
                false
            }
            Some(Peer::Device(k)) => {
                self.devices[k].closed(now);
                true
            }
            None => false,
        }
    }

    /// Gives device `k`'s packets to the broker; true when there were any.
    fn drain_device(&mut self, k: usize, now: Instant) -> bool {
        let Some(conn) = self.devices[k].conn() else {
            let _ = self.devices[k].drain(now);
            return false;
        };
        let out = self.devices[k].drain(now);
        let busy = !out.transmits.is_empty() || out.closed;
        for bytes in &out.transmits {
            self.broker.handle_bytes(conn, now, bytes);
        }
        if out.closed {
            self.peers.remove(&conn);
            self.broker.handle_closed(conn, now);
        }
        busy
    }

    /// Appends a packet to the socket's last data batch, or starts one.
    fn push_data(&mut self, port: PortId, id: u32, bytes: Vec<u8>) {
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
