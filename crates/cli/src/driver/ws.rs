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
