//! A labelled checkbox.

use leptos::prelude::*;

/// A checkbox with its label.
#[component]
pub fn CheckField(
    /// The label.
    label: &'static str,
    /// Whether it is ticked.
    #[prop(into)]
    checked: Signal<bool>,
    /// Called with the new state.
    on_change: Callback<bool>,
    /// `data-testid` for the end-to-end tests.
    #[prop(optional)]
    test_id: &'static str,
) -> impl IntoView {
    view! {
        <label class="check">
            <input
                type="checkbox"
                data-testid=(!test_id.is_empty()).then_some(test_id)
                prop:checked=move || checked.get()
                on:change=move |ev| on_change.run(event_target_checked(&ev))
            />
            <span>{label}</span>
        </label>
    }
}
