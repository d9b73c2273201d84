//! The broker task: the one owner of the [`Broker`] state machine (which is not `Sync`).
//!
//! It takes [`Input`]s from the connection tasks, hands each to the broker, drains
//! `poll_output` after every one (the crate's run loop), sends each `Transmit` to its
//! connection without waiting, and keeps one `sleep_until` armed at the broker's next
//! deadline.

use std::collections::HashMap;
use std::future::Future;

use mqttscope_broker::{Broker, BrokerOptions, ConnId, Instant, Output};
use mqttscope_proto::ReasonCode;
use tokio::sync::mpsc;
use tokio::time::{sleep_until, Duration, Instant as TokioInstant};

use super::link::{ConnHandle, Input, SendError};
use super::log::Log;

/// Inputs handled in one go before the timer and the shutdown signal are looked at again.
const BATCH: usize = 256;

/// The broker task's state.
pub struct Server {
    broker: Broker,
    origin: TokioInstant,
    conns: HashMap<ConnId, ConnHandle>,
    log: Log,
    out_buffer: usize,
    /// The broker's next deadline, `None` when no timer is armed.
    deadline: Option<TokioInstant>,
}

impl Server {
    /// A server for a broker with `opts`; each connection may have `out_buffer` bytes
    /// waiting for its socket.
    pub fn new(opts: BrokerOptions, log: Log, out_buffer: usize) -> Self {
        let origin = TokioInstant::now();
        let mut broker = Broker::new(opts, Instant::from_millis(0));
        // SCRAM's server nonces. Without randomness the broker refuses SCRAM (0x8C).
        match crate::entropy::random_bytes(32) {
            Ok(seed) => broker.add_entropy(&seed),
            Err(e) => eprintln!("mqttscope broker: SCRAM is off: {e}"),
        }
        Server {
            broker,
            origin,
            conns: HashMap::new(),
            log,
            out_buffer,
            deadline: None,
        }
    }

    /// Runs until `shutdown` resolves or every input sender is gone, then ends every
    /// connection (DISCONNECT 0x8B Server shutting down for MQTT 5 clients).
    pub async fn run(
        mut self,
        mut inputs: mpsc::Receiver<Input>,
        shutdown: impl Future<Output = ()>,
    ) {
        tokio::pin!(shutdown);
        let sleep = sleep_until(self.origin);
        tokio::pin!(sleep);
        let mut armed_at = None;
        loop {
            let armed = self.deadline.is_some();
            if let Some(at) = self.deadline.filter(|at| armed_at != Some(*at)) {
                sleep.as_mut().reset(at);
                armed_at = Some(at);
            }
            tokio::select! {
                biased;
                () = &mut shutdown => break,
                () = &mut sleep, if armed => {
                    armed_at = None;
                    self.broker.handle_timeout(self.now());
                    self.drain();
                }
                input = inputs.recv() => match input {
                    Some(input) => self.inputs(input, &mut inputs),
                    None => break,
                },
            }
        }
        self.stop();
    }

    /// Milliseconds since the origin, the broker's clock.
    fn now(&self) -> Instant {
        let ms = self.origin.elapsed().as_millis();
        Instant::from_millis(u64::try_from(ms).unwrap_or(u64::MAX))
    }

    /// Handles `first` and up to [`BATCH`] more inputs that are already waiting.
    fn inputs(&mut self, first: Input, inputs: &mut mpsc::Receiver<Input>) {
        self.input(first);
        for _ in 0..BATCH {
            match inputs.try_recv() {
                Ok(input) => self.input(input),
                Err(_) => break,
            }
        }
    }

    fn input(&mut self, input: Input) {
        let now = self.now();
        match input {
            Input::Open {
                conn,
                handle,
                peer,
                transport,
            } => {
                self.log.opened(conn, peer, transport);
                match self.broker.accept(conn, now) {
                    Ok(()) => {
                        self.conns.insert(conn, handle);
                    }
                    // Dropping the handle closes the transport.
                    Err(e) => self.log.refused(conn, &format!("refused: {e}")),
                }
            }
            Input::Bytes { conn, bytes } => self.broker.handle_bytes(conn, now, &bytes),
            Input::Closed { conn, why } => {
                if let Some(why) = why {
                    self.log.note(conn, &why);
                }
                self.conns.remove(&conn);
                self.broker.handle_closed(conn, now);
            }
        }
        self.drain();
    }

    /// Drains `poll_output` until `Timeout`, and records the deadline.
    fn drain(&mut self) {
        let now = self.now();
        loop {
            match self.broker.poll_output(now) {
                Output::Transmit { conn, bytes } => self.transmit(conn, bytes),
                // Dropping the handle lets the connection send what is queued, then close.
                Output::Close(conn) => drop(self.conns.remove(&conn)),
                Output::Event(e) => self.log.event(e),
                Output::Timeout(at) => {
                    self.deadline = self.instant(at);
                    return;
                }
            }
        }
    }

    /// The tokio instant of a broker deadline; `None` for "never".
    fn instant(&self, at: Instant) -> Option<TokioInstant> {
        if at.as_millis() == u64::MAX {
            return None;
        }
        self.origin
            .checked_add(Duration::from_millis(at.as_millis()))
    }

    fn transmit(&mut self, conn: ConnId, bytes: Vec<u8>) {
        let Some(handle) = self.conns.get(&conn) else {
            return;
        };
        match handle.send(bytes, self.out_buffer) {
            Ok(()) => {}
            Err(SendError::TooSlow(queued)) => self.too_slow(conn, queued),
            // Its task ended; its `Closed` input is on the way.
            Err(SendError::Gone) => {}
        }
    }

    /// Ends a connection that does not read what it is sent fast enough. The broker sees
    /// a transport that closed (so a will is published); the rest of the drain goes on.
    fn too_slow(&mut self, conn: ConnId, queued: usize) {
        if let Some(handle) = self.conns.remove(&conn) {
            handle.kill();
        }
        self.log.note(
            conn,
            &format!(
                "closed: too slow ({queued} bytes would be waiting for its socket; the \
                 limit is {})",
                self.out_buffer
            ),
        );
        self.broker.handle_closed(conn, self.now());
    }

    /// Ends every connection: MQTT 5 clients get DISCONNECT 0x8B first.
    fn stop(&mut self) {
        let now = self.now();
        let open: Vec<ConnId> = self.conns.keys().copied().collect();
        for conn in open {
            let _ = self
                .broker
                .disconnect_client(conn, now, ReasonCode::ServerShuttingDown);
            self.drain();
        }
        // What is left (connections the broker no longer knows) closes after its queue.
        self.conns.clear();
    }
}
