//! A JSON value as a collapsible tree (every string rendered as text).

use leptos::prelude::*;

use crate::model::json::Json;

/// The tree of `value`.
#[component]
pub fn JsonTree(
    /// The parsed JSON.
    value: Json,
) -> impl IntoView {
    view! { <div class="json-tree mono">{node(None, value)}</div> }
}

/// One node: a scalar on one line, or a container as a `<details>` with its children.
fn node(key: Option<String>, value: Json) -> AnyView {
    let label = key.map(|k| view! { <span class="json-key">{format!("{k:?}")}": "</span> });
    match value {
        Json::Array(items) => {
            let summary = format!("[{} items]", items.len());
            let children = items
                .into_iter()
                .enumerate()
                .map(|(k, v)| node(Some(k.to_string()), v))
                .collect_view();
            view! { <details open><summary>{label}{summary}</summary><div class="json-children">{children}</div></details> }.into_any()
        }
        Json::Object(members) => {
            let summary = format!("{{{} keys}}", members.len());
            let children = members
                .into_iter()
                .map(|(k, v)| node(Some(k), v))
                .collect_view();
            view! { <details open><summary>{label}{summary}</summary><div class="json-children">{children}</div></details> }.into_any()
        }
        scalar => {
            let (class, text) = match scalar {
                Json::String(s) => ("json-str", format!("{s:?}")),
                Json::Number(n) => ("json-num", n),
                Json::Bool(b) => ("json-lit", b.to_string()),
                _ => ("json-lit", "null".to_owned()),
            };
            view! { <div>{label}<span class=class>{text}</span></div> }.into_any()
        }
    }
}
