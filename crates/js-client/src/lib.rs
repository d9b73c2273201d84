//! The wasm-bindgen glue of the npm package's `mqttscope` entry: the core's sans-IO MQTT
//! client behind one class, [`Core`], that the package's JavaScript driver runs.
//!
//! The driver (`npm/client/driver.js`, in a Worker or on the page) owns the WebSocket and
//! one timer, as the page's driver does (`src/driver/`): it hands the core what happened
//! (`handleBytes`, `handleClosed`, `handleTimeout`) and what the user asked (`publish`,
//! `subscribe`, ...), each with the time `now` in milliseconds, and after every call takes
//! what to do from [`Core::drain`]: bytes to send, events, and when to call back. Every
//! protocol decision (keep-alive, QoS flows, reconnect backoff, resubscribing, session
//! resumption) is the core's; nothing here decides anything.
//!
//! Nothing here panics on any input: wrong values are thrown as error objects (see
//! [`error`]), which the package turns into its error classes.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod error;
pub mod events;
pub mod options;

use std::cell::Cell;

use js_sys::Array;
use mqttscope_js_glue::{FromJs, ToJs};
use mqttscope_proto::client::{Client, Instant, Message, Output};
use mqttscope_proto::codec::{PublishProperties, SubscribeProperties, Subscription};
use mqttscope_proto::{QoS, ReasonCode};
use wasm_bindgen::prelude::*;

/// A time from the driver's monotonic clock (`performance.now()`), in milliseconds.
fn at(now: f64) -> Instant {
    Instant::from_millis(now.max(0.0) as u64)
}

/// A value read from JavaScript at `field`, or the `UsageError` object naming it.
fn read<T: FromJs>(v: &JsValue, field: &str) -> Result<T, JsValue> {
    T::from_js(v, field).map_err(|f| f.to_js())
}

/// One MQTT client: the core's state machine and the filters the driver watches.
#[wasm_bindgen]
pub struct Core {
    client: Client,
    /// Report every packet (`packet` events): off until someone listens.
    packets: bool,
    /// Filters whose matching messages the driver wants tagged, by the driver's ids.
    watches: Vec<(u32, String)>,
    /// How long a connection may take to be accepted, in milliseconds: the driver gives
    /// the WebSocket's opening as long, since the core's timer starts with CONNECT.
    connect_timeout_ms: f64,
    /// The Remaining Length of the last packet received, for the events it brings.
    received_length: Cell<f64>,
}

#[wasm_bindgen]
impl Core {
    /// A client with `options` (see `options.rs` for the object) that has not connected.
    #[wasm_bindgen(constructor)]
    pub fn new(options: JsValue, now: f64) -> Result<Core, JsValue> {
        let opts = options::client_options(&options).map_err(|f| f.to_js())?;
        let connect_timeout_ms = opts.connect_timeout.as_millis() as f64;
        let client = Client::new(opts, at(now));
        // Refused now, naming the option, rather than once a socket has opened.
        client
            .check_connect()
            .map_err(|e| error::connect_options(&e))?;
        Ok(Core {
            connect_timeout_ms,
            client,
            packets: false,
            watches: Vec::new(),
            received_length: Cell::new(0.0),
        })
    }

    /// Whether `packet` events are reported.
    #[wasm_bindgen(js_name = setPackets)]
    pub fn set_packets(&mut self, on: bool) {
        self.packets = on;
    }

    /// Tags messages whose topic matches `filter` with `id` (their `watches`).
    pub fn watch(&mut self, id: u32, filter: String) {
        self.watches.push((id, filter));
    }

    /// Stops tagging messages with `id`.
    pub fn unwatch(&mut self, id: u32) {
        self.watches.retain(|(w, _)| *w != id);
    }

    /// Sends CONNECT on a freshly opened transport.
    pub fn connect(&mut self, now: f64) -> Result<(), JsValue> {
        self.client.connect(at(now)).map_err(|e| error::client(&e))
    }

    /// Bytes received from the transport (one WebSocket message, any framing).
    #[wasm_bindgen(js_name = handleBytes)]
    pub fn handle_bytes(&mut self, now: f64, bytes: &[u8]) {
        self.client.handle_bytes(at(now), bytes);
    }

    /// Bytes arrived at `at` that the driver holds back while the client catches up: they
    /// answer for the keep-alive (see [`Client::handle_withheld`]).
    #[wasm_bindgen(js_name = handleWithheld)]
    pub fn handle_withheld(&mut self, at: f64) {
        self.client.handle_withheld(self::at(at));
    }

