//! The exports the sandbox worker's hub (`npm/sandbox/sandbox-hub.js`, in the page's
//! `sandbox-worker.js` and the npm package's) calls, and the one import it provides
//! (`sandboxPost`). Each export takes the worker's clock (`performance.now()`) and
//! returns when to call [`sandbox_timeout`] next (milliseconds on that clock, or -1 for
//! never).

use std::cell::RefCell;

use js_sys::{Array, ArrayBuffer, Uint8Array};
use mqttscope_proto::client::Instant;
use mqttscope_sandbox::monitor::Command;
use mqttscope_sandbox::{PacketRecord, PortId, Sandbox, ToPage};
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    /// Posts `message` to port `port`, transferring the buffers in `transfer`.
    #[wasm_bindgen(js_name = sandboxPost)]
    fn sandbox_post(port: u32, message: &JsValue, transfer: &JsValue);

    /// The worker's `performance.timeOrigin`.
    #[wasm_bindgen(thread_local_v2, js_namespace = performance, js_name = timeOrigin)]
    static TIME_ORIGIN: f64;
}

thread_local! {
    static SANDBOX: RefCell<Option<Sandbox>> = const { RefCell::new(None) };
}

/// One message from page `port` (`socket-worker.js`'s page-to-worker protocol; the hub
/// handles `attach` itself).
#[wasm_bindgen]
pub fn sandbox_message(port: u32, data: JsValue, now: f64) -> f64 {
    let now = instant(now);
    run(now, |s| {
        let Some(message) = data.dyn_ref::<Array>() else {
            return;
        };
        let port = PortId(port);
        let id = message.get(1).as_f64().unwrap_or(-1.0) as u32;
        match message.get(0).as_string().as_deref() {
            Some("open") => {
                let url = message.get(2).as_string().unwrap_or_default();
                let protocols: Vec<String> = message
                    .get(3)
                    .dyn_into::<Array>()
                    .map(|a| a.iter().filter_map(|p| p.as_string()).collect())
                    .unwrap_or_default();
                s.open(port, id, &url, &protocols, now);
            }
            Some("send") => {
                // Only an ArrayBuffer: `new Uint8Array(x)` throws for some other values.
                if let Ok(buffer) = message.get(2).dyn_into::<ArrayBuffer>() {
                    s.send(port, id, &Uint8Array::new(&buffer).to_vec(), now);
                }
            }
            Some("close") => s.close(port, id, now),
            Some("ack") => {
                let bytes = message.get(2).as_f64().unwrap_or(0.0);
                s.ack(port, id, bytes.max(0.0) as usize);
            }
            Some("sync") => s.sync(port, id),
            Some("bye") => s.port_gone(port, now),
            // The broker pane: ["command", json].
            Some("command") => {
                let json = message.get(1).as_string().unwrap_or_default();
                match Command::from_json(&json) {
                    Ok(command) => s.command(port, command, now),
                    Err(e) => s.command_refused(port, format!("not a command: {e}"), now),
                }
            }
            _ => {}
        }
    })
}

/// Page `port` is gone.
#[wasm_bindgen]
pub fn sandbox_port_gone(port: u32, now: f64) -> f64 {
    let now = instant(now);
    run(now, |s| s.port_gone(PortId(port), now))
}

/// The timer fired.
#[wasm_bindgen]
pub fn sandbox_timeout(now: f64) -> f64 {
    let now = instant(now);
    run(now, |s| s.handle_timeout(now))
}

fn instant(ms: f64) -> Instant {
    Instant::from_millis(if ms.is_finite() && ms > 0.0 {
        ms as u64
    } else {
        0
    })
}

/// Runs `f` on the sandbox (started on first use), posts what it has for the pages and
/// returns its next deadline.
fn run(now: Instant, f: impl FnOnce(&mut Sandbox)) -> f64 {
    SANDBOX.with(|cell| {
        let mut slot = cell.borrow_mut();
        let sandbox = slot.get_or_insert_with(|| Sandbox::new(seed(), now));
        f(sandbox);
        while let Some((port, message)) = sandbox.poll_page() {
            post(port, message);
        }
        let at = sandbox.deadline().as_millis();
        if at == u64::MAX {
            -1.0
        } else {
            at as f64
        }
    })
}

fn seed() -> u64 {
    (js_sys::Math::random() * 9_007_199_254_740_991.0) as u64
}

/// Posts one message in `socket-worker.js`'s worker-to-page form.
fn post(port: PortId, message: ToPage) {
    let transfer = Array::new();
    let value = match message {
        ToPage::Open { id, protocol } => Array::of3(&id.into(), &"open".into(), &protocol.into()),
        ToPage::Data { id, batch } => {
            let list = Array::new();
            for bytes in batch {
                let buffer = Uint8Array::from(bytes.as_slice()).buffer();
                list.push(&buffer);
                transfer.push(&buffer);
            }
            Array::of3(&id.into(), &"data".into(), &list)
        }
        ToPage::Close {
            id,
            code,
            reason,
            was_open,
            elapsed_ms,
        } => {
            let parts = [
                JsValue::from(id),
                "close".into(),
                code.into(),
                reason.into(),
                was_open.into(),
                (elapsed_ms as f64).into(),
            ];
            parts.into_iter().collect()
        }
        ToPage::Synced { id, held_at } => {
            let at = held_at.map_or(JsValue::NULL, |at| {
                (time_origin() + at.as_millis() as f64).into()
            });
            Array::of3(&id.into(), &"synced".into(), &at)
        }
        ToPage::Monitor { json } => Array::of2(&"monitor".into(), &json.into()),
        ToPage::Packets { batch } => {
            Array::of2(&"monitor-packets".into(), &records(batch, &transfer))
        }
    };
    sandbox_post(port.0, &value, &transfer);
}

/// The worker's `performance.timeOrigin`: added to its clock, a time the page can read
/// on its own (`socket-worker.js` dates what it holds the same way).
fn time_origin() -> f64 {
    TIME_ORIGIN.with(|origin| *origin)
}

/// Packet records as one flat array: conn, sent, at_ms, ArrayBuffer, conn, ...
fn records(batch: Vec<PacketRecord>, transfer: &Array) -> Array {
    let list = Array::new();
    for r in batch {
        let buffer = Uint8Array::from(r.bytes.as_slice()).buffer();
        list.push(&JsValue::from(r.conn as f64));
        list.push(&JsValue::from(r.sent));
        list.push(&JsValue::from(r.at_ms as f64));
        list.push(&buffer);
        transfer.push(&buffer);
    }
    list
}
