//! The frame's page: the message's topic, the decoder bar, the bytes beside the decoded
//! tree, what a Sparkplug host would notice, the changes since the topic's previous
//! message (or between it and any other of the topic's messages), and the connection's
//! rules and schemas.

use leptos::prelude::*;
use mqttscope_payload::Decoder;

use crate::model::payload::human_size;
use crate::model::visible::visible;
use crate::payload_view::components::chart_panel::ChartPanel;
use crate::payload_view::components::decoded_tree::DecodedTree;
use crate::payload_view::components::decoder_bar::DecoderBar;
use crate::payload_view::components::diff_panel::DiffPanel;
use crate::payload_view::components::payload_bytes::PayloadBytes;
use crate::payload_view::components::rule_list::RuleList;
use crate::payload_view::components::schema_files::SchemaFiles;
use crate::payload_view::reading::read;
use crate::payload_view::Frame;

/// The whole frame.
#[component]
pub fn PayloadFrame() -> impl IntoView {
    let frame = Frame::open();
    provide_context(frame);
    let Some(message) = frame.message.get_value() else {
        return view! { <p class="banner" data-testid="payload-missing">"This message is no longer in the page's history, or the frame was opened on its own."</p> }.into_any();
    };
    let params = frame.params.get_value();
    let m = message.clone();
    let reading = Memo::new(move |_| {
        let picked = frame.picked.get();
        let against = frame.against.get();
        let rules = frame.rules.get();
        frame.schemas.with(|s| {
            params
                .as_ref()
                .map(|p| read(p, &m, picked.as_deref(), against, &rules, s))
        })
    });
    let payload = message.payload.clone();
    let bad = move || {
        reading.with(|r| {
            r.as_ref()
                .and_then(|r| r.node.as_ref().err().map(|e| e.offset))
        })
    };
    let tree = move || match reading.get().map(|r| (r.node, r.choice.decoder)) {
        Some((Ok(node), decoder)) => {
            let sparkplug = matches!(decoder, Decoder::Sparkplug);
            view! { <DecodedTree node sparkplug /> }.into_any()
        }
        Some((Err(e), _)) => {
            view! { <p class="field-error" data-testid="decode-error">{e.to_string()}</p> }
                .into_any()
        }
        None => ().into_any(),
    };
    let notes = move || {
        let notes = reading.with(|r| r.as_ref().map(|r| r.notes.clone()).unwrap_or_default());
        (!notes.is_empty()).then(|| view! {
            <ul class="notes" data-testid="sparkplug-notes">{notes.into_iter().map(|n| view! { <li>{n}</li> }).collect_view()}</ul>
        })
    };
    let changes =
        Signal::derive(move || reading.with(|r| r.as_ref().and_then(|r| r.changes.clone())));
    let compared = Signal::derive(move || reading.with(|r| r.as_ref().and_then(|r| r.compared)));
    view! {
        <header class="frame-head">
            <h1 class="mono" data-testid="frame-topic">{visible(&message.topic).into_owned()}</h1>
            <span class="muted">{human_size(message.payload.len())}</span>
        </header>
        {move || frame.notice.get().map(|n| view! { <p class="banner" role="status">{n}</p> })}
        <DecoderBar reading topic=message.topic.clone() />
        {notes}
        <div class="split">
            <PayloadBytes bytes=payload bad=Signal::derive(bad) />
            <div class="tree-col">{tree}</div>
        </div>
        <ChartPanel />
        <DiffPanel changes compared />
        <RuleList />
        <SchemaFiles />
    }
    .into_any()
}
