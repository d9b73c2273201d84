//! `mqttscope pub`: publish messages and wait until each QoS 1/2 message is acknowledged.

use std::collections::HashSet;
use std::io::{BufRead, Read};
use std::process::ExitCode;
use std::time::Duration;

use clap::Args;
use mqttscope_proto::client::{ClientError, Event, Message, PublishHandle};
use mqttscope_proto::codec::QoS;

use crate::conn_args::{finish, ConnArgs};
use crate::driver::Driver;
use crate::{payload, report};

/// Arguments of `mqttscope pub`.
#[derive(Args, Debug)]
pub struct PubArgs {
    #[command(flatten)]
    conn: ConnArgs,
    /// Topic to publish to.
    #[arg(short = 't', long)]
    topic: String,
    /// The message.
    #[arg(short = 'm', long, conflicts_with_all = ["file", "null_message", "stdin_lines", "stdin_file"])]
    message: Option<String>,
    /// Send the contents of a file as the message.
    #[arg(short = 'f', long)]
    file: Option<std::path::PathBuf>,
    /// Send an empty message.
    #[arg(short = 'n', long = "null-message")]
    null_message: bool,
    /// Send each line of stdin as a message.
    #[arg(short = 'l', long = "stdin-line")]
    stdin_lines: bool,
    /// Send all of stdin as one message.
    #[arg(short = 's', long = "stdin-file")]
    stdin_file: bool,
    /// QoS 0, 1 or 2.
    #[arg(short = 'q', long, default_value_t = 0, value_parser = clap::value_parser!(u8).range(0..=2))]
    qos: u8,
    /// Retain the message.
    #[arg(short = 'r', long)]
    retain: bool,
    /// Take each message as JSON text and publish it encoded: cbor, msgpack, or
    /// protobuf=FILE.proto:package.Type (imports are read from the file's folder). With
    /// MQTT 5 the message declares its Content Type (`application/cbor`,
    /// `application/vnd.msgpack`, `application/protobuf; proto=package.Type`) unless
    /// `--property publish:content-type:...` gives one.
    #[arg(long, value_parser = payload::parse_encode)]
    encode: Option<payload::Encode>,
    /// Publish the message this many times.
    #[arg(long, default_value_t = 1)]
    repeat: u64,
}

/// Runs `mqttscope pub`.
pub fn run(a: PubArgs) -> ExitCode {
    match publish_all(&a) {
        Ok(0) => ExitCode::SUCCESS,
        Ok(failed) => {
            eprintln!("mqttscope pub: {failed} message(s) were refused by the broker");
            ExitCode::from(1)
        }
        Err(e) => {
            eprintln!("mqttscope pub: {e}");
            ExitCode::from(1)
        }
    }
}

fn payloads(a: &PubArgs) -> Result<Box<dyn Iterator<Item = Vec<u8>>>, String> {
    let one = |p: Vec<u8>| -> Box<dyn Iterator<Item = Vec<u8>>> {
        Box::new(std::iter::repeat_n(p, a.repeat as usize))
    };
    if let Some(m) = &a.message {
        return Ok(one(m.clone().into_bytes()));
    }
    if let Some(f) = &a.file {
        return Ok(one(
            std::fs::read(f).map_err(|e| format!("cannot read {}: {e}", f.display()))?
        ));
    }
    if a.stdin_file {
        let mut buf = Vec::new();
        std::io::stdin()
            .read_to_end(&mut buf)
            .map_err(|e| e.to_string())?;
        return Ok(one(buf));
    }
    if a.stdin_lines {
        // Streamed: one line is read, published, and dropped before the next.
        let lines = std::io::stdin()
            .lock()
            .lines()
            .map_while(Result::ok)
            .map(String::into_bytes);
        return Ok(Box::new(lines));
    }
    if a.null_message {
        return Ok(one(Vec::new()));
    }
    Err("give a message with -m, -f, -n, -l or -s".into())
}

fn message(a: &PubArgs, payload: Vec<u8>) -> Result<Message, String> {
    let mut m =
        Message::new(a.topic.clone(), payload).with_qos(QoS::from_u8(a.qos).unwrap_or_default());
    m.retain = a.retain;
    for p in a.conn.property_args()? {
        p.apply_publish(&mut m.properties)?;
    }
    if let Some(e) = a.encode.as_ref().filter(|_| a.conn.version == 5) {
        let declared = &mut m.properties.content_type;
        declared.get_or_insert_with(|| e.content_type().into());
    }
    Ok(m)
}

/// Publishes everything; returns how many messages the broker refused.
fn publish_all(a: &PubArgs) -> Result<usize, String> {
    let payloads = payloads(a)?;
    let (mut d, early) = a.conn.connect()?;
    let mut failed = handle(early, a, &mut HashSet::new())?;
    let mut pending = HashSet::new();
    for body in payloads {
        let body = match &a.encode {
            Some(e) => payload::encode(e, &body)?,
            None => body,
        };
        let msg = message(a, body)?;
        loop {
            match d.client.publish(d.now(), msg.clone()) {
                Ok(h) => {
                    if a.qos > 0 {
                        pending.insert(h);
                    }
                    break;
                }
                // The queue is bounded: let acknowledgements drain it.
                Err(ClientError::QueueFull { .. }) => {
                    failed += pump(&mut d, a, &mut pending, Duration::from_millis(50))?
                }
                Err(e) => return Err(e.to_string()),
            }
        }
        failed += handle(d.flush().map_err(|e| e.to_string())?, a, &mut pending)?;
    }
    while !pending.is_empty() {
        failed += pump(&mut d, a, &mut pending, Duration::from_secs(1))?;
    }
    finish(&mut d, &a.conn);
    Ok(failed)
}

fn pump(
    d: &mut Driver,
    a: &PubArgs,
    pending: &mut HashSet<PublishHandle>,
    wait: Duration,
) -> Result<usize, String> {
    let events = d.step(wait).map_err(|e| e.to_string())?;
    handle(events, a, pending)
}

fn handle(
    events: Vec<Event>,
    a: &PubArgs,
    pending: &mut HashSet<PublishHandle>,
) -> Result<usize, String> {
    let mut failed = 0;
    for e in events {
        a.conn.show(&e);
        match e {
            Event::PublishDone { handle, reason } => {
                pending.remove(&handle);
                if reason.is_error() {
                    eprintln!("refused: {reason}");
                    failed += 1;
                }
            }
            Event::Disconnected(cause) => return Err(report::cause(&cause)),
            _ => {}
        }
    }
    Ok(failed)
}
