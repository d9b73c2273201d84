//! The connection's `.proto` files: load them (several at once, so that imports resolve),
//! see what did not compile and where, remove them.

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::{spawn_local, JsFuture};
use web_sys::HtmlInputElement;

use crate::payload_view::use_frame;

/// The schema files.
#[component]
pub fn SchemaFiles() -> impl IntoView {
    let frame = use_frame();
    let on_files = move |ev: leptos::ev::Event| {
        let Some(input) = ev
            .target()
            .and_then(|t| t.dyn_into::<HtmlInputElement>().ok())
        else {
            return;
        };
        let Some(files) = input.files() else { return };
        for file in (0..files.length()).filter_map(|i| files.get(i)) {
            spawn_local(async move {
                let name = file.name();
                match JsFuture::from(file.text())
                    .await
                    .ok()
                    .and_then(|t| t.as_string())
                {
                    Some(text) => frame.add_schema(&name, &text),
                    None => frame
                        .notice
                        .set(Some(format!("{name} could not be read as text"))),
                }
            });
        }
    };
    let files = move || {
        frame.schemas.with(|s| {
            s.files()
                .iter()
                .map(|(name, _)| {
                    let n = name.clone();
                    view! { <li class="mono">{name.clone()}<button class="small" on:click=move |_| frame.remove_schema(&n)>"Remove"</button></li> }
                })
                .collect_view()
        })
    };
    let errors = move || {
        frame.schemas.with(|s| {
            s.errors()
                .iter()
                .map(|e| view! { <li class="field-error mono">{e.to_string()}</li> })
                .collect_view()
        })
    };
    let types = move || frame.schemas.with(|s| s.type_names().join(", "));
    view! {
        <section class="schemas" data-testid="schema-files">
            <h2>"Protobuf schemas"</h2>
            <label class="small">"Load .proto files "<input type="file" accept=".proto" multiple data-testid="schema-input" on:change=on_files /></label>
            <ul>{files}</ul>
            <ul data-testid="schema-errors">{errors}</ul>
            <p class="muted" data-testid="schema-types">"Message types: " {types}</p>
        </section>
    }
}
