//! What the client does with each packet the server sends.

use crate::codec::{
    Ack, ConnAck, Packet, PacketId, PacketType, Publish, QosPid, ReasonCode, SubAck, UnsubAck,
};

use super::{
    limits_from, Client, Connected, Direction, DisconnectCause, Event, Instant, PacketRecord,
    Pending, ProtocolError, Request, RequestOrigin, State, Timer,
};
use crate::client::session::Awaiting;

impl Client {
    /// Decodes one complete packet, reports it, and acts on it.
    pub(super) fn handle_frame(&mut self, now: Instant, frame: Vec<u8>) {
        if let Some(link) = self.conn.link_mut() {
            link.last_received = now;
        }
        let packet = match Packet::decode_exact(&frame, self.opts.version) {
            Ok(p) => p.into_owned(),
            Err(e) => return self.protocol_error(now, e.into()),
        };
        self.event(Event::Packet(PacketRecord {
            direction: Direction::Received,
            at: now,
            bytes: frame,
            packet: packet.clone(),
        }));
        if let Err(e) = self.dispatch(now, packet) {
            self.protocol_error(now, e);
        }
    }

    fn dispatch(&mut self, now: Instant, packet: Packet<'static>) -> Result<(), ProtocolError> {
        let t = packet.packet_type();
        if self.state() == State::Connecting
            && !matches!(
                t,
                PacketType::ConnAck | PacketType::Auth | PacketType::Disconnect
            )
        {
            // The server sends CONNACK before any other packet but AUTH [MQTT-3.2.0-1].
            return Err(ProtocolError::new(
                ReasonCode::ProtocolError,
                "MQTT-3.2.0-1",
                format!("{t} before CONNACK"),
            ));
        }
        match packet {
            Packet::ConnAck(c) => self.on_connack(now, c),
            Packet::Publish(p) => self.on_publish(now, p),
            Packet::PubAck(a) => self.on_puback(now, a),
            Packet::PubRec(a) => self.on_pubrec(now, a),
            Packet::PubRel(a) => self.on_pubrel(now, a),
            Packet::PubComp(a) => self.on_pubcomp(now, a),
            Packet::SubAck(s) => self.on_suback(s),
            Packet::UnsubAck(u) => self.on_unsuback(u),
            Packet::PingResp => {
                self.timers.stop(Timer::PingResponse);
                Ok(())
            }
            Packet::Disconnect(d) => {
                self.close(
                    now,
                    DisconnectCause::Server {
                        reason: d.reason,
                        properties: d.properties.into_inner(),
                    },
                );
                Ok(())
            }
            Packet::Auth(a) => self.on_auth(now, a),
            Packet::Connect(_)
            | Packet::Subscribe(_)
            | Packet::Unsubscribe(_)
            | Packet::PingReq => Err(ProtocolError::new(
                ReasonCode::ProtocolError,
                "2.1.2",
                format!("a server does not send {t}"),
            )),
        }
    }

    fn on_connack(&mut self, now: Instant, c: ConnAck<'static>) -> Result<(), ProtocolError> {
        if self.state() != State::Connecting {
            // At most one CONNACK per connection [MQTT-3.2.0-2].
            return Err(ProtocolError::new(
                ReasonCode::ProtocolError,
                "MQTT-3.2.0-2",
                "a second CONNACK",
            ));
        }
        self.timers.stop(Timer::Connect);
        if c.reason.is_error() {
            self.close(
                now,
                DisconnectCause::Refused {
                    reason: c.reason,
                    properties: c.properties.into_inner(),
                },
            );
            return Ok(());
        }
        if c.session_present && self.opts.clean_start {
            // A client without session state that gets Session Present 1 closes [MQTT-3.2.2-4].
            return Err(ProtocolError::new(
                ReasonCode::ProtocolError,
                "MQTT-3.2.2-4",
                "Session Present 1 answers a Clean Start",
            ));
        }
        if let Some(a) = self
            .authenticator
            .as_mut()
            .filter(|_| self.opts.version.is_v5())
        {
            // The server proves it knows the secret in the CONNACK's data.
            a.finish(c.properties.authentication_data())
                .map_err(auth_failed)?;
        }
        let limits = limits_from(&c.properties, self.opts.keep_alive);
        // Aliases never survive a connection [MQTT-3.3.2-7]: each starts without any.
        let alias_maximum = if self.opts.version.is_v5() {
            limits.topic_alias_maximum
        } else {
            0
        };
        self.conn
            .establish(|link| Connected::new(link, limits, alias_maximum));
        self.timers.set(Timer::Stable, now + self.stable_after());
        if c.session_present {
            self.resend_in_flight(now);
        } else {
            // The server has no session: discard ours [MQTT-3.2.2-5].
            self.discard_session();
        }
        self.event(Event::Connected {
            session_present: c.session_present,
            properties: c.properties.into_inner(),
        });
        self.unsubscribe_forgotten(now, c.session_present);
        if !c.session_present {
            self.resubscribe(now);
        }
        self.flush_queue(now);
        Ok(())
    }

