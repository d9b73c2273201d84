//! The one timer of each connection, re-armed to the core's next deadline.
//!
//! # Why the timers run in a Worker
//!
//! Browsers throttle the timers of a background tab: Chromium runs them at most once a
//! second at once, and after five minutes hidden at most once a minute ("intensive wake-up
//! throttling"). A keep-alive of 60 s then misses its PINGREQ and the broker drops the
//! client after 1.5 × 60 s; this is MQTT.js issue #1257, the best-known failure of browser
//! MQTT clients. A dedicated Worker's timers are not throttled that way, and the message
//! it posts back wakes the page at once, so every connection's timer is armed in one
//! small worker (`timer-worker.js`) and fires through its `message` event.
//!
//! Measured by `tests/e2e/background.mjs` (part of `cargo xtask test`): in headless
//! Chromium with throttling on and the five-minute grace cut to 10 s, a page connected
//! with keep-alive 10 s and hidden behind another tab for 75 s sent its 7 PINGREQs at most
//! 10.0 s apart from this worker and kept its one connection, while a chained timer on the
//! same page was throttled. With the worker file missing, so that the timers ran on the
//! page, the same page lost its connection to the broker's keep-alive timeout in two of
//! three runs (Chromium did not always go on to one wake-up a minute within 75 s).
//!
//! When the worker cannot run (blocked by a policy, file missing), the service falls back
//! to `gloo-timers` on the page and re-arms every pending timer there, so a connection
//! never loses its deadline; it is then only as punctual as a background tab allows.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use gloo_timers::callback::Timeout;
use wasm_bindgen::JsValue;

use super::worker::PageWorker;
use crate::clock;

/// The worker script, copied next to `index.html` by Trunk.
const WORKER_URL: &str = "./timer-worker.js";

/// A timer that calls its callback once at the armed time. Re-arming replaces the previous
/// time; dropping it cancels it.
pub struct Timer {
    id: u32,
}

impl Timer {
    /// A disarmed timer that calls `on_fire` when it fires.
    pub fn new(on_fire: impl Fn() + 'static) -> Self {
        let id = with_service(|s| s.register(Rc::new(on_fire)));
        Timer { id }
    }

    /// Fires in `delay_ms` milliseconds (and not at any earlier time it was armed for).
    pub fn arm(&self, delay_ms: f64) {
        with_service(|s| s.arm(self.id, delay_ms.max(0.0)));
    }

    /// Disarms the timer.
    pub fn cancel(&self) {
        with_service(|s| s.cancel(self.id));
    }

    /// Whether the timers run in the worker (false: on the page, throttled in background).
    pub fn in_worker() -> bool {
        with_service(|s| s.worker.is_some())
    }
}

impl Drop for Timer {
    fn drop(&mut self) {
        with_service(|s| s.unregister(self.id));
    }
}

/// One registered timer.
struct Entry {
    on_fire: Rc<dyn Fn()>,
    /// When it is due (`performance.now()` milliseconds), if armed.
    due: Option<f64>,
    /// The page-side timeout, in fallback mode.
    local: Option<Timeout>,
}

/// Every timer of the page, and the worker that runs them.
struct Service {
    worker: Option<PageWorker>,
    entries: HashMap<u32, Entry>,
    next_id: u32,
}

thread_local! {
    static SERVICE: RefCell<Option<Service>> = const { RefCell::new(None) };
}

/// Runs `f` on the page's timer service, starting it on first use.
fn with_service<T>(f: impl FnOnce(&mut Service) -> T) -> T {
    SERVICE.with(|cell| {
        let mut slot = cell.borrow_mut();
        f(slot.get_or_insert_with(Service::start))
    })
}

impl Service {
    fn start() -> Self {
        let on_message = |data: JsValue| {
            if let Some(id) = data.as_f64() {
                fire(id as u32);
            }
        };
        Service {
            worker: PageWorker::start(WORKER_URL, on_message, fall_back),
            entries: HashMap::new(),
            next_id: 1,
        }
    }

    fn register(&mut self, on_fire: Rc<dyn Fn()>) -> u32 {
        let id = self.next_id;
        self.next_id = self.next_id.wrapping_add(1).max(1);
        let entry = Entry {
            on_fire,
            due: None,
            local: None,
        };
        self.entries.insert(id, entry);
        id
    }

    fn arm(&mut self, id: u32, delay_ms: f64) {
        let Some(entry) = self.entries.get_mut(&id) else {
            return;
        };
        entry.due = Some(clock::monotonic_ms() + delay_ms);
        match &self.worker {
            Some(worker) if post(worker, id, delay_ms) => {}
            Some(_) => self.run_locally(),
            None => entry.local = Some(local_timeout(id, delay_ms)),
        }
    }

    /// Stops the worker and runs every timer on the page, re-arming the pending ones.
    fn run_locally(&mut self) {
        self.worker = None;
        let now = clock::monotonic_ms();
        for (id, entry) in &mut self.entries {
            if let Some(due) = entry.due {
                entry.local = Some(local_timeout(*id, (due - now).max(0.0)));
            }
        }
    }

    fn cancel(&mut self, id: u32) {
        if let Some(entry) = self.entries.get_mut(&id) {
            entry.due = None;
            entry.local = None;
            if let Some(worker) = &self.worker {
                // A failed cancel is harmless: a stale firing finds the timer disarmed.
                post(worker, id, -1.0);
            }
        }
    }

    fn unregister(&mut self, id: u32) {
        self.cancel(id);
        self.entries.remove(&id);
    }
}

/// Tells the worker to arm (or, for a negative delay, cancel) timer `id`; false if the
/// message could not be posted.
fn post(worker: &PageWorker, id: u32, delay_ms: f64) -> bool {
    let message = js_sys::Array::of2(&JsValue::from(id), &JsValue::from(delay_ms));
    worker.post(&message)
}

/// A page-side timeout for timer `id`.
fn local_timeout(id: u32, delay_ms: f64) -> Timeout {
    // `as` saturates: a far deadline becomes the longest timeout, then re-arms.
    Timeout::new(delay_ms.ceil() as u32, move || fire(id))
}

/// Timer `id` fired: disarm it and call its callback (outside the service's borrow, since
/// the callback re-arms timers).
fn fire(id: u32) {
    let callback = SERVICE.with(|cell| {
        let mut slot = cell.borrow_mut();
        let entry = slot.as_mut()?.entries.get_mut(&id)?;
        entry.due.take()?;
        entry.local = None;
        Some(Rc::clone(&entry.on_fire))
    });
    if let Some(callback) = callback {
        callback();
    }
}

/// The worker failed to load or run: run every timer on the page from now on.
fn fall_back() {
    SERVICE.with(|cell| {
        if let Some(service) = cell.borrow_mut().as_mut() {
            service.run_locally();
        }
    });
}
