//! The connection's decoder rules, most specific filter first, each removable.

use leptos::prelude::*;

use crate::payload_view::use_frame;

/// The rules.
#[component]
pub fn RuleList() -> impl IntoView {
    let frame = use_frame();
    let rows = move || {
        frame.rules.with(|r| {
            r.list()
                .iter()
                .map(|rule| {
                    let filter = rule.filter.clone();
                    view! {
                        <li class="mono">
                            <span>{rule.filter.clone()}</span>" → "<span>{rule.decoder.clone()}</span>
                            <button class="small" on:click=move |_| frame.remove_rule(&filter)>"Remove"</button>
                        </li>
                    }
                })
                .collect_view()
        })
    };
    view! {
        <section class="rules" data-testid="rule-list">
            <h2>"Rules of this connection"</h2>
            <p class="muted">"The first filter that matches a topic chooses its decoder; more specific filters come first. Kept in this browser, by broker address."</p>
            <ul>{rows}</ul>
        </section>
    }
}
