//! `mqttscope-bench broker --bin <mqttscope> [--rounds N]`: `mqttscope broker` against
//! mosquitto under the same load generator ([`crate::broker_load`]). Every round runs
//! every workload once on each broker, each run on a fresh broker process on a free
//! loopback port, so that its CPU time (`/proc/<pid>/stat`, user + system) and peak RSS
//! (`VmHWM` in `/proc/<pid>/status`) belong to that workload alone. Prints a JSON line per
//! workload and broker (medians, min and max over the rounds), a ratio line per workload,
//! and a table on stderr.

use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use crate::broker_load::{self, Workload};

const WORKLOADS: [Workload; 6] = [
    w("1to1 qos0 32B", 1, 1, 0, 32, 200_000),
    w("1to1 qos1 32B", 1, 1, 1, 32, 50_000),
    w("1to1 qos0 4KiB", 1, 1, 0, 4096, 50_000),
    w("1to1 qos1 4KiB", 1, 1, 1, 4096, 20_000),
    w("fanout 1to100 qos0 32B", 1, 100, 0, 32, 2_000),
    w("fanin 100to1 qos0 32B", 100, 1, 0, 32, 2_000),
];

const fn w(
    name: &'static str,
    publishers: usize,
    subscribers: usize,
    qos: u8,
    payload: usize,
    messages: usize,
) -> Workload {
    Workload {
        name,
        publishers,
        subscribers,
        qos,
        payload,
        messages,
    }
}

/// What `mqttscope broker` runs with. mosquitto runs with `max_queued_messages 0` and
/// holds whatever a subscriber has not read yet without limit; ours gets a session queue
/// and a per-connection output budget (256 MiB; 8 MiB by default, past which a 4 KiB QoS 0
/// flood into one subscriber closed it as too slow in some rounds) as large as any
/// workload needs, so that both deliver every message.
const OUR_ARGS: [&str; 4] = ["--max-queued", "1000000", "--out-buffer", "268435456"];

/// Clock ticks per second of `/proc/<pid>/stat` (`getconf CLK_TCK`; 100 on Linux).
const TICKS: f64 = 100.0;

/// A broker process, killed on drop.
struct Proc {
    child: Child,
    port: u16,
    dir: Option<PathBuf>,
}

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if let Some(dir) = &self.dir {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

impl Proc {
    /// CPU seconds (user + system) and peak RSS in KiB so far.
    fn usage(&self) -> Result<(f64, u64), String> {
        let pid = self.child.id();
        let stat =
            std::fs::read_to_string(format!("/proc/{pid}/stat")).map_err(|e| e.to_string())?;
        let rest = stat.rsplit(')').next().unwrap_or_default();
        let fields: Vec<&str> = rest.split_whitespace().collect();
        // Fields 14 and 15 of stat (utime, stime); `rest` starts at field 3.
        let tick = |i: usize| {
            fields
                .get(i)
                .and_then(|f| f.parse::<u64>().ok())
                .unwrap_or(0)
        };
        let cpu = (tick(11) + tick(12)) as f64 / TICKS;
        let status =
            std::fs::read_to_string(format!("/proc/{pid}/status")).map_err(|e| e.to_string())?;
        let hwm = status
            .lines()
            .find_map(|l| l.strip_prefix("VmHWM:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap_or(0);
        Ok((cpu, hwm))
    }
}

fn free_port() -> Result<u16, String> {
    let l = TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
    Ok(l.local_addr().map_err(|e| e.to_string())?.port())
}

fn mosquitto_bin() -> &'static str {
    if Path::new("/usr/sbin/mosquitto").exists() {
        "/usr/sbin/mosquitto"
    } else {
        "mosquitto"
    }
}

/// mosquitto's version line, e.g. "mosquitto 2.0.11".
fn mosquitto_name() -> String {
    let out = Command::new(mosquitto_bin()).arg("-h").output();
    let text = out
        .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
        .unwrap_or_default();
    text.lines()
        .next()
        .and_then(|l| l.split("version ").nth(1))
        .map_or("mosquitto".into(), |v| format!("mosquitto {}", v.trim()))
}

fn start_mosquitto(round: usize) -> Result<Proc, String> {
    let port = free_port()?;
    let dir = std::env::temp_dir().join(format!(
        "mqttscope-bench-broker-{}-{round}",
        std::process::id()
    ));
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let conf = dir.join("mosquitto.conf");
    let text = format!(
        "allow_anonymous true\npersistence false\nlog_dest none\nmax_queued_messages 0\n\
         listener {port} 127.0.0.1\n"
    );
    std::fs::write(&conf, text).map_err(|e| e.to_string())?;
    let child = Command::new(mosquitto_bin())
        .arg("-c")
        .arg(&conf)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot start mosquitto: {e}"))?;
    let p = Proc {
        child,
        port,
        dir: Some(dir),
    };
    wait_listening(port)?;
    Ok(p)
}

fn start_ours(bin: &Path, extra: &[String]) -> Result<Proc, String> {
    let mut child = Command::new(bin)
        .args(["broker", "--port", "0", "--ws-port", "0", "--quiet"])
        .args(OUR_ARGS)
        .args(extra)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot start {}: {e}", bin.display()))?;
    let stderr = child.stderr.take().ok_or("no stderr")?;
    let mut lines = BufReader::new(stderr).lines();
    let port = loop {
        let Some(Ok(line)) = lines.next() else {
            return Err("mqttscope broker printed no port".into());
        };
        if let Some(addr) = line.strip_prefix("listening on tcp ") {
            break addr
                .rsplit(':')
                .next()
                .and_then(|p| p.parse().ok())
                .ok_or(line.clone())?;
        }
    };
    std::thread::spawn(move || lines.for_each(drop));
    Ok(Proc {
        child,
        port,
        dir: None,
    })
}

fn wait_listening(port: u16) -> Result<(), String> {
    for _ in 0..200 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(25));
    }
    Err(format!("no broker listening on {port}"))
}

