//! The printed results: one JSON object per line on stdout.
//!
//! - a case line per (workload, operation, implementation): packets/s and MB/s (1 MB =
//!   10^6 bytes) from the median, slowest and fastest run, and the packet counts every run
//!   was checked against;
//! - a ratio line per comparison: how many times faster the first implementation is
//!   (peer time / our time), from the medians and as the median of per-round ratios, and
//!   whether a target is met.

use std::fmt::Write as _;

use crate::harness::{Case, Label, Stats};

/// A JSON object written field by field.
#[derive(Default)]
pub struct Obj(String);

impl Obj {
    /// An empty object.
    pub fn new() -> Self {
        Obj::default()
    }

    fn key(mut self, k: &str) -> Self {
        self.0.push(if self.0.is_empty() { '{' } else { ',' });
        let _ = write!(self.0, "\"{k}\":");
        self
    }

    /// A string field.
    pub fn str(self, k: &str, v: &str) -> Self {
        let mut s = self.key(k);
        s.0.push('"');
        for c in v.chars() {
            match c {
                '"' => s.0.push_str("\\\""),
                '\\' => s.0.push_str("\\\\"),
                c if (c as u32) < 0x20 => {
                    let _ = write!(s.0, "\\u{:04x}", c as u32);
                }
                c => s.0.push(c),
            }
        }
        s.0.push('"');
        s
    }

    /// An integer field.
    pub fn int(self, k: &str, v: u64) -> Self {
        let mut s = self.key(k);
        let _ = write!(s.0, "{v}");
        s
    }

    /// A number field with `decimals` digits after the point (`null` if not finite).
    pub fn num(self, k: &str, v: f64, decimals: usize) -> Self {
        let mut s = self.key(k);
        if v.is_finite() {
            let _ = write!(s.0, "{v:.decimals$}");
        } else {
            s.0.push_str("null");
        }
        s
    }

    /// A boolean field.
    pub fn bool(self, k: &str, v: bool) -> Self {
        let mut s = self.key(k);
        s.0.push_str(if v { "true" } else { "false" });
        s
    }

    /// A field holding already-encoded JSON.
    pub fn raw(self, k: &str, json: &str) -> Self {
        let mut s = self.key(k);
        s.0.push_str(json);
        s
    }

    /// The finished object.
    pub fn finish(mut self) -> String {
        if self.0.is_empty() {
            self.0.push('{');
        }
        self.0.push('}');
        self.0
    }
}

/// `{"median":..,"min":..,"max":..}` of `f` applied to the median, slowest and fastest
/// run; `f` maps seconds to a rate, so the slowest run gives the minimum.
fn rates(s: Stats, decimals: usize, f: impl Fn(f64) -> f64) -> String {
    Obj::new()
        .num("median", f(s.median), decimals)
        .num("min", f(s.max), decimals)
        .num("max", f(s.min), decimals)
        .finish()
}

/// The line for one measured case.
pub fn case_line(runtime: &str, label: &Label, stats: Stats, runs: usize) -> String {
    let packets = label.expected.total();
    let ms = Obj::new()
        .num("median", stats.median * 1e3, 3)
        .num("min", stats.min * 1e3, 3)
        .num("max", stats.max * 1e3, 3)
        .finish();
    let mut o = Obj::new()
        .str("bench", "codec")
        .str("runtime", runtime)
        .str("workload", label.workload)
        .str("op", label.op)
        .str("impl", label.implementation);
    if label.chunk > 0 {
        o = o.int("chunk", label.chunk as u64);
    }
    o = o.int("bytes", label.bytes as u64).int("packets", packets);
    if label.per_type {
        o = o.raw("counts", &label.expected.to_json());
    }
    o.int("runs", runs as u64)
        .raw("ms", &ms)
        .raw("packets_per_s", &rates(stats, 0, |t| packets as f64 / t))
        .raw(
            "mb_per_s",
            &rates(stats, 1, |t| label.bytes as f64 / t / 1e6),
        )
        .finish()
}

/// Prints the line of every case.
pub fn print_cases(runtime: &str, cases: &[Case<'_>]) {
    for c in cases {
        if let Some(stats) = Stats::of(&c.samples) {
            println!("{}", case_line(runtime, &c.label, stats, c.samples.len()));
        }
    }
}

/// A comparison of two cases of the same workload and operation.
#[derive(Debug, Clone, Copy)]
pub struct Comparison {
    /// The implementation whose speed-up is reported (ours).
    pub ours: &'static str,
    /// The implementation compared against.
    pub peer: &'static str,
    /// Our case's operation (`decode`, `encode`).
    pub op: &'static str,
    /// The peer case's operation (the same, or `copy` for the memcpy baseline).
    pub peer_op: &'static str,
    /// The speed-up the project aims for, if any.
    pub target: Option<f64>,
}

/// The outcome of one comparison.
#[derive(Debug, Clone, Copy)]
pub struct RatioResult {
    /// Peer median time / our median time.
    pub of_medians: f64,
    /// Median over rounds of peer time / our time in that round.
    pub paired: f64,
    /// Whether `of_medians` reaches the target (`None` without a target).
    pub met: Option<bool>,
}

fn find<'c, 'a>(cases: &'c [Case<'a>], implementation: &str, op: &str) -> Option<&'c Case<'a>> {
    cases
        .iter()
        .find(|c| c.label.implementation == implementation && c.label.op == op)
}

/// Computes a comparison over one group's cases; `None` if either case is missing.
pub fn ratio(cases: &[Case<'_>], cmp: &Comparison) -> Option<RatioResult> {
    let ours = find(cases, cmp.ours, cmp.op)?;
    let peer = find(cases, cmp.peer, cmp.peer_op)?;
    let (a, b) = (Stats::of(&ours.samples)?, Stats::of(&peer.samples)?);
    let per_round: Vec<f64> = ours
        .samples
        .iter()
        .zip(&peer.samples)
        .map(|(o, p)| p.as_secs_f64() / o.as_secs_f64())
        .collect();
    let of_medians = b.median / a.median;
    Some(RatioResult {
        of_medians,
        paired: Stats::of_secs(&per_round)?.median,
        met: cmp.target.map(|t| of_medians >= t),
    })
}

/// The line for one comparison.
pub fn ratio_line(runtime: &str, workload: &str, cmp: &Comparison, r: &RatioResult) -> String {
    let mut o = Obj::new()
        .str("bench", "codec")
        .str("runtime", runtime)
        .str("workload", workload)
        .str("op", cmp.op)
        .str("ratio", &format!("{}/{}", cmp.ours, cmp.peer))
        .str("meaning", "times faster (peer time / our time)")
        .num("speedup_of_medians", r.of_medians, 3)
        .num("speedup_paired_median", r.paired, 3);
    if let (Some(t), Some(met)) = (cmp.target, r.met) {
        o = o.num("target", t, 2).bool("met", met);
    }
    o.finish()
}
