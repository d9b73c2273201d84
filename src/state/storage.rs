//! The saved connections in localStorage: loading them (an unreadable text is kept
//! under another key, never written over first), saving what this tab changed
//! ([`crate::state::sync`]), taking over what other tabs saved, and telling the user
//! when any of it fails.

use leptos::prelude::*;
use wasm_bindgen::JsValue;
use web_sys::Storage;

use crate::state::persist::{self, Saved, Stored, STORAGE_KEY};
use crate::state::sync;
use crate::state::workspace::Workspace;

/// Something the user must know about the saved connections.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notice {
    /// The saved text could not be read (in full); it is kept under `backup`.
    Damaged {
        /// The key the text is kept under.
        backup: String,
        /// Nothing could be read, so the presets are shown.
        presets: bool,
    },
    /// Saving failed (why, in words); so did keeping an unreadable text aside, which
    /// is then left as it is.
    NotSaved(String),
}

impl Notice {
    /// The notice in words.
    pub fn text(&self) -> String {
        match self {
            Notice::Damaged { backup, presets } => format!(
                "The saved connections could not be read{}. Their text is kept as it was \
                 under \u{201c}{backup}\u{201d} in this site's localStorage.",
                if *presets {
                    ", so the presets are shown"
                } else {
                    " in full: those that could are shown"
                }
            ),
            Notice::NotSaved(why) => format!(
                "Your connections could not be saved: {why}. What you change in this tab \
                 is lost when it closes."
            ),
        }
    }
}

/// The connections to start from.
pub struct Start {
    /// The connections.
    pub saved: Vec<Saved>,
    /// They are what localStorage holds (read, or shown in place of an unreadable
    /// text), so there is nothing to write until the user changes something. False
    /// when it holds nothing: the presets shown are then saved.
    pub stored: bool,
}

/// What localStorage holds, or the presets; an unreadable text is kept aside and
/// reported in `notice`.
pub fn load(notice: &mut Option<Notice>) -> Start {
    let Some((storage, text)) = local().ok().and_then(|s| {
        let text = s.get_item(STORAGE_KEY).ok()??;
        Some((s, text))
    }) else {
        return Start {
            saved: persist::presets(),
            stored: false,
        };
    };
    let saved = match persist::read(&text) {
        Stored::Read(saved) => saved,
        Stored::Damaged(saved) => {
            *notice = Some(match back_up(&storage, &text) {
                Ok(backup) => Notice::Damaged {
                    backup,
                    presets: saved.is_empty(),
                },
                Err(why) => Notice::NotSaved(not_kept(&why)),
            });
            if saved.is_empty() {
                persist::presets()
            } else {
                saved
            }
        }
    };
    Start {
        saved,
        stored: true,
    }
}

/// Saves what this tab changed in `mine` since it last synchronised (nothing when it
/// changed nothing), reporting a failure to the user.
pub fn save(ws: Workspace, mine: &[Saved]) {
    match try_save(ws, mine) {
        Ok(()) => {
            if matches!(ws.notice.get_untracked(), Some(Notice::NotSaved(_))) {
                ws.notice.set(None);
            }
        }
        Err(why) => ws.notice.set(Some(Notice::NotSaved(why))),
    }
}

fn try_save(ws: Workspace, mine: &[Saved]) -> Result<(), String> {
    let storage = local()?;
    let text = storage.get_item(STORAGE_KEY).map_err(|e| describe(&e))?;
    let stored = text.as_deref().map(persist::read);
    let next = ws
        .base
        .with_value(|base| sync::to_write(base, mine, stored.as_ref()));
    let Some(next) = next else { return Ok(()) };
    if let (Some(Stored::Damaged(_)), Some(text)) = (&stored, &text) {
        back_up(&storage, text).map_err(|why| not_kept(&why))?;
    }
    storage
        .set_item(STORAGE_KEY, &persist::to_json(&next))
        .map_err(|e| describe(&e))?;
    ws.base.set_value(mine.to_vec());
    Ok(())
}

/// Takes over what another tab saved (on its `storage` event): the connections it
/// added, changed or removed since this tab last synchronised.
pub fn take_over(ws: Workspace) {
    let text = local()
        .ok()
        .and_then(|s| s.get_item(STORAGE_KEY).ok().flatten());
    // An unreadable text is the writer's to keep aside; this tab keeps what it has.
    let Some(Stored::Read(theirs)) = text.as_deref().map(persist::read) else {
        return;
    };
    let changes = ws.base.with_value(|base| sync::changes(base, &theirs));
    ws.base.set_value(theirs);
    ws.take_over(&changes);
}

fn local() -> Result<Storage, String> {
    let window = web_sys::window().ok_or("there is no window")?;
    match window.local_storage() {
        Ok(Some(storage)) => Ok(storage),
        Ok(None) => Err("this browser has no localStorage".to_owned()),
        Err(e) => Err(describe(&e)),
    }
}

/// Keeps `text` under a backup key, unless a backup holds it already; returns the key.
fn back_up(storage: &Storage, text: &str) -> Result<String, String> {
    let prefix = sync::backup_prefix();
    let count = storage.length().map_err(|e| describe(&e))?;
    let existing = (0..count)
        .filter_map(|i| storage.key(i).ok().flatten())
        .filter(|k| k.starts_with(&prefix))
        .find(|k| storage.get_item(k).ok().flatten().as_deref() == Some(text));
    if let Some(key) = existing {
        return Ok(key);
    }
    let taken = |k: &str| storage.get_item(k).ok().flatten().is_some();
    let key = sync::backup_key(js_sys::Date::now() as u64, taken);
    storage.set_item(&key, text).map_err(|e| describe(&e))?;
    Ok(key)
}

fn not_kept(why: &str) -> String {
    format!(
        "the saved text, which could not be read, could not be kept aside either ({why}), \
         so it is left as it is"
    )
}

/// A storage exception in words.
fn describe(e: &JsValue) -> String {
    let field = |name: &str| {
        js_sys::Reflect::get(e, &name.into())
            .ok()
            .and_then(|v| v.as_string())
    };
    match field("name").as_deref() {
        Some("QuotaExceededError") => {
            "the browser's storage for this site is full (QuotaExceededError)".to_owned()
        }
        Some("SecurityError") => {
            "the browser does not let this page use its storage (SecurityError)".to_owned()
        }
        Some(name) => format!("{name}: {}", field("message").unwrap_or_default()),
        None => "the browser refused".to_owned(),
    }
}
