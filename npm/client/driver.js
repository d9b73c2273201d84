// The driver: runs mqttscope's client core (Rust, in wasm) over one WebSocket and one
// timer, in the worker (worker.js) or on the page. It makes no protocol decision: after
// every input it drains the core (`drain`) and does what it says: send these bytes, tell
// the client this, call back at that time, open a new socket (reconnect). Keep-alive,
// QoS flows, backoff, resubscribing and session resumption are the core's.
//
// Client -> driver, `handle(message)`:
//   { op: "open", url, options, packets, wasm, port }   load the core, connect (`port`:
//                                                  the sandbox worker's, for sandbox://)
//   { op: "publish", id, topic, payload, qos, retain, properties }
//   { op: "subscribe", id, subscriptions, properties }
//   { op: "unsubscribe", id, filters }
//   { op: "watch", watch, filter } / { op: "unwatch", watch }   tag matching messages
//   { op: "packets", on }                          report every packet, or stop
//   { op: "ack", bytes }                           the client handled a batch carrying that much
//   { op: "end" }                                  DISCONNECT, close, stop (then "ended")
// The driver works in turns (`turn`): what the socket delivers is fed to the core at the
// end of a burst of WebSocket messages, not one message at a time, and what the core gives
// to send goes out as one WebSocket message per turn, not one per packet.
//
// Driver -> client, `post(batch, transfer)`: an array of messages posted once. An idle
// driver posts what one task produced at the end of that task; under a flood, what came in
// BATCH_MS, so that a WebSocket message per MQTT message does not cost a postMessage (and
// the client's acknowledgement) per message:
//   { t: "done", id, value } / { t: "fail", id, error }   the result of a request
//   { t: "connect" | "message" | "packet" | "close" | "reconnect" | "error", ... }
//   { t: "ended" }                                  the last message: the driver has stopped

import { MESSAGE_COST } from "./options.js";
import { sandboxSockets } from "./sandbox-socket.js";
import init, { Core, reasonName } from "./wasm/mqttscope_client.js";

const now = () => performance.now();
/** Bytes of payloads (and MESSAGE_COST per message) posted to the client and not yet
 *  handled there, at most. */
const MAX_IN_FLIGHT = 16 << 20;
/** How long, in milliseconds, what arrives after a post may wait to be posted with more. */
const BATCH_MS = 4;
/** A batch carrying this many payload bytes is posted at once. */
const BATCH_BYTES = 1 << 20;
/** Bytes waiting to be sent that are sent at once rather than at the end of the turn. */
const SEND_BYTES = 64 << 10;
/** Bytes received and waiting for the turn that are fed to the core at once instead. */
const INBOX_BYTES = 1 << 20;
/** Bytes received and held while the client catches up; past this the socket is closed. */
const MAX_HELD = 64 << 20;
/** The close code of a socket closed because the client fell behind. */
const OVERFLOW = 4000;
/** The longest delay setTimeout takes (a longer one fires at once); the timer fires early
 *  then and the core, finding nothing due, asks again. */
const MAX_DELAY = 2 ** 31 - 1;
const hex = (code) => `0x${code.toString(16).padStart(2, "0").toUpperCase()}`;
const named = (code) => `${reasonName(code) || "reason"} (${hex(code)})`;

