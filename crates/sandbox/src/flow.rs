//! Flow control towards a page's socket, the same as the socket worker's
//! (`src/socket-worker.js`): the page acknowledges each data batch it has handled
//! (`["ack", id, bytes]`), the sandbox posts at most [`MAX_IN_FLIGHT`] bytes the page
//! has not acknowledged and holds the rest, and a socket whose held bytes pass
//! [`MAX_HELD`] is closed with [`OVERFLOW_CODE`]. A tab that falls behind (a long task,
//! a frozen background tab) so costs the worker a bounded amount of memory, and the
//! broker sees the connection end like a dropped one, as a real broker would see a
//! client that stopped reading.
//!
//! The page may ask what is held (`["sync", id]`) before it judges a keep-alive: a
//! PINGRESP held here was sent in time, and the page must not take the broker for gone.

use std::collections::VecDeque;

use mqttscope_proto::client::Instant;

/// The most bytes posted to a page and not yet acknowledged.
pub const MAX_IN_FLIGHT: usize = 16 * 1024 * 1024;
/// The most bytes held for a page past [`MAX_IN_FLIGHT`] before its socket is closed.
pub const MAX_HELD: usize = 64 * 1024 * 1024;
/// The close code of a socket whose page fell too far behind (as the socket worker's).
pub const OVERFLOW_CODE: u16 = 4000;

/// What to do with a packet offered to a page's socket.
#[derive(Debug, PartialEq, Eq)]
pub enum Offer {
    /// Post it now.
    Post(Vec<u8>),
    /// It waits for an acknowledgement.
    Held,
    /// The page is too far behind: close the socket. The bytes posted and held.
    Overflow(usize),
}

/// One page socket's flow control state.
#[derive(Debug, Default)]
pub struct PageFlow {
    in_flight: usize,
    held: VecDeque<Vec<u8>>,
    held_bytes: usize,
    /// When the newest held packet was offered.
    newest_held: Option<Instant>,
}

impl PageFlow {
    /// Offers one packet for the page at `now`, in order after what is held.
    pub fn offer(&mut self, bytes: Vec<u8>, now: Instant) -> Offer {
        if self.held.is_empty() && self.in_flight < MAX_IN_FLIGHT {
            self.in_flight += bytes.len();
            return Offer::Post(bytes);
        }
        self.held_bytes += bytes.len();
        self.held.push_back(bytes);
        self.newest_held = Some(now);
        if self.held_bytes > MAX_HELD {
            return Offer::Overflow(self.in_flight + self.held_bytes);
        }
        Offer::Held
    }

    /// The page handled `bytes` more: the held packets that may go now, in order.
    pub fn ack(&mut self, bytes: usize) -> Vec<Vec<u8>> {
        self.in_flight = self.in_flight.saturating_sub(bytes);
        let mut out = Vec::new();
        while self.in_flight < MAX_IN_FLIGHT {
            let Some(next) = self.held.pop_front() else {
                break;
            };
            self.held_bytes -= next.len();
            self.in_flight += next.len();
            out.push(next);
        }
        if self.held.is_empty() {
            self.newest_held = None;
        }
        out
    }

    /// When the newest packet still held was offered (`None`: nothing is held).
    pub fn newest_held(&self) -> Option<Instant> {
        self.newest_held
    }

    /// Bytes waiting for an acknowledgement before they can be posted.
    pub fn held_bytes(&self) -> usize {
        self.held_bytes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIB: usize = 1024 * 1024;
    const T0: Instant = Instant::from_millis(0);

    #[test]
    fn posts_up_to_the_window_then_holds_in_order_until_acknowledged() {
        let mut flow = PageFlow::default();
        for k in 0..16 {
            assert_eq!(flow.offer(vec![k; MIB], T0), Offer::Post(vec![k; MIB]));
        }
        assert_eq!(flow.offer(vec![16; 10], T0), Offer::Held);
        assert_eq!(flow.offer(vec![17; 10], T0), Offer::Held);
        assert_eq!(flow.held_bytes(), 20);
        // Half a MiB handled: below the window again, so both go, in order.
        let out = flow.ack(MIB / 2);
        assert_eq!(out, vec![vec![16; 10], vec![17; 10]]);
        assert_eq!(flow.held_bytes(), 0);
        // A packet offered while nothing is held but the window is full still waits.
        flow.offer(vec![18; MIB], T0);
        assert_eq!(flow.offer(vec![19; 1], T0), Offer::Held);
    }

    #[test]
    fn an_acknowledgement_releases_only_what_fits_and_more_than_was_posted_is_harmless() {
        let mut flow = PageFlow::default();
        flow.offer(vec![0; MAX_IN_FLIGHT], T0);
        for k in 0..4 {
            assert_eq!(flow.offer(vec![k; 4 * MIB], T0), Offer::Held);
        }
        // 4 MiB handled: room for one 4 MiB packet (the window is reached, not passed by
        // more than the one packet that crosses it).
        assert_eq!(flow.ack(4 * MIB), vec![vec![0; 4 * MIB]]);
        assert_eq!(flow.held_bytes(), 12 * MIB);
        assert_eq!(flow.ack(usize::MAX).len(), 3);
        assert_eq!(flow.held_bytes(), 0);
    }

    #[test]
    fn past_the_held_limit_the_socket_overflows() {
        let mut flow = PageFlow::default();
        flow.offer(vec![0; MAX_IN_FLIGHT], T0);
        for _ in 0..64 {
            assert_eq!(flow.offer(vec![0; MIB], T0), Offer::Held);
        }
        assert_eq!(
            flow.offer(vec![0; 1], T0),
            Offer::Overflow(MAX_IN_FLIGHT + MAX_HELD + 1)
        );
    }

    #[test]
    fn the_newest_held_packet_is_dated_until_nothing_is_held() {
        let mut flow = PageFlow::default();
        flow.offer(vec![0; MAX_IN_FLIGHT], T0);
        assert_eq!(flow.newest_held(), None, "posted, not held");
        flow.offer(vec![1; MIB], Instant::from_millis(5));
        flow.offer(vec![2; MIB], Instant::from_millis(9));
        assert_eq!(flow.newest_held(), Some(Instant::from_millis(9)));
        // One of the two goes: the newest is still held.
        assert_eq!(flow.ack(MIB).len(), 1);
        assert_eq!(flow.newest_held(), Some(Instant::from_millis(9)));
        assert_eq!(flow.ack(MIB).len(), 1);
        assert_eq!(flow.newest_held(), None);
    }
}
