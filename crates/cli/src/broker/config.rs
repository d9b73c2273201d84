//! The broker's settings: defaults, then a config file of `key = value` lines, then the
//! command-line flags, all through one setter ([`Settings::set`]), so that a flag and a
//! file key of the same name mean exactly the same thing.
//!
//! The file format: one `key = value` per line; blank lines and lines starting with `#`
//! are ignored; keys are the long flags without their dashes (`ws_port` or `ws-port`);
//! `user` and `scram_user` may be repeated; booleans are `true` or `false`. A key it does not know, or a
//! value it cannot read, is an error naming the line.

use std::net::{IpAddr, Ipv4Addr};

use mqttscope_broker::{BrokerOptions, ScramHash, ScramUser, User, DEFAULT_SCRAM_ITERATIONS};

/// Bytes queued for one connection before it is closed as too slow: 8 MiB.
pub const DEFAULT_OUT_BUFFER: usize = 8 << 20;

/// Everything `mqttscope broker` runs with.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Address the listeners bind (127.0.0.1 unless asked).
    pub bind: IpAddr,
    /// TCP port (0: any free port).
    pub port: u16,
    /// WebSocket port (0: any free port).
    pub ws_port: u16,
    /// The only WebSocket path accepted, if set (any path otherwise).
    pub ws_path: Option<String>,
    /// The state machine's options.
    pub broker: BrokerOptions,
    /// `allow_anonymous` as given; unset means "only when there are no users".
    pub allow_anonymous: Option<bool>,
    /// Bytes that may wait for one connection's socket before it is closed as too slow.
    pub out_buffer: usize,
    /// Worker threads for the connection tasks (the broker task has the main thread).
    pub threads: usize,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            bind: IpAddr::V4(Ipv4Addr::LOCALHOST),
            port: 1883,
            ws_port: 9001,
            ws_path: None,
            broker: BrokerOptions::default(),
            allow_anonymous: None,
            out_buffer: DEFAULT_OUT_BUFFER,
            threads: 1,
        }
    }
}

impl Settings {
    /// Applies a config file's text; errors name the line.
    pub fn apply_file(&mut self, text: &str) -> Result<(), String> {
        for (n, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let (key, value) = line
                .split_once('=')
                .ok_or_else(|| format!("line {}: expected `key = value`", n + 1))?;
            self.set(key.trim(), value.trim())
                .map_err(|e| format!("line {}: {e}", n + 1))?;
        }
        Ok(())
    }

    /// Sets one key (a long flag's name, `-` or `_` alike) from its text.
    pub fn set(&mut self, key: &str, value: &str) -> Result<(), String> {
        let o = &mut self.broker;
        match key.replace('-', "_").as_str() {
            "bind" => self.bind = parse(key, value)?,
            "port" => self.port = parse(key, value)?,
            "ws_port" => self.ws_port = parse(key, value)?,
            "ws_path" => self.ws_path = Some(ws_path(value)?),
            "max_connections" => o.max_connections = parse(key, value)?,
            "session_expiry_cap" => o.session_expiry_cap = parse(key, value)?,
            "max_queued" => o.max_queued_messages = parse(key, value)?,
            "max_packet_size" => o.max_packet_size = packet_size(value)?,
            "user" => o.users.push(user(value)?),
            "scram_user" => o.scram_users.extend(scram_users(value)?),
            "allow_anonymous" => self.allow_anonymous = Some(parse(key, value)?),
            "topic_aliases" => o.assign_topic_aliases = parse(key, value)?,
            "out_buffer" => self.out_buffer = parse(key, value)?,
            "threads" => self.threads = threads(value)?,
            _ => return Err(format!("unknown key `{key}`")),
        }
        Ok(())
    }

    /// The broker's options with `allow_anonymous` resolved: as given, else only when no
    /// user (plain or SCRAM) is configured.
    pub fn broker_options(&self) -> BrokerOptions {
        let mut o = self.broker.clone();
        let no_users = o.users.is_empty() && o.scram_users.is_empty();
        o.allow_anonymous = self.allow_anonymous.unwrap_or(no_users);
        o
    }
}

fn parse<T: std::str::FromStr>(key: &str, value: &str) -> Result<T, String>
where
    T::Err: std::fmt::Display,
{
    value
        .parse()
        .map_err(|e| format!("`{key}`: cannot read `{value}`: {e}"))
}

/// `name:password`, split at the first colon (the password may contain colons).
fn user(value: &str) -> Result<User, String> {
    match value.split_once(':') {
        Some((name, password)) if !name.is_empty() => Ok(User::new(name, password)),
        _ => Err(format!("`user`: expected `name:password`, got `{value}`")),
    }
}

