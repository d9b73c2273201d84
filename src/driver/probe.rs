//! The connection doctor's probes: cheap network checks run after a handshake failed,
//! because the browser reports every failed WebSocket handshake the same way (close code
//! 1006, no reason). The facts they gather go to [`crate::doctor`], which explains them.

use std::cell::RefCell;
use std::rc::Rc;

use gloo_timers::callback::Timeout;
use js_sys::{Function, Promise};
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;
use web_sys::{RequestInit, RequestMode};

use super::event::SocketEvent;
use super::socket::Socket;

/// How long a probe may take before it counts as "no answer".
pub const PROBE_TIMEOUT_MS: u32 = 4_000;

/// Whether anything answers HTTP at `url` (a `no-cors` fetch: any response, even an
/// error page, counts; a refused connection, a TLS failure or a timeout does not).
pub async fn http_answers(url: &str) -> bool {
    let Some(window) = web_sys::window() else {
        return false;
    };
    let init = RequestInit::new();
    init.set_mode(RequestMode::NoCors);
    let fetch = window.fetch_with_str_and_init(url, &init);
    let outcome = JsFuture::from(race_timeout(fetch, PROBE_TIMEOUT_MS)).await;
    outcome.is_ok_and(|v| !v.is_undefined())
}

/// Whether a WebSocket to `url` asking for `protocols` opens; `Some(chosen subprotocol)`
/// if it does. The socket is closed right away.
pub async fn ws_opens(url: &str, protocols: &[&str]) -> Option<String> {
    let holder: Rc<RefCell<Option<Socket>>> = Rc::new(RefCell::new(None));
    let mut start = |resolve: Function, _reject: Function| {
        let keep = Rc::clone(&holder);
        let refused = resolve.clone();
        let opened = Socket::open(url, protocols, move |event| {
            let answer = match event {
                SocketEvent::Open { protocol } => JsValue::from_str(&protocol),
                _ => JsValue::UNDEFINED,
            };
            let _ = resolve.call1(&JsValue::NULL, &answer);
            // Closing here would drop the socket from inside its own handler; defer it.
            let keep = Rc::clone(&keep);
            Timeout::new(0, move || drop(keep.borrow_mut().take())).forget();
        });
        match opened {
            Ok(socket) => *holder.borrow_mut() = Some(socket),
            Err(_) => drop(refused.call0(&JsValue::NULL)),
        }
    };
    let promise = Promise::new(&mut start);
    let answer = JsFuture::from(race_timeout(promise, PROBE_TIMEOUT_MS)).await;
    holder.borrow_mut().take();
    answer.ok().and_then(|v| v.as_string())
}

/// `promise`, or `undefined` after `ms` milliseconds, whichever settles first.
fn race_timeout(promise: Promise, ms: u32) -> Promise {
    let timer = Promise::new(&mut |resolve: Function, _reject: Function| {
        Timeout::new(ms, move || {
            let _ = resolve.call0(&JsValue::NULL);
        })
        .forget();
    });
    Promise::race(&js_sys::Array::of2(&promise, &timer))
}
