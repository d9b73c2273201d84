//! The banner that explains why the input is not a valid packet.

use leptos::prelude::*;

use crate::hexpad::model::{Analysis, Hover};

/// Shows the input error (text that is not hex) or the decoding error (bytes that break
/// a rule: where, what, and the rule), and nothing for valid input. Hovering a decoding
/// error highlights its byte.
#[component]
pub fn ErrorBanner(
    /// The element id, which the text area points at with `aria-describedby`.
    id: String,
    /// The current analysis.
    analysis: Memo<Analysis>,
    /// The hover state, set while the pointer is on a decoding error.
    hover: RwSignal<Hover>,
) -> impl IntoView {
    let content = move || {
        analysis.with(|a| {
            if let Some(e) = &a.input_error {
                return Some(input_error(e.to_string()).into_any());
            }
            let e = a.error.as_ref()?;
            let packet = a
                .packets
                .last()
                .and_then(|p| p.packet_type)
                .map_or("packet".to_owned(), |t| t.name().to_owned());
            let message = e.kind.to_string();
            let rule = e.rule_display();
            Some(decode_error(packet, e.offset, message, rule, hover).into_any())
        })
    };
    view! {
        <div id=id class="banner-slot" aria-live="polite">
            {content}
        </div>
    }
}

fn input_error(message: String) -> impl IntoView {
    view! {
        <div class="banner banner-input" data-testid="input-error">
            <strong>"Not hex: "</strong>
            {message}
        </div>
    }
}

fn decode_error(
    packet: String,
    offset: usize,
    message: String,
    rule: String,
    hover: RwSignal<Hover>,
) -> impl IntoView {
    view! {
        <div
            class="banner banner-error"
            data-testid="decode-error"
            on:mouseenter=move |_| hover.set(Hover::Error)
            on:mouseleave=move |_| hover.set(Hover::None)
        >
            <strong>{format!("Malformed {packet} at byte {offset}: ")}</strong>
            <span class="banner-message">{message}</span>
            " "
            <code class="rule">{rule}</code>
        </div>
    }
}
