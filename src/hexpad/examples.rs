//! The example packets of the picker, as hex.
//!
//! The valid ones are built as `Packet` values and encoded by the codec in the tests
//! (`examples_built.rs`), which check that this table holds exactly those bytes: correct
//! by construction, without the page carrying the construction (about 6 kB gzipped of
//! code, against under 2 kB of hex). The malformed ones are typed in as hex.

use mqttscope_proto::codec::ProtocolVersion;

use super::parse::parse_hex;

/// The part of the picker an example is listed under.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Group {
    /// Valid MQTT 5.0 packets.
    V5,
    /// Valid MQTT 3.1.1 packets.
    V3_1_1,
    /// Valid MQTT 3.1 packets.
    V3_1,
    /// Packets that break a rule.
    Malformed,
}

impl Group {
    /// Every group, in picker order.
    pub const ALL: [Group; 4] = [Group::V5, Group::V3_1_1, Group::V3_1, Group::Malformed];

    /// The heading of the group in the picker.
    pub fn label(self) -> &'static str {
        match self {
            Group::V5 => "MQTT 5.0",
            Group::V3_1_1 => "MQTT 3.1.1",
            Group::V3_1 => "MQTT 3.1",
            Group::Malformed => "Malformed",
        }
    }
}

/// One example: bytes and the protocol version to read them in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Example {
    /// A stable identifier (the picker's option value): `v5-publish-qos1`.
    pub id: &'static str,
    /// Where the picker lists it.
    pub group: Group,
    /// What the picker shows.
    pub title: &'static str,
    /// The version the bytes are meant for.
    pub version: ProtocolVersion,
    /// The packet (or packets).
    pub bytes: Vec<u8>,
}

/// Every example, in picker order.
pub fn examples() -> Vec<Example> {
    TABLE
        .iter()
        .map(|&(id, group, title, version, hex)| Example {
            id,
            group,
            title,
            version,
            // The table's hex is checked by the tests: nothing is ever dropped here.
            bytes: parse_hex(hex).unwrap_or_default(),
        })
        .collect()
}

/// One row of [`TABLE`]: id, group, title, version, and the bytes as hex.
type Row = (
    &'static str,
    Group,
    &'static str,
    ProtocolVersion,
    &'static str,
);

