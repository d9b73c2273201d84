//! One message in the stream: time, direction, topic, QoS, flags, size and a preview.
//!
//! A line is a slot that shows whichever message its signal holds: under a flood the
//! list keeps its elements and only their text changes, instead of building a hundred
//! new rows ten times a second.

use leptos::prelude::*;

use crate::clock;
use crate::model::message::{Direction, MessageRow};
use crate::model::payload::{human_size, preview};
use crate::model::time;
use crate::model::visible::visible;

/// How many characters of the payload the line shows.
const PREVIEW: usize = 120;

/// What a line shows of a message, computed once per change.
#[derive(Clone, PartialEq)]
struct Shown {
    id: u64,
    time: String,
    arrow: &'static str,
    direction: &'static str,
    topic: String,
    flags: String,
    size: String,
    preview: String,
    colour: String,
}

fn shown(row: &MessageRow, colour: Option<u8>) -> Shown {
    let p = preview(&row.payload, PREVIEW);
    let mut flags = format!("QoS {}", row.qos as u8);
    if row.retain {
        flags.push_str(" · retained");
    }
    Shown {
        id: row.id,
        time: time::clock(row.at_ms, clock::utc_offset_minutes()),
        arrow: match row.direction {
            Direction::In => "↓",
            Direction::Out => "↑",
        },
        direction: row.direction.label(),
        topic: visible(&row.topic).into_owned(),
        flags,
        size: human_size(row.payload.len()),
        preview: if p.truncated { p.text + "…" } else { p.text },
        colour: colour.map_or("msg c-none".to_owned(), |c| format!("msg c{}", c % 8)),
    }
}

/// A message line; a click selects the message it shows.
#[component]
pub fn MessageLine(
    /// The message and its subscription's colour, if it matched one.
    #[prop(into)]
    row: Signal<(MessageRow, Option<u8>)>,
    /// The selected message id.
    selected: RwSignal<Option<u64>>,
    /// Called with the id when the line is chosen.
    on_select: Callback<u64>,
) -> impl IntoView {
    let s = Memo::new(move |_| row.with(|(r, c)| shown(r, *c)));
    let field = move |f: fn(&Shown) -> String| move || s.with(f);
    view! {
        <li class=field(|s| s.colour.clone()) class:selected=move || selected.get() == Some(s.with(|s| s.id))>
            <button class="msg-btn" on:click=move |_| on_select.run(s.with_untracked(|s| s.id))>
                <span class="msg-time mono">{field(|s| s.time.clone())}</span>
                <span class="msg-dir" title=move || s.with(|s| s.direction)>{move || s.with(|s| s.arrow)}</span>
                <span class="msg-topic mono" data-testid="msg-topic" title=field(|s| s.topic.clone())>{field(|s| s.topic.clone())}</span>
                <span class="msg-flags muted">{field(|s| s.flags.clone())}</span>
                <span class="msg-size muted">{field(|s| s.size.clone())}</span>
                <span class="msg-preview mono" data-testid="msg-payload">{field(|s| s.preview.clone())}</span>
            </button>
        </li>
    }
}
