//! Browser tests of the inspector module's side ([`mqttscope::inspect::mounts`]): what the
//! page hands it (a packet encoded by `model::packet_feed`) is drawn into the page's host,
//! showing something else in a host replaces what was there, and clearing a host unmounts it.
//! (The page's side, loading the module and calling it, runs in `tests/e2e/client.mjs` and
//! `tests/e2e/hexpad.mjs` against the built page.)
//!
//! `CHROMEDRIVER=/usr/bin/chromedriver cargo test -p mqttscope --target wasm32-unknown-unknown`
#![cfg(target_arch = "wasm32")]

use std::sync::Arc;

use mqttscope::inspect::mounts;
use mqttscope::model::message::{Direction, PacketKind, PacketRow};
use mqttscope::model::packet_feed::encode;
use mqttscope_proto::codec::ProtocolVersion;
use wasm_bindgen_test::*;

mod common;

use common::{find_all, fresh_div, settle, text};

wasm_bindgen_test_configure!(run_in_browser);

/// The packet `bytes` received, encoded as the page hands it over.
fn handed(bytes: &[u8], frame_ends: Vec<usize>) -> Vec<u8> {
    let row = PacketRow {
        id: 7,
        direction: Direction::In,
        at_ms: 0.0,
        bytes: Arc::from(bytes),
        kind: PacketKind::of_bytes(bytes),
        frame_ends,
        violation: None,
    };
    let mut out = Vec::new();
    encode(&row, ProtocolVersion::V3_1_1, &mut out);
    out
}

#[wasm_bindgen_test]
async fn a_handed_packet_is_drawn_and_replaced_and_cleared() {
    let host = fresh_div();
    // A QoS 1 PUBLISH of "hi" to "a/b", packet id 1, which arrived in two frames.
    let publish = [
        0x32, 0x09, 0x00, 0x03, b'a', b'/', b'b', 0x00, 0x01, b'h', b'i',
    ];
    mounts::show_packet(101, host.clone(), &handed(&publish, vec![4]));
    settle().await;
    assert_eq!(text(&host, "h3"), "PUBLISH · 11 B");
    assert!(text(&host, ".pkt-view")
        .contains("Arrived in 2 WebSocket frames; frames ended after byte 4."));
    let cells = find_all(&host, "[data-testid=\"hex-view\"] .b[data-i]");
    assert_eq!(cells.len(), publish.len());

    mounts::show_packet(
        101,
        host.clone(),
        &handed(&[0x20, 0x02, 0x00, 0x00], vec![]),
    );
    settle().await;
    assert_eq!(
        find_all(&host, "[data-testid=\"packet-detail\"]").len(),
        1,
        "the PUBLISH was not replaced"
    );
    assert_eq!(text(&host, "h3"), "CONNACK · 4 B");

    mounts::clear(101);
    settle().await;
    assert_eq!(
        host.child_element_count(),
        0,
        "clearing left {}",
        host.inner_html()
    );
}

#[wasm_bindgen_test]
async fn bytes_that_are_not_a_handed_packet_are_said() {
    let host = fresh_div();
    mounts::show_packet(102, host.clone(), &[1, 2, 3]);
    settle().await;
    assert_eq!(
        text(&host, ".banner"),
        "The inspector could not read this packet."
    );
    mounts::show_hex_pad(102, host.clone());
    settle().await;
    assert!(find_all(&host, ".banner").is_empty());
    assert_eq!(find_all(&host, "[data-testid=\"example-picker\"]").len(), 1);
    mounts::clear(102);
}
