// `mqttscope`: an MQTT 3.1, 3.1.1 and 5.0 client for browsers, from mqttscope's Rust core.
// The core runs in a dedicated Worker (worker.js) by default, or on the page with
// { worker: false } (driver.js); this module is the promise-based API over either, and
// never loads the wasm module itself in worker mode. See index.d.ts for the API.

import { ConnectionError, StateError, typed } from "./errors.js";
import { coreOptions, illFormed, MESSAGE_COST, toBytes, usage } from "./options.js";

export {
  MqttError, UsageError, StateError, ConnectionError, ConnectError, ProtocolError, PublishError, SubscribeError,
} from "./errors.js";

const decoder = new TextDecoder();
/** Bytes handled (payloads and MESSAGE_COST each) before the client acknowledges them to
 *  the driver. */
const ACK_BYTES = 1 << 20;

/** A URL of the sandbox broker: the scheme in any case, after any leading whitespace (as
 *  crates/sandbox's `is_sandbox_url`). */
const SANDBOX = /^\s*sandbox:\/\//i;

/** A port to the sandbox broker's worker (npm/sandbox), for the driver: the sandbox module
 *  loads on the first sandbox:// connection; what the driver posts meanwhile waits in the
 *  port. If it cannot load, the port says so to the driver, whose socket then fails. */
function sandboxPort() {
  const { port1, port2 } = new MessageChannel();
  import("../sandbox/index.js")
    .then((sandbox) => sandbox.attach(port2))
    .catch((e) => port2.postMessage(["failed", `the sandbox broker did not start: ${e?.message ?? e}`]));
  return port1;
}

/**
 * Starts the client's worker. A browser refuses a worker script from another origin (the
 * package served by a CDN to a dashboard elsewhere): then the worker is a module of the
 * page's own origin, made from a blob, that imports the package's worker script (which the
 * CDN serves with CORS, as it serves the package's other modules). Returns the worker
 * and the blob's address (null without one), to revoke once the client ends; throws when
 * neither starts.
 */
