//! The pane's line to the sandbox worker: its own port to the same SharedWorker as the
//! page's sandbox connections (so it sees the broker they talk to), on which it sends
//! [`Command`]s and receives updates and packet records (`sandbox-worker.js` documents
//! the messages).
//!
//! Where the browser has no SharedWorker, the pane starts a sandbox of its own, which
//! the page's connections do not use; the pane says so.

use js_sys::{Array, ArrayBuffer, Uint8Array};
use leptos::prelude::*;
use mqttscope_sandbox::monitor::{Command, Update};
use wasm_bindgen::{JsCast, JsValue};

use crate::driver::worker::PageWorker;
use crate::pane::Pane;

/// The worker script, beside the pane's page.
const SANDBOX_URL: &str = "./sandbox-worker.js";

thread_local! {
    /// The pane the worker's messages go to (the handlers are plain functions).
    static PANE: std::cell::Cell<Option<Pane>> = const { std::cell::Cell::new(None) };
}

/// The worker connection.
pub struct PaneLink {
    worker: PageWorker,
}

impl PaneLink {
    /// Connects `pane` to the sandbox and starts watching; `None` when the browser
    /// refuses to start the worker.
    pub fn start(pane: Pane) -> Option<PaneLink> {
        PANE.with(|p| p.set(Some(pane)));
        let worker = PageWorker::start_shared(SANDBOX_URL, on_message, on_error)?;
        let link = PaneLink { worker };
        link.send(&Command::Watch { on: true });
        Some(link)
    }

    /// Sends `command`.
    pub fn send(&self, command: &Command) {
        let message = Array::of2(&"command".into(), &command.to_json().into());
        self.worker.post(&message);
    }

    /// Tells the worker this pane is going away (it stops building updates for it).
    pub fn bye(&self) {
        self.worker.post(&Array::of1(&"bye".into()));
    }
}

fn on_error() {
    let text = "The sandbox worker (sandbox-worker.js) did not start.";
    with_pane(|p| p.notice(text.to_owned()));
}

fn with_pane(f: impl FnOnce(Pane)) {
    if let Some(pane) = PANE.with(std::cell::Cell::get) {
        f(pane);
    }
}

/// One message of the worker.
fn on_message(data: JsValue) {
    let Some(message) = data.dyn_ref::<Array>() else {
        return;
    };
    match message.get(0).as_string().as_deref() {
        Some("monitor") => {
            let json = message.get(1).as_string().unwrap_or_default();
            match Update::from_json(&json) {
                Ok(update) => with_pane(|p| p.update(|d| d.apply(update))),
                Err(e) => with_pane(|p| p.notice(format!("An update could not be read: {e}"))),
            }
        }
        Some("monitor-packets") => {
            let Ok(list) = message.get(1).dyn_into::<Array>() else {
                return;
            };
            with_pane(|p| p.update(|d| push_records(d, &list)));
        }
        Some("failed") => {
            let why = message.get(1).as_string().unwrap_or_default();
            with_pane(|p| p.notice(format!("The sandbox failed to start: {why}")));
        }
        _ => {}
    }
}

/// Reads `[conn, sent, at_ms, ArrayBuffer, ...]` into the pane's packets.
fn push_records(d: &mut crate::pane::model::PaneData, list: &Array) {
    let mut k = 0;
    while k + 3 < list.length() {
        let conn = list.get(k).as_f64().unwrap_or(0.0) as u64;
        let sent = list.get(k + 1).as_bool().unwrap_or(false);
        // On the worker's clock, which starts with the sandbox.
        let at_ms = list.get(k + 2).as_f64().unwrap_or(0.0);
        if let Ok(buffer) = list.get(k + 3).dyn_into::<ArrayBuffer>() {
            d.push_packet(conn, sent, at_ms, Uint8Array::new(&buffer).to_vec());
        }
        k += 4;
    }
}

/// Sends `command` on the pane's link.
pub fn send(link: StoredValue<Option<PaneLink>, LocalStorage>, command: Command) {
    link.with_value(|l| {
        if let Some(l) = l {
            l.send(&command);
        }
    });
}
