//! Before connecting: is the text a WebSocket URL this page may open?

use super::parse::{parse, UrlProblem};
use super::ports::{
    browser_blocks, is_loopback, list_ports, tcp_port_name, tls_counterpart, websocket_ports,
};
use super::report::{Action, Diagnosis, Setting, Severity};
use super::text::quoted;
use super::url::{is_sandbox_url, BrokerUrl, SANDBOX_SCHEME};

/// Reads the URL the user typed and checks that a page served over https
/// (`page_is_https`) or http may open it. `Err` explains what is wrong, with the
/// corrected URL as an action where one can be guessed. Never panics.
pub fn precheck(url: &str, page_is_https: bool) -> Result<BrokerUrl, Diagnosis> {
    if is_sandbox_url(url) {
        return sandbox(url);
    }
    let broker = parse(url).map_err(|p| explain(p, page_is_https))?;
    if browser_blocks(broker.port) {
        return Err(blocked_port(&broker));
    }
    if page_is_https && !broker.secure && !is_loopback(&broker.host) {
        return Err(mixed_content(&broker));
    }
    Ok(broker)
}

/// `sandbox://name`: the name (`home` when empty) is letters, digits and `-`; the
/// sandbox runs in the page, so neither mixed content nor ports apply.
fn sandbox(url: &str) -> Result<BrokerUrl, Diagnosis> {
    let rest = url.trim().get(SANDBOX_SCHEME.len()..).unwrap_or("");
    let name = rest.trim_end_matches('/');
    let name = if name.is_empty() { "home" } else { name };
    if name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
        return Ok(BrokerUrl::sandbox(name));
    }
    Err(bad_url(
        format!("{} is not a sandbox name", quoted(name)),
        "Use letters, digits and -, as in sandbox://home.",
    ))
}

/// The button for a corrected URL, or the diagnosis of the correction itself (a `ws://`
/// suggestion from an https page is mixed content).
fn offer(suggested: &str, page_is_https: bool) -> Result<Action, Diagnosis> {
    precheck(suggested, page_is_https).map(|u| Action::use_url(&u))
}

fn bad_url(title: impl Into<String>, detail: impl Into<String>) -> Diagnosis {
    Diagnosis::new(Severity::Error, title, detail).with(Action::Edit(Setting::Url))
}

fn explain(problem: UrlProblem, page_is_https: bool) -> Diagnosis {
    let https = page_is_https;
    match problem {
        UrlProblem::Empty => bad_url(
            "Enter the broker's WebSocket URL",
            "For example ws://localhost:9001/mqtt, or wss://broker.example:8884/mqtt with TLS.",
        ),
        UrlProblem::NoScheme { rest } => no_scheme(&rest, https),
        UrlProblem::HttpScheme { secure, rest } => http_scheme(secure, &rest, https),
        UrlProblem::TcpScheme { scheme, host, port } => tcp_scheme(&scheme, &host, port, https),
        UrlProblem::UnknownScheme { scheme } => bad_url(
            format!("{scheme}:// is not a WebSocket URL"),
            "A browser reaches MQTT brokers over WebSocket: start the URL with ws://, or \
             wss:// for TLS.",
        ),
        UrlProblem::MissingHost => bad_url(
            "The URL has no host",
            "Put the broker's host name or address after ws://, as in ws://localhost:9001/mqtt.",
        ),
        UrlProblem::BadHost { host } => bad_url(
            format!("{} is not a host name", quoted(&host)),
            "A host is a name like broker.example, an address like 192.168.1.10, or an IPv6 \
             address in brackets like [::1].",
        ),
        UrlProblem::Ipv6WithoutBrackets { authority } => bad_url(
            "Put the IPv6 address in brackets",
            format!(
                "{} looks like an IPv6 address. URLs need it in square brackets, with the port \
                 after them: ws://[::1]:9001/mqtt.",
                quoted(&authority)
            ),
        ),
        UrlProblem::BadPort { port } => bad_url(
            format!("{} is not a port", quoted(&port)),
            "A port is a number from 1 to 65535, like 9001 in ws://localhost:9001/mqtt.",
        ),
        UrlProblem::Credentials { without } => credentials(&without, https),
        UrlProblem::Fragment { without } => match offer(&without, https) {
            Ok(action) => Diagnosis::new(
                Severity::Error,
                "Remove the # part from the URL",
                "A WebSocket URL cannot have a fragment (the part from #).",
            )
            .with(action),
            Err(d) => d,
        },
    }
}

