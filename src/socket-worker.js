// The socket worker: the browser driver's WebSockets run here, off the page's main
// thread, and what they receive reaches the page in batches (src/driver/socket.rs says
// why). Every binary message is kept whole and in order: a batch is a list of messages,
// never a concatenation, so the page still sees each WebSocket message on its own.
//
// Page -> worker:
//   ["open", id, url, protocols]   open socket `id`
//   ["send", id, ArrayBuffer]      send one binary message (the buffer is transferred)
//   ["close", id]                  close it (code 1000) and forget it; nothing more is posted
//   ["ack", id, bytes]             the page has handled a data batch of that many bytes
//   ["sync", id]                   what do you hold? (asked at a keep-alive deadline)
// Worker -> page:
//   ["ready"]                                    the worker runs
//   [id, "open", protocol]                       handshake done; the subprotocol chosen
//   [id, "data", [ArrayBuffer | null, ...]]      messages in order; null for a text message
//   [id, "close", code, reason, wasOpen, ms]     closed (after the last data batch)
//   [id, "synced", heldAt | null]                the answer to "sync", after every batch
//                                                posted before it: when the newest message
//                                                not yet posted arrived (timeOrigin + now)
//
// Flow control: a WebSocket cannot be told to stop reading, so a page that falls behind
// (a long task, a busy tab) would let batches pile up without bound. The worker posts
// no more than MAX_IN_FLIGHT bytes the page has not acknowledged, and holds the rest; a
// socket whose held bytes pass MAX_HELD is closed with code 4000 and a reason saying so,
// which ends the connection like a drop (the client's reconnect policy decides), instead
// of exhausting the browser's memory. A PINGRESP held here came in time: the page asks
// ("sync") before it judges a keep-alive deadline, so that a page that is behind does not
// take a live server for gone.
"use strict";

// How long the first message of a batch may wait for others, in milliseconds, and how many
// messages a batch holds at most (so that one batch stays a short task on the page even
// when this worker's timer runs late).
const BATCH_MS = 8;
const BATCH_MAX = 256;
const MAX_IN_FLIGHT = 16 * 1024 * 1024;
const MAX_HELD = 64 * 1024 * 1024;
const OVERFLOW_CODE = 4000;

const sockets = new Map();

function open(id, url, protocols) {
  const started = performance.now();
  const entry = { ws: null, batch: [], held: 0, inFlight: 0, flush: 0, opened: false, started, heldAt: 0 };
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
    const data = typeof e.data === "string" ? null : e.data;
    entry.batch.push(data);
    entry.held += data ? data.byteLength : 0;
    entry.heldAt = performance.now();
    if (entry.held > MAX_HELD) return overflow(id, entry);
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
  // The page has enough to do: the batch waits for an acknowledgement.
  if (entry.inFlight >= MAX_IN_FLIGHT) return;
  const batch = entry.batch;
  entry.batch = [];
  entry.inFlight += entry.held;
  entry.held = 0;
  postMessage([id, "data", batch], batch.filter((b) => b !== null));
}

/** The page fell too far behind: close the socket, saying why. */
function overflow(id, entry) {
  const mib = Math.round((entry.held + entry.inFlight) / (1024 * 1024));
  const reason = `the page fell behind: ${mib} MiB received and not yet handled`;
  sockets.delete(id);
  clearTimeout(entry.flush);
  entry.ws.onopen = entry.ws.onmessage = entry.ws.onclose = null;
  entry.ws.close(OVERFLOW_CODE, reason);
  postMessage([id, "close", OVERFLOW_CODE, reason, entry.opened, performance.now() - entry.started]);
}

onmessage = (event) => {
  const [op, id, a, b] = event.data;
  const entry = sockets.get(id);
  if (op === "open") {
    open(id, a, b);
  } else if (op === "send" && entry?.ws?.readyState === WebSocket.OPEN) {
    entry.ws.send(a);
  } else if (op === "ack" && entry) {
    entry.inFlight = Math.max(0, entry.inFlight - a);
    flush(id, entry);
  } else if (op === "sync" && entry) {
    postMessage([id, "synced", entry.batch.length ? performance.timeOrigin + entry.heldAt : null]);
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
