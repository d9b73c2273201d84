//! Enhanced authentication (4.12) with SCRAM: scripted clients with exact bytes for
//! each refusal, and `mqttscope_proto`'s own `Client` with its `Scram` authenticator for
//! the proof that both sides agree, at CONNECT and in a re-authentication.

use std::sync::OnceLock;

use super::*;
use crate::scram::Nonces;
use mqttscope_proto::client::{self, Authenticator, Client, ClientOptions, Message, Scram};
use mqttscope_proto::codec::{Auth, ConnAck};
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

const SHA256: &str = "SCRAM-SHA-256";
const SEED: [u8; 32] = [42; 32];
/// RFC 7677's example client nonce.
const CLIENT_NONCE: &str = "rOprNGfwEbeRWgbNEkqO";

/// "user" / "pencil" with RFC 7677's salt, for SHA-256 and SHA-512 (derived once: PBKDF2
/// is slow in a debug build).
fn users() -> Vec<ScramUser> {
    static USERS: OnceLock<Vec<ScramUser>> = OnceLock::new();
    let salt = [
        0x5b, 0x6d, 0x99, 0x68, 0x9d, 0x12, 0x35, 0x8e, 0xec, 0xa0, 0x4b, 0x14, 0x12, 0x36, 0xfa,
        0x81,
    ];
    USERS
        .get_or_init(|| {
            ScramHash::ALL
                .map(|h| ScramUser::new(h, "user", b"pencil", salt, DEFAULT_SCRAM_ITERATIONS))
                .to_vec()
        })
        .clone()
}

/// A broker with the SCRAM users, seeded with [`SEED`].
fn net() -> Net {
    let mut n = Net::new(|o| o.scram_users = users());
    n.broker.add_entropy(&SEED);
    n
}

/// The server nonces the broker will use, in order.
fn server_nonces() -> impl Iterator<Item = String> {
    let mut nonces = Nonces::default();
    nonces.add(&SEED);
    std::iter::from_fn(move || nonces.next())
}

/// Opens connection `id` (MQTT 5) and sends CONNECT naming `method` with `data`.
fn connect(n: &mut Net, id: u64, method: &str, data: &[u8]) -> ConnId {
    let c = n.open(id);
    n.versions.insert(c, V5);
    let mut connect = Connect::new(V5, format!("c{id}"));
    connect.keep_alive = 0;
    let props = connect.properties.to_mut();
    props.authentication_method = Some(method.to_owned().into());
    props.authentication_data = Some(data.to_vec().into());
    n.send(c, Packet::Connect(Box::new(connect)));
    c
}

fn auth(reason: ReasonCode, method: &str, data: &[u8]) -> Packet<'static> {
    let mut a = Auth {
        reason,
        ..Auth::default()
    };
    let props = a.properties.to_mut();
    props.authentication_method = Some(method.to_owned().into());
    props.authentication_data = Some(data.to_vec().into());
    Packet::Auth(a)
}

/// A scripted SCRAM-SHA-256 client for "user" with `password`: connects and answers
/// the server-first-message; returns the connection and the client.
fn exchange(n: &mut Net, id: u64, password: &str) -> (ConnId, Scram) {
    let mut s = Scram::new(ScramHash::Sha256, "user", password, CLIENT_NONCE);
    let c = connect(n, id, SHA256, &s.start().unwrap().unwrap());
    let sent = n.packets(c);
    let [Packet::Auth(a)] = &sent[..] else {
        panic!("{sent:?}")
    };
    let last = s.challenge(a.properties.authentication_data()).unwrap();
    let cont = ReasonCode::ContinueAuthentication;
    n.send(c, auth(cont, SHA256, &last.unwrap()));
    (c, s)
}

fn failures(events: &[Event]) -> Vec<String> {
    events
        .iter()
        .filter_map(|e| match e {
            Event::AuthenticationFailed { detail, .. } => Some(detail.clone()),
            _ => None,
        })
        .collect()
}

