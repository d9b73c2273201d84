//! Secrets in packets: a CONNECT's password, and the MQTT 5 Authentication Data of
//! CONNECT, CONNACK and AUTH (SCRAM proofs, tokens), found by the dissector and masked
//! for logs, exports and the inspector unless the user asks to see them.

use std::borrow::Cow;
use std::ops::Range;

use super::{dissect, Dissection, Field};
use crate::codec::{Packet, PacketType, ProtocolVersion, Status};

/// The dissector's paths of the secrets: a CONNECT's password, and the Authentication
/// Data (0x16) of CONNECT, CONNACK and AUTH (SCRAM proofs, tokens).
const SECRETS: [&str; 4] = [
    "connect.password",
    "connect.properties.authentication_data",
    "connack.properties.authentication_data",
    "auth.properties.authentication_data",
];

/// The packet with its secrets replaced by `*` (0x2A) bytes, so that the length (and
/// the hex's length) stays the same: a CONNECT's password, and the Authentication Data
/// of CONNECT, CONNACK and AUTH. Borrowed unchanged when there is none: another packet
/// type, or a packet without one.
///
/// A secret whose length was read but not its bytes (they run past the end) is masked
/// from its length to the end of the bytes. And when the bytes end before the packet
/// does, what the dissector could not read may hold a secret, so it is masked too, up to
/// the end: in a CONNECT (its password comes last), and in a CONNACK or AUTH once its
/// properties start. A whole packet malformed elsewhere keeps the bytes after its fault,
/// so that the fault can still be seen.
pub fn mask_secrets(bytes: &[u8]) -> Cow<'_, [u8]> {
    let ranges = secret_ranges(bytes);
    if ranges.is_empty() {
        return Cow::Borrowed(bytes);
    }
    let mut out = bytes.to_vec();
    for range in ranges {
        if let Some(secret) = out.get_mut(range) {
            secret.fill(b'*');
        }
    }
    Cow::Owned(out)
}

/// The non-empty byte ranges to mask: the secrets the dissector found, and what it left
/// unread (see [`mask_secrets`]).
fn secret_ranges(bytes: &[u8]) -> Vec<Range<usize>> {
    let kind = bytes.first().and_then(|b| PacketType::from_u8(b >> 4));
    if !matches!(
        kind,
        Some(PacketType::Connect | PacketType::ConnAck | PacketType::Auth)
    ) {
        return Vec::new();
    }
    // CONNECT carries its own protocol level, and only MQTT 5 has Authentication Data:
    // dissecting as MQTT 5 finds every secret there is. (An MQTT 3 CONNACK stops before
    // any properties, so nothing of it is masked.)
    let d = dissect(bytes, ProtocolVersion::V5);
    let found = d
        .fields
        .iter()
        .filter_map(|f| secret_range(&d.fields, f, bytes.len()));
    let connect = kind == Some(PacketType::Connect);
    found
        .chain(unread(bytes, &d, connect))
        .filter(|r| !r.is_empty())
        .collect()
}

/// What the dissector `d` of `bytes` could not read, when the bytes end before the
/// packet does and it may hold a secret: in a CONNECT, or once the properties start.
fn unread(bytes: &[u8], d: &Dissection, connect: bool) -> Option<Range<usize>> {
    let cut = matches!(
        Packet::decode(bytes, ProtocolVersion::V5),
        Ok(Status::Partial { .. })
    );
    let reached = connect
        || d.fields
            .iter()
            .any(|f| f.path.ends_with(".properties.length"));
    (cut && reached).then(|| d.covered()..d.len)
}

/// The bytes of the secret `f` is part of, if any: a secret's own bytes, or for a
/// secret's length that no bytes follow (they run past the end of the packet), everything
/// after it up to `end`.
fn secret_range(fields: &[Field], f: &Field, end: usize) -> Option<Range<usize>> {
    if SECRETS.contains(&f.path.as_str()) {
        return Some(f.range.clone());
    }
    let secret = f.path.strip_suffix(".length")?;
    let read = fields.iter().any(|g| g.path == secret);
    (SECRETS.contains(&secret) && !read).then_some(f.range.end..end)
}

#[cfg(test)]
mod tests {
    use crate::codec::{Auth, ConnAck, Connect, ReasonCode};

    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

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

    #[test]
    fn masking_keeps_length_and_everything_else() {
        for v in [
            ProtocolVersion::V3_1,
            ProtocolVersion::V3_1_1,
            ProtocolVersion::V5,
        ] {
            let bytes = connect(v, Some(b"pw"));
            let masked = mask_secrets(&bytes);
            assert_eq!(masked.len(), bytes.len());
            let n = bytes.len();
            assert_eq!(masked.get(..n - 2), bytes.get(..n - 2), "{v}");
            assert_eq!(masked.get(n - 2..), Some(&b"**"[..]), "{v}");
        }
        let none = connect(ProtocolVersion::V5, None);
        assert!(matches!(mask_secrets(&none), Cow::Borrowed(_)));
        let publish = [0x30, 0x03, 0x00, 0x01, b't'];
        assert!(matches!(mask_secrets(&publish), Cow::Borrowed(_)));
        assert!(matches!(mask_secrets(&[]), Cow::Borrowed(_)));
    }

    #[test]
    fn a_cut_password_is_masked_to_the_end() {
        let bytes = connect(ProtocolVersion::V3_1_1, Some(b"longsecret"));
        let cut = bytes.get(..bytes.len() - 4).unwrap();
        let masked = mask_secrets(cut);
        assert!(masked.ends_with(b"\x00\x0a******"), "{masked:?}");
        for end in 0..bytes.len() {
            let part = bytes.get(..end).unwrap();
            assert_eq!(mask_secrets(part).len(), end);
        }
    }

