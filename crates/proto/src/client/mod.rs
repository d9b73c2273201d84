//! The sans-IO MQTT client: a state machine that never does I/O and never reads a clock.
//!
//! # The run loop
//!
//! The driver owns the transport and one timer. After **every** input or command it
//! drains [`Client::poll_output`] until that returns [`Output::Timeout`], sending each
//! [`Output::Transmit`] as one message, handling each [`Output::Event`], and re-arming its
//! single timer to the returned instant.
//!
//! ```no_run
//! use mqttscope_proto::client::{Client, ClientOptions, Instant, Output};
//!
//! # fn now() -> Instant { Instant::from_millis(0) }
//! # fn send(_: &[u8]) {}
//! # fn arm_timer(_: Instant) {}
//! let mut client = Client::new(ClientOptions::default(), now());
//! client.connect(now()).unwrap(); // once the transport is open
//! loop {
//!     match client.poll_output(now()) {
//!         Output::Transmit(bytes) => send(&bytes),
//!         Output::Event(event) => println!("{event:?}"),
//!         Output::Timeout(at) => {
//!             arm_timer(at);
//!             break;
//!         }
//!     }
//! }
//! // Later: client.handle_bytes(now(), &received), client.handle_timeout(now()),
//! // client.handle_closed(now()); and drain poll_output again after each.
//! ```
//!
//! # States
//!
//! ```text
//!  Idle ──connect()──▶ Connecting ──CONNACK 0x00──▶ Connected ──disconnect()──▶ Closed
//!   ▲                     │  CONNACK ≥0x80, timeout      │  server DISCONNECT, protocol
//!   │                     ▼                              ▼  error, keep-alive timeout,
//!   └────────────────── Closed ◀─────────────────────────┘  transport closed
//! ```
//! `connect()` is allowed again from `Closed` (a new transport); the session (in-flight
//! QoS 1/2 publishes, QoS 2 receipts) survives unless CONNACK says it did not.
//!
//! Each state owns its data (`state.rs`): the receive buffer and keep-alive clocks live
//! while a transport is open, the server's limits, Topic Aliases, unanswered SUBSCRIBE /
//! UNSUBSCRIBE and a re-authentication under way only while connected, and whether to
//! retry only once closed. Each timer belongs to the state that armed it: entering
//! `Connecting` or `Closed` disarms them all. What outlives connections (options, the
//! session, the publish queue, the subscriptions to restore, the backoff) is the
//! [`Client`]'s own.

use std::collections::{HashMap, VecDeque};
use std::time::Duration;

use crate::codec::{
    Ack, ConnAckProperties, Connect, Disconnect, Packet, PacketId, PacketType, Props,
    ProtocolVersion, Publish, PublishProperties, QoS, QosPid, ReasonCode, Subscribe,
    SubscribeProperties, Subscription, Unsubscribe, UnsubscribeProperties,
};

mod alias;
mod auth;
mod error;
mod event;
mod inbound;
mod internals;
mod options;
mod outbound;
mod reconnect;
mod session;
mod state;
mod time;
mod timers;

#[cfg(test)]
mod tests;

pub use alias::TopicAliasPolicy;
pub use auth::{AuthError, Authenticator, NonceSource, Scram, ScramHash, MAX_SCRAM_ITERATIONS};
pub use error::{ClientError, ProtocolError};
pub use event::{
    Direction, DisconnectCause, Event, Output, PacketRecord, PublishHandle, PublishStage, Request,
    RequestHandle, RequestOrigin,
};
pub use options::{ClientOptions, DEFAULT_RECEIVE_LIMIT};
pub use reconnect::ReconnectPolicy;
pub use state::State;
pub use time::Instant;

use alias::AliasUse;
use reconnect::Backoff;
use session::{Awaiting, OutFlight, Session};
use state::{Closed, Conn, Connected, Link};
use timers::{Timer, TimerTable};

/// What [`Output::Timeout`] carries when no timer is armed: the far future. Only the
/// output uses it; inside, "no timer" is `None`.
const NEVER: Instant = Instant::from_millis(u64::MAX);