/// The broker answers CONNECT's client-first-message with AUTH 0x18 carrying the same
/// method and the server-first-message, then CONNACK 0x00 with the same method and the
/// server-final-message, which the client checks.
/// [MQTT-4.12.0-2] [MQTT-4.12.0-5] [MQTT-3.1.4-5] [MQTT-3.2.0-1]
#[test]
fn scram_sha_256_at_connect_goes_auth_0x18_then_connack_with_the_server_signature() {
    let mut n = net();
    let mut s = Scram::new(ScramHash::Sha256, "user", "pencil", CLIENT_NONCE);
    let c = connect(&mut n, 1, SHA256, &s.start().unwrap().unwrap());
    let nonce = server_nonces().next().unwrap();
    let server_first = format!("r={CLIENT_NONCE}{nonce},s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096");
    let mut expected = vec![0xf0, 0x65, 0x18, 0x63, 0x15, 0x00, 0x0d];
    expected.extend(SHA256.as_bytes());
    expected.extend([0x16, 0x00, 0x50]);
    expected.extend(server_first.as_bytes());
    assert_eq!(n.take(c), [expected]);
    assert!(
        !n.is_closed(c) && n.broker.client(c).is_none(),
        "no CONNACK yet"
    );
    let last = s.challenge(Some(server_first.as_bytes())).unwrap().unwrap();
    n.send(c, auth(ReasonCode::ContinueAuthentication, SHA256, &last));
    let sent = n.packets(c);
    let [Packet::ConnAck(ack)] = &sent[..] else {
        panic!("{sent:?}")
    };
    assert_eq!(ack.reason, ReasonCode::Success);
    assert_eq!(ack.properties.authentication_method(), Some(SHA256));
    assert_eq!(s.finish(ack.properties.authentication_data()), Ok(()));
    assert_eq!(
        n.broker.client(c).unwrap().username.as_deref(),
        Some("user")
    );
}

/// The proto crate's `Client` with its `Scram` authenticator, against the broker: both
/// mechanisms connect, publish, and re-authenticate while a message is in flight.
#[test]
fn our_client_connects_and_reauthenticates_with_scram_sha_256_and_512() {
    for (i, hash) in ScramHash::ALL.into_iter().enumerate() {
        let mut n = net();
        let conn = n.open(i as u64 + 1);
        let opts = ClientOptions {
            version: V5,
            client_id: "scram".into(),
            ..Default::default()
        };
        let mut client = Client::new(opts, n.now);
        let nonces = Box::new(|| "client-nonce-from-the-driver".to_owned());
        client.set_authenticator(Box::new(Scram::with_nonces(hash, "user", "pencil", nonces)));
        client.connect(n.now).unwrap();
        let events = pump(&mut n, conn, &mut client);
        assert!(
            events
                .iter()
                .any(|e| matches!(e, client::Event::Connected { .. })),
            "{hash:?}: {events:?}"
        );
        client.reauthenticate(n.now).unwrap();
        let m = Message::new("t", "during").with_qos(QoS::AtLeastOnce);
        client.publish(n.now, m).unwrap();
        let events = pump(&mut n, conn, &mut client);
        assert!(
            events.contains(&client::Event::Reauthenticated),
            "{events:?}"
        );
        assert!(
            events
                .iter()
                .any(|e| matches!(e, client::Event::PublishDone { .. })),
            "traffic goes on: {events:?}"
        );
        assert!(n.events().iter().any(|e| matches!(
            e,
            Event::Reauthenticated { client_id, username, .. }
                if client_id == "scram" && username == "user"
        )));
        assert!(!n.is_closed(conn));
    }
}

/// Moves bytes between `client` and the broker until neither has more; returns the
/// client's events other than packets.
fn pump(n: &mut Net, conn: ConnId, client: &mut Client) -> Vec<client::Event> {
    let mut events = Vec::new();
    loop {
        let mut moved = false;
        loop {
            match client.poll_output(n.now) {
                client::Output::Transmit(b) => {
                    moved = true;
                    n.feed(conn, &b);
                }
                client::Output::Event(client::Event::Packet(_)) => {}
                client::Output::Event(e) => events.push(e),
                client::Output::Timeout(_) => break,
            }
        }
        for bytes in n.take(conn) {
            moved = true;
            client.handle_bytes(n.now, &bytes);
        }
        if !moved {
            return events;
        }
    }
}

/// A wrong password fails the proof: CONNACK 0x87 Not authorized (0x86 is for the
/// CONNECT's User Name and Password fields, which SCRAM does not use), then close.
/// [MQTT-4.12.0-4]
#[test]
fn a_wrong_password_is_refused_with_0x87_and_closed() {
    let mut n = net();
    let (c, _) = exchange(&mut n, 1, "pencil!");
    assert_eq!(n.take(c), [vec![0x20, 0x03, 0x00, 0x87, 0x00]]);
    assert!(n.is_closed(c));
    assert_eq!(failures(&n.events()), ["wrong proof for \"user\""]);
}

