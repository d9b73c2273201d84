//! The decoder bar: which decoder reads the payload and why, a select to read it with
//! another (the bytes stay as they are), and a button that makes the choice a rule for a
//! topic filter.

use leptos::prelude::*;
use mqttscope_payload::Decoder;

use crate::payload_view::model::choice::name_of;
use crate::payload_view::reading::Reading;
use crate::payload_view::use_frame;

/// The bar.
#[component]
pub fn DecoderBar(
    /// The message as read.
    reading: Memo<Option<Reading>>,
    /// The message's topic: the rule's filter to begin with.
    topic: String,
) -> impl IntoView {
    let frame = use_frame();
    let current = move || {
        reading.with(|r| {
            r.as_ref()
                .map(|r| name_of(&r.choice.decoder))
                .unwrap_or_default()
        })
    };
    let why =
        move || reading.with(|r| r.as_ref().map(|r| r.choice.why.clone()).unwrap_or_default());
    let names = move || {
        let mut names = vec!["auto".to_string()];
        names.extend(Decoder::names());
        names.extend(
            frame
                .schemas
                .with(|s| s.type_names())
                .into_iter()
                .map(|t| format!("protobuf:{t}")),
        );
        names
    };
    let options = move || {
        let now = current();
        names()
            .into_iter()
            .map(|n| {
                let selected = n == now && frame.picked.with(Option::is_some);
                view! { <option value=n.clone() selected=selected>{n.clone()}</option> }
            })
            .collect_view()
    };
    let filter = RwSignal::new(topic);
    let make_rule = move |_| frame.set_rule(&filter.get_untracked(), &current());
    view! {
        <div class="decoder-bar">
            <label>"Decoder "
                <select data-testid="decoder-select" on:change=move |ev| {
                    let v = event_target_value(&ev);
                    frame.picked.set((v != "auto").then_some(v));
                }>{options}</select>
            </label>
            <span class="mono" data-testid="decoder-name">{current}</span>
            <span class="muted" data-testid="decoder-why">{why}</span>
            <span class="rule-maker">
                <input class="mono" aria-label="Topic filter for a rule" data-testid="rule-filter"
                    prop:value=move || filter.get() on:input=move |ev| filter.set(event_target_value(&ev)) />
                <button class="small" data-testid="rule-save" on:click=make_rule>"Always decode these with it"</button>
            </span>
        </div>
    }
}
