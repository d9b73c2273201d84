//! mqttscope: an MQTT client and protocol playground in the browser.
//!
//! The page logic lives in plain types with ordinary tests ([`hexpad`], [`model`],
//! the plain parts of [`state`], and the connection doctor, [`doctor`], a crate of its
//! own); the [`driver`] runs the sans-IO core over a browser WebSocket; the [`components`]
//! only draw state and turn events into actions.
//! The binary (`src/bin/mqttscope-web.rs`) mounts [`app::App`].
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod app;
pub mod clock;
pub mod components;
/// The connection doctor (`crates/doctor`): why a connection failed, in words.
pub use mqttscope_doctor as doctor;
pub mod driver;
pub mod hexpad;
pub mod inspect;
pub mod model;
pub mod pane;
pub mod payload_view;
pub mod state;
pub mod util;

#[cfg(test)]
mod tests {
    /// The doctor reads sandbox URLs with its own copy of the sandbox's scheme (it depends
    /// on nothing but the core): both must agree on what is a sandbox URL.
    #[test]
    fn the_doctor_and_the_sandbox_agree_on_sandbox_urls() {
        assert_eq!(
            crate::doctor::SANDBOX_SCHEME,
            mqttscope_sandbox::SANDBOX_SCHEME
        );
        for url in [
            "sandbox://home",
            "  SandBox://x",
            "sandbox:",
            "ws://sandbox://",
            "é",
            "",
        ] {
            let (ours, theirs) = (
                crate::doctor::is_sandbox_url(url),
                mqttscope_sandbox::is_sandbox_url(url),
            );
            assert_eq!(ours, theirs, "{url:?}");
        }
    }
}
