//! Enhanced authentication (4.12) with SCRAM-SHA-256 and SCRAM-SHA-512: the exchange
//! between a CONNECT that names an Authentication Method and its CONNACK, and
//! re-authentication (4.12.1) while the connection goes on. The SCRAM messages
//! themselves are read and written in `scram.rs`.
//!
//! ```text
//!  CONNECT (method, client-first) ──▶ AUTH 0x18 (server-first)    │ 0x8C: method not offered
//!  AUTH 0x18 (client-final)       ──▶ CONNACK 0x00 (server-final) │ 0x87: wrong proof, bad data
//!      anything but AUTH or DISCONNECT meanwhile: CONNACK 0x82 and close
//!  Connected: AUTH 0x19 (client-first) ──▶ AUTH 0x18 (server-first)
//!             AUTH 0x18 (client-final) ──▶ AUTH 0x00 (server-final) │ DISCONNECT 0x87, close
//!      another method, or AUTH 0x18 outside an exchange: DISCONNECT 0x82 and close
//! ```
//!
//! The connect timeout runs until CONNACK, so it bounds the whole exchange. A
//! re-authentication has no timer of its own: the identity from before stays in force
//! until it succeeds, and other packets go on meanwhile.

use mqttscope_proto::client::{Instant, ScramHash};
use mqttscope_proto::codec::{Auth, Connect};
use mqttscope_proto::{Packet, ReasonCode};

use crate::broker::WillAction;
use crate::event::{DisconnectCause, Event};
use crate::scram::{self, ServerFirst};
use crate::{Broker, ConnId};

/// An exchange in progress on one connection.
#[derive(Debug)]
pub(crate) struct Exchange {
    /// The Authentication Method, which every AUTH must repeat [MQTT-4.12.0-5].
    method: String,
    scram: ServerFirst,
    /// The CONNECT being authenticated; `None` for a re-authentication.
    connect: Option<Box<Connect<'static>>>,
}

/// What a successful exchange at CONNECT settled, for the CONNACK and the connection.
#[derive(Debug, Clone)]
pub(crate) struct Authenticated {
    /// The SCRAM user, which becomes the connection's user name.
    pub username: String,
    /// The Authentication Method, repeated in CONNACK [MQTT-4.12.0-5].
    pub method: String,
    /// The server-final-message: CONNACK's Authentication Data.
    pub data: Vec<u8>,
}

impl Broker {
    /// Entropy from the driver for SCRAM's server nonces, e.g. 32 bytes from the
    /// operating system's random source: the broker reads no randomness of its own.
    /// Call it before the first client; calling it again mixes more in. Until it has had
    /// 16 bytes, a CONNECT naming a SCRAM method is refused with CONNACK 0x8C.
    pub fn add_entropy(&mut self, bytes: &[u8]) {
        self.nonces.add(bytes);
    }

    /// True while `conn`'s CONNECT is being authenticated (before its CONNACK).
    pub(crate) fn authenticating(&self, conn: ConnId) -> bool {
        self.conns
            .get(&conn)
            .is_some_and(|c| c.client_id().is_none() && c.exchange.is_some())
    }

    /// A CONNECT naming `method`: the server-first-message in AUTH 0x18
    /// [MQTT-4.12.0-2], or a refusal [MQTT-4.12.0-1] [MQTT-4.12.0-4].
    pub(crate) fn start_authentication(
        &mut self,
        conn: ConnId,
        now: Instant,
        c: &Connect<'_>,
        method: &str,
    ) {
        match self.server_first(method, c.properties.authentication_data()) {
            Ok((scram, message)) => {
                let connect = Some(Box::new(c.clone().into_owned()));
                self.begin_exchange(conn, now, method, scram, connect, message);
            }
            Err((reason, detail)) => {
                self.auth_failed(conn, method, detail);
                self.refuse(conn, now, c, reason);
            }
        }
    }

