//! Every packet of every connection, as the broker received and sent it, newest first;
//! the one picked is shown byte by byte in the inspector ([`PacketDetail`]), dissected
//! in its connection's protocol version.

use leptos::prelude::*;
use mqttscope_proto::codec::ProtocolVersion;

use crate::components::packet_detail::PacketDetail;
use crate::components::packet_log::is_publish_flow;
use crate::model::message::Direction;
use crate::model::payload::human_size;
use crate::pane::model::{BrokerPacket, PaneData};
use crate::pane::use_pane;

/// How many packets the list draws (the newest that match).
const SHOWN: usize = 300;

/// One line of the list.
#[derive(Clone, PartialEq)]
struct Line {
    id: u64,
    text: String,
}

/// The packet list and the inspector.
#[component]
pub fn BrokerPackets() -> impl IntoView {
    let pane = use_pane();
    let hide_publish = RwSignal::new(false);
    let only = RwSignal::new(String::new());
    let lines = Memo::new(move |_| {
        let hide = hide_publish.get();
        let only = only.get();
        pane.with(|d| {
            let keep = |p: &&BrokerPacket| {
                (!hide || !is_publish_flow(&p.row)) && (only.is_empty() || d.label(p.conn) == only)
            };
            let lines = d.packets.iter().rev().filter(keep).take(SHOWN);
            lines.map(|p| line(p, d)).collect::<Vec<_>>()
        })
    });
    let labels = Memo::new(move |_| {
        pane.with(|d| {
            let mut l: Vec<String> = d
                .state
                .clients
                .iter()
                .map(|c| c.session.client_id.clone())
                .collect();
            l.sort();
            l
        })
    });
    let count = move || {
        pane.with(|d| {
            let mut text = format!("{} packets", d.packets.len());
            if d.packets_dropped > 0 {
                text.push_str(&format!(" ({} older ones dropped)", d.packets_dropped));
            }
            text
        })
    };
    let detail = move || {
        let id = pane.selected.get()?;
        let (row, version) = pane.with(|d| {
            let p = d.packets.iter().rev().find(|p| p.row.id == id)?;
            Some((p.row.clone(), d.version(p.conn)))
        })?;
        let version: Signal<ProtocolVersion> = Signal::stored(version);
        Some(view! { <PacketDetail row version /> })
    };
    let rows = move || {
        lines
            .get()
            .into_iter()
            .map(|l| {
                let id = l.id;
                let selected = move || pane.selected.get() == Some(id);
                view! {
                    <li>
                        <button class="pkt-line" class:selected=selected data-testid="broker-packet" on:click=move |_| pane.selected.set(Some(id))>
                            {l.text}
                        </button>
                    </li>
                }
            })
            .collect_view()
    };
    view! {
        <section class="panel broker-packets" aria-label="Packets of every connection">
            <h2>"Packets of every connection"</h2>
            <div class="toolbar">
                <label>
                    "Client "
                    <select data-testid="packet-client" on:change=move |ev| only.set(event_target_value(&ev))>
                        <option value="">"all"</option>
                        {move || labels.get().into_iter().map(|l| view! { <option value=l.clone()>{l.clone()}</option> }).collect_view()}
                    </select>
                </label>
                <label class="check">
                    <input type="checkbox" on:change=move |ev| hide_publish.set(event_target_checked(&ev)) />
                    <span>"Hide PUBLISH and its acknowledgements"</span>
                </label>
                <span class="muted" data-testid="broker-packet-count">{count}</span>
            </div>
            <div class="pkt-split">
                <ol class="plain pkt-list">{rows}</ol>
                <div class="pkt-detail">{detail}</div>
            </div>
        </section>
    }
}

fn line(p: &BrokerPacket, d: &PaneData) -> Line {
    let who = d.label(p.conn);
    let way = match p.row.direction {
        Direction::In => format!("{who} → broker"),
        Direction::Out => format!("broker → {who}"),
    };
    let at = p.row.at_ms / 1000.0;
    Line {
        id: p.row.id,
        text: format!(
            "{at:.3} s  {way}  {}  {}",
            p.row.kind.name(),
            human_size(p.row.bytes.len())
        ),
    }
}
