//! The workspace: every connection, which one is selected, and what the page shows;
//! provided by context to every component, and saved to localStorage.

use leptos::prelude::*;

use crate::state::connection::{Conn, SubscriptionEntry};
use crate::state::persist::{self, Saved, STORAGE_KEY};
use crate::state::settings::{self, ConnectionSettings};

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
    next_id: StoredValue<u32>,
    /// The owner of every connection's reactive parts: the workspace's own, so that a
    /// connection outlives the component that happened to create it (an event handler
    /// of the list, a page that is switched away from).
    owner: StoredValue<Option<Owner>, LocalStorage>,
}

/// Creates the workspace from what localStorage holds (or the presets) and provides it.
pub fn provide_workspace() -> Workspace {
    let ws = Workspace {
        conns: RwSignal::new(Vec::new()),
        selected: RwSignal::new(None),
        tab: RwSignal::new(Tab::Messages),
        page: RwSignal::new(Page::from_hash(&location_hash())),
        editing: RwSignal::new(false),
        next_id: StoredValue::new(1),
        owner: StoredValue::new_local(Owner::current()),
    };
    let saved = load().unwrap_or_else(|| {
        settings::presets()
            .into_iter()
            .map(|settings| Saved {
                settings,
                subscriptions: Vec::new(),
            })
            .collect()
    });
    for s in saved {
        let conn = ws.add(s.settings);
        conn.subscriptions.set(s.subscriptions);
    }
    ws.selected
        .set(ws.conns.with_untracked(|c| c.first().map(|c| c.id)));
    provide_context(ws);
    Effect::new(move |_| save(&ws.snapshot()));
    Effect::new(move |_| set_location_hash(ws.page.get().hash()));
    ws
}

/// The workspace provided by [`provide_workspace`].
pub fn use_workspace() -> Workspace {
    expect_context::<Workspace>()
}

impl Workspace {
    /// Adds a connection (with a generated client id when it has none) and returns it.
    pub fn add(&self, mut settings: ConnectionSettings) -> Conn {
        let id = self.next_id.get_value();
        self.next_id.set_value(id + 1);
        if settings.client_id.is_empty() {
            settings.client_id = settings::generate_client_id(random_seed());
        }
        let conn = match self.owner.get_value() {
            Some(owner) => owner.with(|| Conn::new(id, settings)),
            None => Conn::new(id, settings),
        };
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

    /// What is saved: every connection's settings and subscriptions (tracked, so an
    /// effect over it saves on every change).
    fn snapshot(&self) -> Vec<Saved> {
        self.conns.with(|conns| {
            conns
                .iter()
                .map(|c| Saved {
                    settings: c.settings.get(),
                    subscriptions: c.subscriptions.with(|s| s.iter().map(clean).collect()),
                })
                .collect()
        })
    }
}

/// A subscription as saved: its status is the broker's, not ours.
fn clean(s: &SubscriptionEntry) -> SubscriptionEntry {
    SubscriptionEntry {
        status: crate::state::connection::SubStatus::Pending,
        ..s.clone()
    }
}

/// A random seed from the browser.
pub fn random_seed() -> u64 {
    (js_sys::Math::random() * 2f64.powi(53)) as u64
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

fn load() -> Option<Vec<Saved>> {
    let text = storage()?.get_item(STORAGE_KEY).ok()??;
    Some(persist::from_json(&text))
}

fn save(saved: &[Saved]) {
    if let Some(s) = storage() {
        let _ = s.set_item(STORAGE_KEY, &persist::to_json(saved));
    }
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
