//! The live message stream of a connection: filters, pause, the whole bounded history in
//! one scrolling list, its counts, and the selected message's detail.
//!
//! The list draws only the rows in view (see [`viewport`]), so scrolling through 10,000
//! messages costs what a screenful does. Scrolling away from the top holds the list at
//! the newest message shown, as Pause does, so the rows being read do not slide away
//! under a flood; back at the top, the list is live again.

use leptos::ev;
use leptos::html;
use leptos::prelude::*;

use crate::components::export_menu::ExportMenu;
use crate::components::message_detail::MessageDetail;
use crate::components::message_line::MessageLine;
use crate::model::filter::{CompiledFilter, MessageFilter};
use crate::model::listing::{counts, list, Hold};
use crate::model::message::MessageRow;
use crate::model::viewport;
use crate::state::connection::Conn;

/// How many line slots one frame may add: creating a line is the costliest part of
/// drawing, so a list that fills under a flood grows over several frames.
const GROW: usize = 8;

/// The list's height in pixels until it is measured.
const UNMEASURED_PX: f64 = 800.0;

/// Lists `conn`'s messages, newest first.
#[component]
pub fn MessageList(
    /// The connection.
    conn: Conn,
) -> impl IntoView {
    let topic = RwSignal::new(String::new());
    let text = RwSignal::new(String::new());
    let paused_at = RwSignal::new(None::<u64>);
    let scrolled_at = RwSignal::new(None::<u64>);
    let selected = RwSignal::new(None::<u64>);
    // (scrollTop, clientHeight) of the list.
    let scroll = RwSignal::new((0.0, UNMEASURED_PX));
    let list_ref = NodeRef::<html::Ol>::new();
    let hold = move || match (paused_at.get(), scrolled_at.get()) {
        (Some(id), _) => Some((id, Hold::Paused)),
        (None, Some(id)) => Some((id, Hold::Scrolled)),
        (None, None) => None,
    };
    let listing = Memo::new(move |_| {
        conn.tick.track();
        let filter = CompiledFilter::new(&MessageFilter {
            topic: topic.get(),
            text: text.get(),
        });
        let (top, height) = scroll.get();
        let held_at = hold().map(|(id, _)| id);
        conn.data.with_value(|d| {
            list(
                d.messages.iter(),
                &filter,
                held_at,
                viewport::window(top, height),
                d.messages.evicted(),
            )
        })
    });
    // Slots are added at most GROW per frame: building a screenful of rows at once is one
    // long task when a flood starts; after that the slots are reused.
    let slots = StoredValue::new(0usize);
    let grow = RwSignal::new(0u32);
    let drawn = Memo::new(move |_| {
        grow.track();
        let rows = listing.with(|l| l.rows.len());
        let n = slot_count(rows, slots);
        if n < rows {
            request_animation_frame(move || grow.update(|g| *g = g.wrapping_add(1)));
        }
        n
    });
    // Where a pause or a scroll made now holds the list: where it is held already, or
    // else at the newest message of the last redraw, so that the rows shown stay put.
    let hold_point = move || {
        paused_at
            .get_untracked()
            .or(scrolled_at.get_untracked())
            .unwrap_or_else(|| listing.with_untracked(|l| l.newest))
    };
    let measure = move || {
        let Some(el) = list_ref.get_untracked() else {
            return;
        };
        let now = (f64::from(el.scroll_top()), f64::from(el.client_height()));
        let away = now.0 > 0.0;
        if away != scrolled_at.with_untracked(Option::is_some) {
            scrolled_at.set(away.then(hold_point));
        }
        if now != scroll.get_untracked() {
            scroll.set(now);
        }
    };
    Effect::new(move |_| {
        if list_ref.get().is_some() {
            measure();
        }
    });
    let resize = window_event_listener(ev::resize, move |_| measure());
    on_cleanup(move || resize.remove());
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
    let detail = move || {
        let id = selected.get()?;
        conn.tick.track();
        conn.data
            .with_value(|d| d.messages.iter().find(|m| m.id == id).cloned())
            .map(|row| view! { <MessageDetail row /> })
    };
    let above = move || px(listing.with(|l| l.first));
    let below = move || {
        px(listing
            .with(|l| l.matching - l.first)
            .saturating_sub(drawn.get()))
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
                {move || counts(&listing.get(), hold().map(|(_, why)| why))}
            </p>
            <ol class="message-list" data-testid="messages" node_ref=list_ref on:scroll=move |_| measure()>
                <li class="spacer" aria-hidden="true" style:height=above></li>
                <For each=move || 0..drawn.get() key=|k| *k let:k>
                    <MessageLine selected on_select=Callback::new(move |id| selected.set(Some(id)))
                        row=Signal::derive(move || {
                            let row = listing.with(|l| l.rows.get(k).cloned()).unwrap_or_else(|| placeholder(k));
                            let colour = colour_of(row.subscription);
                            (row, colour)
                        }) />
                </For>
                <li class="spacer" aria-hidden="true" style:height=below></li>
            </ol>
            {detail}
        </div>
    }
}

/// The CSS height of a spacer for `rows` rows.
fn px(rows: usize) -> String {
    format!("{}px", viewport::spacer_px(rows))
}

/// How many slots to draw for `rows` rows: up to [`GROW`] more than last time.
fn slot_count(rows: usize, slots: StoredValue<usize>) -> usize {
    let n = rows.min(slots.get_value() + GROW);
    slots.set_value(n);
    n
}

/// A row for a slot that is about to go away (the list shrank before the slot did).
fn placeholder(k: usize) -> MessageRow {
    MessageRow {
        id: u64::MAX - k as u64,
        direction: crate::model::message::Direction::In,
        at_ms: 0.0,
        topic: "".into(),
        payload: std::sync::Arc::from(&[][..]),
        qos: mqttscope_proto::codec::QoS::AtMostOnce,
        retain: false,
        dup: false,
        subscription: None,
        properties: Vec::new(),
    }
}
