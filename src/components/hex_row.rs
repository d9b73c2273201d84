//! One row of the hex view.

use leptos::prelude::*;

use crate::hexpad::rows::{HexCell, HexLine};

/// Sixteen bytes: the offset, the bytes in hex, the same bytes as ASCII. Each byte
/// carries its offset in `data-i`, which the hex view reads to know what is hovered.
#[component]
pub fn HexRow(
    /// The row to draw.
    line: HexLine,
    /// Per cell: is it highlighted.
    lit: Vec<ArcRwSignal<bool>>,
    /// Per cell: is the keyboard cursor on it.
    cursor: Vec<ArcRwSignal<bool>>,
) -> impl IntoView {
    let cells = |column: &'static str, text: fn(&HexCell) -> String| {
        line.cells
            .iter()
            .zip(lit.iter().zip(&cursor))
            .map(|(c, (lit, cursor))| cell(c, text(c), column, lit.clone(), cursor.clone()))
            .collect_view()
    };
    let hex = cells("b", |c| c.hex.clone());
    let ascii = cells("a", |c| c.ascii.to_string());
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
    lit: ArcRwSignal<bool>,
    cursor: ArcRwSignal<bool>,
) -> impl IntoView {
    view! {
        <span
            class=format!("{column} {}", c.class)
            class:lit=move || lit.get()
            class:cursor=move || cursor.get()
            data-i=c.offset
        >
            {text}
        </span>
    }
}
