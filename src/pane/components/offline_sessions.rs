//! Sessions kept with no connection: what waits for each client's return.

use leptos::prelude::*;

use crate::pane::use_pane;

/// The offline sessions.
#[component]
pub fn OfflineSessions() -> impl IntoView {
    let pane = use_pane();
    let rows = move || {
        pane.with(|d| {
            d.state
                .offline
                .iter()
                .map(|s| {
                    let expiry = match s.expiry {
                        u32::MAX => "never expires".to_owned(),
                        e => format!("expires {e} s after its connection ended"),
                    };
                    let text = format!(
                        "{}: {} subscriptions, {} queued, {} in flight, {} dropped; {expiry}",
                        s.client_id,
                        s.subscriptions.len(),
                        s.queued,
                        s.in_flight,
                        s.dropped
                    );
                    view! { <li data-testid="offline-session">{text}</li> }
                })
                .collect_view()
        })
    };
    view! {
        <section class="panel" aria-label="Offline sessions">
            <h2>"Offline sessions"</h2>
            <ul class="plain">{rows}</ul>
        </section>
    }
}
