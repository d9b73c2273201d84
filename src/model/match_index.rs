//! Which messages of a history pass the message list's filter, kept up to date as
//! messages arrive instead of found again on every redraw.
//!
//! The list redraws up to ten times a second. Matching a payload filter against all
//! 10,000 messages of a full history each time searched every payload ten times a
//! second while nothing but the newest few had changed. The index remembers the ids
//! of the messages that matched and the newest message it examined; a redraw examines
//! only the messages that arrived since, drops the ids the history evicted, and starts
//! over only when the filter changes.

use std::collections::VecDeque;
use std::ops::Range;

use super::filter::CompiledFilter;
use super::listing::{list, Listing};
use super::message::MessageRow;
use super::ring::Ring;

/// The ids of the messages of a history that pass one filter (see the module doc).
#[derive(Debug, Clone)]
pub struct MatchIndex {
    /// The filter the ids are for.
    filter: CompiledFilter,
    /// The ids of the matching messages still in the history, oldest first.
    ids: VecDeque<u64>,
    /// The id of the newest message examined (0 before the first).
    scanned: u64,
    /// How many messages were matched against a filter, ever.
    examined: u64,
}

impl Default for MatchIndex {
    fn default() -> Self {
        MatchIndex {
            filter: CompiledFilter::new(&Default::default()),
            ids: VecDeque::new(),
            scanned: 0,
            examined: 0,
        }
    }
}

impl MatchIndex {
    /// Brings the index up to date with `history` (ids increasing with arrival) under
    /// `filter`: examines the messages newer than the last update, or every message
    /// when the filter changed (or the history's ids went back, as after a reset).
    pub fn update(&mut self, filter: &CompiledFilter, history: &Ring<MessageRow>) {
        let newest = history.back().map_or(0, |m| m.id);
        if *filter != self.filter || newest < self.scanned {
            self.filter = filter.clone();
            self.ids.clear();
            self.scanned = 0;
        }
        let oldest = history.front().map_or(u64::MAX, |m| m.id);
        while self.ids.front().is_some_and(|&id| id < oldest) {
            self.ids.pop_front();
        }
        if !filter.is_empty() {
            let first_new = history.partition_point(|m| m.id <= self.scanned);
            for m in history.iter().skip(first_new) {
                self.examined += 1;
                if filter.matches(&m.topic, &m.payload) {
                    self.ids.push_back(m.id);
                }
            }
        }
        self.scanned = newest;
    }

    /// How many messages the index has matched against a filter since it was made: a
    /// measure of the work done (each is a search of a payload).
    pub fn examined(&self) -> u64 {
        self.examined
    }

    /// The rows `window` of the matching messages of `history`, newest first, leaving
    /// out those after message `hold` (an id) if there is one; the same listing as
    /// [`list`] with the filter, from the index. Call [`MatchIndex::update`] first.
    pub fn listing(
        &self,
        history: &Ring<MessageRow>,
        hold: Option<u64>,
        window: Range<usize>,
    ) -> Listing<MessageRow> {
        if self.filter.is_empty() {
            return list(history.iter(), None, hold, window, history.evicted());
        }
        let held_from = hold.map_or(self.ids.len(), |h| self.ids.partition_point(|&id| id <= h));
        let mut out = Listing {
            stored: history.len(),
            evicted: history.evicted(),
            newest: history.back().map_or(0, |m| m.id),
            held: self.ids.len() - held_from,
            matching: held_from,
            ..Default::default()
        };
        out.first = window.start.min(out.matching);
        let end = window.end.min(out.matching).max(out.first);
        out.rows = (out.first..end)
            .filter_map(|k| self.ids.get(out.matching - 1 - k))
            .filter_map(|&id| find(history, id))
            .cloned()
            .collect();
        out
    }
}

/// Message `id` of `history`.
fn find(history: &Ring<MessageRow>, id: u64) -> Option<&MessageRow> {
    history
        .get(history.partition_point(|m| m.id < id))
        .filter(|m| m.id == id)
}

