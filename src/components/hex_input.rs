//! The hex text area.

use leptos::prelude::*;

/// A labelled text area for hex; every edit calls `on_edit` with the whole text.
#[component]
pub fn HexInput(
    /// The text area's element id.
    id: String,
    /// The id of the element that describes an input error.
    error_id: String,
    /// The text shown.
    text: RwSignal<String>,
    /// True when the text is not valid hex.
    invalid: Signal<bool>,
    /// Called with the new text on every edit.
    on_edit: Callback<String>,
) -> impl IntoView {
    view! {
        <div class="control control-hex">
            <label for=id.clone()>
                "Bytes "
                <span class="hint">"(hex; spaces, commas, newlines and 0x are fine)"</span>
            </label>
            <textarea
                id=id
                class="hex-input"
                data-testid="hex-input"
                rows="6"
                spellcheck="false"
                autocomplete="off"
                autocapitalize="off"
                placeholder="30 0d 00 09 73 65 6e 73 6f 72 73 2f 31 6f 6e"
                aria-invalid=move || if invalid.get() { "true" } else { "false" }
                aria-describedby=error_id
                prop:value=move || text.get()
                on:input:target=move |ev| on_edit.run(ev.target().value())
            ></textarea>
        </div>
    }
}
