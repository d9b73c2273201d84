//! Dissector tests: concrete field lists, errors at the offending byte, and properties
//! over valid and random input (fields tile the bytes; the dissector agrees with the
//! codec).

use super::*;
use crate::codec::{Packet, ProtocolVersion};
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

const V5: ProtocolVersion = ProtocolVersion::V5;
const V4: ProtocolVersion = ProtocolVersion::V3_1_1;

/// Checks that the fields tile `base..end` exactly: in order, no gap, no overlap, and a
/// byte split into bit fields has masks that are disjoint and cover all eight bits. An
/// empty string's value is a zero-width field after its length (nothing to cover).
pub(crate) fn assert_tiles(d: &Dissection, base: usize, end: usize) -> Result<(), String> {
    let mut pos = base;
    let mut bits = 0u8;
    for f in &d.fields {
        match f.mask {
            None => {
                if bits != 0 || f.range.start != pos || f.range.end < f.range.start {
                    return Err(format!(
                        "{} at {:?}, expected start {pos} (bits {bits:08b})",
                        f.path, f.range
                    ));
                }
                pos = f.range.end;
            }
            Some(mask) => {
                if f.range != (pos..pos + 1) || bits & mask != 0 || mask == 0 {
                    return Err(format!(
                        "bit field {} at {:?} mask {mask:08b} over {bits:08b}",
                        f.path, f.range
                    ));
                }
                bits |= mask;
                if bits == 0xff {
                    bits = 0;
                    pos += 1;
                }
            }
        }
    }
    if bits != 0 || pos != end {
        return Err(format!(
            "fields end at {pos} (bits {bits:08b}), expected {end}"
        ));
    }
    Ok(())
}

fn paths(d: &Dissection) -> Vec<&str> {
    d.fields.iter().map(|f| f.path.as_str()).collect()
}

#[test]
fn publish_v5_fields_name_every_byte() {
    // QoS 1, topic "a/b", id 10, Topic Alias 3, User Property ("k","v"), payload "hi".
    let bytes = [
        0x32, 0x14, 0x00, 0x03, b'a', b'/', b'b', 0x00, 0x0a, 0x0a, 0x23, 0x00, 0x03, 0x26, 0x00,
        0x01, b'k', 0x00, 0x01, b'v', b'h', b'i',
    ];
    let d = dissect(&bytes, V5);
    assert_eq!(d.error, None);
    assert_eq!(
        paths(&d),
        [
            "fixed_header.type",
            "fixed_header.dup",
            "fixed_header.qos",
            "fixed_header.retain",
            "fixed_header.remaining_length",
            "publish.topic.length",
            "publish.topic",
            "publish.packet_id",
            "publish.properties.length",
            "publish.properties.topic_alias.id",
            "publish.properties.topic_alias",
            "publish.properties.user_properties[0].id",
            "publish.properties.user_properties[0].name.length",
            "publish.properties.user_properties[0].name",
            "publish.properties.user_properties[0].value.length",
            "publish.properties.user_properties[0].value",
            "publish.payload",
        ]
    );
    assert_tiles(&d, 0, bytes.len()).unwrap();
    let alias = &d.fields[10];
    assert_eq!(
        (
            alias.range.clone(),
            &alias.value,
            alias.section,
            alias.label.as_str()
        ),
        (11..13, &Value::UInt(3), "3.3.2.3.4", "Topic Alias")
    );
    assert_eq!(
        d.fields[2].value,
        Value::Named {
            code: 1,
            name: "At least once"
        }
    );
    assert_eq!(d.fields[2].mask, Some(0x06));
    assert_eq!(d.fields[6].value, Value::Text("a/b".into()));
}