/// A message to publish.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// The topic name.
    pub topic: String,
    /// The payload.
    pub payload: Vec<u8>,
    /// QoS.
    pub qos: QoS,
    /// Retain flag.
    pub retain: bool,
    /// MQTT 5 properties.
    pub properties: PublishProperties<'static>,
}

impl Message {
    /// A QoS 0, non-retained message.
    pub fn new(topic: impl Into<String>, payload: impl Into<Vec<u8>>) -> Self {
        Message {
            topic: topic.into(),
            payload: payload.into(),
            qos: QoS::AtMostOnce,
            retain: false,
            properties: PublishProperties::default(),
        }
    }

    /// The same message at `qos`.
    pub fn with_qos(mut self, qos: QoS) -> Self {
        self.qos = qos;
        self
    }

    /// The same message, retained.
    pub fn retained(mut self) -> Self {
        self.retain = true;
        self
    }

    /// The response to a request (3.3.2.3.5, 4.10): published on its Response Topic with
    /// its Correlation Data; `None` when the request has no Response Topic.
    pub fn reply_to(request: &Publish<'_>, payload: impl Into<Vec<u8>>) -> Option<Message> {
        let topic = request.properties.response_topic()?;
        let mut m = Message::new(topic, payload);
        m.qos = request.qos_pid.qos();
        m.properties.correlation_data = request
            .properties
            .correlation_data()
            .map(|c| c.to_vec().into());
        Some(m)
    }

    fn into_publish(self, qos_pid: QosPid) -> Publish<'static> {
        Publish {
            dup: false,
            qos_pid,
            retain: self.retain,
            topic: self.topic.into(),
            properties: self.properties.into(),
            payload: self.payload.into(),
        }
    }
}

/// What the server allows, from CONNACK (defaults before it, and for MQTT 3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServerLimits {
    /// QoS 1/2 publishes we may have in flight (Receive Maximum; 65,535 when absent).
    pub receive_maximum: u16,
    /// The highest QoS the server accepts.
    pub maximum_qos: QoS,
    /// Whether RETAIN is allowed.
    pub retain_available: bool,
    /// The largest packet the server accepts.
    pub maximum_packet_size: Option<u32>,
    /// Keep alive in force, seconds (Server Keep Alive replaces ours [MQTT-3.2.2-21]).
    pub keep_alive: u16,
    /// The highest Topic Alias the server accepts (0: none).
    pub topic_alias_maximum: u16,
}

impl ServerLimits {
    fn new(keep_alive: u16) -> Self {
        ServerLimits {
            receive_maximum: u16::MAX,
            maximum_qos: QoS::ExactlyOnce,
            retain_available: true,
            maximum_packet_size: None,
            keep_alive,
            topic_alias_maximum: 0,
        }
    }
}

/// The sans-IO MQTT client. See the module documentation for the run loop.
#[derive(Debug)]
pub struct Client {
    opts: ClientOptions,
    /// Where the connection stands, with what lives only as long as that.
    conn: Conn,
    outputs: VecDeque<Output>,
    timers: TimerTable,
    session: Session,
    /// QoS 1/2 publishes waiting for a send slot or a connection, in order.
    queue: VecDeque<(PublishHandle, Publish<'static>)>,
    next_handle: u64,
    /// Subscriptions the server granted, by filter, with the properties they were
    /// subscribed with, for resubscribing.
    active: Vec<(Subscription<'static>, SubscribeProperties<'static>)>,
    /// Filters forgotten while offline: unsubscribed at the next CONNACK that resumes a
    /// session (the server still holds them).
    forgotten: Vec<String>,
    backoff: Backoff,
    /// The last connection ended on a packet over our receive limit, and none has stayed
    /// up since: the same ending again stops reconnecting (a retained message that is too
    /// big would otherwise end every connection as soon as it is delivered).
    oversized: bool,
    /// Requests waiting for a response, by Correlation Data.
    pending_responses: HashMap<Vec<u8>, PublishHandle>,
    authenticator: Option<Box<dyn Authenticator>>,
}

/// A SUBSCRIBE or UNSUBSCRIBE waiting for its acknowledgement.
#[derive(Debug, Clone)]
pub(crate) struct Pending {
    /// Numbered like the application's handles, also for the client's own requests:
    /// lost requests are reported in this order.
    handle: RequestHandle,
    origin: RequestOrigin,
    request: Request,
}

impl Client {
    /// A client that has not connected yet. (`now` is part of the contract, as for every
    /// entry point; nothing is timed before [`connect`](Client::connect).)
    pub fn new(opts: ClientOptions, _now: Instant) -> Self {
        let backoff = Backoff::new(opts.reconnect.map_or(0, |p| p.seed));
        Client {
            opts,
            conn: Conn::Idle,
            outputs: VecDeque::new(),
            timers: TimerTable::default(),
            session: Session::default(),
            queue: VecDeque::new(),
            next_handle: 0,
            active: Vec::new(),
            forgotten: Vec::new(),
            backoff,
            oversized: false,
            pending_responses: HashMap::new(),
            authenticator: None,
        }
    }

