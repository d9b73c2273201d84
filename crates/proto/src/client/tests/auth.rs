//! Enhanced authentication (SCRAM) and re-authentication.

use super::*;
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

/// [MQTT-4.12.0-3]
#[test]
fn scram_sha_256_runs_through_connect_auth_and_connack() {
    let mut p = scram_peer();
    let connect = p.sent();
    let Ok(Packet::Connect(c)) = Packet::decode_exact(&connect[0], V5) else {
        panic!()
    };
    assert_eq!(c.properties.authentication_method(), Some("SCRAM-SHA-256"));
    assert_eq!(auth_data(&connect[0]).1, "n,,n=user,r=rOprNGfwEbeRWgbNEkqO");
    p.server(&auth_packet(
        ReasonCode::ContinueAuthentication,
        "SCRAM-SHA-256",
        SERVER_FIRST,
    ));
    assert_eq!(
        auth_data(&p.sent()[0]),
        (ReasonCode::ContinueAuthentication, CLIENT_FINAL.to_owned())
    );
    p.server(&connack_with_auth("SCRAM-SHA-256", SERVER_FINAL));
    assert_eq!(p.client.state(), State::Connected);
}

#[test]
fn a_server_that_cannot_prove_the_password_is_refused() {
    let mut p = scram_peer();
    p.server(&auth_packet(
        ReasonCode::ContinueAuthentication,
        "SCRAM-SHA-256",
        SERVER_FIRST,
    ));
    p.take();
    p.server(&connack_with_auth(
        "SCRAM-SHA-256",
        b"v=7rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=",
    ));
    let (sent, events) = p.take();
    assert_eq!(sent, [vec![0xe0, 0x01, 0x87]]);
    assert!(
        matches!(disconnected(&events), Some(DisconnectCause::Protocol(e)) if e.reason == ReasonCode::NotAuthorized)
    );
}

/// The receiver's side: an AUTH naming another method than CONNECT's ends the
/// connection, and so does an AUTH when CONNECT named none.
/// [MQTT-4.12.0-5]
#[test]
fn every_auth_names_the_same_method() {
    let mut p = scram_peer();
    p.server(&auth_packet(
        ReasonCode::ContinueAuthentication,
        "SCRAM-SHA-1",
        SERVER_FIRST,
    ));
    let (sent, events) = p.take();
    // 0x8C names the fault, but DISCONNECT may not carry it (Table 2-6): 0x82 goes out.
    assert_eq!(sent.last(), Some(&vec![0xe0, 0x01, 0x82]));
    assert!(
        matches!(disconnected(&events), Some(DisconnectCause::Protocol(e)) if e.reason == ReasonCode::BadAuthenticationMethod)
    );
    // And AUTH without a method in CONNECT is a protocol error.
    let mut p = Peer::new(V5, |_| {});
    p.client.connect(p.now).unwrap();
    p.drain();
    p.take();
    p.server(&auth_packet(
        ReasonCode::ContinueAuthentication,
        "SCRAM-SHA-256",
        SERVER_FIRST,
    ));
    assert_eq!(p.sent(), [vec![0xe0, 0x01, 0x82]]);
}

#[test]
fn reauthentication_runs_while_traffic_continues() {
    let mut p = scram_peer();
    p.server(&auth_packet(
        ReasonCode::ContinueAuthentication,
        "SCRAM-SHA-256",
        SERVER_FIRST,
    ));
    p.server(&connack_with_auth("SCRAM-SHA-256", SERVER_FINAL));
    p.take();
    p.client.reauthenticate(p.now).unwrap();
    p.drain();
    assert_eq!(
        auth_data(&p.sent()[0]),
        (
            ReasonCode::ReAuthenticate,
            "n,,n=user,r=rOprNGfwEbeRWgbNEkqO".to_owned()
        )
    );
    // Publishing goes on during the exchange.
    p.publish(QoS::AtMostOnce, b"x");
    assert_eq!(p.sent().len(), 1);
    p.server(&auth_packet(
        ReasonCode::ContinueAuthentication,
        "SCRAM-SHA-256",
        SERVER_FIRST,
    ));
    assert_eq!(
        auth_data(&p.sent()[0]).0,
        ReasonCode::ContinueAuthentication
    );
    p.server(&auth_packet(
        ReasonCode::Success,
        "SCRAM-SHA-256",
        SERVER_FINAL,
    ));
    assert!(p.events.contains(&Event::Reauthenticated), "{:?}", p.events);
    assert_eq!(p.client.state(), State::Connected);
}

