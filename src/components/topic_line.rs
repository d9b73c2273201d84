//! One row of the topic tree: expander, name, retained marker, counts and last value. It
//! flashes when a message arrives on its topic or below.
//!
//! A line is a slot that shows whichever row its signal holds (see
//! [`crate::components::windowed_list`]): scrolling or a new topic moves rows between
//! slots without a flash; a new message restarts the flash by switching between two
//! animation classes with the same keyframes.

use leptos::prelude::*;

use crate::model::topic_tree::TreeRow;
use crate::model::visible::visible;

/// What a line shows of a row, computed once per change.
#[derive(Clone, PartialEq)]
struct Shown {
    path: String,
    marker: &'static str,
    name: String,
    expanded: Option<&'static str>,
    retained: bool,
    count: String,
    last: String,
    indent: String,
}

fn shown(r: &TreeRow) -> Shown {
    let marker = match (r.has_children, r.expanded) {
        (false, _) => "·",
        (true, true) => "▾",
        (true, false) => "▸",
    };
    Shown {
        path: r.path.clone(),
        marker,
        name: if r.name.is_empty() {
            "(empty)".to_owned()
        } else {
            visible(&r.name).into_owned()
        },
        expanded: r
            .has_children
            .then_some(if r.expanded { "true" } else { "false" }),
        retained: r.retained,
        count: if r.has_children {
            format!("{} ({})", r.count, r.total)
        } else {
            r.count.to_string()
        },
        last: r
            .preview
            .as_ref()
            .map(|p| p.text.clone())
            .unwrap_or_default(),
        indent: format!("{}px", 8 + r.depth * 16),
    }
}

/// A topic row; a click selects it and opens or closes it.
#[component]
pub fn TopicLine(
    /// The row.
    #[prop(into)]
    row: Signal<TreeRow>,
    /// The selected topic.
    selected: RwSignal<Option<String>>,
    /// Called with the path when the row is chosen.
    on_toggle: Callback<String>,
) -> impl IntoView {
    let s = Memo::new(move |_| row.with(shown));
    // (path, total, which of the two flash classes): the class switches when a message
    // arrives on the same path, which restarts the animation.
    let flash = Memo::new(move |prev: Option<&(String, u64, bool)>| {
        row.with(|r| {
            let odd = match prev {
                Some((path, total, odd)) => *odd != (*path == r.path && *total != r.total),
                None => false,
            };
            (r.path.clone(), r.total, odd)
        })
    });
    let field = move |f: fn(&Shown) -> String| move || s.with(f);
    view! {
        <li class="topic-row" class:flash=move || !flash.with(|f| f.2) class:flash-again=move || flash.with(|f| f.2)
            class:selected=move || s.with(|s| selected.with(|p| p.as_deref() == Some(s.path.as_str())))>
            <button class="topic-btn" style:padding-left=field(|s| s.indent.clone())
                aria-expanded=move || s.with(|s| s.expanded)
                on:click=move |_| on_toggle.run(s.with_untracked(|s| s.path.clone()))>
                <span class="topic-marker" aria-hidden="true">{move || s.with(|s| s.marker)}</span>
                <span class="topic-name mono" data-testid="topic-name">{field(|s| s.name.clone())}</span>
                <span class="badge" title="retained" prop:hidden=move || !s.with(|s| s.retained)>"R"</span>
                <span class="topic-count muted">{field(|s| s.count.clone())}</span>
                <span class="topic-last mono muted">{field(|s| s.last.clone())}</span>
            </button>
        </li>
    }
}