/// The rows `window` of the messages in `history` that pass `filter`, newest first,
/// held at message `hold` if there is one: [`MatchIndex::listing`] for a one-off
/// listing, from a fresh index.
pub fn list_messages(
    history: &Ring<MessageRow>,
    filter: &CompiledFilter,
    hold: Option<u64>,
    window: Range<usize>,
) -> Listing<MessageRow> {
    let mut index = MatchIndex::default();
    index.update(filter, history);
    index.listing(history, hold, window)
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use mqttscope_proto::codec::QoS;

    use super::*;
    use crate::model::filter::MessageFilter;
    use crate::model::message::Direction;

    fn message(id: u64) -> MessageRow {
        MessageRow {
            id,
            direction: Direction::In,
            at_ms: 0.0,
            topic: Arc::from(format!("t/{}", id % 3).as_str()),
            payload: format!("reading {id}").as_bytes().into(),
            qos: QoS::AtMostOnce,
            retain: false,
            dup: false,
            subscription: None,
            properties: Vec::new(),
        }
    }

    fn history(capacity: usize, ids: impl IntoIterator<Item = u64>) -> Ring<MessageRow> {
        let mut ring = Ring::new(capacity);
        for id in ids {
            ring.push(message(id));
        }
        ring
    }

    fn filter(topic: &str, text: &str) -> CompiledFilter {
        CompiledFilter::new(&MessageFilter {
            topic: topic.into(),
            text: text.into(),
        })
    }

    /// What a full scan of the history lists: the reference the index must agree with.
    fn scanned(
        h: &Ring<MessageRow>,
        f: &CompiledFilter,
        hold: Option<u64>,
        window: Range<usize>,
    ) -> Listing<MessageRow> {
        let keep = |m: &MessageRow| f.matches(&m.topic, &m.payload);
        list(h.iter(), Some(&keep), hold, window, h.evicted())
    }

    #[test]
    fn a_redraw_examines_only_the_messages_that_arrived_since_the_last() {
        let mut h = history(10_000, 1..=10_000);
        let f = filter("", "reading 9");
        let mut index = MatchIndex::default();
        index.update(&f, &h);
        let first = index.listing(&h, None, 0..50);
        assert_eq!(index.examined(), 10_000);
        // The next redraw, nothing new: no payload is searched again.
        index.update(&f, &h);
        assert_eq!(index.listing(&h, None, 0..50), first);
        assert_eq!(index.examined(), 10_000);
        // Three arrive (evicting three): three are examined.
        for id in 10_001..=10_003 {
            h.push(message(id));
        }
        index.update(&f, &h);
        assert_eq!(index.examined(), 10_003);
        assert_eq!(index.listing(&h, None, 0..50), scanned(&h, &f, None, 0..50));
        // A new filter starts over.
        index.update(&filter("", "reading 1"), &h);
        assert_eq!(index.examined(), 20_003);
    }

    #[test]
    fn the_listing_is_the_full_scans_through_arrivals_evictions_and_holds() {
        let mut h = history(500, 1..=300);
        let mut index = MatchIndex::default();
        let filters = [filter("t/1", ""), filter("t/+", "7"), filter("", "")];
        for (round, next) in [(0, 301..=450), (1, 451..=900), (2, 901..=905)] {
            for f in &filters {
                index.update(f, &h);
                for hold in [None, Some(0), Some(200), Some(899), Some(10_000)] {
                    for window in [0..10, 5..40, 100..130, 600..700] {
                        let want = scanned(&h, f, hold, window.clone());
                        let got = index.listing(&h, hold, window.clone());
                        assert_eq!(got, want, "round {round}, hold {hold:?}, {window:?}");
                    }
                }
            }
            for id in next {
                h.push(message(id));
            }
        }
    }

    #[test]
    fn a_history_that_starts_over_is_examined_again() {
        let mut h = history(100, 1..=50);
        let f = filter("", "reading");
        let mut index = MatchIndex::default();
        index.update(&f, &h);
        h.reset();
        for id in 1..=5 {
            h.push(message(id));
        }
        index.update(&f, &h);
        assert_eq!(index.listing(&h, None, 0..10).matching, 5);
        assert_eq!(index.examined(), 55);
    }
}
