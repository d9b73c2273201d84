//! Payloads written by other ecosystems' libraries, published through a real mosquitto and
//! decoded by `mqttscope sub --decode`; and `mqttscope pub --encode` read back by the same
//! libraries. The libraries are Python's (PyPI, the versions `cargo xtask setup` installs):
//! cbor2 and msgpack in `.tools/payload`; Google's protobuf runtime with classes protoc
//! (grpcio-tools) writes from `tests/brokers/proto/`, and pysparkplug, a Sparkplug B edge
//! node, in `.tools/protobuf`.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use common::{run_with_limit, Broker};

fn lib() -> PathBuf {
    let lib = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../.tools/payload");
    assert!(
        lib.join("cbor2").exists() && lib.join("msgpack").exists(),
        "cbor2 and msgpack are missing from .tools/payload: run `cargo xtask setup`"
    );
    lib
}

fn protobuf_lib() -> PathBuf {
    let lib = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../.tools/protobuf");
    assert!(
        lib.join("grpc_tools").exists() && lib.join("pysparkplug").exists(),
        "protobuf, grpcio-tools and pysparkplug are missing from .tools/protobuf: run `cargo xtask setup`"
    );
    lib
}

fn brokers_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/brokers")
}

/// `protobuf=<telemetry.proto>:factory.Reading`, the interop test's schema and type.
fn reading_spec() -> String {
    let proto = brokers_dir().join("proto/telemetry.proto");
    format!("protobuf={}:factory.Reading", proto.display())
}

/// Runs a Python script of `tests/brokers` with `lib` on its path; returns its output.
fn python(lib: &Path, script: &str, args: &[&str]) -> String {
    let mut py = Command::new("python3");
    py.env("PYTHONPATH", lib)
        .arg(brokers_dir().join(script))
        .args(args);
    let (ok, out, err) = run_with_limit(&mut py, Duration::from_secs(30));
    assert!(ok, "{script}: {out} {err}");
    out
}

fn scope() -> Command {
    Command::new(env!("CARGO_BIN_EXE_mqttscope"))
}

/// Starts `mqttscope sub -v --decode <decode>` on `filter` for `count` messages and waits
/// until its subscription is in place.
fn sub(b: &Broker, filter: &str, decode: &str, count: usize) -> std::process::Child {
    let mut c = scope();
    c.args([
        "sub",
        "--url",
        &b.url("tcp"),
        "-t",
        filter,
        "-v",
        "-W",
        "20",
    ])
    .args(["--decode", decode, "-C", &count.to_string()])
    .stdout(Stdio::piped())
    .stderr(Stdio::piped());
    let child = c.spawn().expect("mqttscope sub starts");
    // Time to connect and subscribe before anything is published (as pubsub_cli does).
    std::thread::sleep(Duration::from_millis(700));
    child
}

fn output(child: std::process::Child) -> Vec<String> {
    let out = child.wait_with_output().expect("mqttscope sub ends");
    let text = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(
        out.status.success(),
        "{text} {}",
        String::from_utf8_lossy(&out.stderr)
    );
    text.lines().map(String::from).collect()
}

#[test]
fn python_cbor2_and_msgpack_payloads_decode_exactly() {
    let b = Broker::start();
    let auto = sub(&b, "py/+", "auto", 4);
    let mut py = Command::new("python3");
    py.env("PYTHONPATH", lib())
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/brokers/payload_producer.py"))
        .args([&b.tcp.to_string(), "py"]);
    let (ok, out, err) = run_with_limit(&mut py, Duration::from_secs(20));
    assert!(ok, "producer: {out} {err}");
    let reading =
        r#"{"device": "th-1", "temp": 21.5, "ok": true, "ids": [1, -2, 300], "raw": h'00ff'}"#;
    assert_eq!(
        output(auto),
        [
            format!("py/cbor [cbor, likely] {reading}"),
            "py/cbor-tag [cbor, likely] 1(1700000000)".to_string(),
            format!("py/msgpack [msgpack, likely] {reading}"),
            "py/msgpack-ext [msgpack, likely] [ext(5, h'aa'), null, 1099511627776]".to_string(),
        ]
    );
}

#[test]
fn pub_encode_is_read_back_by_cbor2_and_msgpack() {
    let b = Broker::start();
    let json = r#"{"a": [1, -1, 1.5, "x", true, null]}"#;
    for (encoding, decode) in [("cbor", "hex"), ("msgpack", "hex")] {
        let topic = format!("enc/{encoding}");
        let s = sub(&b, &topic, decode, 1);
        let mut p = scope();
        p.args([
            "pub",
            "--url",
            &b.url("tcp"),
            "-t",
            &topic,
            "-m",
            json,
            "--encode",
            encoding,
        ]);
        let (ok, out, err) = run_with_limit(&mut p, Duration::from_secs(20));
        assert!(ok, "pub: {out} {err}");
        let lines = output(s);
        let hex = lines[0]
            .strip_prefix(&format!("{topic} "))
            .expect("topic prefix");
        let module = if encoding == "cbor" {
            "cbor2"
        } else {
            "msgpack"
        };
        let load = if encoding == "cbor" {
            "loads"
        } else {
            "unpackb"
        };
        let script = format!(
            "import json, {module}; print(json.dumps({module}.{load}(bytes.fromhex('{hex}'))))"
        );
        let mut py = Command::new("python3");
        py.env("PYTHONPATH", lib()).args(["-c", &script]);
        let (ok, out, err) = run_with_limit(&mut py, Duration::from_secs(20));
        assert!(ok, "{module}: {out} {err}");
        assert_eq!(
            out.trim(),
            r#"{"a": [1, -1, 1.5, "x", true, null]}"#,
            "{encoding}"
        );
    }
}