    // ---- getters ----

    /// The connection state.
    pub fn state(&self) -> State {
        self.conn.state()
    }

    /// The server's limits in force: the defaults before CONNACK, and those of the last
    /// connection once it is closed.
    pub fn limits(&self) -> ServerLimits {
        self.conn.limits(ServerLimits::new(self.opts.keep_alive))
    }

    /// The options in force.
    pub fn options(&self) -> &ClientOptions {
        &self.opts
    }

    /// The protocol version spoken.
    pub fn version(&self) -> ProtocolVersion {
        self.opts.version
    }

    /// QoS 1/2 publishes sent and not yet acknowledged.
    pub fn in_flight(&self) -> usize {
        self.session.in_flight_len()
    }

    /// QoS 1/2 publishes waiting to be sent.
    pub fn queued(&self) -> usize {
        self.queue.len()
    }

    /// When the reconnect policy will ask for a new transport ([`Event::Reconnect`]), if a
    /// try is scheduled: after a connection ends, `None` means the client gave up (it was
    /// closed locally, refused for good, or has no policy).
    pub fn reconnect_at(&self) -> Option<Instant> {
        self.timers.get(Timer::Reconnect)
    }

    /// Whether `filter` is one of the subscriptions this client keeps for resubscribing:
    /// the server granted it and it was not unsubscribed since. After a reconnect these
    /// need nothing from the application: a resumed session still holds them, and when
    /// the server lost the session the client subscribes to them again itself if it
    /// [`resubscribes`](Client::resubscribes).
    pub fn keeps_subscription(&self, filter: &str) -> bool {
        self.active.iter().any(|(s, _)| *s.filter == *filter)
    }

    /// Whether the client subscribes again to the subscriptions it keeps after a
    /// connection on which the server lost the session (the reconnect policy's
    /// `resubscribe`).
    pub fn resubscribes(&self) -> bool {
        self.opts.reconnect.is_some_and(|p| p.resubscribe)
    }

    // ---- commands ----

    /// Uses `a` for enhanced authentication (MQTT 5): CONNECT then names its method.
    pub fn set_authenticator(&mut self, a: Box<dyn Authenticator>) {
        self.authenticator = Some(a);
    }

    /// Stops using enhanced authentication (for the next CONNECT).
    pub fn clear_authenticator(&mut self) {
        self.authenticator = None;
    }

    /// Replaces the options while not connected, keeping the session: the in-flight and
    /// queued QoS 1/2 messages, QoS 2 receipts, and the subscriptions to restore. The
    /// caller keeps a client only for the same session (client id and broker); another
    /// client id discards what was in flight (reported as [`Event::PublishLost`]). The
    /// new options take effect at the next [`connect`](Client::connect).
    pub fn set_options(&mut self, opts: ClientOptions) -> Result<(), ClientError> {
        if self.conn.is_open() {
            return Err(ClientError::InvalidState {
                expected: "idle or closed",
            });
        }
        if opts.client_id != self.opts.client_id {
            // A session belongs to its client id [MQTT-3.1.3-2]: another id has none here.
            self.discard_session();
        }
        // A reconnect scheduled by the old policy is dropped with it.
        self.backoff = Backoff::new(opts.reconnect.map_or(0, |p| p.seed));
        self.timers.stop(Timer::Reconnect);
        self.opts = opts;
        Ok(())
    }

