//! Every control packet of a connection, both ways, with time, direction, type and size,
//! in one scrolling list over the whole history (a [`WindowedList`]); the selected one
//! is shown byte by byte by the inspector module ([`InspectorHost`]).
//!
//! Scrolling away from the top holds the log at the newest packet shown, so that the
//! rows being read do not slide away under a flood; back at the top, it is live again.

use leptos::prelude::*;

use crate::components::inspector_host::{Inspect, InspectorHost};
use crate::components::packet_line::PacketLine;
use crate::components::windowed_list::{shape_of, slot_row, HeldScroll, WindowedList};
use crate::model::listing::{counts, list, Hold};
use crate::model::message::PacketRow;
use crate::state::connection::Conn;

/// The packet log of `conn`, newest first.
#[component]
pub fn PacketLog(
    /// The connection.
    conn: Conn,
) -> impl IntoView {
    let selected = RwSignal::new(None::<u64>);
    let hide_publish = RwSignal::new(false);
    let held = HeldScroll::new();
    let listing = Memo::new(move |_| {
        let keep = |p: &PacketRow| !is_publish_flow(p);
        let keep = hide_publish
            .get()
            .then_some(&keep as &dyn Fn(&PacketRow) -> bool);
        let (held_at, window) = (held.held_at.get(), held.window());
        conn.with_data(|d| list(d.packets.iter(), keep, held_at, window, d.packets.evicted()))
    });
    let (scroll, on_away) = (held.scroll, held.on_away(listing));
    // The selected packet, looked up in the whole history: it stays shown while newer
    // packets arrive, and the detail is drawn again only if it changes.
    let selected_row = Memo::new(move |_| {
        let id = selected.get()?;
        conn.with_data(|d| d.packets.iter().rev().find(|p| p.id == id).cloned())
    });
    // A memo: editing another setting does not draw the detail again.
    let version = Memo::new(move |_| conn.settings.with(|s| s.version));
    let detail = move || {
        let version = version.get();
        selected_row
            .get()
            .map(|row| view! { <InspectorHost what=Inspect::Packet(row, version) /> })
    };
    let shape = shape_of(listing);
    let draw = move |k: usize| {
        let row = Signal::derive(move || slot_row(listing, k, PacketRow::blank));
        view! { <PacketLine row selected /> }
    };
    let hold = move || held.held_at.get().map(|_| Hold::Scrolled);
    view! {
        <div class="packets">
            <div class="toolbar">
                <label class="check">
                    <input type="checkbox" on:change=move |ev| hide_publish.set(event_target_checked(&ev)) />
                    <span>"Hide PUBLISH and its acknowledgements"</span>
                </label>
                <span class="counts muted" data-testid="packet-counts">
                    {move || counts(&listing.get(), hold(), ("packet", "packets"))}
                </span>
            </div>
            <div class="pkt-split">
                <WindowedList class="pkt-list" test_id="packets" scroll shape on_away draw />
                <div class="pkt-detail">{detail}</div>
            </div>
        </div>
    }
}

/// PUBLISH and its acknowledgements, which "Hide PUBLISH" leaves out.
pub fn is_publish_flow(p: &PacketRow) -> bool {
    p.kind.is_publish_flow()
}
