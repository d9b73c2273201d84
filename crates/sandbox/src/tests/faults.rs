//! The broker pane's side: watching the broker, and every fault, seen from a page's
//! client (our own core) on the virtual clock.

use mqttscope_proto::client::{DisconnectCause, Event, Message};
use mqttscope_proto::{QoS, ReasonCode};

use super::{Page, World};
use crate::devices::{security, thermostat};
use crate::monitor::Command;
use crate::PortId;

/// The port of the watching pane.
const PANE: u32 = 9;

/// A world with one page connected (MQTT 5 unless `f` says otherwise) and a pane
/// watching.
fn watched(f: impl FnOnce(&mut mqttscope_proto::client::ClientOptions)) -> World {
    let mut w = World::new();
    w.command(PANE, Command::Watch { on: true });
    w.pages.push(Page::with(1, 1, "page", f));
    w.open(0);
    w.advance(300);
    w
}

fn codes_of(events: &[Event]) -> Vec<String> {
    events.iter().map(|e| format!("{e:?}")).collect()
}

#[test]
fn a_watching_pane_gets_the_state_the_log_and_every_packet_with_its_bytes() {
    let mut w = watched(|_| {});
    let conn = w.conn(0);
    let state = w.state();
    let mut peers: Vec<(&str, u8)> = state
        .clients
        .iter()
        .map(|c| (c.peer.as_str(), c.level))
        .collect();
    peers.sort();
    assert_eq!(
        peers,
        [("device", 5), ("device", 5), ("device", 5), ("page", 5)]
    );
    assert_eq!(state.retained[0].topic, security::STATUS_TOPIC);
    assert_eq!(state.devices.len(), 3);
    // The page's CONNECT and CONNACK, both ways, with their exact bytes.
    let mine: Vec<(bool, u8)> = w
        .records
        .iter()
        .filter(|(p, r)| *p == PortId(PANE) && r.conn == conn)
        .map(|(_, r)| (r.sent, r.bytes[0]))
        .collect();
    assert_eq!(mine, [(false, 0x10), (true, 0x20)]);
    let connected = w
        .updates
        .iter()
        .flat_map(|(_, u)| u.log.iter())
        .find(|l| l.conn == Some(conn))
        .and_then(|l| l.connected.clone());
    assert_eq!(connected, Some(("page".to_owned(), 5)));
    // No longer watching: nothing more.
    w.command(PANE, Command::Watch { on: false });
    let (updates, records) = (w.updates.len(), w.records.len());
    w.advance(10_000);
    assert_eq!((w.updates.len(), w.records.len()), (updates, records));
}

#[test]
fn states_are_sent_at_most_every_quarter_second_under_a_flood() {
    let mut w = watched(|_| {});
    w.subscribe(0, "flood/#");
    let before = w.updates.iter().filter(|(_, u)| u.state.is_some()).count();
    for k in 0..200 {
        w.publish(0, Message::new("flood/x", format!("{k}")));
    }
    let after = w.updates.iter().filter(|(_, u)| u.state.is_some()).count();
    assert!(
        after - before <= 1,
        "{} states for one instant",
        after - before
    );
    w.advance(300);
    let later = w.updates.iter().filter(|(_, u)| u.state.is_some()).count();
    assert!(later > after, "the held-back state came after STATE_EVERY");
}

#[test]
fn dropping_a_connection_closes_the_page_without_disconnect_and_fires_the_will() {
    let mut w = watched(|_| {});
    w.subscribe(0, security::STATUS_TOPIC);
    let device = w
        .state()
        .devices
        .into_iter()
        .find(|d| d.client_id == "sandbox-security")
        .and_then(|d| d.conn)
        .unwrap();
    w.command(PANE, Command::Drop { conn: device });
    assert_eq!(
        w.pages[0].texts(security::STATUS_TOPIC).last().unwrap(),
        r#"{"state":"offline"}"#,
        "its will"
    );
    w.command(PANE, Command::Drop { conn: w.conn(0) });
    assert_eq!(w.pages[0].closed, Some(4000));
    assert!(w.sandbox.conn_of(PortId(1), 1).is_none());
    // The device comes back on its own.
    w.advance(crate::RECONNECT_DELAY.as_millis() as u64 + 10);
    assert_eq!(w.sandbox.broker().clients().len(), 3);
}

