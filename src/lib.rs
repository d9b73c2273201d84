//! mqttscope: an MQTT client and protocol playground in the browser.
//!
//! The page logic lives in plain types ([`hexpad`]) with ordinary tests; the
//! [`components`] only draw them and wire events to signals. The binary
//! (`src/bin/mqttscope-web.rs`) mounts [`app::App`].
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod app;
pub mod components;
pub mod doctor;
pub mod hexpad;
pub mod model;
pub mod state;
