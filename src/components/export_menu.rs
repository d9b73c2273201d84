//! Export: messages as JSON or CSV, the packet log as JSON with hex.

use leptos::prelude::*;

use crate::model::export::{messages_csv_to, messages_json_to, packets_json_to};
use crate::state::connection::Conn;
use crate::util::download_chunked;

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
        let conn_name = name();
        conn.data.with_value(|d| {
            download_chunked(&file("messages.json"), "application/json", |sink| {
                messages_json_to(d.messages.iter(), &conn_name, sink)
            })
        });
    };
    let csv = move |_| {
        let conn_name = name();
        conn.data.with_value(|d| {
            download_chunked(&file("messages.csv"), "text/csv", |sink| {
                messages_csv_to(d.messages.iter(), &conn_name, sink)
            })
        });
    };
    let packets = move |_| {
        let (conn_name, reveal) = (name(), reveal.get_untracked());
        conn.data.with_value(|d| {
            download_chunked(&file("packets.json"), "application/json", |sink| {
                packets_json_to(d.packets.iter(), &conn_name, reveal, sink)
            })
        });
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
