//! mqttscope-proto: the sans-IO core of mqttscope.
//!
//! This crate speaks MQTT 3.1, 3.1.1 and 5.0 without doing any I/O and without reading a
//! clock, so the same code runs in a browser (wasm32), in a native CLI and under a virtual
//! clock in tests.
//!
//! - [`codec`]: the 15 control packets, decoded strictly from borrowed bytes and encoded
//!   canonically; a streaming [`codec::Framer`].
//! - [`dissect`]: maps every byte of any packet, valid or malformed, to a named field and
//!   the spec section behind it, by running the codec with a recorder attached.
//!
//! Panic policy: a panic is a bug. No input from the network or the caller may cause one;
//! every failure is a typed error ([`codec::DecodeError`] for bad bytes,
//! [`codec::UsageError`] for a request the specification forbids).
#![deny(unsafe_code)]
#![deny(missing_docs)]

pub mod client;
pub mod codec;
pub mod dissect;
pub mod hex;

pub use codec::{DecodeError, Packet, ProtocolVersion, QoS, ReasonCode, UsageError};

#[cfg(all(test, target_arch = "wasm32"))]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);
