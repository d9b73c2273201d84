//! The wire between the sandbox broker and its clients, where faults live: a connection
//! can be stalled (nothing moves either way until it is resumed), the pages' packets can
//! be held one by one until the user lets each through (step mode), and what the broker
//! sends to a page can be delayed.
//!
//! Traffic of one connection in one direction stays in order: once something of it is
//! waiting, what comes after waits behind it. A transport close travels the same way
//! ([`Cargo::Close`]), so that a DISCONNECT held in step mode still arrives before the
//! connection ends. What is waiting is bounded in bytes ([`MAX_HELD_BYTES`]).

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::time::Duration;

use mqttscope_broker::ConnId;
use mqttscope_proto::client::Instant;

/// The most bytes the gate holds for all connections together; a packet beyond it ends
/// its connection (as a socket whose peer stopped reading would).
pub const MAX_HELD_BYTES: usize = 16 * 1024 * 1024;

/// Which way traffic goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Way {
    /// From a client (a page's socket or a device) to the broker.
    ToBroker,
    /// From the broker to a client.
    ToClient,
}

/// What travels: one packet, or the end of the connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cargo {
    /// One MQTT packet.
    Packet(Vec<u8>),
    /// The sender closed the connection.
    Close,
}

impl Cargo {
    fn len(&self) -> usize {
        match self {
            Cargo::Packet(b) => b.len(),
            Cargo::Close => 0,
        }
    }
}

/// A packet held for the user in step mode, as the broker pane lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Held {
    /// Its number, to let it through with [`Gate::approve`].
    pub id: u64,
    /// Its connection.
    pub conn: ConnId,
    /// Which way it goes.
    pub way: Way,
    /// The packet (`None`: the connection's close).
    pub bytes: Option<Vec<u8>>,
}

/// Something waiting on the wire.
#[derive(Debug)]
struct Hop {
    id: u64,
    cargo: Cargo,
    due: Instant,
    approved: bool,
}

/// Why [`Gate::pass`] could not take a packet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Overflow;

/// The wire's faults and what they hold.
#[derive(Debug, Default)]
pub struct Gate {
    queues: BTreeMap<(ConnId, Way), VecDeque<Hop>>,
    stalled: BTreeSet<ConnId>,
    step: bool,
    delay: Duration,
    next_id: u64,
    held_bytes: usize,
}

impl Gate {
    /// Whether step mode holds the pages' packets.
    pub fn step(&self) -> bool {
        self.step
    }

    /// The delay of the broker's packets to the pages.
    pub fn delay(&self) -> Duration {
        self.delay
    }

