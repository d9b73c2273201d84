//! The broker pane (`broker.html`, its own page and wasm module, loaded only now) in a
//! frame of the client page; the pane itself offers to open in a window of its own.

use leptos::prelude::*;

/// The broker pane's frame.
#[component]
pub fn BrokerFrame() -> impl IntoView {
    view! {
        <iframe class="broker-frame" src="broker.html" title="The sandbox broker" data-testid="broker-frame"></iframe>
    }
}
