//! Browser tests of the client UI's components: mount a component with state made by
//! hand, act on it as a person does, wait for the redraw, and read what it drew.
//!
//! `CHROMEDRIVER=/usr/bin/chromedriver cargo test -p mqttscope --target wasm32-unknown-unknown`
#![cfg(target_arch = "wasm32")]

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::sync::Arc;

use leptos::mount::mount_to;
use leptos::prelude::*;
use mqttscope::app::App;
use mqttscope::components::doctor_panel::DoctorPanel;
use mqttscope::components::message_list::MessageList;
use mqttscope::components::packet_detail::PacketDetail;
use mqttscope::components::subscription_panel::SubscriptionPanel;
use mqttscope::components::will_editor::WillEditor;
use mqttscope::doctor::{self, Failure, Probes};
use mqttscope::driver::event::SocketEvent;
use mqttscope::driver::relay;
use mqttscope::driver::socket::Socket;
use mqttscope::driver::timer::Timer;
use mqttscope::model::message::{Direction, PacketKind, PacketRow};
use mqttscope::model::payload::PayloadFormat;
use mqttscope::state::connection::{Conn, SubStatus, SubscriptionEntry};
use mqttscope::state::persist::STORAGE_KEY;
use mqttscope::state::settings::{ConnectionSettings, WillSettings};
use mqttscope::state::workspace::provide_workspace;
use mqttscope_proto::codec::{ProtocolVersion, ReasonCode};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{HtmlInputElement, HtmlTextAreaElement};

mod common;

use common::app::{click, message, mount_conn, receive, sleep};
use common::{bubbling, find, find_all, fresh_div, settle, text};

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
async fn the_app_opens_on_saved_presets_and_adds_a_connection() {
    let storage = web_sys::window().unwrap().local_storage().unwrap().unwrap();
    storage.remove_item(STORAGE_KEY).unwrap();
    let div = fresh_div();
    mount_to(div.clone(), App).forget();
    settle().await;
    let names: Vec<_> = find_all(&div, ".conn-name")
        .iter()
        .map(|e| e.text_content().unwrap())
        .collect();
    // A new user's page: the sandbox in the page first, then the brokers.
    assert_eq!(names[0], "Sandbox, in this page");
    assert_eq!(names[1], "local mosquitto");
    assert!(names.len() >= 3, "{names:?}");
    click(&find(&div, "[data-testid=add-connection]"));
    settle().await;
    assert_eq!(find_all(&div, ".conn-item").len(), names.len() + 1);
    let url: HtmlInputElement = find(&div, "[data-testid=url]").unchecked_into();
    assert_eq!(url.value(), "ws://127.0.0.1:9001");
    let id: HtmlInputElement = find(&div, "[data-testid=client-id]").unchecked_into();
    assert!(id.value().starts_with("mqttscope-"), "{}", id.value());
    // Editing and saving changes the list, and what localStorage holds.
    url.set_value("ws://127.0.0.1:1");
    url.dispatch_event(&bubbling("input")).unwrap();
    let save = find_all(&div, "button")
        .into_iter()
        .find(|b| b.text_content().as_deref() == Some("Save"))
        .unwrap();
    click(&save);
    settle().await;
    let urls: Vec<_> = find_all(&div, ".conn-url")
        .iter()
        .map(|e| e.text_content().unwrap())
        .collect();
    assert!(urls.contains(&"ws://127.0.0.1:1".to_owned()), "{urls:?}");
    let saved = storage.get_item(STORAGE_KEY).unwrap().unwrap();
    assert!(saved.contains("ws://127.0.0.1:1"), "{saved}");
    div.remove();
}

#[wasm_bindgen_test]
async fn messages_render_as_text_with_counts_evictions_and_pause() {
    let div = fresh_div();
    let conn = mount_conn(&div, |c| {
        c.data.update_value(|d| d.messages.set_capacity(3));
        view! { <MessageList conn=c /> }
    });
    let evil = b"<img src=x onerror=alert(1)>";
    receive(
        conn,
        (1..=5)
            .map(|i| message(i, &format!("t/{i}"), evil))
            .collect(),
    );
    sleep(250).await;
    settle().await;
    let topics: Vec<_> = find_all(&div, "[data-testid=msg-topic]")
        .iter()
        .map(|e| e.text_content().unwrap())
        .collect();
    assert_eq!(topics, ["t/5", "t/4", "t/3"], "newest first, bounded");
    assert!(find_all(&div, "img").is_empty(), "a payload became markup");
    assert!(text(&div, "[data-testid=msg-payload]").contains("<img src=x"));
    let counts = text(&div, "[data-testid=message-counts]");
    assert!(
        counts.contains("3 messages") && counts.contains("2 older ones evicted"),
        "{counts}"
    );

    click(&find(&div, "[data-testid=pause]"));
    settle().await;
    receive(conn, vec![message(6, "t/6", b"new")]);
    sleep(250).await;
    settle().await;
    let counts = text(&div, "[data-testid=message-counts]");
    assert!(counts.contains("1 arrived while paused"), "{counts}");
    assert_eq!(
        text(&div, "[data-testid=msg-topic]"),
        "t/5",
        "paused view kept"
    );
    click(&find(&div, "[data-testid=pause]"));
    settle().await;
    assert_eq!(text(&div, "[data-testid=msg-topic]"), "t/6");
    div.remove();
}

