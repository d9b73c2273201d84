//! What ports usually mean: MQTT's TCP ports, common WebSocket ports, ports browsers
//! refuse, and loopback hosts.

/// MQTT over TCP (1883) and over TLS on TCP (8883): brokers speak raw MQTT there, which
/// a browser cannot open.
pub fn tcp_port_name(port: u16) -> Option<&'static str> {
    match port {
        1883 => Some("MQTT's plain TCP port"),
        8883 => Some("MQTT's TLS port for TCP"),
        _ => None,
    }
}

/// Common `ws://` ports of MQTT brokers, likeliest first: EMQX 8083, VerneMQ and
/// test.mosquitto.org 8080, Mosquitto's usual 9001, HiveMQ 8000.
pub const WS_PORTS: [u16; 4] = [8083, 8080, 9001, 8000];

/// Common `wss://` ports: EMQX 8084, HiveMQ 8884, 443 behind a proxy, test.mosquitto.org
/// 8081.
pub const WSS_PORTS: [u16; 4] = [8084, 8884, 443, 8081];

/// The common WebSocket ports for this kind of connection.
pub fn websocket_ports(secure: bool) -> &'static [u16] {
    if secure {
        &WSS_PORTS
    } else {
        &WS_PORTS
    }
}

/// A list of ports for a sentence: "8083, 8080, 9001 or 8000".
pub fn list_ports(ports: &[u16]) -> String {
    let words: Vec<String> = ports.iter().map(u16::to_string).collect();
    match words.split_last() {
        None => String::new(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
    }
}

/// Ports that normally carry TLS, so a `ws://` URL there is likely meant as `wss://`.
pub fn usually_tls(port: u16) -> bool {
    matches!(port, 443 | 8084 | 8443 | 8883 | 8884)
}

/// Ports that normally carry plain WebSocket, so `wss://` there is likely wrong.
pub fn usually_plain(port: u16) -> bool {
    matches!(port, 80 | 1883 | 8000 | 8080 | 8083 | 9001)
}

/// The `wss://` port that usually pairs with a `ws://` port (EMQX 8083/8084, HiveMQ
/// 8000/8884, test.mosquitto.org 8080/8081, 80/443); otherwise the same port.
pub fn tls_counterpart(port: u16) -> u16 {
    match port {
        80 => 443,
        8083 => 8084,
        8000 => 8884,
        8080 => 8081,
        1883 => 8883,
        p => p,
    }
}

/// Ports every browser refuses to connect to (the Fetch standard's "bad ports").
const BLOCKED_PORTS: &[u16] = &[
    1, 7, 9, 11, 13, 15, 17, 19, 20, 21, 22, 23, 25, 37, 42, 43, 53, 69, 77, 79, 87, 95, 101, 102,
    103, 104, 109, 110, 111, 113, 115, 117, 119, 123, 135, 137, 139, 143, 161, 179, 389, 427, 465,
    512, 513, 514, 515, 526, 530, 531, 532, 540, 548, 554, 556, 563, 587, 601, 636, 989, 990, 993,
    995, 1719, 1720, 1723, 2049, 3659, 4045, 4190, 5060, 5061, 6000, 6566, 6665, 6666, 6667, 6668,
    6669, 6679, 6697, 10080,
];

/// True for a port browsers block for every request (the Fetch standard's list).
pub fn browser_blocks(port: u16) -> bool {
    BLOCKED_PORTS.binary_search(&port).is_ok()
}

/// True for `localhost`, `*.localhost`, `127.x.x.x` and `::1`, which browsers treat as
/// trustworthy (Chrome and Firefox allow `ws://` to them from `https://` pages).
pub fn is_loopback(host: &str) -> bool {
    host == "localhost"
        || host.ends_with(".localhost")
        || host == "::1"
        || host.strip_prefix("127.").is_some_and(|rest| {
            rest.split('.').count() == 3 && rest.split('.').all(|p| p.parse::<u8>().is_ok())
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocked_ports_are_sorted_and_known() {
        assert!(BLOCKED_PORTS.windows(2).all(|w| w[0] < w[1]));
        for p in [22, 25, 6667, 10080] {
            assert!(browser_blocks(p), "{p}");
        }
        for p in [80, 443, 1883, 8080, 8083, 8884, 9001] {
            assert!(!browser_blocks(p), "{p}");
        }
    }

    #[test]
    fn loopback_hosts() {
        for h in [
            "localhost",
            "app.localhost",
            "127.0.0.1",
            "127.1.2.3",
            "::1",
        ] {
            assert!(is_loopback(h), "{h}");
        }
        for h in [
            "localhost.example",
            "127.0.0",
            "128.0.0.1",
            "::2",
            "127.0.0.256",
        ] {
            assert!(!is_loopback(h), "{h}");
        }
    }

    #[test]
    fn port_lists_read_as_words() {
        assert_eq!(list_ports(&[]), "");
        assert_eq!(list_ports(&[9001]), "9001");
        assert_eq!(list_ports(&WS_PORTS), "8083, 8080, 9001 or 8000");
    }

    #[test]
    fn port_kinds() {
        assert_eq!(tcp_port_name(1883), Some("MQTT's plain TCP port"));
        assert!(tcp_port_name(8083).is_none());
        assert!(usually_tls(8884) && !usually_tls(8083));
        assert!(usually_plain(9001) && !usually_plain(443));
        assert_eq!(tls_counterpart(8083), 8084);
        assert_eq!(tls_counterpart(1234), 1234);
        assert_eq!(websocket_ports(true), &WSS_PORTS);
    }
}
