//! `cargo xtask test`: every test tier, in order, stopping at the first failure.
//!
//! `--only <tier>` (repeatable) runs just those tiers; `--from <tier>` starts there. With
//! no flags every tier runs: this is what CI runs (`.ci/run`).

use std::env;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use crate::serve::{self, StaticServer};
use crate::{cmd, pack, tools, wasm_check};

/// One step of the test run.
struct Tier {
    /// The name `--only` and `--from` take.
    name: &'static str,
    /// What it checks, for the header.
    what: &'static str,
    run: fn() -> Result<(), String>,
}

/// Every tier, in the order they run: cheap checks first, the slow browser ones last.
const TIERS: &[Tier] = &[
    Tier {
        name: "setup",
        what: "install missing tools",
        run: tools::setup_all,
    },
    Tier {
        name: "fmt",
        what: "cargo fmt --all -- --check",
        run: fmt,
    },
    Tier {
        name: "clippy",
        what: "cargo clippy --workspace --all-targets -- -D warnings",
        run: clippy,
    },
    Tier {
        name: "native",
        what: "native tests: cargo test --workspace",
        run: native,
    },
    Tier {
        name: "wasm-core",
        what: "the core's tests on wasm32 in headless Chromium",
        run: wasm_core,
    },
    Tier {
        name: "wasm-imports",
        what: "the core built for wasm32 imports nothing",
        run: wasm_imports,
    },
    Tier {
        name: "wasm-app",
        what: "the app's browser tests in headless Chromium",
        run: wasm_app,
    },
    Tier {
        name: "e2e",
        what: "the release build of the app, end to end in Chromium",
        run: e2e,
    },
    Tier {
        name: "npm",
        what: "the npm package (with the page e2e built), installed and used in node and pages",
        run: npm,
    },
];

/// `cargo xtask test [--only <tier>]... [--from <tier>]`.
pub fn run(args: &[String]) -> Result<(), String> {
    let selected = select(args)?;
    let started = Instant::now();
    for (i, tier) in selected.iter().enumerate() {
        println!(
            "\n==== [{}/{}] {}: {} ====",
            i + 1,
            selected.len(),
            tier.name,
            tier.what
        );
        let t = Instant::now();
        (tier.run)().map_err(|e| {
            format!(
                "tier `{}` failed: {e}\n(after fixing it, resume with `cargo xtask test --from {}`)",
                tier.name, tier.name
            )
        })?;
        println!(
            "---- {} passed in {:.1}s",
            tier.name,
            t.elapsed().as_secs_f64()
        );
    }
    let names: Vec<&str> = selected.iter().map(|t| t.name).collect();
    println!(
        "\nall {} tiers passed in {:.0}s: {}",
        selected.len(),
        started.elapsed().as_secs_f64(),
        names.join(" ")
    );
    Ok(())
}

/// The tiers the flags ask for, in run order.
fn select(args: &[String]) -> Result<Vec<&'static Tier>, String> {
    let mut only = Vec::new();
    let mut from = 0;
    let mut args = args.iter();
    while let Some(flag) = args.next() {
        let value = args
            .next()
            .ok_or_else(|| format!("`{flag}` needs a tier name"))?;
        match flag.as_str() {
            "--only" => only.push(tier_index(value)?),
            "--from" => from = tier_index(value)?,
            _ => {
                return Err(format!(
                    "unknown flag `{flag}`; use --only <tier> or --from <tier>"
                ))
            }
        }
    }
    let chosen = |i: &usize| *i >= from && (only.is_empty() || only.contains(i));
    Ok((0..TIERS.len()).filter(chosen).map(|i| &TIERS[i]).collect())
}

/// The position of the tier called `name`.
fn tier_index(name: &str) -> Result<usize, String> {
    TIERS.iter().position(|t| t.name == name).ok_or_else(|| {
        let names: Vec<&str> = TIERS.iter().map(|t| t.name).collect();
        format!("no tier `{name}`; tiers: {}", names.join(" "))
    })
}

