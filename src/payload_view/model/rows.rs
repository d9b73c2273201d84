//! A decoded payload as the rows of a tree view: one row per value, with its depth, its key,
//! a short text, its path and the bytes it came from.

use std::ops::Range;

use mqttscope_payload::{render, BytesStyle, Node, Value};

/// At most this many rows are drawn; the rest are counted.
pub const MAX_ROWS: usize = 5_000;

/// One row of the tree.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    /// Nesting depth (the top value is 0).
    pub depth: usize,
    /// The key or index under its parent (`temp`, `[2]`), empty for the top value.
    pub key: String,
    /// The value's text: a leaf in the diagnostic notation, a container as `{3}` or `[5]`.
    pub text: String,
    /// Where it is: `metrics[0].value`.
    pub path: String,
    /// Where it is, naming an array item that is a map with a text `name` by that name
    /// (`metrics[name=Temperature].value`): what a chart follows from message to message,
    /// since a Sparkplug B NDATA (or a JSON list of readings) carries only some of its items,
    /// in any order.
    pub stable_path: String,
    /// The payload bytes it came from, where the format says.
    pub span: Option<Range<usize>>,
    /// Whether it holds other values.
    pub container: bool,
    /// The value as a number, for an integer, a float or a boolean (0 or 1): what a chart
    /// can draw.
    pub number: Option<f64>,
}

/// Where a value is: its key under its parent, its path and its stable path.
#[derive(Clone, Default)]
struct Place {
    key: String,
    path: String,
    stable: String,
}

impl Place {
    /// The place of item `i` of an array here.
    fn item(&self, i: usize, item: &Node) -> Place {
        let stable = match name_of(item) {
            Some(name) => format!("{}[name={name}]", self.stable),
            None => format!("{}[{i}]", self.stable),
        };
        Place {
            key: format!("[{i}]"),
            path: format!("{}[{i}]", self.path),
            stable,
        }
    }

    /// The place of the entry `name` of a map here.
    fn entry(&self, name: String) -> Place {
        let join = |p: &str| match p {
            "" => name.clone(),
            p => format!("{p}.{name}"),
        };
        Place {
            path: join(&self.path),
            stable: join(&self.stable),
            key: name,
        }
    }
}

/// The text of a map's `name` entry.
fn name_of(node: &Node) -> Option<&str> {
    let Value::Map(entries) = &node.value else {
        return None;
    };
    entries
        .iter()
        .find_map(|(k, v)| match (&k.value, &v.value) {
            (Value::Text(k), Value::Text(name)) if k == "name" => Some(name.as_str()),
            _ => None,
        })
}

/// The rows of `node`, depth first, at most [`MAX_ROWS`]; and how many were left out.
pub fn rows(node: &Node) -> (Vec<Row>, usize) {
    let mut out = Vec::new();
    let mut left = 0;
    walk(node, 0, Place::default(), &mut out, &mut left);
    (out, left)
}

fn walk(node: &Node, depth: usize, at: Place, out: &mut Vec<Row>, left: &mut usize) {
    if out.len() >= MAX_ROWS {
        *left += 1;
        return;
    }
    let (text, container) = summary(node);
    out.push(Row {
        depth,
        key: at.key.clone(),
        text,
        path: at.path.clone(),
        stable_path: at.stable.clone(),
        span: node.span.clone(),
        container,
        number: number(&node.value),
    });
    match &node.value {
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                walk(item, depth + 1, at.item(i, item), out, left);
            }
        }
        Value::Map(entries) => {
            for (k, v) in entries {
                walk(v, depth + 1, at.entry(key_text(k)), out, left);
            }
        }
        Value::Tagged(_, inner) if is_container(inner) => {
            let inner_at = Place {
                key: String::new(),
                ..at
            };
            walk(inner, depth + 1, inner_at, out, left);
        }
        _ => {}
    }
}

fn number(v: &Value) -> Option<f64> {
    match v {
        Value::Integer(i) => Some(*i as f64),
        Value::Float(f) => Some(*f),
        Value::Bool(b) => Some(f64::from(u8::from(*b))),
        _ => None,
    }
}

fn is_container(node: &Node) -> bool {
    matches!(node.value, Value::Array(_) | Value::Map(_))
}

/// A map key as a path step: text as it is, anything else in the notation.
pub fn key_text(key: &Node) -> String {
    match &key.value {
        Value::Text(s) => s.clone(),
        _ => render(key, BytesStyle::Hex),
    }
}

fn summary(node: &Node) -> (String, bool) {
    match &node.value {
        Value::Array(items) => (format!("[{}]", items.len()), true),
        Value::Map(entries) => (format!("{{{}}}", entries.len()), true),
        Value::Tagged(tag, inner) if is_container(inner) => (format!("{tag:?}"), true),
        _ => (render(node, BytesStyle::Hex), false),
    }
}

/// The leaves of `node` as (path, text) pairs, in order: what a diff compares.
pub fn leaves(node: &Node) -> Vec<(String, String)> {
    let (rows, _) = rows(node);
    rows.into_iter()
        .filter(|r| !r.container)
        .map(|r| (r.path, r.text))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use mqttscope_payload::{decode, Decoder, Limits};

    #[test]
    fn rows_carry_depth_path_and_bytes() {
        let cbor = [0xa1, 0x61, b'a', 0x82, 0x01, 0x02]; // {"a": [1, 2]}
        let node = decode(&Decoder::Cbor, &cbor, &Limits::default()).unwrap();
        let (rows, left) = rows(&node);
        assert_eq!(left, 0);
        let brief: Vec<_> = rows
            .iter()
            .map(|r| {
                (
                    r.depth,
                    r.key.as_str(),
                    r.text.as_str(),
                    r.path.as_str(),
                    r.span.clone(),
                )
            })
            .collect();
        assert_eq!(
            brief,
            [
                (0, "", "{1}", "", Some(0..6)),
                (1, "a", "[2]", "a", Some(3..6)),
                (2, "[0]", "1", "a[0]", Some(4..5)),
                (2, "[1]", "2", "a[1]", Some(5..6)),
            ]
        );
    }

    #[test]
    fn items_with_a_name_have_a_stable_path_by_it() {
        let text = br#"{"metrics": [{"name": "b", "v": 2}, {"v": 3}, {"name": 7, "v": 4}]}"#;
        let node = decode(&Decoder::Json, text, &Limits::default()).unwrap();
        let (rows, _) = rows(&node);
        let numbers: Vec<_> = rows
            .iter()
            .filter(|r| r.number.is_some())
            .map(|r| (r.path.as_str(), r.stable_path.as_str()))
            .collect();
        assert_eq!(
            numbers,
            [
                ("metrics[0].v", "metrics[name=b].v"),
                ("metrics[1].v", "metrics[1].v"),
                ("metrics[2].name", "metrics[2].name"),
                ("metrics[2].v", "metrics[2].v"),
            ]
        );
    }

    #[test]
    fn rows_are_bounded() {
        let items: Vec<String> = (0..MAX_ROWS + 10).map(|i| i.to_string()).collect();
        let text = format!("[{}]", items.join(","));
        let node = decode(&Decoder::Json, text.as_bytes(), &Limits::default()).unwrap();
        let (rows, left) = rows(&node);
        assert_eq!((rows.len(), left), (MAX_ROWS, 11));
    }
}
