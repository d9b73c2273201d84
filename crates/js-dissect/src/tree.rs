//! A dissection as a plain object: the fields in byte order, each with its range, path,
//! name, value as text and spec section, and the error that stopped it.

use mqttscope_js_glue::Writer;
use mqttscope_proto::dissect::{Dissection, Field};
use wasm_bindgen::JsValue;

use crate::error;

/// The object for `d`: `{ packetType, length, fields, error }`.
pub fn to_js(d: &Dissection) -> JsValue {
    let fields: Vec<JsValue> = d.fields.iter().map(field).collect();
    let w = Writer::new();
    w.set(
        "packetType",
        d.packet_type
            .map_or(JsValue::NULL, |t| JsValue::from_str(t.name())),
    )
    .set("length", d.len as f64)
    .set("fields", fields)
    .set(
        "error",
        d.error.as_ref().map_or(JsValue::NULL, error::decode),
    );
    w.done()
}

/// One field: `{ name, path, start, end, mask, value, section, depth }`.
fn field(f: &Field) -> JsValue {
    let mask = f
        .mask
        .map_or(JsValue::NULL, |m| JsValue::from_f64(f64::from(m)));
    let w = Writer::new();
    w.set("name", &*f.label)
        .set("path", &*f.path)
        .set("start", f.range.start as f64)
        .set("end", f.range.end as f64)
        .set("mask", mask)
        .set("value", &*f.value.to_string())
        .set("section", f.section)
        .set("depth", f.depth as f64);
    w.done()
}