/// One run's figures.
#[derive(Clone, Copy)]
struct Sample {
    rate: f64,
    cpu: f64,
    rss_kib: f64,
    received: u64,
}

fn measure(rt: &tokio::runtime::Runtime, p: &Proc, w: Workload) -> Result<Sample, String> {
    let before = p.usage()?.0;
    let outcome = rt.block_on(broker_load::run(p.port, w))?;
    let (cpu, hwm) = p.usage()?;
    Ok(Sample {
        rate: outcome.received as f64 / outcome.elapsed.as_secs_f64().max(1e-9),
        cpu: cpu - before,
        rss_kib: hwm as f64,
        received: outcome.received,
    })
}

fn median(mut v: Vec<f64>) -> (f64, f64, f64) {
    v.sort_by(f64::total_cmp);
    (v[v.len() / 2], v[0], v[v.len() - 1])
}

fn stats(samples: &[Sample], f: impl Fn(&Sample) -> f64, decimals: usize) -> (f64, String) {
    let (m, lo, hi) = median(samples.iter().map(f).collect());
    let json =
        format!("{{\"median\":{m:.decimals$},\"min\":{lo:.decimals$},\"max\":{hi:.decimals$}}}");
    (m, json)
}

/// The medians of one workload on one broker: msgs/s, CPU s, peak RSS KiB.
type Medians = (f64, f64, f64);

fn report(w: &Workload, name: &str, samples: &[Sample]) -> Medians {
    let (rate, rate_json) = stats(samples, |s| s.rate, 0);
    let (cpu, cpu_json) = stats(samples, |s| s.cpu, 2);
    let (rss, rss_json) = stats(samples, |s| s.rss_kib, 0);
    let least = samples.iter().map(|s| s.received).min().unwrap_or(0);
    if least < w.deliveries() {
        eprintln!(
            "warning: {name} lost messages in {}: {least} of {} in its worst round (its msgs/s \
             count only what arrived)",
            w.name,
            w.deliveries()
        );
    }
    println!(
        "{{\"bench\":\"broker\",\"workload\":\"{}\",\"impl\":\"{name}\",\"rounds\":{},\
         \"expected\":{},\"least_received\":{least},\"msgs_per_s\":{rate_json},\
         \"cpu_s\":{cpu_json},\"peak_rss_kib\":{rss_json}}}",
        w.name,
        samples.len(),
        w.deliveries()
    );
    (rate, cpu, rss)
}

/// Runs the broker benchmark: `rounds` rounds, each broker once per workload per round;
/// only the workloads whose name contains `only`; `extra` arguments for our broker.
pub fn run(bin: &Path, rounds: usize, only: &str, extra: &[String]) -> Result<(), String> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    let peer = mosquitto_name();
    let mut rows = Vec::new();
    for w in WORKLOADS.into_iter().filter(|w| w.name.contains(only)) {
        let (mut ours, mut theirs) = (Vec::new(), Vec::new());
        for round in 0..rounds {
            let p = start_ours(bin, extra)?;
            ours.push(measure(&rt, &p, w)?);
            drop(p);
            let p = start_mosquitto(round)?;
            theirs.push(measure(&rt, &p, w)?);
        }
        let a = report(&w, "mqttscope", &ours);
        let b = report(&w, &peer, &theirs);
        let complete = ours.iter().all(|s| s.received == w.deliveries());
        println!(
            "{{\"bench\":\"broker\",\"workload\":\"{}\",\"ratio\":\"mqttscope/{peer}\",\
             \"throughput\":{:.2},\"cpu_time\":{:.2},\"peak_rss\":{:.2},\"target\":1.0,\"met\":{}}}",
            w.name,
            a.0 / b.0,
            a.1 / b.1,
            a.2 / b.2,
            complete && a.0 >= b.0
        );
        rows.push((w, a, b));
    }
    table(&peer, &rows);
    Ok(())
}

/// The results as a Markdown table on stderr.
fn table(peer: &str, rows: &[(Workload, Medians, Medians)]) {
    eprintln!("\n| workload | mqttscope msgs/s | {peer} msgs/s | ratio | CPU s (ours / theirs) | peak RSS MiB (ours / theirs) |");
    eprintln!("| --- | --- | --- | --- | --- | --- |");
    for (w, a, b) in rows {
        eprintln!(
            "| {} | {:.0}k | {:.0}k | {:.2}x | {:.2} / {:.2} | {:.1} / {:.1} |",
            w.name,
            a.0 / 1e3,
            b.0 / 1e3,
            a.0 / b.0,
            a.1,
            b.1,
            a.2 / 1024.0,
            b.2 / 1024.0
        );
    }
}
