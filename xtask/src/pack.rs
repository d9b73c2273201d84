//! `cargo xtask pack`: builds the npm package `mqttscope` into `pkg/` (gitignored;
//! not under `dist/`, which every Trunk build of the app empties).
//!
//! The package is `npm/` (package.json, README, each entry's hand-written JavaScript and
//! TypeScript declarations) plus each entry's wasm module, built from its glue crate with
//! wasm-bindgen (`--target web`: ES modules, no bundler needed) and shrunk by wasm-opt.
//! Install it with `npm install pkg` or from the tarball `npm pack pkg` writes.
//! The JavaScript is minified with terser (the readable sources are `npm/`; the declarations
//! carry the documentation). Prints each file's size and each entry's total, gzip -9, as a
//! browser loads it.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::{cmd, test, tools};

/// One entry point of the package: its folder, the crate whose wasm module it loads (if it
/// has one of its own), and what a browser loads for it.
struct Entry {
    /// The subpath users import: `mqttscope/dissect`.
    name: &'static str,
    /// Its folder in the package.
    dir: &'static str,
    /// Its own wasm module, if any (an entry written in JavaScript over others has none).
    wasm: Option<Wasm>,
    /// The files a browser loads for it, relative to the package (an entry over another
    /// lists that one's files too).
    loads: &'static [&'static str],
}

/// A glue crate built to a wasm module.
struct Wasm {
    /// The crate (`cargo build -p`).
    package: &'static str,
    /// The crate's library name, or its binary's when `bin`: the wasm file's and
    /// wasm-bindgen's output's stem.
    lib: &'static str,
    /// Whether `lib` names a binary target (`cargo build --bin`) rather than the library.
    bin: bool,
}

/// What a browser loads for the client entry.
const CLIENT_LOADS: [&str; 8] = [
    "client/index.js",
    "client/errors.js",
    "client/options.js",
    "client/worker.js",
    "client/driver.js",
    "client/sandbox-socket.js",
    "client/wasm/mqttscope_client.js",
    "client/wasm/mqttscope_client_bg.wasm",
];

/// What a browser loads for the compat entry: its own modules over the client entry's.
const COMPAT_LOADS: [&str; 13] = [
    "compat/index.js",
    "compat/client.js",
    "compat/emitter.js",
    "compat/options.js",
    "compat/packets.js",
    CLIENT_LOADS[0],
    CLIENT_LOADS[1],
    CLIENT_LOADS[2],
    CLIENT_LOADS[3],
    CLIENT_LOADS[4],
    CLIENT_LOADS[5],
    CLIENT_LOADS[6],
    CLIENT_LOADS[7],
];

/// What a browser loads for the elements entry: its own modules, and the client entry's
/// (whose `Client` the bound elements take). Not counted: the dissector's files (the
/// `mqttscope/dissect` entry's line), which `<mqtt-packet>` imports on first use only.
const ELEMENTS_LOADS: [&str; 20] = [
    "elements/index.js",
    "elements/shared.js",
    "elements/binding.js",
    "elements/windowed.js",
    "elements/messages.js",
    "elements/tree.js",
    "elements/topic-tree.js",
    "elements/json-path.js",
    "elements/value.js",
    "elements/packet.js",
    "elements/packet-view.js",
    "elements/scope.js",
    CLIENT_LOADS[0],
    CLIENT_LOADS[1],
    CLIENT_LOADS[2],
    CLIENT_LOADS[3],
    CLIENT_LOADS[4],
    CLIENT_LOADS[5],
    CLIENT_LOADS[6],
    CLIENT_LOADS[7],
];

