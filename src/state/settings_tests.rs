//! The settings' conversions: to CONNECT options and a reconnect policy, and their checks.

use super::*;

#[test]
fn v5_settings_become_connect_properties_and_a_reconnect_policy() {
    let s = ConnectionSettings {
        client_id: "me".to_owned(),
        username: "u".to_owned(),
        password: "p".to_owned(),
        session_expiry: 300,
        receive_maximum: 10,
        topic_alias_maximum: 5,
        request_problem_information: false,
        user_properties: vec![("a".to_owned(), "b".to_owned())],
        ..Default::default()
    };
    let (o, auth) = s.to_options(Box::new(|| "n".into()), 7).unwrap();
    assert!(auth.is_none());
    assert_eq!(o.topic_alias, TopicAliasPolicy::Off);
    assert_eq!(o.username.as_deref(), Some("u"));
    assert_eq!(o.password.as_deref(), Some(&b"p"[..]));
    assert_eq!(o.properties.session_expiry_interval, Some(300));
    assert_eq!(o.properties.receive_maximum.map(|n| n.get()), Some(10));
    assert_eq!(o.properties.topic_alias_maximum, Some(5));
    assert_eq!(o.properties.request_problem_information, Some(false));
    // The core announces the receive limit itself (the default 16 MiB here).
    assert_eq!(o.properties.maximum_packet_size, None);
    assert_eq!(o.receive_limit, 16 << 20);
    assert_eq!(o.properties.user_properties.len(), 1);
    let r = o.reconnect.unwrap();
    assert!(r.resubscribe);
    assert_eq!(r.seed, 7);
}

#[test]
fn outbound_topic_aliases_are_passed_on_in_mqtt5_only() {
    let mut s = ConnectionSettings {
        topic_alias: TopicAliasPolicy::Lru,
        ..Default::default()
    };
    assert_eq!(
        s.to_options(Box::new(|| "n".into()), 1)
            .unwrap()
            .0
            .topic_alias,
        TopicAliasPolicy::Lru
    );
    s.version = ProtocolVersion::V3_1_1;
    assert_eq!(
        s.to_options(Box::new(|| "n".into()), 1)
            .unwrap()
            .0
            .topic_alias,
        TopicAliasPolicy::Off
    );
}

#[test]
fn every_alias_policy_has_its_own_name() {
    for (policy, name, _) in ALIAS_POLICIES {
        assert_eq!(alias_policy_name(policy), name);
        assert_eq!(alias_policy_from_name(name), policy);
    }
    assert_eq!(alias_policy_from_name("bogus"), TopicAliasPolicy::Off);
}

#[test]
fn mqtt3_drops_v5_properties_and_refuses_what_it_cannot_express() {
    let s = ConnectionSettings {
        version: ProtocolVersion::V3_1_1,
        session_expiry: 300,
        ..Default::default()
    };
    let (o, _) = s.to_options(Box::new(|| "n".into()), 1).unwrap();
    assert_eq!(o.properties.session_expiry_interval, None);
    let anonymous_kept = ConnectionSettings {
        version: ProtocolVersion::V3_1_1,
        client_id: String::new(),
        clean_start: false,
        ..Default::default()
    };
    let e = anonymous_kept
        .to_options(Box::new(|| "n".into()), 1)
        .unwrap_err();
    assert!(e.message.contains("MQTT-3.1.3-7"), "{e}");
    let scram3 = ConnectionSettings {
        version: ProtocolVersion::V3_1_1,
        auth_method: AuthMethod::ScramSha256,
        username: "u".to_owned(),
        ..Default::default()
    };
    assert_eq!(
        scram3
            .to_options(Box::new(|| "n".into()), 1)
            .unwrap_err()
            .field,
        "Authentication"
    );
}

#[test]
fn a_will_needs_a_topic_and_a_payload_in_its_format() {
    let mut s = ConnectionSettings {
        will: Some(WillSettings::default()),
        ..Default::default()
    };
    assert_eq!(
        s.to_options(Box::new(|| "n".into()), 1).unwrap_err().field,
        "Will topic"
    );
    s.will = Some(WillSettings {
        topic: "t".to_owned(),
        payload: "zz".to_owned(),
        format: PayloadFormat::Hex,
        ..Default::default()
    });
    assert_eq!(
        s.to_options(Box::new(|| "n".into()), 1).unwrap_err().field,
        "Will payload"
    );
    s.will = Some(WillSettings {
        topic: "t".to_owned(),
        payload: "6869".to_owned(),
        format: PayloadFormat::Hex,
        delay_interval: 5,
        ..Default::default()
    });
    let (o, _) = s.to_options(Box::new(|| "n".into()), 1).unwrap();
    let w = o.will.unwrap();
    assert_eq!(&w.payload[..], b"hi");
    assert_eq!(w.properties.will_delay_interval(), Some(5));
}

#[test]
fn a_will_payload_converted_to_another_format_sends_the_same_bytes() {
    // A JSON string, which converting to JSON (pretty printing) leaves as it is.
    let text = "\"gone\"";
    for format in PayloadFormat::all() {
        let payload = payload::convert(text, PayloadFormat::Text, format).unwrap();
        let s = ConnectionSettings {
            will: Some(WillSettings {
                topic: "t".to_owned(),
                payload,
                format,
                ..Default::default()
            }),
            ..Default::default()
        };
        let (o, _) = s.to_options(Box::new(|| "n".into()), 1).unwrap();
        assert_eq!(&o.will.unwrap().payload[..], text.as_bytes(), "{format:?}");
    }
}

#[test]
fn scram_needs_a_username_and_gives_an_authenticator() {
    let mut s = ConnectionSettings {
        auth_method: AuthMethod::ScramSha512,
        ..Default::default()
    };
    assert_eq!(
        s.to_options(Box::new(|| "n".into()), 1).unwrap_err().field,
        "Username"
    );
    s.username = "u".to_owned();
    assert!(s
        .to_options(Box::new(|| "n".into()), 1)
        .unwrap()
        .1
        .is_some());
    assert_eq!(
        AuthMethod::from_label("SCRAM-SHA-512"),
        AuthMethod::ScramSha512
    );
    assert_eq!(AuthMethod::from_label("bogus"), AuthMethod::None);
}

#[test]
fn generated_client_ids_are_valid_and_vary() {
    let a = generate_client_id(1);
    let b = generate_client_id(2);
    assert_ne!(a, b);
    assert_eq!(a.len(), "mqttscope-".len() + 8);
    assert!(a.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'-'));
}

#[test]
fn the_receive_limit_applies_to_every_version() {
    for version in [ProtocolVersion::V3_1_1, ProtocolVersion::V5] {
        let s = ConnectionSettings {
            version,
            maximum_packet_size: 40 << 20,
            ..Default::default()
        };
        assert_eq!(
            s.to_options(Box::new(String::new), 1)
                .unwrap()
                .0
                .receive_limit,
            40 << 20
        );
    }
}