    /// How long a connection may take to be accepted, in milliseconds.
    #[wasm_bindgen(getter, js_name = connectTimeout)]
    pub fn connect_timeout(&self) -> f64 {
        self.connect_timeout_ms
    }

    /// The transport closed, or could not be opened.
    #[wasm_bindgen(js_name = handleClosed)]
    pub fn handle_closed(&mut self, now: f64) {
        self.client.handle_closed(at(now));
    }

    /// The timer fired (early or twice does nothing).
    #[wasm_bindgen(js_name = handleTimeout)]
    pub fn handle_timeout(&mut self, now: f64) {
        self.client.handle_timeout(at(now));
    }

    /// Publishes; returns the handle its `published` event (or `publishLost`) names.
    pub fn publish(
        &mut self,
        now: f64,
        topic: String,
        payload: Vec<u8>,
        qos: JsValue,
        retain: bool,
        properties: JsValue,
    ) -> Result<f64, JsValue> {
        let mut msg = Message::new(topic, payload);
        msg.qos = read::<QoS>(&qos, "options.qos")?;
        msg.retain = retain;
        if !properties.is_undefined() {
            msg.properties = read::<PublishProperties>(&properties, "options.properties")?;
        }
        let handle = self.client.publish(at(now), msg);
        Ok(handle.map_err(|e| error::client(&e))?.id() as f64)
    }

    /// Subscribes to `subscriptions` (`{ filter, qos, noLocal, ... }` each); returns the
    /// handle its `subscribed` (or `lost`) event names.
    pub fn subscribe(
        &mut self,
        now: f64,
        subscriptions: JsValue,
        properties: JsValue,
    ) -> Result<f64, JsValue> {
        let subs = read::<Vec<Subscription>>(&subscriptions, "filters")?;
        let props = match properties.is_undefined() {
            true => SubscribeProperties::default(),
            false => read(&properties, "options.properties")?,
        };
        let handle = self.client.subscribe(at(now), subs, props);
        Ok(handle.map_err(|e| error::client(&e))?.id() as f64)
    }

    /// Unsubscribes from `filters`; returns the handle its `unsubscribed` event names.
    /// While not connected the filters are forgotten instead, as the page forgets them
    /// (see [`Client::forget_subscriptions`]): nothing is sent now and no event follows, so
    /// it returns -1.
    pub fn unsubscribe(&mut self, now: f64, filters: JsValue) -> Result<f64, JsValue> {
        let filters = read::<Vec<String>>(&filters, "filters")?;
        if !self.connected() {
            self.client.forget_subscriptions(filters);
            return Ok(-1.0);
        }
        let handle = self
            .client
            .unsubscribe(at(now), filters, Default::default());
        Ok(handle.map_err(|e| error::client(&e))?.id() as f64)
    }

    /// Sends DISCONNECT (normal disconnection) when connected; the driver then closes
    /// the transport and drops the core.
    pub fn disconnect(&mut self, now: f64) {
        let _ = self.client.disconnect(at(now), ReasonCode::Success);
    }

    /// The keep alive in force, in seconds: the one asked for, or the server's (Server Keep
    /// Alive) once a CONNACK said so; after a connection ended, that connection's.
    #[wasm_bindgen(getter, js_name = keepAlive)]
    pub fn keep_alive(&self) -> u16 {
        self.client.limits().keep_alive
    }

    /// Whether a CONNACK accepted the current connection.
    #[wasm_bindgen(getter)]
    pub fn connected(&self) -> bool {
        self.client.state() == mqttscope_proto::client::State::Connected
    }

    /// Everything to do now, in order: a `Uint8Array` is one packet to send, an object
    /// an event (see [`events`]); the last item is the time to call `handleTimeout` at
    /// (`-1`: no timer).
    pub fn drain(&mut self, now: f64) -> Array {
        let out = Array::new();
        loop {
            match self.client.poll_output(at(now)) {
                Output::Transmit(bytes) => {
                    out.push(&js_sys::Uint8Array::from(&bytes[..]));
                }
                Output::Event(event) => {
                    if let Some(v) = events::to_js(self, event) {
                        out.push(&v);
                    }
                }
                Output::Timeout(t) => {
                    let ms = t.as_millis();
                    out.push(&JsValue::from_f64(match ms {
                        u64::MAX => -1.0,
                        ms => ms as f64,
                    }));
                    return out;
                }
            }
        }
    }
}

/// The specification's name of reason code `code` ("Not authorized"), or "" when MQTT 5
/// defines none.
#[wasm_bindgen(js_name = reasonName)]
pub fn reason_name(code: u8) -> String {
    ReasonCode::from_u8(code)
        .map_or("", ReasonCode::name)
        .to_owned()
}
