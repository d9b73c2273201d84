//! The hex pad: paste bytes or pick an example, see every byte's field.

use std::sync::atomic::{AtomicUsize, Ordering};

use leptos::prelude::*;
use mqttscope_proto::codec::ProtocolVersion;

use crate::components::error_banner::ErrorBanner;
use crate::components::example_picker::ExamplePicker;
use crate::components::field_tree::FieldTree;
use crate::components::hex_input::HexInput;
use crate::components::hex_view::HexView;
use crate::components::version_picker::VersionPicker;
use crate::hexpad::examples;
use crate::hexpad::model::{Analysis, Hover};
use crate::hexpad::parse::format_hex;

/// The example shown when the page opens.
const FIRST_EXAMPLE: &str = "v5-publish-qos1";

/// A prefix for element ids that is unique per pad, so that two pads on one page (as in
/// the browser tests) keep their labels apart.
fn next_id_prefix() -> String {
    static NEXT: AtomicUsize = AtomicUsize::new(1);
    format!("hexpad{}", NEXT.fetch_add(1, Ordering::Relaxed))
}

/// The hex pad page: the input (an example picker, the protocol version, a hex text
/// area, errors), then the field tree beside the hex view. Hovering or focusing a field
/// highlights its bytes; hovering a byte highlights its fields.
#[component]
pub fn HexPad() -> impl IntoView {
    let ids = next_id_prefix();
    let first = examples::find(FIRST_EXAMPLE);
    let text = RwSignal::new(
        first
            .as_ref()
            .map(|e| format_hex(&e.bytes))
            .unwrap_or_default(),
    );
    let version = RwSignal::new(first.as_ref().map_or(ProtocolVersion::V5, |e| e.version));
    let example = RwSignal::new(FIRST_EXAMPLE.to_owned());
    let hover = RwSignal::new(Hover::None);
    let analysis = Memo::new(move |_| text.with(|t| Analysis::new(t, version.get())));
    let highlight = Memo::new(move |_| analysis.with(|a| a.highlight(hover.get())));

    let on_pick = Callback::new(move |id: String| {
        if let Some(e) = examples::find(&id) {
            text.set(format_hex(&e.bytes));
            version.set(e.version);
            hover.set(Hover::None);
        }
        example.set(id);
    });
    let on_edit = Callback::new(move |value: String| {
        text.set(value);
        example.set(String::new());
        hover.set(Hover::None);
    });
    let error_id = format!("{ids}-error");

    view! {
        <div class="hexpad">
            <section class="pad-input" aria-label="Input">
                <div class="pad-title">
                    <h1>"Hex pad"</h1>
                    <p class="lede">
                        "Paste the bytes of MQTT packets or pick an example. Every byte is mapped to the field it encodes and the section of the specification that defines it."
                    </p>
                </div>
                <div class="controls">
                    <ExamplePicker id=format!("{ids}-example") selected=example on_pick />
                    <VersionPicker name=format!("{ids}-version") version />
                </div>
                <HexInput
                    id=format!("{ids}-hex")
                    error_id=error_id.clone()
                    text
                    invalid=Signal::derive(move || analysis.with(|a| a.input_error.is_some()))
                    on_edit
                />
                <ErrorBanner id=error_id analysis hover />
                <HexView analysis highlight hover />
            </section>
            <section class="pad-tree" aria-label="Fields">
                <FieldTree analysis highlight hover />
            </section>
        </div>
    }
}
