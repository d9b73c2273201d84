//! The hex view: offsets, bytes and ASCII, sixteen bytes a row.

mod range_flags;

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Element, Event, KeyboardEvent, MouseEvent};

use crate::components::hex_row::HexRow;
use crate::hexpad::keys::{move_cursor, CursorKey};
use crate::hexpad::model::{Analysis, Highlight, Hover};
use crate::hexpad::rows::{cell_count, HexLine};
use range_flags::RangeFlags;

/// The bytes, coloured by the part of the packet they belong to, the malformed byte in
/// the error style. Hovering a byte highlights its fields; the view is one tab stop in
/// which the arrow keys, Home and End move a cursor from byte to byte. A status line
/// (announced to screen readers) describes the byte or field under the pointer, focus or
/// cursor.
#[component]
pub fn HexView(
    /// The current analysis.
    analysis: Memo<Analysis>,
    /// What is highlighted.
    highlight: Memo<Highlight>,
    /// The hover state, set from the bytes.
    hover: RwSignal<Hover>,
) -> impl IntoView {
    let lines = Memo::new(move |_| analysis.with(|a| a.hex_lines()));
    let cursor = Signal::derive(move || match hover.get() {
        Hover::Byte(b) => Some(b),
        _ => None,
    });
    let on_over = move |ev: MouseEvent| {
        if let Some(i) = byte_index(&ev) {
            hover.set(Hover::Byte(i));
        }
    };
    let on_key = move |ev: KeyboardEvent| {
        let Some(key) = CursorKey::from_key(&ev.key()) else {
            return;
        };
        ev.prevent_default();
        let len = lines.with(|ls| cell_count(ls));
        if let Some(to) = move_cursor(cursor.get_untracked(), key, len) {
            hover.set(Hover::Byte(to));
        }
    };
    let status = move || {
        let hover = hover.get();
        analysis
            .with(|a| a.describe(hover))
            .unwrap_or_else(|| "Point at a byte or a field, or use the arrow keys here.".to_owned())
    };
    // One flag per byte for "lit" and one for "cursor", rebuilt with the rows; the effect
    // below moves them as the hover moves.
    let lit = StoredValue::new(RangeFlags::default());
    let cursor_at = StoredValue::new(RangeFlags::default());
    let rows = move || lines.with(|ls| draw_lines(ls, lit, cursor_at));
    Effect::new(move |_| {
        lines.track();
        let bytes = highlight.with(|h| h.bytes.clone());
        let at = cursor.get().map_or(0..0, |b| b..b + 1);
        lit.update_value(|f| f.show(bytes));
        cursor_at.update_value(|f| f.show(at));
    });
    view! {
        <div class="hexview-wrap">
            {head()}
            <div
                class="hexview"
                tabindex="0"
                role="group"
                aria-label="Bytes. Arrow keys move between bytes."
                data-testid="hex-view"
                on:mouseover=on_over
                on:mouseleave=move |_| hover.set(Hover::None)
                on:keydown=on_key
                on:blur=move |_| hover.set(Hover::None)
            >
                {rows}
                <Show when=move || lines.with(Vec::is_empty)>
                    <p class="empty">"No bytes."</p>
                </Show>
            </div>
            <p class="hex-status" aria-live="polite" data-testid="hex-status">{status}</p>
            {legend()}
        </div>
    }
}

/// The rows, with fresh highlight and cursor flags for their bytes (stored for the
/// effect that moves them).
fn draw_lines(
    lines: &[HexLine],
    lit: StoredValue<RangeFlags>,
    cursor_at: StoredValue<RangeFlags>,
) -> impl IntoView {
    let len = cell_count(lines);
    let (lit_flags, cursor_flags) = (RangeFlags::new(len), RangeFlags::new(len));
    let views = lines
        .iter()
        .map(|line| {
            let cells = line.start..line.start + line.cells.len();
            let lit = lit_flags.flags(cells.clone());
            let cursor = cursor_flags.flags(cells);
            view! { <HexRow line=line.clone() lit cursor /> }
        })
        .collect_view();
    lit.set_value(lit_flags);
    cursor_at.set_value(cursor_flags);
    views
}

/// The column headings: byte positions within a row, and "ASCII".
fn head() -> impl IntoView {
    let positions = (0..16)
        .map(|i| view! { <span class="b">{format!("{i:02x}")}</span> })
        .collect_view();
    view! {
        <div class="hex-head" aria-hidden="true">
            <span class="hex-off"></span>
            <span class="hex-bytes">{positions}</span>
            <span class="hex-ascii">"ASCII"</span>
        </div>
    }
}

/// What the byte colours mean.
fn legend() -> impl IntoView {
    view! {
        <p class="legend" aria-label="Colours">
            <span class="lg-header">"Fixed header"</span>
            <span class="lg-body">"Other fields"</span>
            <span class="lg-props">"Properties"</span>
            <span class="lg-payload">"Payload"</span>
            <span class="lg-error">"Malformed byte"</span>
        </p>
    }
}

/// The offset of the byte an event happened on.
fn byte_index(ev: &Event) -> Option<usize> {
    let el: Element = ev.target()?.dyn_into().ok()?;
    let cell = el.closest("[data-i]").ok()??;
    cell.get_attribute("data-i")?.parse().ok()
}
