//! The live message stream of a connection: filters, pause, the whole bounded history in
//! one scrolling list (a [`WindowedList`]), its counts, and the selected message's detail.
//!
//! Scrolling away from the top holds the list at the newest message shown, as Pause does,
//! so that the rows being read do not slide away under a flood; back at the top, the list
//! is live again.

use leptos::prelude::*;

use crate::components::export_menu::ExportMenu;
use crate::components::message_detail::MessageDetail;
use crate::components::message_line::MessageLine;
use crate::components::windowed_list::{shape_of, slot_row, HeldScroll, WindowedList};
use crate::model::filter::{CompiledFilter, MessageFilter};
use crate::model::listing::{counts, Hold};
use crate::model::match_index::MatchIndex;
use crate::model::message::MessageRow;
use crate::state::connection::Conn;

/// Lists `conn`'s messages, newest first.
#[component]
pub fn MessageList(
    /// The connection.
    conn: Conn,
) -> impl IntoView {
    let topic = RwSignal::new(String::new());
    let text = RwSignal::new(String::new());
    let paused_at = RwSignal::new(None::<u64>);
    let held = HeldScroll::new();
    let scrolled_at = held.held_at;
    let selected = RwSignal::new(None::<u64>);
    let hold = move || match (paused_at.get(), scrolled_at.get()) {
        (Some(id), _) => Some((id, Hold::Paused)),
        (None, Some(id)) => Some((id, Hold::Scrolled)),
        (None, None) => None,
    };
    // Which messages match, remembered between redraws: a redraw searches only the
    // payloads that arrived since the last one.
    let index = StoredValue::new(MatchIndex::default());
    let listing = Memo::new(move |_| {
        let filter = CompiledFilter::new(&MessageFilter {
            topic: topic.get(),
            text: text.get(),
        });
        let held_at = hold().map(|(id, _)| id);
        let window = held.window();
        conn.with_data(|d| {
            index
                .try_update_value(|ix| {
                    ix.update(&filter, &d.messages);
                    ix.listing(&d.messages, held_at, window)
                })
                .unwrap_or_default()
        })
    });
    // Where a pause or a scroll made now holds the list: where it is held already, or
    // else at the newest message of the last redraw, so that the rows shown stay put.
    let hold_point = move || {
        paused_at
            .get_untracked()
            .or(scrolled_at.get_untracked())
            .unwrap_or_else(|| listing.with_untracked(|l| l.newest))
    };
    let (scroll, on_away) = (held.scroll, held.on_away_at(hold_point));
    let toggle_pause = move |_| {
        let at = paused_at.get_untracked().is_none().then(hold_point);
        paused_at.set(at);
    };
    let colour_of = move |sub: Option<u32>| {
        conn.subscriptions.with_untracked(|s| {
            sub.and_then(|id| s.iter().find(|e| e.id == id))
                .map(|e| e.colour)
        })
    };
    // The selected message, looked up in the whole history: it stays shown while newer
    // messages arrive, and after a flood has pushed it out of the history too; the detail
    // is drawn again only if it changes.
    let selected_row = Memo::new(move |before: Option<&Option<MessageRow>>| {
        let id = selected.get()?;
        let found = conn.with_data(|d| d.messages.iter().rev().find(|m| m.id == id).cloned());
        found.or_else(|| before.cloned().flatten().filter(|r| r.id == id))
    });
    let detail = move || {
        let url = conn.settings.with_untracked(|s| s.url.clone());
        let frame = format!(
            "conn={}&key={}",
            conn.id,
            js_sys::encode_uri_component(&url)
        );
        selected_row
            .get()
            .map(|row| view! { <MessageDetail row conn=conn.id frame /> })
    };
    let shape = shape_of(listing);
    let draw = move |k: usize| {
        let row = Signal::derive(move || {
            let row = slot_row(listing, k, MessageRow::blank);
            let colour = colour_of(row.subscription);
            (row, colour)
        });
        view! { <MessageLine selected on_select=Callback::new(move |id| selected.set(Some(id))) row /> }
    };
    view! {
        <div class="messages">
            <div class="toolbar">
                <input class="filter" type="search" placeholder="Filter topics (a/+/c, a/#, or text)" aria-label="Filter by topic"
                    data-testid="filter-topic" on:input=move |ev| topic.set(event_target_value(&ev)) />
                <input class="filter" type="search" placeholder="Filter payload text" aria-label="Filter by payload"
                    on:input=move |ev| text.set(event_target_value(&ev)) />
                <button on:click=toggle_pause aria-pressed=move || paused_at.get().is_some().to_string() data-testid="pause">
                    {move || if paused_at.get().is_some() { "Resume" } else { "Pause" }}
                </button>
                <ExportMenu conn />
            </div>
            <p class="counts" data-testid="message-counts">
                {move || counts(&listing.get(), hold().map(|(_, why)| why), ("message", "messages"))}
            </p>
            <WindowedList class="message-list" test_id="messages" scroll shape on_away draw />
            {detail}
        </div>
    }
}
