//! Each branch of the handshake decision.

use super::*;
use crate::parse::parse;

fn url(text: &str) -> BrokerUrl {
    parse(text).expect("valid URL")
}

fn probes(http: Option<bool>, plain: Option<bool>, tried: &[(&str, bool)]) -> Probes {
    Probes {
        http_answers: http,
        opens_without_subprotocol: plain,
        alternatives: tried.iter().map(|(u, ok)| (url(u), *ok)).collect(),
    }
}

fn urls(d: &Diagnosis) -> Vec<&str> {
    d.actions
        .iter()
        .filter_map(|a| match a {
            Action::UseUrl { url, .. } | Action::OpenPage { url, .. } => Some(url.as_str()),
            _ => None,
        })
        .collect()
}

#[test]
fn an_alternative_path_that_opened_wins() {
    let p = probes(Some(true), Some(false), &[("ws://h:9001/mqtt", true)]);
    let d = handshake_failed(&url("ws://h:9001/"), 50.0, &p);
    assert_eq!(d.title, "The broker answers on /mqtt, not /");
    assert_eq!(d.actions, [Action::use_url(&url("ws://h:9001/mqtt"))]);
    assert_eq!(urls(&d), ["ws://h:9001/mqtt"]);
}

#[test]
fn an_alternative_port_that_opened_wins() {
    let tried = [("ws://h:8083/mqtt", false), ("ws://h:8080/mqtt", true)];
    let d = handshake_failed(
        &url("ws://h:1883"),
        50.0,
        &probes(Some(false), None, &tried),
    );
    assert_eq!(d.title, "The broker's WebSocket is at h:8080");
    assert_eq!(urls(&d), ["ws://h:8080/mqtt"]);
}

#[test]
fn a_plain_websocket_without_mqtt_is_not_a_broker() {
    let d = handshake_failed(
        &url("ws://h:8080/x"),
        50.0,
        &probes(Some(true), Some(true), &[]),
    );
    assert_eq!(d.title, "h:8080 does not accept MQTT");
    assert!(d.detail.contains("subprotocol \"mqtt\""), "{}", d.detail);
    assert_eq!(d.actions, [Action::Edit(Setting::Url)]);
}

#[test]
fn mqtt_tcp_ports_get_websocket_ports_suggested() {
    let d = handshake_failed(&url("ws://h:1883"), 5.0, &Probes::default());
    assert_eq!(d.title, "Port 1883 is MQTT's plain TCP port");
    assert!(
        d.detail.contains("8083, 8080, 9001 or 8000"),
        "{}",
        d.detail
    );
    assert_eq!(
        urls(&d),
        ["ws://h:8083/mqtt", "ws://h:8080/mqtt", "ws://h:9001/mqtt"]
    );
    let d = handshake_failed(&url("wss://h:8883"), 5.0, &probes(Some(false), None, &[]));
    assert_eq!(d.title, "Port 8883 is MQTT's TLS port for TCP");
    assert_eq!(urls(&d)[0], "wss://h:8084/mqtt");
}

#[test]
fn mqtt_tcp_ports_whose_alternatives_all_failed() {
    let tried: Vec<(String, bool)> = alternatives(&url("ws://h:1883"))
        .iter()
        .map(|u| (u.ws_url(), false))
        .collect();
    let tried: Vec<(&str, bool)> = tried.iter().map(|(u, ok)| (u.as_str(), *ok)).collect();
    let d = handshake_failed(&url("ws://h:1883"), 5.0, &probes(Some(false), None, &tried));
    assert!(
        d.detail.contains("None of those opened on h"),
        "{}",
        d.detail
    );
    assert_eq!(d.actions, [Action::Edit(Setting::Url)]);
}

