//! Tool setup: find each tool the commands need, install it, pinned, when it is missing.
//!
//! Every tool comes from a package registry (Rust crates, Debian, npm, PyPI): nothing downloads a
//! prebuilt binary from anywhere else. A tool that is present at the right version is left
//! alone, so a second run takes seconds.

use std::env;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::cmd;

/// The Trunk release that builds with our Rust (0.22 needs rustc 1.96).
pub const TRUNK_VERSION: &str = "0.21.14";

/// The rumqttd the CLI's interop tests run (the broker that sends Topic Aliases).
pub const RUMQTTD_VERSION: &str = "0.20.0";
/// The paho-mqtt (PyPI) the broker's interop tests run, installed into `.tools/paho`.
pub const PAHO_VERSION: &str = "2.1.0";
/// The CBOR and MessagePack producers (PyPI) the payload interop test runs, installed into
/// `.tools/payload`.
pub const CBOR2_VERSION: &str = "5.6.5";
/// See [`CBOR2_VERSION`].
pub const MSGPACK_VERSION: &str = "1.1.0";
/// The protobuf and Sparkplug B producers (PyPI) the payload interop tests run, installed
/// into `.tools/protobuf`, every package pinned: Google's protobuf runtime, grpcio-tools for
/// its `protoc` (which writes the Python classes of a test schema), and pysparkplug, a
/// Sparkplug B edge node library (which needs paho-mqtt 1.x).
pub const PROTOBUF_PACKAGES: &[(&str, &str)] = &[
    ("protobuf", "7.36.2"),
    ("grpcio-tools", "1.85.1"),
    ("grpcio", "1.85.1"),
    ("setuptools", "84.2.1"),
    ("pysparkplug", "0.6.1"),
    ("paho-mqtt", "1.6.1"),
    ("typing-extensions", "4.16.0"),
];
/// The npm `binaryen` release; its `wasm-opt` reports `version_132`, as `Trunk.toml` pins.
pub const BINARYEN_VERSION: &str = "132.0.0";
/// The npm `terser` release that minifies the built page's JavaScript.
pub const TERSER_VERSION: &str = "5.36.0";
/// The npm `uplot` release the payload frame charts with (copied into `dist/` by Trunk
/// from `.tools/uplot`; loaded only by `payload.html`).
pub const UPLOT_VERSION: &str = "1.6.32";
/// cargo-fuzz, as a semver requirement.
pub const CARGO_FUZZ_VERSION: &str = "~0.13";
/// The headless browser the wasm tests and the end-to-end script drive.
pub const CHROMIUM: &str = "/usr/bin/chromium";
/// The WebDriver server `wasm-bindgen-test-runner` talks to.
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
/// The broker `cargo xtask serve` starts.
pub const MOSQUITTO: &str = "/usr/sbin/mosquitto";
/// The Rust target of the app and of the core's browser tests.
const WASM_TARGET: &str = "wasm32-unknown-unknown";

/// A Debian package and how to tell whether it is installed.
#[derive(Clone)]
struct AptPackage {
    name: &'static str,
    present: fn() -> bool,
}

/// What the browser tests and the local broker need from Debian.
const TEST_PACKAGES: &[AptPackage] = &[
    AptPackage {
        name: "chromium",
        present: || Path::new(CHROMIUM).exists(),
    },
    AptPackage {
        name: "chromium-driver",
        present: || Path::new(CHROMEDRIVER).exists(),
    },
    AptPackage {
        name: "mosquitto",
        present: || Path::new(MOSQUITTO).exists(),
    },
    AptPackage {
        name: "mosquitto-clients",
        present: || on_path("mosquitto_pub"),
    },
    AptPackage {
        name: "python3-pip",
        present: || cmd::output(Command::new("python3").args(["-m", "pip", "--version"])).is_some(),
    },
];

/// node and npm, for binaryen's `wasm-opt` and the end-to-end script.
const NODE_PACKAGES: &[AptPackage] = &[
    AptPackage {
        name: "nodejs",
        present: || on_path("node"),
    },
    AptPackage {
        name: "npm",
        present: || on_path("npm"),
    },
];

/// Folders whose npm packages (pinned by their `package-lock.json`) the tests use: the
/// other brokers of the CLI's interop tests, and the end-to-end script's playwright-core.
const NPM_TEST_DIRS: &[&str] = &["crates/cli/tests/brokers", "tests/e2e"];

