//! A QoS menu.

use leptos::prelude::*;
use mqttscope_proto::codec::QoS;

/// A select for QoS 0, 1 or 2.
#[component]
pub fn QosSelect(
    /// The label.
    #[prop(default = "QoS")]
    label: &'static str,
    /// The current QoS.
    #[prop(into)]
    value: Signal<QoS>,
    /// Called with the chosen QoS.
    on_change: Callback<QoS>,
    /// `data-testid` for the end-to-end tests.
    #[prop(optional)]
    test_id: &'static str,
) -> impl IntoView {
    let change = move |ev: web_sys::Event| {
        let q = event_target_value(&ev).parse().ok().and_then(QoS::from_u8);
        if let Some(q) = q {
            on_change.run(q);
        }
    };
    view! {
        <label class="field narrow">
            <span class="field-label">{label}</span>
            <select data-testid=(!test_id.is_empty()).then_some(test_id) on:change=change
                prop:value=move || (value.get() as u8).to_string()>
                <option value="0">"0 · at most once"</option>
                <option value="1">"1 · at least once"</option>
                <option value="2">"2 · exactly once"</option>
            </select>
        </label>
    }
}
