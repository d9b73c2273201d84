//! The MQTT 5 CONNECT properties of the connect form.

use leptos::prelude::*;

use crate::components::check_field::CheckField;
use crate::components::number_field::NumberField;
use crate::components::pair_editor::PairEditor;
use crate::state::settings::{
    alias_policy_from_name, alias_policy_name, ConnectionSettings, ALIAS_POLICIES,
};

/// The MQTT 5 CONNECT properties, and whether our publishes use Topic Aliases.
#[component]
pub fn V5Settings(
    /// The settings being edited.
    draft: RwSignal<ConnectionSettings>,
) -> impl IntoView {
    let (expiry, set_expiry) = number!(draft.session_expiry: u32);
    let (recv_max, set_recv_max) = number!(draft.receive_maximum: u16);
    let (alias_max, set_alias_max) = number!(draft.topic_alias_maximum: u16);
    let (resp_info, set_resp_info) = flag!(draft.request_response_information);
    let (problem_info, set_problem_info) = flag!(draft.request_problem_information);
    let set_aliases = move |ev: web_sys::Event| {
        let policy = alias_policy_from_name(&event_target_value(&ev));
        draft.update(|d| d.topic_alias = policy);
    };
    view! {
        <fieldset class="group">
            <legend>"MQTT 5 properties"</legend>
            <div class="row-fields">
                <NumberField label="Session expiry" hint="s" max=u32::MAX as u64 value=expiry on_input=set_expiry />
                <NumberField label="Receive maximum" hint="0: default" max=65535 value=recv_max on_input=set_recv_max />
                <NumberField label="Topic alias maximum" hint="from the broker" max=65535 value=alias_max on_input=set_alias_max />
            </div>
            <label class="field wide">
                <span class="field-label">"Topic aliases for what we publish"</span>
                <select data-testid="topic-alias-policy" on:change=set_aliases
                    prop:value=move || draft.with(|d| alias_policy_name(d.topic_alias))>
                    {ALIAS_POLICIES.map(|(_, name, text)| view! { <option value=name>{text}</option> })}
                </select>
            </label>
            <div class="row-fields">
                <CheckField label="Request response information" checked=resp_info on_change=set_resp_info />
                <CheckField label="Request problem information" checked=problem_info on_change=set_problem_info />
            </div>
            <PairEditor label="User properties"
                pairs=Signal::derive(move || draft.with(|d| d.user_properties.clone()))
                on_change=Callback::new(move |p| draft.update(|d| d.user_properties = p)) />
        </fieldset>
    }
}
