//! The will message part of the connect form.

use leptos::prelude::*;

use crate::components::check_field::CheckField;
use crate::components::number_field::NumberField;
use crate::components::pair_editor::PairEditor;
use crate::components::payload_editor::PayloadEditor;
use crate::components::qos_select::QosSelect;
use crate::components::text_field::TextField;
use crate::model::payload::PayloadFormat;
use crate::state::settings::{ConnectionSettings, WillSettings};

/// Edits `draft.will`: off, or topic, payload (in any of the payload editor's formats),
/// QoS, retain and the MQTT 5 properties.
#[component]
pub fn WillEditor(
    /// The settings being edited.
    draft: RwSignal<ConnectionSettings>,
) -> impl IntoView {
    let on = Signal::derive(move || draft.with(|d| d.will.is_some()));
    let get = move |f: fn(&WillSettings) -> String| {
        Signal::derive(move || draft.with(|d| d.will.as_ref().map(f).unwrap_or_default()))
    };
    let set = move |f: fn(&mut WillSettings, String)| {
        Callback::new(move |v: String| {
            draft.update(|d| d.will.iter_mut().for_each(|w| f(w, v.clone())))
        })
    };
    let num = move |f: fn(&WillSettings) -> u32| {
        Signal::derive(move || draft.with(|d| d.will.as_ref().map_or(0, f) as u64))
    };
    let set_num = move |f: fn(&mut WillSettings, u32)| {
        Callback::new(move |v: u64| {
            draft.update(|d| d.will.iter_mut().for_each(|w| f(w, v as u32)))
        })
    };
    let v5 = move || draft.with(|d| d.version.is_v5());
    view! {
        <fieldset class="group">
            <legend>"Will"</legend>
            <CheckField label="Send a will message" checked=on on_change=Callback::new(move |b: bool| {
                draft.update(|d| d.will = b.then(WillSettings::default))
            }) />
            <Show when=move || on.get()>
                <div class="row-fields">
                    <TextField label="Will topic" class="wide" value=get(|w| w.topic.clone()) on_input=set(|w, v| w.topic = v) />
                    <QosSelect value=Signal::derive(move || draft.with(|d| d.will.as_ref().map(|w| w.qos).unwrap_or_default()))
                        on_change=Callback::new(move |q| draft.update(|d| d.will.iter_mut().for_each(|w| w.qos = q))) />
                    <CheckField label="Retain" checked=Signal::derive(move || draft.with(|d| d.will.as_ref().is_some_and(|w| w.retain)))
                        on_change=Callback::new(move |b| draft.update(|d| d.will.iter_mut().for_each(|w| w.retain = b))) />
                </div>
                <PayloadEditor label="Will payload" test_id="will-payload" text=get(|w| w.payload.clone())
                    format=Signal::derive(move || draft.with(|d| d.will.as_ref().map(|w| w.format).unwrap_or_default()))
                    on_change=Callback::new(move |(text, format): (String, PayloadFormat)| draft.update(|d| {
                        d.will.iter_mut().for_each(|w| (w.payload, w.format) = (text.clone(), format))
                    })) />
                <Show when=v5>
                    <div class="row-fields">
                        <NumberField label="Will delay" hint="s" max=u32::MAX as u64 value=num(|w| w.delay_interval) on_input=set_num(|w, v| w.delay_interval = v) />
                        <NumberField label="Message expiry" hint="s, 0: none" max=u32::MAX as u64 value=num(|w| w.message_expiry) on_input=set_num(|w, v| w.message_expiry = v) />
                        <TextField label="Content type" value=get(|w| w.content_type.clone()) on_input=set(|w, v| w.content_type = v) />
                        <TextField label="Response topic" value=get(|w| w.response_topic.clone()) on_input=set(|w, v| w.response_topic = v) />
                    </div>
                    <CheckField label="Payload is UTF-8 text (Payload Format Indicator)"
                        checked=Signal::derive(move || draft.with(|d| d.will.as_ref().is_some_and(|w| w.payload_is_utf8)))
                        on_change=Callback::new(move |b| draft.update(|d| d.will.iter_mut().for_each(|w| w.payload_is_utf8 = b))) />
                    <PairEditor label="Will user properties"
                        pairs=Signal::derive(move || draft.with(|d| d.will.as_ref().map(|w| w.user_properties.clone()).unwrap_or_default()))
                        on_change=Callback::new(move |p: Vec<(String, String)>| draft.update(|d| d.will.iter_mut().for_each(|w| w.user_properties = p.clone()))) />
                </Show>
            </Show>
        </fieldset>
    }
}
