//! `cargo xtask bench`: the benchmarks. Results are JSON lines on stdout; the commands run
//! and their progress go to stderr.
//!
//! - `cargo xtask bench codec [OPTIONS]`: the native codec bench, `crates/bench` built with
//!   the `bench-native` profile: W1/W3/W4 decode and W2 encode against rumqttc, mqttrs and
//!   a memcpy, with the project's targets. The workload files are generated, checked
//!   against their SHA-256 and cached in `bench-data/`.
//! - `cargo xtask bench app [--seconds N] [--rate N]`: the built app under a 10,000 msgs/s
//!   flood in headless Chromium (long tasks, frames, memory) and its gzipped size.
//! - `cargo xtask bench codec --browser [OPTIONS]`: builds `crates/wasm-probe` for
//!   `wasm32-unknown-unknown` (release) and times its `probe_decode_stream` on W1 and W3 in
//!   headless Chromium (`bench/browser/run.mjs`, plain node driving Chromium over
//!   `--remote-debugging-pipe`), then the same function natively for reference.
//!
//! - `cargo xtask bench broker [--rounds N] [--only TEXT] [-- BROKER ARGS]`: `mqttscope
//!   broker` (built with the `bench-native` profile) against Debian's mosquitto under the
//!   same raw MQTT 3.1.1 load generator: msgs/s, the broker's CPU time and peak RSS.
//! - `cargo xtask bench embed [--rounds N]`: the packed `mqttscope` client entry (built with
//!   `pack` into `bench-data/embed-pkg/`, never `pkg/`), in its worker and on the page,
//!   against MQTT.js's browser bundle and a bare WebSocket MQTT client, in one headless
//!   Chromium through a loopback mosquitto (`bench/embed/run.mjs`): msgs/s and the page's
//!   main-thread time receiving and publishing, and the entries' gzipped sizes.
//!
//! OPTIONS: `--runs N` (recorded rounds, default 7), `--warmup N` (default 1); without
//! `--browser` also `--workloads W1,W3,W4` and `--impls NAME,...` (see `crates/bench`).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::{cmd, tools};

const USAGE: &str = "usage: cargo xtask bench app [--seconds N] [--rate N] | cargo xtask bench client [--rounds N] | cargo xtask bench embed [--rounds N] | cargo xtask bench broker [--rounds N] [--only TEXT] [-- BROKER ARGS] | cargo xtask bench codec [--browser] [--runs N] [--warmup N] \
                     [--workloads W1,W3,W4] [--impls NAME,...]";

/// The Rust target the browser bench loads.
const WASM_TARGET: &str = "wasm32-unknown-unknown";

/// Runs the benchmark suite named by `args`.
pub fn run(args: &[String]) -> Result<(), String> {
    let (suite, rest) = args.split_first().ok_or(USAGE)?;
    if suite == "client" {
        return client_bench(rest);
    }
    if suite == "app" {
        return app_bench(rest);
    }
    if suite == "broker" {
        return broker_bench(rest);
    }
    if suite == "embed" {
        return embed_bench(rest);
    }
    if suite != "codec" {
        return Err(format!("unknown benchmark `{suite}`\n{USAGE}"));
    }
    let browser = rest.iter().any(|a| a == "--browser");
    let pass: Vec<String> = rest.iter().filter(|a| *a != "--browser").cloned().collect();
    if browser {
        browser_bench(&pass)
    } else {
        run_logged(bench_bin("codec", &pass))
    }
}

/// `cargo xtask bench client [--rounds N]`: our native driver against MQTT.js through a
/// loopback mosquitto, over TCP and WebSocket (mosquitto and node come from `setup`; the
/// pinned MQTT.js from `bench/client`'s lock file).
fn client_bench(args: &[String]) -> Result<(), String> {
    crate::tools::setup_all()?;
    crate::tools::npm_dependencies(&cmd::root().join("bench/client"))?;
    run_logged(bench_bin("client", args))
}

