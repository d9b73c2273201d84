//! A labelled whole-number input with a range.

use leptos::prelude::*;

/// A number input for `0..=max`; an entry outside the range is shown as invalid and not
/// reported.
#[component]
pub fn NumberField(
    /// The label.
    label: &'static str,
    /// The current value.
    #[prop(into)]
    value: Signal<u64>,
    /// The largest value allowed.
    max: u64,
    /// Called with each valid new value.
    on_input: Callback<u64>,
    /// A hint after the label (units).
    #[prop(optional)]
    hint: &'static str,
) -> impl IntoView {
    let invalid = RwSignal::new(false);
    let on_edit = move |ev: web_sys::Event| {
        let text = event_target_value(&ev);
        match text.trim().parse::<u64>() {
            Ok(n) if n <= max => {
                invalid.set(false);
                on_input.run(n);
            }
            _ => invalid.set(true),
        }
    };
    view! {
        <label class="field">
            <span class="field-label">{label} <span class="muted">{hint}</span></span>
            <input
                type="number"
                inputmode="numeric"
                min="0"
                max=max.to_string()
                aria-invalid=move || invalid.get().to_string()
                prop:value=move || value.get().to_string()
                on:input=on_edit
            />
            <Show when=move || invalid.get()>
                <span class="field-error">{format!("a whole number from 0 to {max}")}</span>
            </Show>
        </label>
    }
}
