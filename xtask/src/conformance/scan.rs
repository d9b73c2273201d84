//! Reading the statement lists, the reasons and the tests' doc comments.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use super::{Side, Statement, Version};

/// The tests naming each statement: `(version, id)` to `(side, file::test)`, in file order.
pub type Cited = BTreeMap<(Version, String), Vec<(Side, String)>>;

/// Why a statement does not apply to a side: `(version, id, side)` to the reason.
pub type Reasons = BTreeMap<(Version, String, Side), String>;

/// A file's text, or an error naming it.
pub fn read(path: &Path) -> Result<String, String> {
    fs::read_to_string(path).map_err(|e| format!("reading {}: {e}", path.display()))
}

/// The statements of a list (`id<TAB>binds<TAB>summary`, a header line first).
pub fn statements(tsv: &str) -> Vec<Statement> {
    tsv.lines()
        .skip(1)
        .filter_map(|line| {
            let mut cols = line.splitn(3, '\t');
            Some(Statement {
                id: cols.next()?.to_owned(),
                binds: cols.next()?.to_owned(),
                summary: cols.next()?.to_owned(),
            })
        })
        .collect()
}

/// Reasons a statement does not apply to a side: `version<TAB>id<TAB>sides<TAB>reason`
/// lines, version `5` or `3.1.1`, sides `client`, `broker` or `client,broker`; `#` starts
/// a comment line. A line that does not parse is an error, not a silent gap.
pub fn not_applicable(tsv: &str) -> Result<Reasons, String> {
    let mut out = Reasons::new();
    let lines = tsv.lines().enumerate();
    for (n, line) in lines.filter(|(_, l)| !l.starts_with('#') && !l.trim().is_empty()) {
        let bad = |what: &str| format!("not-applicable.tsv line {}: {what}", n + 1);
        let cols: Vec<&str> = line.splitn(4, '\t').collect();
        let [version, id, sides, reason] = cols[..] else {
            return Err(bad("expected version, id, sides and reason, tab-separated"));
        };
        let version = match version {
            "5" => Version::V5,
            "3.1.1" => Version::V311,
            _ => return Err(bad("the version is 5 or 3.1.1")),
        };
        for side in sides.split(',') {
            let side = match side {
                "client" => Side::Client,
                "broker" => Side::Broker,
                _ => return Err(bad("the sides are client, broker or client,broker")),
            };
            out.insert((version, id.to_owned(), side), reason.to_owned());
        }
    }
    Ok(out)
}

/// Every `.rs` file under `dirs`, sorted, as (path from `root`, text).
pub fn rust_files(root: &Path, dirs: &[&str]) -> Result<Vec<(String, String)>, String> {
    let mut files = Vec::new();
    for dir in dirs {
        walk(&root.join(dir), &mut files)?;
    }
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let name = p.strip_prefix(root).unwrap_or(&p).display().to_string();
            read(&p).map(|text| (name.replace('\\', "/"), text))
        })
        .collect()
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), String> {
    let entries = fs::read_dir(dir).map_err(|e| format!("reading {}: {e}", dir.display()))?;
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            walk(&path, out)?;
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
    Ok(())
}

/// The tests naming each statement, with the side of the file each test is in.
pub fn cited(files: &[(String, String)]) -> Cited {
    let mut out = Cited::new();
    for (file, text) in files {
        let side = Side::of(file);
        let mut pending: Vec<(Version, String)> = Vec::new();
        let mut is_test = false;
        for line in text.lines().map(str::trim) {
            if let Some(doc) = line.strip_prefix("///") {
                pending.extend(ids_in(doc));
            } else if is_test_attribute(line) {
                is_test = true;
            } else if let Some(name) = test_fn(line).filter(|_| is_test) {
                for key in pending.drain(..) {
                    out.entry(key)
                        .or_default()
                        .push((side, format!("{file}::{name}")));
                }
                is_test = false;
            } else if !line.starts_with("#[") {
                pending.clear();
                is_test = false;
            }
        }
    }
    out
}

