//! One boolean signal per byte, set from a range.

use std::ops::Range;

use leptos::prelude::*;

/// Per-offset flags (say, "this byte is highlighted") driven by one range at a time.
///
/// Each byte cell subscribes to its own flag, and [`RangeFlags::show`] sets only the flags
/// that flip. A hover then costs the size of the old and new ranges instead of one
/// update per byte of the input: with every cell subscribed to one shared signal, a
/// hover over 16 KiB of bytes took seconds.
#[derive(Debug, Clone, Default)]
pub struct RangeFlags {
    flags: Vec<ArcRwSignal<bool>>,
    shown: Range<usize>,
}

impl RangeFlags {
    /// `len` flags, all clear.
    pub fn new(len: usize) -> Self {
        RangeFlags {
            flags: (0..len).map(|_| ArcRwSignal::new(false)).collect(),
            shown: 0..0,
        }
    }

    /// The flag of `offset` (a clear, unconnected flag past the end).
    pub fn flag(&self, offset: usize) -> ArcRwSignal<bool> {
        self.flags.get(offset).cloned().unwrap_or_default()
    }

    /// The flags of the offsets in `range` (clear, unconnected flags past the end).
    pub fn flags(&self, range: Range<usize>) -> Vec<ArcRwSignal<bool>> {
        range.map(|i| self.flag(i)).collect()
    }

    /// Sets the flags in `range` and clears the others, touching only those that change.
    pub fn show(&mut self, range: Range<usize>) {
        let end = self.flags.len();
        let (old, new) = (clamp(&self.shown, end), clamp(&range, end));
        for i in old.clone().chain(new.clone()) {
            let want = new.contains(&i);
            if self.flags[i].get_untracked() != want {
                self.flags[i].set(want);
            }
        }
        self.shown = new;
    }
}

fn clamp(r: &Range<usize>, end: usize) -> Range<usize> {
    r.start.min(end)..r.end.min(end)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(f: &RangeFlags) -> Vec<usize> {
        (0..f.flags.len())
            .filter(|&i| f.flag(i).get_untracked())
            .collect()
    }

    #[test]
    fn shows_one_range_at_a_time() {
        let mut f = RangeFlags::new(8);
        f.show(2..5);
        assert_eq!(set(&f), [2, 3, 4]);
        f.show(4..6);
        assert_eq!(set(&f), [4, 5]);
        f.show(0..0);
        assert!(set(&f).is_empty());
    }

    #[test]
    fn a_slice_of_flags_follows_the_range() {
        let mut f = RangeFlags::new(4);
        let row = f.flags(2..6);
        f.show(1..3);
        let on: Vec<bool> = row.iter().map(|s| s.get_untracked()).collect();
        assert_eq!(on, [true, false, false, false]);
    }

    #[test]
    fn ranges_past_the_end_are_cut() {
        let mut f = RangeFlags::new(3);
        f.show(2..9);
        assert_eq!(set(&f), [2]);
        f.show(7..9);
        assert!(set(&f).is_empty());
        assert!(!f.flag(10).get_untracked());
    }
}
