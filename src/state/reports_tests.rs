//! The reducer in native tests: reports in, the connection's state and the effect out.
//! The reactive parts of a [`Conn`] are plain signals here; nothing runs in a browser.

use mqttscope_proto::client::{
    Client, Instant, Message, Output, ProtocolError, PublishHandle, PublishStage, Request,
    RequestHandle, RequestOrigin,
};
use mqttscope_proto::codec::{
    ConnAckProperties, PacketId, PacketType, ProtocolVersion, QoS, QosPid, ReasonCode, Subscription,
};

use super::*;
use crate::state::connection::SubStatus;
use crate::state::settings::ConnectionSettings;

const PAGE: Page = Page {
    https: false,
    wall_ms: || 42.0,
};

/// An offline connection to `ws://127.0.0.1:9001` subscribed (in its list) to `home/#`.
fn conn() -> Conn {
    let conn = Conn::new(1, ConnectionSettings::default());
    let mut entry = SubscriptionEntry::new("home/#");
    entry.id = 3;
    conn.subscriptions.set(vec![entry]);
    conn
}

fn event(conn: Conn, e: Event) -> Option<Effect> {
    reduce(conn, Report::Event(e), &PAGE)
}

fn packet(conn: Conn, direction: Way, packet: Packet<'static>) -> Option<Effect> {
    let mut bytes = Vec::new();
    packet.encode(ProtocolVersion::V5, &mut bytes).unwrap();
    let record = PacketRecord {
        direction,
        at: Instant::from_millis(0),
        bytes,
        packet,
    };
    let report = Report::Packet {
        record,
        wall_ms: 7.0,
        frame_ends: Vec::new(),
    };
    reduce(conn, report, &PAGE)
}

fn rows(conn: Conn) -> Vec<(Direction, PacketKind, Option<String>)> {
    conn.data.with_value(|d| {
        d.packets
            .iter()
            .map(|p| (p.direction, p.kind, p.violation.clone()))
            .collect()
    })
}

#[test]
fn a_connack_clears_the_doctor_and_asks_to_subscribe_the_saved_subscriptions() {
    let c = conn();
    c.status.set(ConnStatus::Connecting);
    let connected = |session_present| Event::Connected {
        session_present,
        properties: ConnAckProperties::default(),
    };
    assert_eq!(
        event(c, connected(true)),
        Some(Effect::SubscribeSaved {
            session_present: true
        })
    );
    assert_eq!(
        c.status.get_untracked(),
        ConnStatus::Connected {
            session_present: true
        }
    );
    assert_eq!(
        event(c, connected(false)),
        Some(Effect::SubscribeSaved {
            session_present: false
        })
    );
    assert!(c.diagnosis.get_untracked().is_none());
}

#[test]
fn a_failed_handshake_asks_for_the_doctor_and_says_so_meanwhile() {
    let c = conn();
    let report = Report::HandshakeFailed { elapsed_ms: 12.5 };
    assert_eq!(
        reduce(c, report, &PAGE),
        Some(Effect::RunDoctor { elapsed_ms: 12.5 })
    );
    assert_eq!(
        c.status.get_untracked(),
        ConnStatus::Failed("cannot reach the broker".to_owned())
    );
}

#[test]
fn a_malformed_frame_is_a_received_row_marked_malformed() {
    let c = conn();
    let report = Report::Malformed {
        bytes: vec![0xff, 0x00],
        wall_ms: 5.0,
    };
    assert_eq!(reduce(c, report, &PAGE), Some(Effect::Redraw));
    assert_eq!(rows(c), [(Direction::In, PacketKind::Malformed, None)]);
    c.data.with_value(|d| {
        let row = d.packets.back().unwrap();
        assert_eq!(
            (row.id, row.at_ms, &*row.bytes),
            (1, 5.0, &[0xff, 0x00][..])
        );
    });
}

#[test]
fn a_violation_marks_the_last_received_row_not_a_later_sent_one() {
    let c = conn();
    packet(c, Way::Received, Packet::PingResp);
    packet(c, Way::Sent, Packet::PingReq);
    let violation = ProtocolError {
        reason: ReasonCode::ProtocolError,
        rule: "MQTT-2.2.1-5",
        detail: "PUBACK for packet identifier 9, which is not in use".to_owned(),
        decode: None,
    };
    let text = violation.to_string();
    assert_eq!(event(c, Event::Violation(violation)), Some(Effect::Redraw));
    let ping = |t| PacketKind::Packet(t);
    assert_eq!(
        rows(c),
        [
            (Direction::In, ping(PacketType::PingResp), Some(text)),
            (Direction::Out, ping(PacketType::PingReq), None),
        ]
    );
}

#[test]
fn a_received_publish_is_a_message_of_its_subscription_sharing_the_packets_bytes() {
    let c = conn();
    let publish = Publish::new("home/lights", b"on".to_vec());
    assert_eq!(
        packet(c, Way::Received, Packet::Publish(publish.clone())),
        Some(Effect::Redraw)
    );
    assert_eq!(event(c, Event::Message(publish)), Some(Effect::Redraw));
    c.data.with_value(|d| {
        let (m, p) = (d.messages.back().unwrap(), d.packets.back().unwrap());
        assert_eq!(
            (&*m.topic, m.subscription, m.at_ms),
            ("home/lights", Some(3), 42.0)
        );
        assert!(Arc::ptr_eq(m.payload.buffer(), &p.bytes), "one buffer");
        assert!(d.tree.bytes() > 0, "the topic tree has it");
    });
}

