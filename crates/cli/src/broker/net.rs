//! Listeners and connection tasks: TCP, and WebSocket (subprotocol `mqtt`, binary
//! frames only). Each connection is one task that reads and writes concurrently; what it
//! reads goes to the broker task, what the broker task queues for it is written in
//! batches.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use mqttscope_broker::ConnId;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::tcp::{ReadHalf, WriteHalf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{mpsc, Semaphore};
use tokio::time::timeout;
use tokio_tungstenite::tungstenite::handshake::server::{ErrorResponse, Request, Response};
use tokio_tungstenite::tungstenite::http::{header, HeaderValue, StatusCode};
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::WebSocketStream;

use super::link::{self, killed, written, Input, Link, Transport};

/// Bytes read from a socket at a time.
const READ_BUF: usize = 64 * 1024;
/// Packets written to a socket in one go, at most.
const WRITE_BATCH: usize = 256;
/// A connection whose socket takes no bytes for this long is closed.
const WRITE_STALL: Duration = Duration::from_secs(30);
/// A WebSocket handshake must be done within this.
const HANDSHAKE: Duration = Duration::from_secs(10);

/// What every connection task shares.
pub struct Shared {
    /// Where inputs go.
    pub to_broker: mpsc::Sender<Input>,
    /// One permit per open socket: a bound on sockets, handshakes included.
    pub permits: Arc<Semaphore>,
    /// The only WebSocket path accepted, if any.
    pub ws_path: Option<String>,
    /// WebSocket limits (message and frame sizes).
    pub ws_config: WebSocketConfig,
    /// No lines about refused WebSocket handshakes.
    pub quiet: bool,
    next_id: AtomicU64,
}

impl Shared {
    /// Shared state for connections sending to `to_broker`, at most `sockets` at once.
    pub fn new(to_broker: mpsc::Sender<Input>, sockets: usize, max_packet: u32) -> Self {
        let max = usize::try_from(max_packet)
            .unwrap_or(usize::MAX)
            .max(1 << 20);
        let ws_config = WebSocketConfig {
            max_message_size: Some(max),
            max_frame_size: Some(max),
            ..WebSocketConfig::default()
        };
        Shared {
            to_broker,
            permits: Arc::new(Semaphore::new(sockets)),
            ws_path: None,
            ws_config,
            quiet: false,
            next_id: AtomicU64::new(1),
        }
    }
}

