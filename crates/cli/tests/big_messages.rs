//! Big payloads and the receive limit, as real processes against a real mosquitto:
//! `mqttscope pub -f` of 5 MiB, a retained 2 MB message from `mosquitto_pub`, and what
//! `--packets` shows of a password.

mod common;

use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::Duration;

use common::{Broker, TempDir};

fn mqttscope() -> Command {
    Command::new(env!("CARGO_BIN_EXE_mqttscope"))
}

/// `n` bytes that are not all alike (so that a shifted or truncated copy differs).
fn payload(n: usize) -> Vec<u8> {
    (0..n).map(|i| (i * 7 % 251) as u8).collect()
}

fn temp(name: &str) -> TempDir {
    let dir = std::env::temp_dir().join(format!("mqttscope-big-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    TempDir(dir)
}

/// `mosquitto_sub` waiting for one message on `topic`, printed without a newline.
fn mosquitto_sub(broker: &Broker, topic: &str) -> Child {
    let child = Command::new("mosquitto_sub")
        .args(["-h", "127.0.0.1", "-p", &broker.tcp.to_string()])
        .args(["-t", topic, "-C", "1", "-N", "-W", "30"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("mosquitto_sub is installed (cargo xtask test installs it)");
    std::thread::sleep(Duration::from_millis(400));
    child
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn a_5_mib_file_published_by_mqttscope_reaches_mosquitto_sub_byte_for_byte() {
    let broker = Broker::start();
    let dir = temp("pub");
    let file = dir.0.join("big.bin");
    let data = payload(5 << 20);
    std::fs::write(&file, &data).unwrap();
    // MQTT 3.1.1 over TCP and MQTT 5 over WebSocket.
    for (version, url) in [("4", broker.url("tcp")), ("5", broker.url("ws"))] {
        let topic = format!("big/{version}");
        let sub = mosquitto_sub(&broker, &topic);
        let out = mqttscope()
            .args([
                "pub", "--url", &url, "-V", version, "-t", &topic, "-q", "1", "-f",
            ])
            .arg(&file)
            .output()
            .unwrap();
        assert!(out.status.success(), "pub -V {version}: {}", stderr(&out));
        let got = sub.wait_with_output().unwrap();
        assert!(got.status.success(), "mosquitto_sub: {}", stderr(&got));
        assert_eq!(got.stdout.len(), data.len(), "-V {version}");
        assert!(got.stdout == data, "-V {version}: the bytes differ");
    }
}

/// `mosquitto_pub -r -f` of `size` bytes to `topic`.
fn retain(broker: &Broker, dir: &Path, topic: &str, size: usize) -> Vec<u8> {
    let file = dir.join("retained.bin");
    let data = payload(size);
    std::fs::write(&file, &data).unwrap();
    let status = Command::new("mosquitto_pub")
        .args(["-h", "127.0.0.1", "-p", &broker.tcp.to_string()])
        .args(["-t", topic, "-r", "-q", "1", "-f"])
        .arg(&file)
        .status()
        .unwrap();
    assert!(status.success());
    data
}

fn sub(broker: &Broker, version: &str, extra: &[&str]) -> Output {
    mqttscope()
        .args(["sub", "--url", &broker.url("tcp"), "-V", version])
        .args(["-t", "home/poison", "-C", "1", "-W", "5"])
        .args(extra)
        .output()
        .unwrap()
}

#[test]
fn a_retained_2_mb_message_is_received_or_refused_by_our_limit_not_blamed_on_the_broker() {
    let broker = Broker::start();
    let dir = temp("retained");
    let data = retain(&broker, &dir.0, "home/poison", 2_000_000);
    // The CLI's default limit is the largest MQTT packet: the message arrives whole.
    for version in ["4", "5"] {
        let out = sub(&broker, version, &[]);
        assert!(out.status.success(), "-V {version}: {}", stderr(&out));
        assert_eq!(out.stdout.len(), data.len() + 1, "-V {version}");
        assert!(out.stdout[..data.len()] == data[..]);
    }
    // MQTT 3.1.1 cannot announce a smaller limit: the connection ends, and the report
    // says it is our limit, with what to do.
    let out = sub(&broker, "4", &["--receive-limit", "1000000"]);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(
        err.contains("over this client's receive limit of 1000000 bytes"),
        "{err}"
    );
    assert!(
        err.contains("--receive-limit") && !err.contains("broke a rule"),
        "{err}"
    );
    // MQTT 5 announces it as Maximum Packet Size: mosquitto does not send the message,
    // and the connection stays up until the wait is over.
    let out = sub(&broker, "5", &["--receive-limit", "1000000"]);
    let err = stderr(&out);
    assert!(out.stdout.is_empty());
    assert!(err.contains("timed out after 0 message(s)"), "{err}");
}

#[test]
fn packets_masks_the_password_unless_asked() {
    let broker = Broker::start();
    let run = |extra: &[&str]| {
        let out = mqttscope()
            .args([
                "pub",
                "--url",
                &broker.url("tcp"),
                "-V",
                "4",
                "-t",
                "t",
                "-m",
                "x",
            ])
            .args(["-u", "alice", "-P", "s3cretpw", "--packets"])
            .args(extra)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
        stderr(&out)
    };
    let masked = run(&[]);
    assert!(masked.contains("CONNECT"), "{masked}");
    assert!(
        !masked.contains("s3cretpw") && masked.contains("********"),
        "{masked}"
    );
    let shown = run(&["--show-secrets"]);
    assert!(shown.contains("s3cretpw"), "{shown}");
}
