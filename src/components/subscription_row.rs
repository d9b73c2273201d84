//! One subscription: its colour, filter or alias, options and the broker's answer.

use leptos::prelude::*;

use crate::model::visible::visible;
use crate::state::actions;
use crate::state::connection::{Conn, SubStatus, SubscriptionEntry};

/// The SUBACK result in words.
fn status_text(status: SubStatus) -> String {
    match status {
        SubStatus::Pending => "pending".to_owned(),
        SubStatus::Granted(q) => format!("granted QoS {}", q as u8),
        SubStatus::Refused(r) => format!("refused: {r}"),
    }
}

/// A subscription with its remove and colour buttons, and a retry button once refused.
#[component]
pub fn SubscriptionRow(
    /// The connection.
    conn: Conn,
    /// The subscription.
    sub: SubscriptionEntry,
) -> impl IntoView {
    let id = sub.id;
    let filter = visible(&sub.filter);
    let title = if sub.alias.is_empty() {
        filter.into_owned()
    } else {
        format!("{} ({filter})", visible(&sub.alias))
    };
    let mut options = format!("QoS {}", sub.qos as u8);
    if sub.no_local {
        options.push_str(" · no local");
    }
    if sub.retain_as_published {
        options.push_str(" · RAP");
    }
    if sub.retain_handling != 0 {
        options.push_str(&format!(" · RH {}", sub.retain_handling));
    }
    if let Some(i) = sub.identifier {
        options.push_str(&format!(" · id {i}"));
    }
    let refused = matches!(sub.status, SubStatus::Refused(_));
    let recolour = move |_| {
        conn.subscriptions.update(|s| {
            s.iter_mut()
                .filter(|e| e.id == id)
                .for_each(|e| e.colour = (e.colour + 1) % 8)
        })
    };
    view! {
        <li class="sub-row" class:refused=refused>
            <button class=format!("swatch c{}", sub.colour % 8) title="Change colour" aria-label="Change colour" on:click=recolour></button>
            <span class="sub-text">
                <span class="sub-filter mono">{title}</span>
                <span class="muted">{options} " · " <span data-testid="sub-status">{status_text(sub.status)}</span></span>
            </span>
            <Show when=move || refused>
                <button class="small" data-testid="sub-retry" title="Subscribe again"
                    on:click=move |_| drop(actions::retry_subscription(conn, id))>"Retry"</button>
            </Show>
            <button class="small" aria-label=format!("Unsubscribe {}", sub.filter)
                on:click=move |_| drop(actions::unsubscribe(conn, id))>"×"</button>
        </li>
    }
}
