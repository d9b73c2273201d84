//! The topics seen, as a tree with message counts, last values and retained markers; a
//! row flashes when a message arrives, and selecting a topic shows its history.

use std::collections::HashSet;

use leptos::prelude::*;

use crate::components::message_line::MessageLine;
use crate::model::topic_tree::TreeRow;
use crate::state::connection::Conn;

/// How many messages of the selected topic are listed.
const HISTORY: usize = 100;

/// Whether `topic` is `path` or below it.
fn in_subtree(topic: &str, path: &str) -> bool {
    topic
        .strip_prefix(path)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

/// The topic tree of `conn`.
#[component]
pub fn TopicTreeView(
    /// The connection.
    conn: Conn,
) -> impl IntoView {
    let expanded = RwSignal::new(HashSet::<String>::new());
    let selected = RwSignal::new(None::<String>);
    let picked = RwSignal::new(None::<u64>);
    let rows = Memo::new(move |_| {
        conn.tick.track();
        expanded.with(|e| {
            conn.data
                .with_value(|d| (d.tree.rows(e), d.tree.len(), d.tree.overflow()))
        })
    });
    let toggle = move |path: String| {
        expanded.update(|e| {
            if !e.remove(&path) {
                e.insert(path.clone());
            }
        });
        selected.set(Some(path));
    };
    let line = move |r: TreeRow| {
        let path = r.path.clone();
        let is_selected = {
            let p = path.clone();
            move || selected.with(|s| s.as_deref() == Some(p.as_str()))
        };
        let marker = if r.has_children {
            if r.expanded {
                "▾"
            } else {
                "▸"
            }
        } else {
            "·"
        };
        view! {
            <li class="topic-row flash" class:selected=is_selected>
                <button class="topic-btn" style:padding-left=format!("{}px", 8 + r.depth * 16) aria-expanded=r.has_children.then(|| r.expanded.to_string()) on:click=move |_| toggle(path.clone())>
                    <span class="topic-marker" aria-hidden="true">{marker}</span>
                    <span class="topic-name mono" data-testid="topic-name">{if r.name.is_empty() { "(empty)".to_owned() } else { r.name.clone() }}</span>
                    {r.retained.then(|| view! { <span class="badge" title="retained">"R"</span> })}
                    <span class="topic-count muted">{if r.has_children { format!("{} ({})", r.count, r.total) } else { r.count.to_string() }}</span>
                    <span class="topic-last mono muted">{r.preview.map(|p| p.text)}</span>
                </button>
            </li>
        }
    };
    let history = move || {
        let path = selected.get()?;
        conn.tick.track();
        let msgs: Vec<_> = conn.data.with_value(|d| {
            d.messages
                .iter()
                .rev()
                .filter(|m| in_subtree(&m.topic, &path))
                .take(HISTORY)
                .cloned()
                .collect()
        });
        Some(view! {
            <section class="panel topic-history" aria-label="Topic history">
                <h3 class="mono">{path.clone()}</h3>
                <p class="muted">{format!("The newest {} messages on this topic and below, in the history", msgs.len())}</p>
                <ol class="message-list">
                    {msgs.into_iter().map(|row| view! { <MessageLine row=Signal::stored((row, None)) selected=picked on_select=Callback::new(move |id| picked.set(Some(id))) /> }).collect_view()}
                </ol>
            </section>
        })
    };
    view! {
        <div class="topics">
            <p class="counts muted">{move || rows.with(|(_, n, over)| {
                let mut s = format!("{n} topics");
                if *over > 0 { s.push_str(&format!(" · {over} messages on topics past the tree's limit")); }
                s
            })}</p>
            <div class="topic-split">
                <ul class="topic-tree" data-testid="topic-tree">
                    <For each=move || rows.get().0 key=|r| (r.path.clone(), r.total, r.expanded, r.retained) children=line />
                </ul>
                {history}
            </div>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::in_subtree;

    #[test]
    fn a_topic_is_in_its_own_subtree_and_its_parents_only() {
        assert!(in_subtree("a/b", "a/b"));
        assert!(in_subtree("a/b/c", "a/b"));
        assert!(!in_subtree("a/bc", "a/b"));
        assert!(!in_subtree("a", "a/b"));
    }
}
