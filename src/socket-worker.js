// The socket worker: the browser driver's WebSockets run here, off the page's main
// thread, and what they receive reaches the page in batches (src/driver/socket.rs says
// why). Every binary message is kept whole and in order: a batch is a list of messages,
// never a concatenation, so the page still sees each WebSocket message on its own.
//
// Page -> worker:
//   ["open", id, url, protocols]   open socket `id`
//   ["send", id, ArrayBuffer]      send one binary message (the buffer is transferred)
//   ["close", id]                  close it (code 1000) and forget it; nothing more is posted
// Worker -> page:
//   ["ready"]                                    the worker runs
//   [id, "open", protocol]                       handshake done; the subprotocol chosen
//   [id, "data", [ArrayBuffer | null, ...]]      messages in order; null for a text message
//   [id, "close", code, reason, wasOpen, ms]     closed (after the last data batch)
"use strict";

// How long the first message of a batch may wait for others, in milliseconds, and how many
// messages a batch holds at most (so that one batch stays a short task on the page even
// when this worker's timer runs late).
const BATCH_MS = 8;
const BATCH_MAX = 256;

const sockets = new Map();

function open(id, url, protocols) {
  const started = performance.now();
  const entry = { ws: null, batch: [], flush: 0, opened: false };
  sockets.set(id, entry);
  let ws;
  try {
    ws = new WebSocket(url, protocols);
  } catch {
    // A syntax error or a blocked port: the page treats it as a failed handshake.
    sockets.delete(id);
    postMessage([id, "close", 1006, "", false, performance.now() - started]);
    return;
  }
  entry.ws = ws;
  ws.binaryType = "arraybuffer";
  ws.onopen = () => {
    entry.opened = true;
    postMessage([id, "open", ws.protocol]);
  };
  ws.onmessage = (e) => {
    entry.batch.push(typeof e.data === "string" ? null : e.data);
    if (entry.batch.length >= BATCH_MAX) flush(id, entry);
    else if (!entry.flush) entry.flush = setTimeout(() => flush(id, entry), BATCH_MS);
  };
  ws.onclose = (e) => {
    flush(id, entry);
    sockets.delete(id);
    postMessage([id, "close", e.code, e.reason, entry.opened, performance.now() - started]);
  };
}

function flush(id, entry) {
  clearTimeout(entry.flush);
  entry.flush = 0;
  if (entry.batch.length === 0 || sockets.get(id) !== entry) return;
  const batch = entry.batch;
  entry.batch = [];
  postMessage([id, "data", batch], batch.filter((b) => b !== null));
}

onmessage = (event) => {
  const [op, id, a, b] = event.data;
  const entry = sockets.get(id);
  if (op === "open") {
    open(id, a, b);
  } else if (op === "send" && entry?.ws?.readyState === WebSocket.OPEN) {
    entry.ws.send(a);
  } else if (op === "close" && entry) {
    sockets.delete(id);
    clearTimeout(entry.flush);
    if (entry.ws) {
      entry.ws.onopen = entry.ws.onmessage = entry.ws.onclose = null;
      entry.ws.close(1000);
    }
  }
};

postMessage(["ready"]);
