//! What the broker pane and the sandbox say to each other, beside the sockets: the
//! pane's [`Command`]s (watch, and every fault), and the sandbox's [`Update`]s (the
//! broker's state, a log of what happened) and packet records.
//!
//! Both travel as JSON (`["command", json]` to the worker, `["monitor", json]` back);
//! packets go as `["monitor-packets", [conn, sent, at_ms, ArrayBuffer, ...]]` so that
//! their bytes are not turned into text. The types are shared by the worker (which
//! writes updates) and the pane (which reads them), so the two cannot drift apart.

use serde::{Deserialize, Serialize};

/// What the pane asks of the sandbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "do", rename_all = "snake_case")]
pub enum Command {
    /// Start (or stop) sending this port updates and packet records.
    Watch {
        /// On or off.
        on: bool,
    },
    /// Drop connection `conn` at once: no DISCONNECT, as a network failure (its will
    /// is published).
    Drop {
        /// The broker connection.
        conn: u64,
    },
    /// Stall connection `conn` (nothing moves either way, so keep alive fires), or
    /// resume it.
    Stall {
        /// The broker connection.
        conn: u64,
        /// Stall (true) or resume.
        on: bool,
    },
    /// The broker ends connection `conn` with DISCONNECT `reason` (MQTT 5; MQTT 3 gets
    /// the transport closed).
    Disconnect {
        /// The broker connection.
        conn: u64,
        /// The reason code.
        reason: u8,
    },
    /// Restart the broker: every connection drops; its sessions and retained messages
    /// are kept (as a broker with persistence) or lost.
    Restart {
        /// Keep sessions and retained messages.
        keep_state: bool,
    },
    /// Refuse the next CONNECT with CONNACK `reason` (`None`: disarm).
    RefuseConnect {
        /// The reason code.
        reason: Option<u8>,
    },
    /// Refuse the next subscription (one filter) with SUBACK `reason` (`None`: disarm).
    RefuseSubscription {
        /// The reason code.
        reason: Option<u8>,
    },
    /// Delay what the broker sends to the pages by `ms` milliseconds (0: no delay).
    Delay {
        /// Milliseconds.
        ms: u32,
    },
    /// Step mode: hold every packet of the pages' connections, both ways, until it is
    /// let through. Off lets everything held through.
    Step {
        /// On or off.
        on: bool,
    },
    /// Let held packet `id` through.
    Release {
        /// The held packet's number.
        id: u64,
    },
    /// Let every held packet through.
    ReleaseAll,
    /// Pause a device (it stops publishing and ignores commands, but stays connected)
    /// or resume it.
    Pause {
        /// The device's client id.
        device: String,
        /// Pause (true) or resume.
        on: bool,
    },
    /// Clear the retained message of `topic` (it can be put back with
    /// [`Command::UndoClear`]).
    ClearRetained {
        /// The topic.
        topic: String,
    },
    /// Put back the last retained message cleared from `topic`.
    UndoClear {
        /// The topic.
        topic: String,
    },
}

impl Command {
    /// The command in `json`, or why it is not one.
    pub fn from_json(json: &str) -> Result<Self, String> {
        serde_json::from_str(json).map_err(|e| e.to_string())
    }

    /// As JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

/// What the sandbox tells a watching pane.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Update {
    /// The broker's state now, when it changed.
    pub state: Option<State>,
    /// What happened since the last update, oldest first.
    pub log: Vec<LogLine>,
    /// The answer to a command that could not be carried out.
    pub notice: Option<String>,
}

impl Update {
    /// The update in `json`, or why it is not one.
    pub fn from_json(json: &str) -> Result<Self, String> {
        serde_json::from_str(json).map_err(|e| e.to_string())
    }

    /// As JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

/// The broker's state as the pane shows it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct State {
    /// The connected clients, by connection.
    pub clients: Vec<ClientView>,
    /// The sessions with no connection (kept for their expiry interval).
    pub offline: Vec<SessionView>,
    /// The retained messages, by topic.
    pub retained: Vec<RetainedView>,
    /// Topics whose cleared retained message can be put back, most recent last.
    pub cleared: Vec<String>,
    /// The devices.
    pub devices: Vec<DeviceView>,
    /// The faults in force.
    pub faults: Faults,
    /// The packets step mode holds, oldest first (the first hundred).
    pub held: Vec<HeldView>,
    /// How many packets step mode holds in all.
    pub held_total: usize,
}

