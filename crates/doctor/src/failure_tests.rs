//! Tests of [`Failure::from_cause`] against causes the real client produces.

use std::borrow::Cow;
use std::time::Duration;

use mqttscope_proto::client::{Client, Event, Instant, Output};
use mqttscope_proto::codec::{ConnAckProperties, DisconnectProperties};

use super::*;

fn options(version: ProtocolVersion) -> ClientOptions {
    ClientOptions {
        version,
        client_id: "c".into(),
        keep_alive: 30,
        connect_timeout: Duration::from_millis(2500),
        ..Default::default()
    }
}

/// Connects a client, feeds it `reply` from the server (or lets the connect timer
/// fire when `reply` is empty) and returns why it disconnected.
fn cause_after(version: ProtocolVersion, reply: &[u8]) -> DisconnectCause {
    let now = Instant::from_millis(0);
    let mut client = Client::new(options(version), now);
    client.connect(now).expect("connect");
    let (_, deadline) = drain(&mut client, now);
    let (cause, _) = if reply.is_empty() {
        client.handle_timeout(deadline);
        drain(&mut client, deadline)
    } else {
        client.handle_bytes(now, reply);
        drain(&mut client, now)
    };
    cause.expect("disconnected")
}

fn drain(client: &mut Client, now: Instant) -> (Option<DisconnectCause>, Instant) {
    let mut cause = None;
    loop {
        match client.poll_output(now) {
            Output::Event(Event::Disconnected(c)) => cause = Some(c),
            Output::Timeout(at) => return (cause, at),
            _ => {}
        }
    }
}

fn setup(version: ProtocolVersion) -> Setup {
    Setup::from(&options(version))
}

#[test]
fn a_v5_refusal_keeps_its_code_and_properties() {
    let cause = DisconnectCause::Refused {
        reason: ReasonCode::UseAnotherServer,
        properties: ConnAckProperties {
            reason_string: Some(Cow::Borrowed("full")),
            server_reference: Some(Cow::Borrowed("b.example")),
            ..Default::default()
        },
    };
    let f = Failure::from_cause(&cause, &setup(ProtocolVersion::V5));
    assert_eq!(
        f,
        Some(Failure::ConnAck {
            code: 0x9C,
            version: ProtocolVersion::V5,
            reason_string: Some("full".into()),
            server_reference: Some("b.example".into()),
        })
    );
}

#[test]
fn a_v3_refusal_carries_the_return_code() {
    let cause = cause_after(ProtocolVersion::V3_1_1, &[0x20, 0x02, 0x00, 0x04]);
    let f = Failure::from_cause(&cause, &setup(ProtocolVersion::V3_1_1));
    assert!(matches!(
        f,
        Some(Failure::ConnAck {
            code: 4,
            reason_string: None,
            ..
        })
    ));
}

#[test]
fn a_v3_answer_to_a_v5_connect_means_no_mqtt_5() {
    let cause = cause_after(ProtocolVersion::V5, &[0x20, 0x02, 0x00, 0x01]);
    let f = Failure::from_cause(&cause, &setup(ProtocolVersion::V5));
    let Some(Failure::ConnAck {
        code,
        version,
        reason_string: Some(why),
        ..
    }) = f
    else {
        panic!("expected a CONNACK failure, got {f:?}");
    };
    assert_eq!((code, version), (0x84, ProtocolVersion::V5));
    assert!(why.contains("return code 1"), "{why}");
}

#[test]
fn other_broken_rules_are_violations_with_their_rule() {
    // Session Present with a failure code [MQTT-3.2.2-6].
    let cause = cause_after(ProtocolVersion::V5, &[0x20, 0x03, 0x01, 0x86, 0x00]);
    let f = Failure::from_cause(&cause, &setup(ProtocolVersion::V5));
    assert!(
        matches!(&f, Some(Failure::Violation { rule, .. }) if rule == "MQTT-3.2.2-6"),
        "{f:?}"
    );
    // The same bytes from a 3.1.1 broker to a 3.1.1 client are a violation too.
    let cause = cause_after(ProtocolVersion::V3_1_1, &[0x20, 0x02, 0x01, 0x04]);
    let f = Failure::from_cause(&cause, &setup(ProtocolVersion::V3_1_1));
    assert!(matches!(f, Some(Failure::Violation { .. })), "{f:?}");
}

