//! `cargo xtask serve`: build the app with Trunk, serve `dist/` on 127.0.0.1, and run a
//! loopback mosquitto for it to connect to.
//!
//! The static file server is a few dozen lines of `std::net`: one thread per connection,
//! `GET`/`HEAD` only, `Connection: close`, bound to loopback. The end-to-end tier of
//! `cargo xtask test` uses it too.

use std::fs;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::{Component, Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::{self, JoinHandle};
use std::time::Duration;

use crate::{cmd, tools};

/// The port `cargo xtask serve` uses unless told otherwise.
const DEFAULT_PORT: u16 = 8080;
/// mosquitto's MQTT-over-TCP port.
const MQTT_TCP_PORT: u16 = 1883;
/// mosquitto's MQTT-over-WebSocket port, the one the browser app connects to.
const MQTT_WS_PORT: u16 = 9001;
/// The longest request head the server reads.
const MAX_REQUEST_HEAD: usize = 16 * 1024;

/// `cargo xtask serve [--port N]`.
pub fn run(args: &[String]) -> Result<(), String> {
    let port = parse_port(args)?;
    tools::setup_build()?;
    trunk_build()?;
    let server = StaticServer::start(&cmd::root().join("dist"), port)
        .map_err(|e| format!("serving on 127.0.0.1:{port}: {e} (try `--port N`)"))?;
    let _broker = start_broker()?;
    println!("\nmqttscope: {}", server.url());
    println!("press Ctrl-C to stop");
    server.wait();
    Ok(())
}

/// Reads `--port N` (or nothing: the default port).
fn parse_port(args: &[String]) -> Result<u16, String> {
    match args {
        [] => Ok(DEFAULT_PORT),
        [flag, n] if flag == "--port" => n.parse().map_err(|_| format!("bad port `{n}`")),
        _ => Err(format!(
            "usage: cargo xtask serve [--port N], got `{}`",
            args.join(" ")
        )),
    }
}

/// `trunk build --release --offline`: the app into `dist/`, with the wasm-bindgen and
/// wasm-opt on PATH (see [`tools::export_path`]); downloads nothing. Then its JavaScript
/// is minified (`xtask/minify-dist.mjs`, terser from `.tools/terser`).
pub fn trunk_build() -> Result<(), String> {
    crate::tools::terser()?;
    crate::tools::uplot()?;
    cmd::run(cmd::command("trunk").args(["build", "--release", "--offline"]))?;
    // Trunk leaves the wasm-bindgen glue and the copied scripts as they are.
    let root = cmd::root();
    cmd::run(
        cmd::command("node")
            .arg(root.join("xtask").join("minify-dist.mjs"))
            .arg(root.join("dist")),
    )?;
    BUILT.store(true, Ordering::Relaxed);
    Ok(())
}

/// Whether [`trunk_build`] built `dist/` in this process.
static BUILT: AtomicBool = AtomicBool::new(false);

/// Whether `dist/` was built by this process (`cargo xtask test`'s e2e tier), so that the
/// npm package can take it as it is rather than build it again.
pub fn built_this_run() -> bool {
    BUILT.load(Ordering::Relaxed)
}

/// A running static file server; stops when dropped.
pub struct StaticServer {
    addr: SocketAddr,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl StaticServer {
    /// Serves the files under `dir` on `127.0.0.1:port` (port 0: any free port).
    pub fn start(dir: &Path, port: u16) -> io::Result<Self> {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, port))?;
        let addr = listener.local_addr()?;
        let stop = Arc::new(AtomicBool::new(false));
        let (dir, flag) = (dir.to_path_buf(), Arc::clone(&stop));
        let thread = thread::Builder::new()
            .name("static-server".into())
            .spawn(move || accept_loop(&listener, &dir, &flag))?;
        Ok(Self {
            addr,
            stop,
            thread: Some(thread),
        })
    }

    /// `http://127.0.0.1:<port>/`.
    pub fn url(&self) -> String {
        format!("http://{}/", self.addr)
    }

    /// Blocks until the server stops (in practice: until the process is interrupted).
    pub fn wait(mut self) {
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for StaticServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the blocking accept so the loop sees the flag.
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_secs(1));
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Accepts connections until `stop` is set, one thread each.
fn accept_loop(listener: &TcpListener, dir: &Path, stop: &AtomicBool) {
    for stream in listener.incoming() {
        if stop.load(Ordering::SeqCst) {
            break;
        }
        let Ok(stream) = stream else { continue };
        let dir = dir.to_path_buf();
        let _ = thread::Builder::new().spawn(move || {
            let _ = handle(stream, &dir);
        });
    }
}

/// Answers one request on `stream`.
fn handle(mut stream: TcpStream, dir: &Path) -> io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let Some((method, target)) = read_request_line(&stream)? else {
        return respond(&mut stream, 400, "text/plain", b"bad request\n", false);
    };
    let head_only = method == "HEAD";
    if method != "GET" && !head_only {
        return respond(
            &mut stream,
            405,
            "text/plain",
            b"only GET and HEAD\n",
            head_only,
        );
    }
    match resolve(dir, &target).and_then(|path| fs::read(&path).ok().map(|b| (path, b))) {
        Some((path, body)) => respond(&mut stream, 200, mime_type(&path), &body, head_only),
        None => respond(&mut stream, 404, "text/plain", b"not found\n", head_only),
    }
}