/// Puts `.tools/binaryen/node_modules/.bin` first on this process's PATH, then cargo's bin
/// folder, so every child (Trunk above all) finds our `wasm-opt`, `wasm-bindgen` and
/// `trunk` before any other copy. Called once at start-up, before any thread exists.
pub fn export_path() {
    let mut dirs = vec![binaryen_bin(), cargo_bin()];
    if let Some(path) = env::var_os("PATH") {
        dirs.extend(env::split_paths(&path));
    }
    if let Ok(joined) = env::join_paths(dirs) {
        env::set_var("PATH", joined);
    }
}

/// Everything `cargo xtask test` needs: Debian packages, the wasm target, wasm-bindgen,
/// Trunk and wasm-opt.
pub fn setup_all() -> Result<(), String> {
    apt(&[NODE_PACKAGES, TEST_PACKAGES].concat())?;
    setup_rust_tools()?;
    binaryen()?;
    terser()?;
    uplot()?;
    rumqttd()?;
    paho()?;
    payload_producers()?;
    pip_into("protobuf", PROTOBUF_PACKAGES)?;
    for dir in NPM_TEST_DIRS {
        let dir = cmd::root().join(dir);
        if dir.join("package.json").is_file() {
            npm_dependencies(&dir)?;
        }
    }
    Ok(())
}

/// What building the app needs (`cargo xtask serve`): node, the wasm target, wasm-bindgen,
/// Trunk and wasm-opt. No browser, no broker.
pub fn setup_build() -> Result<(), String> {
    apt(NODE_PACKAGES)?;
    setup_rust_tools()?;
    binaryen()?;
    terser()?;
    uplot()
}

/// What `cargo xtask pack` needs: node and npm, the wasm target, wasm-bindgen and
/// wasm-opt. No Trunk, no browser.
pub fn setup_pack() -> Result<(), String> {
    apt(NODE_PACKAGES)?;
    wasm_target()?;
    wasm_bindgen()?;
    binaryen()
}

/// The wasm target, wasm-bindgen and Trunk.
fn setup_rust_tools() -> Result<(), String> {
    wasm_target()?;
    wasm_bindgen()?;
    trunk()
}

/// Checks a tool with `check` (the found version, or why it is unusable); when unusable,
/// says what it installs and how long that takes, runs `install`, and checks again.
fn ensure(
    tool: &str,
    check: impl Fn() -> Result<String, String>,
    eta: &str,
    install: impl FnOnce() -> Result<(), String>,
) -> Result<(), String> {
    match check() {
        Ok(found) => {
            eprintln!("setup: {tool}: ok ({found})");
            return Ok(());
        }
        Err(why) => eprintln!("setup: {tool}: {why}; installing it ({eta})"),
    }
    install()?;
    let found = check().map_err(|why| format!("{tool} still unusable after installing: {why}"))?;
    eprintln!("setup: {tool}: installed ({found})");
    Ok(())
}

/// `rustup target add wasm32-unknown-unknown` unless installed.
fn wasm_target() -> Result<(), String> {
    let check = || {
        let list = cmd::output(Command::new("rustup").args(["target", "list", "--installed"]));
        match list {
            Some(list) if list.lines().any(|l| l.trim() == WASM_TARGET) => Ok("installed".into()),
            Some(_) => Err("not installed".into()),
            None => Err("`rustup` did not run: install Rust with rustup first".into()),
        }
    };
    ensure(
        &format!("Rust target {WASM_TARGET}"),
        check,
        "seconds",
        || cmd::run(Command::new("rustup").args(["target", "add", WASM_TARGET])),
    )
}

/// `wasm-bindgen` and `wasm-bindgen-test-runner` at exactly the version of the
/// `wasm-bindgen` crate in Cargo.lock (the CLI refuses to process a module built by another
/// version). Installed without `--locked`: its lock file pins a crate the registry lacks.
fn wasm_bindgen() -> Result<(), String> {
    let want = locked_version("wasm-bindgen")?;
    let check = || {
        for tool in ["wasm-bindgen", "wasm-bindgen-test-runner"] {
            version_is(tool, &format!("{tool} {want}"))?;
        }
        Ok(format!("{want}, as in Cargo.lock"))
    };
    let install = || {
        let mut c = Command::new("cargo");
        c.args(["install", "wasm-bindgen-cli", "--version", &want, "--force"]);
        cmd::run(&mut c)
    };
    ensure(
        &format!("wasm-bindgen-cli {want}"),
        check,
        "about 5 minutes on 2 cores",
        install,
    )
}

