//! `mqttscope sub`: subscribe and print messages.

use std::io::Write;
use std::process::ExitCode;
use std::time::{Duration, Instant as StdInstant};

use clap::Args;
use mqttscope_proto::client::Event;
use mqttscope_proto::codec::Publish;
use mqttscope_proto::codec::{QoS, SubscribeProperties, Subscription};

use crate::conn_args::{finish, ConnArgs};
use crate::{payload, report};

/// Arguments of `mqttscope sub`.
#[derive(Args, Debug)]
pub struct SubArgs {
    #[command(flatten)]
    conn: ConnArgs,
    /// Topic filter to subscribe to (repeatable).
    #[arg(short = 't', long = "topic", required = true)]
    topics: Vec<String>,
    /// Maximum QoS.
    #[arg(short = 'q', long, default_value_t = 0, value_parser = clap::value_parser!(u8).range(0..=2))]
    qos: u8,
    /// Print the topic before each payload.
    #[arg(short = 'v', long)]
    verbose: bool,
    /// Exit after this many messages.
    #[arg(short = 'C', long)]
    count: Option<u64>,
    /// Exit after this many seconds without the count reached.
    #[arg(short = 'W', long)]
    timeout: Option<u64>,
    /// MQTT 5 No Local: do not receive our own publications.
    #[arg(long)]
    no_local: bool,
    /// Print each payload decoded: auto, json, cbor, msgpack, protobuf-raw,
    /// protobuf=FILE.proto:package.Type (imports are read from the file's folder), sparkplug,
    /// text, hex, base64, or a binary number (int8, uint8, int16be, int16le, uint16be, ...,
    /// int64le, uint64be, float32be, float64le). `auto` goes by the MQTT 5 Content Type and
    /// Payload Format Indicator, then by the topic (Sparkplug B) and the content, and prefixes
    /// each line with its choice and how sure it is (`[cbor, likely]`). Sparkplug B messages
    /// are followed across messages: births name the metrics later sent by alias, and what a
    /// host would notice (sequence gaps, unknown aliases, stale deaths) follows the value
    /// after `  # `. A payload that does not decode prints `! <decoder>: at byte N: <why>`.
    #[arg(long, value_parser = payload::parse_decode)]
    decode: Option<payload::Decode>,
}

/// Runs `mqttscope sub`.
pub fn run(a: SubArgs) -> ExitCode {
    match subscribe(&a) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("mqttscope sub: {e}");
            ExitCode::from(1)
        }
    }
}

fn subscriptions(a: &SubArgs) -> Vec<Subscription<'static>> {
    let qos = QoS::from_u8(a.qos).unwrap_or_default();
    a.topics
        .iter()
        .map(|t| {
            let mut s = Subscription::new(t.clone(), qos);
            s.options.no_local = a.no_local;
            s
        })
        .collect()
}

fn subscribe(a: &SubArgs) -> Result<(), String> {
    let mut props = SubscribeProperties::default();
    for p in a.conn.property_args()? {
        p.apply_subscribe(&mut props)?;
    }
    let (mut d, mut events) = a.conn.connect()?;
    d.client
        .subscribe(d.now(), subscriptions(a), props)
        .map_err(|e| e.to_string())?;
    let started = StdInstant::now();
    let mut seen = 0u64;
    let mut printer = a.decode.clone().map(payload::Printer::new);
    // Messages of a kept session may have come with CONNACK already.
    events.extend(d.flush().map_err(|e| e.to_string())?);
    loop {
        for e in events.drain(..) {
            a.conn.show(&e);
            match e {
                Event::Subscribed { reasons, .. } => check_granted(a, &reasons)?,
                Event::Message(m) => {
                    print_message(a, &mut printer, &m);
                    seen += 1;
                }
                Event::Disconnected(cause) => return Err(report::cause(&cause)),
                _ => {}
            }
        }
        if a.count.is_some_and(|c| seen >= c) {
            break;
        }
        if a.timeout
            .is_some_and(|w| started.elapsed() >= Duration::from_secs(w))
        {
            finish(&mut d, &a.conn);
            return Err(format!("timed out after {seen} message(s)"));
        }
        events = d
            .step(Duration::from_millis(200))
            .map_err(|e| e.to_string())?;
    }
    finish(&mut d, &a.conn);
    Ok(())
}

fn check_granted(a: &SubArgs, reasons: &[mqttscope_proto::ReasonCode]) -> Result<(), String> {
    for (topic, r) in a.topics.iter().zip(reasons) {
        if r.is_error() {
            return Err(format!("subscription to {topic:?} refused: {r}"));
        }
    }
    Ok(())
}

fn print_message(a: &SubArgs, printer: &mut Option<payload::Printer>, m: &Publish<'_>) {
    let mut out = std::io::stdout().lock();
    if a.verbose {
        let _ = write!(out, "{} ", m.topic);
    }
    match printer {
        Some(p) => {
            let hints = mqttscope_payload::Hints {
                utf8: m.properties.payload_format_indicator(),
                content_type: m.properties.content_type(),
                topic: Some(&m.topic),
            };
            let _ = out.write_all(p.line(&m.payload, hints).as_bytes());
        }
        None => {
            let _ = out.write_all(&m.payload);
        }
    }
    let _ = out.write_all(b"\n");
    let _ = out.flush();
}