/// A connected client.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientView {
    /// Its broker connection.
    pub conn: u64,
    /// Who it is: "page" (a tab of the page) or "device".
    pub peer: String,
    /// Its protocol level: 3 (MQTT 3.1), 4 (3.1.1) or 5.
    pub level: u8,
    /// The keep alive in force, seconds.
    pub keep_alive: u16,
    /// Its Receive Maximum: the broker's in-flight window towards it.
    pub receive_maximum: u16,
    /// Its Maximum Packet Size.
    pub maximum_packet_size: Option<u32>,
    /// Its Topic Alias Maximum.
    pub topic_alias_maximum: u16,
    /// Topic Aliases it set up (alias, topic).
    pub aliases_in: Vec<(u16, String)>,
    /// Topic Aliases the broker set up towards it (alias, topic).
    pub aliases_out: Vec<(u16, String)>,
    /// Whether it has a will.
    pub has_will: bool,
    /// Whether its connection is stalled.
    pub stalled: bool,
    /// Its session.
    pub session: SessionView,
}

/// A session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionView {
    /// Its client id.
    pub client_id: String,
    /// Its Session Expiry Interval, seconds (`u32::MAX`: never).
    pub expiry: u32,
    /// Its subscriptions.
    pub subscriptions: Vec<SubscriptionView>,
    /// QoS 1/2 exchanges towards it not finished.
    pub in_flight: usize,
    /// QoS 1/2 messages waiting for a window slot or a connection.
    pub queued: usize,
    /// Its QoS 2 messages received and awaiting PUBREL.
    pub inbound_qos2: usize,
    /// Messages dropped for it (queue full).
    pub dropped: u64,
}

/// A subscription.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubscriptionView {
    /// The filter as subscribed.
    pub filter: String,
    /// The QoS granted.
    pub qos: u8,
    /// No Local.
    pub no_local: bool,
    /// Retain As Published.
    pub retain_as_published: bool,
    /// Retain Handling (0, 1, 2).
    pub retain_handling: u8,
    /// Its Subscription Identifier.
    pub identifier: Option<u32>,
}

/// A retained message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RetainedView {
    /// Its topic.
    pub topic: String,
    /// Its payload's size in bytes.
    pub size: usize,
    /// Its QoS.
    pub qos: u8,
    /// The start of its payload as text (invalid UTF-8 replaced).
    pub preview: String,
}

/// A device.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceView {
    /// Its client id.
    pub client_id: String,
    /// Its broker connection, when connected.
    pub conn: Option<u64>,
    /// Whether it is paused.
    pub paused: bool,
}

/// The faults in force.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Faults {
    /// Step mode.
    pub step: bool,
    /// The delay of the broker's packets to the pages, milliseconds.
    pub delay_ms: u32,
    /// The code the next CONNECT will be refused with.
    pub refuse_connect: Option<u8>,
    /// The code the next subscription will be refused with.
    pub refuse_subscription: Option<u8>,
}

/// A packet held by step mode.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HeldView {
    /// Its number ([`Command::Release`]).
    pub id: u64,
    /// Its connection.
    pub conn: u64,
    /// From the client to the broker (else the other way).
    pub to_broker: bool,
    /// The packet's bytes (`None`: the connection's close).
    pub bytes: Option<Vec<u8>>,
}

/// One thing that happened on the broker.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogLine {
    /// When, milliseconds on the worker's clock.
    pub at_ms: u64,
    /// The connection concerned.
    pub conn: Option<u64>,
    /// For a CONNECT accepted: the client id and protocol level of `conn`, which the
    /// pane needs to name and dissect its packets.
    pub connected: Option<(String, u8)>,
    /// What happened, in words.
    pub text: String,
}

/// How many bytes of a retained payload [`RetainedView::preview`] shows.
pub const PREVIEW_BYTES: usize = 120;

/// The first [`PREVIEW_BYTES`] of `payload` as text.
pub fn preview(payload: &[u8]) -> String {
    let cut = payload.len().min(PREVIEW_BYTES);
    String::from_utf8_lossy(&payload[..cut]).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_read_as_the_pane_writes_them() {
        let c = Command::from_json(r#"{"do":"stall","conn":3,"on":true}"#).unwrap();
        assert_eq!(c, Command::Stall { conn: 3, on: true });
        assert_eq!(
            Command::from_json(&Command::ReleaseAll.to_json()),
            Ok(Command::ReleaseAll)
        );
        assert!(Command::from_json(r#"{"do":"explode"}"#).is_err());
        assert!(Command::from_json("[").is_err());
    }

    #[test]
    fn a_preview_is_cut_and_never_fails_on_bad_utf8() {
        assert_eq!(preview(b"21.5"), "21.5");
        assert_eq!(preview(&[0xff, b'a']), "\u{fffd}a");
        assert_eq!(preview(&[b'x'; 500]).len(), PREVIEW_BYTES);
    }
}