/// `rumqttd` at [`RUMQTTD_VERSION`], for the CLI's interop tests (inbound Topic Aliases
/// in MQTT 5). Installed without `--locked`, as TOOLCHAIN.md says works here.
fn rumqttd() -> Result<(), String> {
    let check = || version_is("rumqttd", &format!("rumqttd {RUMQTTD_VERSION}"));
    let install = || {
        let mut c = Command::new("cargo");
        c.args([
            "install",
            "rumqttd",
            "--version",
            RUMQTTD_VERSION,
            "--force",
        ]);
        cmd::run(&mut c)
    };
    ensure(
        &format!("rumqttd {RUMQTTD_VERSION}"),
        check,
        "about 6 minutes on 2 cores",
        install,
    )
}

/// paho-mqtt at [`PAHO_VERSION`] into `.tools/paho`, for the broker's interop tests.
fn paho() -> Result<(), String> {
    pip_into("paho", &[("paho-mqtt", PAHO_VERSION)])
}

/// cbor2 and msgpack for Python at [`CBOR2_VERSION`] and [`MSGPACK_VERSION`] into
/// `.tools/payload`, for the payload interop test.
fn payload_producers() -> Result<(), String> {
    pip_into(
        "payload",
        &[("cbor2", CBOR2_VERSION), ("msgpack", MSGPACK_VERSION)],
    )
}

/// Python `packages` (name, version), pinned, into `.tools/<folder>` (gitignored) with
/// `pip install --target`, which leaves the system's Python alone; the tests put the
/// folder on PYTHONPATH. Present when each package's `.dist-info` is there.
fn pip_into(folder: &str, packages: &[(&str, &str)]) -> Result<(), String> {
    let dir = cmd::root().join(".tools").join(folder);
    let what = packages
        .iter()
        .map(|(name, version)| format!("{name} {version}"))
        .collect::<Vec<_>>()
        .join(" and ");
    let check = || {
        let info = |(name, version): &(&str, &str)| {
            let name = name.replace('-', "_");
            dir.join(format!("{name}-{version}.dist-info")).is_dir()
        };
        match packages.iter().all(info) {
            true => Ok(format!("{what} in .tools/{folder}")),
            false => Err(format!("not in .tools/{folder}")),
        }
    };
    let install = || {
        let _ = std::fs::remove_dir_all(&dir);
        let mut c = Command::new("python3");
        c.args([
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
        ])
        .arg("--target")
        .arg(&dir)
        .args(
            packages
                .iter()
                .map(|(name, version)| format!("{name}=={version}")),
        );
        cmd::run(&mut c)
    };
    ensure(&format!("{what} (PyPI)"), check, "seconds", install)
}

/// `trunk` at [`TRUNK_VERSION`].
fn trunk() -> Result<(), String> {
    let check = || version_is("trunk", &format!("trunk {TRUNK_VERSION}"));
    let install = || {
        let mut c = Command::new("cargo");
        c.args([
            "install",
            "trunk",
            "--version",
            TRUNK_VERSION,
            "--locked",
            "--force",
        ]);
        cmd::run(&mut c)
    };
    ensure(
        &format!("trunk {TRUNK_VERSION}"),
        check,
        "about 9 minutes on 2 cores",
        install,
    )
}

/// npm's binaryen into `.tools/binaryen`; its `wasm-opt` runs on node. Not Debian's
/// binaryen 108, whose output fails to load in the browser.
fn binaryen() -> Result<(), String> {
    let wasm_opt = binaryen_bin().join("wasm-opt");
    let major = BINARYEN_VERSION
        .split('.')
        .next()
        .unwrap_or(BINARYEN_VERSION);
    let check = || {
        let out = cmd::output(Command::new(&wasm_opt).arg("--version"))
            .ok_or_else(|| format!("{} not installed", wasm_opt.display()))?;
        if out.contains(&format!("version {major}")) {
            Ok(out.trim().to_string())
        } else {
            Err(format!("found `{}`, want version {major}", out.trim()))
        }
    };
    let install = || {
        let dir = binaryen_dir();
        std::fs::create_dir_all(&dir).map_err(|e| format!("creating {}: {e}", dir.display()))?;
        let mut c = Command::new("npm");
        c.args(["install", "--no-audit", "--no-fund", "--prefix"])
            .arg(&dir);
        c.arg(format!("binaryen@{BINARYEN_VERSION}"));
        cmd::run(&mut c)
    };
    ensure(
        &format!("wasm-opt (npm binaryen@{BINARYEN_VERSION})"),
        check,
        "seconds",
        install,
    )
}

