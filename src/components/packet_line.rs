//! One packet in the log: time, direction, type, the rule it breaks if any, and size.
//!
//! A line is a slot that shows whichever packet its signal holds (see
//! [`crate::components::windowed_list`]): under a flood the log keeps its elements and
//! only their text changes.

use leptos::prelude::*;

use crate::clock;
use crate::model::message::{Direction, PacketRow};
use crate::model::payload::human_size;
use crate::model::time;

/// What a line shows of a packet, computed once per change.
#[derive(Clone, PartialEq)]
struct Shown {
    id: u64,
    time: String,
    arrow: &'static str,
    kind: &'static str,
    violation: String,
    size: String,
}

fn shown(p: &PacketRow) -> Shown {
    Shown {
        id: p.id,
        time: time::clock(p.at_ms, clock::utc_offset_minutes()),
        arrow: match p.direction {
            Direction::In => "← in",
            Direction::Out => "→ out",
        },
        kind: p.kind.name(),
        violation: p.violation.clone().unwrap_or_default(),
        size: human_size(p.bytes.len()),
    }
}

/// A packet line; a click selects the packet it shows.
#[component]
pub fn PacketLine(
    /// The packet.
    #[prop(into)]
    row: Signal<PacketRow>,
    /// The selected packet id.
    selected: RwSignal<Option<u64>>,
) -> impl IntoView {
    let s = Memo::new(move |_| row.with(shown));
    let field = move |f: fn(&Shown) -> String| move || s.with(f);
    view! {
        <li class="pkt" class:selected=move || selected.get() == Some(s.with(|s| s.id))
            class:violation=move || s.with(|s| !s.violation.is_empty())>
            <button class="pkt-btn" on:click=move |_| selected.set(Some(s.with_untracked(|s| s.id)))>
                <span class="mono">{field(|s| s.time.clone())}</span>
                <span class="pkt-dir">{move || s.with(|s| s.arrow)}</span>
                <span class="pkt-kind" data-testid="pkt-kind">{move || s.with(|s| s.kind)}</span>
                <span class="pkt-violation" title=field(|s| s.violation.clone())>{field(|s| s.violation.clone())}</span>
                <span class="muted">{field(|s| s.size.clone())}</span>
            </button>
        </li>
    }
}
