//! Dissecting any bytes never panics; fields are in order and inside the input; a clean
//! dissection covers every byte. Input: a version byte, then the bytes.
#![no_main]
use libfuzzer_sys::fuzz_target;
use mqttscope_proto::codec::ProtocolVersion;
use mqttscope_proto::dissect::dissect;

fuzz_target!(|data: &[u8]| {
    let Some((&v, bytes)) = data.split_first() else { return };
    let v = [ProtocolVersion::V3_1, ProtocolVersion::V3_1_1, ProtocolVersion::V5][usize::from(v % 3)];
    let d = dissect(bytes, v);
    let mut pos = 0;
    for f in &d.fields {
        assert!(f.range.start >= pos.min(f.range.start) && f.range.end <= bytes.len(), "{f:?}");
        assert!(f.range.start <= f.range.end);
        pos = f.range.end;
        let _ = f.value.to_string();
    }
    if d.error.is_none() {
        assert_eq!(d.covered(), bytes.len());
    }
    let _ = d.to_string();
});
