//! A real mosquitto on loopback for interop tests, and helpers to drive clients to it.

#![allow(dead_code)]

use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant as StdInstant};

use mqttscope_cli::driver::{self, Driver};
use mqttscope_proto::client::{Client, ClientOptions, Event, Instant, State};

/// A mosquitto process with a TCP and a WebSocket listener on free 127.0.0.1 ports,
/// killed on drop.
pub struct Broker {
    child: Child,
    conf: std::path::PathBuf,
    /// TCP port.
    pub tcp: u16,
    /// WebSocket port.
    pub ws: u16,
    _dir: TempDir,
}

/// A temporary folder removed on drop.
pub struct TempDir(pub std::path::PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

fn spawn(conf: &std::path::Path) -> Child {
    Command::new(mosquitto_bin())
        .arg("-c")
        .arg(conf)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("mosquitto is installed (cargo xtask test installs it)")
}

fn mosquitto_bin() -> &'static str {
    if std::path::Path::new("/usr/sbin/mosquitto").exists() {
        "/usr/sbin/mosquitto"
    } else {
        "mosquitto"
    }
}

impl Broker {
    /// Starts mosquitto and waits until both listeners accept connections.
    pub fn start() -> Broker {
        Broker::start_with(false)
    }

    /// Starts mosquitto with persistence on (sessions and queued messages survive a
    /// restart).
    pub fn start_persistent() -> Broker {
        Broker::start_with(true)
    }

