//! mqttscope-sandbox: the page's sandbox broker. [`mqttscope_broker::Broker`] and a few
//! simulated smart-home devices (a thermostat, lights, a security system), each a real
//! [`mqttscope_proto::client::Client`] connected to the broker in memory, run in a
//! browser worker of their own (a SharedWorker where the browser has one, so every tab
//! of the page shares one sandbox). The page reaches it with `sandbox://` URLs over the
//! socket worker's message protocol, so to the page it is one more WebSocket.
//!
//! Everything here is plain, sans-IO Rust with plain tests: [`Sandbox`] takes the
//! pages' messages and the time, and hands back what to post and when to wake it. The
//! worker glue (`src/bin/mqttscope-sandbox`) only moves messages and arms one timer; it
//! is built for wasm32 by Trunk as a separate module that the page loads only when a
//! sandbox connection opens.
//!
//! Panic policy: a panic is a bug; no message from a page may cause one.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod devices;
mod faults;
pub mod flow;
pub mod gate;
mod hub;
mod link;
pub mod monitor;
pub mod rng;
mod watch;

#[cfg(test)]
mod tests;

pub use faults::MAX_DELAY_MS;
pub use hub::{is_sandbox_url, PacketRecord, PortId, Sandbox, ToPage, BATCH_MAX, SANDBOX_SCHEME};
pub use link::{DeviceLink, LinkOutput, RECONNECT_DELAY};
