//! The enhanced authentication menu of the connect form.

use leptos::prelude::*;

use crate::state::settings::{AuthMethod, ConnectionSettings};

/// The enhanced authentication menu (MQTT 5).
#[component]
pub fn AuthSelect(
    /// The settings being edited.
    draft: RwSignal<ConnectionSettings>,
) -> impl IntoView {
    let change = move |ev: web_sys::Event| {
        let m = AuthMethod::from_label(&event_target_value(&ev));
        draft.update(|d| d.auth_method = m);
    };
    view! {
        <label class="field narrow">
            <span class="field-label">"Authentication"</span>
            <select on:change=change prop:value=move || draft.with(|d| d.auth_method.label())>
                {AuthMethod::ALL.map(|m| view! { <option value=m.label()>{m.label()}</option> })}
            </select>
        </label>
    }
}
