//! Ending connections: protocol violations, server DISCONNECT, and what a close does to
//! the session and the will.

use mqttscope_proto::client::Instant;
use mqttscope_proto::codec::{DecodeError, DecodeErrorKind, Disconnect};
use mqttscope_proto::{Packet, ReasonCode};

use crate::broker::WillAction;
use crate::conn::ConnState;
use crate::event::{DisconnectCause, Event, Output};
use crate::timers::TimerKey;
use crate::{Broker, BrokerError, ConnId};

impl Broker {
    /// The bytes from `conn` are malformed (or too large): report, answer and close.
    pub(crate) fn decode_failed(&mut self, conn: ConnId, now: Instant, e: DecodeError) {
        let awaiting = self
            .conns
            .get(&conn)
            .is_some_and(|c| c.state == ConnState::AwaitingConnect);
        let mut rule = e.rule;
        if let DecodeErrorKind::UnsupportedProtocolLevel { .. } = e.kind {
            if awaiting {
                // MQTT 3.1.1 [MQTT-3.1.2-2]: CONNACK 0x01 (in the 3.1.1 form) and close.
                self.refuse_unknown_version(conn, now);
            }
        }
        if let DecodeErrorKind::PacketTooLarge { .. } = e.kind {
            rule = "MQTT-3.2.2-15";
        }
        let detail = e.kind.to_string();
        self.violation(conn, now, Some(e.offset), rule, detail, e.reason_code());
    }

    /// `conn` broke `rule`: report it, send DISCONNECT `reason` (MQTT 5, after CONNACK)
    /// and close [MQTT-4.13.1-1].
    pub(crate) fn violation(
        &mut self,
        conn: ConnId,
        now: Instant,
        offset: Option<usize>,
        rule: &'static str,
        detail: String,
        reason: ReasonCode,
    ) {
        if !self.conns.contains_key(&conn) {
            return;
        }
        self.event(Event::ProtocolViolation {
            conn,
            offset,
            rule,
            detail,
        });
        let reason = disconnect_reason(reason);
        let cause = DisconnectCause::ProtocolError(reason);
        self.close(conn, now, cause, Some(reason), WillAction::Publish);
    }

    /// Ends `conn`: DISCONNECT `reason` first when MQTT 5 allows one (after CONNACK
    /// [MQTT-3.14.0-1]), then `Output::Close`, then what the session and will need.
    pub(crate) fn close(
        &mut self,
        conn: ConnId,
        now: Instant,
        cause: DisconnectCause,
        reason: Option<ReasonCode>,
        will: WillAction,
    ) {
        let Some(c) = self.conns.get(&conn) else {
            return;
        };
        if let (Some(reason), true, Some(_)) = (reason, c.version.is_v5(), c.client_id()) {
            let d = self.server_disconnect(conn, reason);
            self.send(conn, now, Packet::Disconnect(d));
        }
        let Some(c) = self.conns.remove(&conn) else {
            return;
        };
        self.timers.set(TimerKey::Connect(conn), None);
        self.timers.set(TimerKey::KeepAlive(conn), None);
        self.out.push_back(Output::Close(conn));
        let client_id = c.client_id().map(str::to_owned);
        self.event(Event::ClientDisconnected {
            conn,
            client_id: client_id.clone(),
            cause: cause.clone(),
        });
        if let Some(id) = client_id {
            let takeover = cause == DisconnectCause::TakenOver;
            self.session_offline(&id, conn, c, now, will, takeover);
        }
    }

    /// A DISCONNECT from the server [MQTT-3.14.2-2]: no Session Expiry Interval; a Reason
    /// String only when wanted and within the client's Maximum Packet Size.
    fn server_disconnect(&self, conn: ConnId, reason: ReasonCode) -> Disconnect<'static> {
        let mut d = Disconnect::new(reason);
        let Some(c) = self.conns.get(&conn) else {
            return d;
        };
        if self.opts.reason_strings && c.limits.problem_information {
            let text = reason.name_in(mqttscope_proto::codec::PacketType::Disconnect);
            d.properties.to_mut().reason_string = Some(text.to_owned().into());
            let len = Packet::Disconnect(d.clone())
                .encoded_len(c.version)
                .unwrap_or(usize::MAX);
            // [MQTT-3.14.2-3]
            if c.limits
                .maximum_packet_size
                .is_some_and(|m| len > m as usize)
            {
                d = Disconnect::new(reason);
            }
        }
        d
    }

    /// Ends `conn` with DISCONNECT `reason` in MQTT 5 (transport close in MQTT 3).
    pub fn disconnect_client(
        &mut self,
        conn: ConnId,
        now: Instant,
        reason: ReasonCode,
    ) -> Result<(), BrokerError> {
        if !self.conns.contains_key(&conn) {
            return Err(BrokerError::UnknownConnection(conn));
        }
        let reason = disconnect_reason(reason);
        let cause = DisconnectCause::Administrative(reason);
        self.close(conn, now, cause, Some(reason), WillAction::Publish);
        Ok(())
    }
}

/// `reason` if a DISCONNECT may carry it, else 0x82 Protocol Error.
fn disconnect_reason(reason: ReasonCode) -> ReasonCode {
    if reason.allowed_in(mqttscope_proto::codec::PacketType::Disconnect) {
        reason
    } else {
        ReasonCode::ProtocolError
    }
}
