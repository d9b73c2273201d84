//! The tree flattened into the rows a view draws.

use std::collections::HashSet;
use std::ops::Range;

use super::{levels, Node, TopicTree};
use crate::model::payload::{preview, Preview};

/// The length of the last-value preview in [`TreeRow::preview`].
pub const PREVIEW_CHARS: usize = 80;

/// One visible row of the tree view.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TreeRow {
    /// Nesting depth: 0 for top-level nodes.
    pub depth: usize,
    /// The level's name.
    pub name: String,
    /// The node's path (its key).
    pub path: String,
    /// Messages on exactly this topic.
    pub count: u64,
    /// Messages on this topic and below.
    pub total: u64,
    /// True when the node has children (draw an expander).
    pub has_children: bool,
    /// True when the node is expanded (its children follow).
    pub expanded: bool,
    /// The broker holds a retained message here.
    pub retained: bool,
    /// When the last message on exactly this topic came.
    pub last_at: Option<f64>,
    /// A one-line preview of that message's payload.
    pub preview: Option<Preview>,
}

impl TopicTree {
    /// The paths of the nodes above `path`, outermost first: what to expand to reveal
    /// it (`a/b/c` gives `a`, `a/b`).
    pub fn ancestors(path: &str) -> Vec<String> {
        let mut out = Vec::new();
        let mut end = 0;
        for (i, level) in levels(path).enumerate() {
            if i > 0 {
                out.extend(path.get(..end).map(str::to_string));
                end += 1;
            }
            end += level.len();
        }
        out
    }

    /// The visible rows, depth first: top-level nodes always, and the children of every
    /// node whose path is in `expanded`.
    pub fn rows(&self, expanded: &HashSet<String>) -> Vec<TreeRow> {
        self.rows_in(expanded, 0..usize::MAX).0
    }

    /// The visible rows `window` of [`TopicTree::rows`], and how many visible rows there
    /// are: the tree view draws a screenful, so only those rows are built, however many
    /// topics are open.
    pub fn rows_in(
        &self,
        expanded: &HashSet<String>,
        window: Range<usize>,
    ) -> (Vec<TreeRow>, usize) {
        let mut rows = Vec::new();
        let mut visible = 0;
        // Nodes keep their own level only: the path is built on the way down, in one
        // buffer cut back to the parent's path (its length is on the stack).
        let mut path = String::new();
        let mut stack: Vec<(usize, &Node, usize)> = self
            .root
            .children
            .values()
            .rev()
            .map(|n| (0, n, 0))
            .collect();
        while let Some((depth, n, parent)) = stack.pop() {
            path.truncate(parent);
            if depth > 0 {
                path.push('/');
            }
            path.push_str(&n.name);
            let open = !n.children.is_empty() && expanded.contains(&path);
            if window.contains(&visible) {
                rows.push(tree_row(n, &path, depth, open));
            }
            visible += 1;
            if open {
                let len = path.len();
                stack.extend(n.children.values().rev().map(|c| (depth + 1, c, len)));
            }
        }
        (rows, visible)
    }
}

fn tree_row(n: &Node, path: &str, depth: usize, expanded: bool) -> TreeRow {
    TreeRow {
        depth,
        name: n.name.clone(),
        path: path.to_owned(),
        count: n.count,
        total: n.total,
        has_children: !n.children.is_empty(),
        expanded,
        retained: n.retained,
        last_at: n.last_at,
        preview: n.last_value.as_ref().map(|(start, size)| {
            let mut p = preview(start, PREVIEW_CHARS);
            p.truncated |= start.len() < *size;
            p
        }),
    }
}

#[cfg(test)]
mod tests {

    use super::super::tests::{rc, tree};
    use super::super::MAX_LEVELS;
    use super::*;

    fn open(paths: &[&str]) -> HashSet<String> {
        paths.iter().map(|p| p.to_string()).collect()
    }

