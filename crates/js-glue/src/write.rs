//! Writing plain JavaScript objects.

use js_sys::{Object, Reflect};
use wasm_bindgen::JsValue;

use crate::text::text;

/// A value that can be written to JavaScript.
pub trait ToJs {
    /// The JavaScript form.
    fn to_js(&self) -> JsValue;
}

/// A plain object being written.
pub struct Writer(Object);

impl Writer {
    /// An empty object.
    pub fn new() -> Self {
        Writer(Object::new())
    }

    /// Sets `key` to `value`.
    pub fn set(&self, key: &'static str, value: impl ToJs) -> &Self {
        self.set_js(&text(key), value)
    }

    /// Sets the key `key`, a JavaScript string, to `value`.
    pub fn set_js(&self, key: &JsValue, value: impl ToJs) -> &Self {
        // Defining a property on a fresh plain object cannot fail.
        let _ = Reflect::set(&self.0, key, &value.to_js());
        self
    }

    /// Sets `type` to `kind`: what the object is (`"message"`).
    pub fn kind(&self, kind: &'static str) -> &Self {
        self.set("type", text(kind))
    }

    /// Sets `key` to `value` when there is one.
    pub fn set_opt<T: ToJs>(&self, key: &'static str, value: Option<T>) -> &Self {
        if let Some(v) = value {
            self.set(key, v);
        }
        self
    }

    /// The object.
    pub fn done(&self) -> JsValue {
        self.0.clone().into()
    }
}

impl Default for Writer {
    fn default() -> Self {
        Writer::new()
    }
}
