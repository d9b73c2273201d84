//! MQTT over WebSocket: subprotocol `mqtt` offered and checked [MQTT-6.0.0-3], binary
//! messages only [MQTT-6.0.0-1], one MQTT packet per message; packets may span messages
//! [MQTT-6.0.0-2], which the client's framer handles.

use std::io;
use std::net::TcpStream;
use std::time::Duration;

use tungstenite::client::IntoClientRequest;
use tungstenite::{Message, WebSocket};

use super::{Recv, Transport};

/// A WebSocket connection.
pub struct WsTransport {
    socket: WebSocket<TcpStream>,
    timeout: Option<Duration>,
}

fn other(e: impl std::fmt::Display) -> io::Error {
    io::Error::other(e.to_string())
}

impl WsTransport {
    /// Connects to `host:port/path` (the part after `ws://`).
    pub fn connect(rest: &str) -> io::Result<Self> {
        let (authority, path) = rest.split_once('/').map_or((rest, ""), |(a, p)| (a, p));
        let stream = TcpStream::connect(authority)?;
        stream.set_nodelay(true)?;
        let mut request = format!("ws://{authority}/{path}")
            .into_client_request()
            .map_err(other)?;
        request
            .headers_mut()
            .insert("Sec-WebSocket-Protocol", "mqtt".parse().map_err(other)?);
        let (socket, response) = tungstenite::client(request, stream).map_err(other)?;
        let chosen = response
            .headers()
            .get("Sec-WebSocket-Protocol")
            .and_then(|v| v.to_str().ok());
        if chosen != Some("mqtt") {
            return Err(other(format!(
                "the server did not accept the mqtt subprotocol (it chose {chosen:?})"
            )));
        }
        Ok(WsTransport {
            socket,
            timeout: None,
        })
    }
}

impl Transport for WsTransport {
    fn send(&mut self, packet: &[u8]) -> io::Result<()> {
        // One MQTT packet per WebSocket message; written out by `flush`.
        self.socket
            .write(Message::binary(packet.to_vec()))
            .map_err(other)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.socket.flush().map_err(other)
    }

    fn recv(&mut self, timeout: Duration) -> io::Result<Recv> {
        // A system call only when the wait changes.
        if self.timeout != Some(timeout) {
            self.socket.get_mut().set_read_timeout(Some(timeout))?;
            self.timeout = Some(timeout);
        }
        match self.socket.read() {
            Ok(Message::Binary(data)) => Ok(Recv::Data(data.to_vec())),
            Ok(Message::Close(_)) => Ok(Recv::Closed),
            Ok(Message::Text(_)) => Err(other(
                "a text frame: MQTT over WebSocket is binary only [MQTT-6.0.0-1]",
            )),
            Ok(_) => Ok(Recv::Timeout),
            Err(tungstenite::Error::Io(e))
                if matches!(
                    e.kind(),
                    io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                ) =>
            {
                Ok(Recv::Timeout)
            }
            Err(tungstenite::Error::ConnectionClosed | tungstenite::Error::AlreadyClosed) => {
                Ok(Recv::Closed)
            }
            Err(tungstenite::Error::Io(e)) if e.kind() == io::ErrorKind::ConnectionReset => {
                Ok(Recv::Closed)
            }
            Err(e) => Err(other(e)),
        }
    }

    fn close(&mut self) {
        let _ = self.socket.close(None);
        let _ = self.socket.flush();
    }
}

#[cfg(test)]
mod tests {
    use std::net::TcpListener;
    use std::thread::{self, JoinHandle};

    use tungstenite::handshake::server::{Request, Response};
    use tungstenite::http::HeaderValue;

    use super::*;

    /// A one-connection WebSocket server on loopback: it answers the handshake with
    /// `chosen` as its subprotocol (none when `None`), then runs `then`; it returns the
    /// subprotocols the client offered and what `then` returned.
    fn server<T: Send + 'static>(
        chosen: Option<&'static str>,
        then: impl FnOnce(&mut WebSocket<TcpStream>) -> T + Send + 'static,
    ) -> (String, JoinHandle<(String, T)>) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap().to_string();
        let handle = thread::spawn(move || {
            let (stream, _) = listener.accept().unwrap();
            let mut offered = String::new();
            #[allow(clippy::result_large_err)] // the signature tungstenite's callback has
            let callback = |req: &Request, mut res: Response| {
                offered = req
                    .headers()
                    .get("Sec-WebSocket-Protocol")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or_default()
                    .to_owned();
                if let Some(p) = chosen {
                    let value = HeaderValue::from_static(p);
                    res.headers_mut().insert("Sec-WebSocket-Protocol", value);
                }
                Ok(res)
            };
            match tungstenite::accept_hdr(stream, callback) {
                Ok(mut ws) => (offered, then(&mut ws)),
                Err(_) => (offered, then_failed()),
            }
        });
        (addr, handle)
    }

    fn then_failed<T>() -> T {
        panic!("the handshake failed on the server's side")
    }

    /// The client offers `mqtt` and sends each MQTT packet as one binary message.
    /// [MQTT-6.0.0-3] [MQTT-6.0.0-1] [MQTT-4.2.0-1]
    /// 3.1.1: [MQTT-6.0.0-3] [MQTT-6.0.0-1] [MQTT-7.1.2-1]
    #[test]
    fn offers_mqtt_and_sends_each_packet_as_one_binary_message() {
        let (addr, server) = server(Some("mqtt"), |ws| {
            (0..2).map(|_| ws.read().unwrap()).collect::<Vec<_>>()
        });
        let mut client = WsTransport::connect(&format!("{addr}/mqtt")).unwrap();
        client.send(&[0xc0, 0x00]).unwrap();
        client.send(&[0xe0, 0x00]).unwrap();
        client.flush().unwrap();
        let (offered, got) = server.join().unwrap();
        assert_eq!(offered, "mqtt");
        assert_eq!(
            got,
            [
                Message::binary(vec![0xc0, 0x00]),
                Message::binary(vec![0xe0, 0x00])
            ]
        );
    }

    /// A server that selects no subprotocol, or another one than `mqtt`, is not talked to.
    /// [MQTT-6.0.0-4]
    /// 3.1.1: [MQTT-6.0.0-4]
    #[test]
    fn a_server_that_does_not_select_mqtt_is_refused() {
        for chosen in [None, Some("mqttv3.1")] {
            let (addr, server) = server(chosen, |_| ());
            let err = WsTransport::connect(&addr).err().expect("refused");
            // tungstenite refuses it in the handshake; our own check is behind it.
            let text = err.to_string().to_lowercase();
            assert!(text.contains("subprotocol"), "{err}");
            let _ = server.join();
        }
    }

    /// A text message from the server is an error that ends the connection; binary
    /// messages are handed on whole, however they cut the packets.
    /// [MQTT-6.0.0-1]
    /// 3.1.1: [MQTT-6.0.0-1]
    #[test]
    fn a_text_message_ends_the_connection() {
        let (addr, server) = server(Some("mqtt"), |ws| {
            ws.send(Message::binary(vec![0x20])).unwrap();
            ws.send(Message::text("20 02 00 00")).unwrap();
        });
        let mut client = WsTransport::connect(&addr).unwrap();
        let wait = Duration::from_secs(5);
        assert!(matches!(client.recv(wait), Ok(Recv::Data(d)) if d == [0x20]));
        let err = client.recv(wait).err().expect("a text frame is an error");
        assert!(err.to_string().contains("[MQTT-6.0.0-1]"), "{err}");
        server.join().unwrap();
    }
}
