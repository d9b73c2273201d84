//! `mqttscope broker` driven by paho-mqtt for Python (PyPI, the version `cargo xtask
//! setup` installs into `.tools/paho`) in MQTT 3.1.1 and 5.0 over TCP and WebSocket,
//! QoS 0, 1 and 2.

mod common;

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use common::{run_with_limit, ScopeBroker};

fn paho(b: &ScopeBroker, transport: &str, version: u8) -> serde_json::Value {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let lib = root.join(".tools/paho");
    assert!(
        lib.join("paho").exists(),
        "paho-mqtt is missing from .tools/paho: run `cargo xtask setup`"
    );
    let port = if transport == "websockets" {
        b.ws
    } else {
        b.tcp
    };
    let tag = format!("{transport}{version}");
    let mut python = Command::new("python3");
    python
        .env("PYTHONPATH", &lib)
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/brokers/paho_client.py"))
        .args([&port.to_string(), transport, &version.to_string(), &tag]);
    let (ok, out, err) = run_with_limit(&mut python, Duration::from_secs(20));
    assert!(ok, "paho {transport} v{version}: {out} {err}");
    serde_json::from_str(out.trim()).unwrap_or_else(|e| panic!("{e}: {out}"))
}

#[test]
fn paho_over_tcp_and_websocket_in_both_versions() {
    let b = ScopeBroker::start(&["--ws-path", "/mqtt"]);
    for transport in ["tcp", "websockets"] {
        for version in [4, 5] {
            let got = paho(&b, transport, version);
            let tag = format!("{transport}{version}");
            let want: Vec<serde_json::Value> = (0..3)
                .map(|q| serde_json::json!([format!("py/{tag}/{q}"), format!("m{q}")]))
                .collect();
            assert_eq!(got["received"], serde_json::Value::Array(want), "{tag}");
        }
    }
}
