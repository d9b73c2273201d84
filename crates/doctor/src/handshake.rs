//! A WebSocket that never opened, explained from the probes' findings; and a server
//! that opened without the `mqtt` subprotocol.

use mqttscope_proto::ProtocolVersion;

use super::ports::{
    is_loopback, list_ports, tcp_port_name, usually_plain, usually_tls, websocket_ports,
};
use super::probes::{alternatives, Probes};
use super::report::{Action, Diagnosis, Setting, Severity};
use super::text::{quoted, seconds};
use super::url::BrokerUrl;

/// A failure taking at least this long suggests packets dropped rather than refused.
const SLOW_FAILURE_MS: f64 = 10_000.0;

/// Why the WebSocket to `url` did not open, from what the probes found.
pub fn handshake_failed(url: &BrokerUrl, elapsed_ms: f64, p: &Probes) -> Diagnosis {
    if url.sandbox {
        return sandbox_failed();
    }
    if let Some(found) = p.opened() {
        return found_elsewhere(url, found);
    }
    if p.opens_without_subprotocol == Some(true) {
        return not_mqtt(url);
    }
    if let Some(name) = tcp_port_name(url.port).filter(|_| p.http_answers != Some(true)) {
        return tcp_port(url, name, p);
    }
    match p.http_answers {
        Some(true) => wrong_path(url, p),
        Some(false) if url.secure => untrusted_or_nothing(url, elapsed_ms, true),
        Some(false) => nothing_answers(url, elapsed_ms),
        None if url.secure => untrusted_or_nothing(url, elapsed_ms, false),
        None => could_not_connect(url, elapsed_ms),
    }
}

/// The sandbox worker did not start (no network is involved, so no probe helps).
fn sandbox_failed() -> Diagnosis {
    Diagnosis::new(
        Severity::Error,
        "The sandbox broker did not start",
        "The browser did not start its worker (sandbox-worker.js), or this build lacks it.",
    )
    .with(Action::Retry)
}

fn found_elsewhere(url: &BrokerUrl, found: &BrokerUrl) -> Diagnosis {
    let title = if found.port == url.port {
        format!("The broker answers on {}, not {}", found.path, url.path)
    } else {
        format!("The broker's WebSocket is at {}", found.host_port())
    };
    let detail = format!(
        "A WebSocket for MQTT opened at {}, while {} did not open. Use that URL.",
        found.ws_url(),
        url.ws_url()
    );
    Diagnosis::new(Severity::Error, title, detail).with(Action::use_url(found))
}

fn not_mqtt(url: &BrokerUrl) -> Diagnosis {
    let detail = format!(
        "{} opens as a plain WebSocket, but refuses the subprotocol \"mqtt\" that MQTT over \
         WebSockets needs. It is a WebSocket server that does not speak MQTT, or a broker \
         (or proxy) that wants another subprotocol, such as \"mqttv3.1\" on old MQTT 3.1 \
         brokers. Check the port and path of the broker's WebSocket listener.",
        url.ws_url()
    );
    let title = format!("{} does not accept MQTT", url.host_port());
    Diagnosis::new(Severity::Error, title, detail).with(Action::Edit(Setting::Url))
}

fn tcp_port(url: &BrokerUrl, name: &str, p: &Probes) -> Diagnosis {
    let candidates: Vec<BrokerUrl> = alternatives(url)
        .into_iter()
        .filter(|u| !p.failed(u))
        .collect();
    let ports = list_ports(websocket_ports(url.secure));
    let mut detail = format!(
        "Port {} is {name}: brokers speak raw MQTT there, and a browser can only open \
         WebSocket connections. Use the broker's WebSocket listener instead, often on \
         port {ports} with path /mqtt.",
        url.port
    );
    if candidates.is_empty() {
        detail.push_str(&format!(
            " None of those opened on {}: ask the broker's administrator for its WebSocket \
             port, or enable a WebSocket listener.",
            url.host
        ));
    }
    let title = format!("Port {} is {name}", url.port);
    let actions = candidates.iter().take(3).map(Action::use_url);
    Diagnosis::new(Severity::Error, title, detail)
        .with_all(actions)
        .with(Action::Edit(Setting::Url))
}

fn wrong_path(url: &BrokerUrl, p: &Probes) -> Diagnosis {
    let untried: Vec<BrokerUrl> = alternatives(url)
        .into_iter()
        .filter(|u| !p.failed(u))
        .collect();
    let mut detail = format!(
        "A server answers HTTP at {}, but it did not accept a WebSocket for MQTT at {}. The \
         path is probably wrong (brokers commonly use /mqtt), or the server refused the \
         upgrade: it may check the page's origin, or a proxy in front wants you to log in.",
        url.host_port(),
        url.path
    );
    if untried.is_empty() {
        detail.push_str(" The paths /mqtt, / and /ws did not open either.");
    }
    let title = format!("No MQTT WebSocket at {} on {}", url.path, url.host_port());
    Diagnosis::new(Severity::Error, title, detail)
        .with_all(untried.iter().take(2).map(Action::use_url))
        .with(Action::Edit(Setting::Url))
}

