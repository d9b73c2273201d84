//! One connection in the list.

use leptos::prelude::*;

use crate::state::actions;
use crate::state::connection::Conn;
use crate::state::workspace::use_workspace;

/// One connection in the list: a click selects it; the dot shows its status.
#[component]
pub fn ConnectionItem(
    /// The connection.
    conn: Conn,
) -> impl IntoView {
    let ws = use_workspace();
    let selected = move || ws.selected.get() == Some(conn.id);
    let name = move || conn.settings.with(|s| s.name.clone());
    let url = move || conn.settings.with(|s| s.url.clone());
    let colour = move || format!("swatch c{}", conn.settings.with(|s| s.colour % 8));
    let status = move || conn.status.with(|s| s.label());
    let status_class = move || format!("status-dot {}", conn.status.with(|s| s.class()));
    let toggle = move |ev: web_sys::MouseEvent| {
        ev.stop_propagation();
        if conn.status.with_untracked(|s| s.is_active()) {
            actions::disconnect(conn);
        } else {
            let _ = actions::connect(conn);
        }
    };
    view! {
        <li class="conn-item" class:selected=selected>
            <button class="conn-select" aria-current=move || selected().then_some("true")
                on:click=move |_| ws.selected.set(Some(conn.id))>
                <span class=colour aria-hidden="true"></span>
                <span class="conn-text">
                    <span class="conn-name">{name}</span>
                    <span class="conn-url">{url}</span>
                </span>
                <span class=status_class title=status role="img" aria-label=status></span>
            </button>
            <button class="conn-power small" on:click=toggle
                aria-label=move || format!("{} {}", if conn.status.with(|s| s.is_active()) { "Disconnect" } else { "Connect" }, name())>
                {move || if conn.status.with(|s| s.is_active()) { "■" } else { "▶" }}
            </button>
        </li>
    }
}