/// npm's terser into `.tools/terser`, for `xtask/minify-dist.mjs`.
pub fn terser() -> Result<(), String> {
    let dir = cmd::root().join(".tools").join("terser");
    let bin = dir.join("node_modules").join(".bin").join("terser");
    let check = || {
        let out = cmd::output(Command::new(&bin).arg("--version"))
            .ok_or_else(|| format!("{} not installed", bin.display()))?;
        if out.contains(TERSER_VERSION) {
            Ok(out.trim().to_string())
        } else {
            Err(format!("found `{}`, want {TERSER_VERSION}", out.trim()))
        }
    };
    let install = || {
        std::fs::create_dir_all(&dir).map_err(|e| format!("creating {}: {e}", dir.display()))?;
        let mut c = Command::new("npm");
        c.args(["install", "--no-audit", "--no-fund", "--prefix"])
            .arg(&dir)
            .arg(format!("terser@{TERSER_VERSION}"));
        cmd::run(&mut c)
    };
    ensure(
        &format!("terser (npm terser@{TERSER_VERSION})"),
        check,
        "seconds",
        install,
    )
}

/// uPlot at [`UPLOT_VERSION`] into `.tools/uplot`, whose `dist/` files Trunk copies for
/// the payload frame's charts. Present when its package.json says that version.
pub fn uplot() -> Result<(), String> {
    let dir = cmd::root().join(".tools").join("uplot");
    let manifest = dir.join("node_modules").join("uplot").join("package.json");
    let check = || {
        let text = std::fs::read_to_string(&manifest).map_err(|_| "not installed".to_string())?;
        match text.contains(&format!("\"version\": \"{UPLOT_VERSION}\"")) {
            true => Ok(format!("uplot {UPLOT_VERSION} in .tools/uplot")),
            false => Err(format!("not uplot {UPLOT_VERSION}")),
        }
    };
    let install = || {
        std::fs::create_dir_all(&dir).map_err(|e| format!("creating {}: {e}", dir.display()))?;
        let mut c = Command::new("npm");
        c.args(["install", "--no-audit", "--no-fund", "--prefix"])
            .arg(&dir)
            .arg(format!("uplot@{UPLOT_VERSION}"));
        cmd::run(&mut c)
    };
    ensure(
        &format!("uPlot (npm uplot@{UPLOT_VERSION})"),
        check,
        "seconds",
        install,
    )
}

/// cargo-fuzz, for `cargo xtask fuzz`.
pub fn cargo_fuzz() -> Result<(), String> {
    let check = || {
        cmd::output(Command::new("cargo").args(["fuzz", "--version"]))
            .map(|v| v.trim().to_string())
            .ok_or_else(|| "not installed".to_string())
    };
    let install = || {
        let mut c = Command::new("cargo");
        c.args([
            "install",
            "cargo-fuzz",
            "--version",
            CARGO_FUZZ_VERSION,
            "--locked",
        ]);
        cmd::run(&mut c)
    };
    ensure("cargo-fuzz", check, "about 1 to 2 minutes", install)
}

/// A nightly toolchain, which cargo-fuzz needs for its sanitizer flags.
pub fn nightly() -> Result<(), String> {
    let check = || {
        cmd::output(Command::new("rustc").args(["+nightly", "--version"]))
            .map(|v| v.trim().to_string())
            .ok_or_else(|| "no nightly toolchain".to_string())
    };
    let install = || {
        let mut c = Command::new("rustup");
        c.args(["toolchain", "install", "nightly", "--profile", "minimal"]);
        cmd::run(&mut c)
    };
    ensure("Rust nightly", check, "about 1 minute", install)
}

/// `npm ci` (or `npm install` without a lock file) in `dir` when `node_modules` is missing
/// or older than `package-lock.json` (npm records what it installed in
/// `node_modules/.package-lock.json`).
pub fn npm_dependencies(dir: &Path) -> Result<(), String> {
    let lock = dir.join("package-lock.json");
    let installed = dir.join("node_modules").join(".package-lock.json");
    let check = || {
        if !dir.join("node_modules").is_dir() {
            return Err("node_modules missing".to_string());
        }
        match (modified(&lock), modified(&installed)) {
            (Some(wanted), Some(have)) if wanted > have => {
                Err("package-lock.json is newer than node_modules".to_string())
            }
            _ => Ok("node_modules up to date".to_string()),
        }
    };
    let install = || {
        let verb = if lock.exists() { "ci" } else { "install" };
        let mut c = Command::new("npm");
        c.args([verb, "--no-audit", "--no-fund"]).current_dir(dir);
        cmd::run(&mut c)
    };
    let tool = format!("npm packages of {}", relative(dir));
    ensure(&tool, check, "under a minute", install)
}