export class Driver {
  constructor(post) {
    this.out = post;
    /** The messages to post, the buffers they transfer and those buffers' bytes. */
    this.batch = [];
    this.transfer = [];
    this.batchBytes = 0;
    /** When the last batch was posted, and the timer that posts the next (0: none). */
    this.lastFlush = -Infinity;
    this.flushTimer = 0;
    /** How many times the batch was flushed: a scheduled flush is for one batch only. */
    this.flushes = 0;
    /** Flow control: bytes posted and not acknowledged, and what waits for the client. */
    this.inFlight = 0;
    this.held = [];
    this.heldBytes = 0;
    /** When the last held bytes arrived, and whether CONNACK accepted the socket (before,
     *  nothing is held: the handshake does not wait for the client). */
    this.heldAt = 0;
    this.up = false;
    this.core = null;
    this.ws = null;
    /** What `ws` delivered and the core has not seen yet, and its bytes. */
    this.inbox = [];
    this.inboxBytes = 0;
    /** The packets for `ws` not yet sent, and their bytes. */
    this.outbox = [];
    this.outboxBytes = 0;
    /** The channel whose message is the next turn, and whether it is posted. */
    this.turns = null;
    this.woken = false;
    this.timer = 0;
    this.deadline = -1;
    /** Requests waiting for the core's answer: the core's handle -> the client's call id. */
    this.pending = new Map();
    /** Reconnect tries since the last CONNACK. */
    this.tries = 0;
    this.ever = false;
    this.ready = null;
    this.openId = 0;
  }

  /** Queues `m` for the client (and `transfer`'s buffers with it). Flow control counts
   *  the bytes from now on, posted or not yet. */
  post(m, transfer) {
    if (this.batch.length === 0) this.schedule();
    this.batch.push(m);
    for (const b of transfer ?? []) {
      this.transfer.push(b);
      this.batchBytes += b.byteLength;
      this.inFlight += b.byteLength + MESSAGE_COST;
    }
    if (this.batchBytes >= BATCH_BYTES) this.flush();
  }

  /** Posts the batch at the end of this task when the last post is BATCH_MS old, else
   *  when it will be. */
  schedule() {
    const wait = this.lastFlush + BATCH_MS - now();
    // A batch flushed before its microtask ran (CONNACK's, at once) leaves the microtask
    // nothing to do: the next batch waits for its own turn, in a later task.
    const flushes = this.flushes;
    if (wait <= 0) queueMicrotask(() => flushes === this.flushes && this.flush());
    else this.flushTimer ||= setTimeout(() => this.flush(), wait);
  }

  flush() {
    this.flushes += 1;
    clearTimeout(this.flushTimer);
    this.flushTimer = 0;
    if (this.batch.length === 0) return;
    const [batch, transfer] = [this.batch, this.transfer];
    this.batch = [];
    this.transfer = [];
    this.batchBytes = 0;
    this.lastFlush = now();
    this.out(batch, transfer);
  }

  /** One message from the client; messages are handled in order. */
  handle(m) {
    if (m.op === "open") {
      this.ready = this.open(m);
      return;
    }
    this.ready.then(() => (this.core ? this.command(m) : m.op === "end" && this.finish(null)));
  }

  async open(m) {
    this.openId = m.id;
    this.url = m.url;
    this.version = m.options.version;
    this.port = m.port;
    this.WebSocket = m.port ? sandboxSockets(m.port) : (m.WebSocket ?? globalThis.WebSocket);
    try {
      await init(m.wasm ? { module_or_path: m.wasm } : undefined);
      this.core = new Core(m.options, now());
    } catch (e) {
      // The module did not load, or the options were refused: connect() fails, and that is all.
      return this.finish({ t: "fail", id: m.id, error: wasmError(e) });
    }
    this.core.setPackets(Boolean(m.packets));
    this.socket();
  }

  command(m) {
    this.feedInbox();
    const core = this.core;
    const t = now();
    try {
      if (m.op === "publish") {
        this.pending.set(core.publish(t, m.topic, m.payload, m.qos, m.retain, m.properties), m.id);
      } else if (m.op === "subscribe") {
        this.pending.set(core.subscribe(t, m.subscriptions, m.properties), m.id);
      } else if (m.op === "unsubscribe") {
        const handle = core.unsubscribe(t, m.filters);
        // Not connected: the core forgot the filters (no UNSUBACK will come).
        if (handle === -1) this.post({ t: "done", id: m.id, value: [] });
        else this.pending.set(handle, m.id);
      } else if (m.op === "watch") {
        core.watch(m.watch, m.filter);
      } else if (m.op === "unwatch") {
        core.unwatch(m.watch);
      } else if (m.op === "packets") {
        core.setPackets(m.on);
      } else if (m.op === "ack") {
        return this.ack(m.bytes);
      } else if (m.op === "end") {
        return this.end();
      }
    } catch (error) {
      this.post({ t: "fail", id: m.id, error });
    }
    this.pump();
  }

