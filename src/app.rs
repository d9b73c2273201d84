//! The page layout.

use leptos::prelude::*;

use crate::components::hex_pad::HexPad;

/// The whole app: a top bar and the hex pad.
#[component]
pub fn App() -> impl IntoView {
    view! {
        <header class="topbar">
            <span class="brand">
                <span class="brand-mark" aria-hidden="true"></span>
                "mqttscope"
            </span>
            <span class="topbar-note">"MQTT 3.1, 3.1.1 and 5.0, byte by byte"</span>
        </header>
        <main class="main">
            <HexPad />
        </main>
    }
}
