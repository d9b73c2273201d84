//! A saved connection's settings, as the connect form edits them, and how they become the
//! core's [`ClientOptions`].

use std::num::NonZeroU16;
use std::time::Duration;

use mqttscope_proto::client::{
    Authenticator, ClientOptions, NonceSource, ReconnectPolicy, Scram, ScramHash, TopicAliasPolicy,
    DEFAULT_RECEIVE_LIMIT,
};
use mqttscope_proto::codec::{
    ConnectProperties, ProtocolVersion, QoS, UserProperty, Will, WillProperties,
};

use crate::model::payload::{self, PayloadFormat};

/// Enhanced authentication (MQTT 5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AuthMethod {
    /// Username and password in CONNECT only.
    #[default]
    None,
    /// SCRAM-SHA-256 (RFC 7677).
    ScramSha256,
    /// SCRAM-SHA-512.
    ScramSha512,
}

impl AuthMethod {
    /// Every method, for the form's menu.
    pub const ALL: [AuthMethod; 3] = [Self::None, Self::ScramSha256, Self::ScramSha512];

    /// The name shown and stored.
    pub fn label(self) -> &'static str {
        match self {
            Self::None => "none",
            Self::ScramSha256 => "SCRAM-SHA-256",
            Self::ScramSha512 => "SCRAM-SHA-512",
        }
    }

    /// The method named `label`.
    pub fn from_label(label: &str) -> Self {
        Self::ALL
            .into_iter()
            .find(|m| m.label() == label)
            .unwrap_or_default()
    }
}

/// The core's outbound Topic Alias policies (MQTT 5), each with the name it is saved
/// under and what the form's menu says about it.
pub const ALIAS_POLICIES: [(TopicAliasPolicy, &str, &str); 2] = [
    (
        TopicAliasPolicy::Off,
        "off",
        "off · the full topic in every PUBLISH",
    ),
    (
        TopicAliasPolicy::Lru,
        "lru",
        "on · a topic once, then only its alias; past the broker's Topic Alias Maximum \
         the least recently used alias is reused",
    ),
];

/// The name `policy` is saved under.
pub fn alias_policy_name(policy: TopicAliasPolicy) -> &'static str {
    ALIAS_POLICIES
        .iter()
        .find(|(p, ..)| *p == policy)
        .map_or("off", |(_, name, _)| name)
}

/// The policy saved as `name` (off for a name it does not know).
pub fn alias_policy_from_name(name: &str) -> TopicAliasPolicy {
    ALIAS_POLICIES
        .iter()
        .find(|(_, n, _)| *n == name)
        .map_or(TopicAliasPolicy::Off, |(p, ..)| *p)
}

/// The will message, as the form edits it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WillSettings {
    /// Topic.
    pub topic: String,
    /// Payload, in `format`.
    pub payload: String,
    /// How `payload` is written.
    pub format: PayloadFormat,
    /// QoS.
    pub qos: QoS,
    /// Retain flag.
    pub retain: bool,
    /// MQTT 5: seconds before the server publishes it.
    pub delay_interval: u32,
    /// MQTT 5: lifetime in seconds (0: none).
    pub message_expiry: u32,
    /// MQTT 5: content type ("" for none).
    pub content_type: String,
    /// MQTT 5: response topic ("" for none).
    pub response_topic: String,
    /// MQTT 5: the payload is UTF-8 text.
    pub payload_is_utf8: bool,
    /// MQTT 5: user properties.
    pub user_properties: Vec<(String, String)>,
}

impl Default for WillSettings {
    fn default() -> Self {
        WillSettings {
            topic: String::new(),
            payload: String::new(),
            format: PayloadFormat::Text,
            qos: QoS::AtMostOnce,
            retain: false,
            delay_interval: 0,
            message_expiry: 0,
            content_type: String::new(),
            response_topic: String::new(),
            payload_is_utf8: false,
            user_properties: Vec::new(),
        }
    }
}