/// The examples, in picker order (see the module documentation).
const TABLE: &[Row] = {
    use ProtocolVersion::{V3_1, V3_1_1, V5};
    &[
    ("v5-connect", Group::V5, "CONNECT with will, user name and password", V5, "106700044d51545405ee001e081100000e10210014000b6d71747473636f70652d3112180000000503000a746578742f706c61696e001a646576696365732f6d71747473636f70652d312f73746174757300076f66666c696e650005616c6963650006733363726574"),
    ("v5-connack", Group::V5, "CONNACK with server limits", V5, "200e00000b210064240122000a13003c"),
    ("v5-publish-qos0", Group::V5, "PUBLISH QoS 0, UTF-8 payload", V5, "302a001473656e736f72732f6b69746368656e2f74656d700f010103000a746578742f706c61696e32312e35"),
    ("v5-publish-qos1", Group::V5, "PUBLISH QoS 1, Topic Alias, User Property", V5, "3237001473656e736f72732f6b69746368656e2f74656d70000a14020000003c230003260004756e69740003c2b0437b2274223a32312e357d"),
    ("v5-publish-qos2", Group::V5, "PUBLISH QoS 2, retained, request/response", V5, "3530000f636f6d6d616e64732f686561746572000b1a08000e7265706c6965732f6865617465720900067265712d34326f6e"),
    ("v5-puback", Group::V5, "PUBACK, shortest form (Remaining Length 2)", V5, "4002000a"),
    ("v5-puback-reason", Group::V5, "PUBACK, reason code only (Remaining Length 3)", V5, "4003000a10"),
    ("v5-pubrec", Group::V5, "PUBREC with Reason String", V5, "500d000b00091f000673746f726564"),
    ("v5-pubrel", Group::V5, "PUBREL", V5, "6202000b"),
    ("v5-pubcomp", Group::V5, "PUBCOMP", V5, "7002000b"),
    ("v5-subscribe", Group::V5, "SUBSCRIBE with subscription options", V5, "8221000c020b07000e73656e736f72732f2b2f74656d701d0008616c657274732f2322"),
    ("v5-suback", Group::V5, "SUBACK", V5, "9005000c000187"),
    ("v5-unsubscribe", Group::V5, "UNSUBSCRIBE", V5, "a21d000d00000e73656e736f72732f2b2f74656d700008616c657274732f23"),
    ("v5-unsuback", Group::V5, "UNSUBACK", V5, "b005000d000011"),
    ("v5-pingreq", Group::V5, "PINGREQ", V5, "c000"),
    ("v5-pingresp", Group::V5, "PINGRESP", V5, "d000"),
    ("v5-disconnect", Group::V5, "DISCONNECT, shortest form", V5, "e000"),
    ("v5-disconnect-reason", Group::V5, "DISCONNECT with will and Reason String", V5, "e010040e1f000b62617474657279206c6f77"),
    ("v5-auth", Group::V5, "AUTH, continue authentication", V5, "f02f182d15000d534352414d2d5348412d32353616001a723d66796b6f2b64326c626246674f4e527639716b786461774c"),
    ("v311-connect", Group::V3_1_1, "CONNECT with will, user name and password", V3_1_1, "104b00044d51545404ee001e000b6d71747473636f70652d31001a646576696365732f6d71747473636f70652d312f73746174757300076f66666c696e650005616c6963650006733363726574"),
    ("v311-connack", Group::V3_1_1, "CONNACK, session present", V3_1_1, "20020100"),
    ("v311-publish-qos0", Group::V3_1_1, "PUBLISH QoS 0", V3_1_1, "301a001473656e736f72732f6b69746368656e2f74656d7032312e35"),
    ("v311-publish-qos1", Group::V3_1_1, "PUBLISH QoS 1", V3_1_1, "321c001473656e736f72732f6b69746368656e2f74656d70000a32312e35"),
    ("v311-publish-qos2", Group::V3_1_1, "PUBLISH QoS 2, retained", V3_1_1, "3515000f636f6d6d616e64732f686561746572000b6f6e"),
    ("v311-publish-markup", Group::V3_1_1, "PUBLISH with markup in the payload", V3_1_1, "302e0010636861742f3c623e726f6f6d3c2f623e3c696d67207372633d78206f6e6572726f723d616c6572742831293e"),
    ("v311-puback", Group::V3_1_1, "PUBACK", V3_1_1, "4002000a"),
    ("v311-pubrec", Group::V3_1_1, "PUBREC", V3_1_1, "5002000b"),
    ("v311-pubrel", Group::V3_1_1, "PUBREL", V3_1_1, "6202000b"),
    ("v311-pubcomp", Group::V3_1_1, "PUBCOMP", V3_1_1, "7002000b"),
    ("v311-subscribe", Group::V3_1_1, "SUBSCRIBE, two filters", V3_1_1, "821e000c000e73656e736f72732f2b2f74656d70010008616c657274732f2302"),
    ("v311-suback", Group::V3_1_1, "SUBACK with a failure", V3_1_1, "9004000c0180"),
    ("v311-unsubscribe", Group::V3_1_1, "UNSUBSCRIBE", V3_1_1, "a21c000d000e73656e736f72732f2b2f74656d700008616c657274732f23"),
    ("v311-unsuback", Group::V3_1_1, "UNSUBACK", V3_1_1, "b002000d"),
    ("v311-pingreq", Group::V3_1_1, "PINGREQ", V3_1_1, "c000"),
    ("v311-pingresp", Group::V3_1_1, "PINGRESP", V3_1_1, "d000"),
    ("v311-disconnect", Group::V3_1_1, "DISCONNECT", V3_1_1, "e000"),
    ("v311-session", Group::V3_1_1, "A whole session: 7 packets in a row", V3_1_1, "104b00044d51545404ee001e000b6d71747473636f70652d31001a646576696365732f6d71747473636f70652d312f73746174757300076f66666c696e650005616c696365000673336372657420020000821e000c000e73656e736f72732f2b2f74656d70010008616c657274732f23029004000c0102321c001473656e736f72732f6b69746368656e2f74656d70000a32312e354002000ae000"),
    ("v31-connect", Group::V3_1, "CONNECT (MQIsdp) with will, user name and password", V3_1, "104d00064d514973647003ee001e000b6d71747473636f70652d31001a646576696365732f6d71747473636f70652d312f73746174757300076f66666c696e650005616c6963650006733363726574"),
    ("v31-connack", Group::V3_1, "CONNACK", V3_1, "20020000"),
    ("v31-publish-qos1", Group::V3_1, "PUBLISH QoS 1", V3_1, "321c001473656e736f72732f6b69746368656e2f74656d70000a32312e35"),
    ("bad-qos3", Group::Malformed, "PUBLISH with QoS 3", V3_1_1, "36090003612f6200016869"),
    ("bad-wildcard", Group::Malformed, "PUBLISH with a wildcard in the topic", V3_1_1, "300d000973656e736f72732f2b6f6e"),
    ("bad-varint", Group::Malformed, "Property Length not in its shortest form", V5, "30090003612f6280006869"),
    ("bad-duplicate-property", Group::Malformed, "Topic Alias given twice", V5, "300e0003612f62062300012300026869"),
    ("bad-zero-packet-id", Group::Malformed, "PUBACK for Packet Identifier 0", V3_1_1, "40020000"),
    ("bad-utf8", Group::Malformed, "Topic that is not UTF-8", V3_1_1, "3007000361ff626869"),
    ("bad-connect-reserved", Group::Malformed, "CONNECT with the reserved flag set", V3_1_1, "100d00044d5154540403003c000161"),
    ("bad-truncated", Group::Malformed, "PUBLISH cut short", V3_1_1, "320a0003612f62"),
    ]
};

