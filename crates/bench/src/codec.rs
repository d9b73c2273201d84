//! The `codec` suite: W1 decode, W2 encode, W3 decode, W4 decode against rumqttc, mqttrs
//! and a memcpy, with the project's targets.

use bytes::BytesMut;

use crate::counts::TypeCounts;
use crate::harness::{run_rounds, Case, Label, Sample};
use crate::impls::{memcpy, mqttrs, ours, rumqttc};
use crate::report::{self, Comparison, Obj};
use crate::workloads::{self, Spec, W1, W3, W4};
use crate::Options;

const OURS: &str = "mqttscope";
const RUMQTTC_V4: &str = "rumqttc-v4";
const RUMQTTC_V5: &str = "rumqttc-v5";
const MQTTRS: &str = "mqttrs";
const MEMCPY: &str = "memcpy";
const MEMCPY_REUSED: &str = "memcpy-reused-64k";

/// A decoder's streaming loop: `(input, chunk size, protocol level) -> packets per type`.
type DecodeFn = fn(&[u8], usize, u8) -> Result<TypeCounts, String>;

/// A target met or missed.
struct TargetResult {
    name: String,
    met: bool,
}

/// Runs the suite over the selected workloads and prints its lines.
pub fn run(opts: &Options) -> Result<(), String> {
    println!("{}", header(opts));
    let mut targets = Vec::new();
    for spec in &opts.workloads {
        let data = workloads::load(spec, &opts.data_dir)?;
        let payloads = match spec.id {
            "W1" => w2_payloads(),
            _ => Vec::new(),
        };
        let mut cases = match spec.id {
            "W1" => w1_cases(&data, &payloads),
            "W3" => w3_cases(&data),
            _ => w4_cases(&data),
        };
        if !opts.impls.is_empty() {
            cases.retain(|c| opts.impls.iter().any(|i| i == c.label.implementation));
        }
        targets.extend(measure(spec, cases, opts)?);
    }
    println!("{}", summary(&targets));
    Ok(())
}

/// The 1-, 5- and 15-minute load averages (Linux), to judge how noisy a run was.
fn loadavg() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_default()
}

fn header(opts: &Options) -> String {
    Obj::new()
        .str("bench", "codec")
        .str("runtime", "native")
        .str("loadavg", &loadavg())
        .int("rounds", opts.runs as u64)
        .int("warmup_rounds", opts.warmup as u64)
        .bool("debug_assertions", cfg!(debug_assertions))
        .str("peers", "rumqttc 0.25 (mqttbytes v4, v5), mqttrs 0.4")
        .str(
            "notes",
            "MB = 10^6 bytes; in each round every implementation runs once; \
             min/max rates come from the slowest/fastest run",
        )
        .finish()
}

/// Runs a group's rounds, prints its lines, and returns its targets.
fn measure(
    spec: &Spec,
    mut cases: Vec<Case<'_>>,
    opts: &Options,
) -> Result<Vec<TargetResult>, String> {
    run_rounds(&mut cases, opts.warmup, opts.runs)?;
    report::print_cases("native", &cases);
    let mut targets = Vec::new();
    for (workload, cmp) in comparisons(spec) {
        let Some(r) = report::ratio(&cases, &cmp) else {
            continue;
        };
        println!("{}", report::ratio_line("native", workload, &cmp, &r));
        if let (Some(t), Some(met)) = (cmp.target, r.met) {
            let name = format!("{workload} {} {}/{} >= {t}", cmp.op, cmp.ours, cmp.peer);
            targets.push(TargetResult { name, met });
        }
    }
    Ok(targets)
}

