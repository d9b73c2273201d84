//! Reading JavaScript values with a path for every fault, and writing plain objects.
//!
//! Input comes from people's code, so nothing here trusts a type: every read checks it
//! and a mismatch becomes a [`Fault`] naming the field (`packet.properties.topicAlias`)
//! and what was expected.

use std::borrow::Cow;
use std::num::{NonZeroU16, NonZeroU32};

use js_sys::{Array, ArrayBuffer, Object, Reflect, Uint8Array};
use mqttscope_proto::codec::{RetainHandling, UserProperty};
use mqttscope_proto::{QoS, ReasonCode};
use wasm_bindgen::{JsCast, JsValue};

/// A value of the wrong type or out of range, or a key that has no place, at `field`:
/// the caller's mistake.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fault {
    /// Where: `packet.will.qos`.
    pub field: String,
    /// What is wrong, in words: `expected an integer from 0 to 2`.
    pub message: String,
}

impl Fault {
    /// A fault at `field`, which should have been `expected`.
    pub fn new(field: &str, expected: impl std::fmt::Display) -> Self {
        Fault {
            field: field.to_owned(),
            message: format!("expected {expected}"),
        }
    }

    /// A key at `field` that its object does not have; `known` are the ones it has.
    pub fn unknown(field: &str, known: &[String]) -> Self {
        Fault {
            field: field.to_owned(),
            message: format!("no such field; the fields here are {}", known.join(", ")),
        }
    }
}

/// A value that can be read from JavaScript.
pub trait FromJs: Sized {
    /// Reads `v`, found at `field`.
    fn from_js(v: &JsValue, field: &str) -> Result<Self, Fault>;
}

/// A value that can be written to JavaScript.
pub trait ToJs {
    /// The JavaScript form.
    fn to_js(&self) -> JsValue;
}

/// `some_name` as `someName`.
pub fn camel(snake: &str) -> String {
    let mut out = String::with_capacity(snake.len());
    let mut upper = false;
    for c in snake.chars() {
        if c == '_' {
            upper = true;
        } else if std::mem::take(&mut upper) {
            out.push(c.to_ascii_uppercase());
        } else {
            out.push(c);
        }
    }
    out
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
        format!("{}.{key}", self.path)
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
        match self.get(key) {
            Some(v) => T::from_js(&v, &self.path_of(key)).map(Some),
            None => Ok(None),
        }
    }

    /// The value of `key`, or `default` when absent.
    pub fn or<T: FromJs>(&mut self, key: &str, default: T) -> Result<T, Fault> {
        Ok(self.opt(key)?.unwrap_or(default))
    }

    /// Fails on a key that was never read: a misspelt or misplaced field is an error, not
    /// something silently dropped from the packet.
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

/// A plain object being written.
pub struct Writer(Object);

impl Writer {
    /// An empty object.
    pub fn new() -> Self {
        Writer(Object::new())
    }

    /// Sets `key` to `value`.
    pub fn set(&self, key: &str, value: impl ToJs) -> &Self {
        // Defining a property on a fresh plain object cannot fail.
        let _ = Reflect::set(&self.0, &JsValue::from_str(key), &value.to_js());
        self
    }

    /// Sets `key` to `value` when there is one.
    pub fn set_opt<T: ToJs>(&self, key: &str, value: Option<T>) -> &Self {
        if let Some(v) = value {
            self.set(key, v);
        }
        self
    }

    /// The object.
    pub fn done(self) -> JsValue {
        self.0.into()
    }
}

impl Default for Writer {
    fn default() -> Self {
        Writer::new()
    }
}

impl ToJs for JsValue {
    fn to_js(&self) -> JsValue {
        self.clone()
    }
}

impl<T: ToJs + ?Sized> ToJs for &T {
    fn to_js(&self) -> JsValue {
        (**self).to_js()
    }
}

impl ToJs for bool {
    fn to_js(&self) -> JsValue {
        JsValue::from_bool(*self)
    }
}

impl FromJs for bool {
    fn from_js(v: &JsValue, field: &str) -> Result<Self, Fault> {
        v.as_bool()
            .ok_or_else(|| Fault::new(field, "true or false"))
    }
}

/// Reads an integer in `min..=max`.
fn integer(v: &JsValue, field: &str, min: u32, max: u32) -> Result<u32, Fault> {
    let n = v.as_f64().filter(|n| n.fract() == 0.0);
    match n {
        Some(n) if n >= f64::from(min) && n <= f64::from(max) => Ok(n as u32),
        _ => Err(Fault::new(field, format!("an integer from {min} to {max}"))),
    }
}

macro_rules! integers {
    ($($t:ty: $min:expr, $max:expr, |$n:ident| $make:expr, |$s:ident| $get:expr;)*) => {$(
        impl FromJs for $t {
            fn from_js(v: &JsValue, field: &str) -> Result<Self, Fault> {
                let $n = integer(v, field, $min, $max)?;
                // In range by the check above.
                $make.ok_or_else(|| Fault::new(field, "an integer in range"))
            }
        }

        impl ToJs for $t {
            fn to_js(&self) -> JsValue {
                let $s = *self;
                JsValue::from_f64(f64::from($get))
            }
        }
    )*};
}