fn no_scheme(rest: &str, page_is_https: bool) -> Diagnosis {
    let scheme = if page_is_https { "wss" } else { "ws" };
    let suggested = format!("{scheme}://{rest}");
    if let Ok(u) = parse(&suggested) {
        if let Some(name) = tcp_port_name(u.port) {
            let title = format!("Port {} is {name}", u.port);
            let lead = format!(
                "Port {} is {name}: brokers speak raw MQTT over TCP there",
                u.port
            );
            let secure = page_is_https || u.port == 8883;
            return tcp_only(title, &lead, &u.host, secure, page_is_https);
        }
    }
    let detail = format!(
        "Browsers reach MQTT brokers over WebSocket, so the URL starts with ws://, or \
         wss:// for TLS: for example {suggested}."
    );
    let d = Diagnosis::new(Severity::Error, "The URL needs ws:// or wss://", detail);
    match offer(&suggested, page_is_https) {
        Ok(action) => d.with(action),
        Err(_) => d.with(Action::Edit(Setting::Url)),
    }
}

fn http_scheme(secure: bool, rest: &str, page_is_https: bool) -> Diagnosis {
    let (from, to) = if secure {
        ("https", "wss")
    } else {
        ("http", "ws")
    };
    let suggested = format!("{to}://{rest}");
    match offer(&suggested, page_is_https) {
        Ok(action) => Diagnosis::new(
            Severity::Error,
            format!("Use {to}:// instead of {from}://"),
            format!(
                "The broker field wants a WebSocket URL. For the same server and path, \
                 write {suggested}."
            ),
        )
        .with(action),
        Err(d) => d,
    }
}

fn tcp_scheme(scheme: &str, host: &str, port: Option<u16>, page_is_https: bool) -> Diagnosis {
    let tls = matches!(scheme, "mqtts" | "ssl" | "tls" | "mqtt+ssl" | "mqtt+tls");
    let port_note = port.map_or(String::new(), |p| format!(" (port {p})"));
    let title = format!("Browsers cannot open {scheme}:// connections");
    let lead = format!("{scheme}:// is MQTT over TCP{port_note}");
    let secure = page_is_https || tls || port == Some(8883);
    tcp_only(title, &lead, host, secure, page_is_https)
}

/// A TCP-only address: explains, and offers the host's likeliest WebSocket URLs.
fn tcp_only(title: String, lead: &str, host: &str, secure: bool, https: bool) -> Diagnosis {
    let ports = websocket_ports(secure);
    let ws = if secure { "wss" } else { "ws" };
    let detail = format!(
        "{lead}. A browser cannot open such connections, only WebSockets. Use the broker's \
         WebSocket listener instead, often {ws}:// on port {} with path /mqtt.",
        list_ports(ports)
    );
    let guesses: Vec<Action> = ports
        .iter()
        .take(3)
        .filter_map(|p| offer(&format!("{ws}://{}:{p}/mqtt", bracket(host)), https).ok())
        .collect();
    Diagnosis::new(Severity::Error, title, detail)
        .with_all(guesses)
        .with(Action::Edit(Setting::Url))
}

fn bracket(host: &str) -> String {
    if host.contains(':') && !host.starts_with('[') {
        format!("[{host}]")
    } else {
        host.to_string()
    }
}

fn credentials(without: &str, page_is_https: bool) -> Diagnosis {
    let d = Diagnosis::new(
        Severity::Error,
        "Put the user name and password in the MQTT settings",
        "Browsers do not pass user:password@ from a WebSocket URL to the server. MQTT \
         brokers read them from CONNECT: enter them in the user name and password fields \
         and remove them from the URL.",
    );
    match offer(without, page_is_https) {
        Ok(action) => d.with(action).with(Action::Edit(Setting::Credentials)),
        Err(_) => d.with(Action::Edit(Setting::Credentials)),
    }
}

fn blocked_port(url: &BrokerUrl) -> Diagnosis {
    bad_url(
        format!("Your browser blocks port {}", url.port),
        format!(
            "Browsers refuse every connection to port {} because it belongs to another \
             protocol, whatever runs there. Use the broker's WebSocket port.",
            url.port
        ),
    )
}

fn mixed_content(url: &BrokerUrl) -> Diagnosis {
    let tls = BrokerUrl {
        secure: true,
        port: tls_counterpart(url.port),
        ..url.clone()
    };
    let detail = format!(
        "This page was loaded over https, and browsers refuse unencrypted ws:// connections \
         from such pages (mixed content) before even trying {}. Use the broker's wss:// \
         (TLS) endpoint, maybe {}, or open mqttscope over http.",
        url.host_port(),
        tls.ws_url()
    );
    let title = "This page is https, so your browser blocks ws://";
    Diagnosis::new(Severity::Error, title, detail)
        .with(Action::use_url(&tls))
        .with(Action::Edit(Setting::Url))
}

#[cfg(test)]
#[path = "precheck_tests.rs"]
mod tests;
