//! Scenario tests: the client against a scripted server on a virtual clock. Each test is
//! named after the behaviour it shows and asserts the exact bytes on the wire.

use std::num::NonZeroU16;
use std::time::Duration;

use super::*;
use crate::codec::{Packet, ProtocolVersion, QoS, ReasonCode, Subscription};

const V5: ProtocolVersion = ProtocolVersion::V5;
const V4: ProtocolVersion = ProtocolVersion::V3_1_1;

/// A client, a virtual clock, and everything the client produced.
struct Peer {
    client: Client,
    now: Instant,
    deadline: Instant,
    sent: Vec<Vec<u8>>,
    events: Vec<Event>,
}

impl Peer {
    fn new(version: ProtocolVersion, f: impl FnOnce(&mut ClientOptions)) -> Self {
        let mut opts = ClientOptions {
            version,
            client_id: "c".into(),
            keep_alive: 10,
            ..Default::default()
        };
        f(&mut opts);
        let now = Instant::from_millis(0);
        Peer {
            client: Client::new(opts, now),
            now,
            deadline: NEVER,
            sent: Vec::new(),
            events: Vec::new(),
        }
    }

    /// A connected client (CONNACK success, no session).
    fn connected(version: ProtocolVersion, f: impl FnOnce(&mut ClientOptions)) -> Self {
        let mut p = Peer::new(version, f);
        p.client.connect(p.now).unwrap();
        p.drain();
        p.server(&connack(version, false));
        p.take();
        p
    }

    fn drain(&mut self) {
        loop {
            match self.client.poll_output(self.now) {
                Output::Transmit(b) => self.sent.push(b),
                Output::Event(Event::Packet(_)) => {}
                Output::Event(e) => self.events.push(e),
                Output::Timeout(at) => {
                    self.deadline = at;
                    return;
                }
            }
        }
    }

    fn server(&mut self, bytes: &[u8]) {
        self.client.handle_bytes(self.now, bytes);
        self.drain();
    }

    /// Jumps to the next deadline and fires it.
    fn advance(&mut self) {
        assert_ne!(self.deadline, NEVER, "no timer armed");
        self.now = self.deadline;
        self.client.handle_timeout(self.now);
        self.drain();
    }

    fn sleep(&mut self, ms: u64) {
        self.now = self.now + Duration::from_millis(ms);
    }

    /// What was sent and what happened since the last call.
    fn take(&mut self) -> (Vec<Vec<u8>>, Vec<Event>) {
        (
            std::mem::take(&mut self.sent),
            std::mem::take(&mut self.events),
        )
    }

    fn sent(&mut self) -> Vec<Vec<u8>> {
        std::mem::take(&mut self.sent)
    }

    fn publish(&mut self, qos: QoS, payload: &[u8]) -> PublishHandle {
        let h = self
            .client
            .publish(self.now, Message::new("t", payload).with_qos(qos))
            .unwrap();
        self.drain();
        h
    }
}

fn connack(v: ProtocolVersion, session_present: bool) -> Vec<u8> {
    if v.is_v5() {
        vec![0x20, 0x03, u8::from(session_present), 0x00, 0x00]
    } else {
        vec![0x20, 0x02, u8::from(session_present), 0x00]
    }
}

fn disconnected(events: &[Event]) -> Option<&DisconnectCause> {
    events.iter().find_map(|e| match e {
        Event::Disconnected(c) => Some(c),
        _ => None,
    })
}

fn with_reconnect(o: &mut ClientOptions) {
    o.reconnect = Some(ReconnectPolicy {
        initial_delay: Duration::from_secs(1),
        max_delay: Duration::from_secs(4),
        seed: 7,
        resubscribe: true,
    });
}

fn reconnect_now(p: &mut Peer, session_present: bool) {
    p.advance();
    assert!(p.events.contains(&Event::Reconnect), "{:?}", p.events);
    p.take();
    p.client.connect(p.now).unwrap();
    p.drain();
    p.sent();
    p.server(&connack(p.client.version(), session_present));
}

/// CONNACK v5 with Topic Alias Maximum `max`.
fn connack_aliases(max: u8) -> Vec<u8> {
    vec![0x20, 0x06, 0x00, 0x00, 0x03, 0x22, 0x00, max]
}