/// Every entry of the package.
const ENTRIES: &[Entry] = &[
    Entry {
        name: "mqttscope",
        dir: "client",
        wasm: Some(Wasm {
            package: "mqttscope-js-client",
            lib: "mqttscope_client",
            bin: false,
        }),
        loads: &CLIENT_LOADS,
    },
    Entry {
        name: "mqttscope/dissect",
        dir: "dissect",
        wasm: Some(Wasm {
            package: "mqttscope-js-dissect",
            lib: "mqttscope_dissect",
            bin: false,
        }),
        loads: &[
            "dissect/index.js",
            "dissect/core.js",
            "shared/load.js",
            "dissect/wasm/mqttscope_dissect.js",
            "dissect/wasm/mqttscope_dissect_bg.wasm",
        ],
    },
    Entry {
        name: "mqttscope/doctor",
        dir: "doctor",
        wasm: Some(Wasm {
            package: "mqttscope-js-doctor",
            lib: "mqttscope_js_doctor",
            bin: false,
        }),
        loads: &[
            "doctor/index.js",
            "doctor/core.js",
            "shared/load.js",
            "client/errors.js",
            "doctor/wasm/mqttscope_js_doctor.js",
            "doctor/wasm/mqttscope_js_doctor_bg.wasm",
        ],
    },
    Entry {
        name: "mqttscope/compat",
        dir: "compat",
        wasm: None,
        loads: &COMPAT_LOADS,
    },
    Entry {
        name: "mqttscope/elements",
        dir: "elements",
        wasm: None,
        loads: &ELEMENTS_LOADS,
    },
    // Not an entry users import: what the client loads on its first sandbox:// connection,
    // the page's sandbox broker (crates/sandbox's worker binary, whose wasm-bindgen exports
    // the hub calls).
    Entry {
        name: "sandbox:// (on the first sandbox connection)",
        dir: "sandbox",
        wasm: Some(Wasm {
            package: "mqttscope-sandbox",
            lib: "mqttscope-sandbox",
            bin: true,
        }),
        loads: &[
            "sandbox/index.js",
            "sandbox/sandbox-worker.js",
            "sandbox/sandbox-hub.js",
            "sandbox/wasm/mqttscope-sandbox.js",
            "sandbox/wasm/mqttscope-sandbox_bg.wasm",
        ],
    },
];

/// The wasm features rustc's wasm32 target emits, which wasm-opt must accept and keep.
const WASM_FEATURES: &[&str] = &[
    "--enable-bulk-memory",
    "--enable-nontrapping-float-to-int",
    "--enable-sign-ext",
    "--enable-mutable-globals",
    "--enable-reference-types",
    "--enable-multivalue",
];

/// `cargo xtask pack [--out DIR] [--no-app]`.
pub fn run(args: &[String]) -> Result<(), String> {
    let mut out = cmd::root().join("pkg");
    let mut with_app = true;
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        match arg.as_str() {
            "--out" => out = PathBuf::from(rest.next().ok_or("`--out` needs a folder")?),
            "--no-app" => with_app = false,
            _ => {
                return Err(format!(
                    "`pack` takes `--out DIR` and `--no-app`, got `{}`",
                    args.join(" ")
                ))
            }
        }
    }
    build(&out)?;
    if with_app {
        add_app(&out)?;
    }
    print_sizes(&out)
}

/// Puts the page into the package's `app/` folder, for `<mqtt-scope>`: `dist/` as this
/// process built it (the test run's e2e tier), else built now.
pub fn add_app(out: &Path) -> Result<(), String> {
    if !crate::serve::built_this_run() {
        crate::serve::trunk_build()?;
    }
    copy_dir(&cmd::root().join("dist"), &out.join("app"))?;
    println!("pack: the page is in {}", tools::relative(&out.join("app")));
    Ok(())
}

/// Builds the package's entries into `out` (emptied first; `pkg/` in the tests), without
/// the page (see [`add_app`]).
pub fn build(out: &Path) -> Result<(), String> {
    tools::setup_pack()?;
    tools::terser()?;
    let out = out.to_path_buf();
    if out.exists() {
        fs::remove_dir_all(&out).map_err(|e| format!("removing {}: {e}", out.display()))?;
    }
    copy_dir(&cmd::root().join("npm"), &out)?;
    for entry in ENTRIES {
        if let Some(wasm) = &entry.wasm {
            build_wasm(wasm, &out.join(entry.dir).join("wasm"))?;
        }
        minify(&out.join(entry.dir))?;
    }
    // What several entries import (`shared/load.js`).
    minify(&out.join("shared"))?;
    println!("pack: the package is in {}", tools::relative(&out));
    Ok(())
}

