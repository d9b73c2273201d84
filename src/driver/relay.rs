//! WebSockets run in a dedicated Worker (`socket-worker.js`), their messages relayed to
//! the page in batches.
//!
//! # Why
//!
//! Under a flood of small messages the page's main thread is mostly busy receiving them:
//! the browser dispatches one `message` event per WebSocket message, and in a CPU profile
//! of 10,000 messages a second that dispatch (the profiler's "(program)") took about half
//! of the main thread, several times the app's own decoding and drawing. With the sockets
//! in a worker, the page gets one event per batch (a batch gathers what arrives within
//! 8 ms), so the main thread is left for drawing and the user's input. Each WebSocket
//! message still reaches the core whole and in order.
//!
//! The page acknowledges each batch once handled; the worker keeps at most 16 MiB
//! unacknowledged and closes a socket whose backlog passes 64 MiB (code 4000, with a
//! reason), so that a page that falls behind cannot pile up an unbounded backlog.
//!
//! Until the worker says it runs, or if it cannot (blocked, missing), sockets open on the
//! page as before ([`super::socket`]); if the worker fails later, its sockets are reported
//! closed and the core's reconnect opens them on the page.
//!
//! The sandbox broker ([`Relay::Sandbox`], `sandbox-worker.js` and the `mqttscope-sandbox`
//! wasm module) speaks the same protocol from a SharedWorker (a dedicated Worker where
//! the browser has none), so its connections are relayed sockets too. It is started by
//! the first `sandbox://` connection, never before: the page's first load does not carry
//! it. Its script queues what arrives before its module runs, so the page need not wait
//! for "ready"; a sandbox that cannot start fails its connections (there is no page-side
//! fallback for it).

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use js_sys::{Array, ArrayBuffer, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};

use super::event::SocketEvent;
use super::worker::PageWorker;

/// The socket worker's script, copied next to `index.html` by Trunk.
const WORKER_URL: &str = "./socket-worker.js";
/// The sandbox worker's script, copied next to `index.html` by Trunk (it loads the
/// `mqttscope-sandbox` module Trunk builds beside it).
const SANDBOX_URL: &str = "./sandbox-worker.js";

/// The worker a relayed socket lives in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Relay {
    /// `socket-worker.js`: real WebSockets.
    Sockets,
    /// `sandbox-worker.js`: connections to the sandbox broker.
    Sandbox,
}

/// Starts the socket worker, so that it is ready by the time the first connection opens
/// (the sandbox worker waits for its first connection).
pub fn prepare() {
    with_service(Relay::Sockets, |_| ());
}

/// A socket in a worker. Dropping it closes the socket and silences its events.
pub struct RelayedSocket {
    relay: Relay,
    id: u32,
}

impl RelayedSocket {
    /// Opens a socket to `url` in `relay`'s worker; `None` when the worker is not running.
    pub fn open(
        relay: Relay,
        url: &str,
        protocols: &[&str],
        on_event: Rc<dyn Fn(SocketEvent)>,
    ) -> Option<RelayedSocket> {
        with_service(relay, |s| s.open(url, protocols, on_event))
            .map(|id| RelayedSocket { relay, id })
    }

    /// Sends one binary message; false when the socket is not open.
    pub fn send(&self, bytes: &[u8]) -> bool {
        with_service(self.relay, |s| s.send(self.id, bytes))
    }

    /// Asks the worker what it holds: [`SocketEvent::Synced`] follows, after what it
    /// posted before (or the socket's close). False when the worker is not running.
    pub fn sync(&self) -> bool {
        with_service(self.relay, |s| s.sync(self.id))
    }
}

impl Drop for RelayedSocket {
    fn drop(&mut self) {
        with_service(self.relay, |s| s.close(self.id));
    }
}

/// One socket's page side.
struct Entry {
    on_event: Rc<dyn Fn(SocketEvent)>,
    open: bool,
}

/// The worker and the sockets it runs for the page.
struct Service {
    worker: Option<PageWorker>,
    /// The worker posted "ready".
    ready: bool,
    entries: HashMap<u32, Entry>,
    next_id: u32,
}

thread_local! {
    static SOCKETS: RefCell<Option<Service>> = const { RefCell::new(None) };
    static SANDBOX: RefCell<Option<Service>> = const { RefCell::new(None) };
}

