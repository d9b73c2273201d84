//! The subscription index: a tree with one node per topic level of the filters, so that
//! matching a topic walks only the branches that can match it (4.7).
//!
//! A subscription sits at the node of its (inner, for a shared one) filter as the pair
//! (client id, filter as subscribed); the session holds its options.

use std::collections::{BTreeMap, BTreeSet};

/// One level of the tree.
#[derive(Debug, Default)]
struct Node {
    children: BTreeMap<String, Node>,
    subs: BTreeSet<(String, String)>,
}

impl Node {
    fn is_empty(&self) -> bool {
        self.children.is_empty() && self.subs.is_empty()
    }
}

/// A match: the subscribing session and the filter as it subscribed it.
pub(crate) type Entry = (String, String);

/// All subscriptions, by filter level.
#[derive(Debug, Default)]
pub(crate) struct TopicTree {
    root: Node,
    len: usize,
}

impl TopicTree {
    /// Adds `client`'s subscription `filter`, which applies `inner` to topics.
    pub(crate) fn insert(&mut self, inner: &str, client: &str, filter: &str) {
        let mut node = &mut self.root;
        for level in inner.split('/') {
            node = node.children.entry(level.to_owned()).or_default();
        }
        if node.subs.insert((client.to_owned(), filter.to_owned())) {
            self.len += 1;
        }
    }

    /// Removes it again, pruning the branches left empty.
    pub(crate) fn remove(&mut self, inner: &str, client: &str, filter: &str) {
        let levels: Vec<&str> = inner.split('/').collect();
        let key = (client.to_owned(), filter.to_owned());
        if remove_at(&mut self.root, &levels, &key) {
            self.len -= 1;
        }
    }

    /// Every subscription whose filter matches Topic Name `topic`. Wildcards in the
    /// first level do not match a topic starting with `$` [MQTT-4.7.2-1].
    pub(crate) fn matches(&self, topic: &str) -> Vec<&Entry> {
        let levels: Vec<&str> = topic.split('/').collect();
        let mut out = Vec::new();
        let dollar = topic.starts_with('$');
        walk(&self.root, &levels, !dollar, &mut out);
        out
    }

    /// How many subscriptions the tree holds.
    pub(crate) fn len(&self) -> usize {
        self.len
    }
}

/// Removes `key` under the path `levels`; true if it was there.
fn remove_at(node: &mut Node, levels: &[&str], key: &Entry) -> bool {
    let Some((first, rest)) = levels.split_first() else {
        return node.subs.remove(key);
    };
    let Some(child) = node.children.get_mut(*first) else {
        return false;
    };
    let removed = remove_at(child, rest, key);
    if child.is_empty() {
        node.children.remove(*first);
    }
    removed
}

/// Collects the subscriptions under `node` that match the remaining `levels`;
/// `wild` says whether wildcards may match at this level.
fn walk<'t>(node: &'t Node, levels: &[&str], wild: bool, out: &mut Vec<&'t Entry>) {
    if wild {
        // `#` matches the rest, including the parent level itself ("a/#" matches "a").
        if let Some(hash) = node.children.get("#") {
            out.extend(hash.subs.iter());
        }
    }
    let Some((first, rest)) = levels.split_first() else {
        out.extend(node.subs.iter());
        return;
    };
    if let Some(child) = node.children.get(*first) {
        walk(child, rest, true, out);
    }
    if let (true, Some(plus)) = (wild, node.children.get("+")) {
        walk(plus, rest, true, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mqttscope_proto::codec::topic::matches;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    const FILTERS: [&str; 12] = [
        "#", "+", "a/#", "a/+", "a/b", "+/b", "+/+", "/", "a//b", "$SYS/#", "a/+/c/#", "+/#",
    ];
    const TOPICS: [&str; 10] = [
        "a", "a/b", "a/b/c", "a/x/c/d", "/", "/b", "a//b", "$SYS/x", "$SYS", "b",
    ];

    #[test]
    fn the_tree_matches_exactly_what_the_codec_matcher_matches() {
        let mut t = TopicTree::default();
        for f in FILTERS {
            t.insert(f, "c", f);
        }
        for topic in TOPICS {
            let mut got: Vec<&str> = t.matches(topic).iter().map(|e| &*e.1).collect();
            got.sort();
            let mut want: Vec<&str> = FILTERS.into_iter().filter(|f| matches(f, topic)).collect();
            want.sort();
            assert_eq!(got, want, "{topic}");
        }
    }

    #[test]
    fn removing_prunes_empty_branches() {
        let mut t = TopicTree::default();
        t.insert("a/b/c", "c1", "a/b/c");
        t.insert("a/b", "c2", "a/b");
        t.remove("a/b/c", "c1", "a/b/c");
        t.remove("a/b/c", "c1", "a/b/c");
        assert_eq!(t.len(), 1);
        t.remove("a/b", "c2", "a/b");
        assert!(t.root.is_empty());
    }
}