    fn names(rows: &[TreeRow]) -> Vec<(usize, &str)> {
        rows.iter().map(|r| (r.depth, r.path.as_str())).collect()
    }

    #[test]
    fn empty_levels_are_nodes() {
        let t = tree(&["a//b", "/a", "a/", ""]);
        assert_eq!(t.node("a//b").map(|n| n.count), Some(1));
        assert_eq!(
            t.node("a/").map(|n| (n.name.as_str(), n.count, n.total)),
            Some(("", 1, 2))
        );
        assert_eq!(t.node("/a").map(|n| n.name.as_str()), Some("a"));
        assert_eq!(t.node("").map(|n| (n.count, n.total)), Some((1, 2)));
        let rows = t.rows(&open(&["", "a", "a/"]));
        assert_eq!(
            names(&rows),
            [(0, ""), (1, "/a"), (0, "a"), (1, "a/"), (2, "a//b")]
        );
    }

    #[test]
    fn a_window_of_rows_is_the_same_rows_and_counts_them_all() {
        let t = tree(&["b/z", "b/a/1", "$SYS/broker/uptime", "A", "a"]);
        let e = open(&["b", "b/a"]);
        let all = t.rows(&e);
        assert_eq!(all.len(), 7);
        let (some, visible) = t.rows_in(&e, 2..5);
        assert_eq!((some.as_slice(), visible), (&all[2..5], 7));
        let (none, visible) = t.rows_in(&e, 9..20);
        assert!(none.is_empty());
        assert_eq!(visible, 7);
    }

    #[test]
    fn rows_show_expanded_nodes_only_sorted_by_name() {
        let t = tree(&["b/z", "b/a/1", "$SYS/broker/uptime", "A", "a"]);
        assert_eq!(
            names(&t.rows(&HashSet::new())),
            [(0, "$SYS"), (0, "A"), (0, "a"), (0, "b")]
        );
        let rows = t.rows(&open(&["b", "b/a", "$SYS/broker", "A"]));
        assert_eq!(
            names(&rows),
            [
                (0, "$SYS"),
                (0, "A"),
                (0, "a"),
                (0, "b"),
                (1, "b/a"),
                (2, "b/a/1"),
                (1, "b/z")
            ]
        );
        let b = rows.iter().find(|r| r.path == "b").unwrap();
        assert_eq!(
            (
                b.has_children,
                b.expanded,
                b.count,
                b.total,
                b.preview.is_none()
            ),
            (true, true, 0, 2, true)
        );
        let leaf = rows.iter().find(|r| r.path == "A").unwrap();
        assert_eq!((leaf.has_children, leaf.expanded), (false, false));
        assert_eq!(leaf.preview.as_ref().map(|p| p.text.as_str()), Some("v"));
    }

    #[test]
    fn deep_topics_stop_splitting() {
        let topic = "x/".repeat(40_000);
        let mut t = TopicTree::new();
        assert!(t.record(&topic, &rc(b"deep"), false, 0.0));
        assert_eq!(t.len(), MAX_LEVELS);
        let cut = &topic[..super::super::MAX_TOPIC_BYTES];
        let leaf = t.node(&topic).unwrap();
        assert_eq!(leaf.count, 1);
        assert!(leaf.name.contains('/'));
        let all: HashSet<String> = TopicTree::ancestors(cut).into_iter().collect();
        let rows = t.rows(&all);
        assert_eq!(rows.len(), MAX_LEVELS);
        assert_eq!(rows.last().map(|r| r.path.as_str()), Some(cut));
    }

    #[test]
    fn ancestors_list_the_paths_to_expand() {
        assert_eq!(TopicTree::ancestors("a/b/c"), ["a", "a/b"]);
        assert_eq!(TopicTree::ancestors("/a//b"), ["", "/a", "/a/"]);
        assert!(TopicTree::ancestors("a").is_empty());
        assert!(TopicTree::ancestors("").is_empty());
    }
}
