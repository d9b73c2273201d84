//! The whole pane: a summary, the faults, the held packets, the clients, the retained
//! messages, offline sessions and devices, every packet, and the log.

use leptos::prelude::*;

use crate::pane::components::broker_packets::BrokerPackets;
use crate::pane::components::client_table::ClientTable;
use crate::pane::components::device_list::DeviceList;
use crate::pane::components::event_log::EventLog;
use crate::pane::components::fault_bar::FaultBar;
use crate::pane::components::held_list::HeldList;
use crate::pane::components::offline_sessions::OfflineSessions;
use crate::pane::components::retained_list::RetainedList;
use crate::pane::Pane;

/// The broker pane; it connects to the sandbox when mounted.
#[component]
pub fn BrokerPane() -> impl IntoView {
    let pane = Pane::new();
    provide_context(pane);
    pane.start();
    // Leaving: the sandbox stops building updates for this pane. Coming back from the
    // back-forward cache: the port is gone, so start afresh.
    let _ = window_event_listener(leptos::ev::pagehide, move |_| pane.stop());
    let _ = window_event_listener(leptos::ev::pageshow, |e| {
        if e.persisted() {
            let _ = window().location().reload();
        }
    });
    let summary = move || {
        pane.with(|d| {
            if !d.ready {
                return "Connecting to the sandbox…".to_owned();
            }
            let s = &d.state;
            format!(
                "{} clients connected · {} offline sessions · {} retained messages",
                s.clients.len(),
                s.offline.len(),
                s.retained.len()
            )
        })
    };
    let notice = move || pane.with(|d| d.notice.clone());
    // In the client page's frame, the pane offers a window of its own.
    let framed = || {
        window()
            .top()
            .ok()
            .flatten()
            .is_some_and(|top| top != window())
    };
    view! {
        <main class="broker-pane">
            <header class="pane-head">
                <h1>"Sandbox broker"</h1>
                <span class="muted" data-testid="pane-summary">{summary}</span>
                {framed().then(|| view! {
                    <a href="broker.html" target="_blank" rel="noopener">"Open in a window of its own"</a>
                })}
            </header>
            {move || notice().map(|n| view! {
                <p class="banner" role="alert" data-testid="pane-notice">
                    {n}
                    <button class="link" on:click=move |_| pane.update(|d| d.notice = None)>"Dismiss"</button>
                </p>
            })}
            <FaultBar />
            <HeldList />
            <ClientTable />
            <div class="pane-grid">
                <RetainedList />
                <OfflineSessions />
                <DeviceList />
            </div>
            <BrokerPackets />
            <EventLog />
        </main>
    }
}
