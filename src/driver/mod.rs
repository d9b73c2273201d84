//! The browser driver: runs the sans-IO [`Client`] over a WebSocket.
//!
//! A [`Link`] owns one connection: the client state machine, the current socket, one
//! [`Timer`] and a map of WebSocket frame boundaries. Every input (socket open, bytes,
//! close, timer) and every command (publish, subscribe, ...) is followed by draining
//! `poll_output` until it yields the next deadline, which re-arms the timer. Each
//! received buffer goes to the core as it arrives; nothing passes through a "latest
//! message" signal.
//!
//! What the core gives to send while the link handles one input waits in an outbox and
//! goes out as one WebSocket message once that input is handled. A batch the socket worker
//! relays is one input ([`SocketEvent::Data`]), so a batch of QoS 1 messages, each in a
//! WebSocket message of its own, is acknowledged with its PUBACKs together rather than a
//! message per PUBACK. MQTT allows several packets in one WebSocket message
//! [MQTT-6.0.0-2]. The outbox goes out at once past [`OUTBOX_BYTES`], and before the
//! socket is closed on purpose (a DISCONNECT goes before the close); what waits for a
//! socket that died dies with it.
//!
//! A socket in a worker holds what the page has not caught up with (its flow control),
//! a PINGRESP included. So when the timer fires for such a socket, the link first asks the
//! worker what it holds ([`Socket::sync`]) and hands the deadline to the core with the
//! answer, which comes after every message posted before it: bytes that arrived after the
//! PINGREQ show the server is there ([`Client::handle_withheld`]), so a page that is
//! behind does not end a live connection for its keep-alive.
//!
//! What happens is told to the application through [`Report`]s, delivered after the
//! link's own state is released, so a report handler may call the link again.

use std::cell::RefCell;
use std::rc::{Rc, Weak};

use mqttscope_proto::client::{
    Authenticator, Client, ClientError, ClientOptions, Direction, Event, Message, Output,
    PacketRecord, PublishHandle, RequestHandle, State,
};
use mqttscope_proto::codec::{
    ReasonCode, SubscribeProperties, Subscription, UnsubscribeProperties,
};

use crate::clock;
use crate::model::frames::FrameMap;

pub mod event;
pub mod probe;
pub mod relay;
pub mod socket;
pub mod timer;
pub mod worker;

use event::SocketEvent;
use socket::{Socket, SUBPROTOCOL};
use timer::Timer;

/// What a [`Link`] tells the application.
#[derive(Debug)]
pub enum Report {
    /// The WebSocket handshake started (first connection or a reconnect).
    Opening {
        /// 1 for the first try, then counting reconnects.
        attempt: u32,
    },
    /// A packet was sent or received.
    Packet {
        /// The packet, its bytes and direction.
        record: PacketRecord,
        /// When, on the wall clock (ms since the Unix epoch).
        wall_ms: f64,
        /// Offsets inside the packet where a WebSocket frame ended (received packets).
        frame_ends: Vec<usize>,
    },
    /// Bytes that did not decode (the last WebSocket frame received), and why.
    Malformed {
        /// The frame's bytes.
        bytes: Vec<u8>,
        /// When, on the wall clock.
        wall_ms: f64,
    },
    /// Any other event of the client.
    Event(Event),
    /// The WebSocket handshake failed before it opened (the browser says no more than
    /// that: the doctor runs its probes next).
    HandshakeFailed {
        /// Milliseconds from the start of the handshake to its failure.
        elapsed_ms: f64,
    },
    /// The socket opened but the server did not choose the `mqtt` subprotocol.
    SubprotocolRefused {
        /// What it chose instead ("" for none).
        chosen: String,
    },
    /// The socket closed with a code other than the usual ones.
    SocketClosed {
        /// The close code.
        code: u16,
        /// The close reason.
        reason: String,
    },
    /// The server sent a text frame [MQTT-6.0.0-1]; the connection was closed.
    TextFrame,
}

/// Bytes waiting in the outbox that are sent at once rather than once the input is handled.
const OUTBOX_BYTES: usize = 64 << 10;

/// One connection to a broker over WebSocket. Cloning gives another handle to the same
/// connection; dropping the last handle closes it.
#[derive(Clone)]
pub struct Link {
    inner: Rc<RefCell<Inner>>,
}

