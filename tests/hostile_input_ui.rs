//! Browser tests of what a broker (or anyone publishing to it) controls: topics with
//! invisible and bidirectional characters, file names made from topics, and the pages
//! the doctor opens.
//!
//! `CHROMEDRIVER=/usr/bin/chromedriver cargo test -p mqttscope --target wasm32-unknown-unknown`
#![cfg(target_arch = "wasm32")]

use leptos::prelude::*;
use mqttscope::components::doctor_panel::DoctorPanel;
use mqttscope::components::message_list::MessageList;
use mqttscope::components::topic_tree_view::TopicTreeView;
use mqttscope::doctor::{Action, Diagnosis, Severity};
use mqttscope::state::workspace::provide_workspace;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;

mod common;

use common::app::{click, message, mount_conn, receive, sleep};
use common::{find, find_all, fresh_div, settle, text};

wasm_bindgen_test_configure!(run_in_browser);

/// A topic that reads `invoice/exe.pdf` where it is drawn without care.
const SPOOF: &str = "invoice/\u{202e}fdp.exe\u{200b}";
/// What every view shows of it.
const SHOWN: &str = "invoice/⟨U+202E⟩fdp.exe⟨U+200B⟩";

/// Replaces `target[name]` with a function that records its arguments (and `this`) in
/// `window[record]`, returning the previous value to restore.
fn stub(target: &JsValue, name: &str, record: &str, body: &str) -> JsValue {
    let old = js_sys::Reflect::get(target, &name.into()).unwrap();
    let f = js_sys::Function::new_with_args(
        "a, b, c",
        &format!("window[{record:?}] = {body}; return null;"),
    );
    js_sys::Reflect::set(target, &name.into(), &f).unwrap();
    old
}

fn restore(target: &JsValue, name: &str, old: &JsValue) {
    js_sys::Reflect::set(target, &name.into(), old).unwrap();
}

fn recorded(record: &str) -> JsValue {
    js_sys::Reflect::get(&web_sys::window().unwrap(), &record.into()).unwrap()
}

fn prototype_of(constructor: &str) -> JsValue {
    let c = js_sys::Reflect::get(&js_sys::global(), &constructor.into()).unwrap();
    js_sys::Reflect::get(&c, &"prototype".into()).unwrap()
}

#[wasm_bindgen_test]
async fn a_topics_hidden_characters_are_shown_in_the_list_the_detail_and_the_tree() {
    let div = fresh_div();
    let conn = mount_conn(&div, |c| view! { <MessageList conn=c /> });
    receive(conn, vec![message(1, SPOOF, b"x")]);
    sleep(250).await;
    settle().await;
    assert_eq!(text(&div, "[data-testid=msg-topic]"), SHOWN);
    click(&find(&div, ".msg-btn"));
    settle().await;
    assert_eq!(text(&div, "[data-testid=detail-topic]"), SHOWN);
    div.remove();

    let div = fresh_div();
    let conn = mount_conn(&div, |c| view! { <TopicTreeView conn=c /> });
    let row = message(1, SPOOF, b"x");
    conn.data.update_value(|d| {
        d.tree.record(&row.topic, &row.payload, false, row.at_ms);
    });
    receive(conn, vec![row]);
    sleep(250).await;
    settle().await;
    click(&find(&div, "[data-testid=topic-name]"));
    settle().await;
    let names: Vec<_> = find_all(&div, "[data-testid=topic-name]")
        .iter()
        .map(|e| e.text_content().unwrap())
        .collect();
    assert_eq!(names, ["invoice", "⟨U+202E⟩fdp.exe⟨U+200B⟩"]);
    click(&find_all(&div, "[data-testid=topic-name]")[1]);
    sleep(250).await;
    settle().await;
    assert_eq!(text(&div, "[data-testid=topic-history-topic]"), SHOWN);
    assert_eq!(text(&div, "[data-testid=msg-topic]"), SHOWN);
    let all = div.text_content().unwrap();
    assert!(!all.contains(['\u{202e}', '\u{200b}']), "{all:?}");
    div.remove();
}

#[wasm_bindgen_test]
async fn a_payload_downloads_under_a_safe_name() {
    let div = fresh_div();
    let conn = mount_conn(&div, |c| view! { <MessageList conn=c /> });
    receive(conn, vec![message(1, "../..\\\u{202e}cod.exe", b"x")]);
    sleep(250).await;
    settle().await;
    click(&find(&div, ".msg-btn"));
    settle().await;
    let anchor = prototype_of("HTMLAnchorElement");
    let old = stub(&anchor, "click", "__downloaded", "this.download");
    let download = find_all(&div, "button")
        .into_iter()
        .find(|b| b.text_content().as_deref() == Some("Download"))
        .unwrap();
    click(&download);
    restore(&anchor, "click", &old);
    assert_eq!(
        recorded("__downloaded").as_string().unwrap(),
        "_..__cod.exe.bin"
    );
    div.remove();
}

#[wasm_bindgen_test]
async fn the_doctor_opens_the_brokers_page_without_a_handle_on_this_one() {
    let div = fresh_div();
    let conn = mount_conn(&div, |c| {
        provide_workspace();
        view! { <DoctorPanel conn=c /> }
    });
    let mut d = Diagnosis::new(Severity::Error, "certificate", "trust it");
    d.actions.push(Action::OpenPage {
        label: "Open".to_owned(),
        url: "https://broker.invalid:8081/".to_owned(),
    });
    conn.diagnosis.set(Some(d));
    settle().await;
    let window: JsValue = web_sys::window().unwrap().into();
    let old = stub(&window, "open", "__opened", "[a, b, c]");
    click(&find(&div, "[data-testid=doctor] button"));
    restore(&window, "open", &old);
    let args: js_sys::Array = recorded("__opened").unchecked_into();
    assert_eq!(
        args.get(0).as_string().unwrap(),
        "https://broker.invalid:8081/"
    );
    assert_eq!(args.get(1).as_string().unwrap(), "_blank");
    let features = args.get(2).as_string().unwrap_or_default();
    assert!(
        features.contains("noopener") && features.contains("noreferrer"),
        "{features:?}"
    );
    div.remove();
}