/// When `path` was last modified, if it exists.
fn modified(path: &Path) -> Option<std::time::SystemTime> {
    std::fs::metadata(path).and_then(|m| m.modified()).ok()
}

/// `apt-get update` then `apt-get install -y` of `packages` when any of them is missing.
fn apt(packages: &[AptPackage]) -> Result<(), String> {
    let missing: Vec<&str> = packages
        .iter()
        .filter(|p| !(p.present)())
        .map(|p| p.name)
        .collect();
    let names: Vec<&str> = packages.iter().map(|p| p.name).collect();
    let tool = format!("Debian packages {}", names.join(" "));
    let check = || {
        let missing: Vec<&str> = packages
            .iter()
            .filter(|p| !(p.present)())
            .map(|p| p.name)
            .collect();
        if missing.is_empty() {
            Ok("installed".to_string())
        } else {
            Err(format!("missing {}", missing.join(" ")))
        }
    };
    let install = || {
        let mut update = Command::new("apt-get");
        update
            .arg("update")
            .env("DEBIAN_FRONTEND", "noninteractive");
        cmd::run(&mut update)?;
        let mut c = Command::new("apt-get");
        c.args(["install", "-y"])
            .args(&missing)
            .env("DEBIAN_FRONTEND", "noninteractive");
        cmd::run(&mut c)
    };
    ensure(&tool, check, "about 1 minute; needs root", install)
}

/// Fails unless `tool --version` starts with `want`; on success, the version line.
fn version_is(tool: &str, want: &str) -> Result<String, String> {
    let out = cmd::output(Command::new(tool).arg("--version"))
        .ok_or_else(|| format!("{tool} not installed"))?;
    let line = out.lines().next().unwrap_or_default().trim().to_string();
    if line.starts_with(want) {
        Ok(line)
    } else {
        Err(format!("found `{line}`, want `{want}`"))
    }
}

/// The version of `package` in the workspace's Cargo.lock (which must hold exactly one).
pub fn locked_version(package: &str) -> Result<String, String> {
    let path = cmd::root().join("Cargo.lock");
    let lock =
        std::fs::read_to_string(&path).map_err(|e| format!("reading {}: {e}", path.display()))?;
    let versions = lock_versions(&lock, package);
    match versions.as_slice() {
        [one] => Ok(one.clone()),
        [] => Err(format!("Cargo.lock has no package `{package}`")),
        many => Err(format!(
            "Cargo.lock has several `{package}`: {}",
            many.join(", ")
        )),
    }
}

/// Every version of `package` in the text of a Cargo.lock.
fn lock_versions(lock: &str, package: &str) -> Vec<String> {
    let name_line = format!("name = \"{package}\"");
    let mut lines = lock.lines().map(str::trim);
    let mut versions = Vec::new();
    while let Some(line) = lines.next() {
        if line != name_line {
            continue;
        }
        let version = lines.next().and_then(|v| v.strip_prefix("version = \""));
        if let Some(v) = version.and_then(|v| v.strip_suffix('"')) {
            versions.push(v.to_string());
        }
    }
    versions
}

/// Whether `program` is found on PATH.
fn on_path(program: &str) -> bool {
    let path = env::var_os("PATH").unwrap_or_default();
    env::split_paths(&path).any(|dir| dir.join(program).is_file())
}

/// `.tools/binaryen` in the repository (gitignored).
fn binaryen_dir() -> PathBuf {
    cmd::root().join(".tools").join("binaryen")
}

/// Where npm puts binaryen's `wasm-opt`.
fn binaryen_bin() -> PathBuf {
    binaryen_dir().join("node_modules").join(".bin")
}

/// Where `cargo install` puts binaries: `$CARGO_HOME/bin`, by default `~/.cargo/bin`.
fn cargo_bin() -> PathBuf {
    let home = env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
        .unwrap_or_else(|| PathBuf::from(".cargo"));
    home.join("bin")
}

/// `path` relative to the repository root, for messages.
pub fn relative(path: &Path) -> String {
    let root = cmd::root();
    path.strip_prefix(&root)
        .unwrap_or(path)
        .display()
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::lock_versions;

    #[test]
    fn lock_versions_reads_the_line_after_the_name() {
        let lock = "[[package]]\nname = \"wasm-bindgen\"\nversion = \"0.2.130\"\n\
                    [[package]]\nname = \"wasm-bindgen-macro\"\nversion = \"0.2.130\"\n";
        assert_eq!(lock_versions(lock, "wasm-bindgen"), ["0.2.130"]);
        assert!(lock_versions(lock, "trunk").is_empty());
    }
}
