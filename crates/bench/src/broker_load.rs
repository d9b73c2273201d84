//! The load generator of `mqttscope-bench broker`: raw MQTT 3.1.1 over TCP on tokio, the
//! same bytes for every broker. Publishers send as fast as the broker takes them (QoS 1
//! with a window of unacknowledged messages); subscribers count every PUBLISH (and
//! acknowledge QoS 1) until all have arrived or nothing arrives for a while.

use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::Semaphore;
use tokio::time::{timeout, Instant};

/// Unacknowledged QoS 1 messages a publisher may have.
const WINDOW: usize = 100;
/// A subscriber that receives nothing for this long stops counting.
const IDLE: Duration = Duration::from_secs(5);

/// One row of the benchmark.
#[derive(Debug, Clone, Copy)]
pub struct Workload {
    /// Its name in the output.
    pub name: &'static str,
    /// Publishing connections.
    pub publishers: usize,
    /// Subscribing connections, each subscribed to the one topic.
    pub subscribers: usize,
    /// QoS of the publishes and the subscriptions.
    pub qos: u8,
    /// Payload bytes.
    pub payload: usize,
    /// Messages each publisher sends.
    pub messages: usize,
}

impl Workload {
    /// Messages the subscribers should receive, all together.
    pub fn deliveries(&self) -> u64 {
        (self.publishers * self.messages * self.subscribers) as u64
    }
}

/// What one run measured.
pub struct Outcome {
    /// Messages received by all subscribers.
    pub received: u64,
    /// From the first publish to the last message received.
    pub elapsed: Duration,
}

fn io(e: std::io::Error) -> String {
    e.to_string()
}

fn string(s: &str) -> Vec<u8> {
    let mut v = (s.len() as u16).to_be_bytes().to_vec();
    v.extend_from_slice(s.as_bytes());
    v
}

/// A packet: first byte, Remaining Length, body.
fn packet(first: u8, body: &[u8]) -> Vec<u8> {
    let mut p = vec![first];
    let mut len = body.len();
    loop {
        let byte = (len % 128) as u8;
        len /= 128;
        p.push(if len > 0 { byte | 0x80 } else { byte });
        if len == 0 {
            break;
        }
    }
    p.extend_from_slice(body);
    p
}

fn publish(topic: &str, qos: u8, id: u16, payload: &[u8]) -> Vec<u8> {
    let mut body = string(topic);
    if qos > 0 {
        body.extend_from_slice(&id.to_be_bytes());
    }
    body.extend_from_slice(payload);
    packet(0x30 | (qos << 1), &body)
}

/// Opens a connection and runs CONNECT (clean session) until CONNACK.
async fn connect(port: u16, id: &str) -> Result<TcpStream, String> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).await.map_err(io)?;
    s.set_nodelay(true).map_err(io)?;
    let mut body = string("MQTT");
    body.extend_from_slice(&[4, 2, 0, 60]);
    body.extend_from_slice(&string(id));
    s.write_all(&packet(0x10, &body)).await.map_err(io)?;
    let mut ack = [0u8; 4];
    timeout(Duration::from_secs(10), s.read_exact(&mut ack))
        .await
        .map_err(|_| format!("{id}: no CONNACK"))?
        .map_err(io)?;
    if ack != [0x20, 2, 0, 0] {
        return Err(format!("{id}: CONNACK {ack:?}"));
    }
    Ok(s)
}

async fn subscribe(port: u16, id: &str, topic: &str, qos: u8) -> Result<TcpStream, String> {
    let mut s = connect(port, id).await?;
    let mut body = vec![0, 1];
    body.extend_from_slice(&string(topic));
    body.push(qos);
    s.write_all(&packet(0x82, &body)).await.map_err(io)?;
    let mut ack = [0u8; 5];
    timeout(Duration::from_secs(10), s.read_exact(&mut ack))
        .await
        .map_err(|_| format!("{id}: no SUBACK"))?
        .map_err(io)?;
    if ack[0] != 0x90 || ack[4] != qos {
        return Err(format!("{id}: SUBACK {ack:?}"));
    }
    Ok(s)
}

/// Splits complete packets off the front of `buf`, calling `each(first byte, body)`;
/// returns how many bytes were used.
fn packets(buf: &[u8], mut each: impl FnMut(u8, &[u8])) -> usize {
    let mut pos = 0;
    while pos < buf.len() {
        let (mut len, mut shift, mut at) = (0usize, 0, pos + 1);
        loop {
            let Some(&b) = buf.get(at) else { return pos };
            len |= usize::from(b & 0x7f) << shift;
            shift += 7;
            at += 1;
            if b & 0x80 == 0 {
                break;
            }
        }
        let Some(body) = buf.get(at..at + len) else {
            return pos;
        };
        each(buf[pos], body);
        pos = at + len;
    }
    pos
}

/// The PUBACK for a QoS 1 PUBLISH's body (packet id 0 if the body is too short).
fn puback(body: &[u8]) -> [u8; 4] {
    let at = 2 + body
        .get(..2)
        .map_or(0, |l| usize::from(u16::from_be_bytes([l[0], l[1]])));
    let id = body.get(at..at + 2).unwrap_or(&[0, 0]);
    [0x40, 2, id[0], id[1]]
}

