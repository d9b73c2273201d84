//! The web app's entry point: a panic hook and the mount.
//!
//! It lives in `src/bin/` rather than `src/main.rs` so that the binary is called
//! `mqttscope-web`: the CLI's binary is `mqttscope`, and two binaries of one name in a
//! workspace overwrite each other's output (Trunk's `cargo build --bin` builds both).

fn main() {
    mqttscope::util::log_panics();
    mqttscope::driver::relay::prepare();
    leptos::mount::mount_to_body(mqttscope::app::App);
}
