//! A reason code picker for one kind of refusal.

use leptos::prelude::*;
use mqttscope_proto::codec::PacketType;

use crate::pane::codes::failures;

/// A select over the failure codes `packet` may carry, bound to `code`.
#[component]
pub fn CodeSelect(
    /// The packet that will carry the code.
    packet: PacketType,
    /// The chosen code.
    code: RwSignal<u8>,
    /// The test id.
    test_id: &'static str,
) -> impl IntoView {
    let options = failures(packet)
        .into_iter()
        .map(|(c, name)| {
            let selected = move || code.get() == c;
            view! { <option value=c.to_string() selected=selected>{format!("0x{c:02X} {name}")}</option> }
        })
        .collect_view();
    view! {
        <select
            data-testid=test_id
            aria-label="Reason code"
            on:change=move |ev| {
                if let Ok(c) = event_target_value(&ev).parse() {
                    code.set(c);
                }
            }
        >
            {options}
        </select>
    }
}
