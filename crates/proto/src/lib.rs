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
//! - [`client`]: the client state machine a driver runs. The driver hands it what
//!   happened (`handle_bytes`, `handle_closed`, `handle_timeout`, each with the time
//!   `now`) and what the user asks (`connect`, `publish`, `subscribe`, ...), and drains
//!   what to do from [`client::Client::poll_output`]: bytes to send, events to show and
//!   when to call back. The CLI drives it on tokio, the page in a browser worker, the
//!   sandbox's devices in memory and the tests on a virtual clock; none of them makes a
//!   protocol decision of its own. Its module doc is the place to start reading.
//! - [`hex`]: hex text to bytes and back, as the dissector and the tools print it.
//!
//! Panic policy: a panic is a bug. No input from the network or the caller may cause one;
//! every failure is a typed error ([`codec::DecodeError`] for bad bytes,
//! [`codec::UsageError`] for a request the specification forbids).
//!
//! `unsafe` is denied rather than forbidden for one function: the string check turns a
//! run of bytes it has just proven ASCII into `&str` without validating it a second time
//! (`codec::string::ascii_str`, with its SAFETY note), which the hot decoding path of
//! every topic and client id goes through. `forbid` would not let that one `allow` stand.
#![deny(unsafe_code)]
#![deny(missing_docs)]

pub mod client;
pub mod codec;
pub mod dissect;
pub mod hex;

pub use codec::{DecodeError, Packet, ProtocolVersion, QoS, ReasonCode, UsageError};

#[cfg(all(test, target_arch = "wasm32"))]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);