/// Reads the request head and returns its method and target, or `None` if malformed.
fn read_request_line(stream: &TcpStream) -> io::Result<Option<(String, String)>> {
    let mut reader = BufReader::new(stream).take(MAX_REQUEST_HEAD as u64);
    let mut first = String::new();
    reader.read_line(&mut first)?;
    // Drain the headers so the client is not reset while still sending them.
    let mut line = String::new();
    while reader.read_line(&mut line)? > 2 {
        line.clear();
    }
    let mut parts = first.split_whitespace();
    Ok(match (parts.next(), parts.next()) {
        (Some(method), Some(target)) => Some((method.to_string(), target.to_string())),
        _ => None,
    })
}

/// Maps a request target to a file under `dir`: drops the query, percent-decodes, refuses
/// `..`, and serves `index.html` for a folder.
fn resolve(dir: &Path, target: &str) -> Option<PathBuf> {
    let path = target.split(['?', '#']).next()?;
    let decoded = percent_decode(path)?;
    let relative = Path::new(decoded.trim_start_matches('/'));
    if !relative
        .components()
        .all(|c| matches!(c, Component::Normal(_)))
    {
        return None;
    }
    let full = dir.join(relative);
    if full.is_dir() {
        Some(full.join("index.html"))
    } else {
        Some(full)
    }
}

/// Decodes `%XX` escapes; `None` for a malformed escape or invalid UTF-8.
fn percent_decode(s: &str) -> Option<String> {
    let mut out = Vec::with_capacity(s.len());
    let mut bytes = s.bytes();
    while let Some(b) = bytes.next() {
        if b == b'%' {
            let hex = [bytes.next()?, bytes.next()?];
            out.push(u8::from_str_radix(std::str::from_utf8(&hex).ok()?, 16).ok()?);
        } else {
            out.push(b);
        }
    }
    String::from_utf8(out).ok()
}

/// The Content-Type for a file, by extension.
fn mime_type(path: &Path) -> &'static str {
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
    match ext.to_ascii_lowercase().as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "wasm" => "application/wasm",
        "json" | "map" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "txt" => "text/plain; charset=utf-8",
        "woff2" => "font/woff2",
        _ => "application/octet-stream",
    }
}

/// Writes a whole response and closes the connection.
fn respond(
    stream: &mut TcpStream,
    status: u16,
    content_type: &str,
    body: &[u8],
    head_only: bool,
) -> io::Result<()> {
    let reason = match status {
        200 => "OK",
        400 => "Bad Request",
        404 => "Not Found",
        _ => "Method Not Allowed",
    };
    let head = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: {content_type}\r\n\
         Content-Length: {}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes())?;
    if !head_only {
        stream.write_all(body)?;
    }
    stream.flush()
}

/// Runs the broker (`$0 -c $1`) in the background and kills it as soon as its stdin (a
/// pipe from xtask) closes, which happens whenever xtask exits, even when killed outright.
const WATCHDOG: &str = r#""$0" -c "$1" &
pid=$!
read -r _ || true
kill "$pid" 2>/dev/null
wait "$pid""#;

/// mosquitto under a small `sh` watchdog that stops it when xtask exits (Ctrl-C reaches it
/// directly anyway: it shares our process group).
struct Broker {
    watchdog: Child,
    lifeline: Option<ChildStdin>,
    dir: PathBuf,
}

impl Drop for Broker {
    fn drop(&mut self) {
        drop(self.lifeline.take());
        let _ = self.watchdog.wait();
        let _ = fs::remove_dir_all(&self.dir);
    }
}

/// The loopback config: a TCP listener (mosquitto will not start with only a WebSocket
/// one) and a WebSocket listener that `socket_domain ipv4` keeps on 127.0.0.1.
fn mosquitto_config() -> String {
    format!(
        "per_listener_settings false\nallow_anonymous true\npersistence false\n\
         log_dest stderr\nlistener {MQTT_TCP_PORT} 127.0.0.1\n\
         listener {MQTT_WS_PORT} 127.0.0.1\nprotocol websockets\nsocket_domain ipv4\n"
    )
}