/// Counts PUBLISH packets until `want` arrived or [`IDLE`] passed without any; answers
/// QoS 1 with PUBACK. Returns the count and when the last one came.
async fn count(mut s: TcpStream, want: u64) -> (u64, Instant) {
    let (mut buf, mut filled, mut got) = (vec![0u8; 256 * 1024], 0, 0u64);
    let mut last = Instant::now();
    let mut acks = Vec::new();
    while got < want {
        if filled == buf.len() {
            buf.resize(buf.len() * 2, 0);
        }
        let n = match timeout(IDLE, s.read(&mut buf[filled..])).await {
            Ok(Ok(n)) if n > 0 => n,
            _ => break,
        };
        filled += n;
        let used = packets(&buf[..filled], |first, body| {
            if first >> 4 == 3 {
                got += 1;
                if first & 0x06 == 0x02 {
                    acks.extend_from_slice(&puback(body));
                }
            }
        });
        buf.copy_within(used..filled, 0);
        filled -= used;
        last = Instant::now();
        if !acks.is_empty() {
            if s.write_all(&acks).await.is_err() {
                break;
            }
            acks.clear();
        }
    }
    (got, last)
}

/// Sends `w.messages` at QoS 0, 64 packets per write.
async fn publish_qos0(mut s: TcpStream, topic: &str, w: Workload) -> Result<TcpStream, String> {
    let one = publish(topic, 0, 0, &vec![b'x'; w.payload]);
    let batch = one.repeat(64);
    let mut left = w.messages;
    while left > 0 {
        let n = left.min(64);
        s.write_all(&batch[..n * one.len()]).await.map_err(io)?;
        left -= n;
    }
    Ok(s)
}

/// Sends `w.messages` at QoS 1 with at most [`WINDOW`] unacknowledged.
async fn publish_qos1(s: TcpStream, topic: &str, w: Workload) -> Result<TcpStream, String> {
    let (mut r, mut wr) = s.into_split();
    let window = Arc::new(Semaphore::new(WINDOW));
    let acks = window.clone();
    let total = w.messages as u64;
    let reader = tokio::spawn(async move {
        let (mut buf, mut filled, mut got) = (vec![0u8; 64 * 1024], 0, 0u64);
        while got < total {
            match r.read(&mut buf[filled..]).await {
                Ok(n) if n > 0 => filled += n,
                _ => break,
            }
            let mut n = 0;
            let used = packets(&buf[..filled], |first, _| n += usize::from(first >> 4 == 4));
            buf.copy_within(used..filled, 0);
            filled -= used;
            got += n as u64;
            acks.add_permits(n);
        }
        r
    });
    let payload = vec![b'x'; w.payload];
    let (mut sent, mut id, mut out) = (0usize, 0u16, Vec::new());
    while sent < w.messages {
        let permit = window.acquire().await.map_err(|e| e.to_string())?;
        permit.forget();
        let mut k = 1;
        while k < 64 && sent + k < w.messages {
            match window.try_acquire() {
                Ok(p) => p.forget(),
                Err(_) => break,
            }
            k += 1;
        }
        out.clear();
        for _ in 0..k {
            id = id.checked_add(1).unwrap_or(1);
            out.extend_from_slice(&publish(topic, 1, id, &payload));
        }
        wr.write_all(&out).await.map_err(io)?;
        sent += k;
    }
    let r = reader.await.map_err(|e| e.to_string())?;
    r.reunite(wr).map_err(|e| e.to_string())
}

/// Runs `w` against the broker on `port`: subscribers first, then every publisher at once.
pub async fn run(port: u16, w: Workload) -> Result<Outcome, String> {
    let topic = format!("bench/{}", w.name);
    let want = (w.publishers * w.messages) as u64;
    let mut counting = Vec::new();
    for i in 0..w.subscribers {
        let s = subscribe(port, &format!("sub-{i}"), &topic, w.qos).await?;
        counting.push(tokio::spawn(count(s, want)));
    }
    let mut publishers = Vec::new();
    for i in 0..w.publishers {
        publishers.push(connect(port, &format!("pub-{i}")).await?);
    }
    let start = Instant::now();
    let mut sending = Vec::new();
    for s in publishers {
        let topic = topic.clone();
        sending.push(tokio::spawn(async move {
            if w.qos == 0 {
                publish_qos0(s, &topic, w).await
            } else {
                publish_qos1(s, &topic, w).await
            }
        }));
    }
    // Publishers' connections stay open until the subscribers are done.
    let mut open = Vec::new();
    for p in sending {
        open.push(p.await.map_err(|e| e.to_string())??);
    }
    let (mut received, mut end) = (0, start);
    for c in counting {
        let (got, last) = c.await.map_err(|e| e.to_string())?;
        received += got;
        end = end.max(last);
    }
    drop(open);
    Ok(Outcome {
        received,
        elapsed: end - start,
    })
}
