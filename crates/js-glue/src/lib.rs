//! What the npm package's wasm modules share (`mqttscope`, `mqttscope/dissect`,
//! `mqttscope/doctor`): reading JavaScript values with a path for every fault, writing
//! plain objects, and the codec's values both ways.
//!
//! Values come from people's code, so nothing here trusts a type: every read checks it,
//! and a mismatch becomes a [`Fault`] naming the field (`options.will.qos`) and what was
//! expected. Nothing here formats with `format!`: texts are joined with `concat`, which
//! keeps the formatting machinery out of the client's module (about 10 kB of wasm).
//!
//! Every module links only what it calls, so the client's module carries none of the
//! property sets it never reads or writes.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod fault;
mod packets;
mod props;
mod read;
mod text;
mod values;
mod write;

pub use fault::Fault;
pub use read::{FromJs, Reader};
pub use text::{camel, camel_text, index, text};
pub use write::{ToJs, Writer};