/// The comparisons printed for a workload, with the project's targets.
fn comparisons(spec: &Spec) -> Vec<(&'static str, Comparison)> {
    let c = |peer, op, peer_op, target| Comparison {
        ours: OURS,
        peer,
        op,
        peer_op,
        target,
    };
    match spec.id {
        "W1" => vec![
            ("W1", c(RUMQTTC_V4, "decode", "decode", Some(3.0))),
            ("W1", c(MQTTRS, "decode", "decode", Some(1.0))),
            ("W2", c(RUMQTTC_V4, "encode", "encode", None)),
            ("W2", c(MQTTRS, "encode", "encode", None)),
        ],
        "W3" => vec![("W3", c(RUMQTTC_V5, "decode", "decode", Some(3.0)))],
        _ => vec![
            ("W4", c(MEMCPY, "decode", "copy", Some(1.0))),
            ("W4", c(MEMCPY_REUSED, "decode", "copy", None)),
            ("W4", c(RUMQTTC_V4, "decode", "decode", None)),
            ("W4", c(MQTTRS, "decode", "decode", None)),
        ],
    }
}

fn summary(targets: &[TargetResult]) -> String {
    let list = |met: bool| {
        let names: Vec<String> = targets
            .iter()
            .filter(|t| t.met == met)
            .map(|t| format!("\"{}\"", t.name))
            .collect();
        format!("[{}]", names.join(","))
    };
    Obj::new()
        .str("bench", "codec")
        .str("runtime", "native")
        .str("summary", "targets")
        .str("loadavg", &loadavg())
        .raw("met", &list(true))
        .raw("missed", &list(false))
        .finish()
}

fn decode_label(spec: &Spec, implementation: &'static str) -> Label {
    Label {
        workload: spec.id,
        op: "decode",
        implementation,
        chunk: spec.chunk,
        bytes: spec.bytes,
        expected: spec.counts,
        per_type: true,
    }
}

/// A case that decodes `data` with `decode`, in the workload's chunks.
fn decode_case<'a>(spec: &Spec, data: &'a [u8], name: &'static str, decode: DecodeFn) -> Case<'a> {
    let (chunk, level) = (spec.chunk, spec.level);
    Case::new(decode_label(spec, name), move || {
        Sample::time(|| decode(data, chunk, level))
    })
}

fn ours_decode<'a>(spec: &Spec, data: &'a [u8]) -> Case<'a> {
    decode_case(spec, data, OURS, ours::decode)
}

fn rumqttc_v4_decode<'a>(spec: &Spec, data: &'a [u8]) -> Case<'a> {
    decode_case(spec, data, RUMQTTC_V4, |d, c, _| rumqttc::decode_v4(d, c))
}

fn mqttrs_decode<'a>(spec: &Spec, data: &'a [u8]) -> Case<'a> {
    decode_case(spec, data, MQTTRS, |d, c, _| mqttrs::decode(d, c))
}

/// W1 decode and W2 encode (of `payloads`), interleaved in one group.
fn w1_cases<'a>(data: &'a [u8], payloads: &'a [[u8; 32]]) -> Vec<Case<'a>> {
    vec![
        ours_decode(&W1, data),
        rumqttc_v4_decode(&W1, data),
        mqttrs_decode(&W1, data),
        ours_encode(data, payloads),
        rumqttc_encode(data, payloads),
        mqttrs_encode(data, payloads),
    ]
}

fn w3_cases(data: &[u8]) -> Vec<Case<'_>> {
    vec![
        ours_decode(&W3, data),
        decode_case(&W3, data, RUMQTTC_V5, |d, c, _| rumqttc::decode_v5(d, c)),
    ]
}

fn w4_cases(data: &[u8]) -> Vec<Case<'_>> {
    vec![
        ours_decode(&W4, data),
        memcpy_case(data),
        memcpy_reused_case(data),
        rumqttc_v4_decode(&W4, data),
        mqttrs_decode(&W4, data),
    ]
}

