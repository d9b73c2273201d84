// The socket worker's flow control, in node: src/socket-worker.js runs in a sandbox with a
// scripted WebSocket, a recorded postMessage and manual timers. A page that does not
// acknowledge gets at most 16 MiB in flight; the worker holds the rest and closes the
// socket (code 4000, with a reason) past 64 MiB held; acknowledgements let batches flow
// again, every message whole and in order; a "sync" is answered after the batches posted
// before it, with when the newest message still held arrived. Exits non-zero on failure.
//
//   node tests/e2e/socket-worker.mjs

import { readFileSync } from "node:fs";
import vm from "node:vm";
import { assert, ROOT } from "./harness.mjs";
import { join } from "node:path";

const MiB = 1024 * 1024;

/** The worker in a fresh sandbox; returns its handles. */
function load() {
  const posted = [];
  const timers = [];
  const sockets = [];
  const clock = { ms: 0 };
  class FakeSocket {
    static OPEN = 1;
    constructor(url, protocols) {
      Object.assign(this, { url, protocols, readyState: 1, protocol: "mqtt", closed: null });
      sockets.push(this);
    }
    send() {}
    close(code, reason) {
      this.closed = { code, reason };
    }
  }
  const context = vm.createContext({
    WebSocket: FakeSocket,
    postMessage: (m) => posted.push(m),
    setTimeout: (f) => timers.push(f),
    clearTimeout: () => {},
    performance: { timeOrigin: 1_000_000, now: () => clock.ms },
    Math,
  });
  vm.runInContext(readFileSync(join(ROOT, "src", "socket-worker.js"), "utf8"), context);
  const send = (m) => context.onmessage({ data: m });
  const fireTimers = () => timers.splice(0).forEach((f) => f());
  return { posted, sockets, send, fireTimers, clock };
}

const dataBatches = (posted) => posted.filter((m) => m[1] === "data");
const bytesIn = (batch) => batch[2].reduce((n, b) => n + (b ? b.byteLength : 0), 0);

function withoutAcknowledgementsAtMost16MiBAreInFlightAndPast64MiBTheSocketCloses() {
  const w = load();
  w.send(["open", 1, "ws://127.0.0.1:1/", ["mqtt"]]);
  const ws = w.sockets[0];
  ws.onopen();
  const chunk = new ArrayBuffer(MiB);
  for (let i = 0; i < 40; i++) {
    ws.onmessage({ data: chunk });
    w.fireTimers();
  }
  const sent = dataBatches(w.posted).reduce((n, b) => n + bytesIn(b), 0);
  assert(sent <= 17 * MiB && sent >= 16 * MiB, `${sent / MiB} MiB posted without acknowledgement`);
  assert(ws.closed === null, "closed too early");
  for (let i = 0; i < 60 && !ws.closed; i++) ws.onmessage({ data: chunk });
  assert(ws.closed?.code === 4000, `closed with ${JSON.stringify(ws.closed)}`);
  const close = w.posted.at(-1);
  assert(close[1] === "close" && close[2] === 4000 && /fell behind/.test(close[3]), `the page is told: ${close}`);
}

function acknowledgementsLetTheHeldMessagesGoInOrder() {
  const w = load();
  w.send(["open", 2, "ws://127.0.0.1:1/", ["mqtt"]]);
  const ws = w.sockets[0];
  ws.onopen();
  const messages = Array.from({ length: 30 }, (_, i) => new Uint8Array(MiB).fill(i).buffer);
  for (const m of messages) {
    ws.onmessage({ data: m });
    w.fireTimers();
  }
  const seen = [];
  for (let round = 0; round < 10; round++) {
    const batches = dataBatches(w.posted.splice(0));
    for (const b of batches) {
      seen.push(...b[2]);
      w.send(["ack", 2, bytesIn(b)]);
    }
  }
  assert(seen.length === messages.length, `${seen.length} of ${messages.length} messages`);
  assert(seen.every((b, i) => b === messages[i]), "whole and in order");
  assert(ws.closed === null, "a page that keeps up keeps its socket");
}

function aSyncSaysWhenTheNewestHeldMessageArrived() {
  const w = load();
  w.send(["open", 3, "ws://127.0.0.1:1/", ["mqtt"]]);
  const ws = w.sockets[0];
  ws.onopen();
  w.send(["sync", 3]);
  assert(JSON.stringify(w.posted.at(-1)) === JSON.stringify([3, "synced", null]), `nothing held: ${w.posted.at(-1)}`);
  for (let i = 0; i < 17; i++) {
    w.clock.ms = 10 * i;
    ws.onmessage({ data: new ArrayBuffer(MiB) });
    w.fireTimers();
  }
  // 16 MiB posted; the 17th MiB, arrived at 160 ms, is held.
  w.send(["sync", 3]);
  const answer = w.posted.at(-1);
  assert(answer[1] === "synced" && answer[2] === 1_000_160, `held: ${answer}`);
  w.send(["ack", 3, 16 * MiB]);
  w.send(["sync", 3]);
  const last = w.posted.slice(-2);
  assert(last[0][1] === "data" && bytesIn(last[0]) === MiB, `the held MiB posted first: ${last[0]}`);
  assert(last[1][1] === "synced" && last[1][2] === null, `then nothing held: ${last[1]}`);
  w.send(["sync", 99]);
  assert(w.posted.at(-1) === last[1], "an unknown socket is not answered");
}

let failed = 0;
for (const test of [
  withoutAcknowledgementsAtMost16MiBAreInFlightAndPast64MiBTheSocketCloses,
  acknowledgementsLetTheHeldMessagesGoInOrder,
  aSyncSaysWhenTheNewestHeldMessageArrived,
]) {
  try {
    test();
    console.log(`ok   ${test.name}`);
  } catch (e) {
    failed += 1;
    console.log(`FAIL ${test.name}: ${e.message}`);
  }
}
process.exitCode = failed ? 1 : 0;