#[test]
fn scram_sha_512_proof_verifies_on_the_server_side() {
    use base64::Engine;
    let b64 = base64::engine::general_purpose::STANDARD;
    let mut client = Scram::new(ScramHash::Sha512, "alice", "correct horse", "cnonce");
    let first = String::from_utf8(client.start().unwrap().unwrap()).unwrap();
    let server_first = format!("r=cnonce-snonce,s={},i=4096", b64.encode(b"NaCl"));
    let fin = String::from_utf8(
        client
            .challenge(Some(server_first.as_bytes()))
            .unwrap()
            .unwrap(),
    )
    .unwrap();
    // The server's side of RFC 5802: StoredKey = H(ClientKey) and ClientKey = proof XOR signature.
    let h = ScramHash::Sha512;
    let salted = crate::client::auth::pbkdf2(h, b"correct horse", b"NaCl", 4096);
    let stored =
        crate::client::auth::hash(h, &crate::client::auth::hmac(h, &salted, b"Client Key"));
    let (without_proof, proof) = fin.rsplit_once(",p=").unwrap();
    let message = format!("{},{server_first},{without_proof}", &first[3..]);
    let signature = crate::client::auth::hmac(h, &stored, message.as_bytes());
    let client_key: Vec<u8> = b64
        .decode(proof)
        .unwrap()
        .iter()
        .zip(&signature)
        .map(|(a, b)| a ^ b)
        .collect();
    assert_eq!(
        crate::client::auth::hash(h, &client_key),
        stored,
        "the proof verifies"
    );
    let server_sig = crate::client::auth::hmac(
        h,
        &crate::client::auth::hmac(h, &salted, b"Server Key"),
        message.as_bytes(),
    );
    assert_eq!(
        client.finish(Some(format!("v={}", b64.encode(server_sig)).as_bytes())),
        Ok(())
    );
}

#[test]
fn an_unencodable_authentication_step_ends_the_connection_without_sending_it() {
    let mut p = Peer::new(V5, |_| {});
    p.client.set_authenticator(Box::new(Oversized));
    p.client.connect(p.now).unwrap();
    p.drain();
    p.take();
    p.server(&auth_packet(
        ReasonCode::ContinueAuthentication,
        "BIG",
        b"x",
    ));
    let (sent, events) = p.take();
    assert!(sent.is_empty(), "{sent:?}");
    assert!(
        matches!(disconnected(&events), Some(DisconnectCause::Internal(_))),
        "{events:?}"
    );
}

#[test]
fn every_exchange_takes_a_fresh_nonce_and_none_is_used_twice() {
    let mut n = 0;
    let mut p = Peer::new(V5, with_reconnect);
    p.client.set_authenticator(Box::new(Scram::with_nonces(
        ScramHash::Sha256,
        "user",
        "pencil",
        Box::new(move || {
            n += 1;
            format!("nonce{n}")
        }),
    )));
    let mut firsts = Vec::new();
    for _ in 0..2 {
        p.client.connect(p.now).unwrap();
        p.drain();
        firsts.push(auth_data(&p.sent()[0]).1);
        p.client.handle_closed(p.now);
        p.drain();
    }
    assert_eq!(firsts, ["n,,n=user,r=nonce1", "n,,n=user,r=nonce2"]);
    // A fixed nonce serves one exchange; a reconnect with it is refused, not sent.
    let mut p = Peer::new(V5, |_| {});
    p.client.set_authenticator(Box::new(Scram::new(
        ScramHash::Sha256,
        "user",
        "pencil",
        "once",
    )));
    p.client.connect(p.now).unwrap();
    p.drain();
    p.client.handle_closed(p.now);
    p.drain();
    p.take();
    assert!(matches!(p.client.connect(p.now), Err(ClientError::Auth(_))));
    p.drain();
    assert_eq!(p.sent(), Vec::<Vec<u8>>::new());
}

/// An authenticator that sends and accepts anything under the method "TOKEN".
#[derive(Debug)]
struct Token;

impl Authenticator for Token {
    fn method(&self) -> &str {
        "TOKEN"
    }
    fn start(&mut self) -> Result<Option<Vec<u8>>, AuthError> {
        Ok(Some(b"t".to_vec()))
    }
    fn challenge(&mut self, _: Option<&[u8]>) -> Result<Option<Vec<u8>>, AuthError> {
        Ok(Some(b"t".to_vec()))
    }
    fn finish(&mut self, _: Option<&[u8]>) -> Result<(), AuthError> {
        Ok(())
    }
}

#[test]
fn a_reauthentication_cut_off_by_the_connection_is_not_resumed_on_the_next() {
    let mut p = Peer::new(V5, with_reconnect);
    p.client.set_authenticator(Box::new(Token));
    p.client.connect(p.now).unwrap();
    p.drain();
    p.server(&connack_with_auth("TOKEN", b"t"));
    p.client.reauthenticate(p.now).unwrap();
    p.drain();
    p.take();
    // The connection ends in the middle of the exchange.
    p.client.handle_closed(p.now);
    p.drain();
    reconnect_now(&mut p, false);
    assert_eq!(p.client.state(), State::Connected);
    p.take();
    // The new connection started no re-authentication: AUTH Success is out of place.
    p.server(&auth_packet(ReasonCode::Success, "TOKEN", b"t"));
    let (sent, events) = p.take();
    assert_eq!(sent, [vec![0xe0, 0x01, 0x82]]);
    assert!(!events.contains(&Event::Reauthenticated), "{events:?}");
    assert!(
        matches!(disconnected(&events), Some(DisconnectCause::Protocol(e)) if e.rule == "4.12"),
        "{events:?}"
    );
}
