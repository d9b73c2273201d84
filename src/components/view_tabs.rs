//! The tabs over a connection's traffic views (and, for a sandbox connection, the
//! broker's side).

use leptos::prelude::*;

use crate::state::workspace::{use_workspace, Tab};

/// The tabs over the traffic views.
#[component]
pub fn ViewTabs() -> impl IntoView {
    let ws = use_workspace();
    let tab = move |t: Tab, label: &'static str, test_id: &'static str| {
        view! {
            <button
                role="tab"
                class="view-tab"
                data-testid=test_id
                aria-selected=move || (ws.shown_tab() == t).to_string()
                on:click=move |_| ws.tab.set(t)
            >
                {label}
            </button>
        }
    };
    view! {
        <div class="view-tabs" role="tablist">
            {tab(Tab::Messages, "Messages", "tab-messages")}
            {tab(Tab::Topics, "Topics", "tab-topics")}
            {tab(Tab::Packets, "Packets", "tab-packets")}
            <Show when=move || ws.has_tab(Tab::Broker)>
                {tab(Tab::Broker, "Broker", "tab-broker")}
            </Show>
        </div>
    }
}
