//! `mqttscope-bench client`: publish and receive through a local mosquitto with our native
//! driver and with MQTT.js (node) in the same run, over TCP and WebSocket: msgs/s from the
//! first publish to the last message received, median of the rounds, rounds interleaved.

use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant as StdInstant};

use mqttscope_cli::driver::{self, Driver};
use mqttscope_proto::client::{Client, ClientError, ClientOptions, Event, Instant, Message, State};
use mqttscope_proto::codec::{ProtocolVersion, QoS, Subscription};

const PAYLOAD: usize = 32;
const CASES: [(QoS, u32); 2] = [(QoS::AtMostOnce, 100_000), (QoS::AtLeastOnce, 20_000)];

/// A loopback mosquitto for the run, killed on drop.
struct Mosquitto(Child, u16, u16, std::path::PathBuf);

impl Drop for Mosquitto {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
        let _ = std::fs::remove_dir_all(&self.3);
    }
}

fn free_port() -> Result<u16, String> {
    let l = TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
    Ok(l.local_addr().map_err(|e| e.to_string())?.port())
}

fn start_mosquitto() -> Result<Mosquitto, String> {
    let (tcp, ws) = (free_port()?, free_port()?);
    let dir = std::env::temp_dir().join(format!("mqttscope-bench-client-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let conf = dir.join("mosquitto.conf");
    let text = format!(
        "per_listener_settings false\nallow_anonymous true\npersistence false\nlog_dest none\n\
         max_queued_messages 0\nmax_inflight_messages 0\nlistener {tcp} 127.0.0.1\n\
         listener {ws} 127.0.0.1\nprotocol websockets\nsocket_domain ipv4\n"
    );
    std::fs::write(&conf, text).map_err(|e| e.to_string())?;
    let bin = if Path::new("/usr/sbin/mosquitto").exists() {
        "/usr/sbin/mosquitto"
    } else {
        "mosquitto"
    };
    let child = Command::new(bin)
        .arg("-c")
        .arg(&conf)
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot start mosquitto: {e}"))?;
    let m = Mosquitto(child, tcp, ws, dir);
    let start = StdInstant::now();
    while TcpStream::connect(("127.0.0.1", tcp)).is_err()
        || TcpStream::connect(("127.0.0.1", ws)).is_err()
    {
        if start.elapsed() > Duration::from_secs(10) {
            return Err("mosquitto did not start".into());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    Ok(m)
}

fn options(id: &str) -> ClientOptions {
    ClientOptions {
        version: ProtocolVersion::V3_1_1,
        client_id: format!("{id}-{}", std::process::id()),
        max_queued: 10_000,
        // MQTT.js sets no window of its own in 3.1.1 (and the broker here has none): lift
        // ours too, so both send as fast as acknowledgements allow.
        max_in_flight: Some(u16::MAX),
        ..ClientOptions::default()
    }
}

fn connect(url: &str, id: &str) -> Result<Driver, String> {
    let transport = driver::open(url).map_err(|e| e.to_string())?;
    let mut d = Driver::new(
        Client::new(options(id), Instant::from_millis(0)),
        transport,
        StdInstant::now(),
    );
    d.client.connect(d.now()).map_err(|e| e.to_string())?;
    let mut events = d.flush().map_err(|e| e.to_string())?;
    while d.client.state() != State::Connected {
        if events.iter().any(|e| matches!(e, Event::Disconnected(_))) {
            return Err("connection refused".into());
        }
        events = d
            .step(Duration::from_millis(100))
            .map_err(|e| e.to_string())?;
    }
    Ok(d)
}

/// Our driver: a subscriber thread counting, a publisher in this thread.
fn ours(url: &str, qos: QoS, count: u32) -> Result<(u32, Duration), String> {
    let topic = format!("bench/ours/{}/{}", std::process::id(), qos as u8);
    let mut sub = connect(url, "ours-sub")?;
    sub.client
        .subscribe(
            sub.now(),
            vec![Subscription::new(topic.clone(), qos)],
            Default::default(),
        )
        .map_err(|e| e.to_string())?;
    let mut events = sub.flush().map_err(|e| e.to_string())?;
    while !events.iter().any(|e| matches!(e, Event::Subscribed { .. })) {
        events = sub
            .step(Duration::from_millis(100))
            .map_err(|e| e.to_string())?;
    }
    let receiver = std::thread::spawn(move || {
        let (mut got, deadline) = (0u32, StdInstant::now() + Duration::from_secs(60));
        while got < count && StdInstant::now() < deadline {
            let events = sub.step(Duration::from_millis(20)).unwrap_or_default();
            got += events
                .iter()
                .filter(|e| matches!(e, Event::Message(_)))
                .count() as u32;
        }
        (got, StdInstant::now())
    });
    let mut publisher = connect(url, "ours-pub")?;
    let start = StdInstant::now();
    let msg = Message::new(topic, vec![b'a'; PAYLOAD]).with_qos(qos);
    for i in 0..count {
        loop {
            match publisher.client.publish(publisher.now(), msg.clone()) {
                Ok(_) => break,
                Err(ClientError::QueueFull { .. }) => {
                    publisher
                        .step(Duration::from_millis(1))
                        .map_err(|e| e.to_string())?;
                }
                Err(e) => return Err(e.to_string()),
            }
        }
        // Write in batches, as MQTT.js's stream does.
        if i % 64 == 63 {
            publisher.flush().map_err(|e| e.to_string())?;
        }
    }
    publisher.flush().map_err(|e| e.to_string())?;
    while publisher.client.in_flight() + publisher.client.queued() > 0 {
        publisher
            .step(Duration::from_millis(5))
            .map_err(|e| e.to_string())?;
    }
    let (got, end) = receiver
        .join()
        .map_err(|_| "receiver panicked".to_string())?;
    Ok((got, end - start))
}

/// MQTT.js through `bench/client/mqttjs.mjs`.
fn mqttjs(root: &Path, url: &str, qos: QoS, count: u32) -> Result<(u32, Duration), String> {
    let script = root.join("bench/client/mqttjs.mjs");
    let out = Command::new("node")
        .arg(&script)
        .args([
            url,
            &(qos as u8).to_string(),
            &count.to_string(),
            &PAYLOAD.to_string(),
        ])
        .output()
        .map_err(|e| format!("node: {e}"))?;
    let text = String::from_utf8_lossy(&out.stdout);
    let field = |name: &str| -> Option<f64> {
        let at = text.find(&format!("\"{name}\":"))? + name.len() + 3;
        text[at..].split([',', '}']).next()?.trim().parse().ok()
    };
    match (field("received"), field("ms")) {
        (Some(n), Some(ms)) => Ok((n as u32, Duration::from_secs_f64(ms / 1000.0))),
        _ => Err(format!(
            "MQTT.js printed {text:?} {}",
            String::from_utf8_lossy(&out.stderr)
        )),
    }
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// Runs the client benchmark and prints JSON lines.
pub fn run(root: &Path, rounds: usize) -> Result<(), String> {
    let broker = start_mosquitto()?;
    let urls = [
        ("tcp", format!("tcp://127.0.0.1:{}", broker.1)),
        ("ws", format!("ws://127.0.0.1:{}/", broker.2)),
    ];
    let mqttjs_urls = [
        format!("mqtt://127.0.0.1:{}", broker.1),
        format!("ws://127.0.0.1:{}/", broker.2),
    ];
    for ((transport, url), js_url) in urls.iter().zip(&mqttjs_urls) {
        for (qos, count) in CASES {
            let (mut a, mut b) = (Vec::new(), Vec::new());
            for _ in 0..rounds {
                let (got, t) = ours(url, qos, count)?;
                if got < count {
                    return Err(format!(
                        "ours over {transport} at QoS {}: {got} of {count} arrived",
                        qos as u8
                    ));
                }
                a.push(f64::from(count) / t.as_secs_f64());
                let (got, t) = mqttjs(root, js_url, qos, count)?;
                if got < count {
                    return Err(format!(
                        "MQTT.js over {transport} at QoS {}: {got} of {count} arrived",
                        qos as u8
                    ));
                }
                b.push(f64::from(count) / t.as_secs_f64());
            }
            let (ma, mb) = (median(a.clone()), median(b.clone()));
            for (name, m, v) in [("mqttscope", ma, &a), ("mqtt.js 5.10.1", mb, &b)] {
                let lo = v.iter().copied().fold(f64::INFINITY, f64::min);
                let hi = v.iter().copied().fold(0.0, f64::max);
                println!(
                    "{{\"bench\":\"client\",\"transport\":\"{transport}\",\"qos\":{},\"messages\":{count},\"payload\":{PAYLOAD},\"impl\":\"{name}\",\"rounds\":{rounds},\"msgs_per_s\":{{\"median\":{m:.0},\"min\":{lo:.0},\"max\":{hi:.0}}}}}",
                    qos as u8
                );
            }
            println!(
                "{{\"bench\":\"client\",\"transport\":\"{transport}\",\"qos\":{},\"ratio\":\"mqttscope/mqtt.js\",\"speedup_of_medians\":{:.2},\"target\":1.5,\"met\":{}}}",
                qos as u8,
                ma / mb,
                ma / mb >= 1.5
            );
        }
    }
    Ok(())
}