#[test]
fn a_stalled_connection_makes_the_clients_keep_alive_fire() {
    let mut w = watched(|o| o.keep_alive = 4);
    let conn = w.conn(0);
    w.command(PANE, Command::Stall { conn, on: true });
    assert!(w
        .state()
        .clients
        .iter()
        .any(|c| c.conn == conn && c.stalled));
    // PINGREQ after 4 s, no PINGRESP within 2 s more: the client gives up.
    w.advance(6_500);
    let ended = w.pages[0]
        .events
        .iter()
        .any(|e| matches!(e, Event::Disconnected(DisconnectCause::KeepAliveTimeout)));
    assert!(ended, "{:?}", codes_of(&w.pages[0].events));
    // The broker, which heard nothing either, ends it at 1.5 times the keep alive.
    w.advance(1_000);
    assert!(w
        .sandbox
        .broker()
        .client(mqttscope_broker::ConnId(conn))
        .is_none());
    assert!(w.sandbox.gate.held_bytes() == 0, "nothing left behind");
}

#[test]
fn resuming_a_stall_delivers_what_waited_in_order() {
    let mut w = watched(|_| {});
    w.subscribe(0, "s/#");
    let conn = w.conn(0);
    w.command(PANE, Command::Stall { conn, on: true });
    w.publish(0, Message::new("s/1", "one").with_qos(QoS::AtLeastOnce));
    w.publish(0, Message::new("s/2", "two").with_qos(QoS::AtLeastOnce));
    assert!(w.pages[0].texts("s/1").is_empty());
    w.command(PANE, Command::Stall { conn, on: false });
    assert_eq!(w.pages[0].texts("s/1"), ["one"]);
    assert_eq!(w.pages[0].texts("s/2"), ["two"]);
}

#[test]
fn step_mode_holds_each_packet_until_let_through() {
    let mut w = watched(|_| {});
    w.subscribe(0, "step/#");
    w.command(PANE, Command::Step { on: true });
    w.publish(0, Message::new("step/a", "x"));
    let held = w.state().held;
    assert_eq!(held.len(), 1);
    assert!(held[0].to_broker && held[0].bytes.as_deref().unwrap()[0] == 0x30);
    assert!(w.pages[0].texts("step/a").is_empty());
    w.command(PANE, Command::Release { id: held[0].id });
    // The broker routed it; its copy to the page is held in turn.
    let held = w.state().held;
    assert_eq!(held.len(), 1);
    assert!(!held[0].to_broker);
    assert!(w.pages[0].texts("step/a").is_empty());
    w.command(PANE, Command::ReleaseAll);
    assert_eq!(w.pages[0].texts("step/a"), ["x"]);
    // A packet let through twice: the second time is refused with a notice.
    w.command(PANE, Command::Release { id: held[0].id });
    let notice = w.updates.last().and_then(|(_, u)| u.notice.clone());
    assert!(notice.unwrap().contains("no longer held"));
    w.command(PANE, Command::Step { on: false });
    w.publish(0, Message::new("step/b", "y"));
    assert_eq!(w.pages[0].texts("step/b"), ["y"]);
}

#[test]
fn a_delay_holds_deliveries_to_pages_for_that_long() {
    let mut w = watched(|_| {});
    w.subscribe(0, "d/#");
    w.command(PANE, Command::Delay { ms: 1_500 });
    assert_eq!(w.state().faults.delay_ms, 1_500);
    w.publish(0, Message::new("d/a", "late"));
    w.advance(1_400);
    assert!(w.pages[0].texts("d/a").is_empty());
    w.advance(200);
    assert_eq!(w.pages[0].texts("d/a"), ["late"]);
}

#[test]
fn the_next_connect_and_subscription_are_refused_with_the_chosen_codes() {
    let mut w = World::new();
    w.command(PANE, Command::Watch { on: true });
    w.command(PANE, Command::RefuseConnect { reason: Some(0x87) });
    assert_eq!(w.state().faults.refuse_connect, Some(0x87));
    w.pages.push(Page::new(1, 1, "page"));
    w.open(0);
    let refused = w.pages[0].events.iter().any(|e| {
        matches!(e, Event::Disconnected(DisconnectCause::Refused { reason, .. }) if *reason == ReasonCode::NotAuthorized)
    });
    assert!(refused, "{:?}", codes_of(&w.pages[0].events));
    w.advance(300);
    assert_eq!(w.state().faults.refuse_connect, None, "one shot");
    w.pages.push(Page::new(1, 2, "page2"));
    w.open(1);
    w.command(PANE, Command::RefuseSubscription { reason: Some(0x97) });
    w.subscribe(1, "r/#");
    let subacks: Vec<String> = codes_of(&w.pages[1].events)
        .into_iter()
        .filter(|e| e.starts_with("Subscribed") && e.contains("QuotaExceeded"))
        .collect();
    assert_eq!(subacks.len(), 1, "{:?}", codes_of(&w.pages[1].events));
    // A code CONNACK cannot carry is refused with a notice.
    w.command(PANE, Command::RefuseConnect { reason: Some(0x8E) });
    assert!(w.updates.last().unwrap().1.notice.is_some());
}

