//! Property tests: round trips of arbitrary valid packets, decoding arbitrary bytes, any
//! chunking of a stream.

use proptest::prelude::*;

use super::strategies::{encode, mutated, packet, version};
use crate::codec::*;

/// 512 cases by default; `PROPTEST_CASES` raises it for a longer run.
pub(crate) fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(512);
    ProptestConfig {
        cases,
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config())]

    /// decode(encode(p)) == p, and encoded_len agrees with encode, for every packet type.
    #[test]
    fn round_trip_v311(p in packet(ProtocolVersion::V3_1_1)) {
        check_round_trip(&p, ProtocolVersion::V3_1_1)?;
    }

    #[test]
    fn round_trip_v5(p in packet(ProtocolVersion::V5)) {
        check_round_trip(&p, ProtocolVersion::V5)?;
    }

    /// Decoding never panics, whatever the bytes; a complete packet never claims more
    /// bytes than it was given.
    #[test]
    fn decode_arbitrary_bytes(bytes in prop::collection::vec(any::<u8>(), 0..300), v in version()) {
        if let Ok(Status::Complete((_, used))) = Packet::decode(&bytes, v) {
            prop_assert!(used <= bytes.len());
        }
    }

    /// Mutated packets decode to an error or to a packet that re-encodes and decodes to
    /// itself: whatever the decoder accepts is valid.
    #[test]
    fn accepted_input_is_valid(bytes in version().prop_flat_map(|v| (mutated(v), Just(v)))) {
        let (bytes, v) = bytes;
        if let Ok(Status::Complete((p, _))) = Packet::decode(&bytes, v) {
            let mut again = Vec::new();
            match p.encode(v, &mut again) {
                Ok(_) => prop_assert_eq!(Packet::decode_exact(&again, v), Ok(p)),
                // Well-formed, answered by a server with CONNACK 0x02 [MQTT-3.1.3-8], but a
                // client may not send it [MQTT-3.1.3-7].
                Err(UsageError::InvalidConnect { .. }) if matches!(&p, Packet::Connect(c) if c.client_id.is_empty()) => {}
                Err(e) => prop_assert!(false, "decoded but does not encode: {e}: {p:?}"),
            }
        }
    }

    /// Any chunking of a stream yields the same packets.
    #[test]
    fn any_chunking_yields_the_same_packets(
        (v, packets) in version().prop_flat_map(|v| (Just(v), prop::collection::vec(packet(v), 1..8))),
        cuts in prop::collection::vec(1usize..64, 1..40),
    ) {
        let stream: Vec<u8> = packets.iter().flat_map(|p| encode(p, v)).collect();
        let mut framer = Framer::new(v, usize::MAX);
        let mut got = Vec::new();
        let mut pos = 0;
        let mut sizes = cuts.iter().cycle();
        while pos < stream.len() {
            let end = (pos + sizes.next().copied().unwrap_or(1)).min(stream.len());
            let mut frames = framer.feed(&stream[pos..end]);
            while let Some(p) = frames.next_packet().map_err(|e| TestCaseError::fail(e.to_string()))? {
                got.push(p.into_owned());
            }
            pos = end;
        }
        prop_assert_eq!(framer.buffered(), 0);
        prop_assert_eq!(got, packets);
    }
}

proptest! {
    #![proptest_config(config())]

    /// Whatever the one-pass readers accept, the full decoder decodes to the same packet;
    /// and they accept every valid PUBLISH, SUBSCRIBE, SUBACK, PINGREQ, PINGRESP and short
    /// acknowledgement.
    #[test]
    fn one_pass_readers_agree_with_the_full_decoder(
        (v, bytes) in version().prop_flat_map(|v| (Just(v), prop_oneof![
            mutated(v),
            packet(v).prop_map(move |p| encode(&p, v)),
        ])),
    ) {
        // As decode_body calls them: on exactly one packet's bytes.
        let Ok(Status::Complete(h)) = header::parse(&bytes, v, &mut super::FullPath) else {
            return Ok(());
        };
        if bytes.len() < h.len() {
            return Ok(());
        }
        let bytes = &bytes[..h.len()];
        let full = decode_body(bytes, &h, v, &mut super::FullPath);
        match decode_quick(bytes, &h, v) {
            Some(quick) => prop_assert_eq!(full, Ok(quick)),
            None => {
                use PacketType as P;
                let always = match h.packet_type() {
                    P::Publish | P::Subscribe | P::SubAck | P::PingReq | P::PingResp => true,
                    P::PubAck | P::PubRec | P::PubRel | P::PubComp => h.remaining() <= 3,
                    _ => false,
                };
                prop_assert!(!always || full.is_err(), "took the full path: {full:?}");
            }
        }
    }
}

fn check_round_trip(p: &Packet<'_>, v: ProtocolVersion) -> Result<(), TestCaseError> {
    let bytes = encode(p, v);
    prop_assert_eq!(p.encoded_len(v), Ok(bytes.len()));
    let decoded = Packet::decode_exact(&bytes, v);
    prop_assert_eq!(decoded.as_ref(), Ok(p));
    // Canonical: re-encoding the decoded packet gives the same bytes.
    let again = Packet::decode_exact(&bytes, v).map(|d| encode(&d, v));
    prop_assert_eq!(again, Ok(bytes));
    Ok(())
}
