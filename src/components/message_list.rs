//! The live message stream of a connection: filters, pause, a bounded history with its
//! counts, and the selected message's detail.

use leptos::prelude::*;

use crate::components::export_menu::ExportMenu;
use crate::components::message_detail::MessageDetail;
use crate::components::message_line::MessageLine;
use crate::model::filter::{CompiledFilter, MessageFilter};
use crate::model::message::MessageRow;
use crate::state::connection::Conn;

/// How many rows are drawn at first, and added by "show more".
const PAGE: usize = 50;

/// How many line slots one frame may add: creating a line is the costliest part of
/// drawing, so a list that fills under a flood grows over several frames.
const GROW: usize = 8;

/// What the list shows: the newest matching rows, and the counts around them.
#[derive(Clone, Default, PartialEq)]
struct Listing {
    rows: Vec<MessageRow>,
    matching: usize,
    held: usize,
    stored: usize,
    evicted: u64,
}

/// Lists `conn`'s messages, newest first.
#[component]
pub fn MessageList(
    /// The connection.
    conn: Conn,
) -> impl IntoView {
    let topic = RwSignal::new(String::new());
    let text = RwSignal::new(String::new());
    let paused_at = RwSignal::new(None::<u64>);
    let shown = RwSignal::new(PAGE);
    let selected = RwSignal::new(None::<u64>);
    // Slots are added at most GROW per redraw: building a hundred rows at once is one
    // long task when a flood starts; after that the slots are reused.
    let slots = StoredValue::new(0usize);
    let grow = RwSignal::new(0u32);
    let listing = Memo::new(move |_| {
        conn.tick.track();
        let filter = CompiledFilter::new(&MessageFilter {
            topic: topic.get(),
            text: text.get(),
        });
        let (limit, pause) = (shown.get(), paused_at.get());
        conn.data.with_value(|d| {
            list(
                d.messages.iter(),
                &filter,
                pause,
                limit,
                d.messages.evicted(),
            )
        })
    });
    let slot_range = move || {
        grow.track();
        let rows = listing.with(|l| l.rows.len());
        let n = slot_count(rows, slots);
        if n < rows {
            request_animation_frame(move || grow.update(|g| *g = g.wrapping_add(1)));
        }
        0..n
    };
    let toggle_pause = move |_| {
        let last = conn
            .data
            .with_value(|d| d.messages.back().map_or(0, |m| m.id));
        paused_at.update(|p| *p = if p.is_some() { None } else { Some(last) });
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
            <p class="counts" data-testid="message-counts">{move || counts(&listing.get())}</p>
            <ol class="message-list" data-testid="messages">
                <For each=slot_range key=|k| *k let:k>
                    <MessageLine selected on_select=Callback::new(move |id| selected.set(Some(id)))
                        row=Signal::derive(move || {
                            let row = listing.with(|l| l.rows.get(k).cloned()).unwrap_or_else(|| placeholder(k));
                            let colour = colour_of(row.subscription);
                            (row, colour)
                        }) />
                </For>
            </ol>
            <Show when=move || listing.with(|l| l.rows.len() < l.matching)>
                <button class="more" on:click=move |_| shown.update(|n| *n += PAGE)>
                    {move || format!("Show {} more", PAGE.min(listing.with(|l| l.matching - l.rows.len())))}
                </button>
            </Show>
            {detail}
        </div>
    }
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

/// The newest rows matching `filter` (up to `limit`), ignoring those after `pause`.
fn list<'a>(
    all: impl DoubleEndedIterator<Item = &'a MessageRow> + ExactSizeIterator,
    filter: &CompiledFilter,
    pause: Option<u64>,
    limit: usize,
    evicted: u64,
) -> Listing {
    let stored = all.len();
    let mut out = Listing {
        stored,
        evicted,
        ..Default::default()
    };
    if filter.is_empty() && pause.is_none() {
        // The common case under load: no need to look past the rows shown.
        out.matching = stored;
        out.rows = all.rev().take(limit).cloned().collect();
        return out;
    }
    for row in all.rev() {
        if pause.is_some_and(|p| row.id > p) {
            out.held += 1;
            continue;
        }
        if filter.matches(&row.topic, &row.payload) {
            out.matching += 1;
            if out.rows.len() < limit {
                out.rows.push(row.clone());
            }
        }
    }
    out
}

/// "1,234 messages · 56 evicted from the history · 7 arrived while paused".
fn counts(l: &Listing) -> String {
    let noun = if l.stored == 1 { "message" } else { "messages" };
    let mut s = format!("{} {noun}", l.stored);
    if l.matching != l.stored.saturating_sub(l.held) {
        s.push_str(&format!(" · {} match the filter", l.matching));
    }
    if l.evicted > 0 {
        s.push_str(&format!(
            " · {} older ones evicted from the history",
            l.evicted
        ));
    }
    if l.held > 0 {
        s.push_str(&format!(" · {} arrived while paused", l.held));
    }
    s
}
