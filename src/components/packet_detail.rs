//! One packet byte by byte: the dissector's field tree beside the hex and ASCII view,
//! with highlighting both ways, the WebSocket frame boundaries, any violation, and the
//! secrets (CONNECT password, MQTT 5 Authentication Data) masked until revealed.

use leptos::prelude::*;
use mqttscope_proto::codec::ProtocolVersion;

use crate::components::error_banner::ErrorBanner;
use crate::components::field_tree::FieldTree;
use crate::components::hex_view::HexView;
use crate::hexpad::model::{Analysis, Hover};
use crate::model::export::mask_secrets;
use crate::model::message::PacketRow;
use crate::model::payload::human_size;

/// The largest packet the byte view draws whole.
const VIEW_LIMIT: usize = 64 * 1024;

/// The detail of one packet.
#[component]
pub fn PacketDetail(
    /// The packet.
    row: PacketRow,
    /// The protocol version of the connection.
    version: Signal<ProtocolVersion>,
) -> impl IntoView {
    let reveal = RwSignal::new(false);
    let masked = matches!(mask_secrets(&row.bytes), std::borrow::Cow::Owned(_));
    let bytes = row.bytes.clone();
    let analysis = Memo::new(move |_| {
        let shown = if reveal.get() {
            bytes.to_vec()
        } else {
            mask_secrets(&bytes).into_owned()
        };
        let cut = shown.len().min(VIEW_LIMIT);
        Analysis::of_bytes(shown[..cut].to_vec(), version.get())
    });
    let hover = RwSignal::new(Hover::None);
    let highlight = Memo::new(move |_| analysis.with(|a| a.highlight(hover.get())));
    let frames = frames_text(&row);
    let too_big = (row.bytes.len() > VIEW_LIMIT).then(|| {
        format!(
            "This packet is {}; the byte view shows its first {}.",
            human_size(row.bytes.len()),
            human_size(VIEW_LIMIT)
        )
    });
    view! {
        <section class="panel pkt-view" aria-label="Packet bytes" data-testid="packet-detail">
            <h3>{row.kind.name()} " · " {human_size(row.bytes.len())}</h3>
            {row.violation.clone().map(|v| view! { <p class="banner" role="alert">"Protocol violation: " {v}</p> })}
            <p class="muted">{frames}</p>
            {too_big.map(|t| view! { <p class="muted">{t}</p> })}
            <Show when=move || masked>
                <label class="check">
                    <input type="checkbox" on:change=move |ev| reveal.set(event_target_checked(&ev)) />
                    <span>"Reveal the password and authentication data"</span>
                </label>
            </Show>
            <ErrorBanner id=format!("pkt-{}-error", row.id) analysis hover />
            <div class="pkt-grid">
                <div class="pad-tree"><FieldTree analysis highlight hover /></div>
                <HexView analysis highlight hover />
            </div>
        </section>
    }
}

/// Where WebSocket frames ended inside the packet, in words.
fn frames_text(row: &PacketRow) -> String {
    match (row.direction, row.frame_ends.as_slice()) {
        (crate::model::message::Direction::Out, _) => "Sent as one WebSocket message.".to_owned(),
        (_, []) => "Arrived within one WebSocket frame.".to_owned(),
        (_, ends) => {
            let list: Vec<String> = ends.iter().map(|e| format!("byte {e}")).collect();
            format!(
                "Arrived in {} WebSocket frames; frames ended after {}.",
                ends.len() + 1,
                list.join(", ")
            )
        }
    }
}
