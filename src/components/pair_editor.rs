//! An editor for MQTT 5 user properties: ordered name/value pairs, duplicates allowed.

use leptos::prelude::*;

/// Rows of name/value inputs with add and remove buttons.
#[component]
pub fn PairEditor(
    /// The legend.
    label: &'static str,
    /// The pairs.
    #[prop(into)]
    pairs: Signal<Vec<(String, String)>>,
    /// Called with the edited pairs.
    on_change: Callback<Vec<(String, String)>>,
) -> impl IntoView {
    let edit = move |k: usize, name: bool, text: String| {
        let mut all = pairs.get_untracked();
        if let Some(pair) = all.get_mut(k) {
            if name {
                pair.0 = text;
            } else {
                pair.1 = text;
            }
        }
        on_change.run(all);
    };
    let remove = move |k: usize| {
        let mut all = pairs.get_untracked();
        if k < all.len() {
            all.remove(k);
        }
        on_change.run(all);
    };
    let add = move |_| {
        let mut all = pairs.get_untracked();
        all.push((String::new(), String::new()));
        on_change.run(all);
    };
    let rows = move || {
        (0..pairs.with(Vec::len))
            .map(|k| {
                let get = move |name: bool| {
                    pairs.with(|p| p.get(k).map(|(n, v)| if name { n.clone() } else { v.clone() }))
                };
                view! {
                    <div class="pair">
                        <input aria-label="name" placeholder="name" prop:value=move || get(true)
                            on:change=move |ev| edit(k, true, event_target_value(&ev)) />
                        <input aria-label="value" placeholder="value" prop:value=move || get(false)
                            on:change=move |ev| edit(k, false, event_target_value(&ev)) />
                        <button class="small" aria-label="remove" on:click=move |_| remove(k)>"×"</button>
                    </div>
                }
            })
            .collect_view()
    };
    view! {
        <fieldset class="pairs">
            <legend>{label}</legend>
            {rows}
            <button class="small" on:click=add>"+ property"</button>
        </fieldset>
    }
}
