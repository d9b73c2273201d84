//! The protocol version switch.

use leptos::prelude::*;
use mqttscope_proto::codec::ProtocolVersion;

/// The versions offered, newest first.
const VERSIONS: [ProtocolVersion; 3] = [
    ProtocolVersion::V5,
    ProtocolVersion::V3_1_1,
    ProtocolVersion::V3_1,
];

/// A radio group (a segmented control) choosing the version the bytes are read in.
#[component]
pub fn VersionPicker(
    /// The radio group's name, unique on the page.
    name: String,
    /// The chosen version.
    version: RwSignal<ProtocolVersion>,
) -> impl IntoView {
    let radios = VERSIONS.map(|v| {
        view! {
            <label class="segment">
                <input
                    type="radio"
                    name=name.clone()
                    value=v.to_string()
                    data-testid=format!("version-{v}")
                    prop:checked=move || version.get() == v
                    on:change=move |_| version.set(v)
                />
                <span>{v.to_string()}</span>
            </label>
        }
    });
    view! {
        <fieldset class="control control-version">
            <legend>"Protocol version"</legend>
            <div class="segments">{radios.into_iter().collect_view()}</div>
        </fieldset>
    }
}
