//! The tree of topics seen, one node per topic level, with message counts, the last
//! value and whether the broker holds a retained message there.
//!
//! Levels are split at `/` exactly as MQTT does, so empty levels are nodes too: `a//b`
//! has an empty middle level, `/a` an empty first level and `a/` an empty last one (a
//! node's `name` is then `""`; the view decides how to show it). `$SYS` and other `$`
//! topics are ordinary top-level nodes. Children sort by name in byte order.
//!
//! The tree is bounded twice: by node count ([`DEFAULT_MAX_NODES`]; a message whose
//! topic would need more nodes is counted in [`TopicTree::overflow`] instead), and by
//! depth ([`MAX_LEVELS`]; deeper levels stay joined, slashes included, in the last node),
//! so that no walk over it, dropping it included, can exhaust the stack.

use std::collections::BTreeMap;
use std::sync::Arc;

mod rows;

pub use rows::{TreeRow, PREVIEW_CHARS};

/// The default most nodes a tree holds.
pub const DEFAULT_MAX_NODES: usize = 50_000;

/// The most levels a topic is split into; the rest of a deeper topic is the last level.
pub const MAX_LEVELS: usize = 64;

/// One topic level.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Node {
    /// The level's name (may be empty).
    pub name: String,
    /// The topic up to and including this level (the node's key for [`TopicTree::node`]
    /// and for the expanded set).
    pub path: String,
    /// Messages on exactly this topic.
    pub count: u64,
    /// Messages on this topic and every topic below it.
    pub total: u64,
    /// The last payload on exactly this topic.
    pub last_payload: Option<Arc<[u8]>>,
    /// When it came (ms since the Unix epoch).
    pub last_at: Option<f64>,
    /// The broker holds a retained message here: set by a retained message, cleared by
    /// a retained message with an empty payload (which deletes it at the broker).
    pub retained: bool,
    /// The levels below, by name.
    pub children: BTreeMap<String, Node>,
}

/// The topics seen on a connection.
#[derive(Debug, Clone, PartialEq)]
pub struct TopicTree {
    root: Node,
    nodes: usize,
    max_nodes: usize,
    overflow: u64,
}

impl Default for TopicTree {
    fn default() -> Self {
        TopicTree::new()
    }
}

/// The levels of `topic`, at most [`MAX_LEVELS`] of them.
fn levels(topic: &str) -> std::str::SplitN<'_, char> {
    topic.splitn(MAX_LEVELS, '/')
}

impl TopicTree {
    /// An empty tree holding at most [`DEFAULT_MAX_NODES`] nodes.
    pub fn new() -> Self {
        TopicTree::with_max_nodes(DEFAULT_MAX_NODES)
    }

    /// An empty tree holding at most `max_nodes` nodes.
    pub fn with_max_nodes(max_nodes: usize) -> Self {
        TopicTree {
            root: Node::default(),
            nodes: 0,
            max_nodes,
            overflow: 0,
        }
    }

    /// Counts a message on `topic`; returns false when the tree is full and the message
    /// went to [`TopicTree::overflow`] instead. `retained` is the message's RETAIN flag
    /// (see [`Node::retained`]).
    pub fn record(&mut self, topic: &str, payload: &Arc<[u8]>, retained: bool, at_ms: f64) -> bool {
        let missing = self.missing_nodes(topic);
        if self.nodes.saturating_add(missing) > self.max_nodes {
            self.overflow += 1;
            return false;
        }
        self.nodes += missing;
        self.root.total += 1;
        let mut node = &mut self.root;
        let mut end = 0;
        for (i, level) in levels(topic).enumerate() {
            end += level.len() + usize::from(i > 0);
            node = child(node, level, topic.get(..end).unwrap_or(topic));
            node.total += 1;
        }
        node.count += 1;
        node.last_payload = Some(Arc::clone(payload));
        node.last_at = Some(at_ms);
        if retained {
            node.retained = !payload.is_empty();
        }
        true
    }

    /// How many nodes `topic` needs that the tree does not have.
    fn missing_nodes(&self, topic: &str) -> usize {
        let mut node = Some(&self.root);
        let mut missing = 0;
        for level in levels(topic) {
            node = node.and_then(|n| n.children.get(level));
            missing += usize::from(node.is_none());
        }
        missing
    }