    /// Sends CONNECT on a freshly opened transport.
    pub fn connect(&mut self, now: Instant) -> Result<(), ClientError> {
        if self.conn.is_open() {
            return Err(ClientError::InvalidState {
                expected: "idle or closed",
            });
        }
        let mut connect = self.connect_packet();
        if let (Some(a), true) = (self.authenticator.as_mut(), self.opts.version.is_v5()) {
            let props = connect.properties.to_mut();
            props.authentication_method = Some(a.method().to_owned().into());
            props.authentication_data = a.start().map_err(ClientError::Auth)?.map(Into::into);
        }
        Packet::Connect(Box::new(connect.clone())).encoded_len(self.opts.version)?;
        let link = Link::new(self.opts.version, receive_limit(&self.opts), now);
        self.enter(Conn::Connecting(link));
        self.timers
            .set(Timer::Connect, now + self.opts.connect_timeout);
        self.send(now, Packet::Connect(Box::new(connect)));
        Ok(())
    }

    /// Whether the CONNECT these options make can be sent: what [`connect`](Client::connect)
    /// checks, for a caller that refuses bad options before it opens a transport (a client
    /// id with U+0000, a will topic with a wildcard, an MQTT 3.1.1 password without a user
    /// name, ...).
    pub fn check_connect(&self) -> Result<(), ClientError> {
        Packet::Connect(Box::new(self.connect_packet())).encoded_len(self.opts.version)?;
        Ok(())
    }

    /// Publishes a message. QoS 0 needs a connection; QoS 1/2 messages wait in a bounded
    /// queue for a send slot (the server's Receive Maximum) or for the connection.
    pub fn publish(&mut self, now: Instant, msg: Message) -> Result<PublishHandle, ClientError> {
        self.check_publish(&msg)?;
        if msg.qos == QoS::AtMostOnce && self.state() != State::Connected {
            return Err(ClientError::InvalidState {
                expected: "connected to publish at QoS 0",
            });
        }
        if msg.qos != QoS::AtMostOnce && self.queue.len() >= self.opts.max_queued {
            return Err(ClientError::QueueFull {
                capacity: self.opts.max_queued,
            });
        }
        // A QoS 1/2 message gets its real identifier when a send slot frees up; the
        // placeholder has the same size.
        let qos_pid = match msg.qos {
            QoS::AtMostOnce => QosPid::AtMostOnce,
            QoS::AtLeastOnce => QosPid::AtLeastOnce(PacketId::MIN),
            QoS::ExactlyOnce => QosPid::ExactlyOnce(PacketId::MIN),
        };
        let publish = msg.into_publish(qos_pid);
        self.check_fits(publish.encoded_len(self.opts.version)?)?;
        let handle = self.new_publish_handle();
        if qos_pid == QosPid::AtMostOnce {
            let publish = self.with_alias(publish);
            self.send(now, Packet::Publish(publish));
            self.event(Event::PublishSent { handle });
        } else {
            self.queue.push_back((handle, publish));
            self.flush_queue(now);
        }
        Ok(handle)
    }

    /// Publishes a request (MQTT 5, 4.10): sets `response_topic` and a unique Correlation
    /// Data, and reports a publish that carries it back as [`Event::Response`]. The caller
    /// subscribes to `response_topic`.
    pub fn request(
        &mut self,
        now: Instant,
        mut msg: Message,
        response_topic: &str,
    ) -> Result<PublishHandle, ClientError> {
        if !self.opts.version.is_v5() {
            return Err(ClientError::Usage(crate::codec::UsageError::NotInVersion {
                what: "request/response",
            }));
        }
        let correlation = format!("mqttscope-{}", self.next_handle + 1).into_bytes();
        msg.properties.response_topic = Some(response_topic.to_owned().into());
        msg.properties.correlation_data = Some(correlation.clone().into());
        let handle = self.publish(now, msg)?;
        self.pending_responses.insert(correlation, handle);
        Ok(handle)
    }