#[test]
fn python_protobuf_payloads_decode_with_the_schema() {
    let b = Broker::start();
    let s = sub(&b, "pb/+", &reading_spec(), 2);
    python(
        &protobuf_lib(),
        "protobuf_producer.py",
        &[&b.tcp.to_string(), "pb"],
    );
    let full = concat!(
        r#"{"sensor": "line-4/th-1", "offset": -3, "counter": -9000000000, "temperature": 21.5, "#,
        r#""pressure": 1013.25, "ok": true, "raw": h'00ff', "mode": "RUNNING", "#,
        r#""samples": [1, -2, 300], "flow": {"value": 3.25, "unit": "l/min"}, "#,
        r#""errors": {"jam": 2}, "tags": ["a", "ü"], "serial": 18446744073709551615}"#
    );
    assert_eq!(
        output(s),
        [
            format!("pb/full {full}"),
            r#"pb/stopped {"sensor": "line-4/th-2", "mode": "STOPPED"}"#.to_string(),
        ]
    );
}

#[test]
fn pub_encode_protobuf_is_read_by_python_protobuf() {
    let b = Broker::start();
    let json = r#"{"sensor": "s", "offset": -1, "counter": "-5", "mode": "STOPPED",
        "samples": [7, 8], "flow": {"value": 1.5, "unit": "bar"}, "errors": {"x": 1}}"#;
    let s = sub(&b, "enc/pb", "hex", 1);
    let mut p = scope();
    p.args(["pub", "--url", &b.url("tcp"), "-t", "enc/pb", "-m", json])
        .args(["--encode", &reading_spec()]);
    let (ok, out, err) = run_with_limit(&mut p, Duration::from_secs(20));
    assert!(ok, "pub: {out} {err}");
    let lines = output(s);
    let hex = lines[0].strip_prefix("enc/pb ").expect("topic prefix");
    let read = python(&protobuf_lib(), "protobuf_producer.py", &["--read", hex]);
    assert_eq!(
        read.trim(),
        concat!(
            r#"{"counter": "-5", "errors": {"x": 1}, "flow": {"unit": "bar", "value": 1.5}, "#,
            r#""mode": "STOPPED", "offset": -1, "samples": [7, 8], "sensor": "s"}"#
        )
    );
}

/// The Sparkplug B lines with the millisecond timestamps of the run replaced by `T`.
fn without_timestamps(lines: Vec<String>) -> Vec<String> {
    lines
        .into_iter()
        .map(|l| {
            let mut out = String::new();
            let mut rest = l.as_str();
            while let Some(at) = rest.find("\"timestamp\": ") {
                let (head, tail) = rest.split_at(at + "\"timestamp\": ".len());
                out.push_str(head);
                let digits = tail
                    .find(|c: char| !c.is_ascii_digit())
                    .unwrap_or(tail.len());
                out.push(if digits > 0 { 'T' } else { '?' });
                rest = &tail[digits..];
            }
            out.push_str(rest);
            out
        })
        .collect()
}

#[test]
fn a_pysparkplug_edge_node_is_followed_like_a_host_would() {
    let b = Broker::start();
    let s = sub(&b, "spBv1.0/#", "sparkplug", 5);
    python(
        &protobuf_lib(),
        "sparkplug_producer.py",
        &[&b.tcp.to_string()],
    );
    let metric = |name: &str, alias: &str, datatype: &str, value: &str| {
        let alias = match alias {
            "" => String::new(),
            a => format!(r#""alias": {a}, "#),
        };
        format!(
            r#"{{"name": "{name}", {alias}"timestamp": T, "datatype": "{datatype}", "value": {value}}}"#
        )
    };
    let payload = |metrics: &[String], seq: &str| {
        let seq = match seq {
            "" => String::new(),
            s => format!(r#", "seq": {s}"#),
        };
        format!(
            r#"{{"timestamp": T, "metrics": [{}]{seq}}}"#,
            metrics.join(", ")
        )
    };
    let node = "spBv1.0/plant/NBIRTH/gw1";
    let birth = [
        metric("Temperature", "1", "Float", "21.5"),
        metric("Level", "2", "Int8", "-1"),
        metric("Flags", "3", "BooleanArray", "[true, false, true]"),
        metric("bdSeq", "", "Int64", "0"),
    ];
    let device = [
        metric("Speed", "10", "Int16", "-300"),
        metric("Names", "11", "StringArray", r#"["a", "bc"]"#),
    ];
    assert_eq!(
        without_timestamps(output(s)),
        [
            format!("{node} {}", payload(&birth, "0")),
            format!("spBv1.0/plant/DBIRTH/gw1/pump {}", payload(&device, "1")),
            // Sent by alias alone: the name and data type come from the NBIRTH.
            format!(
                "spBv1.0/plant/NDATA/gw1 {}",
                payload(&[metric("Temperature", "1", "Float", "22.0")], "2")
            ),
            format!(
                "spBv1.0/plant/DDATA/gw1/pump {}  # {}",
                payload(&[metric("Speed", "10", "Int16", "5")], "4"),
                "sequence gap: expected seq 3, got 4 (1 missing or out of order)"
            ),
            // pysparkplug 0.6.1 prepares the next connection's will (bdSeq + 1) right after
            // its NBIRTH, and its clean NDEATH carries that one: a host ignores it.
            format!(
                "spBv1.0/plant/NDEATH/gw1 {}  # {}",
                payload(&[metric("bdSeq", "", "Int64", "1")], ""),
                "stale NDEATH: bdSeq 1, the current birth's is 0 (a host ignores it)"
            ),
        ]
    );
}
