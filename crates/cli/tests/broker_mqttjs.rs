//! `mqttscope broker` driven by MQTT.js (the `mqtt` npm package pinned in
//! `tests/brokers/package-lock.json`) in MQTT 3.1.1 and 5.0 over TCP and WebSocket:
//! QoS 0, 1 and 2 both ways, and Topic Aliases assigned by the broker (`--topic-aliases`)
//! and resolved by MQTT.js.

mod common;

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use common::{run_with_limit, ScopeBroker};

/// Runs `tests/brokers/mqttjs_client.mjs` and returns its JSON line.
fn mqttjs(url: &str, version: u8, tag: &str) -> serde_json::Value {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/brokers");
    assert!(
        dir.join("node_modules/mqtt").exists(),
        "run `npm ci` in {} (cargo xtask test does)",
        dir.display()
    );
    let mut node = Command::new("node");
    node.arg(dir.join("mqttjs_client.mjs"))
        .args([url, &version.to_string(), tag]);
    let (ok, out, err) = run_with_limit(&mut node, Duration::from_secs(20));
    assert!(ok, "MQTT.js {url} v{version}: {out} {err}");
    serde_json::from_str(out.trim()).unwrap_or_else(|e| panic!("{e}: {out}"))
}

/// Checks that every message arrived. With `aliased_qos2`, MQTT.js 5.10.1 reports the
/// QoS 2 messages that came with a Topic Alias alone under the empty topic: it emits a
/// QoS 2 message on PUBREL from the packet it stored, whose topic it never filled in (its
/// QoS 0 and 1 path does). Those are checked by payload.
fn check_messages(got: &serde_json::Value, tag: &str, aliased_qos2: bool) {
    let mut received: Vec<(String, String)> = got["received"]
        .as_array()
        .expect("received")
        .iter()
        .map(|m| (m[0].as_str().unwrap().into(), m[1].as_str().unwrap().into()))
        .map(|(topic, payload): (String, String)| {
            if aliased_qos2 && topic.is_empty() && payload.starts_with("m2.") {
                (format!("js/{tag}/2"), payload)
            } else {
                (topic, payload)
            }
        })
        .collect();
    received.sort();
    let mut want = Vec::new();
    for qos in 0..3 {
        for n in 0..3 {
            want.push((format!("js/{tag}/{qos}"), format!("m{qos}.{n}")));
        }
    }
    assert_eq!(received, want, "{tag}");
}

#[test]
fn mqttjs_over_tcp_and_websocket_in_both_versions() {
    let b = ScopeBroker::start(&[]);
    for (transport, url) in [
        ("tcp", format!("mqtt://127.0.0.1:{}", b.tcp)),
        ("ws", format!("ws://127.0.0.1:{}/mqtt", b.ws)),
    ] {
        for version in [4, 5] {
            let tag = format!("{transport}{version}");
            let got = mqttjs(&url, version, &tag);
            check_messages(&got, &tag, false);
            assert_eq!(got["aliases"], 0, "no aliases unless --topic-aliases");
        }
    }
}

#[test]
fn mqttjs_resolves_the_topic_aliases_the_broker_assigns() {
    let b = ScopeBroker::start(&["--topic-aliases"]);
    for (transport, url) in [
        ("tcp", format!("mqtt://127.0.0.1:{}", b.tcp)),
        ("ws", format!("ws://127.0.0.1:{}/", b.ws)),
    ] {
        let tag = format!("alias-{transport}");
        let got = mqttjs(&url, 5, &tag);
        check_messages(&got, &tag, true);
        // Three topics, three messages each: every PUBLISH carries an alias, and the
        // second and third on each topic carry the alias alone.
        assert_eq!(got["aliases"], 9, "{got}");
        assert_eq!(got["aliasOnly"], 6, "{got}");
    }
}
