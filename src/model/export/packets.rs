//! The packet export, and hiding CONNECT passwords in it.

use std::borrow::Cow;
use std::ops::Range;

use mqttscope_proto::codec::ProtocolVersion;
use mqttscope_proto::dissect::dissect;
use mqttscope_proto::hex::to_hex;

use super::json_array;
use crate::model::json::{ArrayWriter, ObjectWriter};
use crate::model::message::PacketRow;
use crate::model::time::iso8601;

/// The dissector's path of a CONNECT password, and of its length prefix.
const PASSWORD: &str = "connect.password";
const PASSWORD_LENGTH: &str = "connect.password.length";

/// Packets as a JSON array of objects with, in order: `id`, `time` (ISO 8601 UTC),
/// `connection`, `direction`, `type` ("CONNECT", …), `size`, `hex` (the bytes as
/// space-separated hex pairs), `frame_ends`, `violation` (string or null) and
/// `password_masked` (true when a CONNECT password was replaced by `*` bytes). Unless
/// `reveal_passwords`, CONNECT passwords are masked (see [`mask_connect_password`]).
pub fn packets_json<'a>(
    rows: impl Iterator<Item = &'a PacketRow>,
    connection: &str,
    reveal_passwords: bool,
) -> String {
    json_array(rows, |out, p| {
        let bytes = if reveal_passwords {
            Cow::Borrowed(&p.bytes[..])
        } else {
            mask_connect_password(&p.bytes)
        };
        let mut o = ObjectWriter::new(out);
        o.num("id", p.id).str("time", &iso8601(p.at_ms));
        o.str("connection", connection)
            .str("direction", p.direction.label());
        o.str("type", p.kind).num("size", p.bytes.len());
        o.str("hex", &to_hex(&bytes));
        let mut ends = ArrayWriter::new(o.key("frame_ends"));
        for e in &p.frame_ends {
            ends.num(e);
        }
        ends.finish();
        o.opt_str("violation", p.violation.as_deref());
        o.bool("password_masked", matches!(bytes, Cow::Owned(_)));
        o.finish();
    })
}

/// The packet with the bytes of a CONNECT password replaced by `*` (0x2A) bytes, so
/// the length (and the hex's length) stays the same. Borrowed unchanged when there is
/// no password: another packet type, a CONNECT without one, or bytes that do not
/// dissect that far. A password cut short by the end of the bytes is masked up to the
/// end.
pub fn mask_connect_password(bytes: &[u8]) -> Cow<'_, [u8]> {
    let Some(range) = password_range(bytes) else {
        return Cow::Borrowed(bytes);
    };
    let mut out = bytes.to_vec();
    if let Some(secret) = out.get_mut(range) {
        secret.fill(b'*');
    }
    Cow::Owned(out)
}

/// The bytes of a CONNECT's password, as the dissector places them: the password
/// field, or everything after its length when the bytes end before the password does.
fn password_range(bytes: &[u8]) -> Option<Range<usize>> {
    if bytes.first().map(|b| b >> 4) != Some(1) {
        return None;
    }
    // CONNECT carries its own protocol level; the version passed here does not matter.
    let fields = dissect(bytes, ProtocolVersion::V5).fields;
    let field = |path: &str| fields.iter().find(|f| f.path == path && f.mask.is_none());
    match field(PASSWORD) {
        Some(f) => Some(f.range.clone()),
        None => field(PASSWORD_LENGTH).map(|f| f.range.end..bytes.len()),
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use mqttscope_proto::codec::{Connect, Packet};

    use super::*;
    use crate::model::json;
    use crate::model::message::Direction;

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

    fn packet(bytes: &[u8], kind: &'static str) -> PacketRow {
        PacketRow {
            id: 3,
            direction: Direction::Out,
            at_ms: 0.0,
            bytes: Arc::from(bytes),
            kind,
            frame_ends: vec![],
            violation: None,
        }
    }

    #[test]
    fn packets_json_masks_passwords_unless_asked() {
        let bytes = connect(ProtocolVersion::V3_1_1, Some(b"s3cret"));
        let mut row = packet(&bytes, "CONNECT");
        row.frame_ends = vec![2, 5];
        row.violation = Some("bad [MQTT-1.2-3]".into());
        let masked = packets_json([&row].into_iter(), "c", false);
        let secret = to_hex(b"s3cret");
        assert!(!masked.contains(&secret));
        assert!(masked.contains(&to_hex(b"\x00\x06******")));
        assert!(masked.contains(
            r#""frame_ends":[2,5],"violation":"bad [MQTT-1.2-3]","password_masked":true}"#
        ));
        let open = packets_json([&row].into_iter(), "c", true);
        assert!(open.contains(&secret) && open.contains(r#""password_masked":false"#));
        let size = format!(r#""type":"CONNECT","size":{}"#, bytes.len());
        assert!(masked.contains(&size) && open.contains(&size));
        assert!(json::parse(&masked).is_ok() && json::parse(&open).is_ok());
        let ping = packets_json([&packet(&[0xc0, 0x00], "PINGREQ")].into_iter(), "c", false);
        assert!(ping
            .contains(r#""hex":"c0 00","frame_ends":[],"violation":null,"password_masked":false"#));
    }

    #[test]
    fn masking_keeps_length_and_everything_else() {
        for v in [
            ProtocolVersion::V3_1,
            ProtocolVersion::V3_1_1,
            ProtocolVersion::V5,
        ] {
            let bytes = connect(v, Some(b"pw"));
            let masked = mask_connect_password(&bytes);
            assert_eq!(masked.len(), bytes.len());
            let n = bytes.len();
            assert_eq!(masked.get(..n - 2), bytes.get(..n - 2), "{v}");
            assert_eq!(masked.get(n - 2..), Some(&b"**"[..]), "{v}");
        }
        let none = connect(ProtocolVersion::V5, None);
        assert!(matches!(mask_connect_password(&none), Cow::Borrowed(_)));
        let publish = [0x30, 0x03, 0x00, 0x01, b't'];
        assert!(matches!(mask_connect_password(&publish), Cow::Borrowed(_)));
        assert!(matches!(mask_connect_password(&[]), Cow::Borrowed(_)));
    }

    #[test]
    fn a_cut_password_is_masked_to_the_end() {
        let bytes = connect(ProtocolVersion::V3_1_1, Some(b"longsecret"));
        let cut = bytes.get(..bytes.len() - 4).unwrap();
        let masked = mask_connect_password(cut);
        assert!(masked.ends_with(b"\x00\x0a******"), "{masked:?}");
        for end in 0..bytes.len() {
            let part = bytes.get(..end).unwrap();
            assert_eq!(mask_connect_password(part).len(), end);
        }
    }
}