#[wasm_bindgen_test]
async fn a_refused_subscription_can_be_retried() {
    let div = fresh_div();
    let conn = mount_conn(&div, |c| {
        let mut refused = SubscriptionEntry::new("secret/#");
        refused.id = 1;
        refused.status = SubStatus::Refused(ReasonCode::NotAuthorized);
        c.subscriptions
            .set(vec![refused, SubscriptionEntry::new("open/#")]);
        view! { <SubscriptionPanel conn=c /> }
    });
    settle().await;
    assert_eq!(
        find_all(&div, "[data-testid=sub-retry]").len(),
        1,
        "only the refused one offers a retry"
    );
    assert!(text(&div, "[data-testid=sub-status]").starts_with("refused"));
    click(&find(&div, "[data-testid=sub-retry]"));
    settle().await;
    assert_eq!(text(&div, "[data-testid=sub-status]"), "pending");
    assert!(find_all(&div, "[data-testid=sub-retry]").is_empty());
    assert!(conn
        .subscriptions
        .with_untracked(|s| s.iter().all(|e| e.status == SubStatus::Pending)));
    div.remove();
}

#[wasm_bindgen_test]
async fn the_topic_filter_takes_mqtt_wildcards() {
    let div = fresh_div();
    let conn = mount_conn(&div, |c| view! { <MessageList conn=c /> });
    let rows = vec![
        message(1, "home/kitchen/temp", b"21"),
        message(2, "home/hall/temp", b"19"),
        message(3, "office/temp", b"23"),
    ];
    receive(conn, rows);
    sleep(250).await;
    let filter: HtmlInputElement = find(&div, "[data-testid=filter-topic]").unchecked_into();
    filter.set_value("home/+/temp");
    filter.dispatch_event(&bubbling("input")).unwrap();
    settle().await;
    let topics: Vec<_> = find_all(&div, "[data-testid=msg-topic]")
        .iter()
        .map(|e| e.text_content().unwrap())
        .collect();
    assert_eq!(topics, ["home/hall/temp", "home/kitchen/temp"]);
    assert!(text(&div, "[data-testid=message-counts]").contains("2 match the filter"));
    div.remove();
}

/// CONNECT (3.1.1) with user name "u" and password "secret".
const CONNECT_WITH_PASSWORD: &[u8] = &[
    0x10, 0x18, 0x00, 0x04, b'M', b'Q', b'T', b'T', 0x04, 0xc2, 0x00, 0x3c, 0x00, 0x01, b'c', 0x00,
    0x01, b'u', 0x00, 0x06, b's', b'e', b'c', b'r', b'e', b't',
];

#[wasm_bindgen_test]
async fn the_inspector_masks_the_password_until_revealed() {
    let div = fresh_div();
    let row = PacketRow {
        id: 1,
        direction: Direction::Out,
        at_ms: 0.0,
        bytes: Arc::from(CONNECT_WITH_PASSWORD),
        kind: PacketKind::of_bytes(CONNECT_WITH_PASSWORD),
        frame_ends: Vec::new(),
        violation: None,
    };
    mount_to(div.clone(), move || {
        let version = Signal::derive(|| ProtocolVersion::V3_1_1);
        view! { <PacketDetail row=row.clone() version /> }
    })
    .forget();
    settle().await;
    let all = div.text_content().unwrap();
    assert!(
        !all.contains("secret"),
        "the password shows before it is revealed"
    );
    assert!(all.contains("******"), "{all}");
    let reveal: HtmlInputElement = find(&div, ".pkt-view input[type=checkbox]").unchecked_into();
    reveal.set_checked(true);
    reveal.dispatch_event(&bubbling("change")).unwrap();
    settle().await;
    assert!(div.text_content().unwrap().contains("secret"));
    assert!(find_all(&div, "[data-testid=field-row]").len() > 10);
    div.remove();
}

