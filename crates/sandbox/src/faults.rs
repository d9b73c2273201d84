//! The broker pane's commands: watching, and every fault the sandbox can inject.

use std::time::Duration;

use mqttscope_broker::{Broker, ConnId};
use mqttscope_proto::client::Instant;
use mqttscope_proto::ReasonCode;

use crate::hub::{PortId, Sandbox};
use crate::monitor::Command;

/// How many cleared retained messages the undo keeps.
const UNDO_DEPTH: usize = 32;
/// The longest delivery delay the pane may set (a minute).
pub const MAX_DELAY_MS: u32 = 60_000;
/// The WebSocket close code a page gets when the sandbox drops its connection.
const DROPPED: u16 = 4000;
/// The WebSocket close code for a restart: 1012 Service Restart.
const RESTARTED: u16 = 1012;

impl Sandbox {
    /// Carries out `command` from page `port`; what cannot be done is answered with a
    /// notice in that port's next update.
    pub fn command(&mut self, port: PortId, command: Command, now: Instant) {
        if let Err(notice) = self.apply(port, command, now) {
            self.watch.notice(port, notice);
        }
        self.watch.now();
        self.finish(now);
    }

    /// Answers page `port` that its command could not be read.
    pub fn command_refused(&mut self, port: PortId, notice: String, now: Instant) {
        self.watch.notice(port, notice);
        self.finish(now);
    }

    fn apply(&mut self, port: PortId, command: Command, now: Instant) -> Result<(), String> {
        match command {
            Command::Watch { on } => self.watch.set(port, on),
            Command::Drop { conn } => {
                let conn = self.known(conn)?;
                let reason = "dropped by the sandbox (fault injection)";
                self.drop_conn(conn, DROPPED, reason, now);
                self.log(now, Some(conn), "connection dropped (fault)");
            }
            Command::Stall { conn, on } => {
                let conn = self.known(conn)?;
                self.gate.stall(conn, on);
                let text = if on { "stalled (fault)" } else { "resumed" };
                self.log(now, Some(conn), text);
            }
            Command::Disconnect { conn, reason } => {
                let conn = self.known(conn)?;
                let reason = reason_code(reason)?;
                self.broker
                    .disconnect_client(conn, now, reason)
                    .map_err(|e| e.to_string())?;
            }
            Command::Restart { keep_state } => self.restart(keep_state, now),
            Command::RefuseConnect { reason } => {
                let reason = reason.map(reason_code).transpose()?;
                self.broker
                    .refuse_next_connect(reason)
                    .map_err(|e| e.to_string())?;
            }
            Command::RefuseSubscription { reason } => {
                let reason = reason.map(reason_code).transpose()?;
                self.broker
                    .refuse_next_subscription(reason)
                    .map_err(|e| e.to_string())?;
            }
            Command::Delay { ms } => {
                let ms = ms.min(MAX_DELAY_MS);
                self.gate.set_delay(Duration::from_millis(u64::from(ms)));
            }
            Command::Step { on } => self.gate.set_step(on),
            Command::Release { id } => {
                if !self.gate.approve(id) {
                    return Err(format!("packet {id} is no longer held"));
                }
            }
            Command::ReleaseAll => self.gate.approve_all(),
            Command::Pause { device, on } => {
                let link = self.devices.iter_mut().find(|d| d.client_id() == device);
                link.ok_or(format!("no device {device}"))?.set_paused(on);
            }
            Command::ClearRetained { topic } => self.clear_retained(&topic)?,
            Command::UndoClear { topic } => self.undo_clear(&topic)?,
        }
        Ok(())
    }

    /// The broker connection `conn`, if it is one of ours.
    fn known(&self, conn: u64) -> Result<ConnId, String> {
        let conn = ConnId(conn);
        match self.peers.contains_key(&conn) {
            true => Ok(conn),
            false => Err(format!("connection {} is gone", conn.0)),
        }
    }

    /// Every connection drops (pages get close 1012); with `keep_state` the broker
    /// keeps its sessions and retained messages (and publishes the wills, as the
    /// connections end without DISCONNECT), without it the broker starts empty.
    fn restart(&mut self, keep_state: bool, now: Instant) {
        let reason = "the sandbox broker restarted";
        if !keep_state {
            let options = self.broker.options().clone();
            self.broker = Broker::new(options, now);
            self.cleared.clear();
        }
        let mut conns: Vec<ConnId> = self.peers.keys().copied().collect();
        conns.sort_unstable();
        for conn in conns {
            self.drop_conn(conn, RESTARTED, reason, now);
        }
        self.gate = Default::default();
        let text = match keep_state {
            true => "broker restarted: sessions and retained messages kept",
            false => "broker restarted: sessions and retained messages lost",
        };
        self.log(now, None, text);
    }

    fn clear_retained(&mut self, topic: &str) -> Result<(), String> {
        let kept = self
            .broker
            .retained()
            .into_iter()
            .find(|r| r.topic == topic);
        let kept = kept.ok_or(format!("no retained message on {topic}"))?;
        self.broker.clear_retained(topic);
        self.cleared.retain(|r| r.topic != topic);
        if self.cleared.len() == UNDO_DEPTH {
            self.cleared.remove(0);
        }
        self.cleared.push(kept);
        Ok(())
    }

    fn undo_clear(&mut self, topic: &str) -> Result<(), String> {
        let at = self.cleared.iter().position(|r| r.topic == topic);
        let at = at.ok_or(format!("nothing to put back on {topic}"))?;
        let message = self.cleared.remove(at);
        self.broker
            .restore_retained(message)
            .map_err(|e| e.to_string())
    }
}

/// The reason code of byte `value`.
fn reason_code(value: u8) -> Result<ReasonCode, String> {
    ReasonCode::from_u8(value).ok_or(format!("0x{value:02X} is not a reason code"))
}
