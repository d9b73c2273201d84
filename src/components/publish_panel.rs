//! The publish form: topic, payload in several formats, QoS, retain, MQTT 5 properties,
//! Ctrl+Enter to send, and a history to resend from.

use leptos::prelude::*;

use crate::components::check_field::CheckField;
use crate::components::lost_publishes::LostPublishes;
use crate::components::pair_editor::PairEditor;
use crate::components::payload_editor::PayloadEditor;
use crate::components::publish_history::PublishHistory;
use crate::components::qos_select::QosSelect;
use crate::state::actions;
use crate::state::connection::Conn;
use crate::state::publish::{remember, PublishDraft};

/// The publish form of a connection.
#[component]
pub fn PublishPanel(
    /// The connection.
    conn: Conn,
) -> impl IntoView {
    let draft = RwSignal::new(PublishDraft::default());
    let error = RwSignal::new(None::<String>);
    let v5 = move || conn.settings.with(|s| s.version.is_v5());
    let send = move |d: PublishDraft| {
        let result = d.to_message(v5()).and_then(|m| actions::publish(conn, m));
        match result {
            Ok(()) => {
                error.set(None);
                conn.history.update(|h| remember(h, d));
            }
            Err(e) => error.set(Some(e)),
        }
    };
    let on_submit = move |ev: web_sys::SubmitEvent| {
        ev.prevent_default();
        send(draft.get_untracked());
    };
    let on_key = move |ev: web_sys::KeyboardEvent| {
        if ev.key() == "Enter" && (ev.ctrl_key() || ev.meta_key()) {
            ev.prevent_default();
            send(draft.get_untracked());
        }
    };
    let text = move |get: fn(&PublishDraft) -> String, set: fn(&mut PublishDraft, String)| {
        view! {
            <input spellcheck="false" prop:value=move || draft.with(get)
                on:input=move |ev| draft.update(|d| set(d, event_target_value(&ev))) />
        }
    };
    view! {
        <section class="panel publish" aria-label="Publish" on:keydown=on_key>
            <h2>"Publish"</h2>
            <form on:submit=on_submit>
                <div class="row-fields">
                    <label class="field wide">
                        <span class="field-label">"Topic"</span>
                        <input data-testid="pub-topic" spellcheck="false" prop:value=move || draft.with(|d| d.topic.clone())
                            on:input=move |ev| draft.update(|d| d.topic = event_target_value(&ev)) />
                    </label>
                    <QosSelect value=Signal::derive(move || draft.with(|d| d.qos))
                        on_change=Callback::new(move |q| draft.update(|d| d.qos = q)) test_id="pub-qos" />
                    <CheckField label="Retain" checked=Signal::derive(move || draft.with(|d| d.retain))
                        on_change=Callback::new(move |b| draft.update(|d| d.retain = b)) />
                </div>
                <PayloadEditor test_id="pub-payload" text=Signal::derive(move || draft.with(|d| d.payload.clone()))
                    format=Signal::derive(move || draft.with(|d| d.format))
                    on_change=Callback::new(move |(text, format)| draft.update(|d| (d.payload, d.format) = (text, format))) />
                <Show when=v5>
                    <details class="group">
                        <summary>"MQTT 5 properties"</summary>
                        <div class="row-fields">
                            <label class="field"><span class="field-label">"Content type"</span>
                                {text(|d| d.content_type.clone(), |d, v| d.content_type = v)}</label>
                            <label class="field"><span class="field-label">"Response topic"</span>
                                {text(|d| d.response_topic.clone(), |d, v| d.response_topic = v)}</label>
                            <label class="field"><span class="field-label">"Correlation data"</span>
                                {text(|d| d.correlation.clone(), |d, v| d.correlation = v)}</label>
                            <label class="field narrow"><span class="field-label">"Message expiry (s)"</span>
                                <input type="number" min="0" prop:value=move || draft.with(|d| d.expiry.to_string())
                                    on:input=move |ev| draft.update(|d| d.expiry = event_target_value(&ev).parse().unwrap_or(0)) /></label>
                        </div>
                        <CheckField label="Payload is UTF-8 text (Payload Format Indicator)" checked=Signal::derive(move || draft.with(|d| d.utf8))
                            on_change=Callback::new(move |b| draft.update(|d| d.utf8 = b)) />
                        <PairEditor label="User properties" pairs=Signal::derive(move || draft.with(|d| d.user_properties.clone()))
                            on_change=Callback::new(move |p| draft.update(|d| d.user_properties = p)) />
                    </details>
                </Show>
                {move || error.get().map(|e| view! { <p class="form-error" role="alert" data-testid="pub-error">{e}</p> })}
                <div class="form-actions">
                    <button type="submit" class="primary" data-testid="publish">"Publish"</button>
                    <span class="muted">"Ctrl+Enter"</span>
                </div>
            </form>
            <LostPublishes conn />
            <PublishHistory conn on_pick=Callback::new(move |d: PublishDraft| draft.set(d)) on_send=Callback::new(send) />
        </section>
    }
}