integers! {
    u16: 0, 65535, |n| u16::try_from(n).ok(), |s| s;
    u32: 0, u32::MAX, |n| Some(n), |s| s;
    NonZeroU16: 1, 65535, |n| u16::try_from(n).ok().and_then(NonZeroU16::new), |s| s.get();
    NonZeroU32: 1, u32::MAX, |n| NonZeroU32::new(n), |s| s.get();
    QoS: 0, 2, |n| u8::try_from(n).ok().and_then(QoS::from_u8), |s| s as u8;
    RetainHandling: 0, 2, |n| retain_handling(n), |s| s as u8;
}

impl FromJs for u8 {
    /// An integer from 0 to 255 (a byte is written as a `Uint8Array`, so there is no
    /// `ToJs` for one).
    fn from_js(v: &JsValue, field: &str) -> Result<Self, Fault> {
        let n = integer(v, field, 0, 255)?;
        u8::try_from(n).map_err(|_| Fault::new(field, "an integer from 0 to 255"))
    }
}

/// Retain Handling 0, 1 or 2.
fn retain_handling(n: u32) -> Option<RetainHandling> {
    Some(match n {
        0 => RetainHandling::SendAtSubscribe,
        1 => RetainHandling::SendAtSubscribeIfNew,
        2 => RetainHandling::DoNotSend,
        _ => return None,
    })
}

impl FromJs for ReasonCode {
    fn from_js(v: &JsValue, field: &str) -> Result<Self, Fault> {
        let n = integer(v, field, 0, 255)?;
        u8::try_from(n)
            .ok()
            .and_then(ReasonCode::from_u8)
            .ok_or_else(|| Fault::new(field, "a reason code MQTT 5 defines (Table 2-6)"))
    }
}

impl ToJs for ReasonCode {
    fn to_js(&self) -> JsValue {
        JsValue::from_f64(f64::from(*self as u8))
    }
}

impl ToJs for str {
    fn to_js(&self) -> JsValue {
        JsValue::from_str(self)
    }
}

impl ToJs for Cow<'_, str> {
    fn to_js(&self) -> JsValue {
        JsValue::from_str(self)
    }
}

impl FromJs for Cow<'static, str> {
    fn from_js(v: &JsValue, field: &str) -> Result<Self, Fault> {
        v.as_string()
            .map(Cow::Owned)
            .ok_or_else(|| Fault::new(field, "a string"))
    }
}

impl ToJs for [u8] {
    fn to_js(&self) -> JsValue {
        Uint8Array::from(self).into()
    }
}

impl ToJs for Cow<'_, [u8]> {
    fn to_js(&self) -> JsValue {
        Uint8Array::from(&**self).into()
    }
}

impl FromJs for Cow<'static, [u8]> {
    /// A `Uint8Array`, an `ArrayBuffer`, or a string (its UTF-8 bytes).
    fn from_js(v: &JsValue, field: &str) -> Result<Self, Fault> {
        if let Some(s) = v.as_string() {
            return Ok(Cow::Owned(s.into_bytes()));
        }
        if let Some(a) = v.dyn_ref::<Uint8Array>() {
            return Ok(Cow::Owned(a.to_vec()));
        }
        if let Some(b) = v.dyn_ref::<ArrayBuffer>() {
            return Ok(Cow::Owned(Uint8Array::new(b).to_vec()));
        }
        Err(Fault::new(
            field,
            "a Uint8Array, an ArrayBuffer or a string",
        ))
    }
}

impl ToJs for UserProperty<'_> {
    fn to_js(&self) -> JsValue {
        Array::of2(&self.name.to_js(), &self.value.to_js()).into()
    }
}

impl FromJs for UserProperty<'static> {
    /// A `[name, value]` pair of strings.
    fn from_js(v: &JsValue, field: &str) -> Result<Self, Fault> {
        let pair = v
            .dyn_ref::<Array>()
            .filter(|a| a.length() == 2)
            .ok_or_else(|| Fault::new(field, "a [name, value] pair of strings"))?;
        let name = Cow::from_js(&pair.get(0), &format!("{field}[0]"))?;
        let value = Cow::from_js(&pair.get(1), &format!("{field}[1]"))?;
        Ok(UserProperty::new(name, value))
    }
}

impl<T: ToJs> ToJs for [T] {
    fn to_js(&self) -> JsValue {
        self.iter().map(ToJs::to_js).collect::<Array>().into()
    }
}

impl<T: ToJs> ToJs for Vec<T> {
    fn to_js(&self) -> JsValue {
        self.as_slice().to_js()
    }
}

impl<T: FromJs> FromJs for Vec<T> {
    fn from_js(v: &JsValue, field: &str) -> Result<Self, Fault> {
        let array = v
            .dyn_ref::<Array>()
            .ok_or_else(|| Fault::new(field, "an array"))?;
        array
            .iter()
            .enumerate()
            .map(|(i, item)| T::from_js(&item, &format!("{field}[{i}]")))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::camel;

    #[test]
    fn camel_case_of_snake_case() {
        assert_eq!(camel("topic_alias"), "topicAlias");
        assert_eq!(
            camel("subscription_identifiers_available"),
            "subscriptionIdentifiersAvailable"
        );
        assert_eq!(camel("dup"), "dup");
    }
}
