//! The inspector's entry point: the packet detail and the hex pad, built by Trunk as a
//! module of its own (`mqttscope-inspect.js`, no ES module) which the client page loads the
//! first time either is shown (see `mqttscope::inspect`). Its main only sets the panic hook;
//! the page calls the three exports below with elements of its own document.

use wasm_bindgen::prelude::wasm_bindgen;
use web_sys::HtmlElement;

use mqttscope::inspect::mounts;

fn main() {
    mqttscope::util::log_panics();
}

/// Shows a packet (encoded by `mqttscope::model::packet_feed`) in the page's host `id`.
#[wasm_bindgen(js_name = inspectPacket)]
pub fn inspect_packet(id: u32, host: HtmlElement, packet: &[u8]) {
    mounts::show_packet(id, host, packet);
}

/// Shows the hex pad in the page's host `id`.
#[wasm_bindgen(js_name = inspectHexPad)]
pub fn inspect_hex_pad(id: u32, host: HtmlElement) {
    mounts::show_hex_pad(id, host);
}

/// Unmounts what the page's host `id` shows.
#[wasm_bindgen(js_name = inspectClear)]
pub fn inspect_clear(id: u32) {
    mounts::clear(id);
}
