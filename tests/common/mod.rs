//! What the browser tests share: waiting for the reactive system, finding elements and
//! reading their text, firing events.
#![allow(dead_code)] // each test binary uses its own subset

pub mod app;

use leptos::prelude::document;
use leptos::task::tick;
use wasm_bindgen::JsCast;
use web_sys::{Element, Event, EventInit};

/// Lets the reactive system catch up: an event handler that sets several signals needs
/// more than one tick before every effect has run.
pub async fn settle() {
    for _ in 0..3 {
        tick().await;
    }
}

/// The first element under `root` that matches `selector`; panics (failing the test)
/// when there is none.
pub fn find(root: &Element, selector: &str) -> Element {
    root.query_selector(selector)
        .unwrap()
        .unwrap_or_else(|| panic!("nothing matches {selector}"))
}

/// Every element under `root` that matches `selector`.
pub fn find_all(root: &Element, selector: &str) -> Vec<Element> {
    let list = root.query_selector_all(selector).unwrap();
    (0..list.length())
        .filter_map(|i| list.item(i))
        .map(|n| n.unchecked_into())
        .collect()
}

/// The text of the first element under `root` that matches `selector`.
pub fn text(root: &Element, selector: &str) -> String {
    find(root, selector).text_content().unwrap_or_default()
}

/// An event named `name` that bubbles, as the browser's own input events do.
pub fn bubbling(name: &str) -> Event {
    let init = EventInit::new();
    init.set_bubbles(true);
    Event::new_with_event_init_dict(name, &init).unwrap()
}

/// A fresh div at the end of the body to mount into.
pub fn fresh_div() -> web_sys::HtmlElement {
    let div: web_sys::HtmlElement = document().create_element("div").unwrap().unchecked_into();
    document().body().unwrap().append_child(&div).unwrap();
    div
}
