//! The retained messages: topic, size and the start of the payload as text; "Clear"
//! removes one, and "Put back" undoes that.

use leptos::prelude::*;
use mqttscope_sandbox::monitor::Command;

use crate::model::payload::human_size;
use crate::pane::use_pane;

/// The retained messages.
#[component]
pub fn RetainedList() -> impl IntoView {
    let pane = use_pane();
    let retained = Memo::new(move |_| pane.with(|d| d.state.retained.clone()));
    let cleared = Memo::new(move |_| pane.with(|d| d.state.cleared.clone()));
    let rows = move || {
        retained
            .get()
            .into_iter()
            .map(|r| {
                let topic = r.topic.clone();
                let shown = r.topic.clone();
                view! {
                    <li data-testid="retained" data-topic=r.topic>
                        <code>{shown}</code>
                        <span class="muted">{format!(" · {} · QoS {} · ", human_size(r.size), r.qos)}</span>
                        <span class="preview">{r.preview}</span>
                        <button data-testid="clear-retained" on:click=move |_| {
                            pane.send(Command::ClearRetained { topic: topic.clone() })
                        }>"Clear"</button>
                    </li>
                }
            })
            .collect_view()
    };
    let undo = move || {
        cleared
            .get()
            .into_iter()
            .rev()
            .map(|topic| {
                let text = format!("Cleared {topic}. ");
                view! {
                    <li>
                        {text}
                        <button data-testid="undo-clear" on:click=move |_| {
                            pane.send(Command::UndoClear { topic: topic.clone() })
                        }>"Put it back"</button>
                    </li>
                }
            })
            .collect_view()
    };
    view! {
        <section class="panel" aria-label="Retained messages">
            <h2>"Retained messages"</h2>
            <ul class="plain">{rows}</ul>
            <ul class="plain undo">{undo}</ul>
        </section>
    }
}
