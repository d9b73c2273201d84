//! The subscriptions of a connection and the form that adds one.

use leptos::prelude::*;

use crate::components::check_field::CheckField;
use crate::components::qos_select::QosSelect;
use crate::components::subscription_row::SubscriptionRow;
use crate::state::actions;
use crate::state::connection::{Conn, SubscriptionEntry};

/// The subscription list and the add form.
#[component]
pub fn SubscriptionPanel(
    /// The connection.
    conn: Conn,
) -> impl IntoView {
    let draft = RwSignal::new(SubscriptionEntry::new(""));
    let error = RwSignal::new(None::<String>);
    let v5 = move || conn.settings.with(|s| s.version.is_v5());
    let add = move |ev: web_sys::SubmitEvent| {
        ev.prevent_default();
        let mut entry = draft.get_untracked();
        entry.colour = conn.subscriptions.with_untracked(|s| (s.len() % 8) as u8);
        match actions::subscribe(conn, entry) {
            Ok(()) => {
                error.set(None);
                draft.update(|d| d.filter.clear());
            }
            Err(e) => error.set(Some(e)),
        }
    };
    let set_flag = move |f: fn(&mut SubscriptionEntry, bool)| {
        Callback::new(move |b| draft.update(|d| f(d, b)))
    };
    view! {
        <section class="panel subs" aria-label="Subscriptions">
            <h2>"Subscriptions"</h2>
            <ul class="sub-list" data-testid="subscriptions">
                <For each=move || conn.subscriptions.get() key=|s| (s.id, s.status, s.colour, s.alias.clone()) let:sub>
                    <SubscriptionRow conn sub />
                </For>
            </ul>
            <form class="sub-form" on:submit=add>
                <div class="row-fields">
                    <label class="field wide">
                        <span class="field-label">"Topic filter"</span>
                        <input data-testid="sub-filter" placeholder="sensors/+/temperature" spellcheck="false"
                            prop:value=move || draft.with(|d| d.filter.clone())
                            on:input=move |ev| draft.update(|d| d.filter = event_target_value(&ev)) />
                    </label>
                    <QosSelect value=Signal::derive(move || draft.with(|d| d.qos))
                        on_change=Callback::new(move |q| draft.update(|d| d.qos = q)) test_id="sub-qos" />
                    <button type="submit" class="primary" data-testid="subscribe">"Subscribe"</button>
                </div>
                <Show when=v5>
                    <div class="row-fields">
                        <CheckField label="No local" checked=Signal::derive(move || draft.with(|d| d.no_local)) on_change=set_flag(|d, b| d.no_local = b) />
                        <CheckField label="Retain as published" checked=Signal::derive(move || draft.with(|d| d.retain_as_published)) on_change=set_flag(|d, b| d.retain_as_published = b) />
                        <label class="field narrow">
                            <span class="field-label">"Retain handling"</span>
                            <select on:change=move |ev| draft.update(|d| d.retain_handling = event_target_value(&ev).parse().unwrap_or(0))>
                                <option value="0">"0 · send on subscribe"</option>
                                <option value="1">"1 · only if new"</option>
                                <option value="2">"2 · never"</option>
                            </select>
                        </label>
                        <label class="field narrow">
                            <span class="field-label">"Subscription id"</span>
                            <input type="number" min="1" max="268435455" placeholder="none"
                                on:input=move |ev| draft.update(|d| d.identifier = event_target_value(&ev).parse().ok().filter(|&n| (1..=268_435_455).contains(&n))) />
                        </label>
                    </div>
                </Show>
                <label class="field">
                    <span class="field-label">"Alias (optional)"</span>
                    <input prop:value=move || draft.with(|d| d.alias.clone())
                        on:input=move |ev| draft.update(|d| d.alias = event_target_value(&ev)) />
                </label>
                {move || error.get().map(|e| view! { <p class="form-error" role="alert">{e}</p> })}
            </form>
        </section>
    }
}
