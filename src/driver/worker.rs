//! A dedicated Worker of the page with its message and error handlers, shared by the
//! timer service ([`super::timer`]) and the socket relay ([`super::relay`]).

use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{MessageEvent, Worker};

/// An event handler of the worker.
type Handler = Closure<dyn FnMut(JsValue)>;

/// A running worker; dropping it terminates the worker.
pub struct PageWorker {
    worker: Worker,
    /// The message and error handlers, kept alive with the worker.
    handlers: Option<[Handler; 2]>,
}

impl PageWorker {
    /// Starts the worker script at `url`: `on_message` gets the data of each message it
    /// posts, and `on_error` runs when it fails to load or run. `None` when the browser
    /// refuses to create it.
    pub fn start(url: &str, on_message: fn(JsValue), on_error: fn()) -> Option<PageWorker> {
        let worker = Worker::new(url).ok()?;
        let on_message = Handler::new(move |e: JsValue| {
            if let Some(m) = e.dyn_ref::<MessageEvent>() {
                on_message(m.data());
            }
        });
        let on_error = Handler::new(move |_: JsValue| on_error());
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        Some(PageWorker {
            worker,
            handlers: Some([on_message, on_error]),
        })
    }

    /// Posts `message`; false if it could not be posted.
    pub fn post(&self, message: &JsValue) -> bool {
        self.worker.post_message(message).is_ok()
    }

    /// Posts `message`, moving the buffers in `transfer` to the worker; false if it could
    /// not be posted.
    pub fn post_transferring(&self, message: &JsValue, transfer: &JsValue) -> bool {
        self.worker
            .post_message_with_transfer(message, transfer)
            .is_ok()
    }
}

impl Drop for PageWorker {
    /// Terminates the worker. Its handlers are leaked, not freed: a worker is dropped
    /// from its own error handler when it fails, and freeing a closure while it runs
    /// breaks it. This happens at most once per worker and page.
    fn drop(&mut self) {
        self.worker.set_onmessage(None);
        self.worker.set_onerror(None);
        self.worker.terminate();
        for handler in self.handlers.take().into_iter().flatten() {
            handler.forget();
        }
    }
}