  /** Opens a WebSocket to the URL; the core sends CONNECT once it is open. */
  socket() {
    /** When this socket was made and when it opened (null: not yet), for the doctor. */
    this.started = now();
    this.openedAt = null;
    let ws;
    try {
      ws = new this.WebSocket(this.url, ["mqtt"]);
    } catch (e) {
      // After the pump that asked for this socket (a reconnect) has armed its timer.
      return queueMicrotask(() => this.lost(null, 1006, `the URL was refused: ${e?.message ?? e}`, "handshake"));
    }
    this.ws = ws;
    ws.binaryType = "arraybuffer";
    // The core's connect timeout starts with CONNECT; the WebSocket's opening gets as long
    // (a server that takes the TCP connection and never answers the upgrade would
    // otherwise keep the client waiting for ever).
    const limit = Math.min(this.core.connectTimeout, MAX_DELAY);
    this.openTimer = setTimeout(() => this.lost(ws, 1006, `the WebSocket did not open within ${limit} ms`, "handshake"), limit);
    ws.onopen = () => {
      clearTimeout(this.openTimer);
      this.openedAt = now();
      if (ws.protocol !== "mqtt") return this.lost(ws, 1000, "", "subprotocol");
      try {
        this.core.connect(now());
      } catch (error) {
        return this.finish({ t: "fail", id: this.openId, error });
      }
      this.pump();
    };
    ws.onmessage = (e) => {
      if (typeof e.data === "string") return this.lost(ws, 1003, "", "protocol");
      const bytes = new Uint8Array(e.data);
      if (!this.up || (this.inFlight < MAX_IN_FLIGHT && this.held.length === 0)) return this.receive(bytes);
      // The client is behind: what the core has not seen is not acknowledged either.
      this.held.push(bytes);
      this.heldBytes += bytes.length;
      this.heldAt = now();
      if (this.heldBytes > MAX_HELD) {
        const mib = Math.round((this.heldBytes + this.inFlight) / (1 << 20));
        ws.close(OVERFLOW, "the client fell behind");
        this.lost(ws, OVERFLOW, `the client fell behind: ${mib} MiB received and not yet handled`, "transport");
      }
    };
    ws.onclose = (e) => this.lost(ws, e.code, e.reason, this.openedAt === null ? "handshake" : "transport");
    // The close event says what happened; the `ws` package (node) throws an error event
    // that has no listener, as when nothing listens at the URL.
    ws.onerror = () => {};
  }

  /**
   * Keeps what the socket delivered for the turn: a burst of WebSocket messages (mosquitto
   * sends each MQTT message in one of its own) costs the core one drain, not one each: in
   * `cargo xtask bench embed`, receiving 100,000 at QoS 0 in the worker went from 0.78x to
   * 0.91x of a bare client's rate in a worker. A MiB waiting is fed at once.
   */
  receive(bytes) {
    this.inbox.push(bytes);
    this.inboxBytes += bytes.length;
    if (this.inboxBytes >= INBOX_BYTES) this.turn();
    else this.wake();
  }

  /** Feeds the core what the socket delivered and it has not seen: before any other input
   *  (a call, the timer, the close), so that the core sees everything in order. Past half
   *  the window, what each WebSocket message brought is drained and counted before the
   *  next is fed, and once the window is full the rest is held: a turn of tiny messages
   *  (a MiB of 5-byte PUBLISHes is 200,000) cannot overshoot it by more than one. */
  feedInbox() {
    if (this.inbox.length === 0) return;
    const inbox = this.inbox;
    this.inbox = [];
    this.inboxBytes = 0;
    if (!this.core) return;
    const t = now();
    for (let i = 0; i < inbox.length; i++) {
      if (this.up && this.inFlight >= MAX_IN_FLIGHT) return this.holdFirst(inbox.slice(i));
      this.core.handleBytes(t, inbox[i]);
      if (this.inFlight >= MAX_IN_FLIGHT / 2 && i < inbox.length - 1) {
        this.pump();
        if (!this.core) return;
      }
    }
  }

