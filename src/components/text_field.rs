//! A labelled text input.

use leptos::prelude::*;

/// A text input with its label; reports every edit.
#[component]
pub fn TextField(
    /// The label.
    label: &'static str,
    /// The current value.
    #[prop(into)]
    value: Signal<String>,
    /// Called with the new value on every edit.
    on_input: Callback<String>,
    /// The input type (`text`, `password`, `url`).
    #[prop(default = "text")]
    kind: &'static str,
    /// Placeholder text.
    #[prop(optional)]
    placeholder: &'static str,
    /// `data-testid` for the end-to-end tests.
    #[prop(optional)]
    test_id: &'static str,
    /// Extra class for the wrapper (e.g. `wide`).
    #[prop(optional)]
    class: &'static str,
) -> impl IntoView {
    view! {
        <label class=format!("field {class}")>
            <span class="field-label">{label}</span>
            <input
                type=kind
                placeholder=placeholder
                data-testid=(!test_id.is_empty()).then_some(test_id)
                autocomplete="off"
                spellcheck="false"
                prop:value=move || value.get()
                on:input=move |ev| on_input.run(event_target_value(&ev))
            />
        </label>
    }
}
