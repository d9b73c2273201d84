//! Messages that were in flight when the broker lost the session, each with "Publish
//! again" and "Dismiss": nothing is sent twice, or dropped, without the user knowing.

use leptos::prelude::*;

use crate::state::actions;
use crate::state::connection::Conn;

/// The lost messages of a connection, if any.
#[component]
pub fn LostPublishes(
    /// The connection.
    conn: Conn,
) -> impl IntoView {
    let error = RwSignal::new(None::<String>);
    let dismiss = move |id: u64| conn.lost.update(|l| l.retain(|p| p.id != id));
    let again = move |id: u64| {
        let Some(lost) = conn
            .lost
            .with_untracked(|l| l.iter().find(|p| p.id == id).cloned())
        else {
            return;
        };
        match actions::publish(conn, lost.message) {
            Ok(()) => dismiss(id),
            Err(e) => error.set(Some(e)),
        }
    };
    let rows = move || {
        conn.lost
            .get()
            .into_iter()
            .map(|p| {
                let id = p.id;
                view! {
                    <li class="lost-row" data-testid="lost-publish">
                        <span class="mono">{p.message.topic.clone()}</span>
                        <span class="muted">{p.describe()}</span>
                        <button class="small" on:click=move |_| again(id)>"Publish again"</button>
                        <button class="small" on:click=move |_| dismiss(id)>"Dismiss"</button>
                    </li>
                }
            })
            .collect_view()
    };
    view! {
        <Show when=move || conn.lost.with(|l| !l.is_empty())>
            <div class="lost panel" role="alert">
                <p>"The broker did not keep the session: these messages were in flight and \
                    were not sent again, so that none arrives twice."</p>
                <ul>{rows}</ul>
                {move || error.get().map(|e| view! { <p class="form-error">{e}</p> })}
            </div>
        </Show>
    }
}
