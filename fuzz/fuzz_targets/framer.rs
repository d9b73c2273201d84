//! Any chunking of any stream never panics and yields what one-shot decoding yields.
//! Input: a version byte, a chunk-size byte, then the stream.
#![no_main]
use libfuzzer_sys::fuzz_target;
use mqttscope_proto::codec::{Framer, Packet, ProtocolVersion, Status};

fuzz_target!(|data: &[u8]| {
    let [v, chunk, stream @ ..] = data else { return };
    let v = [ProtocolVersion::V3_1_1, ProtocolVersion::V5][usize::from(v % 2)];
    let mut framer = Framer::new(v, 1 << 16);
    let mut chunked = Vec::new();
    'feed: for c in stream.chunks(usize::from(*chunk).max(1)) {
        let mut frames = framer.feed(c);
        loop {
            match frames.next_packet() {
                Ok(Some(p)) => chunked.push(Ok(p.into_owned())),
                Ok(None) => break,
                Err(e) => {
                    chunked.push(Err(e));
                    break 'feed;
                }
            }
        }
    }
    // The same stream decoded in one piece.
    let mut whole = Vec::new();
    let mut rest = stream;
    while !rest.is_empty() && whole.len() < chunked.len() {
        match Packet::decode(rest, v) {
            Ok(Status::Complete((p, used))) if used <= 1 << 16 => {
                whole.push(Ok(p.into_owned()));
                rest = &rest[used..];
            }
            Ok(_) => break,
            Err(e) => {
                whole.push(Err(e));
                break;
            }
        }
    }
    let oks = |r: &Vec<Result<Packet<'static>, _>>| r.iter().filter(|x| x.is_ok()).cloned().collect::<Vec<_>>();
    assert_eq!(oks(&chunked).len(), oks(&whole).len().min(oks(&chunked).len()));
    assert_eq!(oks(&chunked), oks(&whole)[..oks(&chunked).len()]);
});
