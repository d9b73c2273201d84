//! The channels between the broker task and the connection tasks.
//!
//! Connection tasks send the broker task [`Input`]s over one bounded channel: when it is
//! full, a reader waits, and so stops reading its socket (TCP's own flow control then
//! slows the client down). The broker task sends each connection its packets over a
//! bounded channel of its own ([`ConnHandle`]) and never waits: a connection whose queue
//! is full, or holds more than its byte budget, is closed as too slow.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use mqttscope_broker::ConnId;
use tokio::sync::{mpsc, oneshot};

/// Packets one connection may have queued (besides the byte budget).
pub const OUT_PACKETS: usize = 65_536;

/// The transport a connection came in on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transport {
    /// Plain TCP.
    Tcp,
    /// WebSocket, one MQTT packet per binary message.
    Ws,
}

impl Transport {
    /// "tcp" or "ws".
    pub fn name(self) -> &'static str {
        match self {
            Transport::Tcp => "tcp",
            Transport::Ws => "ws",
        }
    }
}

/// What a connection task tells the broker task.
pub enum Input {
    /// A transport opened (for WebSocket: after the handshake).
    Open {
        /// Its id.
        conn: ConnId,
        /// The broker task's end of its channels.
        handle: ConnHandle,
        /// The client's address.
        peer: SocketAddr,
        /// TCP or WebSocket.
        transport: Transport,
    },
    /// Bytes arrived, in any framing.
    Bytes {
        /// The connection.
        conn: ConnId,
        /// What arrived.
        bytes: Vec<u8>,
    },
    /// The transport closed or failed; `why` when there is more to say than "closed".
    Closed {
        /// The connection.
        conn: ConnId,
        /// Why, when it is worth a line in the log.
        why: Option<String>,
    },
}

/// The broker task's end of one connection.
pub struct ConnHandle {
    out: mpsc::Sender<Vec<u8>>,
    queued: Arc<AtomicUsize>,
    kill: oneshot::Sender<()>,
}

/// Why [`ConnHandle::send`] did not queue a packet.
#[derive(Debug, PartialEq, Eq)]
pub enum SendError {
    /// The connection is too slow: this many bytes would be waiting for its socket.
    TooSlow(usize),
    /// The connection task has ended.
    Gone,
}

impl ConnHandle {
    /// Queues one packet without waiting; fails when the queue or the byte budget
    /// (`budget` bytes waiting) is full.
    pub fn send(&self, bytes: Vec<u8>, budget: usize) -> Result<(), SendError> {
        let len = bytes.len();
        let queued = self.queued.fetch_add(len, Ordering::Relaxed) + len;
        let sent = if queued > budget {
            Err(SendError::TooSlow(queued))
        } else {
            self.out.try_send(bytes).map_err(|e| match e {
                mpsc::error::TrySendError::Full(_) => SendError::TooSlow(queued),
                mpsc::error::TrySendError::Closed(_) => SendError::Gone,
            })
        };
        if sent.is_err() {
            self.queued.fetch_sub(len, Ordering::Relaxed);
        }
        sent
    }

    /// Ends the connection at once, dropping what is queued.
    pub fn kill(self) {
        let _ = self.kill.send(());
    }
}

/// The connection task's end: dropping the [`ConnHandle`] ends `out` after the packets
/// queued before (close after sending); [`ConnHandle::kill`] fires `kill`.
pub struct Link {
    /// The connection's id.
    pub conn: ConnId,
    /// Where its inputs go.
    pub to_broker: mpsc::Sender<Input>,
    /// Its packets, one MQTT packet each.
    pub out: mpsc::Receiver<Vec<u8>>,
    /// Bytes queued in `out` and not yet written; the writer subtracts what it wrote.
    pub queued: Arc<AtomicUsize>,
    /// Fires when the broker task ends the connection without flushing.
    pub kill: oneshot::Receiver<()>,
}

/// Tells the broker task that `n` queued bytes were written.
pub fn written(queued: &AtomicUsize, n: usize) {
    queued.fetch_sub(n, Ordering::Relaxed);
}

/// A new pair of ends for connection `conn`.
pub fn pair(conn: ConnId, to_broker: mpsc::Sender<Input>) -> (ConnHandle, Link) {
    let (out_tx, out_rx) = mpsc::channel(OUT_PACKETS);
    let (kill_tx, kill_rx) = oneshot::channel();
    let queued = Arc::new(AtomicUsize::new(0));
    let handle = ConnHandle {
        out: out_tx,
        queued: queued.clone(),
        kill: kill_tx,
    };
    let link = Link {
        conn,
        to_broker,
        out: out_rx,
        queued,
        kill: kill_rx,
    };
    (handle, link)
}

/// Resolves when the broker task kills the connection; never when it only drops it.
pub async fn killed(kill: oneshot::Receiver<()>) {
    if kill.await.is_err() {
        std::future::pending::<()>().await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_full_budget_refuses_and_written_bytes_free_it() {
        let (tx, _rx) = mpsc::channel(1);
        let (handle, mut link) = pair(ConnId(1), tx);
        assert_eq!(handle.send(vec![0; 6], 10), Ok(()));
        assert_eq!(handle.send(vec![0; 6], 10), Err(SendError::TooSlow(12)));
        let got = link.out.recv().await.unwrap();
        written(&link.queued, got.len());
        assert_eq!(handle.send(vec![0; 6], 10), Ok(()));
        drop(link);
        assert_eq!(handle.send(vec![0; 1], 10), Err(SendError::Gone));
    }
}
