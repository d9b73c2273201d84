//! `cargo xtask`: mqttscope's developer commands.
//!
//! - `cargo xtask test [--only <tier>]... [--from <tier>]`: every test tier, in order.
//! - `cargo xtask serve [--port N]`: builds the app and serves it with a local broker.
//! - `cargo xtask fuzz <target> <seconds>`: one cargo-fuzz target for a while.
//! - `cargo xtask bench <args>...`: the benchmarks (see `bench.rs`).
//! - `cargo xtask setup`: installs every missing tool without running anything.
//! - `cargo xtask conformance [--check]`: writes (or checks) `docs/CONFORMANCE.md`.
//! - `cargo xtask pack`: builds the npm package into `pkg/` (see `pack.rs`).
//!
//! Each command installs the tools it needs when they are missing, pinned to the versions
//! in `tools.rs`, so a fresh machine needs nothing but Rust (rustup), node and apt.

mod bench;
mod cmd;
mod conformance;
mod fuzz;
mod pack;
mod serve;
mod test;
mod tools;
mod wasm_check;

use std::process::ExitCode;

/// The usage text, printed by `cargo xtask help` and after a usage error.
const USAGE: &str = "\
usage: cargo xtask <command> [args]

commands:
  test [--only <tier>]... [--from <tier>]   run the test tiers (default: all, in order)
  serve [--port N]                          build the app, serve it on 127.0.0.1 (default 8080)
                                            and start mosquitto on 1883 (TCP) and 9001 (WebSocket)
  fuzz <target> <seconds>                   run a cargo-fuzz target (decode, framer, dissect)
  bench <args>...                           run the benchmarks
  setup                                     install every missing tool, run nothing
  conformance [--check]                     write docs/CONFORMANCE.md from the tests (or check it)
  pack [--out DIR] [--no-app]               build the npm package `mqttscope` into pkg/ (or DIR)
  help                                      this text

test tiers: setup fmt clippy native wasm-core wasm-imports wasm-app e2e npm";

fn main() -> ExitCode {
    tools::export_path();
    let args: Vec<String> = std::env::args().skip(1).collect();
    match dispatch(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("\nxtask: error: {message}");
            ExitCode::FAILURE
        }
    }
}

/// Runs the command named by the first argument with the rest.
fn dispatch(args: &[String]) -> Result<(), String> {
    let Some((command, rest)) = args.split_first() else {
        return Err(format!("no command given\n\n{USAGE}"));
    };
    match command.as_str() {
        "test" => test::run(rest),
        "serve" => serve::run(rest),
        "fuzz" => fuzz::run(rest),
        "bench" => bench::run(rest),
        "setup" => tools::setup_all(),
        "conformance" => conformance::run(rest),
        "pack" => pack::run(rest),
        "help" | "-h" | "--help" => {
            println!("{USAGE}");
            Ok(())
        }
        other => Err(format!("unknown command `{other}`\n\n{USAGE}")),
    }
}
