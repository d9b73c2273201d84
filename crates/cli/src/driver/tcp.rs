//! MQTT over plain TCP.

use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use super::{Recv, Transport};

/// A TCP connection.
pub struct TcpTransport {
    stream: TcpStream,
    buf: Vec<u8>,
    out: Vec<u8>,
    timeout: Option<Duration>,
}

impl TcpTransport {
    /// Connects to `host:port`.
    pub fn connect(addr: &str) -> io::Result<Self> {
        let stream = TcpStream::connect(addr)?;
        stream.set_nodelay(true)?;
        Ok(TcpTransport {
            stream,
            buf: vec![0; 64 * 1024],
            out: Vec::new(),
            timeout: None,
        })
    }
}

impl Transport for TcpTransport {
    fn send(&mut self, packet: &[u8]) -> io::Result<()> {
        self.out.extend_from_slice(packet);
        Ok(())
    }

    fn flush(&mut self) -> io::Result<()> {
        if !self.out.is_empty() {
            self.stream.write_all(&self.out)?;
            self.out.clear();
        }
        Ok(())
    }

    fn recv(&mut self, timeout: Duration) -> io::Result<Recv> {
        // A system call only when the wait changes.
        if self.timeout != Some(timeout) {
            self.stream.set_read_timeout(Some(timeout))?;
            self.timeout = Some(timeout);
        }
        match self.stream.read(&mut self.buf) {
            Ok(0) => Ok(Recv::Closed),
            Ok(n) => Ok(Recv::Data(self.buf[..n].to_vec())),
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                ) =>
            {
                Ok(Recv::Timeout)
            }
            Err(e) if e.kind() == io::ErrorKind::ConnectionReset => Ok(Recv::Closed),
            Err(e) => Err(e),
        }
    }

    fn close(&mut self) {
        let _ = self.stream.shutdown(std::net::Shutdown::Both);
    }
}
