//! What the payload frame reads from its surroundings: which message (the frame's address),
//! the page's messages (the page's `mqttscopeMessages` export, same origin), and the rules
//! and schemas it keeps in localStorage by the connection's broker address.

use js_sys::{Function, Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};

use crate::model::feed::{decode, FedMessage};

/// Which message the frame shows: `payload.html#conn=<id>&key=<broker address>&id=<id>`.
#[derive(Clone, Debug, PartialEq)]
pub struct Params {
    /// The page's connection id.
    pub conn: u32,
    /// The message id.
    pub id: f64,
    /// The connection's broker address: what rules and schemas are kept by.
    pub key: String,
}

/// The frame's address read, or `None` when it names no message.
pub fn params() -> Option<Params> {
    let hash = web_sys::window()?.location().hash().ok()?;
    parse_params(hash.trim_start_matches('#'))
}

/// The parameters of `conn=3&key=ws%3A%2F%2F...&id=42`.
pub fn parse_params(s: &str) -> Option<Params> {
    let get = |name: &str| {
        s.split('&')
            .find_map(|kv| kv.strip_prefix(name)?.strip_prefix('='))
    };
    let key = js_sys::decode_uri_component(get("key")?)
        .ok()?
        .as_string()?;
    Some(Params {
        conn: get("conn")?.parse().ok()?,
        id: get("id")?.parse().ok()?,
        key,
    })
}

/// The page's messages of connection `conn` with ids in `after..before` (exclusive) whose
/// topic matches `filter` (all for ""), the newest `limit`, oldest first. Empty when the
/// frame is not inside the page.
pub fn messages(conn: u32, filter: &str, after: f64, before: f64, limit: u32) -> Vec<FedMessage> {
    // The function and its result come from the page's realm, where `instanceof` checks
    // against this frame's constructors fail: hence `typeof` and a copy by construction.
    let call = || -> Option<Vec<u8>> {
        let parent = web_sys::window()?.parent().ok()??;
        let f = Reflect::get(&parent, &"mqttscopeMessages".into()).ok()?;
        if !f.is_function() {
            return None;
        }
        let args: [JsValue; 5] = [
            conn.into(),
            filter.into(),
            after.into(),
            before.into(),
            limit.into(),
        ];
        let f = f.unchecked_into::<Function>();
        let out = f.apply(&JsValue::NULL, &args.into_iter().collect()).ok()?;
        Some(Uint8Array::new(&out).to_vec())
    };
    call().and_then(|b| decode(&b)).unwrap_or_default()
}

/// The one message the frame shows.
pub fn message(p: &Params) -> Option<FedMessage> {
    messages(p.conn, "", p.id - 1.0, p.id + 1.0, 1).pop()
}

fn storage_key(kind: &str, key: &str) -> String {
    format!("mqttscope.payload.{kind}.{key}")
}

/// What localStorage keeps of `kind` (`rules`, `schemas`) for broker `key`.
pub fn load(kind: &str, key: &str) -> String {
    let storage = web_sys::window().and_then(|w| w.local_storage().ok().flatten());
    storage
        .and_then(|s| s.get_item(&storage_key(kind, key)).ok().flatten())
        .unwrap_or_default()
}

/// Keeps `text` as `kind` for broker `key`; says why not when the browser refuses.
pub fn save(kind: &str, key: &str, text: &str) -> Result<(), String> {
    let storage = web_sys::window().and_then(|w| w.local_storage().ok().flatten());
    let storage = storage.ok_or("this browser has no localStorage")?;
    storage
        .set_item(&storage_key(kind, key), text)
        .map_err(|_| "localStorage refused it (full?)".to_string())
}

#[cfg(all(test, target_arch = "wasm32"))]
mod tests {
    use super::*;
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn params_read_the_address() {
        let p = parse_params("conn=3&key=ws%3A%2F%2F127.0.0.1%3A9001&id=42").unwrap();
        assert_eq!(
            p,
            Params {
                conn: 3,
                id: 42.0,
                key: "ws://127.0.0.1:9001".into()
            }
        );
        assert_eq!(parse_params("conn=3&id=42"), None);
    }
}