fn auth_packet(reason: ReasonCode, method: &str, data: &[u8]) -> Vec<u8> {
    let mut a = crate::codec::Auth {
        reason,
        ..Default::default()
    };
    let props = a.properties.to_mut();
    props.authentication_method = Some(method.to_owned().into());
    props.authentication_data = Some(data.to_vec().into());
    let mut out = Vec::new();
    Packet::Auth(a).encode(V5, &mut out).unwrap();
    out
}

fn connack_with_auth(method: &str, data: &[u8]) -> Vec<u8> {
    let mut c = crate::codec::ConnAck::new(false);
    let props = c.properties.to_mut();
    props.authentication_method = Some(method.to_owned().into());
    props.authentication_data = Some(data.to_vec().into());
    let mut out = Vec::new();
    Packet::ConnAck(c).encode(V5, &mut out).unwrap();
    out
}

fn auth_data(bytes: &[u8]) -> (ReasonCode, String) {
    match Packet::decode_exact(bytes, V5) {
        Ok(Packet::Auth(a)) => (
            a.reason,
            String::from_utf8(a.properties.authentication_data().unwrap().to_vec()).unwrap(),
        ),
        Ok(Packet::Connect(c)) => (
            ReasonCode::Success,
            String::from_utf8(c.properties.authentication_data().unwrap().to_vec()).unwrap(),
        ),
        other => panic!("{other:?}"),
    }
}

const SERVER_FIRST: &[u8] =
    b"r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096";
const SERVER_FINAL: &[u8] = b"v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=";
const CLIENT_FINAL: &str = "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=";

fn scram_peer() -> Peer {
    let mut p = Peer::new(V5, |_| {});
    // The RFC 7677 example's nonce, every time, so that its server messages fit.
    p.client.set_authenticator(Box::new(Scram::with_nonces(
        ScramHash::Sha256,
        "user",
        "pencil",
        Box::new(|| "rOprNGfwEbeRWgbNEkqO".into()),
    )));
    p.client.connect(p.now).unwrap();
    p.drain();
    p
}

/// An authenticator whose data cannot be encoded (over 65,535 bytes).
#[derive(Debug)]
struct Oversized;

impl Authenticator for Oversized {
    fn method(&self) -> &str {
        "BIG"
    }
    fn start(&mut self) -> Result<Option<Vec<u8>>, AuthError> {
        Ok(Some(b"hi".to_vec()))
    }
    fn challenge(&mut self, _: Option<&[u8]>) -> Result<Option<Vec<u8>>, AuthError> {
        Ok(Some(vec![0; 70_000]))
    }
    fn finish(&mut self, _: Option<&[u8]>) -> Result<(), AuthError> {
        Ok(())
    }
}

mod aliases;
mod auth;
mod connection;
mod flows;
mod limits;
mod packets;
mod qos;
mod session;

#[cfg(not(target_arch = "wasm32"))]
mod properties {
    use proptest::prelude::*;

    use super::*;
    use crate::codec::tests::strategies;

    proptest! {
        #![proptest_config(crate::codec::tests::properties_config())]

        /// Whatever a server sends, in whatever pieces, the client does not panic: it
        /// stays connected, or ends the connection naming why, and then sends nothing.
        #[test]
        fn arbitrary_server_bytes_never_panic(
            v in strategies::version(),
            packets in prop::collection::vec(strategies::version().prop_flat_map(strategies::mutated), 0..6),
            noise in prop::collection::vec(any::<u8>(), 0..40),
            cut in 1usize..17,
        ) {
            let mut p = Peer::connected(v, |o| o.properties.topic_alias_maximum = Some(3));
            p.publish(QoS::AtLeastOnce, b"x");
            p.take();
            let stream: Vec<u8> = packets.concat().into_iter().chain(noise).collect();
            let mut closed = false;
            for chunk in stream.chunks(cut) {
                p.server(chunk);
                let (sent, events) = p.take();
                if closed {
                    prop_assert!(sent.is_empty() && events.is_empty(), "activity after close: {sent:?} {events:?}");
                }
                if let Some(cause) = disconnected(&events) {
                    prop_assert!(matches!(cause, DisconnectCause::Protocol(_) | DisconnectCause::Server { .. } | DisconnectCause::TooLarge { .. }), "{cause:?}");
                    closed = true;
                }
            }
            if p.deadline != NEVER {
                p.advance();
            }
        }
    }
}
