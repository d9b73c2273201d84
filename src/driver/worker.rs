//! A Worker of the page with its message and error handlers, shared by the timer
//! service ([`super::timer`]) and the relays ([`super::relay`]): a dedicated Worker, or a
//! SharedWorker (one for every tab of the page) reached through its port.

use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{MessageEvent, MessagePort, SharedWorker, Worker};

/// An event handler of the worker.
type Handler = Closure<dyn FnMut(JsValue)>;

/// Where messages go.
enum Target {
    /// A dedicated worker of this page.
    Dedicated(Worker),
    /// A SharedWorker, through this page's port.
    Shared(SharedWorker, MessagePort),
}

/// A running worker; dropping it terminates the worker (a SharedWorker: leaves it).
pub struct PageWorker {
    target: Target,
    /// The message and error handlers, kept alive with the worker.
    handlers: Option<[Handler; 2]>,
}

impl PageWorker {
    /// Starts the worker script at `url`: `on_message` gets the data of each message it
    /// posts, and `on_error` runs when it fails to load or run. `None` when the browser
    /// refuses to create it.
    pub fn start(url: &str, on_message: fn(JsValue), on_error: fn()) -> Option<PageWorker> {
        let worker = Worker::new(url).ok()?;
        let [on_message, on_error] = handlers(on_message, on_error);
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        Some(PageWorker {
            target: Target::Dedicated(worker),
            handlers: Some([on_message, on_error]),
        })
    }

    /// [`PageWorker::start`] as a SharedWorker, which every tab of the page that starts
    /// the same script shares; a dedicated Worker where the browser has none.
    pub fn start_shared(url: &str, on_message: fn(JsValue), on_error: fn()) -> Option<PageWorker> {
        let Ok(shared) = SharedWorker::new(url) else {
            return PageWorker::start(url, on_message, on_error);
        };
        let port = shared.port();
        let [on_message, on_error] = handlers(on_message, on_error);
        port.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        shared.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        Some(PageWorker {
            target: Target::Shared(shared, port),
            handlers: Some([on_message, on_error]),
        })
    }

    /// Posts `message`; false if it could not be posted.
    pub fn post(&self, message: &JsValue) -> bool {
        match &self.target {
            Target::Dedicated(worker) => worker.post_message(message).is_ok(),
            Target::Shared(_, port) => port.post_message(message).is_ok(),
        }
    }

    /// Posts `message`, moving the buffers in `transfer` to the worker; false if it could
    /// not be posted.
    pub fn post_transferring(&self, message: &JsValue, transfer: &JsValue) -> bool {
        match &self.target {
            Target::Dedicated(w) => w.post_message_with_transfer(message, transfer).is_ok(),
            Target::Shared(_, port) => port
                .post_message_with_transferable(message, transfer)
                .is_ok(),
        }
    }
}

/// The message and error handlers of a worker.
fn handlers(on_message: fn(JsValue), on_error: fn()) -> [Handler; 2] {
    let on_message = Handler::new(move |e: JsValue| {
        if let Some(m) = e.dyn_ref::<MessageEvent>() {
            on_message(m.data());
        }
    });
    [on_message, Handler::new(move |_: JsValue| on_error())]
}

impl Drop for PageWorker {
    /// Terminates the worker. Its handlers are leaked, not freed: a worker is dropped
    /// from its own error handler when it fails, and freeing a closure while it runs
    /// breaks it. This happens at most once per worker and page.
    fn drop(&mut self) {
        match &self.target {
            Target::Dedicated(worker) => {
                worker.set_onmessage(None);
                worker.set_onerror(None);
                worker.terminate();
            }
            Target::Shared(shared, port) => {
                port.set_onmessage(None);
                shared.set_onerror(None);
                port.close();
            }
        }
        for handler in self.handlers.take().into_iter().flatten() {
            handler.forget();
        }
    }
}
