//! Every CONNACK code gets its own advice.

use mqttscope_proto::codec::PacketType;

use super::*;
use crate::parse::parse;

const V5: ProtocolVersion = ProtocolVersion::V5;
const V4: ProtocolVersion = ProtocolVersion::V3_1_1;

fn url() -> BrokerUrl {
    parse("wss://broker.example:8884/mqtt").expect("valid")
}

fn refusal_codes() -> impl Iterator<Item = ReasonCode> {
    (0x80..=0xFF)
        .filter_map(ReasonCode::from_u8)
        .filter(|c| c.allowed_in(PacketType::ConnAck))
}

#[test]
fn every_mqtt5_refusal_has_its_own_text() {
    let mut titles = Vec::new();
    for code in refusal_codes() {
        let d = connack(&url(), code as u8, V5, Said::default());
        assert_ne!(d.title, GENERIC_TITLE, "{code}");
        assert!(d.detail.contains(&code.to_string()), "{code}: {}", d.detail);
        assert!(d.detail.contains("broker.example:8884"), "{code}");
        titles.push(d.title);
    }
    assert_eq!(titles.len(), 21);
    titles.sort_unstable();
    titles.dedup();
    assert_eq!(titles.len(), 21, "titles repeat");
}

#[test]
fn every_mqtt3_return_code_has_its_own_text() {
    for code in 1..=5u8 {
        let d = connack(&url(), code, V4, Said::default());
        assert_ne!(d.title, GENERIC_TITLE, "{code}");
        assert!(d
            .detail
            .contains(&format!("return code {code} (Connection Refused")));
    }
    let d = connack(&url(), 4, V4, Said::default());
    assert_eq!(d.title, "The broker rejected your user name or password");
    assert_eq!(d.actions, [Action::Edit(Setting::Credentials)]);
}

#[test]
fn unknown_codes_get_the_generic_text() {
    for (code, v) in [(6, V4), (0x8B, V5), (0x03, V5), (0xFF, V5)] {
        let d = connack(&url(), code, v, Said::default());
        assert_eq!(d.title, GENERIC_TITLE, "{code}");
    }
    let d = connack(&url(), 0x03, V5, Said::default());
    assert!(
        d.detail.contains("0x03, which MQTT 5.0 does not define"),
        "{}",
        d.detail
    );
}

#[test]
fn success_is_not_a_failure() {
    for v in [V4, V5] {
        let d = connack(&url(), 0, v, Said::default());
        assert_eq!(d.severity, Severity::Info);
        assert!(d.actions.is_empty());
    }
}

#[test]
fn an_unsupported_version_suggests_the_others() {
    let d = connack(&url(), 0x84, V5, Said::default());
    assert_eq!(d.title, "The broker does not speak MQTT 5.0");
    let want = [ProtocolVersion::V3_1_1, ProtocolVersion::V3_1].map(Action::SwitchVersion);
    assert_eq!(d.actions, want);
    let d = connack(&url(), 1, V4, Said::default());
    assert_eq!(d.actions[0], Action::SwitchVersion(V5));
}

#[test]
fn a_moved_server_shows_its_reference() {
    let said = Said {
        reason: Some("migrated"),
        reference: Some("new.example:9443"),
    };
    let d = connack(&url(), 0x9D, V5, said);
    assert!(d.detail.contains("\"migrated\""), "{}", d.detail);
    assert!(d.detail.contains("\"new.example:9443\""), "{}", d.detail);
    let target = parse("wss://new.example:9443/mqtt").expect("valid");
    assert_eq!(
        d.actions,
        [Action::use_url(&target), Action::Edit(Setting::Url)]
    );
}

#[test]
fn transient_refusals_offer_a_retry() {
    for code in [0x88, 0x89, 0x97, 0x9F] {
        let d = connack(&url(), code, V5, Said::default());
        assert_eq!(d.severity, Severity::Warning, "{code:#x}");
        assert_eq!(d.actions.last(), Some(&Action::Retry), "{code:#x}");
    }
    assert!(connack(&url(), 0x8A, V5, Said::default())
        .actions
        .is_empty());
}

#[test]
fn any_byte_in_any_version_gives_a_text() {
    use ProtocolVersion as P;
    for v in [P::V3_1, P::V3_1_1, P::V5] {
        for code in 0..=255u8 {
            let d = connack(&url(), code, v, Said::default());
            assert!(!d.title.is_empty() && !d.detail.is_empty());
        }
    }
}
