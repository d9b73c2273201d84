//! The tree of topics seen, one node per topic level, with message counts, the last
//! value and whether the broker holds a retained message there.
//!
//! Levels are split at `/` exactly as MQTT does, so empty levels are nodes too: `a//b`
//! has an empty middle level, `/a` an empty first level and `a/` an empty last one (a
//! node's `name` is then `""`; the view decides how to show it). `$SYS` and other `$`
//! topics are ordinary top-level nodes. Children sort by name in byte order.
//!
//! The tree is bounded in bytes, not only in nodes. A node stores its own level's name,
//! never the whole path (800 topics of 65 KB with 62 levels made about 3 GB when every
//! node kept its path), and the first [`LAST_VALUE_BYTES`] of the last payload, not the
//! payload (the history of a topic is in the connection's message list). Limits, each
//! counted so that the view can say what it left out:
//! - nodes ([`DEFAULT_MAX_NODES`]) and bytes ([`DEFAULT_MAX_BYTES`]): a message whose topic
//!   would need more is counted in [`TopicTree::overflow`] instead;
//! - depth ([`MAX_LEVELS`]): deeper levels stay joined, slashes included, in the last node
//!   ([`TopicTree::cut_deep`]), so that no walk over it can exhaust the stack;
//! - length ([`MAX_TOPIC_BYTES`]): a longer topic is recorded under its start
//!   ([`TopicTree::cut_long`]).

use std::collections::BTreeMap;

mod rows;

pub use rows::{TreeRow, PREVIEW_CHARS};

/// The default most nodes a tree holds.
pub const DEFAULT_MAX_NODES: usize = 50_000;

/// The most levels a topic is split into; the rest of a deeper topic is the last level.
pub const MAX_LEVELS: usize = 64;

/// The default most bytes the tree holds (names, last values and the nodes themselves).
pub const DEFAULT_MAX_BYTES: usize = 8 << 20;

/// Topics longer than this are recorded under their first this many bytes.
pub const MAX_TOPIC_BYTES: usize = 4096;

/// How much of the last payload a node keeps, for its one-line preview.
pub const LAST_VALUE_BYTES: usize = 320;

/// What a node costs besides its name and last value (the node and its map entry).
const NODE_BYTES: usize = std::mem::size_of::<Node>() + 64;

/// One topic level.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Node {
    /// The level's name (may be empty).
    pub name: String,
    /// Messages on exactly this topic.
    pub count: u64,
    /// Messages on this topic and every topic below it.
    pub total: u64,
    /// The start of the last payload on exactly this topic (at most
    /// [`LAST_VALUE_BYTES`]), and that payload's whole size.
    pub last_value: Option<(Box<[u8]>, usize)>,
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
    bytes: usize,
    max_bytes: usize,
    overflow: u64,
    cut_deep: u64,
    cut_long: u64,
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

/// `topic` cut to at most [`MAX_TOPIC_BYTES`], at a character boundary.
fn bounded(topic: &str) -> &str {
    let mut end = topic.len().min(MAX_TOPIC_BYTES);
    while !topic.is_char_boundary(end) {
        end -= 1;
    }
    &topic[..end]
}

impl TopicTree {
    /// An empty tree holding at most [`DEFAULT_MAX_NODES`] nodes.
    pub fn new() -> Self {
        TopicTree::with_max_nodes(DEFAULT_MAX_NODES)
    }

    /// An empty tree holding at most `max_nodes` nodes (and [`DEFAULT_MAX_BYTES`]).
    pub fn with_max_nodes(max_nodes: usize) -> Self {
        TopicTree::with_limits(max_nodes, DEFAULT_MAX_BYTES)
    }

    /// An empty tree holding at most `max_nodes` nodes and `max_bytes` bytes.
    pub fn with_limits(max_nodes: usize, max_bytes: usize) -> Self {
        TopicTree {
            root: Node::default(),
            nodes: 0,
            max_nodes,
            bytes: 0,
            max_bytes,
            overflow: 0,
            cut_deep: 0,
            cut_long: 0,
        }
    }

    /// Counts a message on `topic`; returns false when the tree is full and the message
    /// went to [`TopicTree::overflow`] instead. `retained` is the message's RETAIN flag
    /// (see [`Node::retained`]).
    pub fn record(&mut self, topic: &str, payload: &[u8], retained: bool, at_ms: f64) -> bool {
        let cut = bounded(topic);
        let (missing, bytes) = self.missing(cut);
        if self.nodes.saturating_add(missing) > self.max_nodes
            || self.bytes.saturating_add(bytes + LAST_VALUE_BYTES) > self.max_bytes
        {
            self.overflow += 1;
            return false;
        }
        self.cut_long += u64::from(cut.len() < topic.len());
        self.cut_deep += u64::from(
            levels(cut)
                .nth(MAX_LEVELS - 1)
                .is_some_and(|l| l.contains('/')),
        );
        self.nodes += missing;
        self.root.total += 1;
        let mut node = &mut self.root;
        for level in levels(cut) {
            node = child(node, level);
            node.total += 1;
        }
        node.count += 1;
        let kept = &payload[..payload.len().min(LAST_VALUE_BYTES)];
        let before = node.last_value.as_ref().map_or(0, |(v, _)| v.len());
        node.last_value = Some((kept.into(), payload.len()));
        node.last_at = Some(at_ms);
        if retained {
            node.retained = !payload.is_empty();
        }
        self.bytes = self.bytes + bytes + kept.len() - before;
        true
    }