#[wasm_bindgen_test]
async fn the_will_payload_switches_format_keeping_its_bytes() {
    let div = fresh_div();
    let draft = RwSignal::new(ConnectionSettings {
        will: Some(WillSettings {
            topic: "gone".to_owned(),
            payload: "hi".to_owned(),
            ..Default::default()
        }),
        ..Default::default()
    });
    mount_to(div.clone(), move || view! { <WillEditor draft /> }).forget();
    settle().await;
    let hex = find_all(&div, "button.seg")
        .into_iter()
        .find(|b| b.text_content().as_deref() == Some("Hex"))
        .unwrap();
    click(&hex);
    settle().await;
    let will = draft.with_untracked(|d| d.will.clone().unwrap());
    assert_eq!(will.format, PayloadFormat::Hex);
    let shown: HtmlTextAreaElement = find(&div, "[data-testid=will-payload]").unchecked_into();
    assert_eq!(shown.value(), will.payload);
    let (opts, _) = draft
        .get_untracked()
        .to_options(Box::new(|| "n".to_owned()), 1)
        .unwrap();
    assert_eq!(&opts.will.unwrap().payload[..], b"hi");
    div.remove();
}

#[wasm_bindgen_test]
async fn the_doctor_panel_explains_a_refused_connection() {
    let div = fresh_div();
    let conn = Rc::new(Cell::new(None::<Conn>));
    let slot = Rc::clone(&conn);
    mount_to(div.clone(), move || {
        provide_workspace();
        let c = Conn::new(1, ConnectionSettings::default());
        slot.set(Some(c));
        view! { <DoctorPanel conn=c /> }
    })
    .forget();
    let conn = conn.get().unwrap();
    settle().await;
    assert!(find_all(&div, "[data-testid=doctor]").is_empty());
    let url = doctor::precheck("ws://127.0.0.1:1883", false).unwrap();
    let d = doctor::diagnose(
        &url,
        &Failure::HandshakeFailed { elapsed_ms: 3.0 },
        &Probes {
            http_answers: Some(false),
            ..Default::default()
        },
    );
    conn.diagnosis.set(Some(d.clone()));
    settle().await;
    let panel = find(&div, "[data-testid=doctor]");
    assert_eq!(text(&panel, "h2"), d.title);
    assert!(panel.text_content().unwrap().contains("1883"));
    assert_eq!(find_all(&panel, "button").len(), d.actions.len());
    div.remove();
}

#[wasm_bindgen_test]
async fn the_timer_fires_even_where_its_worker_cannot_load() {
    // The test page does not serve timer-worker.js, so the worker fails to load and the
    // service must fall back to page timers without losing the armed deadline.
    let fired = Rc::new(Cell::new(0u32));
    let count = Rc::clone(&fired);
    let timer = Timer::new(move || count.set(count.get() + 1));
    timer.arm(30.0);
    sleep(400).await;
    assert_eq!(fired.get(), 1);
    timer.arm(20.0);
    timer.cancel();
    sleep(100).await;
    assert_eq!(fired.get(), 1, "a cancelled timer fired");
    timer.arm(5.0);
    timer.arm(60.0);
    sleep(30).await;
    assert_eq!(fired.get(), 1, "re-arming did not replace the earlier time");
    sleep(200).await;
    assert_eq!(fired.get(), 2);
}

#[wasm_bindgen_test]
async fn sockets_open_on_the_page_where_their_worker_cannot_load() {
    // The test page does not serve socket-worker.js either: the relay never gets ready,
    // and a socket opens on the page and reports its refusal like any other.
    relay::prepare();
    sleep(300).await;
    let events = Rc::new(RefCell::new(Vec::new()));
    let sink = Rc::clone(&events);
    let socket = Socket::open("ws://127.0.0.1:1/", &["mqtt"], move |e| {
        sink.borrow_mut().push(e)
    })
    .expect("the URL is valid");
    assert!(!socket.in_worker());
    for _ in 0..50 {
        if !events.borrow().is_empty() {
            break;
        }
        sleep(100).await;
    }
    let events = events.borrow();
    assert!(
        matches!(
            events[..],
            [SocketEvent::Closed {
                was_open: false,
                ..
            }]
        ),
        "{events:?}"
    );
}

#[wasm_bindgen_test]
async fn connections_outlive_a_visit_to_the_hex_pad() {
    let div = fresh_div();
    mount_to(div.clone(), App).forget();
    settle().await;
    click(&find(&div, "[data-testid=add-connection]"));
    settle().await;
    let count = find_all(&div, ".conn-item").len();
    let tab = |label: &str| {
        find_all(&div, ".page-tab")
            .into_iter()
            .find(|b| b.text_content().as_deref() == Some(label))
            .unwrap()
    };
    click(&tab("Hex pad"));
    settle().await;
    assert!(find_all(&div, ".conn-item").is_empty());
    click(&tab("Client"));
    settle().await;
    // The connection made by the list's button was owned by the page that went away:
    // its state must still be alive and drawn.
    assert_eq!(find_all(&div, ".conn-item").len(), count);
    assert_eq!(text(&div, "[data-testid=conn-status]").trim(), "offline");
    div.remove();
}