/// The W4 baseline the target names: the same bytes in the same 64 KiB chunks copied into
/// one preallocated, already-touched buffer the size of the whole input; each run's copy
/// is compared with the input afterwards.
fn memcpy_case(data: &[u8]) -> Case<'_> {
    let mut dst = vec![0x5a_u8; data.len()];
    let label = Label {
        op: "copy",
        per_type: false,
        ..decode_label(&W4, MEMCPY)
    };
    Case::new(label, move || {
        dst.fill(0);
        let s = Sample::time(|| memcpy::copy_chunks(data, W4.chunk, &mut dst).map(|()| W4.counts))?;
        check_output("W4 memcpy", &dst, data)?;
        Ok(s)
    })
}

/// A stricter W4 baseline: the same chunks copied into one reused 64 KiB buffer, which
/// stays in cache; after each run it must hold the last chunk.
fn memcpy_reused_case(data: &[u8]) -> Case<'_> {
    let mut dst = vec![0x5a_u8; W4.chunk];
    let label = Label {
        op: "copy",
        per_type: false,
        ..decode_label(&W4, MEMCPY_REUSED)
    };
    let last = data.chunks(W4.chunk).last().unwrap_or_default();
    Case::new(label, move || {
        dst.fill(0);
        let s = Sample::time(|| {
            memcpy::copy_chunks_reused(data, W4.chunk, &mut dst).map(|()| W4.counts)
        })?;
        check_output("W4 memcpy-reused-64k", &dst[..last.len()], last)?;
        Ok(s)
    })
}

fn encode_label(implementation: &'static str) -> Label {
    Label {
        workload: "W2",
        op: "encode",
        implementation,
        chunk: 0,
        bytes: W1.bytes,
        expected: W1.counts,
        per_type: true,
    }
}

fn check_output(what: &str, got: &[u8], expected: &[u8]) -> Result<(), String> {
    if got == expected {
        return Ok(());
    }
    let at = got.iter().zip(expected).position(|(a, b)| a != b);
    Err(format!(
        "{what}: output differs from the expected bytes ({} bytes vs {}, first difference at {at:?})",
        got.len(),
        expected.len()
    ))
}

/// The payloads of W2's packets. Each encoder case builds its library's objects from them
/// beforehand (untimed), then encodes them into an output buffer reserved once; every
/// run's output must equal W1.
fn w2_payloads() -> Vec<[u8; 32]> {
    (0..workloads::W1_COUNT)
        .map(workloads::w1_payload)
        .collect()
}

fn ours_encode<'a>(w1: &'a [u8], payloads: &'a [[u8; 32]]) -> Case<'a> {
    let packets = ours::w2_packets(payloads);
    let mut out = Vec::with_capacity(w1.len());
    Case::new(encode_label(OURS), move || {
        out.clear();
        let s = Sample::time(|| ours::encode(&packets, &mut out))?;
        check_output("W2 mqttscope", &out, w1)?;
        Ok(s)
    })
}

fn rumqttc_encode<'a>(w1: &'a [u8], payloads: &'a [[u8; 32]]) -> Case<'a> {
    let packets = rumqttc::w2_packets(payloads);
    let mut out = BytesMut::with_capacity(w1.len());
    Case::new(encode_label(RUMQTTC_V4), move || {
        out.clear();
        let s = Sample::time(|| rumqttc::encode_v4(&packets, &mut out))?;
        check_output("W2 rumqttc-v4", &out, w1)?;
        Ok(s)
    })
}

fn mqttrs_encode<'a>(w1: &'a [u8], payloads: &'a [[u8; 32]]) -> Case<'a> {
    let packets = mqttrs::w2_packets(payloads);
    let mut out = vec![0u8; w1.len()];
    Case::new(encode_label(MQTTRS), move || {
        out.fill(0);
        let mut len = 0;
        let s = Sample::time(|| {
            let (counts, n) = mqttrs::encode(&packets, &mut out)?;
            len = n;
            Ok(counts)
        })?;
        check_output("W2 mqttrs", &out[..len], w1)?;
        Ok(s)
    })
}
