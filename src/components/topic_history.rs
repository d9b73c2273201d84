//! The messages of one topic and the topics below it, newest first: the topic tree shows
//! it for the selected topic. It is a [`WindowedList`] like the message list, so it holds
//! every such message of the history, scrolls, and holds while scrolled.

use leptos::prelude::*;

use crate::components::message_line::MessageLine;
use crate::components::windowed_list::{shape_of, slot_row, HeldScroll, WindowedList};
use crate::model::listing::{list, Listing};
use crate::model::message::MessageRow;
use crate::model::visible::visible;
use crate::state::connection::Conn;

/// The history of `path` and below in `conn`.
#[component]
pub fn TopicHistory(
    /// The connection.
    conn: Conn,
    /// The selected topic.
    #[prop(into)]
    path: Signal<String>,
) -> impl IntoView {
    let picked = RwSignal::new(None::<u64>);
    let held = HeldScroll::new();
    let listing = Memo::new(move |_| {
        let (held_at, window) = (held.held_at.get(), held.window());
        path.with(|path| {
            let keep = |m: &MessageRow| in_subtree(&m.topic, path);
            conn.with_data(|d| list(d.messages.iter(), Some(&keep), held_at, window, 0))
        })
    });
    let (scroll, on_away, shape) = (held.scroll, held.on_away(listing), shape_of(listing));
    let draw = move |k: usize| {
        let row = Signal::derive(move || (slot_row(listing, k, MessageRow::blank), None));
        view! { <MessageLine row selected=picked on_select=Callback::new(move |id| picked.set(Some(id))) /> }
    };
    view! {
        <section class="panel topic-history" aria-label="Topic history">
            <h3 class="mono" data-testid="topic-history-topic">{move || path.with(|p| visible(p).into_owned())}</h3>
            <p class="muted" data-testid="topic-history-counts">{move || listing.with(summary)}</p>
            <WindowedList class="message-list" test_id="topic-history" scroll shape on_away draw />
        </section>
    }
}

/// Whether `topic` is `path` or below it.
fn in_subtree(topic: &str, path: &str) -> bool {
    topic
        .strip_prefix(path)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

/// "12 messages on this topic and below, in the history · 3 newer: scroll to the top".
fn summary(l: &Listing<MessageRow>) -> String {
    let noun = if l.matching == 1 {
        "message"
    } else {
        "messages"
    };
    let mut s = format!(
        "{} {noun} on this topic and below, in the history",
        l.matching
    );
    if l.held > 0 {
        s.push_str(&format!(" · {} newer: scroll to the top", l.held));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::in_subtree;

    #[test]
    fn a_topic_is_in_its_own_subtree_and_its_parents_only() {
        assert!(in_subtree("a/b", "a/b"));
        assert!(in_subtree("a/b/c", "a/b"));
        assert!(!in_subtree("a/bc", "a/b"));
        assert!(!in_subtree("a", "a/b"));
    }
}