/// Accepts connections on `listener` until the task is aborted.
pub async fn accept_loop(listener: TcpListener, transport: Transport, shared: Arc<Shared>) {
    loop {
        let Ok(permit) = shared.permits.clone().acquire_owned().await else {
            return;
        };
        match listener.accept().await {
            Ok((stream, peer)) => {
                let _ = stream.set_nodelay(true);
                let shared = shared.clone();
                tokio::spawn(async move {
                    serve(stream, peer, transport, &shared).await;
                    drop(permit);
                });
            }
            Err(e) => {
                // Out of file descriptors, most likely: wait instead of spinning.
                eprintln!("mqttscope broker: accepting on {}: {e}", transport.name());
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
    }
}

/// One connection, from accept to close.
async fn serve(stream: TcpStream, peer: SocketAddr, transport: Transport, shared: &Shared) {
    let conn = ConnId(shared.next_id.fetch_add(1, Ordering::Relaxed));
    match transport {
        Transport::Tcp => {
            if let Some(link) = open(shared, conn, peer, transport).await {
                tcp(stream, link).await;
            }
        }
        Transport::Ws => match handshake(stream, shared).await {
            Ok(ws) => {
                if let Some(link) = open(shared, conn, peer, transport).await {
                    websocket(ws, link).await;
                }
            }
            Err(e) if !shared.quiet => println!("ws {peer}: handshake refused: {e}"),
            Err(_) => {}
        },
    }
}

/// Tells the broker task about a new connection; `None` if it is gone.
async fn open(shared: &Shared, conn: ConnId, peer: SocketAddr, t: Transport) -> Option<Link> {
    let (handle, link) = link::pair(conn, shared.to_broker.clone());
    let open = Input::Open {
        conn,
        handle,
        peer,
        transport: t,
    };
    shared.to_broker.send(open).await.ok().map(|()| link)
}

async fn tcp(mut stream: TcpStream, link: Link) {
    let Link {
        conn,
        to_broker,
        out,
        queued,
        kill,
    } = link;
    let (r, w) = stream.split();
    let why = tokio::select! {
        why = read_tcp(r, conn, &to_broker) => why,
        why = write_tcp(w, out, &queued) => why,
        () = killed(kill) => None,
    };
    // After a close the broker asked for, this is a no-op there.
    let _ = to_broker.send(Input::Closed { conn, why }).await;
}

/// Reads until the peer closes (`None`) or reading fails (why).
async fn read_tcp(mut r: ReadHalf<'_>, conn: ConnId, to: &mpsc::Sender<Input>) -> Option<String> {
    let mut buf = vec![0u8; READ_BUF];
    loop {
        match r.read(&mut buf).await {
            Ok(0) => return None,
            Ok(n) => forward(to, conn, buf[..n].to_vec()).await,
            Err(e) => return Some(format!("read failed: {e}")),
        }
    }
}

/// Sends bytes to the broker task, waiting while its queue is full. When the broker task
/// has stopped, never returns: the writer finishes the connection.
async fn forward(to: &mpsc::Sender<Input>, conn: ConnId, bytes: Vec<u8>) {
    if to.send(Input::Bytes { conn, bytes }).await.is_err() {
        std::future::pending::<()>().await;
    }
}

/// Writes what the broker task queues, several packets per system call, until it drops
/// its end (then shuts the socket down: `None`) or writing fails (why).
async fn write_tcp(
    mut w: WriteHalf<'_>,
    mut out: mpsc::Receiver<Vec<u8>>,
    queued: &AtomicUsize,
) -> Option<String> {
    let (mut batch, mut buf) = (Vec::new(), Vec::new());
    while out.recv_many(&mut batch, WRITE_BATCH).await > 0 {
        let bytes = if batch.len() == 1 {
            batch.swap_remove(0)
        } else {
            buf.clear();
            batch.drain(..).for_each(|p| buf.extend_from_slice(&p));
            std::mem::take(&mut buf)
        };
        if let Err(why) = stalled(WRITE_STALL, w.write_all(&bytes)).await {
            return Some(why);
        }
        written(queued, bytes.len());
        buf = bytes;
    }
    let _ = w.shutdown().await;
    None
}

/// Runs a write, failing with a reason when it errs or makes no progress in `limit`.
async fn stalled<E: std::fmt::Display>(
    limit: Duration,
    write: impl std::future::Future<Output = Result<(), E>>,
) -> Result<(), String> {
    match timeout(limit, write).await {
        Ok(Ok(())) => Ok(()),
        Ok(Err(e)) => Err(format!("write failed: {e}")),
        Err(_) => Err(format!("closed: it read nothing for {} s", limit.as_secs())),
    }
}

/// The WebSocket handshake, with `mqtt` required and the path checked.
async fn handshake(
    stream: TcpStream,
    shared: &Shared,
) -> Result<WebSocketStream<TcpStream>, String> {
    let path = shared.ws_path.clone();
    // The callback's types are tungstenite's.
    #[allow(clippy::result_large_err)]
    let check = move |req: &Request, resp: Response| check_request(req, resp, path.as_deref());
    let accept =
        tokio_tungstenite::accept_hdr_async_with_config(stream, check, Some(shared.ws_config));
    match timeout(HANDSHAKE, accept).await {
        Ok(Ok(ws)) => Ok(ws),
        Ok(Err(e)) => Err(e.to_string()),
        Err(_) => Err(format!("no handshake within {} s", HANDSHAKE.as_secs())),
    }
}

/// Accepts a handshake that offers the subprotocol `mqtt` (and answers with it
/// [MQTT-6.0.0-4]) on the required path, if one is set.
#[allow(clippy::result_large_err)] // the signature tungstenite's callback has
fn check_request(
    req: &Request,
    mut resp: Response,
    path: Option<&str>,
) -> Result<Response, ErrorResponse> {
    if let Some(want) = path.filter(|p| req.uri().path() != *p) {
        let text = format!("MQTT is served on {want} only");
        return Err(refusal(StatusCode::NOT_FOUND, text));
    }
    let offered = req
        .headers()
        .get_all(header::SEC_WEBSOCKET_PROTOCOL)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|p| p.trim() == "mqtt");
    if !offered {
        let text = "the WebSocket subprotocol `mqtt` is required [MQTT-6.0.0-3]".to_owned();
        return Err(refusal(StatusCode::BAD_REQUEST, text));
    }
    let mqtt = HeaderValue::from_static("mqtt");
    resp.headers_mut()
        .insert(header::SEC_WEBSOCKET_PROTOCOL, mqtt);
    Ok(resp)
}

fn refusal(status: StatusCode, text: String) -> ErrorResponse {
    let mut r = ErrorResponse::new(Some(text));
    *r.status_mut() = status;
    r
}

async fn websocket(ws: WebSocketStream<TcpStream>, link: Link) {
    let Link {
        conn,
        to_broker,
        out,
        queued,
        kill,
    } = link;
    let (sink, stream) = ws.split();
    let why = tokio::select! {
        why = read_ws(stream, conn, &to_broker) => why,
        why = write_ws(sink, out, &queued) => why,
        () = killed(kill) => None,
    };
    let _ = to_broker.send(Input::Closed { conn, why }).await;
}

type WsStream = futures_util::stream::SplitStream<WebSocketStream<TcpStream>>;
type WsSink = futures_util::stream::SplitSink<WebSocketStream<TcpStream>, Message>;

/// Reads binary messages; a text message closes the connection [MQTT-6.0.0-1].
async fn read_ws(mut stream: WsStream, conn: ConnId, to: &mpsc::Sender<Input>) -> Option<String> {
    while let Some(msg) = stream.next().await {
        match msg {
            Ok(Message::Binary(bytes)) => forward(to, conn, bytes).await,
            Ok(Message::Text(_)) => {
                return Some("closed: a text frame; MQTT needs binary frames [MQTT-6.0.0-1]".into())
            }
            Ok(Message::Close(_)) => return None,
            // Pings are answered by tungstenite; pongs and raw frames carry no MQTT.
            Ok(_) => {}
            Err(e) => return Some(format!("WebSocket: {e}")),
        }
    }
    None
}

/// Writes each packet as one binary message, flushing once per batch; a close frame
/// when the broker task drops its end.
async fn write_ws(
    mut sink: WsSink,
    mut out: mpsc::Receiver<Vec<u8>>,
    queued: &AtomicUsize,
) -> Option<String> {
    let mut batch = Vec::new();
    while out.recv_many(&mut batch, WRITE_BATCH).await > 0 {
        let n: usize = batch.iter().map(Vec::len).sum();
        let send = async {
            for p in batch.drain(..) {
                sink.feed(Message::Binary(p)).await?;
            }
            sink.flush().await
        };
        if let Err(why) = stalled(WRITE_STALL, send).await {
            return Some(why);
        }
        written(queued, n);
    }
    let _ = timeout(Duration::from_secs(1), sink.close()).await;
    None
}