/// `name:password` as SCRAM users for SHA-256 and SHA-512, each with its own random salt
/// and 4,096 iterations; only the derived keys are kept, not the password.
fn scram_users(value: &str) -> Result<Vec<ScramUser>, String> {
    let Some((name, password)) = value.split_once(':').filter(|(n, _)| !n.is_empty()) else {
        return Err(format!(
            "`scram_user`: expected `name:password`, got `{value}`"
        ));
    };
    let user = |h| {
        let salt = crate::entropy::random_bytes(16)?;
        let iterations = DEFAULT_SCRAM_ITERATIONS;
        Ok(ScramUser::new(
            h,
            name,
            password.as_bytes(),
            salt,
            iterations,
        ))
    };
    ScramHash::ALL.into_iter().map(user).collect()
}

fn ws_path(value: &str) -> Result<String, String> {
    if value.starts_with('/') {
        Ok(value.to_owned())
    } else {
        Err(format!("`ws_path`: must start with `/`, got `{value}`"))
    }
}

fn threads(value: &str) -> Result<usize, String> {
    match parse("threads", value)? {
        n @ 1..=64 => Ok(n),
        n => Err(format!("`threads`: {n} is outside 1 to 64")),
    }
}

/// At least 16 bytes (a CONNECT must fit) and at most the largest MQTT packet.
fn packet_size(value: &str) -> Result<u32, String> {
    let n: u32 = parse("max_packet_size", value)?;
    if (16..=crate::conn_args::LARGEST_PACKET).contains(&n) {
        Ok(n)
    } else {
        Err(format!(
            "`max_packet_size`: {n} is outside 16 to {}",
            crate::conn_args::LARGEST_PACKET
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_sets_keys_and_skips_comments() {
        let mut s = Settings::default();
        let text = "# comment\n\nport = 0\nws-port=0\nmax_connections = 5\n\
                    user = alice:se:cret\nuser = bob:x\nmax_packet_size = 4096\n";
        s.apply_file(text).unwrap();
        assert_eq!((s.port, s.ws_port), (0, 0));
        assert_eq!(s.broker.max_connections, 5);
        assert_eq!(s.broker.max_packet_size, 4096);
        assert_eq!(s.broker.users[0], User::new("alice", "se:cret"));
        assert_eq!(s.broker.users.len(), 2);
        assert!(!s.broker_options().allow_anonymous, "users: no anonymous");
    }

    #[test]
    fn scram_users_keep_keys_for_both_hashes_and_not_the_password() {
        let mut s = Settings::default();
        s.apply_file("scram_user = carol:pass:word\n").unwrap();
        let users = &s.broker.scram_users;
        let hashes: Vec<_> = users.iter().map(|u| u.hash).collect();
        assert_eq!(hashes, ScramHash::ALL);
        assert!(users
            .iter()
            .all(|u| u.username == "carol" && u.salt.len() == 16));
        assert_ne!(users[0].salt, users[1].salt, "a random salt each");
        let again = ScramUser::new(
            ScramHash::Sha256,
            "carol",
            b"pass:word",
            users[0].salt.clone(),
            4096,
        );
        assert_eq!(users[0], again);
        assert!(!format!("{s:?}").contains("pass:word"));
        assert!(
            !s.broker_options().allow_anonymous,
            "SCRAM users: no anonymous"
        );
        assert!(s.set("scram-user", "nocolon").is_err());
    }

    #[test]
    fn anonymous_is_allowed_without_users_or_when_asked() {
        let mut s = Settings::default();
        assert!(s.broker_options().allow_anonymous);
        s.set("user", "a:b").unwrap();
        s.set("allow-anonymous", "true").unwrap();
        assert!(s.broker_options().allow_anonymous);
    }

    #[test]
    fn errors_name_the_line_and_the_key() {
        let mut s = Settings::default();
        let e = s.apply_file("port = 1\nnope = 2\n").unwrap_err();
        assert!(e.contains("line 2") && e.contains("nope"), "{e}");
        let e = s.apply_file("port = x\n").unwrap_err();
        assert!(e.contains("line 1") && e.contains("port"), "{e}");
        assert!(s.apply_file("port\n").is_err());
        assert!(s.set("user", ":pw").is_err());
        assert!(s.set("ws_path", "mqtt").is_err());
        assert!(s.set("max_packet_size", "3").is_err());
        assert!(s.set("bind", "::1").is_ok());
    }
}
