//! Reading JavaScript objects key by key, with the path of every key for its fault.

use js_sys::{Array, Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};

use crate::fault::Fault;

/// A value that can be read from JavaScript.
pub trait FromJs: Sized {
    /// Reads `v`, found at `field`.
    fn from_js(v: &JsValue, field: &str) -> Result<Self, Fault>;
}

/// A JavaScript object being read, with its path and the keys read so far.
pub struct Reader<'v> {
    value: &'v JsValue,
    path: String,
    known: Vec<String>,
}

impl<'v> Reader<'v> {
    /// Reads `value` as a plain object at `path`.
    pub fn new(value: &'v JsValue, path: &str) -> Result<Self, Fault> {
        if !value.is_object() || Array::is_array(value) || value.is_function() {
            return Err(Fault::new(path, "an object"));
        }
        Ok(Reader {
            value,
            path: path.to_owned(),
            known: Vec::new(),
        })
    }

    /// The path of `key` under this object.
    pub fn path_of(&self, key: &str) -> String {
        [&self.path, ".", key].concat()
    }

    /// The value of `key`, `None` when absent, `undefined` or `null`.
    pub fn get(&mut self, key: &str) -> Option<JsValue> {
        self.known.push(key.to_owned());
        let v = Reflect::get(self.value, &JsValue::from_str(key)).ok()?;
        (!v.is_undefined() && !v.is_null()).then_some(v)
    }

    /// The value of `key`, which must be present.
    pub fn req<T: FromJs>(&mut self, key: &str) -> Result<T, Fault> {
        match self.get(key) {
            Some(v) => T::from_js(&v, &self.path_of(key)),
            None => Err(Fault::new(&self.path_of(key), "a value (it is missing)")),
        }
    }

    /// The value of `key`, if present.
    pub fn opt<T: FromJs>(&mut self, key: &str) -> Result<Option<T>, Fault> {
        self.opt_with(key, T::from_js)
    }

    /// The value of `key` read by `read`, if present: for a type of another crate that
    /// this crate does not know.
    pub fn opt_with<T>(
        &mut self,
        key: &str,
        read: impl FnOnce(&JsValue, &str) -> Result<T, Fault>,
    ) -> Result<Option<T>, Fault> {
        match self.get(key) {
            Some(v) => read(&v, &self.path_of(key)).map(Some),
            None => Ok(None),
        }
    }

    /// The value of `key`, or `default` when absent.
    pub fn or<T: FromJs>(&mut self, key: &str, default: T) -> Result<T, Fault> {
        Ok(self.opt(key)?.unwrap_or(default))
    }

    /// Fails on a key that was never read: a misspelt or misplaced field is an error, not
    /// something silently left out.
    pub fn finish(self) -> Result<(), Fault> {
        let Ok(obj) = self.value.clone().dyn_into::<Object>() else {
            return Ok(());
        };
        for key in Object::keys(&obj).iter().filter_map(|k| k.as_string()) {
            if !self.known.contains(&key) {
                return Err(Fault::unknown(&self.path_of(&key), &self.known));
            }
        }
        Ok(())
    }
}
