// The sandbox worker's hub: mqttscope-broker and its simulated smart-home devices
// (crates/sandbox, one wasm module) behind MessagePorts, one timer driving the broker's and
// the devices' timeouts. Shared by the page's classic worker (src/sandbox-worker.js, which
// loads it with importScripts) and the npm package's module worker
// (npm/sandbox/sandbox-worker.js, which imports it), so it is a plain script that defines
// one global: `sandboxHub(load)`, where `load()` resolves to the module's exports
// (sandbox_message, sandbox_port_gone, sandbox_timeout). The module calls back
// `self.sandboxPost`. The package's `sideEffects` names it: bundlers must keep its import.
//
// It runs in a SharedWorker, so that every tab shares one sandbox, or in a dedicated Worker
// where the browser has no SharedWorker, the same in both. Each port speaks
// socket-worker.js's protocol, so a `sandbox://` connection is one more WebSocket:
// ["open", id, url, protocols], ["send", id, ArrayBuffer], ["close", id] and
// ["ack", id, bytes] (the same flow control: at most 16 MiB posted and not acknowledged,
// closed with 4000 past 64 MiB held; crates/sandbox/src/flow.rs) and ["sync", id] (what
// is held, asked at a keep-alive deadline) to the worker; ["ready"], [id, "open", "mqtt"],
// [id, "data", [ArrayBuffer, ...]], [id, "synced", heldAt | null] and
// [id, "close", code, reason, wasOpen, ms] from it, or ["failed", why] if the module did
// not load. A page posts ["bye"] when its tab goes away, which closes its connections at
// once, and those of the ports it attached: ["attach"] with a MessagePort transferred
// makes that port one more (an npm client's, one per client, which its driver uses from the
// client's own worker, and which says ["bye"] when the client ends).
//
// The broker pane (broker.html) speaks on its own port: ["command", json] (a
// mqttscope_sandbox::monitor::Command: watch, and every fault) to the worker;
// ["monitor", json] and ["monitor-packets", [conn, sent, atMs, ArrayBuffer, ...]] back.
//
// The ports are attached before the wasm module loads and what they post meanwhile is
// queued: a SharedWorker's first "connect" would otherwise be lost.
"use strict";

self.sandboxHub = (load) => {
  const ports = new Map();
  /** The ports each port attached, closed with it by its "bye" (which keeps them: a page
   *  back from the back-forward cache says it again), and each attached port's parent. */
  const attached = new Map();
  const parents = new Map();
  const queue = [];
  let nextPort = 1;
  let api = null;
  let failed = null;
  let timer = 0;

  self.sandboxPost = (id, message, transfer) => ports.get(id)?.postMessage(message, transfer);

  function attach(port, parent) {
    const id = nextPort++;
    ports.set(id, port);
    if (parent) {
      if (!attached.has(parent)) attached.set(parent, new Set());
      attached.get(parent).add(id);
      parents.set(id, parent);
    }
    port.onmessage = (e) => receive(id, port, e);
    if (api) port.postMessage(["ready"]);
    if (failed) port.postMessage(["failed", failed]);
  }

  function receive(id, port, e) {
    const data = e.data;
    if (Array.isArray(data) && data[0] === "attach" && e.ports[0]) return attach(e.ports[0], id);
    if (!api) {
      queue.push([id, port, e]);
      return;
    }
    const t = performance.now();
    if (Array.isArray(data) && data[0] === "bye") {
      // The attached ports (a client's worker, frozen with the page in the back-forward
      // cache) hear their sockets close, when they thaw; the page's own port closes its
      // sockets itself when it comes back (src/driver/relay.rs).
      ports.delete(id);
      for (const gone of [id, ...(attached.get(id) ?? [])]) {
        arm(api.sandbox_port_gone(gone, t));
        ports.delete(gone);
      }
      // An attached port says "bye" when its client ends: it is gone for good.
      attached.get(parents.get(id))?.delete(id);
      parents.delete(id);
    } else {
      // A page that said "bye" speaks again when it comes back from the back-forward
      // cache: its port is the same, and it is heard again.
      ports.set(id, port);
      arm(api.sandbox_message(id, data, t));
    }
  }

  function arm(at) {
    clearTimeout(timer);
    timer = at < 0 ? 0 : setTimeout(tick, Math.max(0, at - performance.now()));
  }

  function tick() {
    arm(api.sandbox_timeout(performance.now()));
  }

  function start(exports) {
    api = exports;
    tick();
    for (const port of ports.values()) port.postMessage(["ready"]);
    for (const [id, port, e] of queue.splice(0)) receive(id, port, e);
  }

  function fail(e) {
    failed = String(e);
    for (const port of ports.values()) port.postMessage(["failed", failed]);
  }

  if (typeof SharedWorkerGlobalScope !== "undefined" && self instanceof SharedWorkerGlobalScope) {
    self.onconnect = (e) => attach(e.ports[0], 0);
  } else {
    attach(self, 0);
  }
  try {
    load().then(start, fail);
  } catch (e) {
    fail(e);
  }
};
