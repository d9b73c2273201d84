//! The simulated devices: connected or not, and a pause switch each.

use leptos::prelude::*;
use mqttscope_sandbox::monitor::Command;

use crate::pane::use_pane;

/// The devices.
#[component]
pub fn DeviceList() -> impl IntoView {
    let pane = use_pane();
    let devices = Memo::new(move |_| pane.with(|d| d.state.devices.clone()));
    let rows = move || {
        devices
            .get()
            .into_iter()
            .map(|dev| {
                let id = dev.client_id.clone();
                let shown = dev.client_id.clone();
                let status = match dev.conn {
                    Some(c) => format!(" connected (#{c})"),
                    None => " not connected".to_owned(),
                };
                view! {
                    <li data-testid="device" data-client=dev.client_id>
                        <label class="check">
                            <input
                                type="checkbox"
                                data-testid="pause"
                                prop:checked=dev.paused
                                on:change=move |ev| pane.send(Command::Pause { device: id.clone(), on: event_target_checked(&ev) })
                            />
                            <span>"Pause " <code>{shown}</code></span>
                        </label>
                        <span class="muted">{status}</span>
                    </li>
                }
            })
            .collect_view()
    };
    view! {
        <section class="panel" aria-label="Devices">
            <h2>"Devices"</h2>
            <ul class="plain">{rows}</ul>
        </section>
    }
}
