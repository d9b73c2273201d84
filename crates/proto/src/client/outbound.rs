//! What the client sends on its own account: checks before a publish, the queue and the
//! send window (Receive Maximum), resends after a resumed session, Topic Aliases, and
//! resubscribing.

use super::*;

impl Client {
    /// Checks a message against the server's limits (its size is checked once it is a
    /// packet, see [`Client::publish`]).
    pub(super) fn check_publish(&self, msg: &Message) -> Result<(), ClientError> {
        let limits = self.limits();
        if msg.qos > limits.maximum_qos {
            return Err(ClientError::QosNotSupported);
        }
        if msg.retain && !limits.retain_available {
            return Err(ClientError::RetainNotSupported);
        }
        if !msg.properties.subscription_identifiers.is_empty() {
            // Only a server's PUBLISH carries Subscription Identifiers [MQTT-3.3.4-6].
            return Err(ClientError::SubscriptionIdentifierInPublish);
        }
        if msg
            .properties
            .topic_alias
            .is_some_and(|a| a.get() > limits.topic_alias_maximum)
        {
            // Never above the server's Topic Alias Maximum [MQTT-3.2.2-17].
            return Err(ClientError::TopicAliasInvalid);
        }
        Ok(())
    }

    /// Checks that a packet encodes and fits the server's Maximum Packet Size
    /// [MQTT-3.2.2-15].
    pub(super) fn check_size(&self, packet: &Packet<'_>) -> Result<(), ClientError> {
        self.check_fits(packet.encoded_len(self.opts.version)?)
    }

    /// Checks a packet size against the server's Maximum Packet Size [MQTT-3.2.2-15].
    pub(super) fn check_fits(&self, size: usize) -> Result<(), ClientError> {
        match self.limits().maximum_packet_size {
            Some(max) if size > max as usize => Err(ClientError::PacketTooLarge {
                size,
                max: max as usize,
            }),
            _ => Ok(()),
        }
    }

    pub(super) fn new_publish_handle(&mut self) -> PublishHandle {
        self.next_handle += 1;
        PublishHandle(self.next_handle)
    }

    /// Sends a SUBSCRIBE or UNSUBSCRIBE and waits for its acknowledgement; `own` names
    /// why the client asks on its own, `None` when the application asked.
    pub(super) fn send_request(
        &mut self,
        now: Instant,
        packet_id: PacketId,
        packet: Packet<'static>,
        request: Request,
        own: Option<RequestOrigin>,
    ) -> RequestHandle {
        self.next_handle += 1;
        let handle = RequestHandle(self.next_handle);
        let origin = own.unwrap_or(RequestOrigin::Caller(handle));
        // Only ever called while connected: a request lives on its connection.
        if let Some(c) = self.conn.connected_mut() {
            let pending = Pending {
                handle,
                origin,
                request,
            };
            c.requests.insert(packet_id, pending);
        }
        self.send(now, packet);
        handle
    }

    /// Subscribes again to everything the server had granted, after a reconnect that did
    /// not keep the session: one SUBSCRIBE per set of properties (Subscription Identifier,
    /// User Properties), in the order they were first granted.
    pub(super) fn resubscribe(&mut self, now: Instant) {
        if !self.resubscribes() {
            return;
        }
        for (properties, subs) in group_by_properties(&self.active) {
            let Some(packet_id) = self.alloc_id() else {
                return;
            };
            let request = Request::Subscribe {
                subscriptions: subs.clone(),
                properties: properties.clone(),
            };
            let packet = Packet::Subscribe(Subscribe {
                packet_id,
                properties: properties.into(),
                subscriptions: subs,
            });
            if self.check_size(&packet).is_ok() {
                let own = Some(RequestOrigin::Resubscribe);
                self.send_request(now, packet_id, packet, request, own);
            }
        }
    }

    /// Unsubscribes from the filters forgotten while offline, after a CONNACK that
    /// resumed the session (the server still holds them); forgets them either way.
    pub(super) fn unsubscribe_forgotten(&mut self, now: Instant, session_present: bool) {
        let filters = std::mem::take(&mut self.forgotten);
        if !session_present || filters.is_empty() {
            return;
        }
        let Some(packet_id) = self.alloc_id() else {
            return;
        };
        let packet = Packet::Unsubscribe(Unsubscribe {
            packet_id,
            properties: UnsubscribeProperties::default().into(),
            filters: filters.iter().cloned().map(Into::into).collect(),
        });
        if self.check_size(&packet).is_ok() {
            let request = Request::Unsubscribe { filters };
            let own = Some(RequestOrigin::Forgotten);
            self.send_request(now, packet_id, packet, request, own);
        }
    }

