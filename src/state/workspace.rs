//! The workspace: every connection, which one is selected, and what the page shows;
//! provided by context to every component, and saved to localStorage
//! ([`crate::state::storage`]).

use leptos::prelude::*;

use crate::doctor::is_sandbox_url;
use crate::state::actions;
use crate::state::connection::{Conn, SubStatus, SubscriptionEntry};
use crate::state::embed;
use crate::state::persist::{Saved, SANDBOX_PRESET_ID, STORAGE_KEY};
use crate::state::settings::{self, ConnectionSettings};
use crate::state::storage::{self, Notice, Start};
use crate::state::sync::{self, Changes};

/// The main views of a connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Tab {
    /// The message stream.
    #[default]
    Messages,
    /// The topic tree.
    Topics,
    /// Every control packet, byte by byte.
    Packets,
    /// The sandbox broker's side (the broker pane), for a sandbox connection.
    Broker,
}

/// The page-level pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Page {
    /// Connections, subscriptions, publishing, messages and packets.
    #[default]
    Client,
    /// The hex pad.
    HexPad,
}

impl Page {
    /// The page a URL fragment names (`#/hexpad`), the client otherwise.
    pub fn from_hash(hash: &str) -> Page {
        if hash == Page::HexPad.hash() {
            Page::HexPad
        } else {
            Page::Client
        }
    }

    /// The URL fragment of the page, so that it can be linked and reloaded.
    pub fn hash(self) -> &'static str {
        match self {
            Page::Client => "#/",
            Page::HexPad => "#/hexpad",
        }
    }
}

/// The workspace store (handles only: `Copy`).
#[derive(Clone, Copy)]
pub struct Workspace {
    /// The connections, in list order.
    pub conns: RwSignal<Vec<Conn>>,
    /// The selected connection's id.
    pub selected: RwSignal<Option<u32>>,
    /// The tab shown for the selected connection.
    pub tab: RwSignal<Tab>,
    /// The page shown.
    pub page: RwSignal<Page>,
    /// Whether the connect form is open for the selected connection.
    pub editing: RwSignal<bool>,
    /// What the user must know about the saved connections (shown until dismissed).
    pub notice: RwSignal<Option<Notice>>,
    /// The connections as this tab last synchronised them with localStorage: what it
    /// changed since is what it writes ([`crate::state::sync`]).
    pub(crate) base: StoredValue<Vec<Saved>>,
    /// Each connection's id and its saved id (stable across tabs and reloads).
    keys: StoredValue<Vec<(u32, String)>>,
    next_id: StoredValue<u32>,
    /// The owner of every connection's reactive parts: the workspace's own, so that a
    /// connection outlives the component that happened to create it (an event handler
    /// of the list, a page that is switched away from).
    owner: StoredValue<Option<Owner>, LocalStorage>,
}

/// Creates the workspace from what localStorage holds (or the presets) and provides it;
/// saves what changes, and takes over what other tabs save. Embedded by `<mqtt-scope>`, it
/// starts from the connections in the address instead, connects the first, and neither
/// saves nor follows other tabs nor rewrites the address ([`embed`]).
pub fn provide_workspace() -> Workspace {
    let mut notice = None;
    let hash = location_hash();
    let preset = embed::preset(&hash);
    let embedded = preset.is_some();
    let start = match preset {
        Some(saved) => Start {
            saved,
            stored: true,
        },
        None => storage::load(&mut notice),
    };
    let ws = Workspace {
        conns: RwSignal::new(Vec::new()),
        selected: RwSignal::new(None),
        tab: RwSignal::new(Tab::Messages),
        page: RwSignal::new(Page::from_hash(&hash)),
        editing: RwSignal::new(false),
        notice: RwSignal::new(notice),
        base: StoredValue::new(Vec::new()),
        keys: StoredValue::new(Vec::new()),
        next_id: StoredValue::new(1),
        owner: StoredValue::new_local(Owner::current()),
    };
    for s in start.saved {
        let conn = ws.add_keyed(s.id, s.settings);
        conn.subscriptions.set(s.subscriptions);
    }
    if start.stored {
        ws.base.set_value(ws.snapshot());
    }
    let first = ws.conns.with_untracked(|c| c.first().map(|c| c.id));
    ws.selected.set(first);
    provide_context(ws);
    crate::state::feed::share(ws);
    if embedded {
        connect(ws, first);
        return ws;
    }
    if !start.stored {
        connect_sandbox_preset(ws);
    }
    // A SUBACK changes a subscription's status, which is not saved: the save finds
    // nothing changed and writes nothing.
    Effect::new(move |_| storage::save(ws, &ws.snapshot()));
    let other_tab = window_event_listener(leptos::ev::storage, move |e| {
        if e.key().as_deref() == Some(STORAGE_KEY) {
            storage::take_over(ws);
        }
    });
    on_cleanup(move || other_tab.remove());
    Effect::new(move |_| set_location_hash(ws.page.get().hash()));
    ws
}

