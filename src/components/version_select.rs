//! The protocol version menu of the connect form.

use leptos::prelude::*;
use mqttscope_proto::codec::ProtocolVersion;

use crate::state::settings::ConnectionSettings;

/// The protocol version menu.
#[component]
pub fn VersionSelect(
    /// The settings being edited.
    draft: RwSignal<ConnectionSettings>,
) -> impl IntoView {
    let change = move |ev: web_sys::Event| {
        let level = event_target_value(&ev).parse().ok();
        if let Some(v) = level.and_then(ProtocolVersion::from_level) {
            draft.update(|d| d.version = v);
        }
    };
    view! {
        <label class="field narrow">
            <span class="field-label">"MQTT version"</span>
            <select data-testid="version" on:change=change
                prop:value=move || (draft.with(|d| d.version) as u8).to_string()>
                <option value="3">"3.1"</option>
                <option value="4">"3.1.1"</option>
                <option value="5">"5.0"</option>
            </select>
        </label>
    }
}
