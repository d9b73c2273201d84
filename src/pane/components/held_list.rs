//! Step mode's queue: the packets held, oldest first, each with "Let through", and the
//! first one (or the one picked) byte by byte.

use leptos::prelude::*;
use mqttscope_sandbox::monitor::{Command, HeldView};

use crate::components::packet_detail::PacketDetail;
use crate::model::message::{Direction, PacketKind, PacketRow};
use crate::pane::model::PaneData;
use crate::pane::use_pane;

/// The held packets (shown while any are held or step mode is on).
#[component]
pub fn HeldList() -> impl IntoView {
    let pane = use_pane();
    let held = Memo::new(move |_| pane.with(|d| (d.state.held.clone(), d.state.held_total)));
    let picked = RwSignal::new(None::<u64>);
    let shown = move || pane.with(|d| d.state.faults.step) || !held.with(|h| h.0.is_empty());
    let rows = move || {
        let (list, _) = held.get();
        pane.data
            .with_value(|d| list.iter().map(|h| held_line(h, d, picked)).collect_view())
    };
    let detail = move || {
        let (list, _) = held.get();
        let id = picked.get();
        let h = list
            .iter()
            .find(|h| Some(h.id) == id)
            .or(list.first())?
            .clone();
        let bytes = h.bytes.clone()?;
        let version = pane.data.with_value(|d| d.version(h.conn));
        let row = PacketRow {
            id: h.id,
            direction: if h.to_broker {
                Direction::In
            } else {
                Direction::Out
            },
            at_ms: 0.0,
            kind: PacketKind::of_bytes(&bytes),
            bytes: bytes.into(),
            frame_ends: Vec::new(),
            violation: None,
        };
        Some(view! { <PacketDetail row version=Signal::stored(version) /> })
    };
    view! {
        <Show when=shown>
            <section class="panel held" aria-label="Held packets" data-testid="held">
                <h2>
                    "Held by step mode: "
                    <span data-testid="held-count">{move || held.with(|h| h.1)}</span>
                    <button data-testid="release-all" on:click=move |_| pane.send(Command::ReleaseAll)>"Let all through"</button>
                </h2>
                <ol class="held-list">{rows}</ol>
                <div class="held-detail">{detail}</div>
            </section>
        </Show>
    }
}

fn held_line(h: &HeldView, d: &PaneData, picked: RwSignal<Option<u64>>) -> impl IntoView {
    let pane = crate::pane::use_pane();
    let id = h.id;
    let who = d.label(h.conn);
    let what = match &h.bytes {
        Some(b) => format!("{} ({} bytes)", PacketKind::of_bytes(b).name(), b.len()),
        None => "the connection's close".to_owned(),
    };
    let way = if h.to_broker {
        format!("{who} → broker")
    } else {
        format!("broker → {who}")
    };
    view! {
        <li data-testid="held-packet">
            <button class="link" on:click=move |_| picked.set(Some(id))>{format!("{way}: {what}")}</button>
            <button data-testid="release" on:click=move |_| pane.send(Command::Release { id })>"Let through"</button>
        </li>
    }
}
