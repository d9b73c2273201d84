//! The topics seen, as a tree with message counts, last values and retained markers; a
//! row flashes when a message arrives, and selecting a topic shows its history.

use std::collections::HashSet;

use leptos::prelude::*;

use crate::components::topic_history::TopicHistory;
use crate::components::topic_line::TopicLine;
use crate::components::windowed_list::{HeldScroll, WindowedList};
use crate::model::topic_tree::{TreeRow, MAX_LEVELS, MAX_TOPIC_BYTES};
use crate::model::viewport;
use crate::state::connection::Conn;

/// The rows of the tree in the list's window, and the counts around them.
#[derive(Clone, PartialEq)]
struct TreeWindow {
    rows: Vec<TreeRow>,
    first: usize,
    /// The rows of the expanded tree.
    visible: usize,
    /// The nodes of the whole tree.
    topics: usize,
    overflow: u64,
    cut_deep: u64,
    cut_long: u64,
}

impl TreeWindow {
    /// "12 topics", and what the tree's limits left out or cut.
    fn counts(&self) -> String {
        let mut s = format!("{} topics", self.topics);
        let notes = [
            (
                self.overflow,
                "on topics past the tree's limit (not in the tree)".to_owned(),
            ),
            (
                self.cut_deep,
                format!("on topics deeper than {MAX_LEVELS} levels (the rest joined in the last)"),
            ),
            (
                self.cut_long,
                format!("on topics longer than {MAX_TOPIC_BYTES} bytes (cut there)"),
            ),
        ];
        for (n, what) in notes.into_iter().filter(|(n, _)| *n > 0) {
            s.push_str(&format!(" · {n} messages {what}"));
        }
        s
    }
}

/// The topic tree of `conn`.
#[component]
pub fn TopicTreeView(
    /// The connection.
    conn: Conn,
) -> impl IntoView {
    let expanded = RwSignal::new(HashSet::<String>::new());
    let selected = RwSignal::new(None::<String>);
    // The tree does not hold while scrolled: only its scroll position is used.
    let scroll = HeldScroll::new().scroll;
    // The rows in the window, and where the window starts among all the visible rows.
    let rows = Memo::new(move |_| {
        let (top, height) = scroll.get();
        let window = viewport::window(top, height);
        expanded.with(|e| {
            conn.with_data(|d| {
                let (rows, visible) = d.tree.rows_in(e, window.clone());
                TreeWindow {
                    rows,
                    first: window.start.min(visible),
                    visible,
                    topics: d.tree.len(),
                    overflow: d.tree.overflow(),
                    cut_deep: d.tree.cut_deep(),
                    cut_long: d.tree.cut_long(),
                }
            })
        })
    });
    let toggle = Callback::new(move |path: String| {
        expanded.update(|e| {
            if !e.remove(&path) {
                e.insert(path.clone());
            }
        });
        selected.set(Some(path));
    });
    let shape = Signal::derive(move || rows.with(|w| (w.first, w.rows.len(), w.visible)));
    let draw = move |k: usize| {
        let row = Signal::derive(move || rows.with(|w| w.rows.get(k).cloned().unwrap_or_default()));
        view! { <TopicLine row selected on_toggle=toggle /> }
    };
    let history = move || {
        selected
            .get()
            .map(|path| view! { <TopicHistory conn path /> })
    };
    view! {
        <div class="topics">
            <p class="counts muted" data-testid="topic-counts">{move || rows.with(TreeWindow::counts)}</p>
            <div class="topic-split">
                <WindowedList class="topic-tree" test_id="topic-tree" scroll shape draw />
                {history}
            </div>
        </div>
    }
}