/// An unknown user gets a server-first-message like a real one (a made-up salt, the
/// same every time), and then the same refusal as a wrong password.
#[test]
fn an_unknown_user_looks_like_a_wrong_password() {
    let mut n = net();
    let mut salts = Vec::new();
    for id in [1, 2] {
        let mut s = Scram::new(ScramHash::Sha256, "nobody", "x", CLIENT_NONCE);
        let c = connect(&mut n, id, SHA256, &s.start().unwrap().unwrap());
        let sent = n.packets(c);
        let [Packet::Auth(a)] = &sent[..] else {
            panic!("{sent:?}")
        };
        let first = std::str::from_utf8(a.properties.authentication_data().unwrap()).unwrap();
        salts.push(first.split(',').nth(1).unwrap().to_owned());
        let last = s.challenge(a.properties.authentication_data()).unwrap();
        n.send(
            c,
            auth(ReasonCode::ContinueAuthentication, SHA256, &last.unwrap()),
        );
        assert_eq!(n.take(c), [vec![0x20, 0x03, 0x00, 0x87, 0x00]]);
    }
    assert_eq!(salts[0], salts[1]);
    assert_eq!(salts[0].len(), "s=".len() + 24, "{salts:?}");
}

/// A method the broker does not offer is refused with 0x8C: an unknown one, SCRAM
/// without users for it, and SCRAM before the driver gave entropy for nonces.
/// [MQTT-4.12.0-1]
#[test]
fn methods_not_offered_are_refused_with_0x8c() {
    let mut n = net();
    let c = connect(&mut n, 1, "SCRAM-SHA-1", b"n,,n=user,r=abc");
    assert_eq!(n.take(c), [vec![0x20, 0x03, 0x00, 0x8c, 0x00]]);
    assert!(n.is_closed(c));
    let mut n = Net::new(|o| o.scram_users = users()[..1].to_vec());
    n.broker.add_entropy(&SEED);
    let c = connect(&mut n, 1, "SCRAM-SHA-512", b"n,,n=user,r=abc");
    assert_eq!(n.take(c), [vec![0x20, 0x03, 0x00, 0x8c, 0x00]]);
    let mut n = Net::new(|o| o.scram_users = users());
    n.broker.add_entropy(&SEED[..15]);
    let c = connect(&mut n, 1, SHA256, b"n,,n=user,r=abc");
    assert_eq!(n.take(c), [vec![0x20, 0x03, 0x00, 0x8c, 0x00]]);
    let why = failures(&n.events());
    assert_eq!(why, ["no entropy for nonces (Broker::add_entropy)"]);
}

/// A client-first-message that is not SCRAM (no gs2 header, channel binding asked
/// for, no nonce, no data at all) is refused with 0x87 at once.
#[test]
fn a_malformed_client_first_message_is_refused() {
    let mut n = net();
    for (id, data) in [
        (1, &b"n=user,r=abc"[..]),
        (2, b"p=tls-unique,,n=user,r=abc"),
        (3, b"n,,n=user"),
    ] {
        let c = connect(&mut n, id, SHA256, data);
        assert_eq!(n.take(c), [vec![0x20, 0x03, 0x00, 0x87, 0x00]], "{id}");
        assert!(n.is_closed(c));
    }
    let c = n.open(4);
    n.versions.insert(c, V5);
    let mut connect = Connect::new(V5, "nodata".to_owned());
    connect.properties.to_mut().authentication_method = Some(SHA256.into());
    n.send(c, Packet::Connect(Box::new(connect)));
    assert_eq!(n.take(c), [vec![0x20, 0x03, 0x00, 0x87, 0x00]]);
}

