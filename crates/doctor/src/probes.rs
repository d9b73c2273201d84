//! Probes after a failed handshake: which ones to run ([`probes_for`]) and what they
//! found ([`Probes`]).

use super::ports::{tcp_port_name, websocket_ports};
use super::url::BrokerUrl;

/// The paths MQTT brokers commonly serve WebSockets on: EMQX, HiveMQ, VerneMQ and most
/// proxies `/mqtt`, Mosquitto any path, RabbitMQ `/ws`.
pub const COMMON_PATHS: [&str; 3] = ["/mqtt", "/", "/ws"];

/// Which probes to run after [`super::Failure::HandshakeFailed`] for a URL.
///
/// All probes are cheap and may run at once; give each a timeout of a few seconds
/// and report one that timed out as failed (`false`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProbePlan {
    /// Fetch this with `mode: "no-cors"`: any response (even opaque) means something
    /// answers HTTP there → [`Probes::http_answers`] `= Some(true)`; a network error
    /// → `Some(false)`. It is `http://host:port/` for `ws://`, `https://host:port/` for
    /// `wss://` (which fails as well when the certificate is not trusted).
    pub http_url: String,
    /// Open a WebSocket at this URL (the one tried) without any subprotocol → whether it
    /// opened goes into [`Probes::opens_without_subprotocol`].
    pub without_subprotocol: String,
    /// Open a WebSocket with subprotocol `mqtt` at each → [`Probes::alternatives`]
    /// (close it at once when it opens). Other common paths on the same port, and for
    /// MQTT's TCP ports (1883, 8883) the common WebSocket ports with path `/mqtt`.
    pub alternatives: Vec<BrokerUrl>,
}

/// What the probes found; `None` (or a missing alternative) means "not run".
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Probes {
    /// A `no-cors` fetch of [`ProbePlan::http_url`] got an HTTP answer.
    pub http_answers: Option<bool>,
    /// A WebSocket without subprotocol opened at the URL tried.
    pub opens_without_subprotocol: Option<bool>,
    /// For each alternative URL tried, whether a WebSocket with subprotocol `mqtt`
    /// opened there.
    pub alternatives: Vec<(BrokerUrl, bool)>,
}

impl Probes {
    /// The first alternative that opened.
    pub fn opened(&self) -> Option<&BrokerUrl> {
        self.alternatives.iter().find(|(_, ok)| *ok).map(|(u, _)| u)
    }

    /// True when `url` was tried and did not open.
    pub fn failed(&self, url: &BrokerUrl) -> bool {
        self.alternatives.iter().any(|(u, ok)| u == url && !ok)
    }
}

/// The probes worth running after a failed handshake with `url`.
pub fn probes_for(url: &BrokerUrl) -> ProbePlan {
    ProbePlan {
        http_url: url.http_url(),
        without_subprotocol: url.ws_url(),
        alternatives: alternatives(url),
    }
}

/// Other paths on the same port; for a TCP port, the common WebSocket ports instead.
pub fn alternatives(url: &BrokerUrl) -> Vec<BrokerUrl> {
    if tcp_port_name(url.port).is_some() {
        let ports = websocket_ports(url.secure).iter();
        return ports
            .map(|&p| url.with_port(p).with_path("/mqtt"))
            .collect();
    }
    COMMON_PATHS
        .iter()
        .filter(|p| **p != url.path)
        .map(|p| url.with_path(p))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::parse;

    fn urls(plan: &ProbePlan) -> Vec<String> {
        plan.alternatives.iter().map(BrokerUrl::ws_url).collect()
    }

    #[test]
    fn tries_the_other_common_paths() {
        let plan = probes_for(&parse("ws://h:9001/mqtt?x=1").expect("valid"));
        assert_eq!(plan.http_url, "http://h:9001/");
        assert_eq!(plan.without_subprotocol, "ws://h:9001/mqtt?x=1");
        assert_eq!(urls(&plan), ["ws://h:9001/?x=1", "ws://h:9001/ws?x=1"]);
        let plan = probes_for(&parse("wss://h/other").expect("valid"));
        assert_eq!(plan.http_url, "https://h/");
        assert_eq!(urls(&plan), ["wss://h/mqtt", "wss://h/", "wss://h/ws"]);
    }

    #[test]
    fn tries_websocket_ports_instead_of_a_tcp_port() {
        let plan = probes_for(&parse("ws://h:1883").expect("valid"));
        let want = [
            "ws://h:8083/mqtt",
            "ws://h:8080/mqtt",
            "ws://h:9001/mqtt",
            "ws://h:8000/mqtt",
        ];
        assert_eq!(urls(&plan), want);
        let plan = probes_for(&parse("wss://h:8883/").expect("valid"));
        assert_eq!(urls(&plan)[..2], ["wss://h:8084/mqtt", "wss://h:8884/mqtt"]);
    }

    #[test]
    fn finds_what_opened_and_what_failed() {
        let a = parse("ws://h/mqtt").expect("valid");
        let b = parse("ws://h/").expect("valid");
        let p = Probes {
            alternatives: vec![(a.clone(), false), (b.clone(), true)],
            ..Default::default()
        };
        assert_eq!(p.opened(), Some(&b));
        assert!(p.failed(&a) && !p.failed(&b));
        assert!(!Probes::default().failed(&a));
    }
}
