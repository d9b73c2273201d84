//! `mqttscope pub` and `mqttscope sub` as real processes against a real mosquitto.

mod common;

use std::process::{Command, Stdio};
use std::time::Duration;

use common::Broker;

fn mqttscope() -> Command {
    Command::new(env!("CARGO_BIN_EXE_mqttscope"))
}

#[test]
fn sub_prints_what_pub_publishes_over_tcp_and_websocket() {
    let broker = Broker::start();
    for (version, url) in [("4", broker.url("tcp")), ("5", broker.url("ws"))] {
        let topic = format!("cli/{version}");
        let sub = mqttscope()
            .args([
                "sub", "--url", &url, "-V", version, "-t", "cli/#", "-q", "1", "-v", "-C", "2",
                "-W", "10",
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(300));
        for (i, qos) in ["0", "2"].iter().enumerate() {
            let status = mqttscope()
                .args([
                    "pub",
                    "--url",
                    &url,
                    "-V",
                    version,
                    "-t",
                    &topic,
                    "-m",
                    &format!("m{i}"),
                    "-q",
                    qos,
                ])
                .status()
                .unwrap();
            assert!(status.success(), "pub {version} {qos}");
        }
        let out = sub.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "sub: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(
            String::from_utf8_lossy(&out.stdout),
            format!("{topic} m0\n{topic} m1\n")
        );
    }
}

#[test]
fn packets_shows_each_packet_s_dissection() {
    let broker = Broker::start();
    let out = mqttscope()
        .args([
            "pub",
            "--url",
            &broker.url("tcp"),
            "-t",
            "cli/p",
            "-m",
            "x",
            "-q",
            "1",
            "--packets",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    for line in [
        "--> CONNECT",
        "<-- CONNACK",
        "--> PUBLISH",
        "<-- PUBACK",
        "--> DISCONNECT",
        "Packet Identifier: 1",
    ] {
        assert!(err.contains(line), "missing {line:?} in:\n{err}");
    }
}

#[test]
fn failures_exit_non_zero_and_say_why() {
    let broker = Broker::start();
    // Nothing listens on this port.
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let out = mqttscope()
        .args(["pub", "-p", &closed.to_string(), "-t", "a", "-m", "b"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("cannot connect"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // A wildcard in a topic name is refused before anything is sent.
    let out = mqttscope()
        .args(["pub", "--url", &broker.url("tcp"), "-t", "a/+", "-m", "b"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("[MQTT-3.3.2-2]"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // MQTT 3.1 without a client id is refused by mosquitto; the CLI generates one.
    let out = mqttscope()
        .args([
            "pub",
            "--url",
            &broker.url("tcp"),
            "-V",
            "3",
            "-t",
            "a",
            "-m",
            "b",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn sub_with_a_kept_session_prints_what_arrived_while_away() {
    let broker = Broker::start();
    let url = broker.url("tcp");
    let sub = [
        "sub", "--url", &url, "-V", "4", "-c", "-i", "cli-kept", "-t", "cli/kept", "-q", "1",
    ];
    // First visit: create the session (and leave after a second without messages).
    let out = mqttscope().args(sub).args(["-W", "1"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "timed out on purpose");
    for m in ["a", "b"] {
        assert!(mqttscope()
            .args(["pub", "--url", &url, "-t", "cli/kept", "-m", m, "-q", "1"])
            .status()
            .unwrap()
            .success());
    }
    let out = mqttscope()
        .args(sub)
        .args(["-C", "2", "-W", "5"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout), "a\nb\n");
}

#[test]
fn pub_l_sends_each_line_of_stdin_as_a_message() {
    use std::io::Write;
    let broker = Broker::start();
    let url = broker.url("tcp");
    let sub = mqttscope()
        .args([
            "sub",
            "--url",
            &url,
            "-t",
            "cli/lines",
            "-q",
            "1",
            "-C",
            "3",
            "-W",
            "10",
        ])
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(300));
    let mut publisher = mqttscope()
        .args(["pub", "--url", &url, "-t", "cli/lines", "-q", "1", "-l"])
        .stdin(Stdio::piped())
        .spawn()
        .unwrap();
    publisher
        .stdin
        .take()
        .unwrap()
        .write_all(b"one\ntwo\nthree\n")
        .unwrap();
    assert!(publisher.wait().unwrap().success());
    let out = sub.wait_with_output().unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), "one\ntwo\nthree\n");
}
