//! `mqttscope-bench`: the codec benchmark behind `cargo xtask bench codec`.
//!
//! ```text
//! mqttscope-bench codec     [OPTIONS]   W1/W3/W4 decode and W2 encode vs rumqttc, mqttrs, memcpy
//! mqttscope-bench probe     [OPTIONS]   the wasm probe's probe_decode_stream, natively (W1, W3)
//! mqttscope-bench workloads [OPTIONS]   generate, check and cache the workload files
//! mqttscope-bench client [--rounds N]   our driver vs MQTT.js through a local mosquitto
//! mqttscope-bench broker --bin <mqttscope> [--rounds N]   mqttscope broker vs mosquitto
//!
//! OPTIONS: --runs N (recorded rounds, default 7)  --warmup N (default 1)
//!          --workloads W1,W3,W4 (default all)      --data-dir DIR (default <repo>/bench-data)
//!          --impls mqttscope,rumqttc-v4,... (default all; for profiling one at a time)
//! ```
//!
//! Build it with the workspace's `bench-native` profile:
//! `cargo run --profile bench-native -p mqttscope-bench -- codec`. Results are JSON lines on
//! stdout; progress and errors go to stderr.

mod broker;
mod broker_load;
mod client;
mod codec;
mod counts;
mod harness;
mod impls;
mod native_probe;
mod report;
mod workloads;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use workloads::{Spec, W1, W3, W4};

/// Command-line options shared by the subcommands.
pub struct Options {
    /// Recorded rounds (each runs every implementation once).
    pub runs: usize,
    /// Unrecorded rounds first.
    pub warmup: usize,
    /// The workloads to run, in order.
    pub workloads: Vec<Spec>,
    /// Where workload files are cached.
    pub data_dir: PathBuf,
    /// Only these implementations (all when empty), for profiling one at a time.
    pub impls: Vec<String>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            runs: 7,
            warmup: 1,
            workloads: vec![W1, W3, W4],
            data_dir: repo_root().join("bench-data"),
            impls: Vec::new(),
        }
    }
}

/// The repository root: two levels above this crate.
fn repo_root() -> PathBuf {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    here.ancestors().nth(2).unwrap_or(here).to_path_buf()
}

fn parse_workloads(list: &str) -> Result<Vec<Spec>, String> {
    list.split(',')
        .map(|w| match w.trim().to_ascii_uppercase().as_str() {
            "W1" | "W2" => Ok(W1),
            "W3" => Ok(W3),
            "W4" => Ok(W4),
            other => Err(format!("unknown workload {other:?} (W1, W3, W4)")),
        })
        .collect()
}

fn parse_options(args: &[String]) -> Result<Options, String> {
    let mut o = Options::default();
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or(format!("{flag} needs a value"));
        match flag.as_str() {
            "--runs" => o.runs = value()?.parse().map_err(|e| format!("--runs: {e}"))?,
            "--warmup" => o.warmup = value()?.parse().map_err(|e| format!("--warmup: {e}"))?,
            "--workloads" => o.workloads = parse_workloads(value()?)?,
            "--data-dir" => o.data_dir = PathBuf::from(value()?),
            "--impls" => o.impls = value()?.split(',').map(str::to_string).collect(),
            other => return Err(format!("unknown option {other:?}")),
        }
    }
    if o.runs < 5 {
        return Err("--runs must be at least 5 (medians of fewer runs are too noisy)".into());
    }
    Ok(o)
}

/// Generates or checks the selected workload files and prints their paths.
fn ensure_workloads(opts: &Options) -> Result<(), String> {
    for spec in &opts.workloads {
        workloads::load(spec, &opts.data_dir)?;
        println!("{}", opts.data_dir.join(spec.file).display());
    }
    Ok(())
}

fn run(args: &[String]) -> Result<(), String> {
    let (command, rest) = args
        .split_first()
        .ok_or("usage: mqttscope-bench codec|probe|workloads|client [OPTIONS]")?;
    if command == "client" {
        let rounds = match rest {
            [] => 5,
            [flag, n] if flag == "--rounds" => n.parse().map_err(|_| "--rounds takes a number")?,
            _ => return Err("usage: mqttscope-bench client [--rounds N]".into()),
        };
        return client::run(&repo_root(), rounds);
    }
    if command == "broker" {
        return broker_command(rest);
    }
    let opts = parse_options(rest)?;
    match command.as_str() {
        "codec" => codec::run(&opts),
        "probe" => native_probe::run(&opts),
        "workloads" => ensure_workloads(&opts),
        other => Err(format!(
            "unknown command {other:?} (codec, probe, workloads)"
        )),
    }
}

/// `broker --bin <mqttscope> [--rounds N]` (default 3 rounds).
fn broker_command(args: &[String]) -> Result<(), String> {
    const USAGE: &str =
        "usage: mqttscope-bench broker --bin <mqttscope> [--rounds N] [--only TEXT] [-- BROKER ARGS]";
    let (mut bin, mut rounds, mut only) = (None, 3, String::new());
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        if flag == "--" {
            break;
        }
        let value = it.next().ok_or(USAGE)?;
        match flag.as_str() {
            "--bin" => bin = Some(PathBuf::from(value)),
            "--rounds" => rounds = value.parse().map_err(|_| "--rounds takes a number")?,
            "--only" => only = value.clone(),
            _ => return Err(USAGE.into()),
        }
    }
    let extra: Vec<String> = it.cloned().collect();
    let bin = bin.ok_or(USAGE)?;
    if rounds == 0 {
        return Err("--rounds must be at least 1".into());
    }
    broker::run(&bin, rounds, &only, &extra)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("mqttscope-bench: {e}");
            ExitCode::FAILURE
        }
    }
}
