//! The broker's log on stdout: one line per connection, disconnection, rule broken, will
//! and expired session (unless quiet), and with `--packets` every packet's dissection
//! headed by its connection id and client id. Dropped messages are summed up at most
//! once a second, so that a flood does not become a flood of lines.

use std::collections::HashMap;
use std::io::Write;
use std::net::SocketAddr;
use std::time::{Duration, Instant as StdInstant};

use mqttscope_broker::{ConnId, Direction, DisconnectCause, DropReason, Event};
use mqttscope_proto::{Packet, ProtocolVersion};

use super::link::Transport;
use crate::report;

/// What to print.
#[derive(Debug, Clone, Copy, Default)]
pub struct LogOptions {
    /// No event lines (packets are still printed with `packets`).
    pub quiet: bool,
    /// Every packet's dissection.
    pub packets: bool,
    /// Passwords and Authentication Data unmasked in dissections.
    pub show_secrets: bool,
}

/// What the log knows of a connection.
struct Peer {
    addr: SocketAddr,
    transport: Transport,
    client_id: Option<String>,
    version: ProtocolVersion,
}

/// The log: options, names of the open connections, and dropped messages not yet told.
pub struct Log {
    opts: LogOptions,
    peers: HashMap<ConnId, Peer>,
    dropped: u64,
    last_drop_line: Option<StdInstant>,
}

impl Log {
    /// A log printing what `opts` asks for.
    pub fn new(opts: LogOptions) -> Self {
        Log {
            opts,
            peers: HashMap::new(),
            dropped: 0,
            last_drop_line: None,
        }
    }

    /// A transport opened.
    pub fn opened(&mut self, conn: ConnId, addr: SocketAddr, transport: Transport) {
        let version = ProtocolVersion::V5;
        let peer = Peer {
            addr,
            transport,
            client_id: None,
            version,
        };
        self.peers.insert(conn, peer);
    }

    /// The broker refused a transport, or the driver ended one the broker never knew.
    pub fn refused(&mut self, conn: ConnId, why: &str) {
        if let Some(p) = self.peers.remove(&conn) {
            self.line(format_args!(
                "conn {} {} {}: {why}",
                conn.0,
                p.transport.name(),
                p.addr
            ));
        }
    }

    /// A line about `conn` from the driver (a slow consumer, a WebSocket rule).
    pub fn note(&mut self, conn: ConnId, what: &str) {
        let who = self.who(conn);
        self.line(format_args!("{who}: {what}"));
    }

    /// One event from the broker.
    pub fn event(&mut self, e: Event) {
        match e {
            Event::Packet {
                conn,
                direction,
                at,
                bytes,
                packet,
            } => self.packet(conn, direction, at, &bytes, &packet),
            Event::ClientConnected {
                conn,
                client_id,
                version,
                session_present,
            } => self.connected(conn, client_id, version, session_present),
            Event::ClientDisconnected {
                conn,
                client_id,
                cause,
            } => self.disconnected(conn, client_id, &cause),
            Event::ProtocolViolation {
                conn, rule, detail, ..
            } => {
                let who = self.who(conn);
                self.line(format_args!("{who} broke [{rule}]: {detail}"));
            }
            Event::AuthenticationFailed {
                conn,
                method,
                detail,
            } => {
                let who = self.who(conn);
                self.line(format_args!(
                    "{who}: {method} authentication failed: {detail}"
                ));
            }
            Event::Reauthenticated { conn, username, .. } => {
                let who = self.who(conn);
                self.line(format_args!("{who} re-authenticated as {username:?}"));
            }
            Event::WillPublished { client_id, topic } => {
                self.line(format_args!("will of {client_id:?} published on {topic:?}"));
            }
            Event::SessionExpired { client_id } => {
                self.line(format_args!("session {client_id:?} ended"));
            }
            Event::MessageDropped {
                client_id,
                topic,
                reason,
            } => self.dropped(&client_id, &topic, &reason),
            _ => {}
        }
    }

