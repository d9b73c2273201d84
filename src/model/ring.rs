//! A bounded history: the newest `capacity` items, oldest first, and a count of the items
//! it had to drop to stay within bounds (so a view can say "1,234 older messages
//! dropped"). Items may carry a weight in bytes ([`Ring::push_weighed`]): the ring keeps
//! their sum, so that its owner can hold several histories to one memory budget by
//! evicting the oldest items ([`Ring::evict_oldest`]).

use std::collections::vec_deque::{self, VecDeque};

/// The default number of items a history keeps.
pub const DEFAULT_CAPACITY: usize = 10_000;

/// A bounded history of items, oldest first.
///
/// A capacity of 0 keeps nothing: every pushed item is evicted at once (and counted),
/// which turns the history off without special cases in the caller.
#[derive(Debug, Clone, PartialEq)]
pub struct Ring<T> {
    items: VecDeque<T>,
    /// The weight of each item, in the same order.
    weights: VecDeque<usize>,
    bytes: usize,
    capacity: usize,
    evicted: u64,
}

impl<T> Default for Ring<T> {
    fn default() -> Self {
        Ring::new(DEFAULT_CAPACITY)
    }
}

impl<T> Ring<T> {
    /// An empty history that keeps at most `capacity` items. Memory grows with the items,
    /// not with the capacity.
    pub fn new(capacity: usize) -> Self {
        Ring {
            items: VecDeque::new(),
            weights: VecDeque::new(),
            bytes: 0,
            capacity,
            evicted: 0,
        }
    }

    /// Appends `item` as the newest; returns the oldest item if it had to go (with a
    /// capacity of 0, `item` itself).
    pub fn push(&mut self, item: T) -> Option<T> {
        self.push_weighed(item, 0)
    }

    /// Appends `item`, which holds `weight` bytes, as the newest (see [`Ring::push`]).
    pub fn push_weighed(&mut self, item: T, weight: usize) -> Option<T> {
        if self.capacity == 0 {
            self.evicted += 1;
            return Some(item);
        }
        let old = if self.items.len() >= self.capacity {
            self.evict_oldest()
        } else {
            None
        };
        self.items.push_back(item);
        self.weights.push_back(weight);
        self.bytes += weight;
        old
    }

    /// Drops the oldest item, counted as evicted (to stay within a memory budget).
    pub fn evict_oldest(&mut self) -> Option<T> {
        let old = self.items.pop_front();
        self.bytes -= self.weights.pop_front().unwrap_or(0);
        self.evicted += u64::from(old.is_some());
        old
    }

    /// The sum of the weights of the items held, in bytes.
    pub fn bytes(&self) -> usize {
        self.bytes
    }

    /// How many items were ever evicted to respect the capacity (by [`Ring::push`] and
    /// [`Ring::set_capacity`]; [`Ring::clear`] does not count).
    pub fn evicted(&self) -> u64 {
        self.evicted
    }

    /// The number of items held.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// True when no item is held.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The most items the history keeps.
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// Changes the capacity, evicting (and counting) the oldest items that no longer fit.
    pub fn set_capacity(&mut self, capacity: usize) {
        self.capacity = capacity;
        while self.items.len() > capacity {
            self.evict_oldest();
        }
        if self.items.capacity() > 2 * capacity.max(16) {
            self.items.shrink_to_fit();
            self.weights.shrink_to_fit();
        }
    }

    /// The items, oldest to newest (`.rev()` for newest first).
    pub fn iter(&self) -> vec_deque::Iter<'_, T> {
        self.items.iter()
    }

    /// The `i`th item held, from the oldest (0).
    pub fn get(&self, i: usize) -> Option<&T> {
        self.items.get(i)
    }

    /// The index of the first item for which `pred` is false, given that it is true for
    /// every item before that one and false from there on (as for a slice).
    pub fn partition_point(&self, pred: impl FnMut(&T) -> bool) -> usize {
        self.items.partition_point(pred)
    }

    /// The item at `i` (0 is the oldest), to change it in place.
    pub fn get_mut(&mut self, i: usize) -> Option<&mut T> {
        self.items.get_mut(i)
    }

    /// The oldest item.
    pub fn front(&self) -> Option<&T> {
        self.items.front()
    }

    /// The newest item.
    pub fn back(&self) -> Option<&T> {
        self.items.back()
    }

    /// Removes every item. The user asked for it, so it is not counted as evicted; the
    /// evicted count stays as it was (use [`Ring::reset`] to zero it too).
    pub fn clear(&mut self) {
        self.items.clear();
        self.weights.clear();
        self.bytes = 0;
    }

    /// Removes every item and zeroes the evicted count.
    pub fn reset(&mut self) {
        self.clear();
        self.evicted = 0;
    }
}

