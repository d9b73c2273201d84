//! The broker pane's entry point (`broker.html`): a panic hook and the mount. Built by
//! Trunk as a module of its own, loaded only when the pane is opened.

use mqttscope::pane::components::broker_pane::BrokerPane;

fn main() {
    mqttscope::util::log_panics();
    leptos::mount::mount_to_body(BrokerPane);
}