    fn start_with(persistent: bool) -> Broker {
        let (tcp, ws) = (free_port(), free_port());
        let dir = std::env::temp_dir().join(format!("mqttscope-it-{}-{tcp}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let conf = dir.join("mosquitto.conf");
        let persistence = if persistent {
            // mosquitto drops root privileges, so its store must be writable by anyone.
            let store = dir.join("store");
            std::fs::create_dir_all(&store).expect("store dir");
            let _ = Command::new("chmod")
                .arg("0777")
                .arg(&dir)
                .arg(&store)
                .status();
            format!(
                "persistence true\npersistence_location {}/\n",
                store.display()
            )
        } else {
            "persistence false\n".to_owned()
        };
        let text = format!(
            "per_listener_settings false\nallow_anonymous true\n{persistence}log_dest stderr\n\
             max_queued_messages 0\nlistener {tcp} 127.0.0.1\nlistener {ws} 127.0.0.1\nprotocol websockets\n\
             socket_domain ipv4\n"
        );
        std::fs::write(&conf, text).expect("config");
        let child = spawn(&conf);
        let broker = Broker {
            child,
            conf,
            tcp,
            ws,
            _dir: TempDir(dir),
        };
        broker.wait_ready();
        broker
    }

    /// Stops the broker with SIGTERM (it saves its store), and starts it again on the same
    /// ports.
    pub fn restart(&mut self) {
        let _ = Command::new("kill")
            .arg("-TERM")
            .arg(self.child.id().to_string())
            .status();
        let _ = self.child.wait();
        self.child = spawn(&self.conf);
        self.wait_ready();
    }

    fn wait_ready(&self) {
        let start = StdInstant::now();
        while start.elapsed() < Duration::from_secs(10) {
            if TcpStream::connect(("127.0.0.1", self.tcp)).is_ok()
                && TcpStream::connect(("127.0.0.1", self.ws)).is_ok()
            {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!("mosquitto did not start");
    }

    /// The URL of a transport: "tcp" or "ws".
    pub fn url(&self, transport: &str) -> String {
        match transport {
            "ws" => format!("ws://127.0.0.1:{}/", self.ws),
            _ => format!("tcp://127.0.0.1:{}", self.tcp),
        }
    }

    /// Sends a signal (STOP, CONT) to the broker.
    pub fn signal(&self, sig: &str) {
        let ok = Command::new("kill")
            .arg(format!("-{sig}"))
            .arg(self.child.id().to_string())
            .status()
            .map(|s| s.success());
        assert_eq!(ok.ok(), Some(true), "kill -{sig}");
    }
}

impl Drop for Broker {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .arg("-CONT")
            .arg(self.child.id().to_string())
            .status();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Opens a transport to `url` and runs CONNECT until CONNACK.
pub fn connect(url: &str, opts: ClientOptions) -> Driver {
    connect_with_events(url, opts).0
}

/// Like [`connect`], also returning the events so far (messages a resumed session
/// delivers can arrive in the same read as CONNACK).
pub fn connect_with_events(url: &str, opts: ClientOptions) -> (Driver, Vec<Event>) {
    let transport = driver::open(url).unwrap_or_else(|e| panic!("connect to {url}: {e}"));
    let mut d = Driver::new(
        Client::new(opts, Instant::from_millis(0)),
        transport,
        StdInstant::now(),
    );
    d.client.connect(d.now()).expect("connect");
    let events = wait(&mut d, Duration::from_secs(5), |e| {
        matches!(e, Event::Connected { .. } | Event::Disconnected(_))
    });
    assert_eq!(d.client.state(), State::Connected, "{events:?}");
    (d, events)
}

/// Runs the driver until an event matches `done` (returning every event seen), panicking
/// after `limit`.
pub fn wait(d: &mut Driver, limit: Duration, mut done: impl FnMut(&Event) -> bool) -> Vec<Event> {
    let start = StdInstant::now();
    let mut seen = d.flush().expect("flush");
    let mut checked = 0;
    loop {
        // Each event is offered to `done` once.
        if seen[checked..].iter().any(&mut done) {
            return seen;
        }
        checked = seen.len();
        assert!(
            start.elapsed() < limit,
            "timed out; events: {:?}",
            summary(&seen)
        );
        seen.extend(d.step(Duration::from_millis(50)).expect("step"));
    }
}

/// Runs the driver for `dur`, returning the events.
pub fn run_for(d: &mut Driver, dur: Duration) -> Vec<Event> {
    let start = StdInstant::now();
    let mut seen = d.flush().expect("flush");
    while start.elapsed() < dur {
        seen.extend(d.step(Duration::from_millis(20)).expect("step"));
    }
    seen
}

/// Events without packet records, for readable failures.
pub fn summary(events: &[Event]) -> Vec<&Event> {
    events
        .iter()
        .filter(|e| !matches!(e, Event::Packet(_)))
        .collect()
}

/// Client options with a unique id.
pub fn options(version: mqttscope_proto::ProtocolVersion, id: &str) -> ClientOptions {
    ClientOptions {
        version,
        client_id: format!("it-{id}-{}", std::process::id()),
        keep_alive: 30,
        ..ClientOptions::default()
    }
}

/// aedes (npm) on a WebSocket port of 127.0.0.1; killed on drop.
pub struct Aedes {
    child: Child,
    /// Its port.
    pub port: u16,
}

impl Aedes {
    /// Starts `tests/brokers/aedes.mjs` (its packages come from `npm ci` there, which
    /// `cargo xtask test` runs).
    pub fn start() -> Aedes {
        let port = free_port();
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/brokers");
        assert!(
            dir.join("node_modules/aedes").exists(),
            "run `npm ci` in {} (cargo xtask test does)",
            dir.display()
        );
        let child = Command::new("node")
            .arg(dir.join("aedes.mjs"))
            .arg(port.to_string())
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("node");
        let start = StdInstant::now();
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                start.elapsed() < Duration::from_secs(10),
                "aedes did not start"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        Aedes { child, port }
    }

    /// Its WebSocket URL.
    pub fn url(&self) -> String {
        format!("ws://127.0.0.1:{}/", self.port)
    }
}

impl Drop for Aedes {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// rumqttd (a Rust crate) with an MQTT 5 TCP listener on 127.0.0.1; killed on drop.
pub struct Rumqttd {
    child: Child,
    /// Its MQTT 5 port.
    pub port: u16,
    _dir: TempDir,
}

impl Rumqttd {
    /// Starts rumqttd (installed by `cargo xtask test`'s setup).
    pub fn start() -> Rumqttd {
        let port = free_port();
        let dir =
            std::env::temp_dir().join(format!("mqttscope-rumqttd-{}-{port}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let conf = dir.join("rumqttd.toml");
        let text = format!(
            "id = 0\n[router]\nid = 0\nmax_connections = 100\nmax_outgoing_packet_count = 200\n\
             max_segment_size = 104857600\nmax_segment_count = 10\n\
             [v5.1]\nname = \"v5-1\"\nlisten = \"127.0.0.1:{port}\"\nnext_connection_delay_ms = 1\n\
             [v5.1.connections]\nconnection_timeout_ms = 60000\nmax_payload_size = 20480\nmax_inflight_count = 100\n"
        );
        std::fs::write(&conf, text).expect("config");
        let bin = std::env::var("HOME")
            .map(|h| format!("{h}/.cargo/bin/rumqttd"))
            .unwrap_or_else(|_| "rumqttd".into());
        let bin = if std::path::Path::new(&bin).exists() {
            bin
        } else {
            "rumqttd".to_owned()
        };
        let child = Command::new(bin)
            .arg("-c")
            .arg(&conf)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("rumqttd is installed (cargo xtask test installs it)");
        let start = StdInstant::now();
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                start.elapsed() < Duration::from_secs(10),
                "rumqttd did not start"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        Rumqttd {
            child,
            port,
            _dir: TempDir(dir),
        }
    }

    /// Its URL.
    pub fn url(&self) -> String {
        format!("tcp://127.0.0.1:{}", self.port)
    }
}

impl Drop for Rumqttd {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `mqttscope broker` as a process on free loopback ports (port 0, read back from its
/// stderr); its stdout (the log) is collected. Killed on drop.
pub struct ScopeBroker {
    child: Child,
    /// TCP port.
    pub tcp: u16,
    /// WebSocket port.
    pub ws: u16,
    log: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
}

impl ScopeBroker {
    /// Starts `mqttscope broker --port 0 --ws-port 0` with `args`.
    pub fn start(args: &[&str]) -> ScopeBroker {
        use std::io::{BufRead, BufReader};
        let mut child = Command::new(env!("CARGO_BIN_EXE_mqttscope"))
            .args(["broker", "--port", "0", "--ws-port", "0"])
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("mqttscope broker starts");
        let log = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let stdout = child.stdout.take().expect("stdout");
        let lines = log.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                lines.lock().expect("log").push(line);
            }
        });
        let mut stderr = BufReader::new(child.stderr.take().expect("stderr")).lines();
        let (mut tcp, mut ws) = (0, 0);
        while tcp == 0 || ws == 0 {
            let line = stderr
                .next()
                .and_then(Result::ok)
                .expect("mqttscope broker prints the ports it listens on");
            let port = |l: &str| l.rsplit(':').next().and_then(|p| p.parse().ok());
            if line.starts_with("listening on tcp ") {
                tcp = port(&line).expect("a port");
            } else if line.starts_with("listening on ws ") {
                ws = port(&line).expect("a port");
            }
        }
        // Keep draining stderr so that the broker never blocks on it.
        std::thread::spawn(move || stderr.for_each(|l| eprintln!("broker: {l:?}")));
        ScopeBroker {
            child,
            tcp,
            ws,
            log,
        }
    }

    /// The URL of a transport: "tcp" or "ws".
    pub fn url(&self, transport: &str) -> String {
        match transport {
            "ws" => format!("ws://127.0.0.1:{}/", self.ws),
            _ => format!("tcp://127.0.0.1:{}", self.tcp),
        }
    }

    /// The log lines printed so far.
    pub fn log(&self) -> Vec<String> {
        self.log.lock().expect("log").clone()
    }

    /// Waits up to 5 s for a log line containing `text`; returns it.
    pub fn wait_log(&self, text: &str) -> String {
        let start = StdInstant::now();
        loop {
            if let Some(l) = self.log().into_iter().find(|l| l.contains(text)) {
                return l;
            }
            assert!(
                start.elapsed() < Duration::from_secs(5),
                "no log line with {text:?}; log: {:#?}",
                self.log()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Sends SIGTERM and returns the exit status.
    pub fn terminate(mut self) -> std::process::ExitStatus {
        let _ = Command::new("kill")
            .arg("-TERM")
            .arg(self.child.id().to_string())
            .status();
        let start = StdInstant::now();
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                return status;
            }
            assert!(
                start.elapsed() < Duration::from_secs(10),
                "the broker did not stop on SIGTERM"
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for ScopeBroker {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Runs a command with a time limit; returns (success, stdout, stderr).
pub fn run_with_limit(cmd: &mut Command, limit: Duration) -> (bool, String, String) {
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{cmd:?}: {e}"));
    let start = StdInstant::now();
    while child.try_wait().ok().flatten().is_none() {
        if start.elapsed() > limit {
            let _ = child.kill();
            break;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    let out = child.wait_with_output().expect("output");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}