#[test]
fn each_byte_of_a_long_remaining_length_is_a_field() {
    let mut bytes = vec![0x30, 0xc8, 0x01, 0x00, 0x01, b't'];
    bytes.resize(3 + 200, b'x');
    let d = dissect(&bytes, V4);
    assert_eq!(d.error, None);
    let rl: Vec<_> = d
        .fields
        .iter()
        .filter(|f| f.path == "fixed_header.remaining_length")
        .collect();
    assert_eq!(rl.len(), 2);
    assert_eq!(
        rl[0].value,
        Value::VarIntByte {
            digit: 0x48,
            shift: 0
        }
    );
    assert_eq!(rl[1].value, Value::UInt(200));
    assert_eq!(rl[0].label, "Remaining Length (byte 1 of 2)");
    assert_tiles(&d, 0, bytes.len()).unwrap();
}

#[test]
fn connect_flags_are_bit_fields() {
    let bytes = [
        0x10, 0x0d, 0x00, 0x04, b'M', b'Q', b'T', b'T', 0x04, 0x02, 0x00, 0x3c, 0x00, 0x01, b'c',
    ];
    let d = dissect(&bytes, V4);
    let flags: Vec<_> = d
        .fields
        .iter()
        .filter(|f| f.range == (9..10))
        .map(|f| (f.path.as_str(), f.mask))
        .collect();
    assert_eq!(flags.len(), 7);
    assert!(flags.contains(&("connect.flags.clean_start", Some(0x02))));
    assert_eq!(d.fields_at(9).count(), 7);
    assert_tiles(&d, 0, bytes.len()).unwrap();
}

#[test]
fn malformed_input_runs_up_to_the_offending_byte() {
    // v5 PUBLISH whose second User Property name holds U+0000 at offset 21.
    let bytes = [
        0x30, 0x15, 0x00, 0x01, b't', 0x0e, 0x26, 0x00, 0x01, b'a', 0x00, 0x01, b'b', 0x26, 0x00,
        0x01, 0x00, 0x00, 0x01, b'c', b'p', b'q', b'r',
    ];
    let d = dissect(&bytes, V5);
    let e = d.error.clone().unwrap();
    assert_eq!((e.offset, e.rule), (16, "MQTT-1.5.4-2"));
    assert_eq!(
        d.fields.last().map(|f| f.path.as_str()),
        Some("publish.properties.user_properties[1].name.length")
    );
    assert_tiles(&d, 0, d.covered()).unwrap();
    assert_eq!(d.covered(), 16);
}

#[test]
fn a_bad_first_byte_yields_no_fields() {
    let d = dissect(&[0x36, 0x00], V5);
    assert!(d.fields.is_empty());
    assert_eq!(
        d.error.map(|e| (e.offset, e.rule)),
        Some((0, "MQTT-3.3.1-4"))
    );
}

#[test]
fn truncated_input_reports_the_end() {
    let d = dissect(&[0x30, 0x0a, 0x00, 0x03, b'a'], V4);
    let e = d.error.clone().unwrap();
    assert_eq!(e.offset, 5);
    assert_eq!(
        paths(&d)[..5],
        [
            "fixed_header.type",
            "fixed_header.dup",
            "fixed_header.qos",
            "fixed_header.retain",
            "fixed_header.remaining_length"
        ]
    );
    assert_eq!(
        d.fields.last().map(|f| f.path.as_str()),
        Some("publish.topic.length")
    );
    // Only the first byte: its bit fields are named, then the end.
    let d = dissect(&[0x82], V4);
    assert_eq!(d.fields.len(), 2);
    assert_eq!(d.error.unwrap().offset, 1);
}

#[test]
fn trailing_bytes_and_streams() {
    let d = dissect(&[0xc0, 0x00, 0xd0, 0x00], V4);
    assert_eq!(d.error.unwrap().offset, 2);
    let all = dissect_stream(&[0xc0, 0x00, 0xd0, 0x00], V4);
    assert_eq!(
        all.iter().map(|d| d.packet_type).collect::<Vec<_>>(),
        [Some(PacketType::PingReq), Some(PacketType::PingResp)]
    );
    assert_eq!(all[1].fields[0].range, 2..3);
}

