//! The timer table: one deadline per [`TimerKey`], kept in time order so that only the
//! earliest leaves the broker and `handle_timeout` pops what is due.

use std::collections::{BTreeSet, HashMap};

use mqttscope_proto::client::Instant;

use crate::ConnId;

/// The far future: "no timer armed".
pub(crate) const NEVER: Instant = Instant::from_millis(u64::MAX);

/// What a deadline is for.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum TimerKey {
    /// CONNECT must arrive on this connection by then.
    Connect(ConnId),
    /// Something must arrive on this connection by then (1.5 x keep alive).
    KeepAlive(ConnId),
    /// This offline session expires then.
    Session(String),
    /// This session's delayed will is published then.
    Will(String),
}

/// Deadlines by key and in time order.
#[derive(Debug, Default)]
pub(crate) struct Timers {
    by_key: HashMap<TimerKey, Instant>,
    by_time: BTreeSet<(Instant, TimerKey)>,
}

impl Timers {
    /// Arms (or with `None` disarms) the timer `key`.
    pub(crate) fn set(&mut self, key: TimerKey, at: Option<Instant>) {
        if let Some(old) = self.by_key.remove(&key) {
            self.by_time.remove(&(old, key.clone()));
        }
        if let Some(at) = at {
            self.by_key.insert(key.clone(), at);
            self.by_time.insert((at, key));
        }
    }

    /// The earliest deadline, or [`NEVER`].
    pub(crate) fn next(&self) -> Instant {
        self.by_time.first().map_or(NEVER, |(at, _)| *at)
    }

    /// Removes and returns the earliest timer due at `now`.
    pub(crate) fn pop_due(&mut self, now: Instant) -> Option<TimerKey> {
        let (at, _) = self.by_time.first()?;
        if *at > now {
            return None;
        }
        let (_, key) = self.by_time.pop_first()?;
        self.by_key.remove(&key);
        Some(key)
    }

    /// How many timers are armed.
    pub(crate) fn len(&self) -> usize {
        self.by_key.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn rearming_replaces_and_only_due_timers_pop() {
        let mut t = Timers::default();
        let at = Instant::from_millis;
        t.set(TimerKey::KeepAlive(ConnId(1)), Some(at(50)));
        t.set(TimerKey::Connect(ConnId(2)), Some(at(20)));
        t.set(TimerKey::KeepAlive(ConnId(1)), Some(at(10)));
        assert_eq!((t.next(), t.len()), (at(10), 2));
        assert_eq!(t.pop_due(at(15)), Some(TimerKey::KeepAlive(ConnId(1))));
        assert_eq!(t.pop_due(at(15)), None);
        t.set(TimerKey::Connect(ConnId(2)), None);
        assert_eq!((t.next(), t.len()), (NEVER, 0));
    }
}