    /// Empties the session. What was in flight is reported, not sent again as new: the
    /// server may have it already.
    pub(super) fn discard_session(&mut self) {
        for f in self.session.clear() {
            let stage = f.state.stage();
            self.event(Event::PublishLost {
                handle: f.handle,
                message: f.publish,
                stage,
            });
        }
    }

    fn on_publish(&mut self, now: Instant, mut p: Publish<'static>) -> Result<(), ProtocolError> {
        self.resolve_topic_alias(&mut p)?;
        self.match_response(&p);
        match p.qos_pid {
            QosPid::AtMostOnce => self.event(Event::Message(p)),
            QosPid::AtLeastOnce(id) => {
                self.event(Event::Message(p));
                self.send(now, Packet::PubAck(Ack::new(id)));
            }
            QosPid::ExactlyOnce(id) => self.on_publish_qos2(now, id, p)?,
        }
        Ok(())
    }

    /// QoS 2 receiver: deliver once, keep the identifier until PUBREL, answer duplicates
    /// with PUBREC only; more unreleased messages than our Receive Maximum is 0x93.
    fn on_publish_qos2(
        &mut self,
        now: Instant,
        id: PacketId,
        p: Publish<'static>,
    ) -> Result<(), ProtocolError> {
        if !self.session.inbound_qos2.contains(&id) {
            let max = self
                .opts
                .properties
                .receive_maximum
                .map_or(u16::MAX, |n| n.get());
            if self.opts.version.is_v5() && self.session.inbound_qos2.len() >= usize::from(max) {
                return Err(ProtocolError::new(
                    ReasonCode::ReceiveMaximumExceeded,
                    "MQTT-3.3.4-9",
                    format!("more than {max} QoS 2 messages unreleased"),
                ));
            }
            self.session.inbound_qos2.insert(id);
            self.event(Event::Message(p));
        }
        self.send(now, Packet::PubRec(Ack::new(id)));
        Ok(())
    }

    /// A step of enhanced authentication (4.12): only after CONNECT named a method, always
    /// with the same method; Continue is answered with our next step, Success ends a
    /// re-authentication.
    fn on_auth(
        &mut self,
        now: Instant,
        a: crate::codec::Auth<'static>,
    ) -> Result<(), ProtocolError> {
        let connecting = self.state() == State::Connecting;
        let reauthenticating = self.conn.connected().is_some_and(|c| c.reauthenticating);
        let Some(auth) = self.authenticator.as_mut() else {
            return Err(ProtocolError::new(
                ReasonCode::ProtocolError,
                "4.12",
                "AUTH, but CONNECT named no Authentication Method",
            ));
        };
        if a.properties.authentication_method() != Some(auth.method()) {
            return Err(ProtocolError::new(
                ReasonCode::BadAuthenticationMethod,
                "4.12",
                "AUTH with another Authentication Method",
            ));
        }
        let data = a.properties.authentication_data();
        match a.reason {
            ReasonCode::ContinueAuthentication if connecting || reauthenticating => {
                let reply = auth.challenge(data).map_err(auth_failed)?;
                let mut out = crate::codec::Auth {
                    reason: ReasonCode::ContinueAuthentication,
                    ..Default::default()
                };
                let props = out.properties.to_mut();
                props.authentication_method = Some(auth.method().to_owned().into());
                props.authentication_data = reply.map(Into::into);
                self.send(now, Packet::Auth(out));
                Ok(())
            }
            ReasonCode::Success if reauthenticating => {
                // A failed re-authentication closes the connection [MQTT-4.12.1-2].
                auth.finish(data).map_err(|e| ProtocolError {
                    rule: "MQTT-4.12.1-2",
                    ..auth_failed(e)
                })?;
                if let Some(c) = self.conn.connected_mut() {
                    c.reauthenticating = false;
                }
                self.event(Event::Reauthenticated);
                Ok(())
            }
            r => Err(ProtocolError::new(
                ReasonCode::ProtocolError,
                "4.12",
                format!("AUTH {r} out of place"),
            )),
        }
    }

