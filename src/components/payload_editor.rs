//! The payload editor: text, JSON (validated; formatted on request), hex or base64; switching the
//! format converts the content, keeping the bytes. The publish form and the will use it.

use leptos::prelude::*;

use crate::model::payload::{self, PayloadFormat};

/// Edits a payload written as `text` in `format`.
#[component]
pub fn PayloadEditor(
    /// The label, also the name of the text box and of its format buttons.
    #[prop(default = "Payload")]
    label: &'static str,
    /// The payload as written.
    #[prop(into)]
    text: Signal<String>,
    /// How `text` is written.
    #[prop(into)]
    format: Signal<PayloadFormat>,
    /// Called with the new text and format on every edit; a new format comes with the
    /// text converted to it.
    on_change: Callback<(String, PayloadFormat)>,
    /// `data-testid` of the text box, for the tests.
    #[prop(optional)]
    test_id: &'static str,
) -> impl IntoView {
    let problem = RwSignal::new(None::<String>);
    let check = move || {
        let result = text.with(|t| payload::encode(t, format.get()));
        problem.set(result.as_ref().err().map(|e| e.to_string()));
        result.map(|b| b.len()).unwrap_or(0)
    };
    let size = Memo::new(move |_| check());
    let switch = move |to: PayloadFormat| {
        let from = format.get_untracked();
        match text.with_untracked(|t| payload::convert(t, from, to)) {
            Ok(converted) => on_change.run((converted, to)),
            Err(e) => problem.set(Some(format!("cannot show as {}: {e}", to.label()))),
        }
    };
    let format_json = move |_| match text.with_untracked(|t| payload::format_json(t)) {
        Ok(pretty) => on_change.run((pretty, PayloadFormat::Json)),
        Err(e) => problem.set(Some(e.to_string())),
    };
    let buttons = PayloadFormat::all().map(|f| {
        view! {
            <button type="button" class="seg" aria-pressed=move || (format.get() == f).to_string()
                on:click=move |_| switch(f)>{f.label()}</button>
        }
    });
    view! {
        <div class="payload-editor">
            <div class="payload-bar">
                <span class="field-label">{label}</span>
                <span class="segs" role="group" aria-label=format!("{label} format")>{buttons}</span>
                <Show when=move || format.get() == PayloadFormat::Json>
                    <button type="button" class="small" on:click=format_json>"Format"</button>
                </Show>
                <span class="muted">{move || payload::human_size(size.get())}</span>
            </div>
            <textarea data-testid=(!test_id.is_empty()).then_some(test_id) rows="4" spellcheck="false"
                aria-label=label aria-invalid=move || problem.with(Option::is_some).to_string()
                prop:value=move || text.get()
                on:input=move |ev| on_change.run((event_target_value(&ev), format.get_untracked()))></textarea>
            {move || problem.get().map(|p| view! { <p class="field-error">{p}</p> })}
        </div>
    }
}
