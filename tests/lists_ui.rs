//! Browser tests of the windowed lists (messages, packets, the topic tree and a topic's
//! history): they draw only the rows in view, scroll through everything, and hold while
//! scrolled.
//!
//! `CHROMEDRIVER=/usr/bin/chromedriver cargo test -p mqttscope --target wasm32-unknown-unknown`
#![cfg(target_arch = "wasm32")]

use leptos::prelude::*;
use mqttscope::components::message_list::MessageList;
use mqttscope::components::packet_log::PacketLog;
use mqttscope::components::topic_tree_view::TopicTreeView;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlInputElement};

mod common;

use common::app::{
    add_packets, click, drawn_topics, message, mount_conn, receive, scroll_list, sized_list, sleep,
};
use common::{bubbling, find, find_all, fresh_div, settle, text};

wasm_bindgen_test_configure!(run_in_browser);

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

/// The id and type of the packet the packet log's inspector host was given.
fn shown_packet(div: &Element) -> (String, String) {
    let host = find(div, ".pkt-detail .inspector-host");
    let attr = |name| host.get_attribute(name).unwrap_or_default();
    (attr("data-packet"), attr("data-kind"))
}

#[wasm_bindgen_test]
async fn the_packet_log_scrolls_holds_and_keeps_the_selected_packet() {
    let div = fresh_div();
    let conn = mount_conn(&div, |c| view! { <PacketLog conn=c /> });
    let list = sized_list(&div, "packets");
    add_packets(conn, 1..=600);
    scroll_list(&list, 0).await;
    sleep(250).await;
    let kinds = find_all(&div, "[data-testid=pkt-kind]");
    assert_eq!(
        kinds.len(),
        17,
        "only the rows in view and a few more are drawn"
    );

    // Select the newest packet, then let 600 more arrive: it stays in the detail.
    // (The detail is drawn by the inspector module, which the page loads and this test
    // does not: the host says which packet it was given; tests/inspect.rs draws one.)
    click(&find(&div, ".pkt-btn"));
    settle().await;
    assert_eq!(shown_packet(&div), ("600".to_owned(), "PUBLISH".to_owned()));
    add_packets(conn, 601..=1200);
    sleep(250).await;
    settle().await;
    assert_eq!(
        shown_packet(&div),
        ("600".to_owned(), "PUBLISH".to_owned()),
        "the selection outlived its row"
    );

    // Scrolled down, the log holds; hiding PUBLISH leaves the PINGRESPs.
    scroll_list(&list, 100 * 26).await;
    let held = text(&div, "[data-testid=packet-counts]");
    add_packets(conn, 1201..=1203);
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
    add_packets(conn, 1..=3);
    sleep(250).await;
    settle().await;
    add_packets(conn, 4..=500);
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