#[test]
fn a_violation_from_its_parts_reads_as_the_protocol_error_does() {
    let v5 = ProtocolVersion::V5;
    let cause = cause_after(v5, &[0x20, 0x02, 0x00, 0x05]);
    let DisconnectCause::Protocol(e) = &cause else {
        panic!("expected a protocol error, got {cause:?}");
    };
    let parts = Failure::from_violation(e.rule, &e.detail, Some(5), v5);
    assert_eq!(parts, Failure::from_protocol_error(e, v5));
    assert!(
        matches!(parts, Failure::ConnAck { code: 0x84, .. }),
        "{parts:?}"
    );
    // Without the CONNACK's code, or in 3.1.1, or with a code 3.1.1 lacks: a violation.
    for (code, version) in [
        (None, v5),
        (Some(5), ProtocolVersion::V3_1_1),
        (Some(6), v5),
    ] {
        let f = Failure::from_violation("MQTT-3.2.2-8", "x", code, version);
        assert!(
            matches!(&f, Failure::Violation { rule, detail } if rule == "MQTT-3.2.2-8" && detail == "x"),
            "{f:?}"
        );
    }
}

#[test]
fn timeouts_report_the_setup() {
    let cause = cause_after(ProtocolVersion::V5, &[]);
    assert_eq!(cause, DisconnectCause::ConnectTimeout);
    let s = setup(ProtocolVersion::V5);
    let f = Failure::from_cause(&cause, &s);
    assert_eq!(f, Some(Failure::ConnectTimeout { after_ms: 2500.0 }));
    let f = Failure::from_cause(&DisconnectCause::KeepAliveTimeout, &s);
    assert_eq!(f, Some(Failure::KeepAliveTimeout { keep_alive_s: 30 }));
}

#[test]
fn server_disconnects_keep_code_and_properties() {
    let cause = DisconnectCause::Server {
        reason: ReasonCode::SessionTakenOver,
        properties: DisconnectProperties {
            reason_string: Some(Cow::Borrowed("bye")),
            ..Default::default()
        },
    };
    let f = Failure::from_cause(&cause, &setup(ProtocolVersion::V5));
    assert_eq!(
        f,
        Some(Failure::ServerDisconnect {
            code: 0x8E,
            reason_string: Some("bye".into()),
            server_reference: None,
        })
    );
}

#[test]
fn nothing_to_diagnose_when_we_left_or_the_socket_closed() {
    let s = setup(ProtocolVersion::V5);
    let local = DisconnectCause::Local(ReasonCode::Success);
    assert_eq!(Failure::from_cause(&local, &s), None);
    assert_eq!(
        Failure::from_cause(&DisconnectCause::TransportClosed, &s),
        None
    );
    let internal = DisconnectCause::Internal("too big".into());
    let f = Failure::from_cause(&internal, &s);
    assert_eq!(
        f,
        Some(Failure::Internal {
            detail: "too big".into()
        })
    );
}

#[test]
fn a_packet_over_the_mqtt3_limit_says_whose_limit_and_what_to_do() {
    let cause = DisconnectCause::TooLarge {
        size: 2_000_000,
        limit: 1 << 20,
    };
    let mut s = setup(ProtocolVersion::V3_1_1);
    s.retrying = false;
    let f = Failure::from_cause(&cause, &s).expect("explained");
    let url = crate::precheck("ws://h:9001/mqtt", false).expect("valid");
    let d = crate::diagnose(&url, &f, &Default::default());
    assert_eq!(
        d.title,
        "A packet of 2,000,000 was too big for this connection"
    );
    for words in [
        "receive limit of 1,048,576 bytes",
        "stopped reconnecting automatically",
        "retained message",
        "publish an empty retained message",
    ] {
        assert!(d.detail.contains(words), "{words}: {}", d.detail);
    }
    assert!(
        !d.detail.contains("broke a rule"),
        "not blamed on the broker: {}",
        d.detail
    );
    assert!(d
        .actions
        .contains(&crate::Action::Edit(crate::Setting::ReceiveLimit)));
    s.retrying = true;
    let d = crate::diagnose(
        &url,
        &Failure::from_cause(&cause, &s).unwrap(),
        &Default::default(),
    );
    assert!(d.detail.contains("tries once more"), "{}", d.detail);
}