impl<'a, T> IntoIterator for &'a Ring<T> {
    type Item = &'a T;
    type IntoIter = vec_deque::Iter<'a, T>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn items(r: &Ring<u32>) -> Vec<u32> {
        r.iter().copied().collect()
    }

    #[test]
    fn keeps_the_newest_and_counts_evictions() {
        let mut r = Ring::new(3);
        assert_eq!((r.len(), r.is_empty(), r.capacity()), (0, true, 3));
        for i in 1..=3 {
            assert_eq!(r.push(i), None);
        }
        assert_eq!(r.push(4), Some(1));
        assert_eq!(r.push(5), Some(2));
        assert_eq!(items(&r), [3, 4, 5]);
        assert_eq!((r.len(), r.evicted()), (3, 2));
        assert_eq!(
            (r.front(), r.back(), r.get(1), r.get(3)),
            (Some(&3), Some(&5), Some(&4), None)
        );
        assert_eq!(r.iter().rev().copied().collect::<Vec<_>>(), [5, 4, 3]);
    }

    #[test]
    fn capacity_zero_keeps_nothing() {
        let mut r = Ring::new(0);
        assert_eq!(r.push(7), Some(7));
        assert_eq!(r.push(8), Some(8));
        assert!(r.is_empty());
        assert_eq!((r.evicted(), r.back()), (2, None));
    }

    #[test]
    fn shrinking_evicts_the_oldest_and_growing_keeps_everything() {
        let mut r = Ring::new(5);
        for i in 0..5 {
            r.push(i);
        }
        r.set_capacity(2);
        assert_eq!((items(&r), r.evicted()), (vec![3, 4], 3));
        r.set_capacity(4);
        r.push(5);
        r.push(6);
        assert_eq!((items(&r), r.evicted()), (vec![3, 4, 5, 6], 3));
        r.set_capacity(0);
        assert_eq!((r.len(), r.evicted()), (0, 7));
    }

    #[test]
    fn clear_does_not_count_but_reset_zeroes() {
        let mut r = Ring::new(1);
        r.push(1);
        r.push(2);
        r.clear();
        assert_eq!((r.len(), r.evicted(), r.get(0)), (0, 1, None));
        r.push(3);
        assert_eq!(items(&r), [3]);
        r.reset();
        assert_eq!((r.len(), r.evicted()), (0, 0));
    }

    #[test]
    fn default_capacity_is_ten_thousand() {
        let mut r: Ring<u32> = Ring::default();
        for i in 0..10_001 {
            r.push(i);
        }
        assert_eq!(
            (r.capacity(), r.len(), r.evicted()),
            (DEFAULT_CAPACITY, 10_000, 1)
        );
        assert_eq!(r.front(), Some(&1));
        assert_eq!((&r).into_iter().count(), 10_000);
    }

    #[test]
    fn weights_are_summed_and_leave_with_their_items() {
        let mut r = Ring::new(3);
        r.push_weighed(1, 100);
        r.push_weighed(2, 20);
        r.push(3);
        assert_eq!(r.bytes(), 120);
        assert_eq!(r.push_weighed(4, 5), Some(1), "the count limit evicts too");
        assert_eq!(r.bytes(), 25);
        assert_eq!(r.evict_oldest(), Some(2));
        assert_eq!((r.bytes(), r.len(), r.evicted()), (5, 2, 2));
        r.set_capacity(1);
        assert_eq!((items(&r), r.bytes()), (vec![4], 5));
        r.clear();
        assert_eq!((r.bytes(), r.evict_oldest()), (0, None));
    }
}
