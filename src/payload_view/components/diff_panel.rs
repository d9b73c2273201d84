//! What changed since the topic's previous message on this connection, value by value.

use leptos::prelude::*;

use crate::payload_view::model::diff::Change;

/// The changes.
#[component]
pub fn DiffPanel(
    /// The changes, or `None` when there is no previous message that decodes.
    changes: Signal<Option<Vec<Change>>>,
) -> impl IntoView {
    let body = move || match changes.get() {
        None => {
            view! { <p class="muted">"No earlier message of this topic here to compare with."</p> }
                .into_any()
        }
        Some(c) if c.is_empty() => {
            view! { <p class="muted">"The same value as the topic's previous message."</p> }
                .into_any()
        }
        Some(c) => {
            view! { <table class="diff mono">{c.into_iter().map(line).collect_view()}</table> }
                .into_any()
        }
    };
    view! {
        <section class="diff-panel" data-testid="diff-panel">
            <h2>"Since the previous message"</h2>
            {body}
        </section>
    }
}

fn line(c: Change) -> impl IntoView {
    let (mark, class, path, before, after) = match c {
        Change::Added { path, after } => ("+", "added", path, String::new(), after),
        Change::Removed { path, before } => ("-", "removed", path, before, String::new()),
        Change::Changed {
            path,
            before,
            after,
        } => ("~", "changed", path, before, after),
    };
    view! { <tr class=class><td>{mark}</td><th>{path}</th><td class="before">{before}</td><td class="after">{after}</td></tr> }
}