    /// Records what a SUBACK granted, for resubscribing later.
    pub(super) fn note_granted(
        &mut self,
        subs: &[Subscription<'static>],
        properties: &SubscribeProperties<'static>,
        reasons: &[ReasonCode],
    ) {
        for (sub, reason) in subs.iter().zip(reasons) {
            if reason.is_error() {
                continue;
            }
            self.forgotten.retain(|f| **f != *sub.filter);
            self.active.retain(|(s, _)| s.filter != sub.filter);
            self.active.push((sub.clone(), properties.clone()));
        }
    }

    /// Forgets unsubscribed filters.
    pub(super) fn note_unsubscribed(&mut self, filters: &[String]) {
        self.active
            .retain(|(s, _)| !filters.iter().any(|f| *f == *s.filter));
    }

    /// Sends queued QoS 1/2 publishes while the server's Receive Maximum allows
    /// [MQTT-4.9.0-1]; other packets are never held back by it [MQTT-4.9.0-2].
    /// Publishes of a resumed session waiting for a slot go first, in their order.
    pub(super) fn flush_queue(&mut self, now: Instant) {
        while self.state() == State::Connected && self.session.outstanding() < self.send_window() {
            if let Some((_, publish)) = self.session.next_deferred() {
                self.send(
                    now,
                    Packet::Publish(Publish {
                        dup: true,
                        ..publish
                    }),
                );
                continue;
            }
            let Some((handle, mut publish)) = self.queue.pop_front() else {
                return;
            };
            let Some(id) = self.alloc_id() else {
                self.queue.push_front((handle, publish));
                return;
            };
            let state = match publish.qos_pid {
                QosPid::ExactlyOnce(_) => {
                    publish.qos_pid = QosPid::ExactlyOnce(id);
                    Awaiting::Rec
                }
                _ => {
                    publish.qos_pid = QosPid::AtLeastOnce(id);
                    Awaiting::Ack
                }
            };
            self.session.insert(
                id,
                OutFlight {
                    handle,
                    publish: publish.clone(),
                    state,
                    counted: true,
                },
            );
            let publish = self.with_alias(publish);
            self.send(now, Packet::Publish(publish));
        }
    }

    /// Applies the Topic Alias policy to a first send (a resend carries the full topic).
    pub(super) fn with_alias(&mut self, mut p: Publish<'static>) -> Publish<'static> {
        if self.opts.topic_alias != TopicAliasPolicy::Lru || p.properties.topic_alias().is_some() {
            return p;
        }
        let Some(c) = self.conn.connected_mut() else {
            return p;
        };
        match c.aliases.assign(&p.topic) {
            Some(AliasUse::Bind(a)) => p.properties.to_mut().topic_alias = Some(a),
            Some(AliasUse::Reuse(a)) => {
                p.properties.to_mut().topic_alias = Some(a);
                p.topic = "".into();
            }
            None => {}
        }
        p
    }

    /// How many QoS 1/2 publishes may be in flight: the server's Receive Maximum, capped
    /// by our own limit (20 by default in MQTT 3, see [`ClientOptions::max_in_flight`]).
    pub(super) fn send_window(&self) -> usize {
        let own = match (self.opts.max_in_flight, self.opts.version.is_v5()) {
            (Some(n), _) => n,
            (None, true) => u16::MAX,
            (None, false) => 20,
        };
        usize::from(own.min(self.limits().receive_maximum).max(1))
    }

    /// After a CONNACK with Session Present 1: resend unacknowledged PUBLISH (DUP 1) and
    /// PUBREL with their original identifiers, in their original order [MQTT-4.4.0-1].
    /// PUBLISHes take slots of the new connection's Receive Maximum [MQTT-4.9.0-2]: those
    /// beyond it wait (in order) for acknowledgements; PUBRELs are never held back
    /// [MQTT-4.9.0-3].
    pub(super) fn resend_in_flight(&mut self, now: Instant) {
        let window = self.send_window();
        for id in self.session.begin_resume() {
            let rel = self
                .session
                .get_mut(id)
                .is_some_and(|f| f.state == Awaiting::Comp);
            if rel {
                self.send(now, Packet::PubRel(Ack::new(id)));
            } else if self.session.has_deferred() || self.session.outstanding() >= window {
                self.session.defer_resend(id);
            } else if let Some(publish) = self.session.take_slot(id) {
                self.send(
                    now,
                    Packet::Publish(Publish {
                        dup: true,
                        ..publish
                    }),
                );
            }
        }
    }
}

/// `active` grouped by equal properties, each group in first-granted order.
fn group_by_properties(
    active: &[(Subscription<'static>, SubscribeProperties<'static>)],
) -> Vec<(SubscribeProperties<'static>, Vec<Subscription<'static>>)> {
    let mut groups: Vec<(SubscribeProperties<'static>, Vec<Subscription<'static>>)> = Vec::new();
    for (sub, props) in active {
        match groups.iter_mut().find(|(p, _)| p == props) {
            Some((_, subs)) => subs.push(sub.clone()),
            None => groups.push((props.clone(), vec![sub.clone()])),
        }
    }
    groups
}
