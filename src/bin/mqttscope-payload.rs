//! The payload frame's entry point (`payload.html`): a panic hook and the mount. Built by
//! Trunk as a module of its own, loaded only when a message's Decoded view is chosen.

use mqttscope::payload_view::components::payload_frame::PayloadFrame;

fn main() {
    mqttscope::util::log_panics();
    leptos::mount::mount_to_body(PayloadFrame);
}
