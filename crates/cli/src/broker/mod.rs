//! `mqttscope broker`: the sans-IO `mqttscope-broker` state machine on tokio, over TCP and
//! WebSocket.
//!
//! One task owns the [`mqttscope_broker::Broker`] ([`server`]); each connection is a task
//! ([`net`]) that sends it bytes and closes over one bounded channel and gets its packets
//! over a bounded channel of its own ([`link`]). The runtime is tokio's multi-thread one:
//! the broker task runs on the main thread (`block_on`) and the connection tasks on
//! worker threads (one by default, `threads` to change), so that on a 2-core machine
//! routing and socket I/O run side by side instead of taking turns.

use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use clap::Args;
use tokio::net::TcpListener;
use tokio::sync::mpsc;

mod config;
mod link;
mod log;
mod net;
mod server;

pub use config::Settings;
use link::Transport;
use log::{Log, LogOptions};

/// Inputs that may wait for the broker task (each at most one 64 KiB read: 16 MiB).
const INPUT_QUEUE: usize = 256;
/// Sockets beyond `max_connections` accepted at once (to be refused by the broker,
/// or still in their WebSocket handshake).
const SPARE_SOCKETS: usize = 64;

/// The config file format, shown by `mqttscope broker --help`.
const CONFIG_HELP: &str = "\
Config file (--config FILE): one `key = value` per line; `#` starts a comment line.
Keys are the long flags' names, with `_` or `-`: bind, port, ws_port, ws_path,
max_connections, session_expiry_cap, max_queued, max_packet_size, user and scram_user
(repeatable, name:password), allow_anonymous and topic_aliases (true or false), out_buffer, threads.
Flags given on the command line override the file; an unknown key or a value that cannot
be read stops the broker with the line's number. Example:

    port = 1883
    ws_port = 9001
    user = alice:secret
    scram_user = bob:secret
    allow_anonymous = false
    max_queued = 10000

Output: `listening on tcp ADDR` and `listening on ws ADDR` on stderr once bound (with
port 0, the port picked); connections, disconnections, rules broken, wills and, with
--packets, every packet's dissection on stdout. Ctrl-C or SIGTERM stops the broker:
MQTT 5 clients get DISCONNECT 0x8B (Server shutting down), then every connection closes.";

/// Arguments of `mqttscope broker`.
#[derive(Args, Debug, Default)]
#[command(after_long_help = CONFIG_HELP)]
pub struct BrokerArgs {
    /// Read settings from this file (see below); flags override it.
    #[arg(long, value_name = "FILE")]
    config: Option<std::path::PathBuf>,
    /// Address to listen on [default: 127.0.0.1].
    #[arg(long, value_name = "ADDR")]
    bind: Option<String>,
    /// TCP port; 0 picks a free one [default: 1883].
    #[arg(long)]
    port: Option<String>,
    /// WebSocket port; 0 picks a free one [default: 9001].
    #[arg(long)]
    ws_port: Option<String>,
    /// Accept WebSocket connections on this path only [default: any path].
    #[arg(long, value_name = "PATH")]
    ws_path: Option<String>,
    /// Open connections at once [default: 1000].
    #[arg(long, value_name = "N")]
    max_connections: Option<String>,
    /// Longest Session Expiry Interval granted, in seconds [default: 86400].
    #[arg(long, value_name = "SECONDS")]
    session_expiry_cap: Option<String>,
    /// QoS 1/2 messages a session may hold queued [default: 1000].
    #[arg(long, value_name = "N")]
    max_queued: Option<String>,
    /// Largest packet accepted, in bytes [default: 1048576].
    #[arg(long, value_name = "BYTES")]
    max_packet_size: Option<String>,
    /// A user, `name:password` (repeatable). With users, anonymous clients are refused
    /// unless --allow-anonymous.
    #[arg(long = "user", value_name = "NAME:PASSWORD")]
    users: Vec<String>,
    /// A user for MQTT 5 enhanced authentication with SCRAM-SHA-256 or SCRAM-SHA-512,
    /// `name:password` (repeatable; a random salt each, 4096 iterations; the password is
    /// not kept). With users, anonymous clients are refused unless --allow-anonymous.
    #[arg(long = "scram-user", value_name = "NAME:PASSWORD")]
    scram_users: Vec<String>,
    /// Accept clients without a user name even when users are configured.
    #[arg(long)]
    allow_anonymous: bool,
    /// Assign Topic Aliases to messages for MQTT 5 clients that allow them.
    #[arg(long)]
    topic_aliases: bool,
    /// Bytes that may wait for one connection's socket before it is closed as too slow
    /// [default: 8388608].
    #[arg(long, value_name = "BYTES")]
    out_buffer: Option<String>,
    /// Worker threads for the connections (the broker itself runs on the main thread)
    /// [default: 1].
    #[arg(long, value_name = "N")]
    threads: Option<String>,
    /// Print every packet's dissection with its connection and client id (passwords and
    /// Authentication Data masked).
    #[arg(long)]
    packets: bool,
    /// With --packets, print passwords and Authentication Data as they are.
    #[arg(long)]
    show_secrets: bool,
    /// No lines for connections and other events.
    #[arg(short, long)]
    quiet: bool,
}