    /// The stalled connections.
    pub fn stalled(&self) -> impl Iterator<Item = ConnId> + '_ {
        self.stalled.iter().copied()
    }

    /// Step mode on or off; off lets everything held through (in order).
    pub fn set_step(&mut self, on: bool) {
        self.step = on;
        if !on {
            self.approve_all();
        }
    }

    /// Delays what the broker sends to the pages by `delay` from now on.
    pub fn set_delay(&mut self, delay: Duration) {
        self.delay = delay;
    }

    /// Stalls `conn` (nothing moves either way) or resumes it.
    pub fn stall(&mut self, conn: ConnId, on: bool) {
        if on {
            self.stalled.insert(conn);
        } else {
            self.stalled.remove(&conn);
        }
    }

    /// Lets held packet `id` through (once what is before it has gone); false when no
    /// packet waits with that number.
    pub fn approve(&mut self, id: u64) -> bool {
        let hop = self
            .queues
            .values_mut()
            .flat_map(|q| q.iter_mut())
            .find(|h| h.id == id);
        match hop {
            Some(h) => {
                h.approved = true;
                true
            }
            None => false,
        }
    }

    /// Lets every held packet through.
    pub fn approve_all(&mut self) {
        for hop in self.queues.values_mut().flat_map(|q| q.iter_mut()) {
            hop.approved = true;
        }
    }

    /// `cargo` goes `way` on `conn` (a page's connection when `page`): `Ok(Some)` to
    /// deliver now, `Ok(None)` when it waits, `Err` when the gate is full (end the
    /// connection).
    pub fn pass(
        &mut self,
        conn: ConnId,
        way: Way,
        cargo: Cargo,
        page: bool,
        now: Instant,
    ) -> Result<Option<Cargo>, Overflow> {
        let delayed = page && way == Way::ToClient && !self.delay.is_zero();
        let stepped = page && self.step;
        let queued = self.queues.get(&(conn, way)).is_some_and(|q| !q.is_empty());
        if !delayed && !stepped && !queued && !self.stalled.contains(&conn) {
            return Ok(Some(cargo));
        }
        if self.held_bytes + cargo.len() > MAX_HELD_BYTES {
            return Err(Overflow);
        }
        self.held_bytes += cargo.len();
        self.next_id += 1;
        let due = if delayed { now + self.delay } else { now };
        let hop = Hop {
            id: self.next_id,
            cargo,
            due,
            approved: !stepped,
        };
        self.queues.entry((conn, way)).or_default().push_back(hop);
        Ok(None)
    }

    /// The next thing free to go now, oldest first: not stalled, approved and due.
    pub fn release(&mut self, now: Instant) -> Option<(ConnId, Way, Cargo)> {
        let ready = |(k, q): (&(ConnId, Way), &VecDeque<Hop>)| {
            let h = q.front()?;
            let free = h.approved && h.due <= now && !self.stalled.contains(&k.0);
            free.then_some((h.id, *k))
        };
        let (_, key) = self.queues.iter().filter_map(ready).min()?;
        let queue = self.queues.get_mut(&key)?;
        let hop = queue.pop_front()?;
        if queue.is_empty() {
            self.queues.remove(&key);
        }
        self.held_bytes -= hop.cargo.len();
        Some((key.0, key.1, hop.cargo))
    }

    /// Forgets everything of `conn` (it is gone), stall included.
    pub fn forget(&mut self, conn: ConnId) {
        for way in [Way::ToBroker, Way::ToClient] {
            if let Some(q) = self.queues.remove(&(conn, way)) {
                self.held_bytes -= q.iter().map(|h| h.cargo.len()).sum::<usize>();
            }
        }
        self.stalled.remove(&conn);
    }

    /// Forgets what waits to reach `conn`'s client (its page went away); true when
    /// that included the broker's close (the broker is done with `conn`).
    pub fn forget_to_client(&mut self, conn: ConnId) -> bool {
        let Some(q) = self.queues.remove(&(conn, Way::ToClient)) else {
            return false;
        };
        self.held_bytes -= q.iter().map(|h| h.cargo.len()).sum::<usize>();
        q.iter().any(|h| h.cargo == Cargo::Close)
    }

    /// When something delayed becomes due (held and stalled traffic waits for the user).
    pub fn deadline(&self) -> Option<Instant> {
        self.queues
            .iter()
            .filter(|(k, _)| !self.stalled.contains(&k.0))
            .filter_map(|(_, q)| q.front())
            .filter(|h| h.approved)
            .map(|h| h.due)
            .min()
    }

    /// The packets waiting for the user's approval (step mode), oldest first.
    pub fn held(&self) -> Vec<Held> {
        let mut held: Vec<Held> = self
            .queues
            .iter()
            .flat_map(|((conn, way), q)| {
                q.iter().filter(|h| !h.approved).map(|h| Held {
                    id: h.id,
                    conn: *conn,
                    way: *way,
                    bytes: match &h.cargo {
                        Cargo::Packet(b) => Some(b.clone()),
                        Cargo::Close => None,
                    },
                })
            })
            .collect();
        held.sort_by_key(|h| h.id);
        held
    }

    /// How many packets wait for the user's approval.
    pub fn held_count(&self) -> usize {
        let queued = self.queues.values().flat_map(|q| q.iter());
        queued.filter(|h| !h.approved).count()
    }

    /// Bytes waiting on the wire.
    pub fn held_bytes(&self) -> usize {
        self.held_bytes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const C: ConnId = ConnId(1);
    const D: ConnId = ConnId(2);

    fn at(ms: u64) -> Instant {
        Instant::from_millis(ms)
    }

    fn p(b: u8) -> Cargo {
        Cargo::Packet(vec![b])
    }

    #[test]
    fn with_no_fault_everything_goes_at_once() {
        let mut g = Gate::default();
        assert_eq!(g.pass(C, Way::ToBroker, p(1), true, at(0)), Ok(Some(p(1))));
        assert_eq!(
            g.pass(C, Way::ToClient, Cargo::Close, true, at(0)),
            Ok(Some(Cargo::Close))
        );
        assert_eq!(g.deadline(), None);
    }

    #[test]
    fn a_stalled_connection_holds_both_ways_in_order_until_resumed() {
        let mut g = Gate::default();
        g.stall(C, true);
        assert_eq!(g.pass(C, Way::ToBroker, p(1), false, at(0)), Ok(None));
        assert_eq!(g.pass(C, Way::ToClient, p(2), false, at(0)), Ok(None));
        assert_eq!(g.pass(D, Way::ToBroker, p(3), false, at(0)), Ok(Some(p(3))));
        assert_eq!(g.release(at(10_000)), None);
        assert_eq!(
            g.deadline(),
            None,
            "a stall waits for the user, not a timer"
        );
        g.stall(C, false);
        assert_eq!(g.release(at(0)), Some((C, Way::ToBroker, p(1))));
        assert_eq!(g.release(at(0)), Some((C, Way::ToClient, p(2))));
        assert_eq!(g.release(at(0)), None);
        assert_eq!(g.held_bytes(), 0);
    }

    #[test]
    fn step_mode_holds_page_traffic_until_each_packet_is_let_through_in_order() {
        let mut g = Gate::default();
        g.set_step(true);
        assert_eq!(
            g.pass(D, Way::ToBroker, p(9), false, at(0)),
            Ok(Some(p(9))),
            "devices run on"
        );
        g.pass(C, Way::ToBroker, p(1), true, at(0)).unwrap();
        g.pass(C, Way::ToBroker, p(2), true, at(0)).unwrap();
        g.pass(C, Way::ToClient, Cargo::Close, true, at(0)).unwrap();
        let held = g.held();
        assert_eq!(held.iter().map(|h| h.id).collect::<Vec<_>>(), [1, 2, 3]);
        assert_eq!(held[2].bytes, None);
        // Letting the second through first: it still waits for the first.
        assert!(g.approve(2));
        assert_eq!(g.release(at(0)), None);
        assert!(g.approve(1));
        assert_eq!(g.release(at(0)), Some((C, Way::ToBroker, p(1))));
        assert_eq!(g.release(at(0)), Some((C, Way::ToBroker, p(2))));
        assert!(!g.approve(1), "gone");
        g.set_step(false);
        assert_eq!(g.release(at(0)), Some((C, Way::ToClient, Cargo::Close)));
        assert!(g.held().is_empty());
    }

    #[test]
    fn a_delay_holds_the_brokers_packets_to_pages_until_due_keeping_order() {
        let mut g = Gate::default();
        g.set_delay(Duration::from_millis(500));
        assert_eq!(g.pass(C, Way::ToBroker, p(1), true, at(0)), Ok(Some(p(1))));
        assert_eq!(g.pass(C, Way::ToClient, p(2), true, at(0)), Ok(None));
        g.set_delay(Duration::ZERO);
        // Not delayed itself, but behind a delayed one.
        assert_eq!(g.pass(C, Way::ToClient, p(3), true, at(100)), Ok(None));
        assert_eq!(g.deadline(), Some(at(500)));
        assert_eq!(g.release(at(499)), None);
        assert_eq!(g.release(at(500)), Some((C, Way::ToClient, p(2))));
        assert_eq!(g.release(at(500)), Some((C, Way::ToClient, p(3))));
    }

    #[test]
    fn what_waits_is_bounded_in_bytes_and_forgotten_with_its_connection() {
        let mut g = Gate::default();
        g.stall(C, true);
        let big = Cargo::Packet(vec![0; MAX_HELD_BYTES / 2]);
        assert_eq!(g.pass(C, Way::ToBroker, big.clone(), true, at(0)), Ok(None));
        assert_eq!(g.pass(C, Way::ToClient, big.clone(), true, at(0)), Ok(None));
        assert_eq!(g.pass(C, Way::ToClient, p(1), true, at(0)), Err(Overflow));
        g.forget(C);
        assert_eq!(g.held_bytes(), 0);
        assert_eq!(
            g.pass(C, Way::ToClient, p(1), true, at(0)),
            Ok(Some(p(1))),
            "no longer stalled"
        );
    }
}