fn fmt() -> Result<(), String> {
    cmd::run(&mut cmd::cargo(&["fmt", "--all", "--", "--check"]))
}

fn clippy() -> Result<(), String> {
    cmd::run(&mut cmd::cargo(&[
        "clippy",
        "--workspace",
        "--all-targets",
        "--",
        "-D",
        "warnings",
    ]))
}

/// Every crate's native tests, the CLI's and xtask's included.
fn native() -> Result<(), String> {
    let counts = run_tests(&mut cmd::cargo(&["test", "--workspace"]))?;
    if counts.other == 0 {
        return Err("no native test ran".into());
    }
    println!("native: {} tests passed", counts.other);
    // The conformance table is generated from the tests' doc comments: it must match.
    crate::conformance::run(&["--check".to_owned()])
}

/// The core's tests compiled to wasm32 and run in headless Chromium: proves the core
/// builds and behaves the same in a browser.
fn wasm_core() -> Result<(), String> {
    browser_tests("mqttscope-proto", "the core")
}

/// Builds `crates/wasm-probe` (the core behind C-ABI exports) and fails if the module
/// imports anything from the host.
fn wasm_imports() -> Result<(), String> {
    let build = [
        "build",
        "-p",
        "mqttscope-wasm-probe",
        "--target",
        "wasm32-unknown-unknown",
        "--release",
    ];
    cmd::run(&mut cmd::cargo(&build))?;
    let wasm = target_dir()
        .join("wasm32-unknown-unknown")
        .join("release")
        .join("mqttscope_wasm_probe.wasm");
    wasm_check::check(&wasm)
}

/// The npm tier's scripts in `tests/npm`, in order; each takes the packed package's folder.
const NPM_SCRIPTS: &[&str] = &[
    "dissect.mjs",
    "doctor.mjs",
    "client.mjs",
    "sandbox.mjs",
    "compat.mjs",
    "background.mjs",
    "elements.mjs",
    "scope.mjs",
    "example.mjs",
];

/// `cargo test -p mqttscope-js-client` alone, `cargo xtask pack`, then the package installed
/// from its tarball into a fresh folder and
/// imported as users do: `tests/npm/dissect.mjs` (`mqttscope/dissect` in node and from a
/// plain `<script type="module">` in headless Chromium, through the end-to-end harness,
/// whence its playwright-core), then `tests/npm/doctor.mjs` (`mqttscope/doctor`'s
/// diagnoses in node and on a page), then `tests/npm/client.mjs` (the `mqttscope` client in
/// headless Chromium, in its worker and on the page, against a mosquitto it starts on free
/// loopback ports), then `tests/npm/sandbox.mjs` (the client on `sandbox://` URLs: the
/// sandbox broker in a worker of the page, no broker anywhere), then
/// `tests/npm/compat.mjs` (`mqttscope/compat` running a dashboard
/// written for MQTT.js beside MQTT.js itself), then `tests/npm/elements.mjs` (the web
/// components of `mqttscope/elements` bound to clients of a mosquitto), and the others of
/// [`NPM_SCRIPTS`]; `tests/npm/example.mjs` also runs the example against `mqttscope broker`.
fn npm() -> Result<(), String> {
    // The client glue's tests on their own, with the core as the package builds it
    // (without `server-packets`, which other workspace members turn on).
    cmd::run(&mut cmd::cargo(&["test", "-p", "mqttscope-js-client"]))?;
    tools::npm_dependencies(&cmd::root().join("tests").join("e2e"))?;
    // MQTT.js (its browser bundle), which tests/npm/compat.mjs runs beside mqttscope/compat.
    tools::npm_dependencies(
        &cmd::root()
            .join("crates")
            .join("cli")
            .join("tests")
            .join("brokers"),
    )?;
    // `mqttscope broker`, which tests/npm/example.mjs runs the example against.
    cmd::run(&mut cmd::cargo(&["build", "-p", "mqttscope-cli"]))?;
    let cli = target_dir().join("debug").join("mqttscope");
    let package = cmd::root().join("pkg");
    pack::build(&package)?;
    pack::add_app(&package)?;
    for script in NPM_SCRIPTS {
        let mut node = cmd::command("node");
        node.arg(Path::new("tests").join("npm").join(script))
            .arg(&package)
            .env("CHROMIUM", tools::CHROMIUM)
            .env("MQTTSCOPE", &cli);
        cmd::run(&mut node)?;
    }
    Ok(())
}

