//! mqttscope: an MQTT client and protocol playground in the browser.
//!
//! The page logic lives in plain types with ordinary tests ([`hexpad`], [`model`],
//! [`doctor`], the plain parts of [`state`]); the [`driver`] runs the sans-IO core over a
//! browser WebSocket; the [`components`] only draw state and turn events into actions.
//! The binary (`src/bin/mqttscope-web.rs`) mounts [`app::App`].
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod app;
pub mod clock;
pub mod components;
pub mod doctor;
pub mod driver;
pub mod hexpad;
pub mod model;
pub mod pane;
pub mod payload_view;
pub mod state;
pub mod util;
