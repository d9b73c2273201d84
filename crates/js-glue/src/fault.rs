//! The caller's mistake, by field.

use wasm_bindgen::JsValue;

use crate::write::{ToJs, Writer};

/// A value of the wrong type or out of range at `field`, or a key that has no place
/// there: the caller's mistake.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fault {
    /// Where: `options.will.qos`.
    pub field: String,
    /// What is wrong, in words: `expected 0, 1 or 2`.
    pub message: String,
}

impl Fault {
    /// A fault at `field`, which should have been `expected`.
    pub fn new(field: &str, expected: &str) -> Self {
        Fault {
            field: field.to_owned(),
            message: ["expected ", expected].concat(),
        }
    }

    /// A key at `field` that its object does not have; `known` are the ones it has.
    pub fn unknown(field: &str, known: &[String]) -> Self {
        Fault {
            field: field.to_owned(),
            message: ["no such field; the fields here are ", &known.join(", ")].concat(),
        }
    }
}

impl ToJs for Fault {
    /// The `UsageError` object the package's JavaScript turns into its error class:
    /// `{ kind: "UsageError", message: "options.qos: expected 0, 1 or 2", field }`.
    fn to_js(&self) -> JsValue {
        let w = Writer::new();
        w.set("kind", "UsageError")
            .set("message", &*[&self.field, ": ", &self.message].concat())
            .set("field", &*self.field);
        w.done()
    }
}
