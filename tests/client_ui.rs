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
use mqttscope::components::packet_log::PacketLog;
use mqttscope::components::subscription_panel::SubscriptionPanel;
use mqttscope::components::topic_tree_view::TopicTreeView;
use mqttscope::components::will_editor::WillEditor;
use mqttscope::doctor::{self, Failure, Probes};
use mqttscope::driver::relay;
use mqttscope::driver::socket::{Socket, SocketEvent};
use mqttscope::driver::timer::Timer;
use mqttscope::model::message::{Direction, MessageRow, PacketRow};
use mqttscope::model::payload::PayloadFormat;
use mqttscope::state::connection::{Conn, SubStatus, SubscriptionEntry};
use mqttscope::state::persist::STORAGE_KEY;
use mqttscope::state::settings::{ConnectionSettings, WillSettings};
use mqttscope::state::workspace::provide_workspace;
use mqttscope_proto::codec::{ProtocolVersion, QoS, ReasonCode};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement, HtmlInputElement, HtmlTextAreaElement};

mod common;

use common::{bubbling, find, find_all, fresh_div, settle, text};

wasm_bindgen_test_configure!(run_in_browser);

/// Waits `ms` milliseconds (for redraws, which run at most every 100 ms).
async fn sleep(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let _ = web_sys::window()
            .unwrap()
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

fn click(el: &Element) {
    el.unchecked_ref::<HtmlElement>().click();
}

fn message(id: u64, topic: &str, payload: &[u8]) -> MessageRow {
    MessageRow {
        id,
        direction: Direction::In,
        at_ms: 1_764_000_000_000.0,
        topic: Arc::from(topic),
        payload: Arc::from(payload),
        qos: QoS::AtLeastOnce,
        retain: false,
        dup: false,
        subscription: None,
        properties: Vec::new(),
    }
}

/// Adds `rows` to `conn`'s history and marks it changed, as the driver's reports do.
fn receive(conn: Conn, rows: Vec<MessageRow>) {
    conn.data.update_value(|d| {
        for row in rows {
            d.messages.push(row);
        }
    });
    conn.touch();
}

/// Mounts `draw(conn)` into `div` for a fresh connection (id 1, default settings), made
/// inside the mount so that its signals belong to the mounted view, and returns it.
fn mount_conn<V: IntoView + 'static>(
    div: &HtmlElement,
    draw: impl FnOnce(Conn) -> V + 'static,
) -> Conn {
    let conn = Rc::new(Cell::new(None::<Conn>));
    let slot = Rc::clone(&conn);
    mount_to(div.clone(), move || {
        let c = Conn::new(1, ConnectionSettings::default());
        slot.set(Some(c));
        draw(c)
    })
    .forget();
    conn.get().unwrap()
}

/// The list `test_id` under `root`, given the box the page's stylesheet (not loaded in
/// these tests) gives it: 260 px tall, scrolling.
fn sized_list(root: &Element, test_id: &str) -> HtmlElement {
    let list: HtmlElement = find(root, &format!("[data-testid={test_id}]")).unchecked_into();
    let style = list.style();
    style.set_property("display", "block").unwrap();
    style.set_property("height", "260px").unwrap();
    style.set_property("overflow", "auto").unwrap();
    list
}

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
    assert_eq!(names[0], "local mosquitto");
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

/// The topics of the message lines drawn under `root`, top to bottom.
fn drawn_topics(root: &Element) -> Vec<String> {
    find_all(root, "[data-testid=msg-topic]")
        .iter()
        .map(|e| e.text_content().unwrap())
        .collect()
}

/// Scrolls the message list to `px` and lets it redraw.
async fn scroll_list(list: &HtmlElement, px: i32) {
    list.set_scroll_top(px);
    list.dispatch_event(&web_sys::Event::new("scroll").unwrap())
        .unwrap();
    sleep(250).await;
    settle().await;
}