  /** Holds `list` ahead of what is held already: the core has not seen it, and it came
   *  first. */
  holdFirst(list) {
    this.held = [...list, ...this.held];
    for (const bytes of list) this.heldBytes += bytes.length;
    this.heldAt = now();
  }

  /** Hands received bytes to the core. */
  feed(bytes) {
    this.core.handleBytes(now(), bytes);
    this.pump();
  }

  /** The client handled `bytes` of payloads: feed the core what was held meanwhile. */
  ack(bytes) {
    this.feedInbox();
    this.inFlight = Math.max(0, this.inFlight - bytes);
    while (this.held.length && this.inFlight < MAX_IN_FLIGHT && this.core) {
      const next = this.held.shift();
      this.heldBytes -= next.length;
      this.feed(next);
    }
  }

  /** The socket closed (or never opened, or spoke something else than MQTT). */
  lost(ws, code, reason, how) {
    if (ws !== this.ws) return;
    this.ws = null;
    this.up = false;
    clearTimeout(this.openTimer);
    // What was queued to send on this socket is not for the next one: the core sends again
    // what its session needs once reconnected. What it delivered is fed before the close.
    this.outbox = [];
    this.outboxBytes = 0;
    if (ws) {
      silence(ws);
      ws.close(); // still open when it spoke something else than MQTT
    }
    this.closeCode = code;
    this.closeReason = reason;
    this.held = [];
    this.heldBytes = 0;
    if (!this.ever && how !== "transport") {
      // The first connection failed before CONNECT: nothing the core saw.
      const error = this.context(socketError(how, code, reason));
      if (how === "handshake") error.elapsedMs = now() - this.started;
      if (how === "subprotocol") error.subprotocol = ws.protocol;
      return this.finish({ t: "fail", id: this.openId, error });
    }
    this.feedInbox();
    this.core.handleClosed(now());
    this.pump();
  }

  /** Drains the core: sends, reports, re-arms the timer. */
  pump() {
    const out = this.core.drain(now());
    const last = out.length - 1;
    for (let i = 0; i < last; i++) {
      const item = out[i];
      if (item instanceof Uint8Array) this.send(item);
      else this.event(item);
      if (!this.core) return;
    }
    this.arm(out[last]);
  }

  /**
   * Queues `bytes` for the socket; they go out at the end of the turn with what else the
   * core gives to send, in one WebSocket message. A flood of QoS 1 messages, each in a
   * WebSocket message of its own, is then acknowledged a burst at a time rather than a
   * PUBACK per frame, which the broker reads frame by frame, and a loop of publish calls
   * goes out in a few large frames: in `cargo xtask bench embed`, receiving at QoS 1 went
   * from 24k to 31k messages a second and publishing at QoS 0 from 48k to 181k.
   */
  send(bytes) {
    if (!this.ws) return;
    this.wake();
    this.outbox.push(bytes);
    this.outboxBytes += bytes.length;
    if (this.outboxBytes >= SEND_BYTES) this.sendNow();
  }

  /** Schedules the turn: a message on a channel, which runs after the tasks the event loop
   *  already holds (the rest of a burst) and which a background tab does not throttle as
   *  it does timers. */
  wake() {
    if (this.woken) return;
    this.woken = true;
    if (!this.turns) {
      this.turns = new MessageChannel();
      this.turns.port1.onmessage = () => this.turn();
      this.turns.port1.unref?.(); // node: a pending turn does not keep the process alive
    }
    this.turns.port2.postMessage(null);
  }

  /** Feeds the core what came, drains it once, and sends what it gave to send. */
  turn() {
    this.woken = false;
    if (this.core) {
      this.feedInbox();
      this.pump();
    }
    this.sendNow();
  }

