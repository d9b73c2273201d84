//! `mqttscope broker` with our own client: the native driver (shared subscriptions,
//! MQTT 3.1.1 and 5.0 over TCP and WebSocket, DISCONNECT 0x8B on SIGTERM) and the
//! `mqttscope pub` / `sub` processes; the WebSocket rules (subprotocol `mqtt` required,
//! `--ws-path`, a text frame closes the connection); users; `--packets`; `--config`.

mod common;

use std::collections::HashMap;
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::Duration;

use common::{connect, options, run_with_limit, wait, ScopeBroker};
use mqttscope_proto::client::{DisconnectCause, Event, Message};
use mqttscope_proto::codec::{ProtocolVersion, QoS, Subscription};
use mqttscope_proto::ReasonCode;
use tungstenite::client::IntoClientRequest;

fn subscribe(d: &mut mqttscope_cli::driver::Driver, filter: &str, qos: QoS) {
    d.client
        .subscribe(
            d.now(),
            vec![Subscription::new(filter.to_owned(), qos)],
            Default::default(),
        )
        .unwrap();
    wait(d, Duration::from_secs(5), |e| {
        matches!(e, Event::Subscribed { .. })
    });
}

#[test]
fn a_shared_subscription_hands_each_message_to_one_member() {
    let b = ScopeBroker::start(&[]);
    let mut members = Vec::new();
    for (i, v) in [ProtocolVersion::V5, ProtocolVersion::V3_1_1]
        .into_iter()
        .enumerate()
    {
        let mut d = connect(
            &b.url(if i == 0 { "tcp" } else { "ws" }),
            options(v, &format!("share-{i}")),
        );
        subscribe(&mut d, "$share/group/shared/t", QoS::AtLeastOnce);
        members.push(d);
    }
    let mut publisher = connect(&b.url("tcp"), options(ProtocolVersion::V5, "share-pub"));
    for n in 0..20 {
        let m = Message::new("shared/t", n.to_string()).with_qos(QoS::AtLeastOnce);
        publisher.client.publish(publisher.now(), m).unwrap();
    }
    let mut done = 0;
    wait(&mut publisher, Duration::from_secs(5), |e| {
        done += usize::from(matches!(e, Event::PublishDone { .. }));
        done == 20
    });
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut per_member = Vec::new();
    for d in &mut members {
        let events = common::run_for(d, Duration::from_millis(500));
        let got: Vec<String> = events
            .iter()
            .filter_map(|e| match e {
                Event::Message(m) => Some(String::from_utf8_lossy(&m.payload).into_owned()),
                _ => None,
            })
            .collect();
        per_member.push(got.len());
        got.into_iter()
            .for_each(|p| *seen.entry(p).or_default() += 1);
    }
    assert_eq!(seen.len(), 20, "every message reached the group: {seen:?}");
    assert!(
        seen.values().all(|&n| n == 1),
        "each to one member: {seen:?}"
    );
    assert!(
        per_member.iter().all(|&n| n > 0),
        "both members got some: {per_member:?}"
    );
}

fn mqttscope() -> Command {
    Command::new(env!("CARGO_BIN_EXE_mqttscope"))
}

