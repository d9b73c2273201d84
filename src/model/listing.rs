//! What the message list draws: a window of the messages that pass its filter, newest
//! first, held at one message while the user pauses or scrolls, and the counts around it.

use std::ops::Range;

use super::filter::CompiledFilter;
use super::message::MessageRow;

/// Why the list is held: newer messages are counted, not shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hold {
    /// The user pressed Pause.
    Paused,
    /// The user scrolled away from the newest messages.
    Scrolled,
}

/// A window of the list and the counts around it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Listing {
    /// The rows of the window: rows `first..first + rows.len()` of the matching ones.
    pub rows: Vec<MessageRow>,
    /// The index of the first row of the window among the matching rows.
    pub first: usize,
    /// How many stored messages (up to the hold) pass the filter.
    pub matching: usize,
    /// How many stored messages arrived after the hold.
    pub held: usize,
    /// How many messages the history keeps.
    pub stored: usize,
    /// How many the history has dropped, oldest first.
    pub evicted: u64,
    /// The id of the newest stored message, held or not (0 when there is none): where a
    /// pause or a scroll made now holds the list.
    pub newest: u64,
}

/// The rows `window` of the messages in `all` (oldest first) that pass `filter`, newest
/// first, leaving out those after message `hold` (an id) when there is one.
pub fn list<'a>(
    all: impl DoubleEndedIterator<Item = &'a MessageRow> + ExactSizeIterator,
    filter: &CompiledFilter,
    hold: Option<u64>,
    window: Range<usize>,
    evicted: u64,
) -> Listing {
    let mut out = Listing {
        stored: all.len(),
        evicted,
        ..Default::default()
    };
    let mut newest_first = all.rev().peekable();
    out.newest = newest_first.peek().map_or(0, |r| r.id);
    // Ids increase with arrival, so the held messages are the newest few.
    while newest_first
        .next_if(|r| hold.is_some_and(|h| r.id > h))
        .is_some()
    {
        out.held += 1;
    }
    if filter.is_empty() {
        // The common case under a flood: the window is an index away.
        out.matching = out.stored - out.held;
        out.first = window.start.min(out.matching);
        out.rows = newest_first
            .skip(out.first)
            .take(window.len())
            .cloned()
            .collect();
        return out;
    }
    for row in newest_first.filter(|r| filter.matches(&r.topic, &r.payload)) {
        if window.contains(&out.matching) {
            out.rows.push(row.clone());
        }
        out.matching += 1;
    }
    out.first = window.start.min(out.matching);
    out
}

/// "1,234 messages · 56 evicted from the history · 7 arrived while paused".
pub fn counts(l: &Listing, hold: Option<Hold>) -> String {
    let noun = if l.stored == 1 { "message" } else { "messages" };
    let mut s = format!("{} {noun}", l.stored);
    if l.matching != l.stored - l.held {
        s.push_str(&format!(" · {} match the filter", l.matching));
    }
    if l.evicted > 0 {
        s.push_str(&format!(
            " · {} older ones evicted from the history",
            l.evicted
        ));
    }
    match hold {
        _ if l.held == 0 => {}
        Some(Hold::Paused) | None => {
            s.push_str(&format!(" · {} arrived while paused", l.held));
        }
        Some(Hold::Scrolled) => {
            s.push_str(&format!(" · {} newer: scroll to the top", l.held));
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use mqttscope_proto::codec::QoS;

    use super::*;
    use crate::model::filter::MessageFilter;
    use crate::model::message::Direction;

    fn rows(n: u64) -> Vec<MessageRow> {
        (1..=n)
            .map(|id| MessageRow {
                id,
                direction: Direction::In,
                at_ms: 0.0,
                topic: Arc::from(format!("t/{}", id % 2).as_str()),
                payload: Arc::from(format!("p{id}").as_bytes()),
                qos: QoS::AtMostOnce,
                retain: false,
                dup: false,
                subscription: None,
                properties: Vec::new(),
            })
            .collect()
    }

    fn filter(topic: &str) -> CompiledFilter {
        CompiledFilter::new(&MessageFilter {
            topic: topic.into(),
            text: String::new(),
        })
    }

    fn ids(l: &Listing) -> Vec<u64> {
        l.rows.iter().map(|r| r.id).collect()
    }

    #[test]
    fn the_window_of_all_rows_newest_first() {
        let all = rows(100);
        let l = list(all.iter(), &filter(""), None, 10..13, 7);
        assert_eq!(ids(&l), [90, 89, 88]);
        assert_eq!((l.first, l.matching, l.held, l.stored), (10, 100, 0, 100));
        assert_eq!(l.newest, 100);
        assert_eq!(
            counts(&l, None),
            "100 messages · 7 older ones evicted from the history"
        );
    }

    #[test]
    fn a_window_past_the_end_is_empty_and_starts_at_the_end() {
        let all = rows(5);
        let l = list(all.iter(), &filter(""), None, 20..30, 0);
        assert!(l.rows.is_empty());
        assert_eq!(l.first, 5);
        let l = list(all.iter(), &filter("t/1"), None, 20..30, 0);
        assert_eq!((l.first, l.matching), (3, 3));
    }

    #[test]
    fn the_window_counts_only_matching_rows() {
        let all = rows(100);
        let l = list(all.iter(), &filter("t/1"), None, 1..3, 0);
        assert_eq!(ids(&l), [97, 95]);
        assert_eq!(l.matching, 50);
        assert_eq!(counts(&l, None), "100 messages · 50 match the filter");
    }

    #[test]
    fn a_hold_leaves_out_and_counts_what_came_after_it() {
        let all = rows(100);
        for f in ["", "t/#"] {
            let l = list(all.iter(), &filter(f), Some(95), 0..2, 0);
            assert_eq!(ids(&l), [95, 94], "filter {f:?}");
            assert_eq!((l.held, l.matching, l.newest), (5, 95, 100));
            assert_eq!(
                counts(&l, Some(Hold::Paused)),
                "100 messages · 5 arrived while paused"
            );
            assert_eq!(
                counts(&l, Some(Hold::Scrolled)),
                "100 messages · 5 newer: scroll to the top"
            );
        }
    }

    #[test]
    fn one_message_is_singular() {
        let all = rows(1);
        let l = list(all.iter(), &filter(""), None, 0..10, 0);
        assert_eq!(counts(&l, None), "1 message");
    }
}
