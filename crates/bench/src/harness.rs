//! Timing: every case of a group runs once per round, rounds repeat, so machine noise
//! hits all implementations alike; the first rounds are warm-up and not recorded.

use std::time::{Duration, Instant};

use crate::counts::TypeCounts;

/// What one case is: the fields of its report line.
#[derive(Debug, Clone, Copy)]
pub struct Label {
    /// `W1` .. `W4`.
    pub workload: &'static str,
    /// `decode`, `encode` or `copy`.
    pub op: &'static str,
    /// The implementation's name.
    pub implementation: &'static str,
    /// The chunk size the input is fed in (0 for encoders, which take objects).
    pub chunk: usize,
    /// Bytes in (decode, copy) or out (encode).
    pub bytes: usize,
    /// The packets every run must report, per type.
    pub expected: TypeCounts,
    /// Whether runs report per-type counts (false: only a total, or none for a copy).
    pub per_type: bool,
}

/// The packets a run reports having handled.
#[derive(Debug, Clone, Copy)]
pub enum Counted {
    /// Per packet type (what our runners report).
    PerType(TypeCounts),
    /// Only a total (what the wasm probe's C-ABI entry point returns).
    Total(u64),
}

impl From<TypeCounts> for Counted {
    fn from(c: TypeCounts) -> Self {
        Counted::PerType(c)
    }
}

impl From<u64> for Counted {
    fn from(n: u64) -> Self {
        Counted::Total(n)
    }
}

impl Counted {
    /// Fails unless the counts match `expected` (per type when known, else in total).
    pub fn check(self, expected: TypeCounts, what: &str) -> Result<(), String> {
        match self {
            Counted::PerType(c) => c.check(expected, what),
            Counted::Total(n) if n == expected.total() => Ok(()),
            Counted::Total(n) => Err(format!(
                "{what}: counted {n} packets, expected {}",
                expected.total()
            )),
        }
    }
}

/// One timed run: its duration and the packets it handled.
pub struct Sample {
    /// Wall-clock time of the work alone (set-up and checks excluded).
    pub elapsed: Duration,
    /// Packets handled.
    pub counts: Counted,
}

impl Sample {
    /// Times `work`, which returns the packets it handled.
    pub fn time<C: Into<Counted>>(
        work: impl FnOnce() -> Result<C, String>,
    ) -> Result<Self, String> {
        let start = Instant::now();
        let counts = work()?;
        let elapsed = start.elapsed();
        Ok(Sample {
            elapsed,
            counts: counts.into(),
        })
    }
}

type RunFn<'a> = Box<dyn FnMut() -> Result<Sample, String> + 'a>;

/// A benchmark case: a label, a run function, and the samples recorded so far.
pub struct Case<'a> {
    /// What is measured.
    pub label: Label,
    run: RunFn<'a>,
    /// Recorded durations, one per round, in round order.
    pub samples: Vec<Duration>,
}

impl<'a> Case<'a> {
    /// A case whose runs are `run`.
    pub fn new(label: Label, run: impl FnMut() -> Result<Sample, String> + 'a) -> Self {
        Case {
            label,
            run: Box::new(run),
            samples: Vec::new(),
        }
    }

    fn run_once(&mut self) -> Result<Duration, String> {
        let s = (self.run)()?;
        let l = &self.label;
        let what = format!("{} {} {}", l.workload, l.op, l.implementation);
        s.counts.check(l.expected, &what)?;
        Ok(s.elapsed)
    }
}

/// Runs `warmup + rounds` rounds; in each, every case runs once, starting from a
/// different case each round. Every run's packet counts are checked.
pub fn run_rounds(cases: &mut [Case<'_>], warmup: usize, rounds: usize) -> Result<(), String> {
    let n = cases.len();
    for round in 0..warmup + rounds {
        for j in 0..n {
            let case = &mut cases[(round + j) % n];
            let elapsed = case.run_once()?;
            if round >= warmup {
                case.samples.push(elapsed);
            }
        }
    }
    Ok(())
}

/// Median, minimum and maximum of a set of durations, in seconds.
#[derive(Debug, Clone, Copy)]
pub struct Stats {
    /// The median (the mean of the middle two for an even count).
    pub median: f64,
    /// The fastest run.
    pub min: f64,
    /// The slowest run.
    pub max: f64,
}

impl Stats {
    /// The statistics of `samples` (seconds); `None` when empty.
    pub fn of_secs(samples: &[f64]) -> Option<Self> {
        let mut s = samples.to_vec();
        s.sort_by(f64::total_cmp);
        let n = s.len();
        let median = match n {
            0 => return None,
            _ if n % 2 == 1 => s[n / 2],
            _ => (s[n / 2 - 1] + s[n / 2]) / 2.0,
        };
        Some(Stats {
            median,
            min: s[0],
            max: s[n - 1],
        })
    }

    /// The statistics of `samples`.
    pub fn of(samples: &[Duration]) -> Option<Self> {
        let secs: Vec<f64> = samples.iter().map(Duration::as_secs_f64).collect();
        Self::of_secs(&secs)
    }
}