#[wasm_bindgen_test]
async fn the_list_scrolls_through_the_whole_history_drawing_only_what_is_in_view() {
    let div = fresh_div();
    let conn = mount_conn(&div, |c| view! { <MessageList conn=c /> });
    let list = sized_list(&div, "messages");
    receive(
        conn,
        (1..=1000)
            .map(|i| message(i, &format!("t/{i}"), b"x"))
            .collect(),
    );
    scroll_list(&list, 0).await;
    sleep(250).await; // the lines are created a few per frame
    let top = drawn_topics(&div);
    assert_eq!(top.first().map(String::as_str), Some("t/1000"));
    // 260 px is 10 rows of 26 px, 11 once scrolled, and 6 more below.
    assert_eq!(top.len(), 17, "{top:?}");

    // Row 500 from the top is message 500; the window starts 6 rows above it.
    scroll_list(&list, 500 * 26).await;
    let deep = drawn_topics(&div);
    assert_eq!(deep.first().map(String::as_str), Some("t/506"), "{deep:?}");
    assert!(
        deep.contains(&"t/500".to_owned()) && deep.len() <= 23,
        "{deep:?}"
    );
    assert!(
        list.scroll_height() >= 1000 * 26 - 260,
        "the spacers stand for every row"
    );

    // Scrolled away from the top, the list holds: new messages are counted, not drawn.
    receive(
        conn,
        vec![message(1001, "t/1001", b"y"), message(1002, "t/1002", b"y")],
    );
    sleep(250).await;
    settle().await;
    assert_eq!(drawn_topics(&div), deep, "the rows being read stayed put");
    let counts = text(&div, "[data-testid=message-counts]");
    assert!(counts.contains("2 newer: scroll to the top"), "{counts}");

    // Back at the top, it is live again.
    scroll_list(&list, 0).await;
    assert_eq!(
        drawn_topics(&div).first().map(String::as_str),
        Some("t/1002")
    );
    let counts = text(&div, "[data-testid=message-counts]");
    assert!(
        counts.starts_with("1002 messages") && !counts.contains("newer"),
        "{counts}"
    );
    div.remove();
}

/// A PINGRESP (or, for even ids, a PUBLISH) received as packet `id`.
fn packet(id: u64) -> PacketRow {
    let (kind, bytes): (_, &[u8]) = if id % 2 == 0 {
        ("PUBLISH", &[0x30, 0x03, 0x00, 0x01, b't'])
    } else {
        ("PINGRESP", &[0xd0, 0x00])
    };
    PacketRow {
        id,
        direction: Direction::In,
        at_ms: 0.0,
        bytes: Arc::from(bytes),
        kind,
        frame_ends: Vec::new(),
        violation: None,
    }
}

#[wasm_bindgen_test]
async fn the_packet_log_scrolls_holds_and_keeps_the_selected_packet() {
    let div = fresh_div();
    let conn = mount_conn(&div, |c| view! { <PacketLog conn=c /> });
    let add = |ids: std::ops::RangeInclusive<u64>| {
        conn.data.update_value(|d| {
            for id in ids {
                d.packets.push(packet(id));
            }
        });
        conn.touch();
    };
    let list = sized_list(&div, "packets");
    add(1..=600);
    scroll_list(&list, 0).await;
    sleep(250).await;
    let kinds = find_all(&div, "[data-testid=pkt-kind]");
    assert_eq!(
        kinds.len(),
        17,
        "only the rows in view and a few more are drawn"
    );

    // Select the newest packet, then let 600 more arrive: it stays in the detail.
    click(&find(&div, ".pkt-btn"));
    settle().await;
    assert!(text(&div, ".pkt-detail").contains("PUBLISH"));
    add(601..=1200);
    sleep(250).await;
    settle().await;
    assert!(
        text(&div, ".pkt-detail").contains("PUBLISH"),
        "the selection outlived its row"
    );

    // Scrolled down, the log holds; hiding PUBLISH leaves the PINGRESPs.
    scroll_list(&list, 100 * 26).await;
    let held = text(&div, "[data-testid=packet-counts]");
    add(1201..=1203);
    sleep(250).await;
    settle().await;
    let counts = text(&div, "[data-testid=packet-counts]");
    assert!(
        counts.contains("3 newer: scroll to the top"),
        "{held} -> {counts}"
    );
    let hide: HtmlInputElement = find(&div, "input[type=checkbox]").unchecked_into();
    hide.set_checked(true);
    hide.dispatch_event(&bubbling("change")).unwrap();
    sleep(250).await;
    settle().await;
    let kinds: Vec<_> = find_all(&div, "[data-testid=pkt-kind]")
        .iter()
        .map(|e| e.text_content().unwrap())
        .collect();
    assert!(
        !kinds.is_empty() && kinds.iter().all(|k| k == "PINGRESP"),
        "{kinds:?}"
    );
    let counts = text(&div, "[data-testid=packet-counts]");
    assert!(counts.contains("600 match the filter"), "{counts}");
    div.remove();
}

