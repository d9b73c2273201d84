//! What the tests of the client's components share: a mounted connection, messages and
//! packets made by hand, waiting for redraws, and the windowed lists' box and scroll.

use std::cell::Cell;
use std::rc::Rc;
use std::sync::Arc;

use leptos::mount::mount_to;
use leptos::prelude::*;
use mqttscope::model::message::{Direction, MessageRow, PacketKind, PacketRow};
use mqttscope::state::connection::Conn;
use mqttscope::state::settings::ConnectionSettings;
use mqttscope_proto::codec::QoS;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement};

use super::{find, find_all, settle};

/// Waits `ms` milliseconds (for redraws, which run at most every 100 ms).
pub async fn sleep(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let _ = web_sys::window()
            .unwrap()
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

/// Clicks `el` as a person does.
pub fn click(el: &Element) {
    el.unchecked_ref::<HtmlElement>().click();
}

/// A QoS 1 message received on `topic` as message `id`.
pub fn message(id: u64, topic: &str, payload: &[u8]) -> MessageRow {
    MessageRow {
        id,
        direction: Direction::In,
        at_ms: 1_764_000_000_000.0,
        topic: Arc::from(topic),
        payload: mqttscope::model::message::Payload::from(payload),
        qos: QoS::AtLeastOnce,
        retain: false,
        dup: false,
        subscription: None,
        properties: Vec::new(),
    }
}

/// Adds `rows` to `conn`'s history and marks it changed, as the driver's reports do.
pub fn receive(conn: Conn, rows: Vec<MessageRow>) {
    conn.data.update_value(|d| {
        for row in rows {
            d.messages.push(row);
        }
    });
    conn.touch();
}

/// Mounts `draw(conn)` into `div` for a fresh connection (id 1, default settings), made
/// inside the mount so that its signals belong to the mounted view, and returns it.
pub fn mount_conn<V: IntoView + 'static>(
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
pub fn sized_list(root: &Element, test_id: &str) -> HtmlElement {
    let list: HtmlElement = find(root, &format!("[data-testid={test_id}]")).unchecked_into();
    let style = list.style();
    style.set_property("display", "block").unwrap();
    style.set_property("height", "260px").unwrap();
    style.set_property("overflow", "auto").unwrap();
    list
}

/// The topics of the message lines drawn under `root`, top to bottom.
pub fn drawn_topics(root: &Element) -> Vec<String> {
    find_all(root, "[data-testid=msg-topic]")
        .iter()
        .map(|e| e.text_content().unwrap())
        .collect()
}

/// Scrolls the message list to `px` and lets it redraw.
pub async fn scroll_list(list: &HtmlElement, px: i32) {
    list.set_scroll_top(px);
    list.dispatch_event(&web_sys::Event::new("scroll").unwrap())
        .unwrap();
    sleep(250).await;
    settle().await;
}

/// A PINGRESP (or, for even ids, a PUBLISH) received as packet `id`.
pub fn packet(id: u64) -> PacketRow {
    let bytes: &[u8] = if id % 2 == 0 {
        &[0x30, 0x03, 0x00, 0x01, b't']
    } else {
        &[0xd0, 0x00]
    };
    PacketRow {
        id,
        direction: Direction::In,
        at_ms: 0.0,
        bytes: Arc::from(bytes),
        kind: PacketKind::of_bytes(bytes),
        frame_ends: Vec::new(),
        violation: None,
    }
}

/// Adds packets `ids` (see [`packet`]) to `conn`'s log and marks it changed.
pub fn add_packets(conn: Conn, ids: std::ops::RangeInclusive<u64>) {
    conn.data.update_value(|d| {
        for id in ids {
            d.packets.push(packet(id));
        }
    });
    conn.touch();
}
