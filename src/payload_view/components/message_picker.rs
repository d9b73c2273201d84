//! The list of the topic's other messages in the page (time of day, size, older or newer),
//! to pick the one the diff compares with.

use leptos::prelude::*;

use crate::clock::utc_offset_minutes;
use crate::model::payload::human_size;
use crate::model::time::clock;
use crate::payload_view::host;
use crate::payload_view::use_frame;

/// How many of the topic's newest messages the list offers.
const CHOICES: u32 = 200;

/// The list of the topic's other messages: their time of day and size.
#[component]
pub fn MessagePicker() -> impl IntoView {
    let frame = use_frame();
    let (conn, here) = frame
        .params
        .with_value(|p| p.as_ref().map_or((0, 0.0), |p| (p.conn, p.id)));
    let topic = frame
        .message
        .with_value(|m| m.as_ref().map(|m| m.topic.clone()).unwrap_or_default());
    let offset = utc_offset_minutes();
    let options = host::messages(conn, &topic, 0.0, f64::INFINITY, CHOICES)
        .into_iter()
        .rev()
        .filter(|m| m.id != here)
        .map(|m| {
            let side = if m.id > here { "newer" } else { "older" };
            let text = format!(
                "{} · {} · {side}",
                clock(m.at_ms, offset),
                human_size(m.payload.len())
            );
            view! { <option value=m.id.to_string()>{text}</option> }
        })
        .collect_view();
    let pick = move |ev: leptos::ev::Event| {
        frame.against.set(event_target_value(&ev).parse().ok());
    };
    view! {
        <select data-testid="diff-against" on:change=pick>
            <option value="">"the previous message"</option>
            {options}
        </select>
    }
}