/// The app's `wasm_bindgen_test` tests (in `tests/`) in headless Chromium.
fn wasm_app() -> Result<(), String> {
    browser_tests(
        "mqttscope",
        "the app (they belong in tests/*.rs as #[wasm_bindgen_test])",
    )
}

/// The most the page's first load may download, gzip -9 (bytes).
const FIRST_LOAD_BUDGET: u32 = 420_000;

/// `trunk build --release --offline`, the first load checked against its budget
/// ([`FIRST_LOAD_BUDGET`], by `bench/app/sizes.mjs`), then the end-to-end scripts against the built page
/// served on loopback: `tests/e2e/hexpad.mjs` (the hex pad), `tests/e2e/client.mjs`
/// (the client, against a mosquitto it starts on free loopback ports) and
/// `tests/e2e/reliability.mjs` (big payloads, two tabs, hostile peers),
/// `tests/e2e/sandbox.mjs` (the sandbox broker in the page, no broker anywhere),
/// `tests/e2e/broker-pane.mjs` (the broker pane and every fault it injects),
/// `tests/e2e/payload-view.mjs` (the payload frame: decoders, rules, schemas, Sparkplug B,
/// changes), then
/// `tests/e2e/background.mjs` (keep-alive in a hidden tab, through chromedriver; it serves
/// `dist/` itself, once without the timer worker).
fn e2e() -> Result<(), String> {
    let e2e_dir = cmd::root().join("tests").join("e2e");
    for file in [
        "hexpad.mjs",
        "client.mjs",
        "reliability.mjs",
        "sandbox.mjs",
        "broker-pane.mjs",
        "payload-view.mjs",
        "socket-worker.mjs",
        "background.mjs",
        "package.json",
    ] {
        if !e2e_dir.join(file).is_file() {
            return Err(format!(
                "tests/e2e/{file} is missing: the end-to-end test is not written"
            ));
        }
    }
    tools::npm_dependencies(&e2e_dir)?;
    let mut worker = cmd::command("node");
    worker.arg(Path::new("tests").join("e2e").join("socket-worker.mjs"));
    cmd::run(&mut worker)?;
    serve::trunk_build()?;
    let dist = cmd::root().join("dist");
    // The first load's budget: what is new must load on demand.
    let mut budget = cmd::command("node");
    budget
        .arg(Path::new("bench").join("app").join("sizes.mjs"))
        .arg(&dist)
        .args(["--max", &FIRST_LOAD_BUDGET.to_string()]);
    cmd::run(&mut budget)?;
    let server = StaticServer::start(&dist, 0).map_err(|e| format!("serving dist/: {e}"))?;
    println!("serving dist/ at {}", server.url());
    let scripts = [
        "hexpad.mjs",
        "client.mjs",
        "reliability.mjs",
        "sandbox.mjs",
        "broker-pane.mjs",
        "payload-view.mjs",
    ];
    for script in scripts {
        let mut node = cmd::command("node");
        node.arg(Path::new("tests").join("e2e").join(script))
            .arg(server.url());
        node.env("CHROMIUM", tools::CHROMIUM);
        node.env("MOSQUITTO", tools::MOSQUITTO);
        cmd::run(&mut node)?;
    }
    drop(server);
    let mut node = cmd::command("node");
    node.arg(Path::new("tests").join("e2e").join("background.mjs"))
        .arg(&dist);
    node.env("CHROMIUM", tools::CHROMIUM);
    node.env("CHROMEDRIVER", tools::CHROMEDRIVER);
    node.env("MOSQUITTO", tools::MOSQUITTO);
    cmd::run(&mut node)
}