#[test]
fn http_answers_but_no_websocket_means_a_wrong_path() {
    let d = handshake_failed(
        &url("ws://h:8080/x"),
        50.0,
        &probes(Some(true), Some(false), &[]),
    );
    assert_eq!(d.title, "No MQTT WebSocket at /x on h:8080");
    assert_eq!(urls(&d), ["ws://h:8080/mqtt", "ws://h:8080/"]);
    let tried = [
        ("ws://h:8080/mqtt", false),
        ("ws://h:8080/", false),
        ("ws://h:8080/ws", false),
    ];
    let d = handshake_failed(
        &url("ws://h:8080/x"),
        50.0,
        &probes(Some(true), None, &tried),
    );
    assert!(d.detail.contains("did not open either"), "{}", d.detail);
    assert_eq!(d.actions, [Action::Edit(Setting::Url)]);
}

#[test]
fn secure_and_silent_means_untrusted_certificate_or_nothing() {
    let u = url("wss://broker.lan:8884/mqtt");
    let d = handshake_failed(&u, 80.0, &probes(Some(false), None, &[]));
    assert_eq!(
        d.title,
        "Certificate not trusted, or nothing listening at broker.lan:8884"
    );
    assert!(
        d.detail.contains("https://broker.lan:8884/ did not load"),
        "{}",
        d.detail
    );
    assert!(d.detail.contains("not trusted") && d.detail.contains("nothing answers"));
    assert_eq!(d.actions, [Action::trust_certificate(&u), Action::Retry]);
    assert_eq!(urls(&d), ["https://broker.lan:8884/"]);
    // Without probes the certificate is still the likeliest cause worth a button.
    let d = handshake_failed(&u, 80.0, &Probes::default());
    assert_eq!(urls(&d), ["https://broker.lan:8884/"]);
    assert!(!d.detail.contains("did not load"));
}

#[test]
fn tls_to_a_plain_port_is_mentioned() {
    let d = handshake_failed(&url("wss://h:9001"), 80.0, &probes(Some(false), None, &[]));
    assert!(
        d.detail.contains("Port 9001 usually carries plain ws://"),
        "{}",
        d.detail
    );
}

#[test]
fn plain_and_silent_means_nothing_answers() {
    let d = handshake_failed(
        &url("ws://localhost:9001"),
        20.0,
        &probes(Some(false), None, &[]),
    );
    assert_eq!(d.title, "Nothing answers at localhost:9001");
    assert!(
        d.detail.contains("running on this computer"),
        "{}",
        d.detail
    );
    assert!(!d.detail.contains("firewall silently"));
    assert_eq!(d.actions, [Action::Retry]);
    let d = handshake_failed(
        &url("ws://h:9001"),
        21_000.0,
        &probes(Some(false), None, &[]),
    );
    assert!(d.detail.contains("It took 21 s to fail"), "{}", d.detail);
    assert!(!d.detail.contains("this computer"));
}

#[test]
fn no_probes_still_says_what_was_tried() {
    let d = handshake_failed(&url("ws://h:9001/mqtt"), 20.0, &Probes::default());
    assert_eq!(d.title, "Could not connect to h:9001");
    assert!(d.detail.contains("ws://h:9001/mqtt"));
    assert_eq!(d.actions, [Action::Retry]);
}

#[test]
fn plain_websocket_on_a_tls_port_suggests_wss() {
    let d = handshake_failed(
        &url("ws://h:443/mqtt"),
        20.0,
        &probes(Some(false), None, &[]),
    );
    assert_eq!(urls(&d), ["wss://h/mqtt"]);
    assert!(d.detail.contains("usually speaks TLS"), "{}", d.detail);
}

#[test]
fn subprotocol_refusals() {
    let u = url("ws://h:8080/");
    let d = subprotocol_refused(&u, "");
    assert!(d.detail.contains("without choosing"), "{}", d.detail);
    let d = subprotocol_refused(&u, "mqttv3.1");
    assert_eq!(d.actions[0], Action::SwitchVersion(ProtocolVersion::V3_1));
    let d = subprotocol_refused(&u, "chat\n");
    assert!(d.detail.contains("\"chat\""), "{}", d.detail);
    assert_eq!(d.actions, [Action::Edit(Setting::Url)]);
}
