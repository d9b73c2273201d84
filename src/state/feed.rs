//! The page's side of the payload frame (`payload.html`): one export, which `boot.js` puts on
//! the window as `mqttscopeMessages`, through which the frame (same origin) reads a
//! connection's messages when it opens and as it follows a topic. Encoded by
//! [`crate::model::feed`]; nothing here runs unless a frame asks.

use std::cell::{Cell, RefCell};

use leptos::prelude::*;
use mqttscope_proto::codec::topic::matches;
use wasm_bindgen::prelude::wasm_bindgen;

use crate::model::feed::encode;
use crate::model::message::MessageRow;
use crate::state::workspace::Workspace;

thread_local! {
    static WORKSPACE: Cell<Option<Workspace>> = const { Cell::new(None) };
    /// The message shown in the detail, and its connection: what its Decoded view reads.
    static SHOWN: RefCell<Option<(u32, MessageRow)>> = const { RefCell::new(None) };
}

/// Keeps `row` of connection `conn` readable by the frame after the history lets it go (a
/// flood evicts a message within a second).
pub fn keep_shown(conn: u32, row: MessageRow) {
    SHOWN.with(|s| *s.borrow_mut() = Some((conn, row)));
}

/// Makes the workspace readable by [`messages`].
pub fn share(ws: Workspace) {
    WORKSPACE.with(|w| w.set(Some(ws)));
}

/// The messages of connection `conn` whose id is above `after` and below `before`, whose
/// topic matches `filter` (every topic for an empty filter), at most the newest `limit`,
/// oldest first, encoded by [`crate::model::feed`]; when the history has none, the message
/// of [`keep_shown`] if it is in the range.
#[wasm_bindgen(js_name = mqttscopeMessages)]
pub fn messages(conn: u32, filter: &str, after: f64, before: f64, limit: u32) -> Vec<u8> {
    let Some(ws) = WORKSPACE.with(Cell::get) else {
        return Vec::new();
    };
    let Some(c) = ws
        .conns
        .with_untracked(|cs| cs.iter().find(|c| c.id == conn).copied())
    else {
        return Vec::new();
    };
    c.data.with_value(|d| {
        let mut picked: Vec<_> = d
            .messages
            .iter()
            .rev()
            .filter(|m| (m.id as f64) > after && (m.id as f64) < before)
            .filter(|m| filter.is_empty() || matches(filter, &m.topic))
            .take(limit as usize)
            .collect();
        picked.reverse();
        let mut out = Vec::new();
        for m in picked {
            encode(m, &mut out);
        }
        if out.is_empty() {
            SHOWN.with(|s| match &*s.borrow() {
                Some((c, m)) if *c == conn && (m.id as f64) > after && (m.id as f64) < before => {
                    encode(m, &mut out)
                }
                _ => {}
            });
        }
        out
    })
}