/// `cargo test -p <package> --target wasm32-unknown-unknown`, run by
/// wasm-bindgen-test-runner (see `.cargo/config.toml`) through chromedriver; fails unless
/// at least one test ran in the browser.
fn browser_tests(package: &str, what: &str) -> Result<(), String> {
    let mut test = cmd::cargo(&["test", "-p", package, "--target", "wasm32-unknown-unknown"]);
    test.env("CHROMEDRIVER", tools::CHROMEDRIVER);
    // chromedriver leaves each session's Chromium profile (about 110 MB) in the temporary
    // folder: give it one of its own, removed after the run.
    let tmp = target_dir().join("browser-tmp").join(package);
    fs::create_dir_all(&tmp).map_err(|e| format!("creating {}: {e}", tmp.display()))?;
    test.env("TMPDIR", &tmp);
    let counts = run_tests(&mut test);
    let _ = fs::remove_dir_all(&tmp);
    let counts = counts?;
    if counts.browser == 0 {
        return Err(format!("no browser test of {what} ran"));
    }
    println!(
        "{package}: {} tests passed in headless Chromium ({} more outside it, e.g. doctests)",
        counts.browser, counts.other
    );
    Ok(())
}

/// How many tests passed, by where they ran.
#[derive(Debug, Default, PartialEq, Eq)]
struct Counts {
    /// Under wasm-bindgen-test-runner in the browser.
    browser: u64,
    /// Everywhere else (native binaries, doctests).
    other: u64,
}

/// Runs a `cargo test` command and counts the tests that passed.
fn run_tests(test: &mut Command) -> Result<Counts, String> {
    let log = cmd::run_tee(test, cmd::Stream::Stdout)?;
    Ok(count_passed(&log))
}

/// Sums `N passed` over the `test result:` lines of a test log; a result that follows
/// wasm-bindgen-test-runner's `Running headless tests` line counts as a browser result.
fn count_passed(log: &str) -> Counts {
    let mut counts = Counts::default();
    let mut in_browser = false;
    for line in log.lines().map(str::trim) {
        if line.starts_with("Running headless tests") {
            in_browser = true;
        }
        let Some(n) = line
            .strip_prefix("test result: ")
            .and_then(passed_in_result)
        else {
            continue;
        };
        if std::mem::take(&mut in_browser) {
            counts.browser += n;
        } else {
            counts.other += n;
        }
    }
    counts
}

/// The `N` of `ok. N passed; ...`.
fn passed_in_result(result: &str) -> Option<u64> {
    let first = result.split("; ").next()?;
    first.split_whitespace().rev().nth(1)?.parse().ok()
}

/// Cargo's target folder: `$CARGO_TARGET_DIR` or `target/` in the repository.
pub(crate) fn target_dir() -> PathBuf {
    match env::var_os("CARGO_TARGET_DIR") {
        Some(dir) => cmd::root().join(dir),
        None => cmd::root().join("target"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn count_passed_sums_every_binary() {
        let log = "running 3 tests\ntest result: ok. 3 passed; 0 failed; 0 ignored\n\
                   Running headless tests in Chrome on `http://127.0.0.1:1/`\n\
                   test result: ok. 12 passed; 0 failed; 0 ignored; finished in 0.2s\n\
                   test result: ok. 2 passed; 0 failed; 0 measured\n";
        assert_eq!(
            count_passed(log),
            Counts {
                browser: 12,
                other: 5
            }
        );
        assert_eq!(count_passed("no tests"), Counts::default());
    }

    #[test]
    fn flags_select_tiers_in_run_order() {
        let args = |s: &str| s.split_whitespace().map(String::from).collect::<Vec<_>>();
        let names = |a: &str| {
            select(&args(a))
                .unwrap()
                .iter()
                .map(|t| t.name)
                .collect::<Vec<_>>()
        };
        assert_eq!(names("").len(), TIERS.len());
        assert_eq!(names("--only e2e --only fmt"), ["fmt", "e2e"]);
        assert_eq!(names("--from wasm-app"), ["wasm-app", "e2e", "npm"]);
        assert!(select(&args("--only nope")).is_err());
        assert!(select(&args("--from")).is_err());
    }
}
