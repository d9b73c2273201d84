//! Every control packet of a connection, both ways, with time, direction, type and size;
//! the selected one is shown byte by byte.

use leptos::prelude::*;

use crate::components::packet_detail::PacketDetail;
use crate::driver::clock;
use crate::model::message::{Direction, PacketRow};
use crate::model::payload::human_size;
use crate::model::time;
use crate::state::connection::Conn;

/// How many rows are drawn at first, and added by "show more".
const PAGE: usize = 300;

/// The packet log of `conn`, newest first.
#[component]
pub fn PacketLog(
    /// The connection.
    conn: Conn,
) -> impl IntoView {
    let shown = RwSignal::new(PAGE);
    let selected = RwSignal::new(None::<u64>);
    let hide_publish = RwSignal::new(false);
    let rows = Memo::new(move |_| {
        conn.tick.track();
        let (limit, hide) = (shown.get(), hide_publish.get());
        conn.data.with_value(|d| {
            let rows: Vec<PacketRow> = d
                .packets
                .iter()
                .rev()
                .filter(|p| {
                    !hide
                        || !matches!(
                            p.kind,
                            "PUBLISH" | "PUBACK" | "PUBREC" | "PUBREL" | "PUBCOMP"
                        )
                })
                .take(limit)
                .cloned()
                .collect();
            (rows, d.packets.len(), d.packets.evicted())
        })
    });
    let version = Signal::derive(move || conn.settings.with(|s| s.version));
    let detail = move || {
        let id = selected.get()?;
        let row = rows.with(|(r, _, _)| r.iter().find(|p| p.id == id).cloned())?;
        Some(view! { <PacketDetail row version /> })
    };
    let line = move |p: PacketRow| {
        let id = p.id;
        let arrow = match p.direction {
            Direction::In => "← in",
            Direction::Out => "→ out",
        };
        let flagged = p.violation.is_some();
        view! {
            <li class="pkt" class:selected=move || selected.get() == Some(id) class:violation=flagged>
                <button class="pkt-btn" on:click=move |_| selected.set(Some(id))>
                    <span class="mono">{time::clock(p.at_ms, clock::utc_offset_minutes())}</span>
                    <span class="pkt-dir">{arrow}</span>
                    <span class="pkt-kind" data-testid="pkt-kind">{p.kind}</span>
                    <span class="muted">{human_size(p.bytes.len())}</span>
                    {p.violation.map(|v| view! { <span class="pkt-violation">{v}</span> })}
                </button>
            </li>
        }
    };
    view! {
        <div class="packets">
            <div class="toolbar">
                <label class="check">
                    <input type="checkbox" on:change=move |ev| hide_publish.set(event_target_checked(&ev)) />
                    <span>"Hide PUBLISH and its acknowledgements"</span>
                </label>
                <span class="counts muted">{move || rows.with(|(_, n, ev)| format!("{n} packets · {ev} older ones evicted"))}</span>
            </div>
            <div class="pkt-split">
                <ol class="pkt-list" data-testid="packets">
                    <For each=move || rows.get().0 key=|p| p.id children=line />
                </ol>
                <div class="pkt-detail">{detail}</div>
            </div>
            <Show when=move || rows.with(|(r, n, _)| r.len() < *n && !hide_publish.get())>
                <button class="more" on:click=move |_| shown.update(|n| *n += PAGE)>"Show more"</button>
            </Show>
        </div>
    }
}