    fn packet(
        &mut self,
        conn: ConnId,
        direction: Direction,
        at: mqttscope_proto::client::Instant,
        bytes: &[u8],
        packet: &Packet<'_>,
    ) {
        if let (Packet::Connect(c), Some(p)) = (packet, self.peers.get_mut(&conn)) {
            p.version = c.protocol;
            p.client_id = Some(c.client_id.to_string());
        }
        if !self.opts.packets {
            return;
        }
        let arrow = match direction {
            Direction::Received => "<--",
            Direction::Sent => "-->",
        };
        let version = self
            .peers
            .get(&conn)
            .map_or(ProtocolVersion::V5, |p| p.version);
        let who = self.who(conn);
        let name = packet.packet_type().name();
        let text = report::dissection(bytes, version, self.opts.show_secrets);
        let len = bytes.len();
        print_out(format_args!(
            "{who} {arrow} {name} at {at} ({len} bytes)\n{text}"
        ));
    }

    fn connected(&mut self, conn: ConnId, id: String, v: ProtocolVersion, present: bool) {
        let session = if present {
            "session resumed"
        } else {
            "new session"
        };
        let (transport, addr) = match self.peers.get_mut(&conn) {
            Some(p) => {
                p.client_id = Some(id.clone());
                (p.transport.name(), p.addr.to_string())
            }
            None => ("?", "?".to_owned()),
        };
        self.line(format_args!(
            "conn {} {transport} {addr} connected as {id:?} (MQTT {v}, {session})",
            conn.0
        ));
    }

    fn disconnected(&mut self, conn: ConnId, id: Option<String>, cause: &DisconnectCause) {
        self.peers.remove(&conn);
        let who = match id {
            Some(id) => format!("conn {} {id:?}", conn.0),
            None => format!("conn {}", conn.0),
        };
        self.line(format_args!("{who} disconnected: {}", cause_text(cause)));
    }

    fn dropped(&mut self, client_id: &str, topic: &str, reason: &DropReason) {
        self.dropped += 1;
        let now = StdInstant::now();
        let due = self
            .last_drop_line
            .is_none_or(|t| now.duration_since(t) >= Duration::from_secs(1));
        if !due {
            return;
        }
        self.last_drop_line = Some(now);
        let n = std::mem::take(&mut self.dropped);
        self.line(format_args!(
            "dropped {n} message(s) since the last such line; the latest on {topic:?} for \
             {client_id:?}: {}",
            drop_text(reason)
        ));
    }

    /// `conn 3 "client"`, or `conn 3` before CONNECT.
    fn who(&self, conn: ConnId) -> String {
        match self.peers.get(&conn).and_then(|p| p.client_id.as_deref()) {
            Some(id) => format!("conn {} {id:?}", conn.0),
            None => format!("conn {}", conn.0),
        }
    }

    fn line(&self, args: std::fmt::Arguments<'_>) {
        if !self.opts.quiet {
            print_out(format_args!("{args}\n"));
        }
    }
}

/// Writes to stdout; a closed stdout is not the broker's problem.
fn print_out(args: std::fmt::Arguments<'_>) {
    let _ = std::io::stdout().lock().write_fmt(args);
}

fn cause_text(c: &DisconnectCause) -> String {
    match c {
        DisconnectCause::ClientDisconnect(r) => format!("DISCONNECT ({r})"),
        DisconnectCause::TransportClosed => "the connection closed".into(),
        DisconnectCause::KeepAliveTimeout => "keep alive timed out".into(),
        DisconnectCause::ConnectTimeout => "no CONNECT in time".into(),
        DisconnectCause::ProtocolError(r) => format!("protocol error ({r})"),
        DisconnectCause::Refused(r) => format!("CONNECT refused ({r})"),
        DisconnectCause::TakenOver => "taken over by a new connection".into(),
        DisconnectCause::Administrative(r) => format!("ended by the broker ({r})"),
        DisconnectCause::ReauthenticationFailed(r) => format!("re-authentication failed ({r})"),
        other => format!("{other:?}"),
    }
}

fn drop_text(r: &DropReason) -> String {
    match r {
        DropReason::QueueFull => "its session's queue is full".into(),
        DropReason::TooLarge { size, max } => {
            format!("{size} bytes, over the client's Maximum Packet Size {max}")
        }
        DropReason::Expired => "its Message Expiry Interval passed".into(),
        DropReason::RetainedStoreFull => "the retained store is full".into(),
        DropReason::TopicRefused => "the topic is past the length or depth limit".into(),
        other => format!("{other:?}"),
    }
}
