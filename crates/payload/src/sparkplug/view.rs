//! A walked Sparkplug B payload made readable: each metric's value field (`int_value`,
//! `long_value`, ...) becomes `value`, read as the metric's data type, whose number becomes
//! its name; a metric sent by alias alone gets the name and data type its birth declared.
//! Filled-in parts have no byte range: they are not in this payload's bytes.

use crate::budget::Budget;
use crate::error::Error;
use crate::value::{Node, Value};

use super::datatype;

/// What one metric of a payload says about itself.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Declared {
    /// The metric's name, if the payload gives it.
    pub name: Option<String>,
    /// The metric's alias, if the payload gives it.
    pub alias: Option<u64>,
    /// The data type number, if the payload gives it.
    pub datatype: Option<u32>,
    /// The value, when it is an integer (for `bdSeq`).
    pub integer: Option<i128>,
}

/// What a birth declared of a metric: its name and data type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Known {
    pub name: String,
    pub datatype: Option<u32>,
}

/// The fields a metric's value travels in (the `value` oneof of `Payload.Metric`).
const VALUE_FIELDS: [&str; 10] = [
    "int_value",
    "long_value",
    "float_value",
    "double_value",
    "boolean_value",
    "string_value",
    "bytes_value",
    "dataset_value",
    "template_value",
    "extension_value",
];

/// The payload's metrics made readable, `lookup` giving what a birth declared of a metric
/// sent by alias; also what each metric declared itself, in order.
pub(crate) fn present(
    mut tree: Node,
    lookup: &dyn Fn(u64) -> Option<Known>,
    b: &mut Budget,
) -> Result<(Node, Vec<Declared>), Error> {
    let mut declared = Vec::new();
    let Value::Map(entries) = &mut tree.value else {
        return Ok((tree, declared));
    };
    for (key, value) in entries.iter_mut() {
        if key.value != Value::Text("metrics".into()) {
            continue;
        }
        if let Value::Array(metrics) = &mut value.value {
            for metric in metrics.iter_mut() {
                declared.push(metric_view(metric, lookup, b)?);
            }
        }
    }
    Ok((tree, declared))
}

fn text_key(key: &Node, name: &str) -> bool {
    matches!(&key.value, Value::Text(k) if k == name)
}

/// What a metric's own fields say.
fn declared(entries: &[(Node, Node)]) -> Declared {
    let mut d = Declared::default();
    for (k, v) in entries {
        match (&k.value, &v.value) {
            (Value::Text(k), Value::Text(name)) if k == "name" => d.name = Some(name.clone()),
            (Value::Text(k), Value::Integer(n)) if k == "alias" => d.alias = u64::try_from(*n).ok(),
            (Value::Text(k), Value::Integer(n)) if k == "datatype" => {
                d.datatype = u32::try_from(*n).ok()
            }
            (Value::Text(k), Value::Integer(n)) if VALUE_FIELDS.contains(&k.as_str()) => {
                d.integer = Some(*n)
            }
            _ => {}
        }
    }
    d
}

/// One metric made readable in place; returns what it declared itself.
fn metric_view(
    metric: &mut Node,
    lookup: &dyn Fn(u64) -> Option<Known>,
    b: &mut Budget,
) -> Result<Declared, Error> {
    let Value::Map(entries) = &mut metric.value else {
        return Ok(Declared::default());
    };
    let own = declared(entries);
    let known = own.alias.and_then(lookup);
    let datatype = own.datatype.or(known.as_ref().and_then(|k| k.datatype));
    let mut fields = std::mem::take(entries);
    for (key, value) in fields.iter_mut() {
        if text_key(key, "datatype") {
            if let Some(name) = datatype.and_then(datatype::name) {
                value.value = Value::Text(name.into());
            }
        } else if VALUE_FIELDS.iter().any(|f| text_key(key, f)) {
            key.value = Value::Text("value".into());
            if let Some(n) = datatype {
                let raw = std::mem::replace(value, Node::from(Value::Null));
                *value = datatype::read(n, raw, b)?;
            }
        }
    }
    if let Some(k) = known.filter(|_| own.name.is_none()) {
        fields.insert(
            0,
            (
                Node::from(Value::Text("name".into())),
                Node::from(Value::Text(k.name)),
            ),
        );
    }
    if own.datatype.is_none() {
        if let Some(name) = datatype.and_then(datatype::name) {
            let at = fields
                .iter()
                .position(|(k, _)| text_key(k, "value"))
                .unwrap_or(fields.len());
            fields.insert(
                at,
                (
                    Node::from(Value::Text("datatype".into())),
                    Node::from(Value::Text(name.into())),
                ),
            );
        }
    }
    *entries = fields;
    Ok(own)
}