/// `cargo xtask bench broker [--rounds N] [--only TEXT] [-- BROKER ARGS]`: builds the
/// `mqttscope` binary with the `bench-native` profile (the workspace's `release` profile
/// optimises for size, for the page) and runs it against mosquitto (from `setup`).
fn broker_bench(args: &[String]) -> Result<(), String> {
    crate::tools::setup_all()?;
    run_logged(cmd::cargo(&[
        "build",
        "--profile",
        "bench-native",
        "-p",
        "mqttscope-cli",
        "--bin",
        "mqttscope",
    ]))?;
    let target = match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) => cmd::root().join(dir),
        None => cmd::root().join("target"),
    };
    let bin = target.join("bench-native").join("mqttscope");
    let mut pass = vec!["--bin".to_string(), bin.display().to_string()];
    pass.extend(args.iter().cloned());
    run_logged(bench_bin("broker", &pass))
}

/// `cargo xtask bench app [--seconds N] [--rate N]`: the release build of the app in
/// headless Chromium under a flood from a loopback mosquitto (`bench/app/run.mjs`), and
/// the gzipped size of what the page downloads.
fn app_bench(args: &[String]) -> Result<(), String> {
    crate::tools::setup_all()?;
    let dir = cmd::root().join("bench").join("app");
    crate::serve::trunk_build()?;
    let dist = cmd::root().join("dist");
    let server =
        crate::serve::StaticServer::start(&dist, 0).map_err(|e| format!("serving dist/: {e}"))?;
    let mut node = cmd::command("node");
    node.arg(dir.join("run.mjs"))
        .arg(server.url())
        .arg(&dist)
        .args(args);
    node.env("CHROMIUM", tools::CHROMIUM);
    node.env("MOSQUITTO", tools::MOSQUITTO);
    cmd::run(&mut node)
}

/// `cargo xtask bench embed [--rounds N]`: packs the npm package into `bench-data/embed-pkg/`
/// (out of the way of `pkg/`, which the tests use), installs the pinned MQTT.js of
/// `bench/client`, and runs `bench/embed/run.mjs` against them.
fn embed_bench(args: &[String]) -> Result<(), String> {
    for pair in args.chunks(2) {
        match pair {
            [flag, n] if flag == "--rounds" && n.parse::<u32>().is_ok_and(|n| n > 0) => {}
            _ => {
                return Err(format!(
                    "`{}` does not apply to embed\n{USAGE}",
                    pair.join(" ")
                ))
            }
        }
    }
    crate::tools::setup_all()?;
    let root = cmd::root();
    crate::tools::npm_dependencies(&root.join("bench/client"))?;
    let pkg = root.join("bench-data").join("embed-pkg");
    crate::pack::build(&pkg)?;
    let mut node = cmd::command("node");
    node.arg(root.join("bench").join("embed").join("run.mjs"))
        .arg(&pkg)
        .args(args);
    node.env("CHROMIUM", tools::CHROMIUM);
    node.env("MOSQUITTO", tools::MOSQUITTO);
    cmd::run(&mut node)
}

/// `cargo run --profile bench-native -p mqttscope-bench -- <command> <args>`.
fn bench_bin(command: &str, args: &[String]) -> Command {
    let mut c = cmd::cargo(&[
        "run",
        "--profile",
        "bench-native",
        "-p",
        "mqttscope-bench",
        "--",
        command,
    ]);
    c.args(args);
    c
}

/// Runs `c` with stdout and stderr inherited, echoing it to stderr (stdout carries only
/// results).
fn run_logged(mut c: Command) -> Result<(), String> {
    eprintln!("$ {}", cmd::display(&c));
    let status = c
        .status()
        .map_err(|e| format!("could not run `{}`: {e}", cmd::display(&c)))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`{}` failed ({status})", cmd::display(&c)))
    }
}

/// Runs `c` and returns its stdout (stderr inherited).
fn run_captured(mut c: Command) -> Result<String, String> {
    eprintln!("$ {}", cmd::display(&c));
    let out = c
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("could not run `{}`: {e}", cmd::display(&c)))?;
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    } else {
        Err(format!("`{}` failed ({})", cmd::display(&c), out.status))
    }
}