/// The link's state, behind the handle.
struct Inner {
    client: Client,
    url: String,
    socket: Option<Socket>,
    /// What the core gave to send, for the socket, once the current input is handled.
    outbox: Vec<u8>,
    /// Counts sockets, so that events of a replaced socket are ignored.
    generation: u32,
    timer: Option<Timer>,
    /// The deadline the timer is armed for (core milliseconds), if any.
    armed: Option<u64>,
    /// The socket (by generation) asked what it holds: the fired deadline waits for the
    /// answer.
    syncing: Option<u32>,
    frames: FrameMap,
    last_frame: Vec<u8>,
    attempts: u32,
    reports: Vec<Report>,
    sink: Rc<dyn Fn(Report)>,
    weak: Weak<RefCell<Inner>>,
}

impl Link {
    /// Starts connecting to `url` with `opts` (and `auth` for enhanced authentication);
    /// `sink` receives every report.
    pub fn open(
        url: &str,
        opts: ClientOptions,
        auth: Option<Box<dyn Authenticator>>,
        sink: impl Fn(Report) + 'static,
    ) -> Link {
        let mut client = Client::new(opts, clock::now());
        if let Some(a) = auth {
            client.set_authenticator(a);
        }
        Link::resume(url, client, sink)
    }

    /// Starts connecting to `url` with `client`, which may hold a session from an
    /// earlier link (see [`Link::take_client`]).
    pub fn resume(url: &str, client: Client, sink: impl Fn(Report) + 'static) -> Link {
        let inner = Rc::new_cyclic(|weak: &Weak<RefCell<Inner>>| {
            RefCell::new(Inner {
                client,
                url: url.to_owned(),
                socket: None,
                outbox: Vec::new(),
                generation: 0,
                timer: None,
                armed: None,
                syncing: None,
                frames: FrameMap::default(),
                last_frame: Vec::new(),
                attempts: 0,
                reports: Vec::new(),
                sink: Rc::new(sink),
                weak: weak.clone(),
            })
        });
        let link = Link { inner };
        link.with(|i| {
            let weak = i.weak.clone();
            i.timer = Some(Timer::new(move || on_timer(&weak)));
            i.open_socket();
        });
        link
    }

    /// The client's state.
    pub fn state(&self) -> State {
        self.inner.borrow().client.state()
    }

    /// The URL this link connects to.
    pub fn url(&self) -> String {
        self.inner.borrow().url.clone()
    }

    /// Read access to the client (limits, version, queue lengths).
    pub fn with_client<T>(&self, f: impl FnOnce(&Client) -> T) -> T {
        f(&self.inner.borrow().client)
    }

    /// Publishes `msg` (see [`Client::publish`]).
    pub fn publish(&self, msg: Message) -> Result<PublishHandle, ClientError> {
        self.command(|c| c.publish(clock::now(), msg))
    }

    /// Subscribes (see [`Client::subscribe`]).
    pub fn subscribe(
        &self,
        subscriptions: Vec<Subscription<'static>>,
        properties: SubscribeProperties<'static>,
    ) -> Result<RequestHandle, ClientError> {
        self.command(|c| c.subscribe(clock::now(), subscriptions, properties))
    }

    /// Unsubscribes (see [`Client::unsubscribe`]).
    pub fn unsubscribe(&self, filters: Vec<String>) -> Result<RequestHandle, ClientError> {
        let props = UnsubscribeProperties::default();
        self.command(|c| c.unsubscribe(clock::now(), filters, props))
    }

    /// Forgets `filters` while not connected (see [`Client::forget_subscriptions`]).
    pub fn forget_subscriptions(&self, filters: Vec<String>) {
        self.command(|c| c.forget_subscriptions(filters));
    }

    /// Ends the connection: DISCONNECT when connected, and no more reconnects.
    pub fn close(&self) {
        self.with(|i| {
            if i.client.state() == State::Connected {
                let _ = i.client.disconnect(clock::now(), ReasonCode::Success);
                i.pump();
            }
            i.flush();
            i.generation = i.generation.wrapping_add(1);
            i.socket = None;
            i.armed = None;
            if let Some(t) = &i.timer {
                t.cancel();
            }
        });
    }

    /// After [`Link::close`]: the client, with its session (in-flight and queued QoS 1/2
    /// messages), for a later [`Link::resume`]. The link is left with a blank client.
    pub fn take_client(&self) -> Client {
        let blank = Client::new(ClientOptions::default(), clock::now());
        self.with(|i| std::mem::replace(&mut i.client, blank))
    }

    /// Runs a client command and drains its output.
    fn command<T>(&self, f: impl FnOnce(&mut Client) -> T) -> T {
        self.with(|i| {
            let out = f(&mut i.client);
            i.pump();
            out
        })
    }

