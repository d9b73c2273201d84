//! The broker-wide faults: restart, refuse the next CONNECT or subscription, delay
//! delivery, step mode.

use leptos::prelude::*;
use mqttscope_proto::codec::PacketType;
use mqttscope_sandbox::monitor::Command;
use mqttscope_sandbox::MAX_DELAY_MS;

use crate::pane::codes::label;
use crate::pane::components::code_select::CodeSelect;
use crate::pane::{use_pane, Pane};

/// The fault controls.
#[component]
pub fn FaultBar() -> impl IntoView {
    let pane = use_pane();
    let faults = move || pane.with(|d| d.state.faults.clone());
    let connect_code = RwSignal::new(0x87u8);
    let subscribe_code = RwSignal::new(0x87u8);
    let delay = RwSignal::new(String::from("1000"));
    let armed = move |code: Option<u8>, packet: PacketType| match code {
        Some(c) => format!("armed: {}", label(c, packet)),
        None => String::new(),
    };
    view! {
        <section class="panel faults" aria-label="Faults">
            <h2>"Faults"</h2>
            <div class="fault-row">
                <span>"Restart the broker:"</span>
                <button data-testid="restart-keep" on:click=move |_| pane.send(Command::Restart { keep_state: true })>
                    "keeping sessions and retained messages"
                </button>
                <button data-testid="restart-lose" on:click=move |_| pane.send(Command::Restart { keep_state: false })>
                    "losing them"
                </button>
            </div>
            <div class="fault-row">
                <span>"Refuse the next CONNECT with"</span>
                <CodeSelect packet=PacketType::ConnAck code=connect_code test_id="refuse-connect-code" />
                <button data-testid="refuse-connect" on:click=move |_| {
                    pane.send(Command::RefuseConnect { reason: Some(connect_code.get_untracked()) })
                }>"Arm"</button>
                <span class="muted" data-testid="refuse-connect-armed">
                    {move || armed(faults().refuse_connect, PacketType::ConnAck)}
                </span>
                <Show when=move || faults().refuse_connect.is_some()>
                    <button class="link" on:click=move |_| pane.send(Command::RefuseConnect { reason: None })>"Disarm"</button>
                </Show>
            </div>
            <div class="fault-row">
                <span>"Refuse the next subscription with"</span>
                <CodeSelect packet=PacketType::SubAck code=subscribe_code test_id="refuse-subscription-code" />
                <button data-testid="refuse-subscription" on:click=move |_| {
                    pane.send(Command::RefuseSubscription { reason: Some(subscribe_code.get_untracked()) })
                }>"Arm"</button>
                <span class="muted" data-testid="refuse-subscription-armed">
                    {move || armed(faults().refuse_subscription, PacketType::SubAck)}
                </span>
                <Show when=move || faults().refuse_subscription.is_some()>
                    <button class="link" on:click=move |_| pane.send(Command::RefuseSubscription { reason: None })>"Disarm"</button>
                </Show>
            </div>
            <div class="fault-row">
                <label>
                    "Delay what the broker sends to the page by "
                    <input
                        type="number" min="0" max="60000" step="100" class="num"
                        data-testid="delay-ms"
                        prop:value=move || delay.get()
                        on:input=move |ev| delay.set(event_target_value(&ev))
                    />
                    " ms"
                </label>
                <button data-testid="delay-set" on:click=move |_| set_delay(pane, &delay.get_untracked())>"Set"</button>
                <span class="muted" data-testid="delay-now">
                    {move || match faults().delay_ms { 0 => "no delay".to_owned(), ms => format!("now {ms} ms") }}
                </span>
            </div>
            <div class="fault-row">
                <label class="check">
                    <input
                        type="checkbox"
                        data-testid="step-mode"
                        prop:checked=move || faults().step
                        on:change=move |ev| pane.send(Command::Step { on: event_target_checked(&ev) })
                    />
                    <span>"Step mode: hold every packet of the page's connections, both ways, until you let it through"</span>
                </label>
            </div>
        </section>
    }
}

/// Sends the delay typed in `text` (milliseconds), or says why it is not one.
fn set_delay(pane: Pane, text: &str) {
    match text.trim().parse::<u32>() {
        Ok(ms) if ms <= MAX_DELAY_MS => pane.send(Command::Delay { ms }),
        _ => pane.notice(format!(
            "The delay must be a whole number of milliseconds from 0 to {MAX_DELAY_MS}, not {text:?}."
        )),
    }
}