/// The workspace provided by [`provide_workspace`].
pub fn use_workspace() -> Workspace {
    expect_context::<Workspace>()
}

impl Workspace {
    /// Adds a connection (with a generated client id when it has none) and returns it.
    pub fn add(&self, settings: ConnectionSettings) -> Conn {
        self.add_keyed(sync::new_id(random_seed()), settings)
    }

    /// [`Workspace::add`] with the connection's saved id.
    fn add_keyed(&self, key: String, mut settings: ConnectionSettings) -> Conn {
        let id = self.next_id.get_value();
        self.next_id.set_value(id + 1);
        if settings.client_id.is_empty() {
            settings.client_id = settings::generate_client_id(random_seed());
        }
        let conn = match self.owner.get_value() {
            Some(owner) => owner.with(|| Conn::new(id, settings)),
            None => Conn::new(id, settings),
        };
        self.keys.update_value(|k| k.push((id, key)));
        self.conns.update(|c| c.push(conn));
        conn
    }

    /// A new connection to the local broker, selected and open in the form.
    pub fn add_new(&self) -> Conn {
        let n = self.conns.with_untracked(Vec::len);
        let settings = ConnectionSettings {
            name: format!("connection {}", n + 1),
            colour: (n % 8) as u8,
            ..Default::default()
        };
        let conn = self.add(settings);
        self.selected.set(Some(conn.id));
        self.editing.set(true);
        conn
    }

    /// Removes connection `id`, closing it.
    pub fn remove(&self, id: u32) {
        let Some(conn) = self.get(id) else { return };
        self.conns.update(|c| c.retain(|c| c.id != id));
        self.keys.update_value(|k| k.retain(|(i, _)| *i != id));
        if self.selected.get_untracked() == Some(id) {
            self.selected
                .set(self.conns.with_untracked(|c| c.first().map(|c| c.id)));
        }
        conn.dispose();
    }

    /// Connection `id`.
    pub fn get(&self, id: u32) -> Option<Conn> {
        self.conns
            .with_untracked(|c| c.iter().find(|c| c.id == id).copied())
    }

    /// The selected connection (tracked).
    pub fn current(&self) -> Option<Conn> {
        let id = self.selected.get()?;
        self.conns.with(|c| c.iter().find(|c| c.id == id).copied())
    }

    /// Whether tab `t` is there for the selected connection: the Broker tab is only a
    /// sandbox connection's.
    pub fn has_tab(&self, t: Tab) -> bool {
        let sandbox = |c: Conn| c.settings.with(|s| is_sandbox_url(&s.url));
        t != Tab::Broker || self.current().is_some_and(sandbox)
    }

    /// The tab shown: the chosen one if the selected connection has it, else its
    /// messages (the Broker tab comes back with a sandbox connection).
    pub fn shown_tab(&self) -> Tab {
        let tab = self.tab.get();
        if self.has_tab(tab) {
            tab
        } else {
            Tab::Messages
        }
    }

