//! The packet export, and hiding secrets in it: CONNECT passwords and MQTT 5
//! Authentication Data.

use std::borrow::Cow;

use mqttscope_proto::dissect::mask_secrets;
use mqttscope_proto::hex::to_hex;

use super::{json_array, Sink};
use crate::model::json::{ArrayWriter, ObjectWriter};
use crate::model::message::PacketRow;
use crate::model::time::iso8601;

/// Packets as a JSON array of objects with, in order: `id`, `time` (ISO 8601 UTC),
/// `connection`, `direction`, `type` ("CONNECT", …), `size`, `hex` (the bytes as
/// space-separated hex pairs), `frame_ends`, `violation` (string or null) and
/// `secrets_masked` (true when a password or Authentication Data was replaced by `*`
/// bytes). Unless `reveal_secrets`, they are masked (see [`mask_secrets`]).
pub fn packets_json<'a>(
    rows: impl Iterator<Item = &'a PacketRow>,
    connection: &str,
    reveal_secrets: bool,
) -> String {
    super::collect(|sink| packets_json_to(rows, connection, reveal_secrets, sink))
}

/// [`packets_json`], in chunks to `sink`.
pub fn packets_json_to<'a>(
    rows: impl Iterator<Item = &'a PacketRow>,
    connection: &str,
    reveal_secrets: bool,
    sink: Sink<'_>,
) {
    let write = |out: &mut String, p: &PacketRow| {
        let bytes = if reveal_secrets {
            Cow::Borrowed(&p.bytes[..])
        } else {
            mask_secrets(&p.bytes)
        };
        let mut o = ObjectWriter::new(out);
        o.num("id", p.id).str("time", &iso8601(p.at_ms));
        o.str("connection", connection)
            .str("direction", p.direction.label());
        o.str("type", p.kind.name()).num("size", p.bytes.len());
        o.str("hex", &to_hex(&bytes));
        let mut ends = ArrayWriter::new(o.key("frame_ends"));
        for e in &p.frame_ends {
            ends.num(e);
        }
        ends.finish();
        o.opt_str("violation", p.violation.as_deref());
        o.bool("secrets_masked", matches!(bytes, Cow::Owned(_)));
        o.finish();
    };
    json_array(rows, write, sink);
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use mqttscope_proto::codec::{Auth, Connect, Packet, ProtocolVersion, ReasonCode};

    use super::*;
    use crate::model::json;
    use crate::model::message::{Direction, PacketKind};

    fn connect(version: ProtocolVersion, password: Option<&[u8]>) -> Vec<u8> {
        let mut c = Connect::new(version, "id");
        c.username = Some("user".into());
        c.password = password.map(|p| p.to_vec().into());
        let mut out = Vec::new();
        Packet::Connect(Box::new(c))
            .encode(version, &mut out)
            .unwrap();
        out
    }

    fn packet(bytes: &[u8]) -> PacketRow {
        PacketRow {
            id: 3,
            direction: Direction::Out,
            at_ms: 0.0,
            bytes: Arc::from(bytes),
            kind: PacketKind::of_bytes(bytes),
            frame_ends: vec![],
            violation: None,
        }
    }

    #[test]
    fn packets_json_masks_secrets_unless_asked() {
        let bytes = connect(ProtocolVersion::V3_1_1, Some(b"s3cret"));
        let mut row = packet(&bytes);
        row.frame_ends = vec![2, 5];
        row.violation = Some("bad [MQTT-1.2-3]".into());
        let masked = packets_json([&row].into_iter(), "c", false);
        let secret = to_hex(b"s3cret");
        assert!(!masked.contains(&secret));
        assert!(masked.contains(&to_hex(b"\x00\x06******")));
        assert!(masked.contains(
            r#""frame_ends":[2,5],"violation":"bad [MQTT-1.2-3]","secrets_masked":true}"#
        ));
        let open = packets_json([&row].into_iter(), "c", true);
        assert!(open.contains(&secret) && open.contains(r#""secrets_masked":false"#));
        let size = format!(r#""type":"CONNECT","size":{}"#, bytes.len());
        assert!(masked.contains(&size) && open.contains(&size));
        assert!(json::parse(&masked).is_ok() && json::parse(&open).is_ok());
        let ping = packets_json([&packet(&[0xc0, 0x00])].into_iter(), "c", false);
        assert!(ping
            .contains(r#""hex":"c0 00","frame_ends":[],"violation":null,"secrets_masked":false"#));
    }

    #[test]
    fn the_packet_export_hides_authentication_data_unless_asked() {
        const PROOF: &[u8] = b"c=biws,r=n0nce,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=";
        let mut auth = Auth {
            reason: ReasonCode::ContinueAuthentication,
            ..Default::default()
        };
        let p = auth.properties.to_mut();
        p.authentication_method = Some("SCRAM-SHA-256".into());
        p.authentication_data = Some(PROOF.into());
        let mut bytes = Vec::new();
        Packet::Auth(auth)
            .encode(ProtocolVersion::V5, &mut bytes)
            .unwrap();
        let row = packet(&bytes);
        let masked = packets_json([&row].into_iter(), "c", false);
        assert!(!masked.contains(&to_hex(PROOF)), "{masked}");
        assert!(masked.contains(&to_hex(&vec![b'*'; PROOF.len()])));
        assert!(masked.contains(r#""secrets_masked":true"#));
        assert!(masked.contains(&format!(r#""size":{}"#, bytes.len())));
        let open = packets_json([&row].into_iter(), "c", true);
        assert!(open.contains(&to_hex(PROOF)) && open.contains(r#""secrets_masked":false"#));
    }
}