/// During the exchange only AUTH 0x18 with the same method may come (or DISCONNECT):
/// another method, another reason code, a PUBLISH or a second CONNECT is a Protocol
/// Error, answered with CONNACK 0x82 before closing.
/// [MQTT-4.12.0-5] [MQTT-3.1.0-2]
#[test]
fn anything_but_auth_0x18_with_the_same_method_during_the_exchange_is_a_protocol_error() {
    let start = b"n,,n=user,r=abc";
    let cases: [(Packet<'static>, &str); 4] = [
        (
            auth(ReasonCode::ContinueAuthentication, "SCRAM-SHA-512", b"x"),
            "MQTT-4.12.0-5",
        ),
        (
            auth(ReasonCode::ReAuthenticate, SHA256, b"x"),
            "MQTT-4.12.0-3",
        ),
        (publish("t", b"early", QosPid::AtMostOnce), "MQTT-3.1.2-30"),
        (
            Packet::Connect(Box::new(Connect::new(V5, "again".to_owned()))),
            "MQTT-3.1.0-2",
        ),
    ];
    for (id, (packet, rule)) in (1..).zip(cases) {
        let mut n = net();
        let c = connect(&mut n, id, SHA256, start);
        n.take(c);
        n.events();
        n.send(c, packet);
        assert_eq!(n.take(c), [vec![0x20, 0x03, 0x00, 0x82, 0x00]], "{rule}");
        assert!(n.is_closed(c));
        assert_eq!(violation(&n.events()), Some((None, rule)));
    }
}

/// A DISCONNECT during the exchange ends it quietly: no CONNACK (the client may send
/// only AUTH or DISCONNECT before CONNACK) and no DISCONNECT back. An AUTH before any
/// CONNECT closes the connection too (read by MQTT 3.1.1's rules until CONNECT names
/// the version, where packet type 15 is reserved).
/// [MQTT-3.14.0-1]
#[test]
fn disconnect_during_the_exchange_closes_and_auth_before_connect_is_an_error() {
    let mut n = net();
    let c = connect(&mut n, 1, SHA256, b"n,,n=user,r=abc");
    n.take(c);
    n.send(c, disconnect(ReasonCode::Success));
    assert!(n.take(c).is_empty() && n.is_closed(c));
    let c = n.open(2);
    n.versions.insert(c, V5);
    n.send(c, auth(ReasonCode::ContinueAuthentication, SHA256, b"x"));
    assert!(n.take(c).is_empty() && n.is_closed(c));
    assert_eq!(violation(&n.events()), Some((Some(0), "2.1.2")));
}

/// The connect timeout runs until CONNACK: a client that stops after the server's
/// AUTH is closed without CONNACK when it runs out.
#[test]
fn the_connect_timeout_bounds_the_whole_exchange() {
    let mut n = net();
    let c = connect(&mut n, 1, SHA256, b"n,,n=user,r=abc");
    assert_eq!(n.take(c).len(), 1, "AUTH 0x18");
    n.sleep(9_999);
    assert!(!n.is_closed(c));
    n.advance();
    assert_eq!(n.now, Instant::from_millis(10_000));
    assert!(n.take(c).is_empty() && n.is_closed(c));
    assert!(n.events().iter().any(|e| matches!(
        e,
        Event::ClientDisconnected {
            cause: DisconnectCause::ConnectTimeout,
            ..
        }
    )));
}

/// A failed re-authentication (wrong proof) closes the connection after DISCONNECT
/// 0x87; a re-authentication naming another method, or AUTH 0x18 outside an exchange,
/// is a Protocol Error (DISCONNECT 0x82: the DISCONNECT table has no 0x8C).
/// [MQTT-4.12.1-2]
#[test]
fn a_failed_reauthentication_closes_the_connection() {
    let mut n = net();
    let (c, mut s) = exchange(&mut n, 1, "pencil");
    let sent = n.packets(c);
    let [Packet::ConnAck(ack)] = &sent[..] else {
        panic!("{sent:?}")
    };
    s.finish(ack.properties.authentication_data()).unwrap();
    s.set_nonce("second-nonce");
    let first = s.start().unwrap().unwrap();
    n.send(c, auth(ReasonCode::ReAuthenticate, SHA256, &first));
    let sent = n.packets(c);
    let [Packet::Auth(a)] = &sent[..] else {
        panic!("{sent:?}")
    };
    assert_eq!(a.reason, ReasonCode::ContinueAuthentication);
    let mut wrong = s
        .challenge(a.properties.authentication_data())
        .unwrap()
        .unwrap();
    let at = wrong.len() - 5;
    wrong[at] ^= 1;
    n.send(c, auth(ReasonCode::ContinueAuthentication, SHA256, &wrong));
    assert_eq!(n.take(c), [vec![0xe0, 0x01, 0x87]]);
    assert!(n.is_closed(c));

    for (id, packet, bytes) in [
        (
            2,
            auth(ReasonCode::ReAuthenticate, "SCRAM-SHA-512", b"x"),
            [0xe0, 0x01, 0x82],
        ),
        (
            3,
            auth(ReasonCode::ContinueAuthentication, SHA256, b"x"),
            [0xe0, 0x01, 0x82],
        ),
    ] {
        let (c, _) = exchange(&mut n, id, "pencil");
        let sent = n.packets(c);
        assert!(matches!(&sent[..], [Packet::ConnAck(a)] if a.reason == ReasonCode::Success));
        n.send(c, packet);
        assert_eq!(n.take(c), [bytes.to_vec()]);
        assert!(n.is_closed(c));
    }
}

/// A client that connected without an Authentication Method may not send AUTH: a
/// Protocol Error, and no AUTH or method ever comes from the broker.
/// [MQTT-4.12.0-6]
#[test]
fn auth_from_a_client_without_a_method_is_a_protocol_error() {
    let mut n = net();
    let (c, ack) = n.connect_with(1, V5, "plain", |_| {});
    let Packet::ConnAck(ConnAck { properties, .. }) = ack else {
        panic!()
    };
    assert_eq!(properties.authentication_method(), None);
    n.send(
        c,
        auth(ReasonCode::ReAuthenticate, SHA256, b"n,,n=user,r=abc"),
    );
    assert_eq!(n.take(c), [vec![0xe0, 0x01, 0x82]]);
    assert_eq!(violation(&n.events()), Some((None, "MQTT-4.12.0-7")));
}