/// Splits the options meant for the browser driver (`--runs`, `--warmup`) from the rest.
fn timing_options(args: &[String]) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        match flag.as_str() {
            "--runs" | "--warmup" => {
                let value = it.next().ok_or(format!("{flag} needs a value"))?;
                out.extend([flag.clone(), value.clone()]);
            }
            other => return Err(format!("`{other}` does not apply to --browser\n{USAGE}")),
        }
    }
    Ok(out)
}

/// The browser bench: workloads, wasm build, Chromium run, native reference.
fn browser_bench(args: &[String]) -> Result<(), String> {
    let timing = timing_options(args)?;
    check_browser_tools()?;
    let data_dir = cmd::root().join("bench-data");
    let mut workloads = bench_bin("workloads", &[]);
    workloads
        .args(["--workloads", "W1,W3", "--data-dir"])
        .arg(&data_dir);
    run_captured(workloads)?;
    let wasm = build_probe()?;
    let native = run_captured(bench_bin("probe", &[timing.clone(), w1_w3()].concat()))?;
    let native_file = data_dir.join("probe-native.jsonl");
    std::fs::write(&native_file, &native)
        .map_err(|e| format!("writing {}: {e}", native_file.display()))?;
    print!("{native}");
    let mut node = cmd::command("node");
    node.arg(cmd::root().join("bench").join("browser").join("run.mjs"))
        .arg("--wasm")
        .arg(&wasm)
        .arg("--data")
        .arg(&data_dir)
        .arg("--native")
        .arg(&native_file)
        .args(["--chromium", tools::CHROMIUM])
        .args(&timing);
    run_logged(node)
}

fn w1_w3() -> Vec<String> {
    vec!["--workloads".into(), "W1,W3".into()]
}

/// Fails early, with the fix, when node or Chromium is missing.
fn check_browser_tools() -> Result<(), String> {
    if cmd::output(Command::new("node").arg("--version")).is_none() {
        return Err("node is missing: run `cargo xtask setup`".into());
    }
    if !Path::new(tools::CHROMIUM).exists() {
        return Err(format!(
            "{} is missing: run `cargo xtask setup`",
            tools::CHROMIUM
        ));
    }
    Ok(())
}

/// `rustup target add wasm32-unknown-unknown` unless it is installed.
fn ensure_wasm_target() -> Result<(), String> {
    let installed = cmd::output(Command::new("rustup").args(["target", "list", "--installed"]))
        .is_some_and(|list| list.lines().any(|l| l.trim() == WASM_TARGET));
    if installed {
        return Ok(());
    }
    run_logged({
        let mut c = Command::new("rustup");
        c.args(["target", "add", WASM_TARGET]);
        c
    })
}

/// Builds the probe in release for wasm32 and returns the module's path.
fn build_probe() -> Result<PathBuf, String> {
    ensure_wasm_target()?;
    run_logged(cmd::cargo(&[
        "build",
        "-p",
        "mqttscope-wasm-probe",
        "--target",
        WASM_TARGET,
        "--release",
    ]))?;
    let target = match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) => cmd::root().join(dir),
        None => cmd::root().join("target"),
    };
    let wasm = target
        .join(WASM_TARGET)
        .join("release")
        .join("mqttscope_wasm_probe.wasm");
    if wasm.is_file() {
        Ok(wasm)
    } else {
        Err(format!("{} was not built", wasm.display()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(s: &str) -> Vec<String> {
        s.split_whitespace().map(str::to_string).collect()
    }

    #[test]
    fn browser_runs_take_only_timing_options() {
        assert_eq!(
            timing_options(&strings("--runs 9 --warmup 2")).unwrap(),
            strings("--runs 9 --warmup 2")
        );
        assert!(timing_options(&strings("--workloads W4")).is_err());
        assert!(timing_options(&strings("--runs")).is_err());
    }

    #[test]
    fn unknown_suites_are_refused() {
        assert!(run(&strings("nope")).is_err());
        assert!(run(&[]).is_err());
    }

    #[test]
    fn embed_takes_only_rounds() {
        assert!(embed_bench(&strings("--rounds 0")).is_err());
        assert!(embed_bench(&strings("--rounds")).is_err());
        assert!(embed_bench(&strings("--seconds 3")).is_err());
    }
}
