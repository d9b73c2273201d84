//! Where the inspector module (see [`crate::inspect`]) draws a packet or the hex pad: an
//! element of this page that the module mounts its view into once it has loaded, with what
//! the user sees meanwhile (loading, or why it failed).

use std::sync::atomic::{AtomicU32, Ordering};

use js_sys::Uint8Array;
use leptos::prelude::*;

use crate::inspect::loader::{self, Loaded};
use crate::model::message::PacketRow;
use crate::model::packet_feed::encode;
use mqttscope_proto::codec::ProtocolVersion;

/// What an inspector host shows.
#[derive(Clone, Debug, PartialEq)]
pub enum Inspect {
    /// A packet, read as one of this version.
    Packet(PacketRow, ProtocolVersion),
    /// The hex pad.
    HexPad,
}

/// A distinct id per host, by which the module keeps what it mounted.
fn next_id() -> u32 {
    static NEXT: AtomicU32 = AtomicU32::new(1);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

/// An element the inspector module draws `what` into, for as long as this host lives.
#[component]
pub fn InspectorHost(
    /// What to show.
    what: Inspect,
) -> impl IntoView {
    let id = next_id();
    let host = NodeRef::<leptos::html::Div>::new();
    let state = loader::state();
    let failed = RwSignal::new(None::<String>);
    let ready = state.clone();
    // Which packet the host was given, on the element: what the page's tests read.
    let (packet_id, packet_kind) = match &what {
        Inspect::Packet(row, _) => (Some(row.id.to_string()), Some(row.kind.name())),
        Inspect::HexPad => (None, None),
    };
    Effect::new(move |_| {
        let (true, Some(el)) = (ready.get() == Loaded::Ready, host.get()) else {
            return;
        };
        let shown = match &what {
            Inspect::Packet(row, version) => {
                let mut packet = Vec::new();
                encode(row, *version, &mut packet);
                let packet = Uint8Array::from(&packet[..]);
                loader::call("inspectPacket", &[id.into(), el.into(), packet.into()])
            }
            Inspect::HexPad => loader::call("inspectHexPad", &[id.into(), el.into()]),
        };
        failed.set(shown.err());
    });
    on_cleanup(move || {
        // Nothing to tell the user any more: the host is going away.
        let _ = loader::call("inspectClear", &[id.into()]);
    });
    let status = move || {
        // A module that did not load can be fetched again; a call that failed cannot.
        let (why, retry) = match state.get() {
            Loaded::Loading => {
                return Some(view! { <p class="muted" data-testid="inspector-loading">"Loading the inspector…"</p> }.into_any());
            }
            Loaded::Failed(why) => (why, true),
            Loaded::Ready => (failed.get()?, false),
        };
        let retry = retry.then(|| {
            view! { <button class="small" data-testid="inspector-retry" on:click=move |_| loader::retry()>"Retry"</button> }
        });
        Some(
            view! { <p class="banner" role="alert">"The inspector failed: " {why} " " {retry}</p> }
                .into_any(),
        )
    };
    view! {
        {status}
        <div class="inspector-host" data-packet=packet_id data-kind=packet_kind node_ref=host></div>
    }
}