  /** Sends what the outbox holds, as one WebSocket message. */
  sendNow() {
    const [out, n] = [this.outbox, this.outboxBytes];
    if (out.length === 0) return;
    this.outbox = [];
    this.outboxBytes = 0;
    if (out.length === 1) return this.ws?.send(out[0]);
    const all = new Uint8Array(n);
    let at = 0;
    for (const b of out) {
      all.set(b, at);
      at += b.length;
    }
    this.ws?.send(all);
  }

  /** Closes the socket once what the core gave to send for it (a DISCONNECT) is sent. */
  closeSocket() {
    if (!this.ws) return;
    this.up = false;
    clearTimeout(this.openTimer);
    this.inbox = [];
    this.inboxBytes = 0;
    // What was held from this socket is not the next one's: the core ended the connection.
    this.held = [];
    this.heldBytes = 0;
    this.sendNow();
    silence(this.ws);
    this.ws.close(1000);
    this.ws = null;
  }

  event(e) {
    switch (e.type) {
      case "message":
      case "packet": {
        const bytes = e.type === "message" ? e.payload : e.bytes;
        return this.post({ t: e.type, ...e }, [bytes.buffer]);
      }
      case "connected":
        this.tries = 0;
        this.up = true;
        this.post({ t: "connect", id: this.ever ? 0 : this.openId, ...e });
        // connect() resolves with this batch: what follows comes in a later task, once the
        // caller has added its listeners.
        if (!this.ever) this.flush();
        this.ever = true;
        return;
      case "published":
        return this.settle(e.handle, e.reasonCode < 0x80, e.reasonCode, () => ({
          kind: "PublishError", reasonCode: e.reasonCode, message: `publish refused: ${named(e.reasonCode)}`,
        }));
      case "publishLost":
        return this.settle(e.handle, false, null, () => ({
          kind: "PublishError", lost: e.stage,
          message: `the server lost the session with this message in flight (${e.stage === "sent" ? "sent, not acknowledged" : "received by the server, not completed"})`,
        }));
      case "subscribed":
        return this.subscribed(e);
      case "unsubscribed":
        return this.settle(e.handle, true, e.reasonCodes);
      case "lost":
        return this.settle(e.handle, false, null, () => this.context({
          kind: "ConnectionError", ending: "transport", message: "the connection ended before the server answered",
        }));
      case "closed":
        return this.closed(e);
      case "reconnect":
        this.tries += 1;
        this.post({ t: "reconnect", attempt: this.tries });
        return this.socket();
      case "violation":
        e.error.fatal = false;
        return this.post({ t: "error", error: this.context(e.error) });
    }
  }

  /** SUBACK: the per-filter results; a refused filter fails the request. */
  subscribed(e) {
    const results = e.filters.map((filter, i) => {
      const code = e.reasonCodes[i];
      return { filter, reasonCode: code, qos: code < 3 ? code : null };
    });
    const refused = results.find((r) => r.reasonCode >= 0x80);
    const error = () => ({
      kind: "SubscribeError", reasonCode: refused.reasonCode, results,
      message: `subscription to ${JSON.stringify(refused.filter)} refused: ${named(refused.reasonCode)}`,
    });
    if (e.handle === null) {
      if (refused) this.post({ t: "error", error: error() });
      return;
    }
    this.settle(e.handle, !refused, results, error);
  }

  /** Resolves (`ok`) or fails the request the core's `handle` answers. */
  settle(handle, ok, value, error) {
    const id = this.pending.get(handle);
    if (id === undefined) return;
    this.pending.delete(handle);
    this.post(ok ? { t: "done", id, value } : { t: "fail", id, error: error() });
  }