/// The example with this identifier.
pub fn find(id: &str) -> Option<Example> {
    examples().into_iter().find(|e| e.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use mqttscope_proto::codec::PacketType;
    use mqttscope_proto::dissect::dissect_stream;

    #[test]
    fn ids_are_unique() {
        let all = examples();
        for (i, e) in all.iter().enumerate() {
            assert!(all[i + 1..].iter().all(|o| o.id != e.id), "{} twice", e.id);
        }
    }

    #[test]
    fn valid_examples_dissect_cleanly_in_their_version() {
        for e in examples().iter().filter(|e| e.group != Group::Malformed) {
            let packets = dissect_stream(&e.bytes, e.version);
            assert!(packets.iter().all(|d| d.error.is_none()), "{}", e.id);
            assert_eq!(packets.iter().map(|d| d.len).sum::<usize>(), e.bytes.len());
        }
    }

    #[test]
    fn malformed_examples_fail_where_expected() {
        let rules = [
            ("bad-qos3", 0, "MQTT-3.3.1-4"),
            ("bad-wildcard", 12, "MQTT-3.3.2-2"),
            ("bad-varint", 8, "MQTT-1.5.5-1"),
            ("bad-duplicate-property", 11, "2.2.2.2"),
            ("bad-zero-packet-id", 2, "MQTT-2.3.1-1"),
            ("bad-utf8", 5, "MQTT-1.5.3-1"),
            ("bad-connect-reserved", 9, "MQTT-3.1.2-3"),
            ("bad-truncated", 7, "3.3.2.2"),
        ];
        for (id, offset, rule) in rules {
            let e = find(id).expect("listed");
            let last = dissect_stream(&e.bytes, e.version)
                .pop()
                .expect("one packet");
            let err = last.error.expect("malformed");
            assert_eq!((err.offset, err.rule), (offset, rule), "{id}");
        }
        let listed = examples()
            .iter()
            .filter(|e| e.group == Group::Malformed)
            .count();
        assert_eq!(listed, rules.len());
    }

    #[test]
    fn every_packet_type_has_an_example_in_v5() {
        let mut seen = Vec::new();
        for e in examples().iter().filter(|e| e.group == Group::V5) {
            seen.extend(
                dissect_stream(&e.bytes, e.version)
                    .iter()
                    .filter_map(|d| d.packet_type),
            );
        }
        for t in 1..=15 {
            let t = PacketType::from_u8(t).expect("1 to 15 are packet types");
            assert!(seen.contains(&t), "{t}");
        }
    }

    #[test]
    fn the_session_example_holds_seven_packets() {
        let e = find("v311-session").expect("listed");
        assert_eq!(dissect_stream(&e.bytes, e.version).len(), 7);
    }

    #[test]
    fn short_forms_are_short() {
        assert_eq!(
            find("v5-puback").expect("listed").bytes,
            [0x40, 0x02, 0x00, 0x0a]
        );
        assert_eq!(
            find("v5-puback-reason").expect("listed").bytes,
            [0x40, 0x03, 0x00, 0x0a, 0x10]
        );
        assert_eq!(find("v5-disconnect").expect("listed").bytes, [0xe0, 0x00]);
    }
}
