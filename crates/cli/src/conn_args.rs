//! Connection options shared by `pub` and `sub`, in the spirit of mosquitto_pub/sub.

use std::time::Instant as StdInstant;

use clap::Args;
use mqttscope_proto::client::{
    Authenticator, Client, ClientOptions, Event, Scram, ScramHash, State,
};
use mqttscope_proto::codec::{ProtocolVersion, QoS, Will};

use crate::driver::{self, Driver};
use crate::props::{self, PropertyArg};
use crate::report;

/// The largest MQTT packet: a 268,435,455-byte body, a 4-byte Remaining Length and the
/// first byte.
pub const LARGEST_PACKET: u32 = 268_435_460;

/// How to reach and greet the broker.
#[derive(Args, Debug, Clone)]
pub struct ConnArgs {
    /// Broker host.
    #[arg(short = 'h', long, default_value = "127.0.0.1")]
    pub host: String,
    /// Broker port.
    #[arg(short = 'p', long, default_value_t = 1883)]
    pub port: u16,
    /// Broker URL instead of host/port: tcp://host:port or ws://host:port/path.
    #[arg(long)]
    pub url: Option<String>,
    /// Client identifier (empty: the broker assigns one, MQTT 5).
    #[arg(short = 'i', long = "id", default_value = "")]
    pub client_id: String,
    /// User name.
    #[arg(short = 'u', long)]
    pub username: Option<String>,
    /// Password.
    #[arg(short = 'P', long)]
    pub password: Option<String>,
    /// MQTT 5 enhanced authentication: `scram-sha-256` or `scram-sha-512` with the user
    /// name and password of -u and -P, which then go into the SCRAM exchange and not into
    /// CONNECT (nonces from the system's randomness).
    #[arg(long = "auth", value_name = "METHOD", value_parser = ["scram-sha-256", "scram-sha-512"])]
    pub auth: Option<String>,
    /// Keep alive in seconds.
    #[arg(short = 'k', long = "keepalive", default_value_t = 60)]
    pub keep_alive: u16,
    /// Protocol version: 3 (3.1), 4 (3.1.1) or 5.
    #[arg(short = 'V', long = "protocol-version", default_value_t = 5, value_parser = clap::value_parser!(u8).range(3..=5))]
    pub version: u8,
    /// Keep the session (Clean Start 0) instead of starting clean.
    #[arg(short = 'c', long = "disable-clean-session")]
    pub keep_session: bool,
    /// MQTT 5 property: `-D <connect|publish|subscribe> <name> <value>` (user-property
    /// takes a name and a value).
    #[arg(short = 'D', long = "property", num_args = 3..=4, value_names = ["COMMAND", "NAME", "VALUE"], action = clap::ArgAction::Append)]
    pub properties: Vec<String>,
    /// Will topic.
    #[arg(long)]
    pub will_topic: Option<String>,
    /// Will payload.
    #[arg(long, default_value = "")]
    pub will_payload: String,
    /// Will QoS.
    #[arg(long, default_value_t = 0, value_parser = clap::value_parser!(u8).range(0..=2))]
    pub will_qos: u8,
    /// Retain the will.
    #[arg(long)]
    pub will_retain: bool,
    /// Print every packet's dissection as it goes over the wire (the CONNECT password and
    /// MQTT 5 Authentication Data masked with `*`).
    #[arg(long = "packets")]
    pub packets: bool,
    /// With --packets, print passwords and Authentication Data as they are.
    #[arg(long = "show-secrets")]
    pub show_secrets: bool,
    /// The largest packet accepted from the broker, in bytes (MQTT 5 announces it as
    /// Maximum Packet Size; in MQTT 3 a bigger packet ends the connection). Default: the
    /// largest MQTT packet there is.
    #[arg(long = "receive-limit", default_value_t = LARGEST_PACKET, value_parser = clap::value_parser!(u32).range(16..=LARGEST_PACKET as i64))]
    pub receive_limit: u32,
    /// Print help.
    #[arg(long, action = clap::ArgAction::Help)]
    pub help: Option<bool>,
}

impl ConnArgs {
    /// The protocol version asked for.
    pub fn protocol(&self) -> ProtocolVersion {
        ProtocolVersion::from_level(self.version).unwrap_or(ProtocolVersion::V5)
    }