    /// Reports a publish that answers one of our requests.
    fn match_response(&mut self, p: &Publish<'static>) {
        let Some(data) = p.properties.correlation_data() else {
            return;
        };
        if let Some(handle) = self.pending_responses.remove(data) {
            self.event(Event::Response {
                handle,
                message: p.clone(),
            });
        }
    }

    /// Applies an inbound Topic Alias: 1 to our advertised maximum; a topic rebinds it,
    /// an empty topic uses it; anything else is 0x94 [MQTT-3.3.2-10].
    fn resolve_topic_alias(&mut self, p: &mut Publish<'static>) -> Result<(), ProtocolError> {
        let Some(alias) = p.properties.topic_alias().map(|a| a.get()) else {
            return Ok(());
        };
        let max = self.opts.properties.topic_alias_maximum.unwrap_or(0);
        let invalid = |detail: String| {
            ProtocolError::new(ReasonCode::TopicAliasInvalid, "MQTT-3.3.2-10", detail)
        };
        if alias > max {
            return Err(invalid(format!(
                "Topic Alias {alias} above our maximum {max}"
            )));
        }
        // A PUBLISH only ever arrives connected (dispatch refuses one before CONNACK).
        let Some(c) = self.conn.connected_mut() else {
            return Ok(());
        };
        if p.topic.is_empty() {
            let topic = c
                .inbound_aliases
                .get(&alias)
                .ok_or_else(|| invalid(format!("unknown Topic Alias {alias}")))?;
            p.topic = topic.clone().into();
        } else {
            c.inbound_aliases.insert(alias, p.topic.to_string());
        }
        Ok(())
    }

    fn on_puback(&mut self, now: Instant, a: Ack<'static>) -> Result<(), ProtocolError> {
        match self.session.get_mut(a.packet_id).map(|f| f.state) {
            Some(Awaiting::Ack) => {
                self.finish_publish(a.packet_id, a.reason);
                self.flush_queue(now);
            }
            _ => self.stray_ack(PacketType::PubAck, a.packet_id),
        }
        Ok(())
    }

    fn on_pubrec(&mut self, now: Instant, a: Ack<'static>) -> Result<(), ProtocolError> {
        let id = a.packet_id;
        match self.session.get_mut(id) {
            // A PUBREC >= 0x80 ends the exchange: no PUBREL [MQTT-4.3.3-4].
            Some(f) if f.state == Awaiting::Rec && a.reason.is_error() => {
                self.finish_publish(id, a.reason);
                self.flush_queue(now);
            }
            Some(f) if matches!(f.state, Awaiting::Rec | Awaiting::Comp) => {
                f.state = Awaiting::Comp;
                self.send(now, Packet::PubRel(Ack::new(id)));
            }
            _ if self.opts.version.is_v5() => {
                let reason = ReasonCode::PacketIdentifierNotFound;
                self.send(
                    now,
                    Packet::PubRel(Ack {
                        reason,
                        ..Ack::new(id)
                    }),
                );
            }
            _ => self.stray_ack(PacketType::PubRec, id),
        }
        Ok(())
    }

    fn on_pubrel(&mut self, now: Instant, a: Ack<'static>) -> Result<(), ProtocolError> {
        let known = self.session.inbound_qos2.remove(&a.packet_id);
        let reason = if known || !self.opts.version.is_v5() {
            ReasonCode::Success
        } else {
            ReasonCode::PacketIdentifierNotFound
        };
        self.send(
            now,
            Packet::PubComp(Ack {
                reason,
                ..Ack::new(a.packet_id)
            }),
        );
        Ok(())
    }

    fn on_pubcomp(&mut self, now: Instant, a: Ack<'static>) -> Result<(), ProtocolError> {
        match self.session.get_mut(a.packet_id).map(|f| f.state) {
            Some(Awaiting::Comp) => {
                self.finish_publish(a.packet_id, a.reason);
                self.flush_queue(now);
            }
            _ => self.stray_ack(PacketType::PubComp, a.packet_id),
        }
        Ok(())
    }

    fn finish_publish(&mut self, id: PacketId, reason: ReasonCode) {
        if let Some(f) = self.session.remove(id) {
            self.event(Event::PublishDone {
                handle: f.handle,
                reason,
            });
        }
    }