    /// The node for topic `path`, if any message reached it or below.
    pub fn node(&self, path: &str) -> Option<&Node> {
        levels(path).try_fold(&self.root, |n, level| n.children.get(level))
    }

    /// Messages recorded (not counting overflow).
    pub fn total(&self) -> u64 {
        self.root.total
    }

    /// Nodes held.
    pub fn len(&self) -> usize {
        self.nodes
    }

    /// True when no message was recorded.
    pub fn is_empty(&self) -> bool {
        self.nodes == 0
    }

    /// Messages not recorded because the tree was full.
    pub fn overflow(&self) -> u64 {
        self.overflow
    }

    /// The most nodes the tree holds.
    pub fn max_nodes(&self) -> usize {
        self.max_nodes
    }

    /// Forgets every topic and the overflow count.
    pub fn clear(&mut self) {
        *self = TopicTree::with_max_nodes(self.max_nodes);
    }
}

/// The child `level` of `node`, created (with `path`) if missing.
fn child<'n>(node: &'n mut Node, level: &str, path: &str) -> &'n mut Node {
    node.children
        .entry(level.to_string())
        .or_insert_with(|| Node {
            name: level.to_string(),
            path: path.to_string(),
            ..Node::default()
        })
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;

    /// A shared payload.
    pub(crate) fn rc(b: &[u8]) -> Arc<[u8]> {
        Arc::from(b)
    }

    /// A tree that saw one message on each of `topics`.
    pub(crate) fn tree(topics: &[&str]) -> TopicTree {
        let mut t = TopicTree::new();
        for (i, topic) in topics.iter().enumerate() {
            assert!(t.record(topic, &rc(b"v"), false, i as f64));
        }
        t
    }

    #[test]
    fn counts_own_messages_and_subtree_totals() {
        let t = tree(&["a/b", "a/b", "a/c", "a", "x"]);
        let (a, ab) = (t.node("a").unwrap(), t.node("a/b").unwrap());
        assert_eq!((a.count, a.total, a.name.as_str()), (1, 4, "a"));
        assert_eq!((ab.count, ab.total, ab.path.as_str()), (2, 2, "a/b"));
        assert_eq!(ab.last_at, Some(1.0));
        assert_eq!((t.total(), t.len(), t.is_empty()), (5, 4, false));
        assert!(t.node("a/d").is_none() && t.node("b").is_none());
    }

    #[test]
    fn retained_marker_follows_the_broker() {
        let mut t = TopicTree::new();
        t.record("r", &rc(b"on"), true, 0.0);
        assert!(t.node("r").unwrap().retained);
        t.record("r", &rc(b"live"), false, 1.0);
        assert!(
            t.node("r").unwrap().retained,
            "a live message leaves the retained one"
        );
        t.record("r", &rc(b""), true, 2.0);
        let r = t.node("r").unwrap();
        assert!(!r.retained, "an empty retained message deletes it");
        assert_eq!((r.count, r.last_payload.as_deref()), (3, Some(&b""[..])));
        t.record("new", &rc(b""), true, 3.0);
        assert!(!t.node("new").unwrap().retained);
    }

    #[test]
    fn a_full_tree_counts_overflow() {
        let mut t = TopicTree::with_max_nodes(3);
        let v = rc(b"");
        assert!(t.record("a/b", &v, false, 0.0));
        assert!(!t.record("c/d", &v, false, 0.0));
        assert!(t.record("c", &v, false, 0.0));
        assert!(t.record("a/b", &v, false, 0.0), "known topics still count");
        assert!(!t.record("a/b/c", &v, false, 0.0));
        assert_eq!(
            (t.len(), t.total(), t.overflow(), t.max_nodes()),
            (3, 3, 2, 3)
        );
        assert!(t.node("c/d").is_none());
        t.clear();
        assert_eq!(
            (t.len(), t.total(), t.overflow(), t.max_nodes()),
            (0, 0, 0, 3)
        );
        assert!(t.is_empty() && t.rows(&HashSet::new()).is_empty());
        assert!(!TopicTree::with_max_nodes(0).record("x", &v, false, 0.0));
    }
}