function startWorker() {
  try {
    // Written out in full: Vite and webpack recognize this form and bundle the worker.
    const worker = new Worker(new URL("./worker.js", import.meta.url), { type: "module", name: "mqttscope" });
    return { worker, blob: null };
  } catch (refused) {
    // The worker script beside this module, named without `new URL("...", import.meta.url)`,
    // which bundlers would ship a second time as an asset.
    const script = new URL(import.meta.url.replace(/[^/?#]*([?#].*)?$/, "worker.js"));
    if (script.origin === globalThis.location?.origin) throw refused;
    const code = new Blob([`import ${JSON.stringify(script.href)};\n`], { type: "text/javascript" });
    const blob = URL.createObjectURL(code);
    return { worker: new Worker(blob, { type: "module", name: "mqttscope" }), blob };
  }
}

/** `wasm` (the `wasm` option) as an absolute address: the worker would resolve a relative
 *  one against its own script, not against the page as the page's driver does. */
function wasmAddress(wasm) {
  if (wasm instanceof URL) return wasm.href; // a URL cannot cross to a worker
  const base = globalThis.document?.baseURI ?? globalThis.location?.href;
  if (typeof wasm !== "string" || !base) return wasm;
  try {
    return new URL(wasm, base).href;
  } catch {
    return wasm; // not an address: the loader refuses it, and connect() rejects with why
  }
}

/** An application message. */
export class Message {
  constructor(m) {
    this.topic = m.topic;
    this.payload = m.payload;
    this.qos = m.qos;
    this.retain = m.retain;
    this.dup = m.dup;
    this.properties = m.properties;
    this.packetId = m.packetId;
    this.length = m.length;
  }
  /** The payload as UTF-8 text. */
  text() {
    return decoder.decode(this.payload);
  }
  /** The payload parsed as JSON (throws a SyntaxError when it is not JSON). */
  json() {
    return JSON.parse(this.text());
  }
}

/** Connects to `url` and resolves with the client once CONNACK accepted the connection. */
export async function connect(url, options) {
  const client = new Client(url, options);
  await client.connect();
  return client;
}

/** An MQTT client. `new Client(url, options)` lets listeners be added before `connect()`. */
export class Client {
  constructor(url, options = {}) {
    if (typeof url !== "string" && !(url instanceof URL)) throw usage("url", "a ws:// or wss:// URL");
    this.url = String(url);
    this.options = options;
    this.core = coreOptions(options);
    this.listeners = new Map();
    this.calls = new Map();
    this.watches = new Map();
    this.nextId = 1;
    this.state = "idle";
    this.version = this.core.version;
    /** The last CONNACK: session present and (MQTT 5) the server's properties; null before. */
    this.connack = null;
    /** Bytes handled (payloads and MESSAGE_COST each) and not yet acknowledged to the driver. */
    this.unacked = 0;
    /** Of those, the bytes of messages waiting in `messages()` loops, and how many loops
     *  hold each such message. */
    this.held = 0;
    this.holds = new Map();
  }

  /** Connects; resolves on CONNACK, rejects with the first connection's error. */
  connect() {
    if (this.state === "ended") return Promise.reject(new StateError("the client has ended"));
    if (this.state !== "idle") return Promise.reject(new StateError("connect() was called already"));
    this.state = "connecting";
    const o = this.options;
    const inWorker = o.worker ?? (typeof Worker === "function" && !o.WebSocket);
    if (inWorker && o.WebSocket) {
      this.state = "ended";
      return Promise.reject(usage("options.WebSocket", "no WebSocket constructor in worker mode (it cannot cross to a worker)"));
    }
    this.ended = new Promise((resolve) => (this.onEnded = resolve));
    const wasm = wasmAddress(o.wasm);
    if (inWorker) {
      let worker;
      try {
        ({ worker, blob: this.workerBlob } = startWorker());
      } catch (e) {
        return this.cannotStart(`the client's worker cannot start: ${e?.message ?? e}`);
      }
      // A script that did not load gives an error event with no message.
      worker.onerror = (e) => this.workerFailed(`the client's worker failed: ${e.message || "its script did not load"}`);
      worker.onmessage = (e) => this.batch(e.data);
      this.worker = worker;
      // What one task asks of the worker goes in one postMessage: a loop of publish()
      // calls costs one, not one per call.
      const queue = [];
      const transfer = [];
      this.send = (m, ports) => {
        if (queue.length === 0) queueMicrotask(() => worker.postMessage(queue.splice(0), transfer.splice(0)));
        queue.push(m);
        transfer.push(...(ports ?? []));
      };
      const { open, port } = this.openMessage(wasm);
      return this.opening(open, (m) => this.send(m, port && [port]));
    }
    const WebSocket = o.WebSocket ?? globalThis.WebSocket;
    if (typeof WebSocket !== "function" && !SANDBOX.test(this.url)) {
      this.state = "ended";
      return Promise.reject(usage("options.WebSocket", "a WebSocket constructor: this runtime has none (in node, pass the ws package's)"));
    }
    const { open } = this.openMessage(wasm);
    return this.opening({ ...open, WebSocket }, (m) => this.inThread(m));
  }

  /** The driver's `open` message, and the port to the sandbox broker it carries (for a
   *  sandbox:// URL). */
  openMessage(wasm) {
    const port = SANDBOX.test(this.url) ? sandboxPort() : undefined;
    const open = { op: "open", url: this.url, options: this.core, packets: this.listeners.has("packet"), wasm, port };
    return { open, port };
  }

  /** The client could not start its worker: it ends, and connect() rejects with why. */
  cannotStart(message) {
    this.stop();
    return Promise.reject(new ConnectionError(message, { ending: "internal", detail: message, url: this.url, version: this.version }));
  }

  /** Sends `open` and then the watches of `messages()` loops begun before connect(). */
  opening(open, start) {
    const connected = this.call(open, start);
    for (const [id, w] of this.watches) this.send({ op: "watch", watch: id, filter: w.filter });
    return connected;
  }

  /** The worker itself failed (its module did not load, or it crashed): the client ends,
   *  and a dashboard that was connected hears so as from any final close. */
  workerFailed(message) {
    const error = new ConnectionError(message, { ending: "internal", detail: message, url: this.url, version: this.version });
    this.receive({ t: "fail", id: this.openId, error });
    if (this.state === "connected" || this.state === "reconnecting") {
      this.emit("error", error);
      this.emit("close", { error, reconnecting: false });
    }
    this.stop();
  }

  /** Runs the driver on this thread. Its batches are handed over as they are, neither
   *  cloned nor posted: the driver posts from its own tasks (the socket's, its timers'),
   *  never from inside a call of ours, which reach it a microtask later. */
  inThread(first) {
    const driver = import("./driver.js").then(({ Driver }) => new Driver((m) => this.batch(m)));
    // A driver that did not load (a deploy that removed it, a bundler that left it out)
    // ends the client as a failed worker does; then nothing more is sent.
    driver.catch((e) => this.state !== "ended" && this.workerFailed(`the client's driver did not load: ${e?.message ?? e}`));
    this.send = (m) => driver.then((d) => d.handle(m), () => {});
    this.send(first);
  }

  /** Adds a listener: "connect", "message", "packet", "close", "reconnect" or "error". */
  on(event, fn) {
    if (typeof fn !== "function") throw usage("listener", "a function");
    if (!this.listeners.has(event)) this.listeners.set(event, new Set());
    this.listeners.get(event).add(fn);
    if (event === "packet") this.post({ op: "packets", on: true });
    return this;
  }

  /** Removes a listener. */
  off(event, fn) {
    const set = this.listeners.get(event);
    set?.delete(fn);
    if (event === "packet" && set?.size === 0) {
      this.listeners.delete(event);
      this.post({ op: "packets", on: false });
    }
    return this;
  }

  /** Publishes; resolves with the reason code (QoS 0: once queued for the socket, which sends it at the end of the turn). */
  publish(topic, payload, options = {}) {
    if (typeof topic !== "string") return Promise.reject(usage("topic", "a string"));
    // The topic crosses as a string argument, not through the glue's reader, which refuses
    // lone surrogates in every other string (crates/js-glue).
    const bad = illFormed(topic, "topic");
    if (bad) return Promise.reject(bad);
    const bytes = toBytes(payload, "payload");
    if (bytes instanceof Error) return Promise.reject(bytes);
    const { qos = 0, retain = false, properties, ...rest } = options;
    const extra = Object.keys(rest)[0];
    if (extra) return Promise.reject(usage(`options.${extra}`, "no such option; the options are qos, retain, properties"));
    if (typeof retain !== "boolean") return Promise.reject(usage("options.retain", "true or false"));
    return this.call({ op: "publish", topic, payload: bytes, qos, retain, properties });
  }

  /** Subscribes; resolves with each filter's SUBACK result, rejects if any was refused. */
  subscribe(filters, options = {}) {
    const list = typeof filters === "string" ? [filters] : filters;
    if (!Array.isArray(list) || list.length === 0) return Promise.reject(usage("filters", "a filter or an array of filters"));
    const { properties, ...each } = options;
    const subscriptions = list.map((f) => (typeof f === "string" ? { filter: f, ...each } : f));
    return this.call({ op: "subscribe", subscriptions, properties });
  }

  /** Unsubscribes; resolves with the UNSUBACK reason codes (MQTT 5; empty before). */
  unsubscribe(filters) {
    const list = typeof filters === "string" ? [filters] : filters;
    return this.call({ op: "unsubscribe", filters: list });
  }

  /** The messages whose topic matches `filter`, as they arrive (subscribe separately).
   *  What waits in the loop's queue counts as not yet handled: a loop slower than the
   *  messages holds the driver's flow control as a busy listener does (see batch()). */
  messages(filter) {
    if (typeof filter !== "string") throw usage("filter", "a topic filter");
    const done = () => Promise.resolve({ value: undefined, done: true });
    if (this.state === "ended") return { next: done, return: done, [Symbol.asyncIterator]() { return this; } };
    const id = this.nextId++;
    const queue = [];
    const waiting = [];
    const watch = {
      filter,
      push: (m) => {
        if (waiting.length) return waiting.shift()({ value: m, done: false });
        queue.push(m);
        this.hold(m, 1);
      },
      end: () => waiting.splice(0).forEach((wake) => wake({ value: undefined, done: true })),
      clear: () => queue.splice(0).forEach((m) => this.hold(m, -1)),
    };
    this.watches.set(id, watch);
    this.post({ op: "watch", watch: id, filter });
    const stop = () => {
      if (this.watches.delete(id)) this.post({ op: "unwatch", watch: id });
      watch.clear();
      watch.end();
      this.acknowledge();
      return done();
    };
    return {
      next: () => {
        if (queue.length) {
          const m = queue.shift();
          this.hold(m, -1);
          this.acknowledge();
          return Promise.resolve({ value: m, done: false });
        }
        if (!this.watches.has(id)) return done();
        return new Promise((resolve) => waiting.push(resolve));
      },
      return: stop,
      [Symbol.asyncIterator]() {
        return this;
      },
    };
  }

  /** Sends DISCONNECT and closes; resolves once the client has stopped. */
  async end() {
    if (this.state === "idle") this.state = "ended";
    if (this.state === "ended") return;
    this.post({ op: "end" });
    await this.ended;
  }

  // ---- the driver's side ----

  post(m) {
    if (this.send && this.state !== "ended") this.send(m);
  }

  call(m, start = (x) => this.send(x)) {
    if (this.state === "ended") return Promise.reject(new StateError("the client has ended"));
    if (this.state === "idle") return Promise.reject(new StateError("the client is not connected: call connect() first"));
    const id = this.nextId++;
    if (m.op === "open") this.openId = id;
    return new Promise((resolve, reject) => {
      this.calls.set(id, { resolve, reject });
      start({ ...m, id });
    });
  }

  /** A batch from the driver; once handled, the bytes it carried are acknowledged (the
   *  driver holds what arrives beyond 16 MiB unacknowledged), a MiB at a time: what is
   *  left unacknowledged is less than that, well inside the driver's window. */
  batch(messages) {
    for (const m of messages) {
      const bytes = m.payload ?? m.bytes;
      if (bytes) this.unacked += bytes.byteLength + MESSAGE_COST;
      this.receive(m);
    }
    this.acknowledge();
  }

  /** Acknowledges what was handled, but for what waits in `messages()` loops, once that is
   *  a MiB or more. */
  acknowledge() {
    const handled = this.unacked - this.held;
    if (handled >= ACK_BYTES) {
      this.post({ op: "ack", bytes: handled });
      this.unacked = this.held;
    }
  }

  /** `message` entered (`by` 1) or left (-1) the queue of a `messages()` loop: its bytes
   *  are held while any loop's queue has it. */
  hold(message, by) {
    const n = (this.holds.get(message) ?? 0) + by;
    if (n > 0) this.holds.set(message, n);
    else this.holds.delete(message);
    if (n === (by > 0 ? 1 : 0)) this.held += by * (message.payload.byteLength + MESSAGE_COST);
  }

  receive(m) {
    switch (m.t) {
      case "done":
      case "fail":
        return this.settle(m);
      case "connect":
        this.state = "connected";
        this.connack = { sessionPresent: m.sessionPresent, properties: m.properties };
        if (m.id) this.settle({ t: "done", id: m.id, value: this });
        return this.emit("connect", { sessionPresent: m.sessionPresent, properties: m.properties, length: m.length });
      case "message":
        return this.message(m);
      case "packet":
        return this.emit("packet", { direction: m.direction, type: m.packetType, bytes: m.bytes });
      case "close":
        // A final close: the driver's `ended` follows in the same batch.
        this.state = m.reconnecting ? "reconnecting" : "ended";
        if (m.error) this.emit("error", typed(m.error));
        return this.emit("close", { error: typed(m.error), reconnecting: m.reconnecting });
      case "reconnect":
        return this.emit("reconnect", { attempt: m.attempt });
      case "error":
        return this.emit("error", typed(m.error));
      case "ended":
        return this.stop();
    }
  }

  settle(m) {
    const call = this.calls.get(m.id);
    if (!call) return;
    this.calls.delete(m.id);
    if (m.t === "done") call.resolve(m.value);
    else call.reject(typed(m.error));
  }

  message(m) {
    const message = new Message(m);
    for (const id of m.watches) this.watches.get(id)?.push(message);
    this.emit("message", message);
  }

  emit(event, value) {
    // Those listening when the event came: a listener added or re-added by one of them
    // (an element moved in the document) hears the next event, not this one.
    for (const fn of [...(this.listeners.get(event) ?? [])]) {
      try {
        fn(value);
      } catch (e) {
        setTimeout(() => {
          throw e;
        });
      }
    }
  }

  /** The driver stopped: nothing more will come. */
  stop() {
    this.state = "ended";
    this.worker?.terminate();
    if (this.workerBlob) URL.revokeObjectURL(this.workerBlob);
    for (const call of this.calls.values()) call.reject(new StateError("the client has ended"));
    this.calls.clear();
    // A loop takes what its queue still has, then is over.
    for (const w of this.watches.values()) w.end();
    this.watches.clear();
    this.onEnded();
  }
}