    /// Runs `f` on the state, then delivers the reports it produced.
    fn with<T>(&self, f: impl FnOnce(&mut Inner) -> T) -> T {
        with_inner(&self.inner, f)
    }
}

/// Runs `f` on the state, sends what it gave to send, then delivers the reports it
/// produced, outside the borrow.
fn with_inner<T>(cell: &RefCell<Inner>, f: impl FnOnce(&mut Inner) -> T) -> T {
    let out = f(&mut cell.borrow_mut());
    finish_input(cell);
    out
}

/// What follows every input, apart from the generic [`with_inner`] (one copy, not one per
/// caller): the outbox sent, then the reports delivered outside the borrow.
fn finish_input(cell: &RefCell<Inner>) {
    let (reports, sink) = {
        let mut inner = cell.borrow_mut();
        inner.flush();
        (std::mem::take(&mut inner.reports), Rc::clone(&inner.sink))
    };
    for report in reports {
        sink(report);
    }
}

/// The timer fired: the deadline goes to the core, once a worker's socket has said what
/// it holds.
fn on_timer(weak: &Weak<RefCell<Inner>>) {
    if let Some(cell) = weak.upgrade() {
        with_inner(&cell, |i| {
            i.armed = None;
            if !i.sync_socket() {
                i.handle_deadline(None);
            }
        });
    }
}

/// The socket of `generation` reported `event`.
fn on_socket(weak: &Weak<RefCell<Inner>>, generation: u32, event: SocketEvent) {
    if let Some(cell) = weak.upgrade() {
        with_inner(&cell, |i| {
            if i.generation == generation {
                i.on_socket(event);
            }
        });
    }
}

impl Inner {
    /// Opens a new socket to the link's URL; a refusal counts as a closed transport.
    fn open_socket(&mut self) {
        self.generation = self.generation.wrapping_add(1);
        self.attempts += 1;
        self.frames.reset();
        // What waited for the last socket is not for this one: the core sends again what
        // its session needs once reconnected.
        self.outbox.clear();
        self.reports.push(Report::Opening {
            attempt: self.attempts,
        });
        let (weak, generation) = (self.weak.clone(), self.generation);
        let opened = Socket::open(&self.url, &[SUBPROTOCOL], move |e| {
            on_socket(&weak, generation, e);
        });
        match opened {
            Ok(socket) => self.socket = Some(socket),
            Err(_) => self.transport_lost(false, 0.0),
        }
    }

    fn on_socket(&mut self, event: SocketEvent) {
        match event {
            SocketEvent::Open { protocol } if protocol == SUBPROTOCOL => {
                if self.client.connect(clock::now()).is_ok() {
                    self.pump();
                }
            }
            SocketEvent::Open { protocol } => {
                self.reports
                    .push(Report::SubprotocolRefused { chosen: protocol });
                self.socket = None;
                self.transport_lost(true, 0.0);
            }
            SocketEvent::Data(bytes) => self.on_data(bytes),
            SocketEvent::Synced { held_at_ms } => {
                self.syncing = None;
                self.handle_deadline(held_at_ms);
            }
            SocketEvent::Text => {
                self.reports.push(Report::TextFrame);
                self.socket = None;
                self.transport_lost(true, 0.0);
            }
            SocketEvent::Closed {
                code,
                reason,
                was_open,
                elapsed_ms,
            } => {
                if !matches!(code, 1000 | 1005 | 1006) {
                    self.reports.push(Report::SocketClosed { code, reason });
                }
                self.socket = None;
                self.transport_lost(was_open, elapsed_ms);
            }
        }
    }

    /// Asks the socket what it holds, unless it was asked already; false when there is
    /// no one to ask (no socket, or one on the page).
    fn sync_socket(&mut self) -> bool {
        if self.is_syncing() {
            return true;
        }
        let asked = self.socket.as_ref().is_some_and(Socket::sync);
        if asked {
            self.syncing = Some(self.generation);
        }
        asked
    }

    /// Whether the current socket was asked what it holds and has not answered.
    fn is_syncing(&self) -> bool {
        self.socket.is_some() && self.syncing == Some(self.generation)
    }

    /// The deadline the timer fired for goes to the core, after the bytes a worker holds
    /// (that arrived at `held_at_ms`, if any) have answered for the keep-alive.
    fn handle_deadline(&mut self, held_at_ms: Option<f64>) {
        let now = clock::now();
        if let Some(at) = held_at_ms {
            self.client.handle_withheld(clock::instant(at).min(now));
        }
        self.client.handle_timeout(now);
        self.pump();
    }