/// Starts mosquitto if it is installed and its ports are free; otherwise says why not and
/// carries on without a broker.
fn start_broker() -> Result<Option<Broker>, String> {
    if !Path::new(tools::MOSQUITTO).exists() {
        println!("mosquitto is not installed, so no local broker: `apt-get install mosquitto`");
        println!("(or run `cargo xtask setup`, which installs it with the test tools)");
        return Ok(None);
    }
    for port in [MQTT_TCP_PORT, MQTT_WS_PORT] {
        if TcpListener::bind((Ipv4Addr::LOCALHOST, port)).is_err() {
            println!("port {port} is taken (another broker?), so mosquitto is not started");
            return Ok(None);
        }
    }
    // One fixed folder: a run that Ctrl-C ended leaves a single small file behind, which the
    // next run overwrites.
    let dir = std::env::temp_dir().join("mqttscope-mosquitto");
    fs::create_dir_all(&dir).map_err(|e| format!("creating {}: {e}", dir.display()))?;
    let conf = dir.join("mosquitto.conf");
    fs::write(&conf, mosquitto_config()).map_err(|e| format!("writing {}: {e}", conf.display()))?;
    println!("$ {} -c {}", tools::MOSQUITTO, conf.display());
    let mut watchdog = Command::new("sh")
        .args(["-c", WATCHDOG, tools::MOSQUITTO])
        .arg(&conf)
        .stdin(Stdio::piped())
        .spawn()
        .map_err(|e| format!("starting mosquitto: {e}"))?;
    let lifeline = watchdog.stdin.take();
    let broker = Broker {
        watchdog,
        lifeline,
        dir,
    };
    if listening(MQTT_WS_PORT, Duration::from_secs(3)) {
        println!(
            "broker: ws://127.0.0.1:{MQTT_WS_PORT} (MQTT over TCP: 127.0.0.1:{MQTT_TCP_PORT})"
        );
    } else {
        println!("mosquitto did not open port {MQTT_WS_PORT}: see its log above");
    }
    Ok(Some(broker))
}

/// Whether something accepts TCP connections on 127.0.0.1:`port` within `patience`.
fn listening(port: u16, patience: Duration) -> bool {
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    let deadline = std::time::Instant::now() + patience;
    while std::time::Instant::now() < deadline {
        if TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok() {
            return true;
        }
        thread::sleep(Duration::from_millis(100));
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    /// Sends `request` to the server and returns the whole response as text.
    fn fetch(server: &StaticServer, request: &str) -> String {
        let mut stream = TcpStream::connect(server.addr).unwrap();
        stream.write_all(request.as_bytes()).unwrap();
        let mut response = String::new();
        stream.read_to_string(&mut response).unwrap();
        response
    }

    /// A two-file site in a temporary folder named after `test`, and a server for it.
    fn site(test: &str) -> (PathBuf, StaticServer) {
        let name = format!("xtask-{test}-{}", std::process::id());
        let dir = std::env::temp_dir().join(name);
        fs::create_dir_all(&dir).unwrap();
        fs::write(dir.join("index.html"), "<p>hi</p>").unwrap();
        fs::write(dir.join("app_bg.wasm"), b"\0asm").unwrap();
        let server = StaticServer::start(&dir, 0).unwrap();
        (dir, server)
    }

    #[test]
    fn serves_files_with_their_mime_type_on_loopback() {
        let (dir, server) = site("serves");
        assert!(server.url().starts_with("http://127.0.0.1:"));
        let index = fetch(&server, "GET /?x=1 HTTP/1.1\r\nHost: a\r\n\r\n");
        assert!(index.starts_with("HTTP/1.1 200 OK\r\n"), "{index}");
        assert!(index.contains("Content-Type: text/html; charset=utf-8\r\n"));
        assert!(index.ends_with("<p>hi</p>"));
        let wasm = fetch(&server, "GET /app%5Fbg.wasm HTTP/1.1\r\n\r\n");
        assert!(wasm.contains("Content-Type: application/wasm\r\nContent-Length: 4\r\n"));
        drop(server);
        fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn refuses_missing_files_parent_folders_and_other_methods() {
        let (dir, server) = site("refuses");
        assert!(fetch(&server, "GET /nope.js HTTP/1.1\r\n\r\n").starts_with("HTTP/1.1 404"));
        let escape = fetch(&server, "GET /../etc/passwd HTTP/1.1\r\n\r\n");
        assert!(escape.starts_with("HTTP/1.1 404"), "{escape}");
        assert!(fetch(&server, "POST / HTTP/1.1\r\n\r\n").starts_with("HTTP/1.1 405"));
        drop(server);
        fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn mime_types_cover_the_trunk_output() {
        assert_eq!(mime_type(Path::new("a/b.wasm")), "application/wasm");
        assert_eq!(
            mime_type(Path::new("x.js")),
            "text/javascript; charset=utf-8"
        );
        assert_eq!(mime_type(Path::new("x.css")), "text/css; charset=utf-8");
        assert_eq!(
            mime_type(Path::new("index.html")),
            "text/html; charset=utf-8"
        );
    }
}