impl BrokerArgs {
    /// The flags given, as config `key = value` pairs.
    fn pairs(&self) -> Vec<(&'static str, String)> {
        let options = [
            ("bind", &self.bind),
            ("port", &self.port),
            ("ws_port", &self.ws_port),
            ("ws_path", &self.ws_path),
            ("max_connections", &self.max_connections),
            ("session_expiry_cap", &self.session_expiry_cap),
            ("max_queued", &self.max_queued),
            ("max_packet_size", &self.max_packet_size),
            ("out_buffer", &self.out_buffer),
            ("threads", &self.threads),
        ];
        let mut pairs: Vec<(&str, String)> = options
            .into_iter()
            .filter_map(|(k, v)| v.clone().map(|v| (k, v)))
            .collect();
        pairs.extend(self.users.iter().map(|u| ("user", u.clone())));
        pairs.extend(self.scram_users.iter().map(|u| ("scram_user", u.clone())));
        for (key, on) in [
            ("allow_anonymous", self.allow_anonymous),
            ("topic_aliases", self.topic_aliases),
        ] {
            if on {
                pairs.push((key, "true".into()));
            }
        }
        pairs
    }

    /// Defaults, then the config file, then the flags.
    pub fn settings(&self) -> Result<Settings, String> {
        let mut s = Settings::default();
        if let Some(path) = &self.config {
            let text = std::fs::read_to_string(path)
                .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            s.apply_file(&text)
                .map_err(|e| format!("{}: {e}", path.display()))?;
        }
        for (key, value) in self.pairs() {
            s.set(key, &value)
                .map_err(|e| format!("--{}: {e}", key.replace('_', "-")))?;
        }
        Ok(s)
    }

    fn log_options(&self) -> LogOptions {
        LogOptions {
            quiet: self.quiet,
            packets: self.packets,
            show_secrets: self.show_secrets,
        }
    }
}

/// Runs `mqttscope broker` until Ctrl-C or SIGTERM.
pub fn run(args: BrokerArgs) -> ExitCode {
    let result = args.settings().and_then(|s| {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(s.threads)
            .enable_all()
            .build()
            .map_err(|e| format!("cannot start the runtime: {e}"))?;
        runtime.block_on(serve(s, args.log_options()))
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("mqttscope broker: {e}");
            ExitCode::from(1)
        }
    }
}

/// Binds both listeners, prints their addresses, and runs the broker task until a
/// signal; then ends every connection and waits (briefly) for them to flush.
async fn serve(s: Settings, log: LogOptions) -> Result<(), String> {
    let tcp = bind(s.bind, s.port, "tcp").await?;
    let ws = bind(s.bind, s.ws_port, "ws").await?;
    let opts = s.broker_options();
    let sockets = opts.max_connections.saturating_add(SPARE_SOCKETS);
    let (to_broker, inputs) = mpsc::channel(INPUT_QUEUE);
    let mut shared = net::Shared::new(to_broker, sockets, opts.max_packet_size);
    shared.ws_path = s.ws_path.clone();
    shared.quiet = log.quiet;
    let shared = Arc::new(shared);
    let accepting = [
        tokio::spawn(net::accept_loop(tcp, Transport::Tcp, shared.clone())),
        tokio::spawn(net::accept_loop(ws, Transport::Ws, shared.clone())),
    ];
    let server = server::Server::new(opts, Log::new(log), s.out_buffer);
    server.run(inputs, shutdown_signal()).await;
    accepting.iter().for_each(|t| t.abort());
    // Every connection task holds a permit: all back means all closed.
    let all = u32::try_from(sockets).unwrap_or(u32::MAX);
    let _ = tokio::time::timeout(Duration::from_secs(3), shared.permits.acquire_many(all)).await;
    Ok(())
}

async fn bind(ip: std::net::IpAddr, port: u16, name: &str) -> Result<TcpListener, String> {
    let addr = SocketAddr::new(ip, port);
    let listener = TcpListener::bind(addr)
        .await
        .map_err(|e| format!("cannot listen on {name} {addr}: {e}"))?;
    let local = listener.local_addr().map_err(|e| e.to_string())?;
    eprintln!("listening on {name} {local}");
    Ok(listener)
}

/// Resolves on Ctrl-C (SIGINT) or SIGTERM.
async fn shutdown_signal() {
    let interrupt = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {}
        () = terminate => {}
    }
}