#[test]
fn the_broker_disconnects_a_client_with_the_chosen_reason() {
    let mut w = watched(|_| {});
    let conn = w.conn(0);
    w.command(PANE, Command::Disconnect { conn, reason: 0x89 });
    let got = w.pages[0].events.iter().any(|e| {
        matches!(e, Event::Disconnected(DisconnectCause::Server { reason, .. }) if *reason == ReasonCode::ServerBusy)
    });
    assert!(got, "{:?}", codes_of(&w.pages[0].events));
    assert_eq!(w.pages[0].closed, Some(1000));
    w.command(PANE, Command::Disconnect { conn, reason: 0x89 });
    assert!(w
        .updates
        .last()
        .unwrap()
        .1
        .notice
        .as_deref()
        .unwrap()
        .contains("gone"));
}

#[test]
fn a_restart_keeps_or_loses_sessions_and_retained_messages() {
    let mut w = watched(|o| {
        o.clean_start = false;
        o.properties.session_expiry_interval = Some(3600);
    });
    w.publish(0, Message::new("keep/me", "1").retained());
    w.command(PANE, Command::Restart { keep_state: true });
    assert_eq!(w.pages[0].closed, Some(1012));
    let state = w.state();
    assert!(state.retained.iter().any(|r| r.topic == "keep/me"));
    assert!(state.offline.iter().any(|s| s.client_id == "page"));
    assert!(state.clients.is_empty(), "every connection dropped");
    w.advance(crate::RECONNECT_DELAY.as_millis() as u64 + 10);
    assert_eq!(w.state().clients.len(), 3, "the devices are back");
    w.command(PANE, Command::Restart { keep_state: false });
    let state = w.state();
    assert!(state.offline.is_empty());
    assert!(!state.retained.iter().any(|r| r.topic == "keep/me"));
}

#[test]
fn a_paused_device_publishes_nothing_until_resumed() {
    let mut w = watched(|_| {});
    w.subscribe(0, thermostat::TOPIC);
    let id = "sandbox-thermostat".to_owned();
    w.command(
        PANE,
        Command::Pause {
            device: id.clone(),
            on: true,
        },
    );
    assert!(w
        .state()
        .devices
        .iter()
        .any(|d| d.client_id == id && d.paused));
    w.advance(10_000);
    assert!(w.pages[0].texts(thermostat::TOPIC).is_empty());
    w.command(
        PANE,
        Command::Pause {
            device: id,
            on: false,
        },
    );
    w.advance(4_100);
    assert!(!w.pages[0].texts(thermostat::TOPIC).is_empty());
    w.command(
        PANE,
        Command::Pause {
            device: "toaster".into(),
            on: true,
        },
    );
    assert!(w.updates.last().unwrap().1.notice.is_some());
}

#[test]
fn a_cleared_retained_message_can_be_put_back() {
    let mut w = watched(|_| {});
    let topic = security::STATUS_TOPIC.to_owned();
    w.command(
        PANE,
        Command::ClearRetained {
            topic: topic.clone(),
        },
    );
    w.advance(300);
    let state = w.state();
    assert!(state.retained.is_empty());
    assert_eq!(state.cleared, std::slice::from_ref(&topic));
    w.command(
        PANE,
        Command::UndoClear {
            topic: topic.clone(),
        },
    );
    w.advance(300);
    let state = w.state();
    assert_eq!(state.retained.len(), 1);
    assert_eq!(state.retained[0].preview, r#"{"state":"armed"}"#);
    assert!(state.cleared.is_empty());
    w.command(PANE, Command::UndoClear { topic });
    assert!(w.updates.last().unwrap().1.notice.is_some());
}
