//! The wasm-bindgen glue of the npm package's `mqttscope/doctor` entry: the connection
//! doctor of the mqttscope page (`mqttscope-doctor`) behind two functions that take and
//! return plain JavaScript values.
//!
//! A module of its own, not part of the dissector's: the client's errors load it on
//! `error.diagnose()`, and a documentation page showing packets does not need the
//! doctor's texts (about 36 kB gzipped). The package's hand-written JavaScript
//! (`npm/doctor/core.js`) turns the error objects thrown here into its error classes;
//! the TypeScript declarations people read are `npm/doctor/index.d.ts`. Nothing here
//! panics on any input: every failure is thrown as a `UsageError` object naming the field.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod diagnosis;
pub mod failure;
use mqttscope_js_glue::ToJs;
use wasm_bindgen::prelude::*;

/// Why a connection failed and what to do, from the failure `failure` describes (see
/// [`failure`] for the object): `{ severity, title, text, actions, settings }`. Throws a
/// `UsageError` object naming the field at fault.
#[wasm_bindgen]
pub fn diagnose(failure: JsValue) -> Result<JsValue, JsValue> {
    failure::diagnosis(&failure).map_err(|f| f.to_js())
}

/// The probes worth running after a WebSocket handshake with `url` failed:
/// `{ httpUrl, withoutSubprotocol, alternatives }`. Throws a `UsageError` object when
/// `url` is not a `ws://` or `wss://` URL.
#[wasm_bindgen(js_name = probePlan)]
pub fn probe_plan(url: JsValue) -> Result<JsValue, JsValue> {
    failure::probe_plan(&url).map_err(|f| f.to_js())
}
