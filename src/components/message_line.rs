//! One message in the stream: time, direction, topic, QoS, flags, size and a preview.

use leptos::prelude::*;

use crate::driver::clock;
use crate::model::message::{Direction, MessageRow};
use crate::model::payload::{human_size, preview};
use crate::model::time;

/// How many characters of the payload the line shows.
const PREVIEW: usize = 120;

/// A message line; a click selects it.
#[component]
pub fn MessageLine(
    /// The message.
    row: MessageRow,
    /// Its subscription's colour, if it matched one.
    colour: Option<u8>,
    /// The selected message id.
    selected: RwSignal<Option<u64>>,
    /// Called with the id when the line is chosen.
    on_select: Callback<u64>,
) -> impl IntoView {
    let id = row.id;
    let p = preview(&row.payload, PREVIEW);
    let arrow = match row.direction {
        Direction::In => "↓",
        Direction::Out => "↑",
    };
    let colour = colour.map_or("c-none".to_owned(), |c| format!("c{}", c % 8));
    let mut flags = format!("QoS {}", row.qos as u8);
    if row.retain {
        flags.push_str(" · retained");
    }
    view! {
        <li class=format!("msg {colour}") class:selected=move || selected.get() == Some(id)>
            <button class="msg-btn" on:click=move |_| on_select.run(id)>
                <span class="msg-time mono">{time::clock(row.at_ms, clock::utc_offset_minutes())}</span>
                <span class="msg-dir" title=row.direction.label()>{arrow}</span>
                <span class="msg-topic mono" data-testid="msg-topic">{row.topic.to_string()}</span>
                <span class="msg-flags muted">{flags}</span>
                <span class="msg-size muted">{human_size(row.payload.len())}</span>
                <span class="msg-preview mono" data-testid="msg-payload">{p.text}{p.truncated.then_some("…")}</span>
            </button>
        </li>
    }
}
