//! No payload decoder panics on any bytes, and every node's range lies inside the payload.
//! Input: one byte choosing the decoder, then the payload.
#![no_main]
use libfuzzer_sys::fuzz_target;
use mqttscope_payload::{decode, detect, Decoder, Hints, Limits};

fuzz_target!(|data: &[u8]| {
    let Some((&pick, payload)) = data.split_first() else { return };
    let names = Decoder::names();
    let name = &names[usize::from(pick) % names.len()];
    let d: Decoder = name.parse().expect("every listed name parses");
    if let Ok(node) = decode(&d, payload, &Limits::default()) {
        assert!(node.span.is_some_and(|s| s.end <= payload.len()));
    }
    let _ = detect(payload, Hints::default());
});
