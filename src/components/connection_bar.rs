//! The selected connection's header: name, URL, status, connect and edit buttons.

use leptos::prelude::*;

use crate::state::actions;
use crate::state::connection::{Conn, ConnStatus};
use crate::state::workspace::use_workspace;

/// The header of the selected connection.
#[component]
pub fn ConnectionBar(
    /// The connection.
    conn: Conn,
) -> impl IntoView {
    let ws = use_workspace();
    let error = RwSignal::new(None::<String>);
    let active = move || conn.status.with(ConnStatus::is_active);
    let on_connect = move |_| {
        error.set(None);
        if active() {
            actions::disconnect(conn);
        } else if let Err(e) = actions::connect(conn) {
            error.set(Some(e));
        }
    };
    let remove = move |_| {
        actions::disconnect(conn);
        ws.remove(conn.id);
    };
    let details = move || {
        let st = conn.status.get();
        let limits = match st {
            ConnStatus::Connected { session_present } => conn.link().map(|l| {
                let v = l.with_client(|c| c.version());
                format!(
                    "MQTT {v} · session present: {}",
                    if session_present { "yes" } else { "no" }
                )
            }),
            _ => None,
        };
        limits.unwrap_or_default()
    };
    view! {
        <div class="conn-bar">
            <div class="conn-bar-title">
                <span class=move || format!("swatch c{}", conn.settings.with(|s| s.colour % 8)) aria-hidden="true"></span>
                <h1>{move || conn.settings.with(|s| s.name.clone())}</h1>
                <span class="mono muted">{move || conn.settings.with(|s| s.url.clone())}</span>
            </div>
            <div class="conn-bar-status" role="status" data-testid="conn-status">
                <span class=move || format!("status-dot {}", conn.status.with(|s| s.class()))></span>
                <span>{move || conn.status.with(|s| s.label())}</span>
                <span class="muted">{details}</span>
            </div>
            <div class="conn-bar-actions">
                <button class="primary" data-testid="connect" on:click=on_connect>
                    {move || if active() { "Disconnect" } else { "Connect" }}
                </button>
                <button aria-expanded=move || ws.editing.get().to_string()
                    on:click=move |_| ws.editing.update(|e| *e = !*e)>"Settings"</button>
                <button class="danger" on:click=remove>"Remove"</button>
            </div>
            {move || error.get().map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
        </div>
    }
}
