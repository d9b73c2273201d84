//! Browser tests of the hex pad: mount it into a test div, enter bytes the way a person
//! does (set the text, fire `input`), await a tick, and read what it drew.
//!
//! `CHROMEDRIVER=/usr/bin/chromedriver cargo test -p mqttscope --target wasm32-unknown-unknown`
#![cfg(target_arch = "wasm32")]

use leptos::mount::mount_to;
use leptos::prelude::*;
use mqttscope::components::hex_pad::HexPad;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{
    Element, HtmlElement, HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement, KeyboardEvent,
    KeyboardEventInit, MouseEvent, MouseEventInit,
};

mod common;

use common::{bubbling, find, find_all, settle, text};

wasm_bindgen_test_configure!(run_in_browser);

/// `30 0d 00 09 "sensors/+" "on"` (3.1.1): the `+` at byte 12 breaks [MQTT-3.3.2-2].
const WILDCARD: &str = "30 0d 00 09 73 65 6e 73 6f 72 73 2f 2b 6f 6e";
/// A QoS 1 PUBLISH of "hi" to "a/b", packet id 1 (valid in 3.1.1, not in 5.0).
const PUBLISH: &str = "32 09 00 03 61 2f 62 00 01 68 69";

/// A row of the field tree as drawn.
#[derive(Debug)]
struct Row {
    label: String,
    value: String,
    path: String,
    reference: String,
    lit: bool,
}

/// Mounts a hex pad into a fresh div at the end of the body.
async fn mount_pad() -> HtmlElement {
    let div: HtmlElement = document().create_element("div").unwrap().unchecked_into();
    document().body().unwrap().append_child(&div).unwrap();
    mount_to(div.clone(), HexPad).forget();
    settle().await;
    div
}

fn mouse(name: &str) -> MouseEvent {
    let init = MouseEventInit::new();
    init.set_bubbles(true);
    MouseEvent::new_with_mouse_event_init_dict(name, &init).unwrap()
}

fn key(key: &str) -> KeyboardEvent {
    let init = KeyboardEventInit::new();
    init.set_bubbles(true);
    init.set_key(key);
    KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap()
}

/// Types `hex` into the pad's text area.
async fn type_hex(root: &Element, hex: &str) {
    let area: HtmlTextAreaElement = find(root, "[data-testid=hex-input]").unchecked_into();
    area.set_value(hex);
    area.dispatch_event(&bubbling("input")).unwrap();
    settle().await;
}

fn rows(root: &Element) -> Vec<Row> {
    find_all(root, "[data-testid=field-row]")
        .iter()
        .map(|r| Row {
            label: text(r, ".cell-label"),
            value: text(r, ".value-text"),
            path: text(r, ".cell-path"),
            reference: text(r, ".cell-ref"),
            lit: r.class_list().contains("lit"),
        })
        .collect()
}

fn row_with_path(root: &Element, path: &str) -> Element {
    find_all(root, "[data-testid=field-row]")
        .into_iter()
        .find(|r| text(r, ".cell-path") == path)
        .unwrap_or_else(|| panic!("no row for {path}"))
}

/// The offsets of the lit bytes in the hex column.
fn lit_bytes(root: &Element) -> Vec<usize> {
    find_all(root, ".hex-row .b.lit")
        .iter()
        .map(|c| c.get_attribute("data-i").unwrap().parse().unwrap())
        .collect()
}

#[wasm_bindgen_test]
async fn opens_on_an_example_with_its_fields() {
    let pad = mount_pad().await;
    let rows = rows(&pad);
    assert_eq!(rows[0].label, "PUBLISH");
    let topic = rows.iter().find(|r| r.path == "publish.topic").unwrap();
    assert_eq!(topic.value, "\"sensors/kitchen/temp\"");
    assert_eq!(topic.reference, "§3.3.2.1");
    assert!(find_all(&pad, ".banner").is_empty());
}

#[wasm_bindgen_test]
async fn typed_bytes_become_field_rows() {
    let pad = mount_pad().await;
    type_hex(&pad, "0xC0, 0x00").await;
    let labels: Vec<_> = rows(&pad).into_iter().map(|r| r.label).collect();
    assert_eq!(
        labels,
        [
            "PINGREQ",
            "Packet Type",
            "Reserved flags",
            "Remaining Length"
        ]
    );
    assert_eq!(text(&pad, ".row-field .bits"), "1100 ....");
    assert_eq!(find_all(&pad, ".hex-row .b").len(), 2);
}

#[wasm_bindgen_test]
async fn a_malformed_packet_shows_the_rule_at_its_byte() {
    let pad = mount_pad().await;
    find(&pad, "[data-testid='version-3.1.1']")
        .unchecked_into::<HtmlElement>()
        .click();
    type_hex(&pad, WILDCARD).await;
    let banner = text(&pad, "[data-testid=decode-error]");
    assert!(banner.contains("Malformed PUBLISH at byte 12"), "{banner}");
    assert!(
        banner.contains("topic name contains a wildcard"),
        "{banner}"
    );
    assert!(banner.contains("[MQTT-3.3.2-2]"), "{banner}");
    let error_cell = find(&pad, ".hex-row .b.error-byte");
    assert_eq!(error_cell.get_attribute("data-i").as_deref(), Some("12"));
    let last = rows(&pad).pop().unwrap();
    assert_eq!(
        (last.label.as_str(), last.reference.as_str()),
        ("Malformed", "[MQTT-3.3.2-2]")
    );
}