  closed(e) {
    const error = e.error && this.context(e.error);
    if (error?.ending === "transport" && this.openedAt === null) {
      // A reconnection whose WebSocket never opened.
      Object.assign(error, socketError("handshake", this.closeCode ?? 1006, this.closeReason));
      error.elapsedMs = now() - this.started;
    } else if (error?.ending === "transport") {
      error.closeCode = this.closeCode ?? null;
      error.closeReason = this.closeReason || null;
      if (this.closeReason) error.message += `: ${this.closeReason}`;
    } else if (error?.ending === "connectTimeout") {
      error.elapsedMs = now() - this.openedAt;
    } else if (error?.ending === "tooLarge") {
      error.reconnecting = e.reconnecting;
    }
    this.closeSocket();
    if (!this.ever) return this.finish({ t: "fail", id: this.openId, error });
    this.post({ t: "close", error, reconnecting: e.reconnecting });
    this.final = !e.reconnecting;
    if (this.final) this.finish(null);
  }

  /** DISCONNECT, then close and stop; what was waiting fails. */
  end() {
    this.core.disconnect(now());
    this.pump();
    if (this.core) this.finish(null);
  }

  /** Adds what the connection doctor reads (`error.diagnose()`) to the error object of an
   *  ending: the URL, the protocol level and the keep alive in force. */
  context(error) {
    error.url = this.url;
    error.version = this.version;
    error.keepAlive = this.core?.keepAlive ?? null;
    return error;
  }

  /** Stops for good: closes the socket, stops the timer, fails what waits, posts `last`
   *  and then `ended`, the last message. */
  finish(last) {
    if (this.done) return;
    this.done = true;
    this.closeSocket();
    this.turns?.port1.close();
    if (this.port) {
      // The sandbox worker forgets this client's port (after the socket's close, in order).
      this.port.postMessage(["bye"]);
      this.port.close();
    }
    clearTimeout(this.timer);
    for (const id of this.pending.values()) {
      this.post({ t: "fail", id, error: { kind: "StateError", message: "the client ended before the server answered" } });
    }
    this.pending.clear();
    this.core?.free();
    this.core = null;
    // Ended while waiting to reconnect: the close already told was not the last.
    if (this.ever && !this.final) this.post({ t: "close", error: null, reconnecting: false });
    if (last) this.post(last);
    this.post({ t: "ended" });
  }

  /**
   * Arms the one timer for `at` (core milliseconds; -1: none). A later deadline than the one
   * armed keeps the armed one: the timer then fires early, the core finds nothing due, and
   * the pump re-arms. Every packet received moves the keep-alive deadline, and re-arming
   * for each would cost a clearTimeout and a setTimeout per message under a flood.
   */
  arm(at) {
    if (at >= 0 && this.deadline >= 0 && this.deadline <= at) return;
    if (at < 0 && this.deadline < 0) return;
    clearTimeout(this.timer);
    this.deadline = at;
    if (at < 0) return;
    this.timer = setTimeout(() => {
      this.deadline = -1;
      if (!this.core) return;
      this.feedInbox();
      // A keep-alive deadline while bytes wait here for the client: the server is there.
      if (this.held.length) this.core.handleWithheld(this.heldAt);
      this.core.handleTimeout(now());
      this.pump();
    }, Math.min(MAX_DELAY, Math.max(0, at - now())));
  }
}

function silence(ws) {
  ws.onopen = ws.onmessage = ws.onclose = null;
}

function socketError(ending, code, reason) {
  if (ending === "protocol") {
    const detail = "the server sent a text WebSocket frame; MQTT travels in binary frames";
    return { kind: "ProtocolError", ending, rule: "MQTT-6.0.0-1", closeCode: code, detail, message: `${detail} [MQTT-6.0.0-1]` };
  }
  const message =
    ending === "subprotocol"
      ? "the server did not accept the WebSocket subprotocol mqtt"
      : `the WebSocket did not open (close code ${code}${reason ? `: ${reason}` : ""})`;
  return { kind: "ConnectionError", ending, closeCode: code, closeReason: reason || null, message };
}

function wasmError(e) {
  if (e && typeof e === "object" && "kind" in e) return e;
  return { kind: "StateError", message: `the client's wasm module did not load: ${e?.message ?? e}` };
}
