//! The transports a connection's bytes travel on, chosen by its URL ([`Transport`]):
//! a browser WebSocket carrying MQTT (subprotocol `mqtt`, binary frames as array
//! buffers, run in the socket worker when it runs ([`super::relay`] says why), on the
//! page otherwise), or the sandbox broker in its own worker for `sandbox://` URLs. Both
//! report the same [`SocketEvent`]s, so the driver above does not know which it has.

use std::cell::Cell;
use std::rc::Rc;

use js_sys::{ArrayBuffer, Uint8Array};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{BinaryType, CloseEvent, MessageEvent, WebSocket};

use super::event::SocketEvent;
use super::relay::{Relay, RelayedSocket};
use crate::clock;
use crate::doctor::is_sandbox_url;

/// The transport seam: where a URL's connection runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transport {
    /// A WebSocket (`ws://`, `wss://`), in the socket worker or on the page.
    WebSocket,
    /// The sandbox broker (`sandbox://`), in the sandbox worker, loaded on first use.
    Sandbox,
}

impl Transport {
    /// The transport for `url`.
    pub fn for_url(url: &str) -> Transport {
        if is_sandbox_url(url) {
            Transport::Sandbox
        } else {
            Transport::WebSocket
        }
    }
}

/// The WebSocket subprotocol MQTT uses [MQTT-6.0.0-3].
pub const SUBPROTOCOL: &str = "mqtt";

/// An open (or opening) WebSocket and its event handlers. Dropping it closes the socket
/// and silences its handlers.
pub enum Socket {
    /// In the socket worker.
    Relayed(RelayedSocket),
    /// On the page.
    Page {
        /// The socket.
        ws: WebSocket,
        /// Its event handlers, kept alive.
        handlers: Vec<Closure<dyn FnMut(JsValue)>>,
    },
}

impl Socket {
    /// Opens a WebSocket to `url` asking for `protocols` (empty: none); `on_event` gets
    /// everything it reports. Fails (with the browser's message) when the URL is refused
    /// outright: a syntax error, a blocked port, mixed content.
    pub fn open(
        url: &str,
        protocols: &[&str],
        on_event: impl Fn(SocketEvent) + 'static,
    ) -> Result<Socket, String> {
        let on_event: Rc<dyn Fn(SocketEvent)> = Rc::new(on_event);
        if Transport::for_url(url) == Transport::Sandbox {
            return RelayedSocket::open(Relay::Sandbox, url, protocols, on_event)
                .map(Socket::Relayed)
                .ok_or_else(|| "the sandbox broker could not start in this browser".to_owned());
        }
        let relayed = RelayedSocket::open(Relay::Sockets, url, protocols, Rc::clone(&on_event));
        if let Some(relayed) = relayed {
            return Ok(Socket::Relayed(relayed));
        }
        let list = js_sys::Array::new();
        for p in protocols {
            list.push(&JsValue::from_str(p));
        }
        let ws = WebSocket::new_with_str_sequence(url, &list).map_err(describe_exception)?;
        ws.set_binary_type(BinaryType::Arraybuffer);
        let handlers = attach(&ws, on_event);
        Ok(Socket::Page { ws, handlers })
    }

    /// Sends one binary message; false when the socket is not open.
    pub fn send(&self, bytes: &[u8]) -> bool {
        match self {
            Socket::Relayed(relayed) => relayed.send(bytes),
            Socket::Page { ws, .. } => {
                ws.ready_state() == WebSocket::OPEN && ws.send_with_u8_array(bytes).is_ok()
            }
        }
    }

    /// Asks a worker's socket what it holds for the page (its flow control), so that a
    /// keep-alive deadline is judged with it: [`SocketEvent::Synced`] follows. False for a
    /// socket on the page, which holds nothing (or when the worker is gone).
    pub fn sync(&self) -> bool {
        match self {
            Socket::Relayed(relayed) => relayed.sync(),
            Socket::Page { .. } => false,
        }
    }

    /// Whether the socket runs in the socket worker.
    pub fn in_worker(&self) -> bool {
        matches!(self, Socket::Relayed(_))
    }
}

impl Drop for Socket {
    fn drop(&mut self) {
        if let Socket::Page { ws, .. } = self {
            ws.set_onopen(None);
            ws.set_onmessage(None);
            ws.set_onclose(None);
            let _ = ws.close_with_code(1000);
        }
    }
}

/// Installs the open, message and close handlers; returns them to keep them alive.
fn attach(ws: &WebSocket, on_event: Rc<dyn Fn(SocketEvent)>) -> Vec<Closure<dyn FnMut(JsValue)>> {
    let started = clock::monotonic_ms();
    let opened = Rc::new(Cell::new(false));
    let (sink, flag, socket) = (Rc::clone(&on_event), Rc::clone(&opened), ws.clone());
    let on_open = Closure::<dyn FnMut(JsValue)>::new(move |_: JsValue| {
        flag.set(true);
        sink(SocketEvent::Open {
            protocol: socket.protocol(),
        });
    });
    let sink = Rc::clone(&on_event);
    let on_message = Closure::<dyn FnMut(JsValue)>::new(move |e: JsValue| {
        if let Some(event) = e.dyn_ref::<MessageEvent>().map(message_event) {
            sink(event);
        }
    });
    let on_close = Closure::<dyn FnMut(JsValue)>::new(move |e: JsValue| {
        let Some(close) = e.dyn_ref::<CloseEvent>() else {
            return;
        };
        on_event(SocketEvent::Closed {
            code: close.code(),
            reason: close.reason(),
            was_open: opened.get(),
            elapsed_ms: clock::monotonic_ms() - started,
        });
    });
    ws.set_onopen(Some(on_open.as_ref().unchecked_ref()));
    ws.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    ws.set_onclose(Some(on_close.as_ref().unchecked_ref()));
    vec![on_open, on_message, on_close]
}

/// A message event as bytes (binary) or as the forbidden text frame.
fn message_event(e: &MessageEvent) -> SocketEvent {
    match e.data().dyn_into::<ArrayBuffer>() {
        Ok(buffer) => SocketEvent::Data(vec![Uint8Array::new(&buffer).to_vec()]),
        Err(_) => SocketEvent::Text,
    }
}

/// The message of an exception the WebSocket constructor threw.
fn describe_exception(e: JsValue) -> String {
    e.dyn_ref::<js_sys::Error>()
        .map(|err| String::from(err.message()))
        .or_else(|| e.as_string())
        .unwrap_or_else(|| "the browser refused to open the connection".to_owned())
}