#[test]
fn a_stream_switches_to_the_version_its_connect_names() {
    // CONNECT v5, then a v5 short-form DISCONNECT that 3.1.1 would refuse.
    let connect = [
        0x10, 0x0e, 0, 4, b'M', b'Q', b'T', b'T', 5, 2, 0, 60, 0, 0, 1, b'c',
    ];
    let mut bytes = connect.to_vec();
    bytes.extend_from_slice(&[0xe0, 0x01, 0x8e]);
    let all = dissect_stream(&bytes, V4);
    assert_eq!(all.len(), 2);
    assert_eq!(all[1].error, None);
}

#[test]
fn acknowledgements_cite_their_own_sections() {
    let d = dissect(
        &[
            0x50, 0x09, 0x00, 0x01, 0x97, 0x05, 0x1f, 0x00, 0x02, b'n', b'o',
        ],
        V5,
    );
    let reason = d
        .fields
        .iter()
        .find(|f| f.path == "pubrec.properties.reason_string")
        .unwrap();
    assert_eq!(reason.section, "3.5.2.2.2");
    assert_eq!(
        d.fields
            .iter()
            .find(|f| f.path == "pubrec.reason_code")
            .unwrap()
            .section,
        "3.5.2.1"
    );
}

#[test]
fn text_tree_shows_offsets_values_and_sections() {
    let out = dissect(&[0xe0, 0x01, 0x8e], V5).to_string();
    assert!(
        out.contains("Reason Code: Session taken over (0x8E)"),
        "{out}"
    );
    assert!(out.contains("(§3.14.2.1)"), "{out}");
}

#[test]
fn agrees_with_the_codec_on_the_spec_traps() {
    for (bytes, v) in [
        (&[0x30, 0x05, 0x00, 0x03, b'a', 0x00, b'b'][..], V4),
        (&[0xc0, 0x80, 0x00][..], V5),
        (&[0x62, 0x02, 0x00, 0x01][..], V5),
        (&[0x60, 0x02, 0x00, 0x01][..], V5),
        (&[0x40, 0x03, 0x00, 0x07, 0x10][..], V5),
    ] {
        let d = dissect(bytes, v);
        assert_eq!(
            d.error,
            Packet::decode_exact(bytes, v).err(),
            "{bytes:02x?}"
        );
    }
}

#[cfg(not(target_arch = "wasm32"))]
mod properties {
    use proptest::prelude::*;

    use super::assert_tiles;
    use crate::codec::tests::strategies::{encode, mutated, packet, version};
    use crate::codec::{Packet, Status};
    use crate::dissect::dissect;

    proptest! {
        #![proptest_config(crate::codec::tests::properties_config())]

        /// Valid packets: no error, and the fields tile every byte.
        #[test]
        fn fields_tile_valid_packets((v, p) in version().prop_flat_map(|v| (Just(v), packet(v)))) {
            let bytes = encode(&p, v);
            let d = dissect(&bytes, v);
            prop_assert_eq!(&d.error, &None);
            prop_assert_eq!(d.len, bytes.len());
            assert_tiles(&d, 0, bytes.len()).map_err(TestCaseError::fail)?;
        }

        /// Random and mutated input: the fields tile a prefix, and the dissector reports
        /// exactly the codec's verdict. (Where the codec only says "need more bytes", the
        /// dissector goes on through the bytes that are there and may name an earlier
        /// error; either way it reports an error within the input.)
        #[test]
        fn fields_tile_random_input(
            (v, bytes) in version().prop_flat_map(|v| (Just(v), prop_oneof![mutated(v), prop::collection::vec(any::<u8>(), 0..64)])),
        ) {
            let d = dissect(&bytes, v);
            assert_tiles(&d, 0, d.covered()).map_err(TestCaseError::fail)?;
            match Packet::decode(&bytes, v) {
                Ok(Status::Partial { .. }) => {
                    let e = d.error.clone().ok_or_else(|| TestCaseError::fail("truncated input dissected without error"))?;
                    prop_assert!(e.offset <= bytes.len());
                }
                _ => prop_assert_eq!(d.error.clone(), Packet::decode_exact(&bytes, v).err()),
            }
            if d.error.is_none() {
                prop_assert_eq!(d.covered(), bytes.len());
            }
        }
    }
}
