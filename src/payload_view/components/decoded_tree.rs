//! The decoded value as a tree, one row per value (depth, key, value); pointing at a row
//! lights up the bytes it came from, and a number's "chart" button charts it over the
//! topic's messages.

use leptos::prelude::*;
use mqttscope_payload::Node;

use crate::payload_view::model::rows::rows;
use crate::payload_view::use_frame;

/// The tree of `node`.
#[component]
pub fn DecodedTree(
    /// The decoded payload.
    node: Node,
    /// Whether it was read as Sparkplug B (a chart then follows the metric through its edge
    /// node's session).
    sparkplug: bool,
) -> impl IntoView {
    let frame = use_frame();
    let topic = frame
        .message
        .with_value(|m| m.as_ref().map(|m| m.topic.clone()).unwrap_or_default());
    let (rows, left) = rows(&node);
    let drawn = rows
        .into_iter()
        .map(|r| {
            let span = r.span.clone();
            let indent = format!("{}em", r.depth);
            let where_ = r.span.as_ref().map_or("not in these bytes".to_owned(), |s| format!("bytes {}..{}", s.start, s.end));
            let title = format!("{}: {where_}", if r.path.is_empty() { "(top)" } else { &r.path });
            let key = (!r.key.is_empty()).then(|| view! { <span class="tree-key">{r.key.clone()}": "</span> });
            let (topic, path) = (topic.clone(), r.stable_path.clone());
            let chart = r.number.is_some().then(|| view! {
                <button class="chart-it" title="Chart this value over the topic's messages" on:click=move |_| frame.add_series(&topic, &path, sparkplug)>"chart"</button>
            });
            view! {
                <div class="tree-row" class:container=r.container style:padding-left=indent title=title data-path=r.path.clone()
                    on:mouseenter=move |_| frame.lit.set(span.clone()) on:mouseleave=move |_| frame.lit.set(None)>
                    {key}<span class="tree-value">{r.text}</span>{chart}
                </div>
            }
        })
        .collect_view();
    let more = (left > 0)
        .then(|| view! { <p class="muted">{format!("and {left} more values, not drawn")}</p> });
    view! { <div class="decoded-tree mono" data-testid="decoded-tree">{drawn}{more}</div> }
}
