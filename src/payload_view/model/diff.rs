//! What changed between two decoded values of a topic: leaf by leaf, by path.

use std::collections::HashMap;

use mqttscope_payload::Node;

use super::rows::leaves;

/// One difference.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Change {
    /// A value at a path only the newer has.
    Added {
        /// Where.
        path: String,
        /// The new value's text.
        after: String,
    },
    /// A value at a path only the older has.
    Removed {
        /// Where.
        path: String,
        /// The old value's text.
        before: String,
    },
    /// A value that differs.
    Changed {
        /// Where.
        path: String,
        /// The old value's text.
        before: String,
        /// The new value's text.
        after: String,
    },
}

/// The differences from `before` to `after`, in the newer value's order, then what was
/// removed in the older one's.
pub fn diff(before: &Node, after: &Node) -> Vec<Change> {
    let old = leaves(before);
    let new = leaves(after);
    let old_at: HashMap<&str, &str> = old.iter().map(|(p, t)| (p.as_str(), t.as_str())).collect();
    let new_at: HashMap<&str, &str> = new.iter().map(|(p, t)| (p.as_str(), t.as_str())).collect();
    let mut out = Vec::new();
    for (path, text) in &new {
        match old_at.get(path.as_str()) {
            None => out.push(Change::Added {
                path: path.clone(),
                after: text.clone(),
            }),
            Some(was) if was != text => out.push(Change::Changed {
                path: path.clone(),
                before: (*was).to_string(),
                after: text.clone(),
            }),
            Some(_) => {}
        }
    }
    for (path, text) in &old {
        if !new_at.contains_key(path.as_str()) {
            out.push(Change::Removed {
                path: path.clone(),
                before: text.clone(),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use mqttscope_payload::{decode, Decoder, Limits};

    fn json(text: &str) -> Node {
        decode(&Decoder::Json, text.as_bytes(), &Limits::default()).unwrap()
    }

    #[test]
    fn leaf_changes_by_path() {
        let before = json(r#"{"temp": 21.5, "ok": true, "tags": ["a"], "gone": 1}"#);
        let after = json(r#"{"temp": 22.0, "ok": true, "tags": ["a", "b"]}"#);
        assert_eq!(
            diff(&before, &after),
            [
                Change::Changed {
                    path: "temp".into(),
                    before: "21.5".into(),
                    after: "22.0".into()
                },
                Change::Added {
                    path: "tags[1]".into(),
                    after: r#""b""#.into()
                },
                Change::Removed {
                    path: "gone".into(),
                    before: "1".into()
                },
            ]
        );
        assert_eq!(diff(&after, &after), []);
    }
}