    fn on_suback(&mut self, s: SubAck<'static>) -> Result<(), ProtocolError> {
        let Pending {
            origin, request, ..
        } = self.take_request(PacketType::SubAck, s.packet_id)?;
        let Request::Subscribe {
            subscriptions,
            properties,
        } = request
        else {
            return Err(self.lost(
                origin,
                request,
                wrong_ack(self.opts.version.is_v5(), PacketType::SubAck, s.packet_id),
            ));
        };
        let rule = if self.opts.version.is_v5() {
            "MQTT-3.8.4-6"
        } else {
            "MQTT-3.8.4-5"
        };
        if let Some(e) = miscount(
            PacketType::SubAck,
            subscriptions.len(),
            &s.reason_codes,
            rule,
        ) {
            let request = Request::Subscribe {
                subscriptions,
                properties,
            };
            return Err(self.lost(origin, request, e));
        }
        self.note_granted(&subscriptions, &properties, &s.reason_codes);
        self.event(Event::Subscribed {
            origin,
            subscriptions,
            properties,
            reasons: s.reason_codes,
        });
        Ok(())
    }

    fn on_unsuback(&mut self, u: UnsubAck<'static>) -> Result<(), ProtocolError> {
        let Pending {
            origin, request, ..
        } = self.take_request(PacketType::UnsubAck, u.packet_id)?;
        let Request::Unsubscribe { filters } = request else {
            return Err(self.lost(
                origin,
                request,
                wrong_ack(self.opts.version.is_v5(), PacketType::UnsubAck, u.packet_id),
            ));
        };
        // MQTT 3 UNSUBACK carries no codes.
        let rule = "MQTT-3.11.3-2";
        let miscounted = self
            .opts
            .version
            .is_v5()
            .then(|| miscount(PacketType::UnsubAck, filters.len(), &u.reason_codes, rule))
            .flatten();
        if let Some(e) = miscounted {
            return Err(self.lost(origin, Request::Unsubscribe { filters }, e));
        }
        self.note_unsubscribed(&filters);
        self.event(Event::Unsubscribed {
            origin,
            filters,
            reasons: u.reason_codes,
        });
        Ok(())
    }

    /// Reports a request lost to the acknowledgement's error `e`, which ends the
    /// connection; returns `e`.
    fn lost(&mut self, origin: RequestOrigin, request: Request, e: ProtocolError) -> ProtocolError {
        self.event(Event::RequestLost { origin, request });
        e
    }

    /// An acknowledgement for an identifier we are not waiting on [MQTT-2.2.1-5]: a
    /// duplicate, or one the server made up. It is reported, and the connection goes on:
    /// nothing of ours is at risk (the publish it names is already done, or never was),
    /// while ending the connection would make a reconnect loop of a broker bug that
    /// repeats. MQTT.js and mosquitto's clients ignore such acks too.
    fn stray_ack(&mut self, t: PacketType, id: PacketId) {
        self.event(Event::Violation(unknown_id(t, id)));
    }

    fn take_request(&mut self, t: PacketType, id: PacketId) -> Result<Pending, ProtocolError> {
        self.conn
            .connected_mut()
            .and_then(|c| c.requests.remove(&id))
            .ok_or_else(|| unknown_id(t, id))
    }
}

/// An acknowledgement for an identifier we are not waiting on [MQTT-2.2.1-5].
fn unknown_id(t: PacketType, id: PacketId) -> ProtocolError {
    ProtocolError::new(
        ReasonCode::ProtocolError,
        "MQTT-2.2.1-5",
        format!("{t} for packet identifier {id}, which is not in use"),
    )
}

/// One reason code per filter, or the acknowledgement is a Protocol Error: the error
/// when the count is wrong.
fn miscount(
    t: PacketType,
    asked: usize,
    reasons: &[ReasonCode],
    rule: &'static str,
) -> Option<ProtocolError> {
    let answered = reasons.len();
    (asked != answered).then(|| {
        ProtocolError::new(
            ReasonCode::ProtocolError,
            rule,
            format!("{t} with {answered} reason codes for {asked} topic filters"),
        )
    })
}

/// A SUBACK for an UNSUBSCRIBE's identifier, or an UNSUBACK for a SUBSCRIBE's: an
/// acknowledgement must echo the identifier of the request it answers [MQTT-2.2.1-6]
/// (3.1.1: [MQTT-2.3.1-7]).
fn wrong_ack(v5: bool, t: PacketType, id: PacketId) -> ProtocolError {
    let rule = if v5 { "MQTT-2.2.1-6" } else { "MQTT-2.3.1-7" };
    let asked = match t {
        PacketType::SubAck => "an UNSUBSCRIBE",
        _ => "a SUBSCRIBE",
    };
    ProtocolError::new(
        ReasonCode::ProtocolError,
        rule,
        format!("{t} for packet identifier {id}, which {asked} holds"),
    )
}

/// The server failed our check of its authentication step.
fn auth_failed(e: super::AuthError) -> ProtocolError {
    ProtocolError::new(
        ReasonCode::NotAuthorized,
        "4.12",
        format!("authentication failed: {e}"),
    )
}
