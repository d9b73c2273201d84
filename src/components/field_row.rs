//! One row of the field tree.

use leptos::prelude::*;
use leptos::tachys::html::attribute::custom::custom_attribute;
use leptos::tachys::view::add_attr::AddAnyAttr;

use crate::hexpad::rows::{RowKind, TreeRow};

/// The deepest nesting the style sheet indents for.
const MAX_LEVEL: usize = 8;

/// A tree item showing where a field is (bytes), what it is (label, path), what it says
/// (value, and the bits of a bit field) and where the specification defines it.
/// Everything is text: strings from the packet never become markup.
#[component]
pub fn FieldRow(
    /// The row to draw.
    row: TreeRow,
    /// Its position in the tree, for keyboard navigation.
    index: usize,
    /// True while its bytes are highlighted.
    lit: Signal<bool>,
    /// True for the one row that takes the tree's tab stop.
    tab_stop: Signal<bool>,
) -> impl IntoView {
    let kind = match row.kind {
        RowKind::Packet => "row row-packet",
        RowKind::Field => "row row-field",
        RowKind::Error => "row row-error",
    };
    let class = format!("{kind} lvl-{}", row.level.min(MAX_LEVEL));
    let bits = row.bits.map(|b| view! { <code class="bits">{b}</code> });
    let (label_title, value_title, path_title) =
        (row.label.clone(), row.value.clone(), row.path.clone());
    view! {
        <div
            role="treeitem"
            class=class
            class:lit=move || lit.get()
            tabindex=move || if tab_stop.get() { "0" } else { "-1" }
            data-row=index
            data-testid="field-row"
        >
            <span class="cell-span">{row.span}</span>
            <span class="cell-label" title=label_title>{row.label}</span>
            <span class="cell-value" title=value_title>
                {bits}
                <span class="value-text">{row.value}</span>
            </span>
            <span class="cell-path" title=path_title>{row.path}</span>
            <span class="cell-ref">{row.reference}</span>
        </div>
    }
    // tachys has no `aria-level` attribute of its own.
    .add_any_attr(custom_attribute("aria-level", row.level.to_string()))
}