#[test]
fn mqttscope_pub_and_sub_over_tcp_and_websocket() {
    let b = ScopeBroker::start(&["--packets"]);
    for (version, url) in [("4", b.url("tcp")), ("5", b.url("ws")), ("3", b.url("tcp"))] {
        let id = format!("cli-sub-{version}");
        let sub = mqttscope()
            .args([
                "sub", "--url", &url, "-V", version, "-i", &id, "-t", "cli/#", "-q", "2", "-v",
                "-C", "2", "-W", "10",
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        b.wait_log(&format!("{id:?} --> SUBACK"));
        for qos in ["1", "2"] {
            let mut p = mqttscope();
            p.args([
                "pub",
                "--url",
                &url,
                "-V",
                version,
                "-t",
                &format!("cli/{qos}"),
                "-m",
                &format!("q{qos}"),
                "-q",
                qos,
            ]);
            let (ok, _, err) = run_with_limit(&mut p, Duration::from_secs(10));
            assert!(ok, "{err}");
        }
        let out = sub.wait_with_output().unwrap();
        assert_eq!(
            String::from_utf8_lossy(&out.stdout),
            "cli/1 q1\ncli/2 q2\n",
            "v{version}"
        );
    }
}

#[test]
fn sigterm_sends_mqtt5_clients_disconnect_0x8b_and_exits_0() {
    let b = ScopeBroker::start(&[]);
    let mut d = connect(&b.url("ws"), options(ProtocolVersion::V5, "term"));
    let status = b.terminate();
    assert!(status.success(), "{status:?}");
    let events = wait(&mut d, Duration::from_secs(5), |e| {
        matches!(e, Event::Disconnected(_))
    });
    assert!(
        events.iter().any(|e| matches!(e,
            Event::Disconnected(DisconnectCause::Server { reason, .. })
                if *reason == ReasonCode::ServerShuttingDown)),
        "{:?}",
        common::summary(&events)
    );
}

/// A WebSocket handshake to the broker offering `protocol`, on `path`.
fn ws_handshake(
    b: &ScopeBroker,
    path: &str,
    protocol: Option<&str>,
) -> Result<tungstenite::WebSocket<TcpStream>, String> {
    let mut req = format!("ws://127.0.0.1:{}{path}", b.ws)
        .into_client_request()
        .unwrap();
    if let Some(p) = protocol {
        req.headers_mut()
            .insert("Sec-WebSocket-Protocol", p.parse().unwrap());
    }
    let stream = TcpStream::connect(("127.0.0.1", b.ws)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    tungstenite::client(req, stream)
        .map(|(ws, _)| ws)
        .map_err(|e| match e {
            tungstenite::HandshakeError::Failure(tungstenite::Error::Http(r)) => {
                r.status().as_u16().to_string()
            }
            other => other.to_string(),
        })
}

/// The broker's answer to a hand-written handshake offering `protocols`.
fn raw_handshake(b: &ScopeBroker, path: &str, protocols: &str) -> String {
    use std::io::{Read, Write};
    let mut s = TcpStream::connect(("127.0.0.1", b.ws)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let request = format!(
        "GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
         Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\
         Sec-WebSocket-Protocol: {protocols}\r\n\r\n"
    );
    s.write_all(request.as_bytes()).unwrap();
    let mut answer = Vec::new();
    let mut buf = [0u8; 1024];
    while !answer.windows(4).any(|w| w == b"\r\n\r\n") {
        match s.read(&mut buf) {
            Ok(n) if n > 0 => answer.extend_from_slice(&buf[..n]),
            _ => break,
        }
    }
    String::from_utf8_lossy(&answer).into_owned()
}

#[test]
fn websocket_needs_the_mqtt_subprotocol_the_path_and_binary_frames() {
    let b = ScopeBroker::start(&["--ws-path", "/mqtt"]);
    assert_eq!(
        ws_handshake(&b, "/mqtt", None).err().as_deref(),
        Some("400"),
        "no subprotocol"
    );
    assert_eq!(
        ws_handshake(&b, "/mqtt", Some("mqttv3.1")).err().as_deref(),
        Some("400")
    );
    assert_eq!(
        ws_handshake(&b, "/", Some("mqtt")).err().as_deref(),
        Some("404"),
        "wrong path"
    );
    let answer = raw_handshake(&b, "/mqtt", "x, mqtt");
    assert!(answer.starts_with("HTTP/1.1 101"), "{answer}");
    assert!(
        answer
            .to_ascii_lowercase()
            .contains("sec-websocket-protocol: mqtt\r\n"),
        "{answer}"
    );
    let mut ws = ws_handshake(&b, "/mqtt", Some("mqtt")).expect("handshake");
    ws.send(tungstenite::Message::Text("hello".into())).unwrap();
    let closed = loop {
        match ws.read() {
            Ok(tungstenite::Message::Close(_)) | Err(_) => break true,
            Ok(_) => {}
        }
    };
    assert!(closed);
    b.wait_log("a text frame; MQTT needs binary frames [MQTT-6.0.0-1]");
}

#[test]
fn users_are_checked_and_packets_show_with_the_password_masked() {
    let b = ScopeBroker::start(&["--user", "alice:s3cret", "--packets"]);
    let mut good = options(ProtocolVersion::V5, "alice");
    good.username = Some("alice".into());
    good.password = Some(b"s3cret".to_vec());
    let _d = connect(&b.url("tcp"), good);
    let connect_line = b.wait_log("\"it-alice-");
    assert!(connect_line.contains("<-- CONNECT"), "{connect_line}");
    b.wait_log("--> CONNACK");
    let log = b.log().join("\n");
    assert!(!log.contains("s3cret"), "the password is masked: {log}");
    assert!(log.contains("Password: 6 bytes \"******\""), "{log}");
    let mut p = mqttscope();
    p.args([
        "pub",
        "-p",
        &b.tcp.to_string(),
        "-V",
        "5",
        "-u",
        "alice",
        "-P",
        "wrong",
        "-t",
        "x",
        "-m",
        "y",
    ]);
    let (ok, _, err) = run_with_limit(&mut p, Duration::from_secs(10));
    assert!(!ok && err.contains("Bad User Name or Password"), "{err}");
    let mut p = mqttscope();
    p.args([
        "pub",
        "-p",
        &b.tcp.to_string(),
        "-V",
        "4",
        "-t",
        "x",
        "-m",
        "y",
    ]);
    let (ok, _, err) = run_with_limit(&mut p, Duration::from_secs(10));
    assert!(!ok, "anonymous refused once users exist: {err}");
}

#[test]
fn a_config_file_sets_what_flags_do_and_flags_win() {
    let dir = std::env::temp_dir().join(format!("mqttscope-broker-conf-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let _cleanup = common::TempDir(dir.clone());
    let conf = dir.join("broker.conf");
    std::fs::write(
        &conf,
        "# test\nport = 1\nws_port = 0\nuser = bob:pw\nallow_anonymous = true\n",
    )
    .unwrap();
    let b = ScopeBroker::start(&["--config", conf.to_str().unwrap()]);
    // --port 0 (from ScopeBroker) overrode `port = 1`; anonymous is allowed by the file.
    let _anonymous = connect(&b.url("tcp"), options(ProtocolVersion::V3_1_1, "anon"));
    let mut bob = options(ProtocolVersion::V5, "bob");
    bob.username = Some("bob".into());
    bob.password = Some(b"pw".to_vec());
    let _bob = connect(&b.url("ws"), bob);
    let bad = dir.join("bad.conf");
    std::fs::write(&bad, "port = 0\nnope = 1\n").unwrap();
    let mut c = mqttscope();
    c.args(["broker", "--config", bad.to_str().unwrap()]);
    let (ok, _, err) = run_with_limit(&mut c, Duration::from_secs(10));
    assert!(!ok && err.contains("line 2: unknown key `nope`"), "{err}");
}
