//! Broker URLs: [`BrokerUrl`], its parts and the URLs derived from it.

/// The scheme of the page's sandbox broker's URLs (`sandbox://home`). The sandbox crate,
/// whose worker accepts them, has the same definition (this crate depends on nothing but
/// the core); a test of the app, which links both, holds them equal.
pub const SANDBOX_SCHEME: &str = "sandbox://";

/// Whether `url` names the sandbox (`sandbox://home`, any host; the scheme in any case,
/// after any leading whitespace).
pub fn is_sandbox_url(url: &str) -> bool {
    url.trim_start()
        .get(..SANDBOX_SCHEME.len())
        .is_some_and(|s| s.eq_ignore_ascii_case(SANDBOX_SCHEME))
}

/// A `ws://` or `wss://` URL that a browser can open, split into its parts, or a
/// `sandbox://name` URL of the page's sandbox broker (`sandbox`, the name as host,
/// port 0 and path `/`).
///
/// The host is lower case and without brackets (`::1`, not `[::1]`); the path always
/// starts with `/`; spaces and other characters a browser would percent-encode are
/// percent-encoded.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct BrokerUrl {
    /// `wss://` (TLS) rather than `ws://`.
    pub secure: bool,
    /// Host name or IP address, without the brackets of an IPv6 address.
    pub host: String,
    /// The port; 80 for `ws://` and 443 for `wss://` when the URL names none.
    pub port: u16,
    /// The path, starting with `/` (`/` when the URL has none).
    pub path: String,
    /// The query with its `?` (`?token=abc`), or empty.
    pub query: String,
    /// The sandbox broker in the page (`sandbox://`), not a WebSocket: no network, and
    /// the WebSocket probes of the doctor do not apply.
    pub sandbox: bool,
}
/// A path starting with `/`, percent-encoded as a browser would.
pub(super) fn normalize_path(path: &str) -> String {
    let path = encode(path);
    if path.starts_with('/') {
        path
    } else {
        format!("/{path}")
    }
}

/// Percent-encodes whitespace, controls, non-ASCII and `"<>`{}` (the URL path set).
pub(super) fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii_graphic() && !matches!(c, '"' | '<' | '>' | '`' | '{' | '}') {
            out.push(c);
        } else {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("%{b:02X}"));
            }
        }
    }
    out
}

/// 443 for `wss://`, 80 for `ws://`.
pub const fn default_port(secure: bool) -> u16 {
    if secure {
        443
    } else {
        80
    }
}

impl BrokerUrl {
    /// A URL from its parts; `path` gets a leading `/` if it lacks one, no query.
    pub fn new(secure: bool, host: &str, port: u16, path: &str) -> Self {
        let host = host.trim_start_matches('[').trim_end_matches(']');
        BrokerUrl {
            secure,
            host: host.to_lowercase(),
            port,
            path: normalize_path(path),
            query: String::new(),
            sandbox: false,
        }
    }

    /// The sandbox broker named `name` (`sandbox://home`).
    pub fn sandbox(name: &str) -> Self {
        BrokerUrl {
            secure: false,
            host: name.to_lowercase(),
            port: 0,
            path: "/".to_owned(),
            query: String::new(),
            sandbox: true,
        }
    }

    /// `host:port`, with brackets around an IPv6 host and without a default port.
    pub fn authority(&self) -> String {
        let host = self.host_for_url();
        if self.port == default_port(self.secure) {
            host
        } else {
            format!("{host}:{}", self.port)
        }
    }

    /// `host:port` always with the port, for texts ("nothing answers at host:9001").
    pub fn host_port(&self) -> String {
        format!("{}:{}", self.host_for_url(), self.port)
    }

    fn host_for_url(&self) -> String {
        if self.host.contains(':') {
            format!("[{}]", self.host)
        } else {
            self.host.clone()
        }
    }

    /// The URL to open: `ws://host:port/path?query` (the port left out when default), or
    /// `sandbox://name`.
    pub fn ws_url(&self) -> String {
        if self.sandbox {
            return format!("{SANDBOX_SCHEME}{}", self.host);
        }
        let scheme = if self.secure { "wss" } else { "ws" };
        format!("{scheme}://{}{}{}", self.authority(), self.path, self.query)
    }

    /// The same server, port and query with another path (a leading `/` is added).
    pub fn with_path(&self, path: &str) -> BrokerUrl {
        BrokerUrl {
            path: normalize_path(path),
            ..self.clone()
        }
    }

    /// The same host and path on another port.
    pub fn with_port(&self, port: u16) -> BrokerUrl {
        BrokerUrl {
            port,
            ..self.clone()
        }
    }

    /// The `https://host:port/` page of this server, to open in a tab and accept its
    /// certificate (the port left out when it is 443).
    pub fn https_url(&self) -> String {
        let secure = BrokerUrl {
            secure: true,
            ..self.clone()
        };
        format!("https://{}/", secure.authority())
    }

    /// The `http://` (for `ws://`) or `https://` (for `wss://`) root of this server.
    pub fn http_url(&self) -> String {
        let scheme = if self.secure { "https" } else { "http" };
        format!("{scheme}://{}/", self.authority())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_encoded_like_a_browser_does() {
        assert_eq!(normalize_path(""), "/");
        assert_eq!(normalize_path("a b"), "/a%20b");
        assert_eq!(normalize_path("/x{y}"), "/x%7By%7D");
        assert_eq!(encode("é\t"), "%C3%A9%09");
    }

    #[test]
    fn sandbox_urls_are_recognised_in_any_case() {
        assert!(is_sandbox_url("sandbox://home"));
        assert!(is_sandbox_url("  SandBox://home"));
        assert!(!is_sandbox_url("ws://sandbox://"));
        assert!(!is_sandbox_url("sandbox:"));
        assert!(!is_sandbox_url("é"));
        assert_eq!(BrokerUrl::sandbox("Home").ws_url(), "sandbox://home");
    }
}