    /// What is saved: every connection's id, settings and subscriptions (tracked, so a
    /// memo over it changes with them).
    fn snapshot(&self) -> Vec<Saved> {
        self.conns.with(|conns| {
            conns
                .iter()
                .map(|c| Saved {
                    id: self.key(c.id),
                    settings: c.settings.get(),
                    subscriptions: c.subscriptions.with(|s| s.iter().map(clean).collect()),
                })
                .collect()
        })
    }

    /// Connection `id`'s saved id.
    fn key(&self, id: u32) -> String {
        self.keys
            .with_value(|k| k.iter().find(|(i, _)| *i == id).map(|(_, key)| key.clone()))
            .unwrap_or_default()
    }

    /// The connection whose saved id is `key`.
    fn by_key(&self, key: &str) -> Option<Conn> {
        self.conns
            .with_untracked(|c| c.iter().find(|c| self.key(c.id) == key).copied())
    }

    /// Makes in this tab the `changes` another tab saved.
    pub(crate) fn take_over(&self, changes: &Changes) {
        for key in &changes.removed {
            if let Some(conn) = self.by_key(key) {
                self.remove(conn.id);
            }
        }
        for s in &changes.upserts {
            match self.by_key(&s.id) {
                Some(conn) => take_over_one(conn, s),
                None => {
                    let conn = self.add_keyed(s.id.clone(), s.settings.clone());
                    conn.subscriptions.set(s.subscriptions.clone());
                }
            }
        }
    }
}

/// Gives `conn` the settings and subscriptions another tab saved, keeping what that
/// tab could not know: a password typed here and not remembered, and what the broker
/// said of each subscription.
fn take_over_one(conn: Conn, saved: &Saved) {
    let mut settings = saved.settings.clone();
    if !settings.remember_password {
        settings.password = conn.settings.with_untracked(|c| c.password.clone());
    }
    conn.settings.set(settings);
    let subscriptions: Vec<SubscriptionEntry> = conn.subscriptions.with_untracked(|old| {
        let status = |filter: &str| {
            old.iter()
                .find(|o| o.filter == filter)
                .map_or(SubStatus::Pending, |o| o.status)
        };
        saved
            .subscriptions
            .iter()
            .map(|s| SubscriptionEntry {
                status: status(&s.filter),
                ..s.clone()
            })
            .collect()
    });
    conn.subscriptions.set(subscriptions);
}

/// A subscription as saved: its status is the broker's, not ours.
fn clean(s: &SubscriptionEntry) -> SubscriptionEntry {
    SubscriptionEntry {
        status: SubStatus::Pending,
        ..s.clone()
    }
}

/// A new user's page (nothing saved yet) connects the sandbox preset at once, once the
/// page is mounted: the first thing anyone sees is the devices' live messages.
fn connect_sandbox_preset(ws: Workspace) {
    let sandbox = ws.keys.with_value(|keys| {
        keys.iter()
            .find(|(_, key)| key == SANDBOX_PRESET_ID)
            .map(|(id, _)| *id)
    });
    connect(ws, sandbox);
}

/// Connects connection `id`, if there is one.
fn connect(ws: Workspace, id: Option<u32>) {
    let Some(conn) = id.and_then(|id| ws.get(id)) else {
        return;
    };
    leptos::task::spawn_local(async move {
        // A refusal is shown on the connection itself.
        let _ = actions::connect(conn);
    });
}

/// A random seed from the browser.
pub fn random_seed() -> u64 {
    (js_sys::Math::random() * 2f64.powi(53)) as u64
}

fn location_hash() -> String {
    web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default()
}

fn set_location_hash(hash: &str) {
    if location_hash() != hash {
        if let Some(w) = web_sys::window() {
            let _ = w.location().set_hash(hash);
        }
    }
}
