//! Browser tests of the saved connections in localStorage: an unreadable text is kept and
//! not written over, a SUBACK writes nothing, two tabs do not lose each other's changes,
//! and a failed save is shown.
//!
//! `CHROMEDRIVER=/usr/bin/chromedriver cargo test -p mqttscope --target wasm32-unknown-unknown`
#![cfg(target_arch = "wasm32")]

use std::cell::Cell;
use std::rc::Rc;

use leptos::mount::mount_to;
use leptos::prelude::*;
use mqttscope::app::App;
use mqttscope::components::storage_notice::StorageNotice;
use mqttscope::state::connection::SubStatus;
use mqttscope::state::persist::STORAGE_KEY;
use mqttscope::state::workspace::{provide_workspace, Workspace};
use mqttscope_proto::codec::QoS;
use wasm_bindgen_test::*;
use web_sys::{Storage, StorageEvent, StorageEventInit};

mod common;

use common::app::click;
use common::{find, find_all, fresh_div, settle, text};

wasm_bindgen_test_configure!(run_in_browser);

const BACKUPS: &str = "mqttscope.connections.v1.corrupt-";

fn storage() -> Storage {
    web_sys::window().unwrap().local_storage().unwrap().unwrap()
}

fn stored() -> Option<String> {
    storage().get_item(STORAGE_KEY).unwrap()
}

/// Every backup key and its text.
fn backups() -> Vec<(String, String)> {
    let s = storage();
    (0..s.length().unwrap())
        .filter_map(|i| s.key(i).unwrap())
        .filter(|k| k.starts_with(BACKUPS))
        .map(|k| (k.clone(), s.get_item(&k).unwrap().unwrap()))
        .collect()
}

/// Starts from `text` under the connections' key (none for `None`) and no backups.
fn start_from(text: Option<&str>) {
    for (key, _) in backups() {
        storage().remove_item(&key).unwrap();
    }
    match text {
        Some(t) => storage().set_item(STORAGE_KEY, t).unwrap(),
        None => storage().remove_item(STORAGE_KEY).unwrap(),
    }
}

/// Mounts a workspace (with its notice) as the page does, returning it and the mount,
/// which unmounts when dropped.
fn mount_workspace(div: &web_sys::HtmlElement) -> (Workspace, impl Sized) {
    let slot = Rc::new(Cell::new(None::<Workspace>));
    let set = Rc::clone(&slot);
    let app = mount_to(div.clone(), move || {
        set.set(Some(provide_workspace()));
        view! { <StorageNotice /> }
    });
    (slot.get().unwrap(), app)
}

fn names(ws: Workspace) -> Vec<String> {
    ws.conns.with_untracked(|c| {
        c.iter()
            .map(|c| c.settings.with_untracked(|s| s.name.clone()))
            .collect()
    })
}

fn rename(ws: Workspace, from: &str, to: &str) {
    let conn = ws
        .conns
        .with_untracked(|c| {
            c.iter()
                .copied()
                .find(|c| c.settings.get_untracked().name == from)
        })
        .unwrap();
    conn.settings.update(|s| s.name = to.to_owned());
}

/// Saved connections as another tab of this version writes them.
fn saved_text(conns: &[(&str, &str)]) -> String {
    let entries: Vec<String> = conns
        .iter()
        .map(|(id, name)| {
            format!(
                r#"{{"id": "{id}", "name": "{name}", "url": "ws://127.0.0.1:1", "client_id": "c-{id}",
                "subscriptions": [{{"filter": "{name}/#", "qos": 1}}]}}"#
            )
        })
        .collect();
    format!("[\n  {}\n]", entries.join(",\n  "))
}

/// What the browser does in this tab when another tab writes the connections.
fn storage_event() {
    let init = StorageEventInit::new();
    init.set_key(Some(STORAGE_KEY));
    init.set_new_value(stored().as_deref());
    let event = StorageEvent::new_with_event_init_dict("storage", &init).unwrap();
    web_sys::window().unwrap().dispatch_event(&event).unwrap();
}

