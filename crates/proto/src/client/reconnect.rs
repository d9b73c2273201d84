//! The reconnect policy: exponential backoff with jitter from an injected seed, a cap,
//! and which endings are worth another try. Pure arithmetic; the driver opens transports.

use std::time::Duration;

use crate::codec::ReasonCode;

use super::DisconnectCause;

/// When and whether to reconnect after a connection ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReconnectPolicy {
    /// The first delay.
    pub initial_delay: Duration,
    /// The longest delay.
    pub max_delay: Duration,
    /// Seed of the jitter (pass something random in production, a constant in tests).
    pub seed: u64,
    /// Subscribe again to every active subscription when the server did not keep the
    /// session.
    pub resubscribe: bool,
}

impl Default for ReconnectPolicy {
    fn default() -> Self {
        ReconnectPolicy {
            initial_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(30),
            seed: 0x9e37_79b9_7f4a_7c15,
            resubscribe: true,
        }
    }
}

/// Backoff state: attempts so far and the jitter generator.
#[derive(Debug, Clone)]
pub(crate) struct Backoff {
    attempt: u32,
    rng: u64,
}

impl Backoff {
    pub fn new(seed: u64) -> Self {
        Backoff {
            attempt: 0,
            rng: seed | 1,
        }
    }

    /// Forgets earlier failures (once a connection has stayed up for a while).
    pub fn reset(&mut self) {
        self.attempt = 0;
    }

    /// The next delay: `initial * 2^attempt`, capped, then scaled by a random factor in
    /// [0.5, 1] so that many clients do not reconnect in step.
    pub fn next_delay(&mut self, p: &ReconnectPolicy) -> Duration {
        let factor = 1u32.checked_shl(self.attempt.min(20)).unwrap_or(u32::MAX);
        let base = p.initial_delay.saturating_mul(factor).min(p.max_delay);
        self.attempt = self.attempt.saturating_add(1);
        let frac = 0.5 + (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64 / 2.0;
        base.mul_f64(frac)
    }

    /// xorshift64*.
    fn next_u64(&mut self) -> u64 {
        let mut x = self.rng;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.rng = x;
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
}

/// Whether an ending is worth reconnecting after: not when we chose to leave, and not
/// when the server refused us for a reason that another try will not change.
pub(crate) fn worth_retrying(cause: &DisconnectCause) -> bool {
    match cause {
        DisconnectCause::Local(_) => false,
        // Another connection with our client id took the session over: reconnecting would
        // take it back, and two clients with one id would steal it from each other forever.
        DisconnectCause::Server {
            reason: ReasonCode::SessionTakenOver,
            ..
        } => false,
        DisconnectCause::Refused { reason, .. } => !matches!(
            reason,
            ReasonCode::UnsupportedProtocolVersion
                | ReasonCode::ClientIdentifierNotValid
                | ReasonCode::BadUserNameOrPassword
                | ReasonCode::NotAuthorized
                | ReasonCode::Banned
                | ReasonCode::BadAuthenticationMethod
                | ReasonCode::ServerMoved
        ),
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn delays_double_with_jitter_up_to_the_cap() {
        let p = ReconnectPolicy {
            initial_delay: Duration::from_secs(1),
            max_delay: Duration::from_secs(8),
            ..Default::default()
        };
        let mut b = Backoff::new(42);
        let delays: Vec<_> = (0..6).map(|_| b.next_delay(&p)).collect();
        for (i, d) in delays.iter().enumerate() {
            let base = Duration::from_secs(1 << i.min(3));
            assert!(
                *d >= base / 2 && *d <= base,
                "attempt {i}: {d:?} vs {base:?}"
            );
        }
        b.reset();
        assert!(b.next_delay(&p) <= Duration::from_secs(1));
    }

    #[test]
    fn the_same_seed_gives_the_same_delays() {
        let p = ReconnectPolicy::default();
        let (mut a, mut b) = (Backoff::new(7), Backoff::new(7));
        assert_eq!(
            (0..5).map(|_| a.next_delay(&p)).collect::<Vec<_>>(),
            (0..5).map(|_| b.next_delay(&p)).collect::<Vec<_>>()
        );
        let mut c = Backoff::new(8);
        assert_ne!(a.next_delay(&p), c.next_delay(&p));
    }

    #[test]
    fn refusals_that_another_try_cannot_fix_are_final() {
        let refused = |reason| DisconnectCause::Refused {
            reason,
            properties: Default::default(),
        };
        assert!(!worth_retrying(&refused(ReasonCode::BadUserNameOrPassword)));
        assert!(worth_retrying(&refused(ReasonCode::ServerBusy)));
        assert!(worth_retrying(&DisconnectCause::KeepAliveTimeout));
        assert!(!worth_retrying(&DisconnectCause::Local(
            ReasonCode::Success
        )));
    }
}