/// Builds `wasm`'s crate for wasm32, runs wasm-bindgen into `wasm_dir`, then wasm-opt.
fn build_wasm(wasm: &Wasm, wasm_dir: &Path) -> Result<(), String> {
    let mut build = vec![
        "build",
        "-p",
        wasm.package,
        "--target",
        "wasm32-unknown-unknown",
        "--release",
    ];
    if wasm.bin {
        build.extend(["--bin", wasm.lib]);
    }
    cmd::run(&mut cmd::cargo(&build))?;
    let built = test::target_dir()
        .join("wasm32-unknown-unknown")
        .join("release")
        .join(format!("{}.wasm", wasm.lib));
    let mut bindgen = cmd::command("wasm-bindgen");
    bindgen
        .args(["--target", "web", "--out-dir"])
        .arg(wasm_dir)
        .arg(&built);
    cmd::run(&mut bindgen)?;
    let module = wasm_dir.join(format!("{}_bg.wasm", wasm.lib));
    let mut opt = cmd::command("wasm-opt");
    opt.args(["-Oz", "--strip-debug", "--strip-producers"])
        .args(WASM_FEATURES)
        .arg(&module)
        .arg("-o")
        .arg(&module);
    cmd::run(&mut opt)
}

/// Minifies every JavaScript file under `dir` in place: ES modules, class names kept (the
/// error classes' `name` is their class's).
fn minify(dir: &Path) -> Result<(), String> {
    let terser = cmd::root()
        .join(".tools")
        .join("terser")
        .join("node_modules")
        .join(".bin")
        .join("terser");
    for file in files(dir)?
        .into_iter()
        .filter(|f| f.extension().is_some_and(|e| e == "js"))
    {
        let mut c = Command::new(&terser);
        c.arg(&file)
            .args([
                "--module",
                "--compress",
                "passes=2",
                "--mangle",
                "--keep-classnames",
            ])
            .args(["--comments", "false", "-o"])
            .arg(&file);
        cmd::run(&mut c)?;
    }
    Ok(())
}

/// Copies the folder `from` to `to`, recursively.
fn copy_dir(from: &Path, to: &Path) -> Result<(), String> {
    fs::create_dir_all(to).map_err(|e| format!("creating {}: {e}", to.display()))?;
    let entries = fs::read_dir(from).map_err(|e| format!("reading {}: {e}", from.display()))?;
    for item in entries {
        let item = item.map_err(|e| format!("reading {}: {e}", from.display()))?;
        let (src, dst) = (item.path(), to.join(item.file_name()));
        if src.is_dir() {
            copy_dir(&src, &dst)?;
        } else {
            fs::copy(&src, &dst).map_err(|e| format!("copying {}: {e}", src.display()))?;
        }
    }
    Ok(())
}

/// Prints every file of the package with its size and gzip -9 size, then each entry's
/// total of what a browser loads for it.
fn print_sizes(out: &Path) -> Result<(), String> {
    println!("\n{:>9} {:>9}  file", "bytes", "gzip -9");
    for file in files(out)? {
        let (raw, gz) = sizes(&file)?;
        println!("{raw:>9} {gz:>9}  {}", tools::relative(&file));
    }
    for entry in ENTRIES {
        let mut total = (0, 0);
        for file in entry.loads {
            let (raw, gz) = sizes(&out.join(file))?;
            total = (total.0 + raw, total.1 + gz);
        }
        println!(
            "entry {}: {} bytes, {:.1} kB gzip -9 (JS + wasm: {})",
            entry.name,
            total.0,
            total.1 as f64 / 1000.0,
            entry.loads.join(", ")
        );
    }
    Ok(())
}

/// Every file under `dir`, sorted.
fn files(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let mut out = Vec::new();
    let entries = fs::read_dir(dir).map_err(|e| format!("reading {}: {e}", dir.display()))?;
    for item in entries {
        let path = item
            .map_err(|e| format!("reading {}: {e}", dir.display()))?
            .path();
        if path.is_dir() {
            out.extend(files(&path)?);
        } else {
            out.push(path);
        }
    }
    out.sort();
    Ok(out)
}

/// The size of `file` and of its `gzip -9` output.
fn sizes(file: &Path) -> Result<(u64, u64), String> {
    let raw = fs::metadata(file)
        .map_err(|e| format!("reading {}: {e}", file.display()))?
        .len();
    let gz = Command::new("gzip")
        .args(["-9", "-c"])
        .arg(file)
        .output()
        .map_err(|e| format!("running gzip: {e}"))?;
    if !gz.status.success() {
        return Err(format!("gzip -9 {} failed", file.display()));
    }
    Ok((raw, gz.stdout.len() as u64))
}
