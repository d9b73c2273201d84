//! MQTT 5 enhanced authentication with SCRAM between our own processes on loopback:
//! `mqttscope broker --scram-user` and `mqttscope pub` / `sub --auth scram-sha-256|512`.
//! A right password connects and delivers, a wrong one is refused with 0x87, and no
//! password shows in the broker's log.

mod common;

use std::process::{Command, Stdio};
use std::time::Duration;

use common::{run_with_limit, ScopeBroker};

fn mqttscope() -> Command {
    Command::new(env!("CARGO_BIN_EXE_mqttscope"))
}

/// `mqttscope pub` to `b` over TCP with `args`: (success, stdout, stderr).
fn publish(b: &ScopeBroker, args: &[&str]) -> (bool, String, String) {
    let mut p = mqttscope();
    p.args(["pub", "-p", &b.tcp.to_string(), "-t", "scram/t"])
        .args(args);
    run_with_limit(&mut p, Duration::from_secs(20))
}

#[test]
fn scram_users_connect_and_deliver_and_a_wrong_password_is_refused() {
    let b = ScopeBroker::start(&["--scram-user", "alice:s3cret:x", "--packets"]);
    let sub = mqttscope()
        .args([
            "sub",
            "-p",
            &b.tcp.to_string(),
            "-i",
            "scram-sub",
            "-t",
            "scram/#",
        ])
        .args(["--auth", "scram-sha-512", "-u", "alice", "-P", "s3cret:x"])
        .args(["-v", "-C", "1", "-W", "20"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    b.wait_log("\"scram-sub\" --> SUBACK");
    let sha256 = ["--auth", "scram-sha-256", "-u", "alice", "-P", "s3cret:x"];
    let (ok, _, err) = publish(&b, &[&sha256[..], &["-m", "hello"]].concat());
    assert!(ok, "{err}");
    let out = sub.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout), "scram/t hello\n");
    b.wait_log("--> AUTH");
    let (ok, _, err) = publish(
        &b,
        &[
            "--auth",
            "scram-sha-256",
            "-u",
            "alice",
            "-P",
            "wrong",
            "-m",
            "no",
        ],
    );
    assert!(!ok && err.contains("Not authorized"), "{err}");
    b.wait_log("SCRAM-SHA-256 authentication failed: wrong proof for \"alice\"");
    let (ok, _, err) = publish(&b, &["-u", "alice", "-P", "s3cret:x", "-m", "plain"]);
    assert!(!ok, "a SCRAM user is no plain user: {err}");
    let (ok, _, err) = publish(&b, &["-m", "anonymous"]);
    assert!(!ok, "anonymous refused once SCRAM users exist: {err}");
    let log = b.log().join("\n");
    assert!(!log.contains("s3cret"), "no password in the log: {log}");
}

#[test]
fn auth_needs_mqtt_5_and_credentials_and_a_broker_without_scram_users_refuses_it() {
    let b = ScopeBroker::start(&[]);
    let (ok, _, err) = publish(
        &b,
        &["--auth", "scram-sha-256", "-u", "a", "-P", "b", "-m", "x"],
    );
    assert!(!ok && err.contains("Bad authentication method"), "{err}");
    let (ok, _, err) = publish(&b, &["--auth", "scram-sha-256", "-u", "a", "-m", "x"]);
    assert!(!ok && err.contains("-P"), "{err}");
    let v4 = [
        "--auth",
        "scram-sha-256",
        "-u",
        "a",
        "-P",
        "b",
        "-V",
        "4",
        "-m",
        "x",
    ];
    let (ok, _, err) = publish(&b, &v4);
    assert!(!ok && err.contains("MQTT 5"), "{err}");
}
