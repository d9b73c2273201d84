//! The payload's bytes, sixteen a row with offsets, lighting up the bytes of the value under
//! the pointer and marking the byte where decoding failed. At most [`SHOWN`] bytes are drawn.

use std::ops::Range;

use leptos::prelude::*;

use crate::payload_view::use_frame;

/// How many bytes are drawn; the rest are counted.
pub const SHOWN: usize = 8 << 10;

const WIDTH: usize = 16;

/// The bytes.
#[component]
pub fn PayloadBytes(
    /// The payload.
    bytes: Vec<u8>,
    /// The offset where decoding failed, if it did.
    bad: Signal<Option<usize>>,
) -> impl IntoView {
    let frame = use_frame();
    let total = bytes.len();
    let shown = &bytes[..total.min(SHOWN)];
    let rows = shown
        .chunks(WIDTH)
        .enumerate()
        .map(|(i, chunk)| row(i * WIDTH, chunk.to_vec(), frame.lit, bad))
        .collect_view();
    let more = (total > SHOWN).then(
        || view! { <p class="muted">{format!("and {} more bytes, not drawn", total - SHOWN)}</p> },
    );
    view! {
        <div class="bytes-col mono" data-testid="payload-bytes" aria-label="The payload's bytes">
            {rows}
            {more}
        </div>
    }
}

/// One row: its offset, then each byte, lit when inside the lit range.
fn row(
    at: usize,
    chunk: Vec<u8>,
    lit: RwSignal<Option<Range<usize>>>,
    bad: Signal<Option<usize>>,
) -> impl IntoView {
    let cells = chunk
        .into_iter()
        .enumerate()
        .map(|(k, b)| {
            let i = at + k;
            let on = move || lit.with(|l| l.as_ref().is_some_and(|r| r.contains(&i)));
            let wrong = move || bad.get() == Some(i);
            view! { <span class="byte" class:lit=on class:bad=wrong>{format!("{b:02x}")}</span> }
        })
        .collect_view();
    view! { <div class="byte-row"><span class="offset">{format!("{at:06x}")}</span>{cells}</div> }
}
