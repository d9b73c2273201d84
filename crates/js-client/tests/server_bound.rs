//! The core as this crate builds it (mqttscope-proto without `server-packets`): a packet
//! only a client sends, coming from the server, ends the connection as the full build's
//! client ends it, with a Protocol Error (2.1.2), though its decoder is left out.
//!
//! In `cargo test --workspace` other members turn `server-packets` on (cargo unifies a
//! package's features across the members built together), so the packet decodes and the
//! client refuses it: the same ending, a different step. The npm tier runs this crate's
//! tests alone too, as the npm package builds it.

use mqttscope_proto::client::{Client, ClientOptions, DisconnectCause, Event, Instant, Output};
use mqttscope_proto::codec::Packet;
use mqttscope_proto::{ProtocolVersion, ReasonCode};

/// Whether this build's decoder reads the packets only a client sends.
fn full_decoder() -> bool {
    let pingreq = [0xc0, 0x00];
    Packet::decode_exact(&pingreq, ProtocolVersion::V3_1_1).is_ok()
}

/// Everything the client has to say now, up to its next deadline.
fn drain(c: &mut Client, now: Instant) -> Vec<Output> {
    let mut out = Vec::new();
    loop {
        match c.poll_output(now) {
            Output::Timeout(_) => return out,
            o => out.push(o),
        }
    }
}

/// How the connection ended, if it did.
fn ending(outputs: &[Output]) -> Option<&DisconnectCause> {
    outputs.iter().find_map(|o| match o {
        Output::Event(Event::Disconnected(cause)) => Some(cause),
        _ => None,
    })
}

fn connected(version: ProtocolVersion) -> Client {
    let now = Instant::from_millis(0);
    let opts = ClientOptions {
        version,
        client_id: "c".into(),
        ..ClientOptions::default()
    };
    let mut c = Client::new(opts, now);
    c.connect(now).unwrap();
    let connack: &[u8] = match version {
        ProtocolVersion::V5 => &[0x20, 0x03, 0x00, 0x00, 0x00],
        _ => &[0x20, 0x02, 0x00, 0x00],
    };
    c.handle_bytes(now, connack);
    drain(&mut c, now);
    c
}

#[test]
fn a_connect_subscribe_unsubscribe_or_pingreq_from_the_server_is_a_protocol_error() {
    let packets: [&[u8]; 4] = [
        &[
            0x10, 0x0d, 0, 4, b'M', b'Q', b'T', b'T', 4, 2, 0, 60, 0, 1, b'x',
        ],
        &[0x82, 0x06, 0, 1, 0, 1, b'a', 0],
        &[0xa2, 0x05, 0, 1, 0, 1, b'a'],
        &[0xc0, 0x00],
    ];
    for bytes in packets {
        let mut c = connected(ProtocolVersion::V3_1_1);
        let now = Instant::from_millis(1);
        c.handle_bytes(now, bytes);
        let out = drain(&mut c, now);
        match ending(&out) {
            Some(DisconnectCause::Protocol(e)) => {
                assert_eq!(e.reason, ReasonCode::ProtocolError, "{bytes:02x?}");
                assert_eq!(e.rule, "2.1.2", "{bytes:02x?}");
                // Refused by the decoder, unless the build has the full decoder (which
                // decodes it and then the client refuses it).
                assert_eq!(e.decode.is_some(), !full_decoder(), "{bytes:02x?}: {e}");
            }
            other => panic!("{bytes:02x?}: ended with {other:?}"),
        }
    }
}

#[test]
fn what_a_server_sends_still_decodes() {
    let mut c = connected(ProtocolVersion::V5);
    let now = Instant::from_millis(1);
    c.handle_bytes(now, &[0xd0, 0x00]);
    c.handle_bytes(now, &[0x30, 0x06, 0, 1, b't', 0, b'h', b'i']);
    let out = drain(&mut c, now);
    assert!(ending(&out).is_none(), "{out:?}");
    let message = out.iter().find_map(|o| match o {
        Output::Event(Event::Message(p)) => Some(p),
        _ => None,
    });
    assert_eq!(message.map(|p| &*p.payload), Some(&b"hi"[..]));
}
