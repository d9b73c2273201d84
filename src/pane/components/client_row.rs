//! One connected client: who it is, its session, its in-flight window, its
//! subscriptions and Topic Alias maps, and the faults that act on it.

use leptos::prelude::*;
use mqttscope_sandbox::monitor::{ClientView, Command, SubscriptionView};

use crate::pane::use_pane;

/// The row of connection `conn`.
#[component]
pub fn ClientRow(
    /// The broker connection.
    conn: u64,
    /// The reason code "Disconnect" sends.
    reason: RwSignal<u8>,
) -> impl IntoView {
    let pane = use_pane();
    let client =
        Memo::new(move |_| pane.with(|d| d.state.clients.iter().find(|c| c.conn == conn).cloned()));
    let field = move |f: fn(&ClientView) -> String| {
        move || client.with(|c| c.as_ref().map(f).unwrap_or_default())
    };
    let stalled = move || client.with(|c| c.as_ref().is_some_and(|c| c.stalled));
    let name = field(|c| c.session.client_id.clone());
    view! {
        <tr data-testid="client-row" data-client=name data-peer=field(|c| c.peer.clone()) class:stalled=stalled>
            <td>
                <strong>{name}</strong>
                <span class="muted">{field(|c| format!(" {} · #{}", c.peer, c.conn))}</span>
                {move || client.with(|c| c.as_ref().is_some_and(|c| c.has_will)).then_some(view! { <span class="tag">"will"</span> })}
            </td>
            <td>{field(|c| version_name(c.level).to_owned())}</td>
            <td>{field(|c| format!("{} s", c.keep_alive))}</td>
            <td>{field(|c| expiry(c.session.expiry))}</td>
            <td data-testid="in-flight">{field(window)}</td>
            <td>
                <details>
                    <summary>{field(|c| format!("{} subscriptions, {} + {} aliases", c.session.subscriptions.len(), c.aliases_in.len(), c.aliases_out.len()))}</summary>
                    <ul class="plain">{move || client.with(|c| c.as_ref().map(details).unwrap_or_default()).into_iter().map(|l| view! { <li>{l}</li> }).collect_view()}</ul>
                </details>
            </td>
            <td class="actions">
                <button data-testid="stall" on:click=move |_| pane.send(Command::Stall { conn, on: !stalled() })>
                    {move || if stalled() { "Resume" } else { "Stall" }}
                </button>
                <button data-testid="drop" on:click=move |_| pane.send(Command::Drop { conn })>"Drop"</button>
                <button data-testid="disconnect" on:click=move |_| {
                    pane.send(Command::Disconnect { conn, reason: reason.get_untracked() })
                }>"Disconnect"</button>
            </td>
        </tr>
    }
}

fn version_name(level: u8) -> &'static str {
    match level {
        3 => "3.1",
        4 => "3.1.1",
        _ => "5.0",
    }
}

fn expiry(seconds: u32) -> String {
    match seconds {
        0 => "ends with the connection".to_owned(),
        u32::MAX => "never expires".to_owned(),
        s => format!("kept {s} s"),
    }
}

/// "2 / 100 · 0 queued": the broker's in-flight window towards the client.
fn window(c: &ClientView) -> String {
    let s = &c.session;
    let mut text = format!("{} / {}", s.in_flight, c.receive_maximum);
    if s.queued > 0 || s.dropped > 0 {
        text.push_str(&format!(" · {} queued, {} dropped", s.queued, s.dropped));
    }
    text
}

/// One line per subscription and per alias.
fn details(c: &ClientView) -> Vec<String> {
    let subs = c.session.subscriptions.iter().map(subscription);
    let ins = c
        .aliases_in
        .iter()
        .map(|(a, t)| format!("alias {a} from it: {t}"));
    let outs = c
        .aliases_out
        .iter()
        .map(|(a, t)| format!("alias {a} to it: {t}"));
    let mut lines: Vec<String> = subs.chain(ins).chain(outs).collect();
    if let Some(max) = c.maximum_packet_size {
        lines.push(format!("Maximum Packet Size {max}"));
    }
    lines.push(format!("Topic Alias Maximum {}", c.topic_alias_maximum));
    lines
}

fn subscription(s: &SubscriptionView) -> String {
    let mut text = format!("{} (QoS {}", s.filter, s.qos);
    if s.no_local {
        text.push_str(", No Local");
    }
    if s.retain_as_published {
        text.push_str(", Retain As Published");
    }
    if s.retain_handling != 0 {
        text.push_str(&format!(", Retain Handling {}", s.retain_handling));
    }
    if let Some(id) = s.identifier {
        text.push_str(&format!(", id {id}"));
    }
    text.push(')');
    text
}
