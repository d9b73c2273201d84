//! One row of the hex view.

use leptos::prelude::*;

use crate::hexpad::model::{HexCell, HexLine, Highlight};

/// Sixteen bytes: the offset, the bytes in hex, the same bytes as ASCII. Each byte
/// carries its offset in `data-i`, which the hex view reads to know what is hovered.
#[component]
pub fn HexRow(
    /// The row to draw.
    line: HexLine,
    /// What is highlighted.
    highlight: Memo<Highlight>,
    /// The keyboard cursor's offset, if any.
    cursor: Signal<Option<usize>>,
) -> impl IntoView {
    let hex = line
        .cells
        .iter()
        .map(|c| cell(c, c.hex.clone(), "b", highlight, cursor))
        .collect_view();
    let ascii = line
        .cells
        .iter()
        .map(|c| cell(c, c.ascii.to_string(), "a", highlight, cursor))
        .collect_view();
    view! {
        <div class="hex-row">
            <span class="hex-off">{line.start}</span>
            <span class="hex-bytes">{hex}</span>
            <span class="hex-ascii">{ascii}</span>
        </div>
    }
}

/// One byte, in the hex (`b`) or ASCII (`a`) column.
fn cell(
    c: &HexCell,
    text: String,
    column: &'static str,
    highlight: Memo<Highlight>,
    cursor: Signal<Option<usize>>,
) -> impl IntoView {
    let i = c.offset;
    view! {
        <span
            class=format!("{column} {}", c.class)
            class:lit=move || highlight.with(|h| h.has_byte(i))
            class:cursor=move || cursor.get() == Some(i)
            data-i=i
        >
            {text}
        </span>
    }
}
