//! What the message list, the packet log and the topic history draw: a window of the
//! rows that pass their filter, newest first, held at one row while the user pauses or
//! scrolls, and the counts around it.

use std::ops::Range;

use super::message::{MessageRow, PacketRow};

/// A row of a history: its id is unique and increases with arrival.
pub trait Row: Clone {
    /// The row's id.
    fn id(&self) -> u64;
}

impl Row for MessageRow {
    fn id(&self) -> u64 {
        self.id
    }
}

impl Row for PacketRow {
    fn id(&self) -> u64 {
        self.id
    }
}

/// Why the list is held: newer rows are counted, not shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hold {
    /// The user pressed Pause.
    Paused,
    /// The user scrolled away from the newest rows.
    Scrolled,
}

/// A window of the list and the counts around it.
#[derive(Debug, Clone, PartialEq)]
pub struct Listing<R> {
    /// The rows of the window: rows `first..first + rows.len()` of the matching ones.
    pub rows: Vec<R>,
    /// The index of the first row of the window among the matching rows.
    pub first: usize,
    /// How many stored rows (up to the hold) pass the filter.
    pub matching: usize,
    /// How many rows that pass the filter arrived after the hold.
    pub held: usize,
    /// How many rows the history keeps.
    pub stored: usize,
    /// How many the history has dropped, oldest first.
    pub evicted: u64,
    /// The id of the newest stored row, held or not (0 when there is none): where a
    /// pause or a scroll made now holds the list.
    pub newest: u64,
}

impl<R> Listing<R> {
    /// `(first, rows, total)`: the window's first row, how many rows it has, and how many
    /// rows pass the filter (the shape [`crate::components::windowed_list`] draws).
    pub fn shape(&self) -> (usize, usize, usize) {
        (self.first, self.rows.len(), self.matching)
    }
}

impl<R> Default for Listing<R> {
    fn default() -> Self {
        Listing {
            rows: Vec::new(),
            first: 0,
            matching: 0,
            held: 0,
            stored: 0,
            evicted: 0,
            newest: 0,
        }
    }
}

/// The rows `window` of the rows in `all` (oldest first) that `keep` accepts (all of them
/// for `None`), newest first, leaving out those after row `hold` (an id) if there is one.
pub fn list<'a, R: Row + 'a>(
    all: impl DoubleEndedIterator<Item = &'a R> + ExactSizeIterator,
    keep: Option<&dyn Fn(&R) -> bool>,
    hold: Option<u64>,
    window: Range<usize>,
    evicted: u64,
) -> Listing<R> {
    let mut out = Listing {
        stored: all.len(),
        evicted,
        ..Default::default()
    };
    let mut newest_first = all.rev().peekable();
    out.newest = newest_first.peek().map_or(0, |r| r.id());
    // Ids increase with arrival, so the held rows are the newest few.
    while let Some(r) = newest_first.next_if(|r| hold.is_some_and(|h| r.id() > h)) {
        out.held += usize::from(keep.is_none_or(|keep| keep(r)));
    }
    let Some(keep) = keep else {
        // The common case under a flood: the window is an index away.
        out.matching = out.stored - out.held;
        out.first = window.start.min(out.matching);
        out.rows = newest_first
            .skip(out.first)
            .take(window.len())
            .cloned()
            .collect();
        return out;
    };
    for row in newest_first.filter(|r| keep(r)) {
        if window.contains(&out.matching) {
            out.rows.push(row.clone());
        }
        out.matching += 1;
    }
    out.first = window.start.min(out.matching);
    out
}

/// The noun for what a list holds, singular and plural: `("message", "messages")`.
pub type Noun = (&'static str, &'static str);