    /// An AUTH from `conn`, in any state.
    pub(crate) fn handle_auth(&mut self, conn: ConnId, now: Instant, a: &Auth<'_>) {
        let Some(c) = self.conns.get(&conn) else {
            return;
        };
        if c.exchange.is_some() {
            return self.continue_exchange(conn, now, a);
        }
        let (rule, detail) = match (c.client_id(), c.auth_method.clone()) {
            (None, _) => ("MQTT-3.1.0-1", "AUTH before CONNECT"),
            (Some(_), None) => (
                "MQTT-4.12.0-7",
                "AUTH without an Authentication Method in CONNECT",
            ),
            (Some(_), Some(method)) => return self.reauthenticate(conn, now, a, &method),
        };
        let reason = ReasonCode::ProtocolError;
        self.violation(conn, now, None, rule, detail.to_owned(), reason);
    }

    /// A packet other than AUTH while `conn`'s CONNECT is being authenticated: the
    /// client may only send AUTH or DISCONNECT before CONNACK [MQTT-3.1.2-30].
    pub(crate) fn auth_interrupted(&mut self, conn: ConnId, now: Instant, packet: &Packet<'_>) {
        if let Packet::Disconnect(d) = packet {
            let cause = DisconnectCause::ClientDisconnect(d.reason);
            return self.close(conn, now, cause, None, WillAction::Discard);
        }
        let detail = format!("{} during enhanced authentication", packet.packet_type());
        self.exchange_broken(conn, now, "MQTT-3.1.2-30", detail);
    }

    /// `conn` broke `rule` during an exchange: CONNACK 0x82 and close before CONNACK,
    /// DISCONNECT 0x82 and close during a re-authentication.
    pub(crate) fn exchange_broken(
        &mut self,
        conn: ConnId,
        now: Instant,
        rule: &'static str,
        detail: String,
    ) {
        let reason = ReasonCode::ProtocolError;
        let x = self.conns.get_mut(&conn).and_then(|c| c.exchange.take());
        let Some(connect) = x.and_then(|x| x.connect) else {
            return self.violation(conn, now, None, rule, detail, reason);
        };
        let offset = None;
        self.event(Event::ProtocolViolation {
            conn,
            offset,
            rule,
            detail,
        });
        self.refuse(conn, now, &connect, reason);
    }

    /// The client's AUTH during an exchange: 0x18 [MQTT-4.12.0-3] with the same method
    /// [MQTT-4.12.0-5] and the client-final-message.
    fn continue_exchange(&mut self, conn: ConnId, now: Instant, a: &Auth<'_>) {
        let Some(x) = self.conns.get(&conn).and_then(|c| c.exchange.as_ref()) else {
            return;
        };
        let method = a.properties.authentication_method();
        if a.reason != ReasonCode::ContinueAuthentication {
            let detail = format!("AUTH {} in an exchange, not 0x18", a.reason);
            return self.exchange_broken(conn, now, "MQTT-4.12.0-3", detail);
        }
        if method != Some(x.method.as_str()) {
            let detail = format!("AUTH names {method:?}, the exchange {:?}", x.method);
            return self.exchange_broken(conn, now, "MQTT-4.12.0-5", detail);
        }
        let verdict = x.scram.verify(a.properties.authentication_data());
        let Some(x) = self.conns.get_mut(&conn).and_then(|c| c.exchange.take()) else {
            return;
        };
        match (verdict, x.connect) {
            (Ok(data), Some(connect)) => {
                let auth = Authenticated {
                    username: x.scram.username.clone(),
                    method: x.method,
                    data: data.into_bytes(),
                };
                self.settle_connect(conn, now, &connect, Some(auth));
            }
            (Ok(data), None) => self.reauthenticated(conn, now, &x.method, x.scram, data),
            (Err(detail), Some(connect)) => {
                self.auth_failed(conn, &x.method, detail);
                self.refuse(conn, now, &connect, ReasonCode::NotAuthorized);
            }
            (Err(detail), None) => {
                self.auth_failed(conn, &x.method, detail);
                self.reauthentication_failed(conn, now, ReasonCode::NotAuthorized);
            }
        }
    }