#[wasm_bindgen_test]
async fn text_that_is_not_hex_names_its_position() {
    let pad = mount_pad().await;
    type_hex(&pad, "30 02\n00 0g").await;
    let banner = text(&pad, "[data-testid=input-error]");
    assert!(banner.contains("'g' at line 2, column 5"), "{banner}");
    let area = find(&pad, "[data-testid=hex-input]");
    assert_eq!(area.get_attribute("aria-invalid").as_deref(), Some("true"));
    assert!(rows(&pad).is_empty());
}

#[wasm_bindgen_test]
async fn the_version_decides_how_bytes_read() {
    let pad = mount_pad().await;
    type_hex(&pad, PUBLISH).await;
    let v5: HtmlInputElement = find(&pad, "[data-testid='version-5.0']").unchecked_into();
    v5.click();
    settle().await;
    assert!(
        !find_all(&pad, "[data-testid=decode-error]").is_empty(),
        "5.0 reads a property length"
    );
    find(&pad, "[data-testid='version-3.1.1']")
        .unchecked_into::<HtmlElement>()
        .click();
    settle().await;
    assert!(find_all(&pad, "[data-testid=decode-error]").is_empty());
}

#[wasm_bindgen_test]
async fn picking_an_example_fills_the_text_and_the_version() {
    let pad = mount_pad().await;
    let picker: HtmlSelectElement = find(&pad, "[data-testid=example-picker]").unchecked_into();
    picker.set_value("v311-pingreq");
    picker.dispatch_event(&bubbling("change")).unwrap();
    settle().await;
    let area: HtmlTextAreaElement = find(&pad, "[data-testid=hex-input]").unchecked_into();
    assert_eq!(area.value(), "c0 00");
    let v311: HtmlInputElement = find(&pad, "[data-testid='version-3.1.1']").unchecked_into();
    assert!(v311.checked());
    assert_eq!(rows(&pad)[0].label, "PINGREQ");
}

#[wasm_bindgen_test]
async fn hovering_a_field_lights_its_bytes() {
    let pad = mount_pad().await;
    type_hex(&pad, PUBLISH).await;
    find(&pad, "[data-testid='version-3.1.1']")
        .unchecked_into::<HtmlElement>()
        .click();
    settle().await;
    row_with_path(&pad, "publish.topic")
        .dispatch_event(&mouse("mouseover"))
        .unwrap();
    settle().await;
    assert_eq!(lit_bytes(&pad), [4, 5, 6]);
    assert_eq!(find_all(&pad, ".hex-ascii .a.lit").len(), 3);
    find(&pad, "[data-testid=field-tree]")
        .dispatch_event(&mouse("mouseleave"))
        .unwrap();
    settle().await;
    assert!(lit_bytes(&pad).is_empty());
}

#[wasm_bindgen_test]
async fn hovering_a_byte_lights_its_fields() {
    let pad = mount_pad().await;
    type_hex(&pad, "c0 00").await;
    find(&pad, ".hex-row .b[data-i='0']")
        .dispatch_event(&mouse("mouseover"))
        .unwrap();
    settle().await;
    let lit: Vec<_> = rows(&pad)
        .into_iter()
        .filter(|r| r.lit)
        .map(|r| r.label)
        .collect();
    assert_eq!(lit, ["Packet Type", "Reserved flags"]);
    let status = text(&pad, "[data-testid=hex-status]");
    assert!(status.starts_with("Byte 0 = 0xc0"), "{status}");
}

#[wasm_bindgen_test]
async fn arrow_keys_move_the_byte_cursor() {
    let pad = mount_pad().await;
    type_hex(&pad, "c0 00").await;
    let view = find(&pad, "[data-testid=hex-view]");
    for k in ["ArrowRight", "ArrowRight", "ArrowRight"] {
        view.dispatch_event(&key(k)).unwrap();
        settle().await;
    }
    let cursor = find(&pad, ".hex-row .b.cursor");
    assert_eq!(
        cursor.get_attribute("data-i").as_deref(),
        Some("1"),
        "stops at the last byte"
    );
    assert_eq!(lit_bytes(&pad), [1]);
}

#[wasm_bindgen_test]
async fn markup_in_a_payload_renders_as_literal_text() {
    let pad = mount_pad().await;
    // PUBLISH to "a/b" of `<img src=x onerror=alert(1)>` (28 bytes), MQTT 3.1.1.
    let payload = "<img src=x onerror=alert(1)>";
    let hex: String = payload.bytes().map(|b| format!("{b:02x} ")).collect();
    find(&pad, "[data-testid='version-3.1.1']")
        .unchecked_into::<HtmlElement>()
        .click();
    type_hex(&pad, &format!("30 21 00 03 61 2f 62 {hex}")).await;
    assert!(
        find_all(&pad, "img").is_empty(),
        "the payload became an element"
    );
    let value = row_with_path(&pad, "publish.payload")
        .text_content()
        .unwrap();
    assert!(value.contains(payload), "{value}");
    let ascii: String = find_all(&pad, ".hex-row .hex-ascii")
        .iter()
        .filter_map(|a| a.text_content())
        .collect();
    assert!(ascii.contains("<img src=x onerror=alert(1)>"), "{ascii}");
}
