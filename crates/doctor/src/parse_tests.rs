//! URL parsing edge cases.

use super::*;

fn ok(text: &str) -> BrokerUrl {
    parse(text).unwrap_or_else(|e| panic!("{text}: {e:?}"))
}

#[test]
fn default_ports_and_paths() {
    let u = ok("ws://broker.example");
    assert_eq!((u.secure, u.port, u.path.as_str()), (false, 80, "/"));
    let u = ok("wss://broker.example");
    assert_eq!((u.secure, u.port, u.path.as_str()), (true, 443, "/"));
    assert_eq!(u.ws_url(), "wss://broker.example/");
    assert_eq!(ok("ws://h:").port, 80);
    assert_eq!(ok("wss://h:443/mqtt").ws_url(), "wss://h/mqtt");
    assert_eq!(ok("ws://h:9001?x").ws_url(), "ws://h:9001/?x");
}

#[test]
fn scheme_and_host_case_and_whitespace() {
    let u = ok("  WSS://Broker.EXAMPLE:8884/MQTT \n");
    assert_eq!(u.ws_url(), "wss://broker.example:8884/MQTT");
    assert_eq!(u.host_port(), "broker.example:8884");
}

#[test]
fn ipv6_hosts() {
    let u = ok("ws://[::1]:9001/mqtt");
    assert_eq!((u.host.as_str(), u.port), ("::1", 9001));
    assert_eq!(u.ws_url(), "ws://[::1]:9001/mqtt");
    assert_eq!(u.https_url(), "https://[::1]:9001/");
    assert_eq!(u.host_port(), "[::1]:9001");
    assert_eq!(ok("wss://[FE80::1]").ws_url(), "wss://[fe80::1]/");
    assert!(matches!(
        parse("ws://::1:9001"),
        Err(UrlProblem::Ipv6WithoutBrackets { .. })
    ));
    assert!(matches!(
        parse("ws://[::1"),
        Err(UrlProblem::BadHost { .. })
    ));
    assert!(matches!(
        parse("ws://[::1]x"),
        Err(UrlProblem::BadHost { .. })
    ));
    assert!(matches!(
        parse("ws://[g::1]"),
        Err(UrlProblem::BadHost { .. })
    ));
    assert!(matches!(parse("ws://[]:80"), Err(UrlProblem::MissingHost)));
}

#[test]
fn queries_and_odd_paths() {
    let u = ok("wss://h/mqtt?token=a b&x=1");
    assert_eq!(
        (u.path.as_str(), u.query.as_str()),
        ("/mqtt", "?token=a%20b&x=1")
    );
    assert_eq!(u.with_path("ws").ws_url(), "wss://h/ws?token=a%20b&x=1");
    assert_eq!(ok("ws://h/a b/ü").path, "/a%20b/%C3%BC");
    assert_eq!(ok("ws://h/already%20encoded").path, "/already%20encoded");
    assert_eq!(ok("ws://h?").query, "");
}

#[test]
fn ports() {
    assert_eq!(ok("ws://h:0009001").port, 9001);
    assert_eq!(ok("ws://h:65535").port, 65535);
    for bad in [
        "ws://h:0",
        "ws://h:65536",
        "ws://h:99999999999999999999",
        "ws://h:9o01",
        "ws://h:-1",
    ] {
        assert!(
            matches!(parse(bad), Err(UrlProblem::BadPort { .. })),
            "{bad}"
        );
    }
    assert!(matches!(
        parse("ws://h:9001:"),
        Err(UrlProblem::BadPort { .. })
    ));
}

#[test]
fn schemes() {
    assert_eq!(parse("   "), Err(UrlProblem::Empty));
    assert_eq!(
        parse("localhost:9001"),
        Err(UrlProblem::NoScheme {
            rest: "localhost:9001".into()
        })
    );
    assert_eq!(
        parse("//h/x"),
        Err(UrlProblem::NoScheme { rest: "h/x".into() })
    );
    let http = parse("HTTPS://h:8884/mqtt");
    assert_eq!(
        http,
        Err(UrlProblem::HttpScheme {
            secure: true,
            rest: "h:8884/mqtt".into()
        })
    );
    let tcp = parse("mqtt://user@Broker:1883/x");
    let want = UrlProblem::TcpScheme {
        scheme: "mqtt".into(),
        host: "broker".into(),
        port: Some(1883),
    };
    assert_eq!(tcp, Err(want));
    let tcp = parse("mqtts://[::1]:88888");
    let want = UrlProblem::TcpScheme {
        scheme: "mqtts".into(),
        host: "::1".into(),
        port: None,
    };
    assert_eq!(tcp, Err(want));
    assert_eq!(
        parse("ftp://h"),
        Err(UrlProblem::UnknownScheme {
            scheme: "ftp".into()
        })
    );
    assert!(matches!(parse("1ws://h"), Err(UrlProblem::NoScheme { .. })));
}

#[test]
fn credentials_and_fragments() {
    let e = parse("wss://me:secret@h:8884/mqtt");
    assert_eq!(
        e,
        Err(UrlProblem::Credentials {
            without: "wss://h:8884/mqtt".into()
        })
    );
    let e = parse("ws://h:9001/mqtt#top");
    assert_eq!(
        e,
        Err(UrlProblem::Fragment {
            without: "ws://h:9001/mqtt".into()
        })
    );
}

#[test]
fn hosts() {
    assert!(matches!(parse("ws://"), Err(UrlProblem::MissingHost)));
    assert!(matches!(
        parse("ws://:9001/x"),
        Err(UrlProblem::MissingHost)
    ));
    assert!(matches!(
        parse("ws://my host/"),
        Err(UrlProblem::BadHost { .. })
    ));
    assert!(matches!(
        parse("ws://a..b"),
        Err(UrlProblem::BadHost { .. })
    ));
    assert_eq!(ok("ws://bücher.example").host, "bücher.example");
    assert_eq!(ok("ws://my_broker.local").host, "my_broker.local");
}

#[test]
fn constructors_and_variants() {
    let u = BrokerUrl::new(false, "[::1]", 1883, "mqtt");
    assert_eq!(u.ws_url(), "ws://[::1]:1883/mqtt");
    assert_eq!(u.with_port(9001).ws_url(), "ws://[::1]:9001/mqtt");
    assert_eq!(u.http_url(), "http://[::1]:1883/");
    assert_eq!(ok("wss://h:443/x").https_url(), "https://h/");
    assert_eq!(ok("ws://h/x").https_url(), "https://h:80/");
}

#[test]
fn garbage_never_panics() {
    let samples = [
        "",
        "://",
        "ws://",
        "ws:///",
        "ws://[",
        "ws://]",
        "ws://@",
        "ws://@@h",
        "ws://h:🙂",
        "🙂://h",
        "ws://h/\u{0}",
        "ws://[::1]:",
        "wss://[:::::]",
        "ws://h#",
        "ws:/h",
        "ws:h",
        "\u{feff}ws://h",
        "ws://h:99999/%%%",
        "ws://.h",
        "ws://h..",
        "ws://-",
    ];
    for s in samples {
        let _ = parse(s);
    }
    for len in 0..64 {
        let text: String = "ws://[a:b]@:/?#%é"
            .chars()
            .cycle()
            .skip(len)
            .take(len)
            .collect();
        let _ = parse(&text);
    }
}