    /// Subscribes to `subscriptions`.
    pub fn subscribe(
        &mut self,
        now: Instant,
        subscriptions: Vec<Subscription<'static>>,
        properties: SubscribeProperties<'static>,
    ) -> Result<RequestHandle, ClientError> {
        self.require_connected()?;
        let packet_id = self.alloc_id().ok_or(ClientError::NoPacketId)?;
        let request = Request::Subscribe {
            subscriptions: subscriptions.clone(),
            properties: properties.clone(),
        };
        let packet = Packet::Subscribe(Subscribe {
            packet_id,
            properties: properties.into(),
            subscriptions,
        });
        self.check_size(&packet)?;
        Ok(self.send_request(now, packet_id, packet, request, None))
    }

    /// Unsubscribes from `filters`.
    pub fn unsubscribe(
        &mut self,
        now: Instant,
        filters: Vec<String>,
        properties: UnsubscribeProperties<'static>,
    ) -> Result<RequestHandle, ClientError> {
        self.require_connected()?;
        let packet_id = self.alloc_id().ok_or(ClientError::NoPacketId)?;
        let request = Request::Unsubscribe {
            filters: filters.clone(),
        };
        let filters = filters.into_iter().map(Into::into).collect();
        let packet = Packet::Unsubscribe(Unsubscribe {
            packet_id,
            properties: properties.into(),
            filters,
        });
        self.check_size(&packet)?;
        Ok(self.send_request(now, packet_id, packet, request, None))
    }

    /// Forgets `filters` while not connected (use [`unsubscribe`](Client::unsubscribe)
    /// when connected): they are not subscribed again after a reconnect, and when the
    /// next CONNACK resumes a session, which still holds them, the client sends
    /// UNSUBSCRIBE for them first.
    pub fn forget_subscriptions(&mut self, filters: Vec<String>) {
        self.note_unsubscribed(&filters);
        for f in filters {
            if !self.forgotten.contains(&f) {
                self.forgotten.push(f);
            }
        }
    }

    /// Starts re-authentication (AUTH 0x19) while traffic continues; success is reported
    /// as [`Event::Reauthenticated`].
    pub fn reauthenticate(&mut self, now: Instant) -> Result<(), ClientError> {
        self.require_connected()?;
        let a = self
            .authenticator
            .as_mut()
            .ok_or(ClientError::InvalidState {
                expected: "set up with an authenticator",
            })?;
        let mut auth = crate::codec::Auth {
            reason: ReasonCode::ReAuthenticate,
            ..Default::default()
        };
        let props = auth.properties.to_mut();
        props.authentication_method = Some(a.method().to_owned().into());
        props.authentication_data = a.start().map_err(ClientError::Auth)?.map(Into::into);
        if let Some(c) = self.conn.connected_mut() {
            c.reauthenticating = true;
        }
        self.send(now, Packet::Auth(auth));
        Ok(())
    }

    /// Sends DISCONNECT with `reason` and ends the connection. The session survives for a
    /// later `connect` with `clean_start` false.
    pub fn disconnect(&mut self, now: Instant, reason: ReasonCode) -> Result<(), ClientError> {
        self.require_connected()?;
        let packet = Packet::Disconnect(Disconnect::new(reason));
        packet.encoded_len(self.opts.version)?;
        self.send(now, packet);
        self.close(now, DisconnectCause::Local(reason));
        Ok(())
    }

    // ---- inputs ----

