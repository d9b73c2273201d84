//! Payloads written by other ecosystems' libraries, cbor2 and msgpack for Python (PyPI, the
//! versions `cargo xtask setup` installs into `.tools/payload`), published through a real
//! mosquitto and decoded by `mqttscope sub --decode`; and `mqttscope pub --encode` read
//! back by the same libraries.

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
