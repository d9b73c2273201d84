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

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use js_sys::{Array, ArrayBuffer, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};

use super::socket::SocketEvent;
use super::worker::PageWorker;

/// The worker script, copied next to `index.html` by Trunk.
const WORKER_URL: &str = "./socket-worker.js";

/// Starts the worker, so that it is ready by the time the first connection opens.
pub fn prepare() {
    with_service(|_| ());
}

/// A WebSocket in the worker. Dropping it closes the socket and silences its events.
pub struct RelayedSocket {
    id: u32,
}

impl RelayedSocket {
    /// Opens a WebSocket to `url` in the worker; `None` when the worker is not running.
    pub fn open(
        url: &str,
        protocols: &[&str],
        on_event: Rc<dyn Fn(SocketEvent)>,
    ) -> Option<RelayedSocket> {
        with_service(|s| s.open(url, protocols, on_event)).map(|id| RelayedSocket { id })
    }

    /// Sends one binary message; false when the socket is not open.
    pub fn send(&self, bytes: &[u8]) -> bool {
        with_service(|s| s.send(self.id, bytes))
    }
}

impl Drop for RelayedSocket {
    fn drop(&mut self) {
        with_service(|s| s.close(self.id));
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
    static SERVICE: RefCell<Option<Service>> = const { RefCell::new(None) };
}

/// Runs `f` on the page's relay service, starting it on first use.
fn with_service<T>(f: impl FnOnce(&mut Service) -> T) -> T {
    SERVICE.with(|cell| {
        let mut slot = cell.borrow_mut();
        f(slot.get_or_insert_with(Service::start))
    })
}

impl Service {
    fn start() -> Self {
        Service {
            worker: PageWorker::start(WORKER_URL, on_worker_message, fall_back),
            ready: false,
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

    fn close(&mut self, id: u32) {
        if self.entries.remove(&id).is_some() {
            if let Some(worker) = &self.worker {
                worker.post(&Array::of2(&"close".into(), &id.into()));
            }
        }
    }
}

/// Dispatches one message of the worker (see `socket-worker.js` for the protocol).
fn on_worker_message(data: JsValue) {
    let Some(message) = data.dyn_ref::<Array>() else {
        return;
    };
    let head = message.get(0);
    if head.as_string().as_deref() == Some("ready") {
        SERVICE.with(|cell| cell.borrow_mut().as_mut().map(|s| s.ready = true));
        return;
    }
    let Some(id) = head.as_f64().map(|id| id as u32) else {
        return;
    };
    match message.get(1).as_string().as_deref() {
        Some("open") => {
            let protocol = message.get(2).as_string().unwrap_or_default();
            deliver(id, |e| e.open = true, SocketEvent::Open { protocol });
        }
        Some("data") => {
            let Ok(batch) = message.get(2).dyn_into::<Array>() else {
                return;
            };
            let mut bytes = 0;
            for item in batch.iter() {
                let event = match item.dyn_into::<ArrayBuffer>() {
                    Ok(buffer) => SocketEvent::Data(Uint8Array::new(&buffer).to_vec()),
                    Err(_) => SocketEvent::Text,
                };
                bytes += match &event {
                    SocketEvent::Data(d) => d.len(),
                    _ => 0,
                };
                // A message may have closed the socket (a text frame, a protocol error):
                // the rest of the batch is then dropped, as a closed socket's would be.
                if !deliver(id, |_| {}, event) {
                    return;
                }
            }
            acknowledge(id, bytes);
        }
        Some("close") => {
            let closed = SERVICE.with(|cell| {
                let mut slot = cell.borrow_mut();
                slot.as_mut().and_then(|s| s.entries.remove(&id))
            });
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
fn acknowledge(id: u32, bytes: usize) {
    SERVICE.with(|cell| {
        if let Some(worker) = cell.borrow().as_ref().and_then(|s| s.worker.as_ref()) {
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
fn deliver(id: u32, update: impl FnOnce(&mut Entry), event: SocketEvent) -> bool {
    let handler = SERVICE.with(|cell| {
        let mut slot = cell.borrow_mut();
        let entry = slot.as_mut()?.entries.get_mut(&id)?;
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
/// reconnect opens them on the page.
fn fall_back() {
    let orphans = SERVICE.with(|cell| {
        let mut slot = cell.borrow_mut();
        let Some(service) = slot.as_mut() else {
            return Vec::new();
        };
        service.worker = None;
        service.ready = false;
        service.entries.drain().map(|(_, e)| e).collect()
    });
    for entry in orphans {
        (entry.on_event)(SocketEvent::Closed {
            code: 1006,
            reason: String::new(),
            was_open: entry.open,
            elapsed_ms: 0.0,
        });
    }
}