    /// A SCRAM client proof, as CONNECT or AUTH would carry it.
    const PROOF: &[u8] =
        b"c=biws,r=rOprNGfwEbeRWgbNEkqO,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=";

    fn v5(packet: &Packet<'_>) -> Vec<u8> {
        let mut out = Vec::new();
        packet.encode(ProtocolVersion::V5, &mut out).unwrap();
        out
    }

    /// CONNECT (with password `password`), CONNACK and AUTH carrying `data`.
    fn with_auth_data(data: &[u8], password: &[u8]) -> [Packet<'static>; 3] {
        let method = || Some("SCRAM-SHA-256".into());
        let data = || Some(data.to_vec().into());
        let mut c = Connect::new(ProtocolVersion::V5, "id");
        c.username = Some("user".into());
        c.password = Some(password.to_vec().into());
        let p = c.properties.to_mut();
        (p.authentication_method, p.authentication_data) = (method(), data());
        let mut k = ConnAck::new(false);
        let p = k.properties.to_mut();
        (p.authentication_method, p.authentication_data) = (method(), data());
        let mut a = Auth {
            reason: ReasonCode::ContinueAuthentication,
            ..Default::default()
        };
        let p = a.properties.to_mut();
        (p.authentication_method, p.authentication_data) = (method(), data());
        [
            Packet::Connect(Box::new(c)),
            Packet::ConnAck(k),
            Packet::Auth(a),
        ]
    }

    fn contains(haystack: &[u8], needle: &[u8]) -> bool {
        haystack.windows(needle.len()).any(|w| w == needle)
    }

    fn find(haystack: &[u8], needle: &[u8]) -> usize {
        haystack
            .windows(needle.len())
            .position(|w| w == needle)
            .unwrap()
    }

    #[test]
    fn authentication_data_is_masked_in_connect_connack_and_auth() {
        let stars = vec![b'*'; PROOF.len()];
        let packets = with_auth_data(PROOF, b"pw");
        let hidden = with_auth_data(&stars, b"**");
        for (packet, hidden) in packets.iter().zip(&hidden) {
            let bytes = v5(packet);
            assert!(contains(&bytes, PROOF));
            let masked = mask_secrets(&bytes);
            // Byte for byte the same packet, with stars where the secrets were.
            assert_eq!(&masked[..], &v5(hidden)[..], "{:?}", packet.packet_type());
            assert!(!contains(&masked, PROOF));
        }
    }

    #[test]
    fn empty_authentication_data_masks_nothing_after_it() {
        let [connect, ..] = with_auth_data(b"", b"pw");
        let bytes = v5(&connect);
        let masked = mask_secrets(&bytes);
        let n = bytes.len();
        assert_eq!(masked.get(..n - 2), bytes.get(..n - 2));
        assert_eq!(masked.get(n - 2..), Some(&b"**"[..]));
        let [_, _, auth] = with_auth_data(b"", b"");
        assert!(matches!(mask_secrets(&v5(&auth)), Cow::Borrowed(_)));
    }

    #[test]
    fn what_a_cut_packet_leaves_unread_is_masked_to_the_end() {
        for packet in with_auth_data(PROOF, b"pw") {
            let bytes = v5(&packet);
            // Cut inside the Authentication Data: the properties no longer dissect.
            let cut = bytes.get(..find(&bytes, PROOF) + 10).unwrap();
            // The properties' length, then Authentication Method: id, length, name.
            let props = find(&bytes, b"SCRAM-SHA-256") - 4;
            let masked = mask_secrets(cut);
            assert_eq!(masked.len(), cut.len());
            assert_eq!(masked.get(..=props), cut.get(..=props));
            assert!(masked.iter().skip(props + 1).all(|&b| b == b'*'));
        }
    }

    #[test]
    fn a_secret_running_past_its_packet_is_masked_to_the_end() {
        // The Remaining Length ends the CONNECT three bytes into its password.
        let mut connect = connect(ProtocolVersion::V3_1_1, Some(b"secret"));
        connect[1] -= 3;
        let masked = mask_secrets(&connect);
        assert!(masked.ends_with(b"\x00\x06******"), "{masked:?}");
        // Authentication Data longer than what is left of the AUTH.
        let [_, _, auth] = with_auth_data(PROOF, b"");
        let mut auth = v5(&auth);
        let data = find(&auth, PROOF);
        auth[data - 1] += 1;
        let masked = mask_secrets(&auth);
        assert_eq!(masked.get(..data), auth.get(..data));
        assert!(masked.iter().skip(data).all(|&b| b == b'*'));
    }

    #[test]
    fn a_whole_malformed_packet_keeps_the_bytes_after_its_fault() {
        let [_, _, auth] = with_auth_data(PROOF, b"");
        let mut bytes = v5(&auth);
        // Authentication Method (0x15) becomes Payload Format Indicator, not allowed in
        // AUTH: the dissector stops there and the bytes stay as they are.
        let method = find(&bytes, b"SCRAM-SHA-256") - 3;
        bytes[method] = 0x01;
        assert!(matches!(mask_secrets(&bytes), Cow::Borrowed(_)));
    }

    #[test]
    fn packets_without_secrets_are_unchanged() {
        // MQTT 3.1.1 CONNACKs, accepted and refused: no properties, nothing to hide.
        for bytes in [[0x20, 0x02, 0x00, 0x00], [0x20, 0x02, 0x00, 0x05]] {
            assert!(matches!(mask_secrets(&bytes), Cow::Borrowed(_)));
        }
        let [_, mut connack, _] = with_auth_data(b"", b"");
        if let Packet::ConnAck(k) = &mut connack {
            k.properties = Default::default();
        }
        let bytes = v5(&connack);
        assert!(matches!(mask_secrets(&bytes), Cow::Borrowed(_)));
    }
}