/// "1,234 messages · 56 evicted from the history · 7 arrived while paused".
pub fn counts<R>(l: &Listing<R>, hold: Option<Hold>, (one, many): Noun) -> String {
    let noun = if l.stored == 1 { one } else { many };
    let mut s = format!("{} {noun}", l.stored);
    if l.matching != l.stored - l.held {
        s.push_str(&format!(" · {} match the filter", l.matching));
    }
    if l.evicted > 0 {
        s.push_str(&format!(
            " · {} older ones evicted from the history (its count or memory limit)",
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
    use crate::model::filter::{CompiledFilter, MessageFilter};
    use crate::model::match_index::list_messages;
    use crate::model::message::Direction;
    use crate::model::message::PacketKind;
    use crate::model::ring::Ring;
    use mqttscope_proto::codec::PacketType;

    /// A history of messages `1..=n` that keeps the newest `capacity`.
    fn history(capacity: usize, n: u64) -> Ring<MessageRow> {
        let mut ring = Ring::new(capacity);
        for row in rows(n) {
            ring.push(row);
        }
        ring
    }

    fn rows(n: u64) -> Vec<MessageRow> {
        (1..=n)
            .map(|id| MessageRow {
                id,
                direction: Direction::In,
                at_ms: 0.0,
                topic: Arc::from(format!("t/{}", id % 2).as_str()),
                payload: format!("p{id}").as_bytes().into(),
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

    const MESSAGES: Noun = ("message", "messages");

    fn ids<R: Row>(l: &Listing<R>) -> Vec<u64> {
        l.rows.iter().map(|r| r.id()).collect()
    }

    #[test]
    fn the_window_of_all_rows_newest_first() {
        let all = history(100, 107);
        let l = list_messages(&all, &filter(""), None, 10..13);
        assert_eq!(ids(&l), [97, 96, 95]);
        assert_eq!((l.first, l.matching, l.held, l.stored), (10, 100, 0, 100));
        assert_eq!(l.newest, 107);
        assert_eq!(l.shape(), (10, 3, 100));
        assert_eq!(
            counts(&l, None, MESSAGES),
            "100 messages · 7 older ones evicted from the history (its count or memory limit)"
        );
    }

    #[test]
    fn a_window_past_the_end_is_empty_and_starts_at_the_end() {
        let all = history(5, 5);
        let l = list_messages(&all, &filter(""), None, 20..30);
        assert!(l.rows.is_empty());
        assert_eq!(l.first, 5);
        let l = list_messages(&all, &filter("t/1"), None, 20..30);
        assert_eq!((l.first, l.matching), (3, 3));
    }

    #[test]
    fn the_window_counts_only_matching_rows() {
        let all = history(100, 100);
        let l = list_messages(&all, &filter("t/1"), None, 1..3);
        assert_eq!(ids(&l), [97, 95]);
        assert_eq!(l.matching, 50);
        assert_eq!(
            counts(&l, None, MESSAGES),
            "100 messages · 50 match the filter"
        );
    }

    #[test]
    fn a_hold_leaves_out_and_counts_what_came_after_it() {
        let all = history(100, 100);
        for f in ["", "t/#"] {
            let l = list_messages(&all, &filter(f), Some(95), 0..2);
            assert_eq!(ids(&l), [95, 94], "filter {f:?}");
            assert_eq!((l.held, l.matching, l.newest), (5, 95, 100));
            assert_eq!(
                counts(&l, Some(Hold::Paused), MESSAGES),
                "100 messages · 5 arrived while paused"
            );
            assert_eq!(
                counts(&l, Some(Hold::Scrolled), MESSAGES),
                "100 messages · 5 newer: scroll to the top"
            );
        }
    }

    #[test]
    fn packets_list_the_same_way() {
        let packets: Vec<PacketRow> = (1..=10)
            .map(|id| PacketRow {
                id,
                direction: Direction::In,
                at_ms: 0.0,
                bytes: Arc::from(&[0xc0, 0][..]),
                kind: PacketKind::Packet(match id % 2 {
                    0 => PacketType::Publish,
                    _ => PacketType::PingResp,
                }),
                frame_ends: Vec::new(),
                violation: None,
            })
            .collect();
        let not_publish = |p: &PacketRow| p.kind != PacketKind::Packet(PacketType::Publish);
        let l = list(packets.iter(), Some(&not_publish), Some(8), 1..3, 0);
        assert_eq!(ids(&l), [5, 3]);
        // Held: 9 and 10, but 10 is a PUBLISH, which the filter leaves out.
        assert_eq!((l.matching, l.held, l.newest), (4, 1, 10));
        assert_eq!(
            counts(&l, Some(Hold::Scrolled), ("packet", "packets")),
            "10 packets · 4 match the filter · 1 newer: scroll to the top"
        );
    }

    #[test]
    fn one_message_is_singular() {
        let all = history(1, 1);
        let l = list_messages(&all, &filter(""), None, 0..10);
        assert_eq!(counts(&l, None, MESSAGES), "1 message");
    }
}