/// Everything about one saved connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectionSettings {
    /// The name in the list.
    pub name: String,
    /// Its colour (an index into the palette).
    pub colour: u8,
    /// `ws://` or `wss://` URL of the broker's WebSocket listener.
    pub url: String,
    /// Client identifier ("" asks the server to assign one).
    pub client_id: String,
    /// Username ("" for none).
    pub username: String,
    /// Password ("" for none). Saved only when `remember_password` is set.
    pub password: String,
    /// Whether the password is saved with the connection.
    pub remember_password: bool,
    /// MQTT 3.1, 3.1.1 or 5.0.
    pub version: ProtocolVersion,
    /// Keep alive in seconds (0: off).
    pub keep_alive: u16,
    /// Clean Start / Clean Session.
    pub clean_start: bool,
    /// MQTT 5 Session Expiry Interval in seconds.
    pub session_expiry: u32,
    /// MQTT 5 Receive Maximum (0: not sent, the default 65,535).
    pub receive_maximum: u16,
    /// The largest packet accepted from the broker, in bytes (0: the default, 16 MiB).
    /// MQTT 5 announces it as Maximum Packet Size, so the broker drops what is bigger; in
    /// MQTT 3 a bigger packet ends the connection (the doctor explains).
    pub maximum_packet_size: u32,
    /// The most memory the connection's history (messages, packets, topic tree) may
    /// hold, in MiB (0: the default, 64 MiB); the oldest rows go first, counted.
    pub memory_budget_mib: u32,
    /// MQTT 5 Topic Alias Maximum: the aliases the broker may use towards us.
    pub topic_alias_maximum: u16,
    /// MQTT 5: whether we give our own publishes Topic Aliases (within the broker's
    /// maximum).
    pub topic_alias: TopicAliasPolicy,
    /// MQTT 5: ask for Response Information.
    pub request_response_information: bool,
    /// MQTT 5: allow Reason Strings and User Properties on failures.
    pub request_problem_information: bool,
    /// MQTT 5 CONNECT user properties.
    pub user_properties: Vec<(String, String)>,
    /// The will, if any.
    pub will: Option<WillSettings>,
    /// Enhanced authentication.
    pub auth_method: AuthMethod,
    /// Reconnect automatically, with backoff, and resubscribe.
    pub auto_reconnect: bool,
}

impl Default for ConnectionSettings {
    fn default() -> Self {
        ConnectionSettings {
            name: "local mosquitto".to_owned(),
            colour: 0,
            url: "ws://127.0.0.1:9001".to_owned(),
            client_id: String::new(),
            username: String::new(),
            password: String::new(),
            remember_password: false,
            version: ProtocolVersion::V5,
            keep_alive: 60,
            clean_start: true,
            session_expiry: 0,
            receive_maximum: 0,
            maximum_packet_size: 0,
            memory_budget_mib: 0,
            topic_alias_maximum: 0,
            topic_alias: TopicAliasPolicy::Off,
            request_response_information: false,
            request_problem_information: true,
            user_properties: Vec::new(),
            will: None,
            auth_method: AuthMethod::None,
            auto_reconnect: true,
        }
    }
}

/// A setting the core cannot use, named for the form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettingsError {
    /// The form field at fault (its label).
    pub field: &'static str,
    /// What is wrong.
    pub message: String,
}

impl std::fmt::Display for SettingsError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

/// Builds an error for `field`.
fn invalid(field: &'static str, message: impl Into<String>) -> SettingsError {
    SettingsError {
        field,
        message: message.into(),
    }
}

/// The built-in connections: a local mosquitto (as `cargo xtask serve` starts it) and
/// public test brokers.
pub fn presets() -> Vec<ConnectionSettings> {
    let preset = |name: &str, url: &str, colour| ConnectionSettings {
        name: name.to_owned(),
        url: url.to_owned(),
        colour,
        ..Default::default()
    };
    vec![
        preset("local mosquitto", "ws://127.0.0.1:9001", 0),
        preset("test.mosquitto.org", "wss://test.mosquitto.org:8081", 1),
        preset(
            "HiveMQ public broker",
            "wss://broker.hivemq.com:8884/mqtt",
            2,
        ),
        preset("EMQX public broker", "wss://broker.emqx.io:8084/mqtt", 3),
    ]
}

/// The sandbox broker in the page, with its smart-home devices (`sandbox://home`): what
/// a new user's page connects to first.
pub fn sandbox_preset() -> ConnectionSettings {
    ConnectionSettings {
        name: "Sandbox, in this page".to_owned(),
        url: "sandbox://home".to_owned(),
        colour: 4,
        ..Default::default()
    }
}

/// A client id for a new connection: `mqttscope-` and eight characters from `seed`.
pub fn generate_client_id(seed: u64) -> String {
    const ALPHABET: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut x = seed | 1;
    let tail: String = (0..8)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            char::from(ALPHABET[(x % ALPHABET.len() as u64) as usize])
        })
        .collect();
    format!("mqttscope-{tail}")
}

