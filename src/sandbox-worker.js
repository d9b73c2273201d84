// The sandbox worker: mqttscope-broker and its simulated smart-home devices
// (crates/sandbox, built by Trunk as mqttscope-sandbox.js and mqttscope-sandbox_bg.wasm)
// in a SharedWorker, so that every tab of the page shares one sandbox; the page falls
// back to a dedicated Worker where the browser has no SharedWorker, and this script runs
// the same in both.
//
// It speaks socket-worker.js's protocol, so to the page's relay a `sandbox://` connection
// is one more WebSocket: ["open", id, url, protocols], ["send", id, ArrayBuffer],
// ["close", id] and ["ack", id, bytes] (the same flow control: at most 16 MiB posted and
// not acknowledged, closed with 4000 past 64 MiB held; crates/sandbox/src/flow.rs) from
// the page; ["ready"], [id, "open", "mqtt"], [id, "data", [ArrayBuffer, ...]] and
// [id, "close", code, reason, wasOpen, ms] to it. A page also posts ["bye"] when its tab
// goes away, which closes its connections at once.
//
// The broker pane (broker.html) speaks on its own port: ["command", json] (a
// mqttscope_sandbox::monitor::Command: watch, and every fault) to the worker;
// ["monitor", json] (an Update: the broker's state, a log, a notice) and
// ["monitor-packets", [conn, sent, atMs, ArrayBuffer, ...]] back.
//
// The ports are attached before the wasm module loads and what they post meanwhile is
// queued: a SharedWorker's first "connect" would otherwise be lost. One timer drives the
// broker's and the devices' timeouts.
"use strict";

const ports = new Map();
const queue = [];
let nextPort = 1;
let ready = false;
let failed = null;
let timer = 0;

self.sandboxPost = (id, message, transfer) => {
  const port = ports.get(id);
  if (port) port.postMessage(message, transfer);
};

function attach(port) {
  const id = nextPort++;
  ports.set(id, port);
  port.onmessage = (e) => receive(id, port, e.data);
  if (ready) port.postMessage(["ready"]);
  if (failed) port.postMessage(["failed", failed]);
}

function receive(id, port, data) {
  if (!ready) {
    queue.push([id, port, data]);
    return;
  }
  if (Array.isArray(data) && data[0] === "bye") {
    ports.delete(id);
    arm(wasm_bindgen.sandbox_port_gone(id, performance.now()));
  } else {
    // A page that said "bye" speaks again when it comes back from the back-forward
    // cache: its port is the same, and it is heard again.
    ports.set(id, port);
    arm(wasm_bindgen.sandbox_message(id, data, performance.now()));
  }
}

function arm(at) {
  clearTimeout(timer);
  timer = at < 0 ? 0 : setTimeout(tick, Math.max(0, at - performance.now()));
}

function tick() {
  arm(wasm_bindgen.sandbox_timeout(performance.now()));
}

if (typeof SharedWorkerGlobalScope !== "undefined" && self instanceof SharedWorkerGlobalScope) {
  self.onconnect = (e) => attach(e.ports[0]);
} else {
  attach(self);
}

try {
  importScripts("./mqttscope-sandbox.js");
  wasm_bindgen("./mqttscope-sandbox_bg.wasm").then(start, fail);
} catch (e) {
  fail(e);
}

function start() {
  ready = true;
  tick();
  for (const port of ports.values()) port.postMessage(["ready"]);
  for (const [id, port, data] of queue.splice(0)) receive(id, port, data);
}

function fail(e) {
  failed = String(e);
  for (const port of ports.values()) port.postMessage(["failed", failed]);
}
