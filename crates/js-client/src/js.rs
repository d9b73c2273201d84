//! Reading the driver's plain objects with a path for every fault, and writing plain
//! objects.
//!
//! Values come from people's code, so nothing here trusts a type: every read checks it,
//! and a mismatch becomes a [`Fault`] naming the field (`options.will.qos`) and what was
//! expected. Texts are joined with `concat`, not `format!`, to keep the module small.

use std::borrow::Cow;
use std::cell::RefCell;
use std::num::{NonZeroU16, NonZeroU32};

use js_sys::{Array, Object, Reflect, Uint8Array};
use mqttscope_proto::codec::UserProperty;
use mqttscope_proto::QoS;
use wasm_bindgen::{JsCast, JsValue};

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
}

/// JavaScript strings made from texts of this module, by the text's address: a few dozen
/// property names and event types, so a scan beats a hash map, in time and in size.
type Texts = RefCell<Vec<(*const u8, JsValue)>>;

thread_local! {
    /// [`text`]'s strings.
    static TEXTS: Texts = const { RefCell::new(Vec::new()) };
    /// [`camel_text`]'s strings, by the snake_case name they were made from.
    static CAMEL_TEXTS: Texts = const { RefCell::new(Vec::new()) };
}

/// The string `texts` holds for `s`, made by `make` the first time.
fn made_once(
    texts: &'static std::thread::LocalKey<Texts>,
    s: &'static str,
    make: impl FnOnce() -> JsValue,
) -> JsValue {
    texts.with(|t| {
        let mut t = t.borrow_mut();
        if let Some((_, v)) = t.iter().find(|(at, _)| *at == s.as_ptr()) {
            return v.clone();
        }
        let v = make();
        t.push((s.as_ptr(), v.clone()));
        v
    })
}

/// `s` as a JavaScript string. Made once per text and then looked up: a property name
/// decoded out of wasm memory for every message was a fifth of the receive path's time.
pub fn text(s: &'static str) -> JsValue {
    made_once(&TEXTS, s, || JsValue::from_str(s))
}

/// `snake` in camelCase ([`camel`]) as a JavaScript string, made once per name.
pub fn camel_text(snake: &'static str) -> JsValue {
    made_once(&CAMEL_TEXTS, snake, || JsValue::from_str(&camel(snake)))
}

/// A value that can be read from JavaScript.
pub trait FromJs: Sized {
    /// Reads `v`, found at `field`.
    fn from_js(v: &JsValue, field: &str) -> Result<Self, Fault>;
}

/// An integer in `0..=max`, or a fault expecting `what`.
fn integer(v: &JsValue, field: &str, max: f64, what: &str) -> Result<f64, Fault> {
    match v.as_f64() {
        Some(n) if n.fract() == 0.0 && (0.0..=max).contains(&n) => Ok(n),
        _ => Err(Fault::new(field, what)),
    }
}

impl FromJs for bool {
    fn from_js(v: &JsValue, field: &str) -> Result<Self, Fault> {
        v.as_bool()
            .ok_or_else(|| Fault::new(field, "true or false"))
    }
}

impl FromJs for u16 {
    fn from_js(v: &JsValue, field: &str) -> Result<Self, Fault> {
        Ok(integer(v, field, 65535.0, "an integer from 0 to 65535")? as u16)
    }
}

impl FromJs for u32 {
    fn from_js(v: &JsValue, field: &str) -> Result<Self, Fault> {
        Ok(integer(v, field, 4294967295.0, "an integer from 0 to 4294967295")? as u32)
    }
}

impl FromJs for NonZeroU16 {
    fn from_js(v: &JsValue, field: &str) -> Result<Self, Fault> {
        let n = integer(v, field, 65535.0, "an integer from 1 to 65535")?;
        NonZeroU16::new(n as u16).ok_or_else(|| Fault::new(field, "an integer from 1 to 65535"))
    }
}

impl FromJs for NonZeroU32 {
    fn from_js(v: &JsValue, field: &str) -> Result<Self, Fault> {
        let what = "an integer from 1 to 4294967295";
        let n = integer(v, field, 4294967295.0, what)?;
        NonZeroU32::new(n as u32).ok_or_else(|| Fault::new(field, what))
    }
}

impl FromJs for QoS {
    fn from_js(v: &JsValue, field: &str) -> Result<Self, Fault> {
        let n = integer(v, field, 2.0, "0, 1 or 2")?;
        QoS::from_u8(n as u8).ok_or_else(|| Fault::new(field, "0, 1 or 2"))
    }
}

impl FromJs for String {
    fn from_js(v: &JsValue, field: &str) -> Result<Self, Fault> {
        v.as_string().ok_or_else(|| Fault::new(field, "a string"))
    }
}

impl FromJs for Cow<'static, str> {
    fn from_js(v: &JsValue, field: &str) -> Result<Self, Fault> {
        String::from_js(v, field).map(Cow::Owned)
    }
}

impl FromJs for Vec<u8> {
    /// A `Uint8Array` (the driver turns text and other views into one).
    fn from_js(v: &JsValue, field: &str) -> Result<Self, Fault> {
        v.dyn_ref::<Uint8Array>()
            .map(Uint8Array::to_vec)
            .ok_or_else(|| Fault::new(field, "a Uint8Array"))
    }
}