#[wasm_bindgen_test]
async fn a_topic_shows_its_whole_history_and_holds_while_scrolled() {
    let div = fresh_div();
    let conn = mount_conn(&div, |c| view! { <TopicTreeView conn=c /> });
    let add = |ids: std::ops::RangeInclusive<u64>| {
        conn.data.update_value(|d| {
            for id in ids {
                let topic = if id % 2 == 0 { "a/b" } else { "a/c" };
                let row = message(id, topic, id.to_string().as_bytes());
                d.tree.record(&row.topic, &row.payload, false, row.at_ms);
                d.messages.push(row);
            }
        });
        conn.touch();
    };
    add(1..=600);
    sleep(250).await;
    settle().await;
    let pick = |name: &str| {
        let row = find_all(&div, "[data-testid=topic-name]")
            .into_iter()
            .find(|e| e.text_content().as_deref() == Some(name))
            .unwrap_or_else(|| panic!("no topic {name}"));
        click(&row);
    };
    pick("a");
    settle().await;
    pick("b");
    sleep(250).await;
    settle().await;
    let counts = text(&div, "[data-testid=topic-history-counts]");
    assert!(
        counts.starts_with("300 messages on this topic and below"),
        "{counts}"
    );
    let list = sized_list(&div, "topic-history");
    scroll_list(&list, 0).await;
    sleep(250).await;
    assert_eq!(
        drawn_topics(&list).len(),
        17,
        "only the rows in view are drawn"
    );
    assert!(drawn_topics(&list).iter().all(|t| t == "a/b"));

    // Scrolled to its end: the oldest message of a/b; new ones are counted, not drawn.
    scroll_list(&list, 300 * 26).await;
    let payloads = find_all(&list, "[data-testid=msg-payload]");
    let last = payloads.last().and_then(|p| p.text_content());
    assert_eq!(last.as_deref(), Some("2"), "message 2 is the oldest on a/b");
    add(601..=604);
    sleep(250).await;
    settle().await;
    let counts = text(&div, "[data-testid=topic-history-counts]");
    assert!(
        counts.contains("2 newer: scroll to the top"),
        "only the new ones on a/b count: {counts}"
    );
    div.remove();
}

#[wasm_bindgen_test]
async fn the_topic_tree_draws_the_rows_in_view_and_flashes_on_arrival() {
    let div = fresh_div();
    let conn = mount_conn(&div, |c| view! { <TopicTreeView conn=c /> });
    let add = |ids: &[u64]| {
        conn.data.update_value(|d| {
            for &id in ids {
                let row = message(id, &format!("d/{id:04}"), b"v");
                d.tree.record(&row.topic, &row.payload, false, row.at_ms);
                d.messages.push(row);
            }
        });
        conn.touch();
    };
    add(&(1..=1000).collect::<Vec<_>>());
    sleep(250).await;
    settle().await;
    click(&find(&div, "[data-testid=topic-name]"));
    let tree = sized_list(&div, "topic-tree");
    scroll_list(&tree, 0).await;
    sleep(250).await;
    let names = |root: &Element| -> Vec<String> {
        find_all(root, "[data-testid=topic-name]")
            .iter()
            .map(|e| e.text_content().unwrap())
            .collect()
    };
    let top = names(&tree);
    assert_eq!(top.len(), 17, "{top:?}");
    assert_eq!(&top[..3], ["d", "0001", "0002"]);

    // A message on d/0001 restarts its row's flash (the other animation class).
    let rows = find_all(&tree, ".topic-row");
    assert!(rows[1].class_list().contains("flash"));
    add(&[1]);
    sleep(250).await;
    settle().await;
    let rows = find_all(&tree, ".topic-row");
    assert!(
        rows[1].class_list().contains("flash-again"),
        "d/0001 flashed"
    );
    assert!(rows[2].class_list().contains("flash"), "d/0002 did not");

    scroll_list(&tree, 500 * 26).await;
    let deep = names(&tree);
    assert_eq!(deep.first().map(String::as_str), Some("0494"), "{deep:?}");
    div.remove();
}

#[wasm_bindgen_test]
async fn the_packet_log_fills_its_box_as_packets_arrive() {
    // The page's own stylesheet this time: the list's height comes from it.
    let style = document().create_element("style").unwrap();
    style.set_text_content(Some(include_str!("../style/client.css")));
    document().head().unwrap().append_child(&style).unwrap();
    let div = fresh_div();
    let conn = mount_conn(&div, |c| view! { <PacketLog conn=c /> });
    let add = |ids: std::ops::RangeInclusive<u64>| {
        conn.data.update_value(|d| {
            for id in ids {
                d.packets.push(packet(id));
            }
        });
        conn.touch();
    };
    add(1..=3);
    sleep(250).await;
    settle().await;
    add(4..=500);
    sleep(500).await;
    settle().await;
    let list = find(&div, "[data-testid=packets]");
    let in_view = (f64::from(list.client_height()) / 26.0).floor() as usize;
    let drawn = find_all(&list, ".pkt").len();
    style.remove();
    div.remove();
    assert!(in_view >= 10, "the list has its height: {in_view} rows");
    assert!(drawn >= in_view, "{drawn} rows drawn for {in_view} in view");
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
        kind: "CONNECT",
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
    let (opts, _) = draft.get_untracked().to_options("n", 1).unwrap();
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
