//! The example picker: a select of example packets, grouped by protocol version.

use leptos::prelude::*;

use crate::hexpad::examples::{examples, Group};

/// A labelled select listing every example; choosing one calls `on_pick` with its id.
#[component]
pub fn ExamplePicker(
    /// The select's element id.
    id: String,
    /// The id of the chosen example; empty after the text was edited by hand.
    selected: RwSignal<String>,
    /// Called with the chosen example's id.
    on_pick: Callback<String>,
) -> impl IntoView {
    let all = examples();
    let groups = Group::ALL.map(|group| {
        let options = all
            .iter()
            .filter(|e| e.group == group)
            .map(|e| view! { <option value=e.id>{e.title}</option> })
            .collect_view();
        view! { <optgroup label=group.label()>{options}</optgroup> }
    });
    view! {
        <div class="control control-example">
            <label for=id.clone()>"Example"</label>
            <select
                id=id
                data-testid="example-picker"
                prop:value=move || selected.get()
                on:change:target=move |ev| on_pick.run(ev.target().value())
            >
                <option value="">"Your own bytes"</option>
                {groups.into_iter().collect_view()}
            </select>
        </div>
    }
}
