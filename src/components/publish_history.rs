//! What was published: one click loads an entry into the form, another resends it.

use leptos::prelude::*;

use crate::model::visible::visible;
use crate::state::connection::Conn;
use crate::state::publish::PublishDraft;

/// The publish history of a connection.
#[component]
pub fn PublishHistory(
    /// The connection.
    conn: Conn,
    /// Loads an entry into the form.
    on_pick: Callback<PublishDraft>,
    /// Publishes an entry again.
    on_send: Callback<PublishDraft>,
) -> impl IntoView {
    let rows = move || {
        conn.history
            .get()
            .into_iter()
            .map(|d| {
                let (pick, send) = (d.clone(), d.clone());
                let summary = format!(
                    "{} · QoS {}{}",
                    d.format.label(),
                    d.qos as u8,
                    if d.retain { " · retained" } else { "" }
                );
                view! {
                    <li class="history-row">
                        <button class="history-pick" on:click=move |_| on_pick.run(pick.clone())>
                            <span class="mono">{visible(&d.topic).into_owned()}</span>
                            <span class="muted">{summary}</span>
                        </button>
                        <button class="small" aria-label="Publish again" title="Publish again"
                            on:click=move |_| on_send.run(send.clone())>"↻"</button>
                    </li>
                }
            })
            .collect_view()
    };
    view! {
        <Show when=move || conn.history.with(|h| !h.is_empty())>
            <details class="history">
                <summary>{move || format!("History ({})", conn.history.with(Vec::len))}</summary>
                <ul>{rows}</ul>
            </details>
        </Show>
    }
}
