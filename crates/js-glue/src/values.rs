//! Numbers, texts, bytes, lists and the codec's small values, both ways.

use std::borrow::Cow;
use std::num::{NonZeroU16, NonZeroU32};

use js_sys::{Array, ArrayBuffer, JsString, Uint8Array};
use mqttscope_proto::codec::{RetainHandling, UserProperty};
use mqttscope_proto::{ProtocolVersion, QoS, ReasonCode};
use wasm_bindgen::{JsCast, JsValue};

use crate::fault::Fault;
use crate::read::FromJs;
use crate::text::index;
use crate::write::ToJs;

/// An integer in `min..=max`, or a fault expecting `what`.
fn integer(v: &JsValue, field: &str, min: f64, max: f64, what: &str) -> Result<f64, Fault> {
    match v.as_f64() {
        Some(n) if n.fract() == 0.0 && (min..=max).contains(&n) => Ok(n),
        _ => Err(Fault::new(field, what)),
    }
}

/// Integer types read in their range and written as numbers. The range checks make the
/// conversions exact; `$make` returning `None` is unreachable but costs nothing to refuse.
macro_rules! integers {
    ($($t:ty: $min:expr, $max:expr, $what:expr, |$n:ident| $make:expr, |$s:ident| $get:expr;)*) => {$(
        impl FromJs for $t {
            fn from_js(v: &JsValue, field: &str) -> Result<Self, Fault> {
                let $n = integer(v, field, $min, $max, $what)?;
                $make.ok_or_else(|| Fault::new(field, $what))
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
    u16: 0.0, 65535.0, "an integer from 0 to 65535", |n| Some(n as u16), |s| s;
    u32: 0.0, 4294967295.0, "an integer from 0 to 4294967295", |n| Some(n as u32), |s| s;
    NonZeroU16: 1.0, 65535.0, "an integer from 1 to 65535", |n| NonZeroU16::new(n as u16), |s| s.get();
    NonZeroU32: 1.0, 4294967295.0, "an integer from 1 to 4294967295", |n| NonZeroU32::new(n as u32), |s| s.get();
    QoS: 0.0, 2.0, "0, 1 or 2", |n| QoS::from_u8(n as u8), |s| s as u8;
    RetainHandling: 0.0, 2.0, "0, 1 or 2", |n| retain_handling(n as u8), |s| s as u8;
}

/// Retain Handling 0, 1 or 2 (3.8.3.1).
fn retain_handling(n: u8) -> Option<RetainHandling> {
    Some(match n {
        0 => RetainHandling::SendAtSubscribe,
        1 => RetainHandling::SendAtSubscribeIfNew,
        2 => RetainHandling::DoNotSend,
        _ => return None,
    })
}

impl FromJs for ReasonCode {
    /// A reason code of Table 2-6.
    fn from_js(v: &JsValue, field: &str) -> Result<Self, Fault> {
        let what = "a reason code MQTT 5 defines (Table 2-6)";
        let n = integer(v, field, 0.0, 255.0, what)?;
        ReasonCode::from_u8(n as u8).ok_or_else(|| Fault::new(field, what))
    }
}

impl ToJs for ReasonCode {
    fn to_js(&self) -> JsValue {
        JsValue::from_f64(f64::from(*self as u8))
    }
}

impl FromJs for ProtocolVersion {
    /// A protocol level: 3 (MQTT 3.1), 4 (3.1.1) or 5.
    fn from_js(v: &JsValue, field: &str) -> Result<Self, Fault> {
        let what = "a protocol level: 3 (3.1), 4 (3.1.1) or 5";
        let n = integer(v, field, 3.0, 5.0, what)?;
        ProtocolVersion::from_level(n as u8).ok_or_else(|| Fault::new(field, what))
    }
}

impl FromJs for bool {
    fn from_js(v: &JsValue, field: &str) -> Result<Self, Fault> {
        v.as_bool()
            .ok_or_else(|| Fault::new(field, "true or false"))
    }
}

impl ToJs for bool {
    fn to_js(&self) -> JsValue {
        JsValue::from_bool(*self)
    }
}

impl ToJs for f64 {
    fn to_js(&self) -> JsValue {
        JsValue::from_f64(*self)
    }
}

impl FromJs for String {
    fn from_js(v: &JsValue, field: &str) -> Result<Self, Fault> {
        let s = v
            .dyn_ref::<JsString>()
            .ok_or_else(|| Fault::new(field, "a string"))?;
        // A lone surrogate has no UTF-8 form: the conversion would put U+FFFD in its
        // place, and what is encoded would not be what was given [MQTT-1.5.4-1].
        if !s.is_valid_utf16() {
            return Err(Fault {
                field: field.to_owned(),
                message: "a lone UTF-16 surrogate has no UTF-8 form [MQTT-1.5.4-1]".to_owned(),
            });
        }
        Ok(String::from(s))
    }
}

impl FromJs for Cow<'static, str> {
    fn from_js(v: &JsValue, field: &str) -> Result<Self, Fault> {
        String::from_js(v, field).map(Cow::Owned)
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

impl FromJs for Vec<u8> {
    /// A `Uint8Array`, an `ArrayBuffer`, or a string (its UTF-8 bytes).
    fn from_js(v: &JsValue, field: &str) -> Result<Self, Fault> {
        if let Some(a) = v.dyn_ref::<Uint8Array>() {
            return Ok(a.to_vec());
        }
        if let Some(s) = v.as_string() {
            return Ok(s.into_bytes());
        }
        if let Some(b) = v.dyn_ref::<ArrayBuffer>() {
            return Ok(Uint8Array::new(b).to_vec());
        }
        let what = "a Uint8Array, an ArrayBuffer or a string";
        Err(Fault::new(field, what))
    }
}

impl FromJs for Cow<'static, [u8]> {
    fn from_js(v: &JsValue, field: &str) -> Result<Self, Fault> {
        Vec::<u8>::from_js(v, field).map(Cow::Owned)
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

impl ToJs for UserProperty<'_> {
    /// `[name, value]`.
    fn to_js(&self) -> JsValue {
        Array::of2(&self.name.to_js(), &self.value.to_js()).into()
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

impl<T: ToJs> ToJs for Option<T> {
    /// `undefined` for `None`.
    fn to_js(&self) -> JsValue {
        self.as_ref().map_or(JsValue::UNDEFINED, ToJs::to_js)
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