/// Runs `f` on `relay`'s service, starting it on first use.
fn with_service<T>(relay: Relay, f: impl FnOnce(&mut Service) -> T) -> T {
    let cell = match relay {
        Relay::Sockets => &SOCKETS,
        Relay::Sandbox => &SANDBOX,
    };
    cell.with(|cell| {
        let mut slot = cell.borrow_mut();
        f(slot.get_or_insert_with(|| Service::start(relay)))
    })
}

impl Service {
    fn start(relay: Relay) -> Self {
        let (worker, ready) = match relay {
            Relay::Sockets => (
                PageWorker::start(WORKER_URL, on_socket_message, fall_back_sockets),
                false,
            ),
            Relay::Sandbox => {
                say_goodbye_on_pagehide();
                (
                    PageWorker::start_shared(SANDBOX_URL, on_sandbox_message, fall_back_sandbox),
                    true,
                )
            }
        };
        Service {
            worker,
            ready,
            entries: HashMap::new(),
            next_id: 1,
        }
    }

    fn open(
        &mut self,
        url: &str,
        protocols: &[&str],
        on_event: Rc<dyn Fn(SocketEvent)>,
    ) -> Option<u32> {
        let worker = self.worker.as_ref().filter(|_| self.ready)?;
        let id = self.next_id;
        let list: Array = protocols.iter().map(|p| JsValue::from_str(p)).collect();
        let message = Array::of4(&"open".into(), &id.into(), &url.into(), &list);
        if !worker.post(&message) {
            return None;
        }
        self.next_id = self.next_id.wrapping_add(1).max(1);
        let entry = Entry {
            on_event,
            open: false,
        };
        self.entries.insert(id, entry);
        Some(id)
    }

    fn send(&mut self, id: u32, bytes: &[u8]) -> bool {
        let (Some(worker), Some(true)) = (&self.worker, self.entries.get(&id).map(|e| e.open))
        else {
            return false;
        };
        let buffer = Uint8Array::from(bytes).buffer();
        let message = Array::of3(&"send".into(), &id.into(), &buffer);
        let transfer = Array::of1(&buffer);
        worker.post_transferring(&message, &transfer)
    }

    fn sync(&mut self, id: u32) -> bool {
        let (Some(worker), true) = (&self.worker, self.entries.contains_key(&id)) else {
            return false;
        };
        worker.post(&Array::of2(&"sync".into(), &id.into()))
    }

    fn close(&mut self, id: u32) {
        if self.entries.remove(&id).is_some() {
            if let Some(worker) = &self.worker {
                worker.post(&Array::of2(&"close".into(), &id.into()));
            }
        }
    }
}

fn on_socket_message(data: JsValue) {
    on_worker_message(Relay::Sockets, data);
}

fn on_sandbox_message(data: JsValue) {
    on_worker_message(Relay::Sandbox, data);
}

fn fall_back_sockets() {
    fall_back(Relay::Sockets);
}

fn fall_back_sandbox() {
    fall_back(Relay::Sandbox);
}

/// Tells the sandbox when this tab goes away, so that its connections end at once
/// rather than at their keep-alive timeout; and when the tab comes back from the
/// back-forward cache, reports those connections closed, so that the core reconnects
/// at once instead of waiting for a keep-alive to go unanswered.
fn say_goodbye_on_pagehide() {
    let Some(window) = web_sys::window() else {
        return;
    };
    let on = wasm_bindgen::closure::Closure::<dyn FnMut(web_sys::PageTransitionEvent)>::new(
        |e: web_sys::PageTransitionEvent| match e.type_().as_str() {
            "pagehide" => with_service(Relay::Sandbox, |s| {
                if let Some(worker) = &s.worker {
                    worker.post(&Array::of1(&"bye".into()));
                }
            }),
            _ if e.persisted() => close_all(Relay::Sandbox, 1001, RESTORED),
            _ => {}
        },
    );
    for event in ["pagehide", "pageshow"] {
        let _ = window.add_event_listener_with_callback(event, on.as_ref().unchecked_ref());
    }
    // Lives as long as the page.
    on.forget();
}

/// The close reason of sandbox connections after a restore from the back-forward cache.
const RESTORED: &str = "the page left and came back: the sandbox ended its connections";

