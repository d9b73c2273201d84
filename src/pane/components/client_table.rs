//! The connected clients, one row each, with the reason code the "Disconnect" buttons
//! use.

use leptos::prelude::*;
use mqttscope_proto::codec::PacketType;

use crate::pane::components::client_row::ClientRow;
use crate::pane::components::code_select::CodeSelect;
use crate::pane::use_pane;

/// The client table.
#[component]
pub fn ClientTable() -> impl IntoView {
    let pane = use_pane();
    let conns = Memo::new(move |_| {
        pane.with(|d| d.state.clients.iter().map(|c| c.conn).collect::<Vec<_>>())
    });
    let reason = RwSignal::new(0x98u8);
    view! {
        <section class="panel clients" aria-label="Connected clients">
            <h2>"Connected clients"</h2>
            <p class="muted">
                "Disconnect with "
                <CodeSelect packet=PacketType::Disconnect code=reason test_id="disconnect-code" />
                " (an MQTT 3 client just has its connection closed)."
            </p>
            <table class="client-table" data-testid="clients">
                <thead>
                    <tr>
                        <th>"Client"</th>
                        <th>"Version"</th>
                        <th title="Keep alive, seconds">"Keep alive"</th>
                        <th title="Session Expiry Interval">"Session"</th>
                        <th title="QoS 1/2 in flight towards it / its Receive Maximum; queued">"In flight"</th>
                        <th>"Subscriptions and aliases"</th>
                        <th>"Faults"</th>
                    </tr>
                </thead>
                <tbody>
                    <For each=move || conns.get() key=|c| *c let:conn>
                        <ClientRow conn reason />
                    </For>
                </tbody>
            </table>
        </section>
    }
}
