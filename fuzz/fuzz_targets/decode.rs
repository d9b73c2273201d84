//! Decoding any bytes never panics, and whatever decodes re-encodes to bytes that decode
//! to the same packet. Input: one byte choosing the version, then the packet bytes.
//!
//! One deliberate exception: an MQTT 3 CONNECT with an empty client id and Clean Session
//! 0 is well-formed (a server answers it with CONNACK 0x02 [MQTT-3.1.3-8]), but a client
//! may not send it [MQTT-3.1.3-7], so the encoder refuses it.
#![no_main]
use libfuzzer_sys::fuzz_target;
use mqttscope_proto::codec::{Packet, ProtocolVersion, Status, UsageError};

fuzz_target!(|data: &[u8]| {
    let Some((&v, bytes)) = data.split_first() else { return };
    let v = [ProtocolVersion::V3_1, ProtocolVersion::V3_1_1, ProtocolVersion::V5][usize::from(v % 3)];
    if let Ok(Status::Complete((p, used))) = Packet::decode(bytes, v) {
        assert!(used <= bytes.len());
        let mut out = Vec::new();
        match p.encode(v, &mut out) {
            Ok(_) => assert_eq!(Packet::decode_exact(&out, v).as_ref(), Ok(&p)),
            Err(UsageError::InvalidConnect { .. }) if matches!(&p, Packet::Connect(c) if c.client_id.is_empty()) => {}
            Err(e) => panic!("a decoded packet does not encode: {e}: {p:?}"),
        }
    }
});
