//! Tabs of the page that connect with the same client id to the same broker would take
//! the session from each other forever: each reconnect of one drops the other, and
//! mosquitto 2.0 says nothing of it (it closes the old connection without DISCONNECT
//! 0x8E). So a tab announces each connection on a `BroadcastChannel`, and a tab holding
//! the same session steps back: it disconnects (keeping the session for later), does not
//! reconnect, and the doctor says why.

use std::cell::RefCell;

use leptos::prelude::*;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

use crate::state::actions;
use crate::state::connection::{Conn, ConnStatus};
use crate::state::kept::SessionKey;

/// The channel's name (one per origin).
const CHANNEL: &str = "mqttscope.sessions";

/// This tab's channel, its listener, and the sessions it holds.
struct Tabs {
    channel: web_sys::BroadcastChannel,
    _listener: Closure<dyn FnMut(web_sys::MessageEvent)>,
    held: Vec<(SessionKey, Conn)>,
}

thread_local! {
    static TABS: RefCell<Option<Tabs>> = const { RefCell::new(None) };
}

/// The message announcing a connection to `key`: its URL and client id.
pub fn announcement(key: &SessionKey) -> String {
    format!("{}\n{}", key.url, key.client_id)
}

/// Whether `text`, announced by another tab, takes the session `key` over: the same
/// broker URL and the same non-empty client id (an empty one is assigned by the broker,
/// different for each connection).
pub fn takes_over(text: &str, key: &SessionKey) -> bool {
    !key.client_id.is_empty() && text == announcement(key)
}

/// Tells the other tabs that `conn` connects to the session `key`, and holds it here.
pub fn announce(key: SessionKey, conn: Conn) {
    with_tabs(|t| {
        let _ = t.channel.post_message(&announcement(&key).into());
        t.held.retain(|(_, c)| c.id != conn.id);
        t.held.push((key, conn));
    });
}

/// `conn` no longer holds a session here.
pub fn release(conn: Conn) {
    with_tabs(|t| t.held.retain(|(_, c)| c.id != conn.id));
}

fn with_tabs(f: impl FnOnce(&mut Tabs)) {
    TABS.with(|cell| {
        let mut tabs = cell.borrow_mut();
        if tabs.is_none() {
            *tabs = open();
        }
        if let Some(t) = tabs.as_mut() {
            f(t);
        }
    });
}

/// The channel, where the browser has one.
fn open() -> Option<Tabs> {
    let channel = web_sys::BroadcastChannel::new(CHANNEL).ok()?;
    let listener = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(|e: web_sys::MessageEvent| {
        if let Some(text) = e.data().as_string() {
            on_announcement(&text);
        }
    });
    channel.set_onmessage(Some(listener.as_ref().unchecked_ref()));
    Some(Tabs {
        channel,
        _listener: listener,
        held: Vec::new(),
    })
}

/// Another tab connected: the connections here with the same session step back.
fn on_announcement(text: &str) {
    let taken: Vec<(SessionKey, Conn)> = TABS.with(|cell| {
        let mut tabs = cell.borrow_mut();
        let Some(t) = tabs.as_mut() else {
            return Vec::new();
        };
        let (taken, kept) = std::mem::take(&mut t.held)
            .into_iter()
            .partition(|(key, _)| takes_over(text, key));
        t.held = kept;
        taken
    });
    for (key, conn) in taken {
        if conn.status.is_disposed() {
            continue;
        }
        actions::disconnect(conn);
        let d = crate::doctor::taken_by_another_tab(&key.url, &key.client_id);
        conn.status.set(ConnStatus::Failed(d.title.clone()));
        conn.diagnosis.set(Some(d));
    }
}

#[cfg(test)]
mod tests {
    use mqttscope_proto::ProtocolVersion;

    use super::*;

    #[test]
    fn only_the_same_broker_and_client_id_take_a_session_over() {
        let key = SessionKey {
            url: "ws://h:9001".into(),
            client_id: "twin".into(),
            version: ProtocolVersion::V5,
        };
        assert!(takes_over("ws://h:9001\ntwin", &key));
        assert!(!takes_over("ws://h:9001\ntwins", &key));
        assert!(!takes_over("ws://other:9001\ntwin", &key));
        let assigned = SessionKey {
            client_id: String::new(),
            ..key
        };
        assert!(!takes_over("ws://h:9001\n", &assigned));
    }

    #[test]
    fn the_doctor_says_which_tab_and_why_it_stepped_back() {
        let d = crate::doctor::taken_by_another_tab("ws://h:9001", "twin");
        assert_eq!(d.title, "Another tab took over this session");
        for words in [
            "ws://h:9001",
            "\"twin\"",
            "does not reconnect on its own",
            "session is kept",
        ] {
            assert!(d.detail.contains(words), "{words}: {}", d.detail);
        }
    }
}
