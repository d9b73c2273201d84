//! The web app's entry point: a panic hook and the mount.

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(mqttscope::app::App);
}
