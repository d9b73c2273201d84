//! The timer table (one slot per [`Timer`], only the earliest deadline leaves the client)
//! and keep alive.

use super::*;

/// The client's timers, one slot each; only the earliest leaves the client.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Timer {
    /// CONNACK must arrive by then.
    Connect,
    /// A PINGREQ sent then needs an answer by then.
    PingResponse,
    /// Time to reconnect (the reconnect policy's backoff).
    Reconnect,
    /// The connection has stayed up long enough to forget earlier failures (the backoff).
    Stable,
}

impl Timer {
    /// Every timer, in the order `handle_timeout` fires those that are due.
    pub(super) const ALL: [Timer; 4] = [
        Timer::Connect,
        Timer::PingResponse,
        Timer::Reconnect,
        Timer::Stable,
    ];
}

/// One deadline per [`Timer`]; `None` is "not armed" (no sentinel instant).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct TimerTable {
    slots: [Option<Instant>; Timer::ALL.len()],
}

impl TimerTable {
    /// When `t` fires, if it is armed.
    pub(super) fn get(&self, t: Timer) -> Option<Instant> {
        self.slots[t as usize]
    }

    /// Arms `t` for `at`, replacing any earlier deadline of `t`.
    pub(super) fn set(&mut self, t: Timer, at: Instant) {
        self.slots[t as usize] = Some(at);
    }

    /// Disarms `t`.
    pub(super) fn stop(&mut self, t: Timer) {
        self.slots[t as usize] = None;
    }

    /// Disarms every timer.
    pub(super) fn clear(&mut self) {
        *self = TimerTable::default();
    }

    /// Disarms `t` and says so when it is due at `now`; otherwise changes nothing.
    pub(super) fn expire(&mut self, t: Timer, now: Instant) -> bool {
        let due = self.get(t).is_some_and(|at| at <= now);
        if due {
            self.stop(t);
        }
        due
    }

    /// The earliest armed deadline.
    pub(super) fn next(&self) -> Option<Instant> {
        self.slots.iter().flatten().min().copied()
    }
}

impl Client {
    pub(super) fn on_timer(&mut self, now: Instant, t: Timer) {
        match t {
            Timer::Connect if self.state() == State::Connecting => {
                self.close(now, DisconnectCause::ConnectTimeout)
            }
            Timer::PingResponse if self.state() == State::Connected => {
                self.close(now, DisconnectCause::KeepAliveTimeout)
            }
            Timer::Reconnect if self.state() == State::Closed => self.event(Event::Reconnect),
            Timer::Stable if self.state() == State::Connected => {
                self.backoff.reset();
                self.oversized = false;
            }
            _ => {}
        }
    }

    /// The keep-alive interval in force, if any (only while connected).
    pub(super) fn keep_alive_interval(&self) -> Option<Duration> {
        let keep_alive = self.conn.connected()?.limits.keep_alive;
        (keep_alive > 0).then(|| Duration::from_secs(u64::from(keep_alive)))
    }

    /// When to send the next PINGREQ: after an interval with nothing sent
    /// [MQTT-3.1.2-22], or with nothing received (to find out whether the server is still
    /// there while we only send).
    pub(super) fn keep_alive_deadline(&self) -> Option<Instant> {
        let interval = self.keep_alive_interval()?;
        if self.timers.get(Timer::PingResponse).is_some() {
            return None;
        }
        let link = &self.conn.connected()?.link;
        Some(link.last_sent.min(link.last_received) + interval)
    }

    pub(super) fn keep_alive(&mut self, now: Instant) {
        let (Some(at), Some(interval)) = (self.keep_alive_deadline(), self.keep_alive_interval())
        else {
            return;
        };
        if at <= now {
            self.send(now, Packet::PingReq);
            // Half an interval for the answer: a silent server is found within 1.5 times
            // the keep alive of the last packet it sent.
            self.timers.set(Timer::PingResponse, now + interval / 2);
        }
    }

    /// How long a connection must stay up before earlier failures are forgotten: one
    /// keep-alive interval (30 s without keep alive). A CONNACK alone is not enough: a
    /// server that accepts and then drops every connection would otherwise be retried at
    /// the shortest delay forever.
    pub(super) fn stable_after(&self) -> Duration {
        match self.limits().keep_alive {
            0 => Duration::from_secs(30),
            s => Duration::from_secs(u64::from(s)),
        }
    }

    /// The earliest of the timers and the keep alive's next PINGREQ.
    pub(super) fn next_deadline(&self) -> Option<Instant> {
        self.timers
            .next()
            .into_iter()
            .chain(self.keep_alive_deadline())
            .min()
    }
}

#[cfg(test)]
mod tests {
    use super::{Instant, Timer, TimerTable};
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    fn at(ms: u64) -> Instant {
        Instant::from_millis(ms)
    }

    #[test]
    fn an_empty_table_has_no_deadline() {
        let t = TimerTable::default();
        assert_eq!(t.next(), None);
        assert!(Timer::ALL.iter().all(|&k| t.get(k).is_none()));
    }

    #[test]
    fn next_is_the_earliest_armed_deadline() {
        let mut t = TimerTable::default();
        t.set(Timer::Stable, at(30));
        t.set(Timer::Connect, at(20));
        t.set(Timer::Reconnect, at(40));
        assert_eq!(t.next(), Some(at(20)));
        t.stop(Timer::Connect);
        assert_eq!(t.next(), Some(at(30)));
        t.set(Timer::Stable, at(50));
        assert_eq!(t.next(), Some(at(40)), "set replaces the earlier deadline");
        t.clear();
        assert_eq!(t.next(), None);
    }

    #[test]
    fn a_timer_expires_once_and_only_when_due() {
        let mut t = TimerTable::default();
        t.set(Timer::PingResponse, at(10));
        assert!(!t.expire(Timer::PingResponse, at(9)), "early");
        assert!(!t.expire(Timer::Connect, at(10)), "not armed");
        assert!(t.expire(Timer::PingResponse, at(10)));
        assert!(!t.expire(Timer::PingResponse, at(11)), "already fired");
        assert_eq!(t.next(), None);
    }

    #[test]
    fn the_latest_instant_is_a_deadline_like_any_other() {
        // The far future is a time a timer may be armed for, not "no timer".
        let mut t = TimerTable::default();
        t.set(Timer::Reconnect, at(u64::MAX));
        assert_eq!(t.next(), Some(at(u64::MAX)));
        assert!(t.expire(Timer::Reconnect, at(u64::MAX)));
    }
}
