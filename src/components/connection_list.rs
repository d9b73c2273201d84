//! The saved connections, each with its colour and live status.

use leptos::prelude::*;

use crate::components::connection_item::ConnectionItem;
use crate::state::workspace::use_workspace;

/// The list of connections and the button that adds one.
#[component]
pub fn ConnectionList() -> impl IntoView {
    let ws = use_workspace();
    view! {
        <nav class="conn-list" aria-label="Connections">
            <div class="conn-list-head">
                <h2>"Connections"</h2>
                <button class="small" data-testid="add-connection" on:click=move |_| {
                    ws.add_new();
                }>"+ New"</button>
            </div>
            <ul>
                <For each=move || ws.conns.get() key=|c| c.id let:conn>
                    <ConnectionItem conn />
                </For>
            </ul>
        </nav>
    }
}
