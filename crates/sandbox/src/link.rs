//! A device on the broker: its [`Device`] logic run over a real
//! [`mqttscope_proto::client::Client`], connected to the broker in memory (no network).

use std::time::Duration;

use mqttscope_broker::ConnId;
use mqttscope_proto::client::{Client, ClientOptions, Event, Instant, Message, Output};
use mqttscope_proto::codec::{SubscribeProperties, Subscription, Will};
use mqttscope_proto::{ProtocolVersion, QoS};

use crate::devices::Device;

/// How long a device waits before connecting again after losing its connection.
pub const RECONNECT_DELAY: Duration = Duration::from_secs(3);

/// What a device's client asks of the broker after a drain.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct LinkOutput {
    /// Packets for the broker, in order.
    pub transmits: Vec<Vec<u8>>,
    /// The client ended the connection: close it on the broker.
    pub closed: bool,
}

/// One device, its client and its connection.
pub struct DeviceLink {
    device: Box<dyn Device>,
    client: Client,
    conn: Option<ConnId>,
    client_deadline: Instant,
    next_tick: Option<Instant>,
    reconnect_at: Option<Instant>,
    paused: bool,
}

impl DeviceLink {
    /// A device not yet connected; it wants to connect at once ([`DeviceLink::wants_connection`]).
    pub fn new(device: Box<dyn Device>, now: Instant) -> Self {
        let client = Client::new(options(device.as_ref()), now);
        DeviceLink {
            device,
            client,
            conn: None,
            client_deadline: Instant::from_millis(u64::MAX),
            next_tick: None,
            reconnect_at: Some(now),
            paused: false,
        }
    }

    /// Whether it is paused: it stays connected (its client answers the broker) but
    /// publishes nothing and ignores what it receives.
    pub fn paused(&self) -> bool {
        self.paused
    }

    /// Pauses or resumes it.
    pub fn set_paused(&mut self, paused: bool) {
        self.paused = paused;
    }

    /// The device's client id.
    pub fn client_id(&self) -> &'static str {
        self.device.client_id()
    }

    /// Its connection on the broker, if it has one.
    pub fn conn(&self) -> Option<ConnId> {
        self.conn
    }

    /// Whether it is time to give it a connection ([`DeviceLink::start`]).
    pub fn wants_connection(&self, now: Instant) -> bool {
        self.conn.is_none() && self.reconnect_at.is_some_and(|at| at <= now)
    }

    /// The broker accepted connection `conn` for it: send CONNECT.
    pub fn start(&mut self, conn: ConnId, now: Instant) {
        self.reconnect_at = None;
        if self.client.connect(now).is_ok() {
            self.conn = Some(conn);
        } else {
            self.reconnect_at = Some(now + RECONNECT_DELAY);
        }
    }

    /// Bytes the broker sent it.
    pub fn receive(&mut self, now: Instant, bytes: &[u8]) {
        self.client.handle_bytes(now, bytes);
    }

    /// The broker closed its connection: it connects again after [`RECONNECT_DELAY`].
    pub fn closed(&mut self, now: Instant) {
        if self.conn.take().is_some() {
            self.client.handle_closed(now);
            self.next_tick = None;
            self.reconnect_at = Some(now + RECONNECT_DELAY);
        }
    }

    /// Runs the client's timers and the device's period when they are due.
    pub fn handle_timeout(&mut self, now: Instant) {
        if self.client_deadline <= now {
            self.client.handle_timeout(now);
        }
        if let Some(at) = self.next_tick.filter(|at| *at <= now) {
            let next = at + self.device.period();
            self.next_tick = Some(if next <= now {
                now + self.device.period()
            } else {
                next
            });
            if !self.paused {
                let messages = self.device.tick();
                self.publish_all(now, messages);
            }
        }
    }

    /// The earliest instant it needs [`DeviceLink::handle_timeout`] or a connection.
    pub fn deadline(&self) -> Instant {
        [
            Some(self.client_deadline),
            self.next_tick,
            self.reconnect_at,
        ]
        .into_iter()
        .flatten()
        .min()
        .unwrap_or(Instant::from_millis(u64::MAX))
    }

    /// Drains the client: packets for the broker, and whether it ended the connection.
    pub fn drain(&mut self, now: Instant) -> LinkOutput {
        let mut out = LinkOutput::default();
        loop {
            match self.client.poll_output(now) {
                Output::Transmit(bytes) => out.transmits.push(bytes),
                Output::Event(event) => out.closed |= self.on_event(now, event),
                Output::Timeout(at) => {
                    self.client_deadline = at;
                    return out;
                }
            }
        }
    }

    /// Handles one client event; true when the connection is over.
    fn on_event(&mut self, now: Instant, event: Event) -> bool {
        match event {
            Event::Connected { .. } => {
                self.subscribe(now);
                self.next_tick = Some(now + self.device.period());
                let messages = self.device.on_connected();
                self.publish_all(now, messages);
            }
            Event::Message(_) if self.paused => {}
            Event::Message(p) => {
                let messages = self.device.on_message(&p.topic, &p.payload);
                self.publish_all(now, messages);
            }
            Event::Disconnected(_) => {
                self.closed(now);
                return true;
            }
            _ => {}
        }
        false
    }

    fn subscribe(&mut self, now: Instant) {
        let filters = self.device.subscriptions();
        if filters.is_empty() {
            return;
        }
        let subs = filters
            .iter()
            .map(|f| Subscription::new(*f, QoS::AtLeastOnce))
            .collect();
        // Refused only when not connected, which it just became.
        let _ = self
            .client
            .subscribe(now, subs, SubscribeProperties::default());
    }

    fn publish_all(&mut self, now: Instant, messages: Vec<Message>) {
        for m in messages {
            // A publish refused (connection gone, queue full) is a lost reading: the
            // device publishes again on its next period.
            let _ = self.client.publish(now, m);
        }
    }
}

/// The device's client options: MQTT 5, its client id and will, keep alive 60 s.
fn options(device: &dyn Device) -> ClientOptions {
    let will = device.will().map(|m| Will {
        topic: m.topic.into(),
        payload: m.payload.into(),
        qos: m.qos,
        retain: m.retain,
        properties: Default::default(),
    });
    ClientOptions {
        version: ProtocolVersion::V5,
        client_id: device.client_id().to_owned(),
        clean_start: true,
        keep_alive: 60,
        will,
        ..ClientOptions::default()
    }
}
