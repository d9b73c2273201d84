//! What the broker pane holds: the broker's latest state, a log of what happened, and
//! the packets of every connection, all bounded; plain data with plain tests.

use std::collections::{BTreeMap, VecDeque};
use std::sync::Arc;

use mqttscope_proto::codec::ProtocolVersion;
use mqttscope_sandbox::monitor::{LogLine, State, Update};

use crate::model::message::{Direction, PacketKind, PacketRow};

/// The most log lines kept.
pub const MAX_LOG: usize = 1_000;
/// The most packets kept.
pub const MAX_PACKETS: usize = 20_000;
/// The most packet bytes kept.
pub const MAX_PACKET_BYTES: usize = 16 << 20;
/// The most connection names kept (connections come and go; the oldest names go first).
const MAX_NAMES: usize = 4_096;

/// A packet the broker received (`Direction::In`) or sent (`Direction::Out`), on
/// connection `conn`.
#[derive(Debug, Clone, PartialEq)]
pub struct BrokerPacket {
    /// The broker connection.
    pub conn: u64,
    /// The packet, for the inspector.
    pub row: PacketRow,
}

/// Who a connection is, once its CONNECT was accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnName {
    /// The client id.
    pub client_id: String,
    /// The protocol version.
    pub version: ProtocolVersion,
}

/// The pane's data.
#[derive(Debug, Default)]
pub struct PaneData {
    /// The broker's state, as last sent.
    pub state: State,
    /// Whether a state has arrived.
    pub ready: bool,
    /// What happened, oldest first.
    pub log: VecDeque<LogLine>,
    /// The packets, oldest first.
    pub packets: VecDeque<BrokerPacket>,
    /// Packets dropped to stay within [`MAX_PACKETS`] and [`MAX_PACKET_BYTES`].
    pub packets_dropped: u64,
    /// The answer to the last command that failed.
    pub notice: Option<String>,
    names: BTreeMap<u64, ConnName>,
    packet_bytes: usize,
    next_id: u64,
}

impl PaneData {
    /// Takes in one update from the sandbox.
    pub fn apply(&mut self, update: Update) {
        if let Some(state) = update.state {
            // Clients that connected before the pane watched are named by the state.
            for c in &state.clients {
                self.remember(c.conn, &c.session.client_id, c.level);
            }
            self.state = state;
            self.ready = true;
        }
        for line in update.log {
            self.name_from(&line);
            if self.log.len() == MAX_LOG {
                self.log.pop_front();
            }
            self.log.push_back(line);
        }
        if update.notice.is_some() {
            self.notice = update.notice;
        }
    }

    /// Takes in one packet record.
    pub fn push_packet(&mut self, conn: u64, sent: bool, at_ms: f64, bytes: Vec<u8>) {
        let kind = PacketKind::of_bytes(&bytes);
        self.next_id += 1;
        let row = PacketRow {
            id: self.next_id,
            direction: if sent { Direction::Out } else { Direction::In },
            at_ms,
            bytes: Arc::from(bytes),
            kind,
            frame_ends: Vec::new(),
            violation: None,
        };
        self.packet_bytes += row.bytes.len();
        self.packets.push_back(BrokerPacket { conn, row });
        while self.packets.len() > MAX_PACKETS || self.packet_bytes > MAX_PACKET_BYTES {
            let Some(old) = self.packets.pop_front() else {
                break;
            };
            self.packet_bytes -= old.row.bytes.len();
            self.packets_dropped += 1;
        }
    }

    /// Who `conn` is, if its CONNECT was accepted while the pane watched.
    pub fn name(&self, conn: u64) -> Option<&ConnName> {
        self.names.get(&conn)
    }

    /// "client-id" for a known connection, else "#conn".
    pub fn label(&self, conn: u64) -> String {
        match self.names.get(&conn) {
            Some(n) => n.client_id.clone(),
            None => format!("#{conn}"),
        }
    }

    /// The protocol version to dissect `conn`'s packets with (MQTT 5 until its CONNECT
    /// was seen; a CONNECT names its own).
    pub fn version(&self, conn: u64) -> ProtocolVersion {
        self.names
            .get(&conn)
            .map_or(ProtocolVersion::V5, |n| n.version)
    }

    fn name_from(&mut self, line: &LogLine) {
        if let (Some(conn), Some((client_id, level))) = (line.conn, &line.connected) {
            self.remember(conn, client_id, *level);
        }
    }

    fn remember(&mut self, conn: u64, client_id: &str, level: u8) {
        if self.names.contains_key(&conn) {
            return;
        }
        let version = match level {
            3 => ProtocolVersion::V3_1,
            4 => ProtocolVersion::V3_1_1,
            _ => ProtocolVersion::V5,
        };
        if self.names.len() == MAX_NAMES {
            self.names.pop_first();
        }
        let client_id = client_id.to_owned();
        self.names.insert(conn, ConnName { client_id, version });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn connected(conn: u64, id: &str, level: u8) -> LogLine {
        LogLine {
            at_ms: 0,
            conn: Some(conn),
            connected: Some((id.to_owned(), level)),
            text: format!("{id} connected"),
        }
    }

    #[test]
    fn connections_are_named_and_dissected_by_their_version() {
        let mut d = PaneData::default();
        d.apply(Update {
            log: vec![connected(3, "thermo", 4)],
            ..Update::default()
        });
        assert_eq!(d.label(3), "thermo");
        assert_eq!(d.version(3), ProtocolVersion::V3_1_1);
        assert_eq!(d.label(4), "#4");
        assert_eq!(d.version(4), ProtocolVersion::V5);
        assert!(!d.ready);
    }

    #[test]
    fn packets_are_typed_and_bounded_in_count_and_bytes() {
        let mut d = PaneData::default();
        d.push_packet(1, false, 1.0, vec![0x10, 0x00]);
        d.push_packet(1, true, 2.0, vec![0x20, 0x02, 0, 0]);
        d.push_packet(1, true, 3.0, vec![]);
        let kinds: Vec<_> = d
            .packets
            .iter()
            .map(|p| (p.row.kind.name(), p.row.direction))
            .collect();
        assert_eq!(
            kinds,
            [
                ("CONNECT", Direction::In),
                ("CONNACK", Direction::Out),
                ("MALFORMED", Direction::Out)
            ]
        );
        for _ in 0..MAX_PACKETS {
            d.push_packet(1, false, 0.0, vec![0xc0, 0]);
        }
        assert_eq!(d.packets.len(), MAX_PACKETS);
        assert_eq!(d.packets_dropped, 3);
        d.push_packet(1, false, 0.0, vec![0x30; MAX_PACKET_BYTES]);
        assert_eq!(d.packets.len(), 1, "one big packet pushed the rest out");
        assert!(d.packet_bytes <= MAX_PACKET_BYTES);
    }

    #[test]
    fn the_log_keeps_the_newest_lines_and_a_notice_stays_until_replaced() {
        let mut d = PaneData::default();
        for k in 0..MAX_LOG + 5 {
            d.apply(Update {
                log: vec![connected(k as u64, "c", 5)],
                ..Update::default()
            });
        }
        assert_eq!(d.log.len(), MAX_LOG);
        assert_eq!(d.log.front().unwrap().conn, Some(5));
        d.apply(Update {
            notice: Some("connection 9 is gone".into()),
            ..Update::default()
        });
        d.apply(Update::default());
        assert_eq!(d.notice.as_deref(), Some("connection 9 is gone"));
    }
}
