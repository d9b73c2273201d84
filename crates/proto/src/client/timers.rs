//! The timer table (one slot per [`Timer`], only the earliest deadline leaves the client)
//! and keep alive.

use super::*;

impl Client {
    pub(super) fn timer(&self, t: Timer) -> Option<Instant> {
        self.timers[t as usize]
    }

    pub(super) fn set_timer(&mut self, t: Timer, at: Option<Instant>) {
        self.timers[t as usize] = at;
    }

    pub(super) fn on_timer(&mut self, now: Instant, t: Timer) {
        match t {
            Timer::Connect if self.state == State::Connecting => {
                self.close(now, DisconnectCause::ConnectTimeout)
            }
            Timer::PingResponse if self.state == State::Connected => {
                self.close(now, DisconnectCause::KeepAliveTimeout)
            }
            Timer::Reconnect if self.state == State::Closed => self.event(Event::Reconnect),
            Timer::Stable if self.state == State::Connected => {
                self.backoff.reset();
                self.oversized = false;
            }
            _ => {}
        }
    }

    /// The keep-alive interval in force, if any.
    pub(super) fn keep_alive_interval(&self) -> Option<Duration> {
        (self.state == State::Connected && self.limits.keep_alive > 0)
            .then(|| Duration::from_secs(u64::from(self.limits.keep_alive)))
    }

    /// When to send the next PINGREQ: after an interval with nothing sent
    /// [MQTT-3.1.2-22], or with nothing received (to find out whether the server is still
    /// there while we only send).
    pub(super) fn keep_alive_deadline(&self) -> Option<Instant> {
        let interval = self.keep_alive_interval()?;
        if self.timer(Timer::PingResponse).is_some() {
            return None;
        }
        Some(self.last_sent.min(self.last_received) + interval)
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
            self.set_timer(Timer::PingResponse, Some(now + interval / 2));
        }
    }

    /// How long a connection must stay up before earlier failures are forgotten: one
    /// keep-alive interval (30 s without keep alive). A CONNACK alone is not enough: a
    /// server that accepts and then drops every connection would otherwise be retried at
    /// the shortest delay forever.
    pub(super) fn stable_after(&self) -> Duration {
        match self.limits.keep_alive {
            0 => Duration::from_secs(30),
            s => Duration::from_secs(u64::from(s)),
        }
    }

    pub(super) fn next_deadline(&self) -> Instant {
        let timers = self.timers.iter().flatten().copied();
        timers
            .chain(self.keep_alive_deadline())
            .min()
            .unwrap_or(NEVER)
    }
}
