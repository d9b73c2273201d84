//! The payload editor: text, JSON (validated, formatted), hex or base64; switching the
//! format converts the content, keeping the bytes.

use leptos::prelude::*;

use crate::model::payload::{self, PayloadFormat};
use crate::state::publish::PublishDraft;

/// Edits `draft.payload` in `draft.format`.
#[component]
pub fn PayloadEditor(
    /// The publish form's content.
    draft: RwSignal<PublishDraft>,
) -> impl IntoView {
    let problem = RwSignal::new(None::<String>);
    let check = move || {
        let (text, format) = draft.with(|d| (d.payload.clone(), d.format));
        let result = payload::encode(&text, format);
        problem.set(result.as_ref().err().map(|e| e.to_string()));
        result.map(|b| b.len()).unwrap_or(0)
    };
    let size = Memo::new(move |_| check());
    let switch = move |to: PayloadFormat| {
        let (text, from) = draft.with_untracked(|d| (d.payload.clone(), d.format));
        match payload::convert(&text, from, to) {
            Ok(converted) => draft.update(|d| {
                d.payload = converted;
                d.format = to;
            }),
            Err(e) => problem.set(Some(format!("cannot show as {}: {e}", to.label()))),
        }
    };
    let format_json = move |_| {
        let text = draft.with_untracked(|d| d.payload.clone());
        match payload::format_json(&text) {
            Ok(pretty) => draft.update(|d| d.payload = pretty),
            Err(e) => problem.set(Some(e.to_string())),
        }
    };
    let buttons = PayloadFormat::all().map(|f| {
        view! {
            <button type="button" class="seg" aria-pressed=move || (draft.with(|d| d.format) == f).to_string()
                on:click=move |_| switch(f)>{f.label()}</button>
        }
    });
    view! {
        <div class="payload-editor">
            <div class="payload-bar">
                <span class="field-label">"Payload"</span>
                <span class="segs" role="group" aria-label="Payload format">{buttons}</span>
                <Show when=move || draft.with(|d| d.format == PayloadFormat::Json)>
                    <button type="button" class="small" on:click=format_json>"Format"</button>
                </Show>
                <span class="muted">{move || payload::human_size(size.get())}</span>
            </div>
            <textarea data-testid="pub-payload" rows="4" spellcheck="false" aria-label="Payload"
                aria-invalid=move || problem.with(Option::is_some).to_string()
                prop:value=move || draft.with(|d| d.payload.clone())
                on:input=move |ev| draft.update(|d| d.payload = event_target_value(&ev))></textarea>
            {move || problem.get().map(|p| view! { <p class="field-error">{p}</p> })}
        </div>
    }
}