    /// How many nodes `topic` needs that the tree does not have, and their bytes (the
    /// last value not included).
    fn missing(&self, topic: &str) -> (usize, usize) {
        let mut node = Some(&self.root);
        let (mut missing, mut bytes) = (0, 0);
        for level in levels(topic) {
            node = node.and_then(|n| n.children.get(level));
            if node.is_none() {
                missing += 1;
                bytes += NODE_BYTES + level.len();
            }
        }
        (missing, bytes)
    }

    /// The node for topic `path`, if any message reached it or below.
    pub fn node(&self, path: &str) -> Option<&Node> {
        levels(bounded(path)).try_fold(&self.root, |n, level| n.children.get(level))
    }

    /// Bytes held (names, last values, nodes).
    pub fn bytes(&self) -> usize {
        self.bytes
    }

    /// Messages on topics deeper than [`MAX_LEVELS`], recorded with their deeper levels
    /// joined in the last node.
    pub fn cut_deep(&self) -> u64 {
        self.cut_deep
    }

    /// Messages on topics longer than [`MAX_TOPIC_BYTES`], recorded under their start.
    pub fn cut_long(&self) -> u64 {
        self.cut_long
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

    /// Messages not recorded because the tree was full (nodes or bytes).
    pub fn overflow(&self) -> u64 {
        self.overflow
    }

    /// The most nodes the tree holds.
    pub fn max_nodes(&self) -> usize {
        self.max_nodes
    }

    /// Forgets every topic and the counts.
    pub fn clear(&mut self) {
        *self = TopicTree::with_limits(self.max_nodes, self.max_bytes);
    }
}

/// The child `level` of `node`, created if missing.
fn child<'n>(node: &'n mut Node, level: &str) -> &'n mut Node {
    node.children
        .entry(level.to_string())
        .or_insert_with(|| Node {
            name: level.to_string(),
            ..Node::default()
        })
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;
    use std::sync::Arc;

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
        assert_eq!((ab.count, ab.total, ab.name.as_str()), (2, 2, "b"));
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
        assert_eq!(r.count, 3);
        assert_eq!(
            r.last_value.as_ref().map(|(v, n)| (&v[..], *n)),
            Some((&b""[..], 0))
        );
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

    #[test]
    fn a_node_keeps_its_own_level_and_the_start_of_the_last_value() {
        let mut t = TopicTree::new();
        let big = vec![b'x'; 1 << 20];
        assert!(t.record("a/b", &big, false, 0.0));
        let b = t.node("a/b").unwrap();
        let (start, size) = b.last_value.as_ref().unwrap();
        assert_eq!(
            (start.len(), *size, b.name.as_str()),
            (LAST_VALUE_BYTES, 1 << 20, "b")
        );
        assert!(
            t.bytes() < 2 * (NODE_BYTES + LAST_VALUE_BYTES) + 8,
            "{}",
            t.bytes()
        );
    }

    #[test]
    fn long_deep_topics_cost_their_bytes_once_and_the_tree_stops_at_its_budget() {
        // 800 topics of 62 levels and 65 KB: about 3 GB when each node kept its path.
        let mut t = TopicTree::with_limits(usize::MAX, 2 << 20);
        let mut recorded = 0;
        for i in 0..800 {
            let level = format!("{i:04}").repeat(262);
            let topic = vec![level.as_str(); 62].join("/");
            recorded += usize::from(t.record(&topic, b"v", false, 0.0));
        }
        assert!(t.bytes() <= 2 << 20, "{}", t.bytes());
        assert_eq!(t.overflow(), 800 - recorded as u64);
        assert!(recorded > 0 && t.overflow() > 0);
        // Every recorded topic was over the length cap: recorded under its start, counted.
        assert_eq!(t.cut_long(), recorded as u64);
    }

    #[test]
    fn cut_topics_are_counted() {
        let mut t = TopicTree::new();
        let deep = "x/".repeat(100);
        assert!(t.record(&deep, b"", false, 0.0));
        assert!(t.record("short/one", b"", false, 0.0));
        assert_eq!((t.cut_deep(), t.cut_long()), (1, 0));
        let long = "y".repeat(MAX_TOPIC_BYTES + 10);
        assert!(t.record(&long, b"", false, 0.0));
        assert_eq!((t.cut_deep(), t.cut_long()), (1, 1));
        assert_eq!(t.node(&long).map(|n| n.name.len()), Some(MAX_TOPIC_BYTES));
        // A cut inside a character goes back to its start.
        let wide = format!("{}é", "z".repeat(MAX_TOPIC_BYTES - 1));
        assert!(t.record(&wide, b"", false, 0.0));
        assert_eq!(
            t.node(&wide).map(|n| n.name.len()),
            Some(MAX_TOPIC_BYTES - 1)
        );
    }
}