/// `#[test]`, or an async runtime's test attribute (`#[tokio::test]`).
fn is_test_attribute(line: &str) -> bool {
    line == "#[test]" || (line.starts_with("#[") && line.contains("::test"))
}

/// The ids a doc comment line names, with their version (`3.1.1:` lines are 3.1.1).
fn ids_in(doc: &str) -> Vec<(Version, String)> {
    let doc = doc.trim();
    let (version, rest) = match doc.strip_prefix("3.1.1:") {
        Some(rest) => (Version::V311, rest),
        None => (Version::V5, doc),
    };
    rest.split('[')
        .skip(1)
        .filter_map(|s| s.split_once(']'))
        .map(|(id, _)| id)
        .filter(|id| id.starts_with("MQTT-"))
        .map(|id| (version, id.to_owned()))
        .collect()
}

/// The name of the function a line declares, if it is one.
fn test_fn(line: &str) -> Option<&str> {
    let rest = line
        .strip_prefix("fn ")
        .or_else(|| line.strip_prefix("async fn "))?;
    rest.split(['(', '<']).next().filter(|n| !n.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doc_comment_ids_go_to_the_next_test_by_version() {
        let file = "\
/// [MQTT-3.1.2-22] [MQTT-4.13.1-1]
/// 3.1.1: [MQTT-3.1.2-24]
#[test]
fn keep_alive_is_enforced() {}

/// [MQTT-1.5.4-1]
const NOT_A_TEST: u8 = 0;
#[test]
fn names_nothing() {}

/// [MQTT-1.5.4-2]
fn a_helper_is_not_a_test() {}
";
        let cited = cited(&[("t.rs".into(), file.into())]);
        let names = |v, id: &str| cited.get(&(v, id.to_owned())).cloned().unwrap_or_default();
        let keep_alive = [(Side::Client, "t.rs::keep_alive_is_enforced".to_owned())];
        assert_eq!(names(Version::V5, "MQTT-3.1.2-22"), keep_alive);
        assert_eq!(names(Version::V5, "MQTT-4.13.1-1"), keep_alive);
        assert_eq!(names(Version::V311, "MQTT-3.1.2-24"), keep_alive);
        assert!(names(Version::V5, "MQTT-3.1.2-24").is_empty());
        assert!(
            names(Version::V5, "MQTT-1.5.4-1").is_empty(),
            "a doc comment on a const"
        );
        assert!(names(Version::V5, "MQTT-1.5.4-2").is_empty(), "a helper");
    }

    #[test]
    fn a_test_counts_for_the_side_of_its_file() {
        for (file, side) in [
            ("crates/proto/src/codec/publish.rs", Side::Codec),
            ("crates/proto/src/client/tests/qos.rs", Side::Client),
            ("crates/cli/tests/interop_aedes.rs", Side::Client),
            ("crates/cli/src/driver/ws.rs", Side::Client),
            ("crates/cli/tests/broker_paho.rs", Side::Broker),
            ("crates/cli/src/broker/net.rs", Side::Broker),
            ("crates/broker/src/tests/qos.rs", Side::Broker),
        ] {
            assert_eq!(Side::of(file), side, "{file}");
        }
    }

    #[test]
    fn reasons_name_their_sides_and_bad_lines_are_errors() {
        let r = not_applicable("# c\n5\tMQTT-1\tclient,broker\twhy\n3.1.1\tMQTT-2\tbroker\tno\n")
            .unwrap();
        assert_eq!(r.len(), 3);
        assert_eq!(r[&(Version::V5, "MQTT-1".into(), Side::Broker)], "why");
        assert!(r.contains_key(&(Version::V311, "MQTT-2".into(), Side::Broker)));
        assert!(not_applicable("5\tMQTT-1\twhy\n").is_err(), "no sides");
        assert!(not_applicable("5\tMQTT-1\tcodec\twhy\n").is_err());
        assert!(not_applicable("4\tMQTT-1\tclient\twhy\n").is_err());
    }
}
