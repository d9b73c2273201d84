//! The field tree: every field of every packet, in byte order.

use leptos::html::Div;
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Element, Event, HtmlElement, KeyboardEvent};

use crate::components::field_row::FieldRow;
use crate::hexpad::keys::step_row;
use crate::hexpad::model::{Analysis, Highlight, Hover};

/// The tree of fields, indented by nesting. Hovering or focusing a row highlights its
/// bytes; the arrow keys, Home and End move between rows (one tab stop for the tree).
/// When a byte is hovered, the tree scrolls to the first of its rows.
#[component]
pub fn FieldTree(
    /// The current analysis.
    analysis: Memo<Analysis>,
    /// What is highlighted.
    highlight: Memo<Highlight>,
    /// The hover state, set from the rows.
    hover: RwSignal<Hover>,
) -> impl IntoView {
    let rows = Memo::new(move |_| analysis.with(|a| a.tree_rows()));
    let active = RwSignal::new(0usize);
    let tree = NodeRef::<Div>::new();
    let target = move |ev: &Event| {
        let k = row_index(ev)?;
        rows.with(|r| r.get(k).map(|row| (k, row.target)))
    };
    let on_over = move |ev: web_sys::MouseEvent| {
        if let Some((_, t)) = target(&ev) {
            hover.set(t);
        }
    };
    let on_focus = move |ev: web_sys::FocusEvent| {
        if let Some((k, t)) = target(&ev) {
            active.set(k);
            hover.set(t);
        }
    };
    let on_key = move |ev: KeyboardEvent| {
        let len = rows.with(Vec::len);
        let Some(to) = row_index(&ev).and_then(|k| step_row(&ev.key(), k, len)) else {
            return;
        };
        ev.prevent_default();
        if let Some(row) = tree.get().and_then(|t| row_element(&t, to)) {
            let _ = row.focus();
        }
    };
    Effect::new(move |_| {
        if matches!(hover.get(), Hover::Byte(_)) {
            let first = highlight.with(|h| h.rows.first().copied());
            let k = rows.with(|r| r.iter().position(|row| Some(row.target) == first));
            if let (Some(tree), Some(k)) = (tree.get(), k) {
                scroll_into_tree(&tree, k);
            }
        }
    });

    let row_views = move || {
        rows.with(|rs| {
            let last = rs.len().saturating_sub(1);
            rs.iter()
                .enumerate()
                .map(|(k, row)| {
                    let target = row.target;
                    let lit = Signal::derive(move || highlight.with(|h| h.has_row(target)));
                    let tab_stop = Signal::derive(move || active.get().min(last) == k);
                    view! { <FieldRow row=row.clone() index=k lit tab_stop /> }
                })
                .collect_view()
        })
    };
    view! {
        <div class="tree-head" aria-hidden="true">
            <span>"Bytes"</span>
            <span>"Field"</span>
            <span>"Value"</span>
            <span>"Path"</span>
            <span>"Spec"</span>
        </div>
        <div
            class="tree"
            role="tree"
            aria-label="Packet fields"
            data-testid="field-tree"
            node_ref=tree
            on:mouseover=on_over
            on:mouseleave=move |_| hover.set(Hover::None)
            on:focusin=on_focus
            on:focusout=move |_| hover.set(Hover::None)
            on:keydown=on_key
        >
            {row_views}
            <Show when=move || rows.with(Vec::is_empty)>
                <p class="empty">"No packet yet: paste some hex or pick an example."</p>
            </Show>
        </div>
    }
}

/// The index of the row an event happened in.
fn row_index(ev: &Event) -> Option<usize> {
    let el: Element = ev.target()?.dyn_into().ok()?;
    let row = el.closest("[data-row]").ok()??;
    row.get_attribute("data-row")?.parse().ok()
}

/// The row element at `index`.
fn row_element(tree: &Element, index: usize) -> Option<HtmlElement> {
    let selector = format!("[data-row=\"{index}\"]");
    tree.query_selector(&selector).ok()??.dyn_into().ok()
}

/// Scrolls the tree (only the tree, never the page) so that row `index` shows.
fn scroll_into_tree(tree: &HtmlElement, index: usize) {
    let Some(row) = row_element(tree, index) else {
        return;
    };
    let (top, bottom) = (row.offset_top(), row.offset_top() + row.offset_height());
    let (view_top, height) = (tree.scroll_top(), tree.client_height());
    if top < view_top {
        tree.set_scroll_top(top);
    } else if bottom > view_top + height {
        tree.set_scroll_top(bottom - height);
    }
}
