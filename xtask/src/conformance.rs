//! `cargo xtask conformance [--check]`: the conformance table, `docs/CONFORMANCE.md`,
//! generated from the tests.
//!
//! Every normative statement of MQTT 5.0 and 3.1.1 (`docs/spec/normative-v5.tsv`,
//! `normative-v311.tsv`, copied from the specifications' Appendix B lists) gets a row, by
//! whom it binds: a client, the transport, a receiver, a sender, both sides, or a server.
//! A test names the statements it shows in a doc comment line above it: `/// [MQTT-3.1.2-22]`
//! for 5.0 ids, `/// 3.1.1: [MQTT-3.1.2-24]` for 3.1.1 ids (the two versions number
//! differently).
//!
//! A test counts for the side whose code it exercises, by its file ([`Side`]): the client
//! core (`crates/proto/src/client`, the CLI's driver and its interop tests), the broker
//! (`crates/broker`, the CLI's broker and its tests) or the codec both of them use
//! (`crates/proto/src/codec`), which counts for either. Each statement must be shown by a
//! test of every side it binds ([`needs`]), or that side must be explained in
//! `docs/spec/not-applicable.tsv`; the command fails otherwise. `--check` also fails when
//! the committed table is not what the tests say today, so the table cannot drift.

mod scan;
mod table;

use std::fs;
use std::path::Path;

use crate::cmd;
pub use scan::{cited, not_applicable, statements};

/// The folders whose Rust files hold the tests that name statements.
const TEST_DIRS: &[&str] = &[
    "crates/broker/src",
    "crates/proto/src",
    "crates/cli/src",
    "crates/cli/tests",
];

/// The specification versions, with their statement lists.
const VERSIONS: &[(Version, &str)] = &[
    (Version::V5, "normative-v5.tsv"),
    (Version::V311, "normative-v311.tsv"),
];

/// Which list an id belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Version {
    /// MQTT 5.0.
    V5,
    /// MQTT 3.1.1.
    V311,
}

impl Version {
    fn label(self) -> &'static str {
        match self {
            Version::V5 => "MQTT 5.0",
            Version::V311 => "MQTT 3.1.1",
        }
    }
}

/// Whose code a test exercises, decided by the file it is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Side {
    /// The codec and dissector (`crates/proto` outside `client/`), which both the client
    /// and the broker encode and decode with: its tests count for either side.
    Codec,
    /// The client core (`crates/proto/src/client`), the CLI's driver and client commands,
    /// and the interop tests of our client against real brokers.
    Client,
    /// The broker (`crates/broker`, `crates/cli/src/broker`) and the tests of
    /// `mqttscope broker` with real clients (`crates/cli/tests/broker_*.rs`).
    Broker,
}

impl Side {
    /// The side of the tests in `file` (a path from the repository root).
    pub fn of(file: &str) -> Side {
        let broker = [
            "crates/broker/",
            "crates/cli/src/broker/",
            "crates/cli/tests/broker_",
        ];
        if broker.iter().any(|p| file.starts_with(p)) {
            Side::Broker
        } else if file.starts_with("crates/proto/") && !file.starts_with("crates/proto/src/client/")
        {
            Side::Codec
        } else {
            Side::Client
        }
    }
}

/// The sides that must show (or explain) a statement, by whom it binds: a server's duty is
/// the broker's (a client's check of it counts too), a client's or the transport's the
/// client core's, and a rule for a receiver, a sender or both binds the client core and
/// the broker alike (each is a receiver and a sender; the codec's tests count for both).
pub fn needs(binds: &str) -> &'static [Side] {
    match binds {
        "server" => &[Side::Broker],
        "receiver" | "sender" | "both" => &[Side::Client, Side::Broker],
        _ => &[Side::Client],
    }
}

/// One normative statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    id: String,
    binds: String,
    summary: String,
}

/// `cargo xtask conformance [--check]`.
pub fn run(args: &[String]) -> Result<(), String> {
    let root = cmd::root();
    let (text, open) = generate(&root)?;
    let path = root.join("docs").join("CONFORMANCE.md");
    match args.first().map(String::as_str) {
        Some("--check") => {
            let committed = fs::read_to_string(&path).unwrap_or_default();
            if committed != text {
                return Err(
                    "docs/CONFORMANCE.md is not what the tests say: run `cargo xtask conformance`"
                        .into(),
                );
            }
        }
        None => fs::write(&path, &text).map_err(|e| format!("writing {}: {e}", path.display()))?,
        Some(other) => {
            return Err(format!(
                "unknown argument {other}: expected --check or nothing"
            ))
        }
    }
    fail_on_open(&open)
}

/// An error listing the statements neither shown by a test nor explained, if any.
fn fail_on_open(open: &[String]) -> Result<(), String> {
    if open.is_empty() {
        return Ok(());
    }
    Err(format!(
        "{} statements are neither shown by a test nor explained in docs/spec/not-applicable.tsv:\n  {}",
        open.len(),
        open.join("\n  ")
    ))
}

/// The table, from the statement lists, the tests and the reasons, and the statements
/// left open (`version id side`).
pub fn generate(root: &Path) -> Result<(String, Vec<String>), String> {
    let spec = root.join("docs").join("spec");
    let tests = cited(&scan::rust_files(root, TEST_DIRS)?);
    let reasons = not_applicable(&scan::read(&spec.join("not-applicable.tsv"))?)?;
    let mut out = String::from(table::HEADER);
    let mut open = Vec::new();
    for (version, file) in VERSIONS {
        let statements = statements(&scan::read(&spec.join(file))?);
        let section = table::section(*version, &statements, &tests, &reasons);
        out.push_str(&section.text);
        open.extend(section.open);
    }
    Ok((out, open))
}
