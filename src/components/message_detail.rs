//! The selected message: its properties and its payload as text, a JSON tree, hex, or
//! decoded (CBOR, MessagePack, protobuf with a schema, Sparkplug B, ...) in the payload
//! frame, a module of its own loaded only when that view is chosen. A large payload is
//! collapsed (its size shown) and can be expanded or downloaded.

use leptos::prelude::*;

use crate::components::json_tree::JsonTree;
use crate::model::json;
use crate::model::message::MessageRow;
use crate::model::payload::{classify, human_size, json_note, PayloadKind, COLLAPSE_AT};
use crate::model::time;
use crate::model::visible::visible;
use crate::util::download;

/// The payload views.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum View {
    Text,
    Json,
    Hex,
    Decoded,
}

/// The detail of one message.
#[component]
pub fn MessageDetail(
    /// The message.
    row: MessageRow,
    /// The message's connection id.
    conn: u32,
    /// The payload frame's address for this message's connection: `conn=<id>&key=<url>`.
    frame: String,
) -> impl IntoView {
    let kind = classify(&row.payload);
    let first = match kind {
        PayloadKind::Json => View::Json,
        PayloadKind::Binary => View::Hex,
        _ => View::Text,
    };
    let view_mode = RwSignal::new(first);
    let expanded = RwSignal::new(row.payload.len() <= COLLAPSE_AT);
    let size = human_size(row.payload.len());
    let payload = row.payload.clone();
    let frame_src = format!("payload.html#{frame}&id={}", row.id);
    // The frame reads the message from the page, which keeps it for the frame even after
    // newer messages push it out of the history.
    crate::state::feed::keep_shown(conn, row.clone());
    let body = move || {
        if !expanded.get() {
            return view! { <p class="muted">"Collapsed: " {human_size(payload.len())} ". Expand it or download it whole."</p> }.into_any();
        }
        match view_mode.get() {
            View::Text => view! {
                {json_note(&payload).map(|n| view! { <p class="muted" data-testid="payload-note">{n}</p> })}
                <pre class="payload-text" data-testid="payload-text">{String::from_utf8_lossy(&payload).into_owned()}</pre>
            }.into_any(),
            View::Json => match std::str::from_utf8(&payload).map_err(|_| None).and_then(|t| json::parse(t).map_err(Some)) {
                Ok(value) => view! { <JsonTree value /> }.into_any(),
                Err(e) => view! { <p class="field-error">"Not shown as a tree: " {e.map_or("not UTF-8".to_owned(), |e| e.message)}</p> }.into_any(),
            },
            View::Hex => view! { <pre class="payload-hex mono">{mqttscope_proto::hex::format_hex(&payload)}</pre> }.into_any(),
            // The frame is written as HTML (only the address this page built, its parts
            // URL-encoded): a frame element the renderer drew a second time, when the view
            // was left and chosen again, never loaded its address; one the parser makes does.
            View::Decoded => {
                let html = format!(
                    r#"<iframe class="payload-frame" title="Decoded payload" data-testid="payload-frame" src="{}"></iframe>"#,
                    frame_src.replace('&', "&amp;")
                );
                view! { <div inner_html=html></div> }.into_any()
            }
        }
    };
    let tab = move |v: View, label: &'static str| {
        view! { <button class="seg" aria-pressed=move || (view_mode.get() == v).to_string() on:click=move |_| view_mode.set(v)>{label}</button> }
    };
    let (name, bytes) = (
        format!("{}.bin", row.topic.replace('/', "_")),
        row.payload.clone(),
    );
    let properties = row
        .properties
        .iter()
        .map(|(k, v)| view! { <tr><th>{visible(k).into_owned()}</th><td class="mono">{visible(v).into_owned()}</td></tr> })
        .collect_view();
    view! {
        <section class="detail panel" aria-label="Message">
            <h3 class="mono" data-testid="detail-topic">{visible(&row.topic).into_owned()}</h3>
            <p class="muted">
                {time::iso8601(row.at_ms)} " · " {row.direction.label()} " · QoS " {row.qos as u8}
                {row.retain.then_some(" · retained")} {row.dup.then_some(" · DUP")} " · " {size}
            </p>
            <table class="props">{properties}</table>
            <div class="payload-bar">
                <span class="segs" role="group" aria-label="Payload view">
                    {tab(View::Text, "Text")} {tab(View::Json, "JSON")} {tab(View::Hex, "Hex")} {tab(View::Decoded, "Decoded")}
                </span>
                <Show when=move || !expanded.get()>
                    <button class="small" on:click=move |_| expanded.set(true)>"Expand"</button>
                </Show>
                <button class="small" on:click=move |_| download(&name, "application/octet-stream", &bytes)>"Download"</button>
            </div>
            {body}
        </section>
    }
}
