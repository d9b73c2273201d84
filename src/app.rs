//! The page layout: a top bar with the pages, then the client or the hex pad (drawn by the
//! inspector module, loaded when the pad is first shown).

use leptos::prelude::*;

use crate::components::client_page::ClientPage;
use crate::components::inspector_host::{Inspect, InspectorHost};
use crate::components::storage_notice::StorageNotice;
use crate::state::workspace::{provide_workspace, Page};

/// The whole app: the workspace store, a top bar, and the page it selects.
#[component]
pub fn App() -> impl IntoView {
    let ws = provide_workspace();
    let tab = move |page: Page, label: &'static str| {
        view! {
            <button
                class="page-tab"
                class:active=move || ws.page.get() == page
                aria-pressed=move || (ws.page.get() == page).to_string()
                on:click=move |_| ws.page.set(page)
            >
                {label}
            </button>
        }
    };
    view! {
        <header class="topbar">
            <span class="brand">
                <span class="brand-mark" aria-hidden="true"></span>
                "mqttscope"
            </span>
            <nav class="page-tabs" aria-label="Pages">
                {tab(Page::Client, "Client")}
                {tab(Page::HexPad, "Hex pad")}
            </nav>
            <span class="topbar-note">"MQTT 3.1, 3.1.1 and 5.0, byte by byte"</span>
        </header>
        <main class="main">
            <StorageNotice />
            <Show when=move || ws.page.get() == Page::Client fallback=|| view! { <InspectorHost what=Inspect::HexPad /> }>
                <ClientPage />
            </Show>
        </main>
    }
}