/// `wss://` did not open and the `https://` page did not load (`probed`) or was not
/// tried: an untrusted certificate, or nothing listening with TLS.
fn untrusted_or_nothing(url: &BrokerUrl, elapsed_ms: f64, probed: bool) -> Diagnosis {
    let https = url.https_url();
    let mut detail = format!("Your browser could not open {}", url.ws_url());
    if probed {
        detail.push_str(&format!(", and {https} did not load either"));
    }
    detail.push_str(&format!(
        ". Either the broker's certificate is not trusted by your browser (self-signed or \
         from a private authority), or nothing answers with TLS at {}. Open {https} in a new \
         tab: if the browser warns about the certificate, accept it there, then retry. If \
         the page does not load at all, check the host and port.",
        url.host_port()
    ));
    if usually_plain(url.port) {
        detail.push_str(&format!(
            " Port {} usually carries plain ws:// rather than TLS.",
            url.port
        ));
    }
    detail.push_str(&slow_hint(elapsed_ms));
    let title = format!(
        "Certificate not trusted, or nothing listening at {}",
        url.host_port()
    );
    Diagnosis::new(Severity::Error, title, detail)
        .with(Action::trust_certificate(url))
        .with(Action::Retry)
}

fn nothing_answers(url: &BrokerUrl, elapsed_ms: f64) -> Diagnosis {
    let mut detail = format!(
        "Neither a WebSocket nor plain HTTP answered at {}. The broker may not be running, \
         the host or port may be wrong, or a firewall blocks the port.",
        url.host_port()
    );
    detail.push_str(&local_hint(url));
    detail.push_str(&slow_hint(elapsed_ms));
    let title = format!("Nothing answers at {}", url.host_port());
    with_tls_guess(url, Diagnosis::new(Severity::Error, title, detail))
}

fn could_not_connect(url: &BrokerUrl, elapsed_ms: f64) -> Diagnosis {
    let mut detail = format!(
        "Your browser could not open {}. The browser does not say why: the broker may not \
         be running, the host, port or path may be wrong, or a firewall blocks the port.",
        url.ws_url()
    );
    detail.push_str(&local_hint(url));
    detail.push_str(&slow_hint(elapsed_ms));
    let title = format!("Could not connect to {}", url.host_port());
    with_tls_guess(url, Diagnosis::new(Severity::Error, title, detail))
}

/// For `ws://` on a port that usually speaks TLS: a sentence and a `wss://` button.
fn with_tls_guess(url: &BrokerUrl, d: Diagnosis) -> Diagnosis {
    if url.secure || !usually_tls(url.port) {
        return d.with(Action::Retry);
    }
    let tls = BrokerUrl {
        secure: true,
        ..url.clone()
    };
    let mut d = d.with(Action::use_url(&tls)).with(Action::Retry);
    d.detail.push_str(&format!(
        " Port {} usually speaks TLS: try wss://.",
        url.port
    ));
    d
}

fn local_hint(url: &BrokerUrl) -> String {
    if is_loopback(&url.host) {
        " Is the broker running on this computer?".to_string()
    } else {
        String::new()
    }
}

fn slow_hint(elapsed_ms: f64) -> String {
    if elapsed_ms >= SLOW_FAILURE_MS {
        format!(
            " It took {} to fail, which usually means a firewall silently drops the \
             connection or the host is unreachable.",
            seconds(elapsed_ms)
        )
    } else {
        String::new()
    }
}

/// The WebSocket opened, but the server chose `chosen` rather than `mqtt`.
pub fn subprotocol_refused(url: &BrokerUrl, chosen: &str) -> Diagnosis {
    let title = format!("{} did not agree to speak MQTT", url.host_port());
    let d = if chosen.is_empty() {
        let detail = format!(
            "The WebSocket at {} opened without choosing the subprotocol \"mqtt\". It is \
             probably not an MQTT endpoint, or a proxy in front drops the subprotocol.",
            url.ws_url()
        );
        Diagnosis::new(Severity::Error, title, detail)
    } else if chosen.eq_ignore_ascii_case("mqttv3.1") {
        let detail = "The server chose \"mqttv3.1\", the subprotocol of old MQTT 3.1 \
                      brokers. Connect with MQTT 3.1.";
        Diagnosis::new(Severity::Error, title, detail)
            .with(Action::SwitchVersion(ProtocolVersion::V3_1))
    } else {
        let detail = format!(
            "The server at {} chose the subprotocol {} instead of \"mqtt\": it is a \
             WebSocket service for something else. Check the port and path.",
            url.ws_url(),
            quoted(chosen)
        );
        Diagnosis::new(Severity::Error, title, detail)
    };
    d.with(Action::Edit(Setting::Url))
}

#[cfg(test)]
#[path = "handshake_tests.rs"]
mod tests;
