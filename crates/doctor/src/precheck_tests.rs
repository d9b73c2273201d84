//! What precheck accepts, and how it explains the rest.

use super::*;

fn refused(url: &str, https: bool) -> Diagnosis {
    match precheck(url, https) {
        Ok(u) => panic!("{url} accepted as {u:?}"),
        Err(d) => d,
    }
}

fn urls(d: &Diagnosis) -> Vec<&str> {
    d.actions
        .iter()
        .filter_map(|a| match a {
            Action::UseUrl { url, .. } => Some(url.as_str()),
            _ => None,
        })
        .collect()
}

#[test]
fn accepts_what_the_page_may_open() {
    assert!(precheck("ws://h:9001/mqtt", false).is_ok());
    assert!(precheck("wss://h:8884/mqtt", true).is_ok());
    assert!(precheck("wss://h:8884/mqtt", false).is_ok());
    for local in [
        "ws://localhost:9001",
        "ws://127.0.0.1:9001",
        "ws://[::1]:9001",
    ] {
        assert!(precheck(local, true).is_ok(), "{local}");
    }
}

#[test]
fn mixed_content_is_refused_with_a_wss_suggestion() {
    let d = refused("ws://broker.example:8083/mqtt", true);
    assert_eq!(d.title, "This page is https, so your browser blocks ws://");
    assert!(d.detail.contains("broker.example:8083"), "{}", d.detail);
    assert_eq!(urls(&d), ["wss://broker.example:8084/mqtt"]);
    let d = refused("ws://broker.example:9001/", true);
    assert_eq!(urls(&d), ["wss://broker.example:9001/"]);
}

#[test]
fn http_urls_become_websocket_urls() {
    let d = refused("https://h:8884/mqtt", false);
    assert_eq!(d.title, "Use wss:// instead of https://");
    assert_eq!(urls(&d), ["wss://h:8884/mqtt"]);
    let d = refused("http://h:8083/mqtt", false);
    assert_eq!(urls(&d), ["ws://h:8083/mqtt"]);
    // From an https page the ws:// correction is itself mixed content.
    let d = refused("http://h:8083/mqtt", true);
    assert_eq!(urls(&d), ["wss://h:8084/mqtt"]);
}

#[test]
fn a_missing_scheme_is_added() {
    let d = refused("localhost:9001/mqtt", false);
    assert_eq!(d.title, "The URL needs ws:// or wss://");
    assert_eq!(urls(&d), ["ws://localhost:9001/mqtt"]);
    let d = refused("broker.example:8884", true);
    assert_eq!(urls(&d), ["wss://broker.example:8884/"]);
    let d = refused("broker.example:1883", false);
    assert_eq!(d.title, "Port 1883 is MQTT's plain TCP port");
    assert_eq!(urls(&d)[0], "ws://broker.example:8083/mqtt");
    let d = refused("not a url", false);
    assert_eq!(d.actions, [Action::Edit(Setting::Url)]);
}

#[test]
fn tcp_schemes_get_websocket_ports() {
    let d = refused("mqtt://broker.example:1883", false);
    assert_eq!(d.title, "Browsers cannot open mqtt:// connections");
    assert!(d.detail.contains("(port 1883)"), "{}", d.detail);
    assert!(
        d.detail.contains("8083, 8080, 9001 or 8000"),
        "{}",
        d.detail
    );
    let want = [
        "ws://broker.example:8083/mqtt",
        "ws://broker.example:8080/mqtt",
        "ws://broker.example:9001/mqtt",
    ];
    assert_eq!(urls(&d), want);
    let d = refused("mqtts://[::1]:8883", false);
    assert_eq!(urls(&d)[0], "wss://[::1]:8084/mqtt");
    let d = refused("tcp://broker.example", true);
    assert_eq!(urls(&d)[0], "wss://broker.example:8084/mqtt");
    let d = refused("mqtt://", false);
    assert_eq!(d.actions, [Action::Edit(Setting::Url)]);
}

#[test]
fn bad_ports_and_hosts() {
    let d = refused("ws://h:6667", false);
    assert_eq!(d.title, "Your browser blocks port 6667");
    assert_eq!(
        refused("ws://h:70000", false).title,
        "\"70000\" is not a port"
    );
    assert_eq!(
        refused("ws://my host", false).title,
        "\"my host\" is not a host name"
    );
    assert_eq!(
        refused("ws://::1:9001", false).title,
        "Put the IPv6 address in brackets"
    );
    assert_eq!(refused("ws:///mqtt", false).title, "The URL has no host");
    assert_eq!(refused("", false).title, "Enter the broker's WebSocket URL");
    assert_eq!(
        refused("gopher://h", false).title,
        "gopher:// is not a WebSocket URL"
    );
}

#[test]
fn credentials_and_fragments_are_taken_out() {
    let d = refused("wss://me:pw@h:8884/mqtt", true);
    assert_eq!(urls(&d), ["wss://h:8884/mqtt"]);
    assert_eq!(d.actions.last(), Some(&Action::Edit(Setting::Credentials)));
    let d = refused("ws://h:9001/mqtt#x", false);
    assert_eq!(urls(&d), ["ws://h:9001/mqtt"]);
    let d = refused("ws://h:9001/mqtt#x", true);
    assert_eq!(d.title, "This page is https, so your browser blocks ws://");
}

#[test]
fn garbage_never_panics() {
    for text in [
        "\u{0}",
        "ws://[",
        "https://",
        "mqtt://[::1",
        "ws://h:🙂",
        "////",
        "a://b@c#d",
    ] {
        for https in [false, true] {
            let _ = precheck(text, https);
        }
    }
}

#[test]
fn accepts_sandbox_urls_from_any_page() {
    for (text, name) in [
        ("sandbox://home", "home"),
        ("SANDBOX://Home/", "home"),
        (" sandbox:// ", "home"),
        ("sandbox://lab-2", "lab-2"),
    ] {
        for https in [false, true] {
            let u = precheck(text, https).unwrap_or_else(|d| panic!("{text}: {d:?}"));
            assert!(u.sandbox);
            assert_eq!(u.ws_url(), format!("sandbox://{name}"));
        }
    }
    let d = refused("sandbox://my home<b>", false);
    assert!(d.title.contains("not a sandbox name"), "{}", d.title);
}
