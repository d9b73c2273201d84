//! The broker pane: the sandbox broker's side of every conversation, in a page of its
//! own (`broker.html`, shown in a frame of the client page beside a sandbox connection,
//! or in a window of its own). It lists the connected clients with their version,
//! session, subscriptions, in-flight window and Topic Alias maps, the offline sessions,
//! the retained messages (clear one, with undo), the devices (pause them), a log of
//! what happened, and every packet of every connection in the inspector; and it injects
//! faults: drop, stall or disconnect a client, restart the broker keeping or losing its
//! state, refuse the next CONNECT or subscription with a chosen code, delay delivery,
//! and step mode, which holds each packet until the user lets it through.
//!
//! It is its own wasm module (`src/bin/mqttscope-pane.rs`), loaded only when the pane
//! is opened, so the client page's first load does not carry it; it talks to the
//! sandbox worker on its own port ([`link`]) with the messages of
//! [`mqttscope_sandbox::monitor`].

pub mod codes;
pub mod components;
pub mod link;
pub mod model;

use leptos::prelude::*;
use mqttscope_sandbox::monitor::Command;

use crate::pane::link::PaneLink;
use crate::pane::model::PaneData;

/// The pane's state, shared by its components through the context.
#[derive(Clone, Copy)]
pub struct Pane {
    /// What the sandbox sent.
    pub data: StoredValue<PaneData, LocalStorage>,
    /// Bumped (at most once per frame) when `data` changed.
    pub tick: RwSignal<u64>,
    /// The selected packet: its row id in the packet list.
    pub selected: RwSignal<Option<u64>>,
    link: StoredValue<Option<PaneLink>, LocalStorage>,
    redraw_pending: StoredValue<bool>,
}

impl Pane {
    /// A pane with no data, not yet connected.
    pub fn new() -> Self {
        Pane {
            data: StoredValue::new_local(PaneData::default()),
            tick: RwSignal::new(0),
            selected: RwSignal::new(None),
            link: StoredValue::new_local(None),
            redraw_pending: StoredValue::new(false),
        }
    }

    /// Connects to the sandbox worker.
    pub fn start(self) {
        let link = PaneLink::start(self);
        if link.is_none() {
            self.notice("This browser refused to start the sandbox worker.".to_owned());
        }
        self.link.set_value(link);
    }

    /// Says goodbye to the worker (the page is going away).
    pub fn stop(self) {
        self.link.with_value(|l| l.as_ref().map(PaneLink::bye));
    }

    /// Sends `command` to the sandbox.
    pub fn send(self, command: Command) {
        link::send(self.link, command);
    }

    /// Reads the data, redrawing the caller when it changes.
    pub fn with<R>(self, f: impl FnOnce(&PaneData) -> R) -> R {
        self.tick.track();
        self.data.with_value(f)
    }

    /// Changes the data; the components redraw on the next animation frame.
    pub fn update(self, f: impl FnOnce(&mut PaneData)) {
        self.data.update_value(f);
        if self.redraw_pending.get_value() {
            return;
        }
        self.redraw_pending.set_value(true);
        request_animation_frame(move || {
            self.redraw_pending.set_value(false);
            self.tick.update(|t| *t = t.wrapping_add(1));
        });
    }

    /// Shows `text` as the pane's notice.
    pub fn notice(self, text: String) {
        self.update(|d| d.notice = Some(text));
    }
}

impl Default for Pane {
    fn default() -> Self {
        Pane::new()
    }
}

/// The pane of the context.
pub fn use_pane() -> Pane {
    expect_context::<Pane>()
}
