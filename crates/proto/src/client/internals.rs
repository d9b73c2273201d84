//! The client's own plumbing: building CONNECT, sending and reporting packets, and ending
//! a connection (with the reconnect policy's say).

use super::*;

impl Client {
    pub(super) fn connect_packet(&self) -> Connect<'static> {
        let o = &self.opts;
        let mut c = Connect::new(o.version, o.client_id.clone());
        c.clean_start = o.clean_start;
        c.keep_alive = o.keep_alive;
        c.username = o.username.clone().map(Into::into);
        c.password = o.password.clone().map(Into::into);
        c.will = o.will.clone();
        if o.version.is_v5() {
            let mut props = o.properties.clone();
            // Always announce the receive limit, so that the server drops what we would
            // refuse instead of ending the connection with it [MQTT-3.1.2-25].
            props.maximum_packet_size = std::num::NonZeroU32::new(receive_limit(o) as u32);
            c.properties = props.into();
        }
        c
    }

    pub(super) fn require_connected(&self) -> Result<(), ClientError> {
        if self.state() == State::Connected {
            Ok(())
        } else {
            Err(ClientError::InvalidState {
                expected: "connected",
            })
        }
    }

    /// Encodes and queues one packet, reporting it.
    pub(super) fn send(&mut self, now: Instant, packet: Packet<'static>) {
        let mut bytes = Vec::new();
        if let Err(e) = packet.encode(self.opts.version, &mut bytes) {
            // Commands check packets before they get here; what can still fail is data from
            // a custom authenticator. Nothing malformed is sent: the connection ends.
            if self.state() != State::Closed {
                self.close(
                    now,
                    DisconnectCause::Internal(format!(
                        "could not encode {}: {e}",
                        packet.packet_type()
                    )),
                );
            }
            return;
        }
        if let Some(link) = self.conn.link_mut() {
            link.last_sent = now;
        }
        self.outputs.push_back(Output::Transmit(bytes.clone()));
        self.event(Event::Packet(PacketRecord {
            direction: Direction::Sent,
            at: now,
            bytes,
            packet,
        }));
    }

    pub(super) fn event(&mut self, e: Event) {
        self.outputs.push_back(Output::Event(e));
    }

    /// Leaves the current state for `next` (`Connecting` or `Closed`), returning the state
    /// left with its data. Every timer belongs to the state that armed it: none survives.
    pub(super) fn enter(&mut self, next: Conn) -> Conn {
        self.timers.clear();
        std::mem::replace(&mut self.conn, next)
    }

    /// A packet identifier free for a PUBLISH, SUBSCRIBE or UNSUBSCRIBE.
    pub(super) fn alloc_id(&mut self) -> Option<PacketId> {
        let conn = &self.conn;
        self.session.alloc_id(|id| conn.holds_request(id))
    }

    /// Ends the connection (the driver closes the transport on the event), and arms the
    /// reconnect timer when the policy says another try may help.
    pub(super) fn close(&mut self, now: Instant, cause: DisconnectCause) {
        let oversized = cause.is_oversized();
        let repeated = oversized && std::mem::replace(&mut self.oversized, true);
        self.oversized |= oversized;
        let closed = Closed {
            limits: self.limits(),
            retrying: self.opts.reconnect.is_some()
                && !repeated
                && reconnect::worth_retrying(&cause),
        };
        if let Conn::Connected(c) = self.enter(Conn::Closed(closed)) {
            self.lose_requests(c.requests);
        }
        self.event(Event::Disconnected(cause));
        self.schedule_reconnect(now);
    }

    /// Acknowledgements die with their connection: a request still waiting for one is
    /// lost, and its handle says so. An UNSUBSCRIBE without its UNSUBACK still stands:
    /// its filters are forgotten as if unsubscribed offline, so that they are not
    /// resubscribed, and are unsubscribed again if the server resumes the session.
    fn lose_requests(&mut self, requests: HashMap<PacketId, Pending>) {
        let mut lost: Vec<Pending> = requests.into_values().collect();
        lost.sort_by_key(|p| p.handle);
        let unsubscribed = lost.iter().filter_map(|p| match &p.request {
            Request::Unsubscribe { filters } => Some(filters.iter().cloned()),
            Request::Subscribe { .. } => None,
        });
        let unsubscribed = unsubscribed.flatten().collect();
        self.forget_subscriptions(unsubscribed);
        for Pending {
            origin, request, ..
        } in lost
        {
            self.event(Event::RequestLost { origin, request });
        }
    }

    pub(super) fn schedule_reconnect(&mut self, now: Instant) {
        if let (true, Some(policy)) = (self.conn.retrying(), self.opts.reconnect) {
            let delay = self.backoff.next_delay(&policy);
            self.timers.set(Timer::Reconnect, now + delay);
        }
    }

    /// The framer refused the stream. A packet over our receive limit is the server's
    /// violation in MQTT 5, where the limit was announced [MQTT-3.1.2-24]; MQTT 3 cannot
    /// announce one, so there it is our limit, not the server's fault.
    pub(super) fn stream_failed(&mut self, now: Instant, e: crate::codec::DecodeError) {
        match e.kind {
            crate::codec::DecodeErrorKind::PacketTooLarge { size, max }
                if !self.opts.version.is_v5() =>
            {
                self.close(now, DisconnectCause::TooLarge { size, limit: max })
            }
            _ => self.protocol_error(now, ProtocolError::from(e)),
        }
    }

    /// The server broke a rule: DISCONNECT with the reason (MQTT 5), then close.
    pub(super) fn protocol_error(&mut self, now: Instant, e: ProtocolError) {
        if self.opts.version.is_v5() && self.state() != State::Closed {
            let reason = if e.reason.allowed_in(PacketType::Disconnect) {
                e.reason
            } else {
                ReasonCode::ProtocolError
            };
            self.send(now, Packet::Disconnect(Disconnect::new(reason)));
        }
        self.close(now, DisconnectCause::Protocol(e));
    }
}
