//! What happened on the broker, newest first: connections, sessions, wills, dropped
//! messages, protocol violations and the faults injected.

use leptos::prelude::*;

use crate::pane::use_pane;

/// How many lines are drawn.
const SHOWN: usize = 200;

/// The log.
#[component]
pub fn EventLog() -> impl IntoView {
    let pane = use_pane();
    let rows = move || {
        pane.with(|d| {
            d.log
                .iter()
                .rev()
                .take(SHOWN)
                .map(|l| {
                    let at = format!("{:.3} s ", l.at_ms as f64 / 1000.0);
                    view! { <li data-testid="log-line"><span class="muted">{at}</span>{l.text.clone()}</li> }
                })
                .collect_view()
        })
    };
    view! {
        <section class="panel" aria-label="Broker log">
            <h2>"Log"</h2>
            <p class="muted">"Times are seconds since the sandbox started."</p>
            <ol class="plain log">{rows}</ol>
        </section>
    }
}