    /// Bytes arrived from the transport at `at` that the caller holds back for now instead
    /// of feeding them (its flow control: the application is behind): the server is
    /// there. They answer for the keep-alive as its PINGRESP would, when they came after
    /// the PINGREQ, so that a slow application does not end a live connection as a silent
    /// server's ([`DisconnectCause::KeepAliveTimeout`]); the bytes themselves come later,
    /// in order, through [`handle_bytes`](Client::handle_bytes).
    pub fn handle_withheld(&mut self, at: Instant) {
        let interval = self.keep_alive_interval();
        let Some(link) = self.conn.link_mut() else {
            return;
        };
        link.last_received = link.last_received.max(at);
        if let (Some(deadline), Some(interval)) = (self.timers.get(Timer::PingResponse), interval) {
            // The PINGREQ went out half an interval before its deadline.
            if at + interval / 2 >= deadline {
                self.timers.stop(Timer::PingResponse);
            }
        }
    }

    /// Feeds bytes received from the transport (any framing).
    pub fn handle_bytes(&mut self, now: Instant, bytes: &[u8]) {
        let Some(link) = self.conn.link_mut() else {
            return;
        };
        let mut packets = Vec::new();
        let mut failure = None;
        {
            let mut frames = link.framer.feed(bytes);
            loop {
                match frames.next_frame() {
                    Ok(Some(frame)) => packets.push(frame.to_vec()),
                    Ok(None) => break,
                    Err(e) => {
                        failure = Some(e);
                        break;
                    }
                }
            }
        }
        for frame in packets {
            if !self.conn.is_open() {
                return;
            }
            self.handle_frame(now, frame);
        }
        // What the framer refused after a packet that ended the connection is moot.
        if let Some(e) = failure.filter(|_| self.conn.is_open()) {
            self.stream_failed(now, e);
        }
    }

    /// Fires whatever timers are due. Calling it early, or twice, does nothing.
    pub fn handle_timeout(&mut self, now: Instant) {
        for t in Timer::ALL {
            if self.timers.expire(t, now) {
                self.on_timer(now, t);
            }
        }
        self.keep_alive(now);
    }

    /// The transport closed, or (after [`Event::Reconnect`]) could not be opened.
    pub fn handle_closed(&mut self, now: Instant) {
        if self.conn.is_open() {
            self.close(now, DisconnectCause::TransportClosed);
        } else if self.state() == State::Closed && self.timers.get(Timer::Reconnect).is_none() {
            self.schedule_reconnect(now);
        }
    }

    // ---- output ----

    /// The next output. Drain until [`Output::Timeout`]. (`now` is part of the contract so
    /// that outputs may depend on time later without changing callers.)
    pub fn poll_output(&mut self, _now: Instant) -> Output {
        self.outputs
            .pop_front()
            .unwrap_or_else(|| Output::Timeout(self.next_deadline().unwrap_or(NEVER)))
    }
}

/// The largest packet this client accepts: its receive limit, or the smaller Maximum
/// Packet Size its options set for MQTT 5; never above the largest MQTT packet, and never
/// 0 (a Maximum Packet Size of 0 is a Protocol Error).
fn receive_limit(o: &ClientOptions) -> usize {
    const LARGEST_PACKET: usize = crate::codec::MAX_REMAINING_LENGTH as usize + 5;
    let announced = match (o.version.is_v5(), o.properties.maximum_packet_size) {
        (true, Some(max)) => max.get() as usize,
        _ => usize::MAX,
    };
    o.receive_limit.min(announced).clamp(1, LARGEST_PACKET)
}

/// Copies the limits CONNACK announces.
fn limits_from(props: &Props<'_, ConnAckProperties<'_>>, keep_alive: u16) -> ServerLimits {
    ServerLimits {
        receive_maximum: props.receive_maximum().map_or(u16::MAX, |n| n.get()),
        maximum_qos: props.maximum_qos().unwrap_or(QoS::ExactlyOnce),
        retain_available: props.retain_available().unwrap_or(true),
        maximum_packet_size: props.maximum_packet_size().map(|n| n.get()),
        keep_alive: props.server_keep_alive().unwrap_or(keep_alive),
        topic_alias_maximum: props.topic_alias_maximum().unwrap_or(0),
    }
}