impl ConnectionSettings {
    /// The core's options, and the authenticator when one is chosen; `nonces` gives SCRAM
    /// a fresh nonce for every exchange and `seed` seeds the reconnect jitter.
    pub fn to_options(
        &self,
        nonces: NonceSource,
        seed: u64,
    ) -> Result<(ClientOptions, Option<Box<dyn Authenticator>>), SettingsError> {
        let v5 = self.version.is_v5();
        if !v5 && self.client_id.is_empty() && !self.clean_start {
            return Err(invalid(
                "Client ID",
                "an empty client id needs Clean Session in MQTT 3 [MQTT-3.1.3-7]",
            ));
        }
        let mut opts = ClientOptions {
            version: self.version,
            client_id: self.client_id.clone(),
            clean_start: self.clean_start,
            keep_alive: self.keep_alive,
            receive_limit: self.receive_limit(),
            username: non_empty(&self.username),
            password: non_empty(&self.password).map(String::into_bytes),
            will: self.will.as_ref().map(|w| w.to_will(v5)).transpose()?,
            ..Default::default()
        };
        if v5 {
            opts.properties = self.connect_properties();
            opts.topic_alias = self.topic_alias;
        }
        if self.auto_reconnect {
            opts.reconnect = Some(ReconnectPolicy {
                initial_delay: Duration::from_millis(500),
                max_delay: Duration::from_secs(30),
                seed,
                resubscribe: true,
            });
        }
        let auth = self.authenticator(nonces)?;
        Ok((opts, auth))
    }

    /// The history's memory budget in bytes: the setting, or the default for 0.
    pub fn memory_budget(&self) -> usize {
        match self.memory_budget_mib {
            0 => crate::state::connection::DEFAULT_BUDGET,
            mib => (mib as usize).saturating_mul(1 << 20),
        }
    }

    /// The receive limit in force: the setting, or the core's default for 0.
    pub fn receive_limit(&self) -> usize {
        match self.maximum_packet_size {
            0 => DEFAULT_RECEIVE_LIMIT,
            n => n as usize,
        }
    }

    fn connect_properties(&self) -> ConnectProperties<'static> {
        ConnectProperties {
            session_expiry_interval: (self.session_expiry != 0).then_some(self.session_expiry),
            receive_maximum: NonZeroU16::new(self.receive_maximum),
            topic_alias_maximum: (self.topic_alias_maximum != 0)
                .then_some(self.topic_alias_maximum),
            request_response_information: self.request_response_information.then_some(true),
            request_problem_information: (!self.request_problem_information).then_some(false),
            user_properties: user_properties(&self.user_properties),
            ..Default::default()
        }
    }

    fn authenticator(
        &self,
        nonces: NonceSource,
    ) -> Result<Option<Box<dyn Authenticator>>, SettingsError> {
        let hash = match self.auth_method {
            AuthMethod::None => return Ok(None),
            AuthMethod::ScramSha256 => ScramHash::Sha256,
            AuthMethod::ScramSha512 => ScramHash::Sha512,
        };
        if !self.version.is_v5() {
            return Err(invalid("Authentication", "SCRAM needs MQTT 5.0"));
        }
        if self.username.is_empty() {
            return Err(invalid("Username", "SCRAM needs a username"));
        }
        let scram = Scram::with_nonces(hash, &self.username, &self.password, nonces);
        Ok(Some(Box::new(scram)))
    }
}

impl WillSettings {
    fn to_will(&self, v5: bool) -> Result<Will<'static>, SettingsError> {
        if self.topic.is_empty() {
            return Err(invalid("Will topic", "a will needs a topic"));
        }
        let bytes = payload::encode(&self.payload, self.format)
            .map_err(|e| invalid("Will payload", e.to_string()))?;
        let properties = if v5 {
            self.properties()
        } else {
            WillProperties::default()
        };
        Ok(Will {
            topic: self.topic.clone().into(),
            payload: bytes.into(),
            qos: self.qos,
            retain: self.retain,
            properties: properties.into(),
        })
    }

    fn properties(&self) -> WillProperties<'static> {
        WillProperties {
            will_delay_interval: (self.delay_interval != 0).then_some(self.delay_interval),
            message_expiry_interval: (self.message_expiry != 0).then_some(self.message_expiry),
            content_type: non_empty(&self.content_type).map(Into::into),
            response_topic: non_empty(&self.response_topic).map(Into::into),
            payload_format_indicator: self.payload_is_utf8.then_some(true),
            user_properties: user_properties(&self.user_properties),
            ..Default::default()
        }
    }
}

/// `Some(s)` unless empty.
pub(crate) fn non_empty(s: &str) -> Option<String> {
    (!s.is_empty()).then(|| s.to_owned())
}

/// Pairs as the codec's user properties.
pub(crate) fn user_properties(pairs: &[(String, String)]) -> Vec<UserProperty<'static>> {
    pairs
        .iter()
        .map(|(name, value)| UserProperty {
            name: name.clone().into(),
            value: value.clone().into(),
        })
        .collect()
}

#[cfg(test)]
#[path = "settings_tests.rs"]
mod tests;