#[wasm_bindgen_test]
async fn unreadable_saved_connections_are_kept_and_not_written_over() {
    let broken = r#"[{"name": "mine", "url": "ws://h:1"}, {"#;
    start_from(Some(broken));
    let div = fresh_div();
    let app = mount_to(div.clone(), App);
    settle().await;
    assert_eq!(stored().as_deref(), Some(broken), "written over on load");
    let kept = backups();
    assert_eq!(kept.len(), 1, "{kept:?}");
    assert_eq!(kept[0].1, broken);
    let notice = text(&div, "[data-testid=storage-notice]");
    assert!(
        notice.contains(&kept[0].0) && notice.contains("presets"),
        "{notice}"
    );
    let names: Vec<_> = find_all(&div, ".conn-name")
        .iter()
        .map(|e| e.text_content().unwrap())
        .collect();
    assert_eq!(names[0], "Sandbox, in this page", "the presets are shown");
    assert_eq!(names[1], "local mosquitto", "the presets are shown");

    // A reload keeps the one backup rather than piling up copies.
    drop(app);
    let app = mount_to(div.clone(), App);
    settle().await;
    assert_eq!(stored().as_deref(), Some(broken));
    assert_eq!(backups(), kept);

    // The user's first change is written; the backup stays.
    click(&find(&div, "[data-testid=add-connection]"));
    settle().await;
    let now = stored().unwrap();
    assert!(now.starts_with("[{\"id\""), "{now}");
    assert_eq!(find_all(&div, ".conn-item").len(), names.len() + 1);
    assert_eq!(backups(), kept);
    drop(app);
    div.remove();
}

#[wasm_bindgen_test]
async fn a_subscription_status_is_not_a_reason_to_write() {
    let text = saved_text(&[("a", "A")]);
    start_from(Some(&text));
    let div = fresh_div();
    let (ws, app) = mount_workspace(&div);
    settle().await;
    let after_load = stored();
    storage().set_item(STORAGE_KEY, &text).unwrap();
    let conn = ws.conns.with_untracked(|c| c[0]);
    conn.subscriptions
        .update(|s| s[0].status = SubStatus::Granted(QoS::AtLeastOnce));
    settle().await;
    assert_eq!(stored().as_deref(), Some(&text[..]), "written on a SUBACK");
    assert_eq!(after_load.as_deref(), Some(&text[..]), "written on load");
    // A real change is written.
    conn.subscriptions.update(|s| s[0].qos = QoS::ExactlyOnce);
    settle().await;
    assert!(stored().unwrap().contains(r#""qos":2"#));
    drop(app);
    div.remove();
}

#[wasm_bindgen_test]
async fn a_change_saved_in_another_tab_is_not_lost() {
    start_from(Some(&saved_text(&[("a", "A"), ("b", "B")])));
    let div = fresh_div();
    let (ws, app) = mount_workspace(&div);
    settle().await;
    // The other tab renames B; its storage event has not arrived when this tab
    // renames A.
    storage()
        .set_item(STORAGE_KEY, &saved_text(&[("a", "A"), ("b", "B2")]))
        .unwrap();
    rename(ws, "A", "A1");
    settle().await;
    let now = stored().unwrap();
    assert!(now.contains("\"A1\"") && now.contains("\"B2\""), "{now}");
    // The event arrives: this tab takes B2 over, and writes nothing.
    storage_event();
    settle().await;
    assert_eq!(names(ws), ["A1", "B2"]);
    assert_eq!(stored().unwrap(), now);
    // The other tab removes A1 and adds C.
    let theirs = saved_text(&[("b", "B2"), ("c", "C")]);
    storage().set_item(STORAGE_KEY, &theirs).unwrap();
    storage_event();
    settle().await;
    assert_eq!(names(ws), ["B2", "C"]);
    assert_eq!(
        stored().unwrap(),
        theirs,
        "this tab wrote what it did not change"
    );
    drop(app);
    div.remove();
}

#[wasm_bindgen_test]
async fn a_failed_save_is_shown() {
    start_from(Some(&saved_text(&[("a", "A")])));
    let div = fresh_div();
    let (ws, app) = mount_workspace(&div);
    settle().await;
    assert!(find_all(&div, "[data-testid=storage-notice]").is_empty());
    let prototype = js_sys::Object::get_prototype_of(&storage());
    let set_item = js_sys::Reflect::get(&prototype, &"setItem".into()).unwrap();
    let full = js_sys::Function::new_no_args(
        "throw new DOMException('the quota has been exceeded', 'QuotaExceededError');",
    );
    js_sys::Reflect::set(&prototype, &"setItem".into(), &full).unwrap();
    rename(ws, "A", "A1");
    settle().await;
    js_sys::Reflect::set(&prototype, &"setItem".into(), &set_item).unwrap();
    let notice = text(&div, "[data-testid=storage-notice]");
    assert!(
        notice.contains("could not be saved") && notice.contains("full"),
        "{notice}"
    );
    assert!(!stored().unwrap().contains("A1"));
    // The next change saves both, and the notice goes.
    rename(ws, "A1", "A2");
    settle().await;
    assert!(stored().unwrap().contains("\"A2\""));
    assert!(find_all(&div, "[data-testid=storage-notice]").is_empty());
    drop(app);
    div.remove();
}
