//! What changed between this message and another of its topic, value by value: the
//! topic's previous message unless the user picks another (older or newer) from the list.

use leptos::prelude::*;

use crate::payload_view::components::message_picker::MessagePicker;
use crate::payload_view::model::diff::Change;
use crate::payload_view::reading::Compared;

/// The changes, and the list of messages to compare with.
#[component]
pub fn DiffPanel(
    /// The changes, or `None` when there is no message to compare with that decodes.
    changes: Signal<Option<Vec<Change>>>,
    /// The message compared with.
    compared: Signal<Option<Compared>>,
) -> impl IntoView {
    let body = move || {
        match changes.get() {
        None => view! { <p class="muted">"No other message of this topic here to compare with, or it does not decode."</p> }
            .into_any(),
        Some(c) if c.is_empty() => {
            view! { <p class="muted">"The same value as the message compared with."</p> }
                .into_any()
        }
        Some(c) => {
            view! { <table class="diff mono">{c.into_iter().map(line).collect_view()}</table> }
                .into_any()
        }
    }
    };
    let direction = move || {
        compared.get().map(|c| {
            let (from, to) = if c.newer {
                ("this message", "the newer one")
            } else {
                ("the older one", "this message")
            };
            format!("From {from} to {to}:")
        })
    };
    view! {
        <section class="diff-panel" data-testid="diff-panel">
            <h2>"Changes"</h2>
            <label>"Compared with " <MessagePicker /></label>
            <p class="muted" data-testid="diff-direction">{direction}</p>
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