    /// A batch of WebSocket messages, each handed to the core whole and in order.
    fn on_data(&mut self, batch: Vec<Vec<u8>>) {
        for bytes in batch {
            self.frames.push_frame(bytes.len());
            self.client.handle_bytes(clock::now(), &bytes);
            self.last_frame = bytes;
            self.pump();
        }
    }

    /// The transport is gone (or never came): tell the client, which may schedule a
    /// reconnect. A first handshake that failed is reported for the doctor.
    fn transport_lost(&mut self, was_open: bool, elapsed_ms: f64) {
        let never_connected = self.client.state() == State::Idle;
        if never_connected && !was_open {
            self.reports.push(Report::HandshakeFailed { elapsed_ms });
        }
        self.client.handle_closed(clock::now());
        self.pump();
    }

    /// Drains the client's output: sends, reports, and re-arms the timer.
    fn pump(&mut self) {
        let now = clock::now();
        loop {
            match self.client.poll_output(now) {
                Output::Transmit(bytes) => self.transmit(&bytes),
                Output::Event(event) => self.on_event(event),
                Output::Timeout(at) => {
                    self.arm(at.as_millis());
                    return;
                }
            }
        }
    }

    /// Queues `bytes` for the socket, to go out with the rest of the input's.
    fn transmit(&mut self, bytes: &[u8]) {
        if self.socket.is_none() {
            return;
        }
        if self.outbox.is_empty() && bytes.len() >= OUTBOX_BYTES {
            // A big packet alone goes as it is, not copied into the outbox first.
            self.send_now(bytes);
            return;
        }
        self.outbox.extend_from_slice(bytes);
        if self.outbox.len() >= OUTBOX_BYTES {
            self.send_outbox();
        }
    }

    /// Sends the outbox now, and drains what the core makes of a socket that would not
    /// take it.
    fn flush(&mut self) {
        if self.send_outbox() {
            self.pump();
        }
    }

    /// Sends the outbox as one message; true when the socket would not take it.
    fn send_outbox(&mut self) -> bool {
        if self.outbox.is_empty() {
            return false;
        }
        let bytes = std::mem::take(&mut self.outbox);
        self.send_now(&bytes)
    }

    /// Sends `bytes` as one message; true when the socket would not take them (it is
    /// closing: its close event follows and ends the connection), which the core is told.
    fn send_now(&mut self, bytes: &[u8]) -> bool {
        if self.socket.as_ref().is_none_or(|s| s.send(bytes)) {
            return false;
        }
        self.socket = None;
        self.client.handle_closed(clock::now());
        true
    }

    fn on_event(&mut self, event: Event) {
        match event {
            Event::Packet(record) => self.on_packet(record),
            Event::Reconnect => self.open_socket(),
            Event::Disconnected(cause) => {
                if let mqttscope_proto::client::DisconnectCause::Protocol(e) = &cause {
                    if e.decode.is_some() {
                        self.reports.push(Report::Malformed {
                            bytes: std::mem::take(&mut self.last_frame),
                            wall_ms: clock::wall_ms(),
                        });
                    }
                }
                // The client's DISCONNECT, if it sent one, goes before the close.
                self.send_outbox();
                self.socket = None;
                self.reports.push(Report::Event(Event::Disconnected(cause)));
            }
            other => self.reports.push(Report::Event(other)),
        }
    }

    fn on_packet(&mut self, record: PacketRecord) {
        let frame_ends = match record.direction {
            Direction::Received => self.frames.take_packet(record.bytes.len()),
            Direction::Sent => Vec::new(),
        };
        self.reports.push(Report::Packet {
            record,
            wall_ms: clock::wall_ms(),
            frame_ends,
        });
    }

    /// Re-arms the one timer to the client's deadline (`u64::MAX`: none).
    ///
    /// A later deadline than the one armed keeps the armed time: the timer then fires
    /// early, `handle_timeout` finds nothing due, and the pump re-arms. Every received
    /// packet moves the keep-alive deadline, so re-arming each time would post a message
    /// to the timer worker per packet, which was the largest cost under a flood.
    fn arm(&mut self, at_ms: u64) {
        // The fired deadline waits for the socket's answer, which re-arms.
        if self.is_syncing() {
            return;
        }
        let Some(timer) = &self.timer else { return };
        if at_ms == u64::MAX {
            if self.armed.take().is_some() {
                timer.cancel();
            }
            return;
        }
        if self.armed.is_some_and(|armed| armed <= at_ms) {
            return;
        }
        self.armed = Some(at_ms);
        let delay = at_ms as f64 - clock::monotonic_ms();
        timer.arm(delay.max(0.0));
    }
}