/// Dispatches one message of `relay`'s worker (see `socket-worker.js` for the protocol).
fn on_worker_message(relay: Relay, data: JsValue) {
    let Some(message) = data.dyn_ref::<Array>() else {
        return;
    };
    let head = message.get(0);
    match head.as_string().as_deref() {
        Some("ready") => return with_service(relay, |s| s.ready = true),
        Some("failed") => return fall_back(relay),
        _ => {}
    }
    let Some(id) = head.as_f64().map(|id| id as u32) else {
        return;
    };
    match message.get(1).as_string().as_deref() {
        Some("open") => {
            let protocol = message.get(2).as_string().unwrap_or_default();
            deliver(relay, id, |e| e.open = true, SocketEvent::Open { protocol });
        }
        Some("data") => {
            let Ok(batch) = message.get(2).dyn_into::<Array>() else {
                return;
            };
            // One input for the driver, which answers the batch at once (its PUBACKs in one
            // message). A text frame ends the connection: what came before it is delivered
            // first, and the rest dropped, as a closed socket's would be.
            let mut data = Vec::new();
            let mut text = false;
            for item in batch.iter() {
                match item.dyn_into::<ArrayBuffer>() {
                    Ok(buffer) => data.push(Uint8Array::new(&buffer).to_vec()),
                    Err(_) => {
                        text = true;
                        break;
                    }
                }
            }
            let bytes = data.iter().map(Vec::len).sum();
            if !deliver(relay, id, |_| {}, SocketEvent::Data(data)) {
                return;
            }
            if text {
                deliver(relay, id, |_| {}, SocketEvent::Text);
            } else {
                acknowledge(relay, id, bytes);
            }
        }
        Some("synced") => {
            let held_at_ms = message.get(2).as_f64().map(crate::clock::from_shared_ms);
            deliver(relay, id, |_| {}, SocketEvent::Synced { held_at_ms });
        }
        Some("close") => {
            let closed = with_service(relay, |s| s.entries.remove(&id));
            if let Some(entry) = closed {
                (entry.on_event)(SocketEvent::Closed {
                    code: message.get(2).as_f64().unwrap_or(1006.0) as u16,
                    reason: message.get(3).as_string().unwrap_or_default(),
                    was_open: message.get(4).as_bool().unwrap_or(entry.open),
                    elapsed_ms: message.get(5).as_f64().unwrap_or(0.0),
                });
            }
        }
        _ => {}
    }
}

/// Tells the worker that a batch of `bytes` was handled, so that it may post more (its
/// flow control, see `socket-worker.js`).
fn acknowledge(relay: Relay, id: u32, bytes: usize) {
    with_service(relay, |s| {
        if let Some(worker) = &s.worker {
            worker.post(&Array::of3(
                &"ack".into(),
                &id.into(),
                &(bytes as f64).into(),
            ));
        }
    });
}

/// Updates socket `id`'s entry with `update` and gives it `event`, outside the service's
/// borrow (the handler may open, send on or drop sockets); false if it is gone.
fn deliver(relay: Relay, id: u32, update: impl FnOnce(&mut Entry), event: SocketEvent) -> bool {
    let handler = with_service(relay, |s| {
        let entry = s.entries.get_mut(&id)?;
        update(entry);
        Some(Rc::clone(&entry.on_event))
    });
    match handler {
        Some(handler) => {
            handler(event);
            true
        }
        None => false,
    }
}

/// The worker failed: stop using it, and report its sockets closed so that the core's
/// reconnect opens them on the page (sandbox connections then fail: see the module doc).
fn fall_back(relay: Relay) {
    with_service(relay, |service| {
        service.worker = None;
        service.ready = false;
    });
    close_all(relay, 1006, "");
}

/// Reports every socket of `relay` closed with `code` and `reason`, and forgets them.
fn close_all(relay: Relay, code: u16, reason: &str) {
    let orphans: Vec<Entry> = with_service(relay, |service| {
        service.entries.drain().map(|(_, e)| e).collect()
    });
    for entry in orphans {
        (entry.on_event)(SocketEvent::Closed {
            code,
            reason: reason.to_owned(),
            was_open: entry.open,
            elapsed_ms: 0.0,
        });
    }
}
