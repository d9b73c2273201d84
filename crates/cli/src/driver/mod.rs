//! The native driver: runs the sans-IO [`Client`] over a blocking transport.
//!
//! One thread, one timer: the socket's read timeout is set to the client's next deadline,
//! so waiting for bytes and waiting for the timer are the same wait. After every input
//! the driver drains `poll_output`, sending each transmit as one message.

use std::io;
use std::time::{Duration, Instant as StdInstant};

use mqttscope_proto::client::{Client, Event, Instant, Output};

mod tcp;
mod ws;

pub use tcp::TcpTransport;
pub use ws::WsTransport;

/// What a transport read produced.
pub enum Recv {
    /// Bytes arrived (any framing).
    Data(Vec<u8>),
    /// The wait ended with nothing to read.
    Timeout,
    /// The peer closed the connection.
    Closed,
}

/// A byte pipe to the server: TCP, or WebSocket with one MQTT packet per message.
pub trait Transport: Send {
    /// Queues one MQTT packet (one WebSocket message) for the next [`Transport::flush`].
    fn send(&mut self, packet: &[u8]) -> io::Result<()>;
    /// Writes everything queued: one system call for a batch of packets, not one each.
    fn flush(&mut self) -> io::Result<()>;
    /// Waits up to `timeout` for bytes.
    fn recv(&mut self, timeout: Duration) -> io::Result<Recv>;
    /// Closes the connection (best effort).
    fn close(&mut self);
}

/// Opens a transport for `url` (`tcp://host:port`, `mqtt://…`, `ws://host:port/path`).
pub fn open(url: &str) -> io::Result<Box<dyn Transport>> {
    if let Some(rest) = url.strip_prefix("ws://") {
        return Ok(Box::new(WsTransport::connect(rest)?));
    }
    if url.starts_with("wss://") {
        return Err(io::Error::new(
            io::ErrorKind::Unsupported,
            "wss:// is not supported by the native driver yet",
        ));
    }
    let addr = url
        .strip_prefix("tcp://")
        .or_else(|| url.strip_prefix("mqtt://"))
        .unwrap_or(url);
    Ok(Box::new(TcpTransport::connect(addr)?))
}

/// A client, its transport and the clock that feeds it.
pub struct Driver {
    /// The state machine.
    pub client: Client,
    transport: Box<dyn Transport>,
    origin: StdInstant,
    deadline: Instant,
    closed: bool,
}

impl Driver {
    /// A driver for `client` over `transport`; the client's clock starts now.
    pub fn new(client: Client, transport: Box<dyn Transport>, origin: StdInstant) -> Self {
        Driver {
            client,
            transport,
            origin,
            deadline: Instant::from_millis(u64::MAX),
            closed: false,
        }
    }

    /// Milliseconds since the origin, as the client counts time.
    pub fn now(&self) -> Instant {
        Instant::from_millis(u64::try_from(self.origin.elapsed().as_millis()).unwrap_or(u64::MAX))
    }

    /// The transport failed or closed under us.
    fn lost(&mut self) {
        self.transport.close();
        self.closed = true;
        self.client.handle_closed(self.now());
    }

    /// Opens a new transport to `url` and sends CONNECT on it (after the connection ended;
    /// the client's session carries over).
    pub fn reconnect(&mut self, url: &str) -> io::Result<()> {
        self.transport = open(url)?;
        self.closed = false;
        self.client
            .connect(self.now())
            .map_err(|e| io::Error::other(e.to_string()))
    }

    /// Sends what the client has queued and returns its events.
    pub fn flush(&mut self) -> io::Result<Vec<Event>> {
        let mut events = Vec::new();
        loop {
            match self.client.poll_output(self.now()) {
                Output::Transmit(bytes) => {
                    // A failed write means the connection is gone: tell the client, which
                    // reports it and keeps its session for the next connection.
                    if !self.closed && self.transport.send(&bytes).is_err() {
                        self.lost();
                    }
                }
                Output::Event(e) => {
                    if matches!(e, Event::Disconnected(_)) {
                        self.transport.close();
                        self.closed = true;
                    }
                    events.push(e);
                }
                Output::Timeout(at) => {
                    self.deadline = at;
                    if !self.closed && self.transport.flush().is_err() {
                        self.lost();
                        continue;
                    }
                    return Ok(events);
                }
            }
        }
    }

    /// Waits for bytes until the client's next deadline or `limit`, whichever is first,
    /// feeds what came, fires due timers, and returns the resulting events.
    pub fn step(&mut self, limit: Duration) -> io::Result<Vec<Event>> {
        let now = self.now();
        let until_deadline =
            Duration::from_millis(self.deadline.as_millis().saturating_sub(now.as_millis()));
        let wait = until_deadline.min(limit).max(Duration::from_millis(1));
        if !self.closed {
            match self.transport.recv(wait) {
                Ok(Recv::Data(bytes)) => self.client.handle_bytes(self.now(), &bytes),
                Ok(Recv::Timeout) => {}
                Ok(Recv::Closed) | Err(_) => self.lost(),
            }
        } else {
            std::thread::sleep(wait);
        }
        self.client.handle_timeout(self.now());
        self.flush()
    }
}
