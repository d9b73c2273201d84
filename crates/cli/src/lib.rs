//! `mqttscope`: MQTT on the command line, and the native driver behind it.
//!
//! - `mqttscope dissect <hex> [-V 3|4|5] [--json]` explains every byte of one or more
//!   packets, like `tshark -V`, or as JSON for scripts. Exit status: 0 for well-formed
//!   input, 1 for a malformed packet, 2 for unusable input (bad hex, bad arguments).
//! - `mqttscope pub` and `mqttscope sub` publish and subscribe over TCP or WebSocket with
//!   options in the spirit of mosquitto_pub / mosquitto_sub; `--packets` prints every
//!   packet's dissection as it goes over the wire. `sub --decode` prints each payload
//!   decoded (JSON, CBOR, MessagePack, raw protobuf, binary numbers, text, hex, base64,
//!   or `auto`), and `pub --encode cbor|msgpack` publishes a JSON message in that encoding.
//! - `mqttscope broker` runs an MQTT 3.1/3.1.1/5.0 broker (the `mqttscope-broker` state
//!   machine on tokio) on TCP and WebSocket, on 127.0.0.1 unless told otherwise.

#![forbid(unsafe_code)]
#![deny(missing_docs)]

use std::io::Read;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

pub mod broker;
mod conn_args;
mod dissect_cmd;
pub mod driver;
mod entropy;
mod payload;
mod props;
mod pub_cmd;
pub mod report;
mod sub_cmd;

/// MQTT client and protocol inspector.
#[derive(Parser)]
#[command(name = "mqttscope", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Explain every byte of MQTT packets given as hex.
    Dissect {
        /// Hex bytes (`30 0a …`, `0x30,0x0a`, `300a…`); `-` reads them from stdin.
        hex: String,
        /// Protocol version: 3 (3.1), 4 (3.1.1) or 5. A CONNECT switches to the level it names.
        #[arg(short = 'V', long = "protocol-version", default_value_t = 5, value_parser = clap::value_parser!(u8).range(3..=5))]
        version: u8,
        /// Print JSON (fields and error) instead of a text tree.
        #[arg(long)]
        json: bool,
    },
    /// Publish messages (like mosquitto_pub).
    #[command(disable_help_flag = true)]
    Pub(pub_cmd::PubArgs),
    /// Subscribe and print messages (like mosquitto_sub).
    #[command(disable_help_flag = true)]
    Sub(sub_cmd::SubArgs),
    /// Run an MQTT broker on TCP and WebSocket (127.0.0.1:1883 and :9001).
    Broker(broker::BrokerArgs),
}

/// Parses the command line and runs the command.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Dissect { hex, version, json } => {
            let input = match read_input(hex) {
                Ok(s) => s,
                Err(e) => {
                    eprintln!("mqttscope: cannot read stdin: {e}");
                    return ExitCode::from(2);
                }
            };
            dissect_cmd::run(&input, version, json)
        }
        Command::Pub(a) => pub_cmd::run(a),
        Command::Sub(a) => sub_cmd::run(a),
        Command::Broker(a) => broker::run(a),
    }
}

fn read_input(arg: String) -> std::io::Result<String> {
    if arg != "-" {
        return Ok(arg);
    }
    let mut s = String::new();
    std::io::stdin().read_to_string(&mut s)?;
    Ok(s)
}
