//! Decoding any bytes never panics, and whatever decodes re-encodes to bytes that decode
//! to the same packet. Input: one byte choosing the version, then the packet bytes.
#![no_main]
use libfuzzer_sys::fuzz_target;
use mqttscope_proto::codec::{Packet, ProtocolVersion, Status};

fuzz_target!(|data: &[u8]| {
    let Some((&v, bytes)) = data.split_first() else { return };
    let v = [ProtocolVersion::V3_1, ProtocolVersion::V3_1_1, ProtocolVersion::V5][usize::from(v % 3)];
    if let Ok(Status::Complete((p, used))) = Packet::decode(bytes, v) {
        assert!(used <= bytes.len());
        let mut out = Vec::new();
        p.encode(v, &mut out).expect("a decoded packet encodes");
        assert_eq!(Packet::decode_exact(&out, v).as_ref(), Ok(&p));
    }
});
