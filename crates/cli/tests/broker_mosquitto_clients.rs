//! `mqttscope broker` driven by mosquitto's own clients (`mosquitto_pub`,
//! `mosquitto_sub`) in MQTT 3.1.1 and 5.0: QoS 0, 1 and 2, retained messages, a will
//! published when its client is killed, and a kept session that gets the messages queued
//! while its subscriber was away.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use common::{run_with_limit, ScopeBroker};

const VERSIONS: [&str; 2] = ["mqttv311", "mqttv5"];

fn broker() -> ScopeBroker {
    ScopeBroker::start(&["--packets"])
}

/// A `mosquitto_sub` printing `topic payload` lines; waits until its SUBACK is sent.
fn subscriber(b: &ScopeBroker, id: &str, args: &[&str]) -> Child {
    let child = Command::new("mosquitto_sub")
        .args(["-h", "127.0.0.1", "-p", &b.tcp.to_string(), "-i", id, "-v"])
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("mosquitto_sub is installed (cargo xtask test installs it)");
    b.wait_log(&format!("{id:?} --> SUBACK"));
    child
}

/// Runs `mosquitto_pub` and checks that it succeeded.
fn publish(b: &ScopeBroker, args: &[&str]) {
    let mut c = Command::new("mosquitto_pub");
    c.args(["-h", "127.0.0.1", "-p", &b.tcp.to_string()])
        .args(args);
    let (ok, _, err) = run_with_limit(&mut c, Duration::from_secs(10));
    assert!(ok, "mosquitto_pub {args:?}: {err}");
}

/// The first `n` lines of a subscriber's output (it must exit after them: `-C n`).
fn lines(child: Child, n: usize) -> Vec<String> {
    let out = child.wait_with_output().expect("mosquitto_sub ends");
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let got: Vec<String> = text.lines().map(str::to_owned).collect();
    assert_eq!(got.len(), n, "{got:?}");
    got
}

#[test]
fn qos_0_1_and_2_in_both_versions() {
    let b = broker();
    for v in VERSIONS {
        let id = format!("mq-sub-{v}");
        let sub = subscriber(
            &b,
            &id,
            &["-V", v, "-t", "q/#", "-q", "2", "-C", "3", "-W", "10"],
        );
        for qos in ["0", "1", "2"] {
            let topic = format!("q/{qos}");
            publish(
                &b,
                &["-V", v, "-t", &topic, "-m", &format!("at {qos}"), "-q", qos],
            );
        }
        let mut got = lines(sub, 3);
        got.sort();
        assert_eq!(got, ["q/0 at 0", "q/1 at 1", "q/2 at 2"], "{v}");
    }
}

#[test]
fn a_retained_message_reaches_a_later_subscriber() {
    let b = broker();
    for v in VERSIONS {
        let topic = format!("retained/{v}");
        publish(&b, &["-V", v, "-t", &topic, "-m", "kept", "-r", "-q", "1"]);
        let sub = subscriber(
            &b,
            &format!("mq-ret-{v}"),
            &["-V", v, "-t", &topic, "-C", "1", "-W", "10"],
        );
        assert_eq!(lines(sub, 1), [format!("{topic} kept")]);
    }
}

#[test]
fn the_will_of_a_killed_client_is_published() {
    let b = broker();
    for v in VERSIONS {
        let topic = format!("will/{v}");
        let watcher = subscriber(
            &b,
            &format!("mq-watch-{v}"),
            &["-V", v, "-t", &topic, "-C", "1", "-W", "10"],
        );
        let mut dying = subscriber(
            &b,
            &format!("mq-dying-{v}"),
            &[
                "-V",
                v,
                "-t",
                "nothing",
                "--will-topic",
                &topic,
                "--will-payload",
                "gone",
                "-k",
                "60",
            ],
        );
        dying.kill().unwrap();
        let _ = dying.wait();
        assert_eq!(lines(watcher, 1), [format!("{topic} gone")]);
        b.wait_log(&format!("will of \"mq-dying-{v}\" published"));
    }
}

#[test]
fn a_kept_session_gets_what_was_queued_while_its_subscriber_was_away() {
    let b = broker();
    for v in VERSIONS {
        let id = format!("mq-kept-{v}");
        let topic = format!("kept/{v}");
        // MQTT 5 sessions end with their connection unless given an expiry interval.
        let mut args = vec!["-V", v, "-c", "-q", "1", "-t", &topic];
        if v == "mqttv5" {
            args.extend(["-x", "600"]);
        }
        let mut first = subscriber(&b, &id, &args);
        first.kill().unwrap();
        let _ = first.wait();
        b.wait_log(&format!("{id:?} disconnected"));
        for n in 0..3 {
            publish(
                &b,
                &["-V", v, "-t", &topic, "-m", &format!("m{n}"), "-q", "1"],
            );
        }
        let mut again = Command::new("mosquitto_sub")
            .args([
                "-h",
                "127.0.0.1",
                "-p",
                &b.tcp.to_string(),
                "-i",
                &id,
                "-v",
                "-C",
                "3",
                "-W",
                "10",
            ])
            .args(&args)
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let out = BufReader::new(again.stdout.take().unwrap());
        let got: Vec<String> = out.lines().map_while(Result::ok).collect();
        let _ = again.wait();
        assert_eq!(
            got,
            [
                format!("{topic} m0"),
                format!("{topic} m1"),
                format!("{topic} m2")
            ],
            "{v}"
        );
        b.wait_log(&format!(
            "connected as {id:?} (MQTT {}, session resumed)",
            if v == "mqttv5" { "5.0" } else { "3.1.1" }
        ));
    }
}
