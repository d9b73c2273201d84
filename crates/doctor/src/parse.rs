//! Reading what the user typed into a [`BrokerUrl`], or the [`UrlProblem`] that stops
//! it.

use super::url::{default_port, encode, normalize_path, BrokerUrl};

/// Why a text is not a usable WebSocket URL (see [`parse`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UrlProblem {
    /// Nothing but whitespace.
    Empty,
    /// No `scheme://`; `rest` is the trimmed text without any leading `//`.
    NoScheme {
        /// The text as typed, to put behind `ws://`.
        rest: String,
    },
    /// `http://` or `https://`; `rest` follows the `://`.
    HttpScheme {
        /// `https://`.
        secure: bool,
        /// The text after `://`.
        rest: String,
    },
    /// An MQTT-over-TCP scheme such as `mqtt://` or `mqtts://`.
    TcpScheme {
        /// The scheme as typed, lower case.
        scheme: String,
        /// The host, if one could be read.
        host: String,
        /// The port, if the URL names a valid one.
        port: Option<u16>,
    },
    /// Any other scheme.
    UnknownScheme {
        /// The scheme as typed, lower case.
        scheme: String,
    },
    /// `ws://` with nothing (or only a port) where the host belongs.
    MissingHost,
    /// A host with characters no host name has, or an unclosed `[`.
    BadHost {
        /// The host as typed.
        host: String,
    },
    /// An IPv6 address without the brackets a URL needs around it.
    Ipv6WithoutBrackets {
        /// The address (and maybe port) as typed.
        authority: String,
    },
    /// A port that is not a number from 1 to 65535.
    BadPort {
        /// The port as typed.
        port: String,
    },
    /// `user:password@` in the URL, which browsers do not send to a WebSocket server.
    Credentials {
        /// The same URL without the credentials.
        without: String,
    },
    /// A `#fragment`, which a WebSocket URL may not have.
    Fragment {
        /// The same URL without the fragment.
        without: String,
    },
}
/// Schemes that name MQTT over plain TCP or TLS, which a browser cannot open.
const TCP_SCHEMES: [&str; 7] = ["mqtt", "mqtts", "tcp", "ssl", "tls", "mqtt+ssl", "mqtt+tls"];

/// Reads a WebSocket URL; surrounding whitespace is ignored and the scheme may be in
/// any case. Never panics.
pub fn parse(input: &str) -> Result<BrokerUrl, UrlProblem> {
    let text = input.trim();
    if text.is_empty() {
        return Err(UrlProblem::Empty);
    }
    let Some((scheme, rest)) = split_scheme(text) else {
        let rest = text.trim_start_matches('/').to_string();
        return Err(UrlProblem::NoScheme { rest });
    };
    let secure = match scheme.as_str() {
        "ws" => false,
        "wss" => true,
        "http" | "https" => {
            let rest = rest.to_string();
            return Err(UrlProblem::HttpScheme {
                secure: scheme == "https",
                rest,
            });
        }
        s if TCP_SCHEMES.contains(&s) => return Err(tcp_scheme(scheme, rest)),
        _ => return Err(UrlProblem::UnknownScheme { scheme }),
    };
    parse_after_scheme(secure, text, rest)
}

/// The lower-cased scheme and what follows `://`, if the text starts with a scheme.
fn split_scheme(text: &str) -> Option<(String, &str)> {
    let (scheme, rest) = text.split_once("://")?;
    let valid = scheme
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    valid.then(|| (scheme.to_ascii_lowercase(), rest))
}

fn tcp_scheme(scheme: String, rest: &str) -> UrlProblem {
    let (authority, _) = split_authority(rest);
    let authority = authority.rsplit('@').next().unwrap_or(authority);
    let (host, port) = match split_host_port(authority) {
        Ok((host, port)) => (host, port.and_then(|p| parse_port(p).ok())),
        Err(_) => (authority, None),
    };
    UrlProblem::TcpScheme {
        scheme,
        host: host.to_ascii_lowercase(),
        port,
    }
}

fn parse_after_scheme(secure: bool, text: &str, rest: &str) -> Result<BrokerUrl, UrlProblem> {
    if let Some((before, _)) = text.split_once('#') {
        return Err(UrlProblem::Fragment {
            without: before.to_string(),
        });
    }
    let (authority, tail) = split_authority(rest);
    if let Some((_, after)) = authority.rsplit_once('@') {
        let scheme = if secure { "wss" } else { "ws" };
        let without = format!("{scheme}://{after}{tail}");
        return Err(UrlProblem::Credentials { without });
    }
    let (host, port) = split_host_port(authority)?;
    let port = match port {
        Some(p) if !p.is_empty() => parse_port(p)?,
        _ => default_port(secure),
    };
    let (path, query) = tail.split_once('?').unwrap_or((tail, ""));
    Ok(BrokerUrl {
        secure,
        host: check_host(host)?,
        port,
        path: normalize_path(path),
        query: if query.is_empty() {
            String::new()
        } else {
            format!("?{}", encode(query))
        },
        sandbox: false,
    })
}

/// Splits `host:port/path?query` into the authority and the rest (from `/` or `?`).
fn split_authority(rest: &str) -> (&str, &str) {
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    rest.split_at(end)
}

/// Splits an authority into host and port text; IPv6 addresses must be in brackets.
fn split_host_port(authority: &str) -> Result<(&str, Option<&str>), UrlProblem> {
    if let Some(inner) = authority.strip_prefix('[') {
        let Some((host, after)) = inner.split_once(']') else {
            return Err(UrlProblem::BadHost {
                host: authority.to_string(),
            });
        };
        return match after {
            "" => Ok((host, None)),
            _ => match after.strip_prefix(':') {
                Some(port) => Ok((host, Some(port))),
                None => Err(UrlProblem::BadHost {
                    host: authority.to_string(),
                }),
            },
        };
    }
    let ipv6_like = |c: char| c.is_ascii_hexdigit() || c == ':' || c == '.';
    if authority.matches(':').count() > 1 && authority.chars().all(ipv6_like) {
        return Err(UrlProblem::Ipv6WithoutBrackets {
            authority: authority.to_string(),
        });
    }
    Ok(match authority.split_once(':') {
        Some((host, port)) => (host, Some(port)),
        None => (authority, None),
    })
}

fn parse_port(text: &str) -> Result<u16, UrlProblem> {
    let bad = || UrlProblem::BadPort {
        port: text.to_string(),
    };
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    let digits = text.trim_start_matches('0');
    if digits.len() > 5 {
        return Err(bad());
    }
    match digits.parse::<u32>().unwrap_or(0) {
        p @ 1..=65535 => u16::try_from(p).map_err(|_| bad()),
        _ => Err(bad()),
    }
}

/// Validates a host and lower-cases it; IPv6 addresses (already unbracketed) keep
/// only hex digits, `:` and `.`.
fn check_host(host: &str) -> Result<String, UrlProblem> {
    let bad = || UrlProblem::BadHost {
        host: host.to_string(),
    };
    if host.is_empty() {
        return Err(UrlProblem::MissingHost);
    }
    let ok = if host.contains(':') {
        host.chars()
            .all(|c| c.is_ascii_hexdigit() || c == ':' || c == '.')
    } else {
        let name_char = |c: char| c.is_alphanumeric() || matches!(c, '-' | '.' | '_');
        host.chars().all(name_char) && !host.starts_with('.') && !host.contains("..")
    };
    if ok {
        Ok(host.to_lowercase())
    } else {
        Err(bad())
    }
}

#[cfg(test)]
#[path = "parse_tests.rs"]
mod tests;