    /// The client id given, or for MQTT 3 (where the broker may not assign one, and 3.1
    /// requires 1 to 23 characters) a generated `mqttscope-<pid>-<n>`.
    fn client_id_or_generated(&self) -> String {
        if !self.client_id.is_empty() || self.protocol().is_v5() {
            return self.client_id.clone();
        }
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        format!(
            "mqttscope-{}-{}",
            std::process::id() % 100_000,
            nanos % 100_000
        )
    }

    /// The parsed `-D` properties.
    pub fn property_args(&self) -> Result<Vec<PropertyArg>, String> {
        props::parse_all(&self.properties)
    }

    /// Client options from the arguments.
    pub fn options(&self) -> Result<ClientOptions, String> {
        let mut o = ClientOptions {
            version: self.protocol(),
            client_id: self.client_id_or_generated(),
            clean_start: !self.keep_session,
            keep_alive: self.keep_alive,
            receive_limit: self.receive_limit as usize,
            username: self.username.clone(),
            password: self.password.clone().map(String::into_bytes),
            ..ClientOptions::default()
        };
        if self.auth.is_some() {
            // The credentials are SCRAM's: nothing in clear in CONNECT.
            (o.username, o.password) = (None, None);
        }
        if let Some(topic) = &self.will_topic {
            o.will = Some(Will {
                topic: topic.clone().into(),
                payload: self.will_payload.clone().into_bytes().into(),
                qos: QoS::from_u8(self.will_qos).unwrap_or_default(),
                retain: self.will_retain,
                properties: Default::default(),
            });
        }
        for p in self.property_args()? {
            p.apply_connect(&mut o.properties)?;
        }
        Ok(o)
    }

    fn url(&self) -> String {
        self.url
            .clone()
            .unwrap_or_else(|| format!("tcp://{}:{}", self.host, self.port))
    }

    /// Opens the transport, sends CONNECT and waits for CONNACK. Returns the events that
    /// came after it in the same read (a kept session's queued messages can).
    pub fn connect(&self) -> Result<(Driver, Vec<Event>), String> {
        let opts = self.options()?;
        let url = self.url();
        let transport = driver::open(&url).map_err(|e| format!("cannot connect to {url}: {e}"))?;
        let origin = StdInstant::now();
        let mut d = Driver::new(
            Client::new(opts, mqttscope_proto::client::Instant::from_millis(0)),
            transport,
            origin,
        );
        if let Some(a) = self.authenticator()? {
            d.client.set_authenticator(a);
        }
        d.client.connect(d.now()).map_err(|e| e.to_string())?;
        let mut events = d.flush().map_err(|e| e.to_string())?;
        loop {
            let mut rest = events.into_iter();
            for e in rest.by_ref() {
                self.show(&e);
                match e {
                    Event::Disconnected(cause) => {
                        return Err(format!("connection failed: {}", report::cause(&cause)));
                    }
                    Event::Connected { .. } => return Ok((d, rest.collect())),
                    _ => {}
                }
            }
            events = d
                .step(std::time::Duration::from_secs(1))
                .map_err(|e| e.to_string())?;
        }
    }

    /// The SCRAM client `--auth` asks for, with -u and -P.
    fn authenticator(&self) -> Result<Option<Box<dyn Authenticator>>, String> {
        let Some(method) = &self.auth else {
            return Ok(None);
        };
        let hash = match method.as_str() {
            "scram-sha-512" => ScramHash::Sha512,
            _ => ScramHash::Sha256,
        };
        if !self.protocol().is_v5() {
            return Err("--auth needs MQTT 5 (-V 5)".into());
        }
        let (Some(user), Some(password)) = (&self.username, &self.password) else {
            return Err("--auth needs a user name (-u) and a password (-P)".into());
        };
        // An empty nonce (no randomness) makes the exchange fail: never a fixed one.
        let nonces = Box::new(|| crate::entropy::nonce().unwrap_or_default());
        Ok(Some(Box::new(Scram::with_nonces(
            hash, user, password, nonces,
        ))))
    }

    /// Prints a packet event when `--packets` is on.
    pub fn show(&self, e: &Event) {
        if self.packets {
            if let Event::Packet(r) = e {
                eprint!("{}", report::packet(r, self.protocol(), self.show_secrets));
            }
        }
    }
}

/// Ends a session politely if it is still up.
pub fn finish(d: &mut Driver, args: &ConnArgs) {
    if d.client.state() == State::Connected {
        let reason = mqttscope_proto::ReasonCode::Success;
        if d.client.disconnect(d.now(), reason).is_ok() {
            if let Ok(events) = d.flush() {
                events.iter().for_each(|e| args.show(e));
            }
        }
    }
}
