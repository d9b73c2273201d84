//! Export: messages as JSON or CSV, the packet log as JSON with hex.

use leptos::prelude::*;

use crate::model::export::{messages_csv, messages_json, packets_json};
use crate::state::connection::Conn;
use crate::util::download;

/// The export buttons of a connection.
#[component]
pub fn ExportMenu(
    /// The connection.
    conn: Conn,
) -> impl IntoView {
    let reveal = RwSignal::new(false);
    let name = move || conn.settings.with_untracked(|s| s.name.clone());
    let file = move |ext: &str| {
        format!(
            "mqttscope-{}.{ext}",
            name().replace(|c: char| !c.is_ascii_alphanumeric(), "-")
        )
    };
    let json = move |_| {
        let text = conn
            .data
            .with_value(|d| messages_json(d.messages.iter(), &name()));
        download(&file("messages.json"), "application/json", text.as_bytes());
    };
    let csv = move |_| {
        let text = conn
            .data
            .with_value(|d| messages_csv(d.messages.iter(), &name()));
        download(&file("messages.csv"), "text/csv", text.as_bytes());
    };
    let packets = move |_| {
        let text = conn
            .data
            .with_value(|d| packets_json(d.packets.iter(), &name(), reveal.get_untracked()));
        download(&file("packets.json"), "application/json", text.as_bytes());
    };
    view! {
        <details class="export">
            <summary>"Export"</summary>
            <div class="export-menu">
                <button class="small" on:click=json>"Messages (JSON)"</button>
                <button class="small" on:click=csv>"Messages (CSV)"</button>
                <button class="small" on:click=packets>"Packet log (JSON)"</button>
                <label class="check">
                    <input type="checkbox" on:change=move |ev| reveal.set(event_target_checked(&ev)) />
                    <span>"Include passwords and authentication data"</span>
                </label>
            </div>
        </details>
    }
}