#[test]
fn a_sent_publish_is_a_message_once_and_its_resend_is_not() {
    let c = conn();
    let publish = Publish {
        qos_pid: QosPid::AtLeastOnce(PacketId::MIN),
        ..Publish::new("t", b"1".to_vec())
    };
    packet(c, Way::Sent, Packet::Publish(publish.clone()));
    let dup = Publish {
        dup: true,
        ..publish
    };
    packet(c, Way::Sent, Packet::Publish(dup));
    let (messages, packets) = c.data.with_value(|d| (d.messages.len(), d.packets.len()));
    assert_eq!((messages, packets), (1, 2));
}

#[test]
fn subscription_events_drive_the_list_whoever_asked() {
    let c = conn();
    let asked = vec![Subscription::new("home/#", QoS::AtLeastOnce)];
    let subscribed = Event::Subscribed {
        origin: RequestOrigin::Resubscribe,
        subscriptions: asked.clone(),
        properties: Default::default(),
        reasons: vec![ReasonCode::GrantedQos1],
    };
    assert_eq!(event(c, subscribed), None);
    let status = || c.subscriptions.with_untracked(|l| l[0].status);
    assert_eq!(status(), SubStatus::Granted(QoS::AtLeastOnce));
    let lost = Event::RequestLost {
        origin: RequestOrigin::Caller(handle()),
        request: Request::Subscribe {
            subscriptions: asked,
            properties: Default::default(),
        },
    };
    assert_eq!(event(c, lost), None);
    assert_eq!(status(), SubStatus::Pending);
}

/// A client of the core, connected (handles come only from one).
fn connected_client() -> Client {
    let now = Instant::from_millis(0);
    let mut client = Client::new(Default::default(), now);
    client.connect(now).unwrap();
    while !matches!(client.poll_output(now), Output::Timeout(_)) {}
    // The default options speak MQTT 5.
    assert!(client.version().is_v5());
    client.handle_bytes(now, &[0x20, 0x03, 0, 0, 0]);
    client
}

/// A request handle, as the core hands them out.
fn handle() -> RequestHandle {
    let sub = vec![Subscription::new("x", QoS::AtMostOnce)];
    let now = Instant::from_millis(0);
    connected_client()
        .subscribe(now, sub, Default::default())
        .unwrap()
}

/// A publish handle, as the core hands them out.
fn publish_handle() -> PublishHandle {
    let now = Instant::from_millis(0);
    connected_client()
        .publish(now, Message::new("t", "x"))
        .unwrap()
}

#[test]
fn a_closed_socket_is_explained_without_probes() {
    let c = conn();
    let report = Report::SocketClosed {
        code: 1002,
        reason: "protocol error".to_owned(),
    };
    assert_eq!(reduce(c, report, &PAGE), None);
    let d = c.diagnosis.get_untracked().expect("explained");
    assert_eq!(c.status.get_untracked(), ConnStatus::Failed(d.title));
}

#[test]
fn a_protocol_error_marks_its_row_and_is_explained() {
    let c = conn();
    packet(c, Way::Received, Packet::PingResp);
    let e = ProtocolError {
        reason: ReasonCode::ProtocolError,
        rule: "MQTT-3.8.4-6",
        detail: "SUBACK with 1 reason codes for 2 topic filters".to_owned(),
        decode: None,
    };
    let text = e.to_string();
    let cause = DisconnectCause::Protocol(e);
    assert_eq!(event(c, Event::Disconnected(cause)), Some(Effect::Redraw));
    assert_eq!(rows(c)[0].2.as_deref(), Some(text.as_str()));
    // No link: the core schedules no retry, so the failure stands, explained.
    let d = c.diagnosis.get_untracked().expect("explained");
    assert_eq!(c.status.get_untracked(), ConnStatus::Failed(d.title));
}

#[test]
fn our_own_disconnect_is_offline_and_asks_for_nothing() {
    let c = conn();
    c.status.set(ConnStatus::Connected {
        session_present: false,
    });
    let cause = DisconnectCause::Local(ReasonCode::Success);
    assert_eq!(event(c, Event::Disconnected(cause)), None);
    assert_eq!(c.status.get_untracked(), ConnStatus::Offline);
}

#[test]
fn lost_publishes_are_listed_in_order_with_their_stage() {
    let c = conn();
    for (payload, stage) in [(b"1", PublishStage::Sent), (b"2", PublishStage::Received)] {
        let lost = Event::PublishLost {
            handle: publish_handle(),
            message: Publish::new("t", payload.to_vec()),
            stage,
        };
        assert_eq!(event(c, lost), None);
    }
    let listed: Vec<_> = c
        .lost
        .with_untracked(|l| l.iter().map(|p| (p.id, p.stage)).collect());
    assert_eq!(
        listed,
        [(1, PublishStage::Sent), (2, PublishStage::Received)]
    );
}

#[test]
fn a_first_opening_forgets_the_last_diagnosis_and_a_retry_keeps_it() {
    let c = conn();
    let closed = Report::SocketClosed {
        code: 1002,
        reason: String::new(),
    };
    reduce(c, closed, &PAGE);
    assert_eq!(reduce(c, Report::Opening { attempt: 2 }, &PAGE), None);
    assert!(c.diagnosis.get_untracked().is_some());
    assert_eq!(c.status.get_untracked(), ConnStatus::Opening(2));
    reduce(c, Report::Opening { attempt: 1 }, &PAGE);
    assert!(c.diagnosis.get_untracked().is_none());
}