    /// AUTH 0x19 from a connected client that authenticated with `method`.
    fn reauthenticate(&mut self, conn: ConnId, now: Instant, a: &Auth<'_>, method: &str) {
        if a.reason != ReasonCode::ReAuthenticate {
            let detail = format!("AUTH {} outside an exchange, not 0x19", a.reason);
            let reason = ReasonCode::ProtocolError;
            return self.violation(conn, now, None, "4.12.1", detail, reason);
        }
        let named = a.properties.authentication_method();
        if named != Some(method) {
            // Table 2-6 lists 0x8C for DISCONNECT, but the DISCONNECT table (3.14.2.1)
            // does not: a Protocol Error, as for another method during the exchange.
            let detail = format!("re-authentication names {named:?}, the connection {method:?}");
            let reason = ReasonCode::ProtocolError;
            return self.violation(conn, now, None, "MQTT-4.12.1-1", detail, reason);
        }
        match self.server_first(method, a.properties.authentication_data()) {
            Ok((scram, message)) => self.begin_exchange(conn, now, method, scram, None, message),
            Err((_, detail)) => {
                self.auth_failed(conn, method, detail);
                self.reauthentication_failed(conn, now, ReasonCode::NotAuthorized);
            }
        }
    }

    /// A successful re-authentication: AUTH 0x00 with the server-final-message; the
    /// connection's user becomes the one just authenticated.
    fn reauthenticated(
        &mut self,
        conn: ConnId,
        now: Instant,
        method: &str,
        scram: ServerFirst,
        data: String,
    ) {
        let Some(c) = self.conns.get_mut(&conn) else {
            return;
        };
        c.username = Some(scram.username.clone());
        let client_id = c.client_id().unwrap_or_default().to_owned();
        self.send_auth(conn, now, ReasonCode::Success, method, data);
        self.event(Event::Reauthenticated {
            conn,
            client_id,
            username: scram.username,
        });
    }

    /// A failed re-authentication closes the connection [MQTT-4.12.1-2], with
    /// DISCONNECT `reason` first.
    fn reauthentication_failed(&mut self, conn: ConnId, now: Instant, reason: ReasonCode) {
        let cause = DisconnectCause::ReauthenticationFailed(reason);
        self.close(conn, now, cause, Some(reason), WillAction::Publish);
    }

    /// Keeps the exchange and sends the server-first-message in AUTH 0x18.
    fn begin_exchange(
        &mut self,
        conn: ConnId,
        now: Instant,
        method: &str,
        scram: ServerFirst,
        connect: Option<Box<Connect<'static>>>,
        message: String,
    ) {
        let Some(c) = self.conns.get_mut(&conn) else {
            return;
        };
        let method = method.to_owned();
        c.exchange = Some(Exchange {
            method: method.clone(),
            scram,
            connect,
        });
        // [MQTT-4.12.0-2] [MQTT-4.12.0-5]
        self.send_auth(
            conn,
            now,
            ReasonCode::ContinueAuthentication,
            &method,
            message,
        );
    }

    /// Reads a client-first-message for `method`: the exchange's state and the
    /// server-first-message, or the reason to refuse (0x8C for a method without users
    /// or without entropy for nonces, 0x87 for a malformed message) and why.
    fn server_first(
        &mut self,
        method: &str,
        data: Option<&[u8]>,
    ) -> Result<(ServerFirst, String), (ReasonCode, String)> {
        let bad_method = |why: String| Err((ReasonCode::BadAuthenticationMethod, why));
        let Some(hash) = ScramHash::from_method(method) else {
            return bad_method(format!("{method:?} is not supported"));
        };
        if !self.opts.scram_users.iter().any(|u| u.hash == hash) {
            return bad_method(format!("no {method} users are set up"));
        }
        let Some(nonce) = self.nonces.next() else {
            return bad_method("no entropy for nonces (Broker::add_entropy)".to_owned());
        };
        let nonces = &self.nonces;
        let mock = |name: &str| nonces.mock_salt(hash, name);
        scram::server_first(&self.opts.scram_users, hash, data, &nonce, mock)
            .map_err(|why| (ReasonCode::NotAuthorized, why))
    }

    fn send_auth(
        &mut self,
        conn: ConnId,
        now: Instant,
        reason: ReasonCode,
        method: &str,
        data: String,
    ) {
        let mut a = Auth {
            reason,
            ..Auth::default()
        };
        let props = a.properties.to_mut();
        props.authentication_method = Some(method.to_owned().into());
        props.authentication_data = Some(data.into_bytes().into());
        self.send(conn, now, Packet::Auth(a));
    }

    fn auth_failed(&mut self, conn: ConnId, method: &str, detail: String) {
        self.event(Event::AuthenticationFailed {
            conn,
            method: method.to_owned(),
            detail,
        });
    }
}