impl FromJs for Cow<'static, [u8]> {
    fn from_js(v: &JsValue, field: &str) -> Result<Self, Fault> {
        Vec::<u8>::from_js(v, field).map(Cow::Owned)
    }
}

impl FromJs for UserProperty<'static> {
    /// A `[name, value]` pair of strings.
    fn from_js(v: &JsValue, field: &str) -> Result<Self, Fault> {
        let pair = v
            .dyn_ref::<Array>()
            .filter(|a| a.length() == 2)
            .ok_or_else(|| Fault::new(field, "a [name, value] pair of strings"))?;
        let name = String::from_js(&pair.get(0), &[field, "[0]"].concat())?;
        let value = String::from_js(&pair.get(1), &[field, "[1]"].concat())?;
        Ok(UserProperty::new(name, value))
    }
}

impl<T: FromJs> FromJs for Vec<T> {
    fn from_js(v: &JsValue, field: &str) -> Result<Self, Fault> {
        let list = v
            .dyn_ref::<Array>()
            .ok_or_else(|| Fault::new(field, "an array"))?;
        let mut out = Vec::with_capacity(list.length() as usize);
        for (i, item) in list.iter().enumerate() {
            out.push(T::from_js(&item, &[field, "[", &index(i), "]"].concat())?);
        }
        Ok(out)
    }
}

/// `i` in decimal, without the formatting machinery.
pub fn index(i: usize) -> String {
    let mut digits = Vec::new();
    let mut n = i;
    loop {
        digits.push(b'0' + (n % 10) as u8);
        n /= 10;
        if n == 0 {
            break;
        }
    }
    digits.reverse();
    String::from_utf8(digits).unwrap_or_default()
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
        match self.get(key) {
            Some(v) => T::from_js(&v, &self.path_of(key)).map(Some),
            None => Ok(None),
        }
    }

    /// The value of `key`, or `default` when absent.
    pub fn or<T: FromJs>(&mut self, key: &str, default: T) -> Result<T, Fault> {
        Ok(self.opt(key)?.unwrap_or(default))
    }

    /// Fails on a key that was never read: a misspelt field is an error, not something
    /// silently left out of the packet.
    pub fn finish(self) -> Result<(), Fault> {
        let Ok(obj) = self.value.clone().dyn_into::<Object>() else {
            return Ok(());
        };
        for key in Object::keys(&obj).iter().filter_map(|k| k.as_string()) {
            if !self.known.contains(&key) {
                let known = self.known.join(", ");
                let message = ["no such field; the fields here are ", &known].concat();
                return Err(Fault {
                    field: self.path_of(&key),
                    message,
                });
            }
        }
        Ok(())
    }
}

/// A value that can be written to JavaScript.
pub trait ToJs {
    /// The JavaScript form.
    fn to_js(&self) -> JsValue;
}

impl ToJs for bool {
    fn to_js(&self) -> JsValue {
        JsValue::from_bool(*self)
    }
}

impl ToJs for u16 {
    fn to_js(&self) -> JsValue {
        JsValue::from_f64(f64::from(*self))
    }
}

impl ToJs for u32 {
    fn to_js(&self) -> JsValue {
        JsValue::from_f64(f64::from(*self))
    }
}

impl ToJs for f64 {
    fn to_js(&self) -> JsValue {
        JsValue::from_f64(*self)
    }
}

impl ToJs for NonZeroU16 {
    fn to_js(&self) -> JsValue {
        self.get().to_js()
    }
}

impl ToJs for NonZeroU32 {
    fn to_js(&self) -> JsValue {
        self.get().to_js()
    }
}

impl ToJs for QoS {
    fn to_js(&self) -> JsValue {
        JsValue::from_f64(*self as u8 as f64)
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

impl ToJs for [u8] {
    /// A `Uint8Array` copy.
    fn to_js(&self) -> JsValue {
        Uint8Array::from(self).into()
    }
}

impl ToJs for Cow<'_, [u8]> {
    fn to_js(&self) -> JsValue {
        (**self).to_js()
    }
}

impl ToJs for UserProperty<'_> {
    fn to_js(&self) -> JsValue {
        Array::of2(
            &JsValue::from_str(&self.name),
            &JsValue::from_str(&self.value),
        )
        .into()
    }
}

impl<T: ToJs> ToJs for Vec<T> {
    fn to_js(&self) -> JsValue {
        self.iter().map(ToJs::to_js).collect::<Array>().into()
    }
}

impl<T: ToJs + ?Sized> ToJs for &T {
    fn to_js(&self) -> JsValue {
        (**self).to_js()
    }
}

impl ToJs for JsValue {
    fn to_js(&self) -> JsValue {
        self.clone()
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

#[cfg(test)]
mod tests {
    use super::{camel, index};

    #[test]
    fn indexes_are_written_in_decimal() {
        assert_eq!(index(0), "0");
        assert_eq!(index(7), "7");
        assert_eq!(index(1204), "1204");
    }

    #[test]
    fn snake_case_becomes_camel_case() {
        assert_eq!(camel("message_expiry_interval"), "messageExpiryInterval");
        assert_eq!(camel("qos"), "qos");
    }
}
