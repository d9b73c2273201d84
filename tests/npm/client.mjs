// The npm package's main entry, `mqttscope` (the client), used as a user would: packed
// with `npm pack`, installed from the tarball into a fresh folder, imported by its path
// from a plain <script type="module"> in headless Chromium, against a real mosquitto on
// loopback (a WebSocket listener for the page, TCP for mosquitto_pub and mosquitto_sub),
// and a scripted peer for a message bigger than mosquitto's WebSocket listener sends.
// Every browser check runs twice: with the core in its Worker (the default) and on the
// page ({ worker: false }). In node the client runs too, given the ws package's WebSocket.
//
//   node tests/npm/client.mjs pkg
//
// The declarations are checked too: TypeScript (pinned in tests/e2e) compiles a user's
// module against them in strict mode, and must refuse what they forbid.
//
// `cargo xtask test` runs it in the `npm` tier after tests/npm/dissect.mjs. CHROMIUM
// overrides the browser (default /usr/bin/chromium), MOSQUITTO the broker.

import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { address, brokerWithPasswords, install, packetsOf, PAGE_HELPERS, runChecks, serve, typeCheck } from "./common.mjs";
import { packet, str } from "../e2e/hostile.mjs";
import { sleep } from "../e2e/mosquitto.mjs";
import WebSocket, { WebSocketServer } from "../e2e/node_modules/ws/wrapper.mjs";

/** 1 MiB of random bytes that the scripted peer sends. */
const MIB = randomBytes(1 << 20);
/** How many messages of 1 MiB the peer floods a client with: more than the client holds. */
const FLOOD = 100;
/** A surge of messages of 1 MiB: more than the client posts at once, less than it holds. */
const SURGE = 40;
/** How many QoS 1 messages the peer sends at once, each in a WebSocket message of its own. */
/** Empty messages the scripted peer sends at once to client "empties". */
const EMPTIES = 100000;
const BURST = 200;

/**
 * A scripted MQTT peer on loopback, for what mosquitto will not do. It accepts any CONNECT;
 * what it does next depends on a word in the client id:
 *
 * - (none): grants a SUBSCRIBE (one filter, QoS 0), then sends a PUBLISH on "big" carrying
 *   MIB (1 MiB, more than mosquitto's WebSocket listener sends), cut into three WebSocket
 *   messages (2 bytes, 70,000, the rest), so the client's framer joins them;
 * - "eager": a PUBLISH in the same WebSocket message as CONNACK, as a broker resuming a
 *   session may send it;
 * - "refuser": refuses every SUBSCRIBE (0x87 Not authorized; 0x80 in 3.1.1) and every QoS 1
 *   PUBLISH (PUBACK 0x87);
 * - "qos3": right after CONNACK, a PUBLISH with QoS 3, which breaks [MQTT-3.3.1-4];
 * - "flood": after the SUBACK, FLOOD messages of 1 MiB on "f", each starting with its index;
 *   "surge": the same, SURGE of them;
 * - "kick" (MQTT 5): right after CONNACK, DISCONNECT 0x9C Use another server, with a Server
 *   Reference to `state.elsewhere`;
 * - "legacy": answers CONNECT in MQTT 3.1.1's form with return code 1 (unacceptable protocol
 *   version) whatever the version, as a broker without MQTT 5 does;
 * - "burst": after the SUBACK, BURST QoS 1 messages on "b" (packet ids 1 to BURST), each in a
 *   WebSocket message of its own, all at once. `state.burst` records what the client sent
 *   back: how many WebSocket messages, the packet ids it acknowledged in order, and whether
 *   its DISCONNECT came before the socket closed;
 * - "forget": records the filter of each SUBSCRIBE in `state.forget`, and drops the
 *   connection (no close frame) when the client publishes on "drop";
 * - "empties": after the SUBACK, EMPTIES QoS 0 messages on "e" with empty payloads, a
 *   hundred to a WebSocket message.
 *
 * Only a "surge" client's PINGREQ gets a PINGRESP. `state.silent` is the port of a TCP
 * server that accepts connections and never answers (a WebSocket to it never opens).
 */
async function startPeer() {
  const wss = new WebSocketServer({ host: "127.0.0.1", port: 0, handleProtocols: () => "mqtt" });
  await new Promise((ok) => wss.once("listening", ok));
  const held = [];
  const silent = createServer((socket) => held.push(socket));
  await new Promise((ok) => silent.listen(0, "127.0.0.1", ok));
  const stop = async () => {
    held.forEach((s) => s.destroy());
    await new Promise((ok) => silent.close(ok));
    await new Promise((ok) => wss.close(ok));
  };
  const state = { url: "", floodClosed: null, elsewhere: "", burst: null, forget: [], silent: silent.address().port, stop };
  wss.on("connection", (ws) => {
    let v5 = false;
    let id = "";
    ws.on("close", (code) => {
      if (id === "flood") state.floodClosed = code;
      if (id === "burst") state.burst.closed = true;
    });
    const split = packetsOf((p) => answer(p));
    ws.on("message", (data) => {
      if (id === "burst") state.burst.messages += 1;
      split(data);
    });
    const answer = (p) => {
      const type = p[0] >> 4;
      const at = p[1] & 0x80 ? (p[2] & 0x80 ? 4 : 3) : 2;
      if (type === 1) {
        v5 = p[at + 6] === 5;
        id = ["eager", "refuser", "qos3", "flood", "surge", "kick", "legacy", "burst", "forget", "empties"].find((word) => p.includes(word)) ?? "";
        if (id === "burst") state.burst = { messages: 0, acked: [], disconnected: false, closed: false };
        if (id === "legacy") return ws.send(Buffer.from([0x20, 0x02, 0, 1]));
        const connack = Buffer.from(v5 ? [0x20, 0x03, 0, 0, 0] : [0x20, 0x02, 0, 0]);
        const props = Buffer.from(v5 ? [0] : []);
        const eager = id === "eager" ? packet(0x30, Buffer.concat([str("eager"), props, Buffer.from("first")])) : Buffer.alloc(0);
        ws.send(Buffer.concat([connack, eager]));
        if (id === "qos3") ws.send(Buffer.from([0x36, 0x00]));
        if (id === "kick" && v5) {
          const reference = str(state.elsewhere);
          ws.send(packet(0xe0, Buffer.concat([Buffer.from([0x9c, reference.length + 1, 0x1c]), reference])));
        }
      } else if (type === 8) {
        if (id === "forget") {
          const at2 = at + 2 + (v5 ? 1 : 0);
          state.forget.push(p.subarray(at2 + 2, at2 + 2 + p.readUInt16BE(at2)).toString());
        }
        const code = id !== "refuser" ? 0 : v5 ? 0x87 : 0x80;
        ws.send(packet(0x90, Buffer.concat([p.subarray(at, at + 2), Buffer.from(v5 ? [0, code] : [code])])));
        if (id === "flood" || id === "surge") {
          const body = Buffer.alloc(1 << 20, 0x66);
          for (let i = 0; i < (id === "flood" ? FLOOD : SURGE); i++) {
            body.writeUInt32BE(i, 0);
            ws.send(packet(0x30, Buffer.concat([str("f"), Buffer.from(v5 ? [0] : []), body])));
          }
        }
        if (id === "empties") {
          const one = packet(0x30, Buffer.concat([str("e"), Buffer.from(v5 ? [0] : [])]));
          const hundred = Buffer.concat(Array(100).fill(one));
          for (let i = 0; i < EMPTIES / 100; i++) ws.send(hundred);
        }
        if (id === "burst") {
          for (let i = 1; i <= BURST; i++) {
            const head = Buffer.concat([str("b"), Buffer.from([i >> 8, i & 0xff]), Buffer.from(v5 ? [0] : [])]);
            ws.send(packet(0x32, Buffer.concat([head, Buffer.from(`m${i}`)])));
          }
        }
        if (id) return;
        const publish = packet(0x30, Buffer.concat([str("big"), Buffer.from(v5 ? [0] : []), MIB]));
        for (const [from, to] of [[0, 2], [2, 70002], [70002, publish.length]]) ws.send(publish.subarray(from, to));
      } else if (type === 3 && (p[0] & 0x06) === 0x02 && id === "refuser") {
        const topicEnd = at + 2 + p.readUInt16BE(at);
        ws.send(Buffer.concat([Buffer.from([0x40, 0x03]), p.subarray(topicEnd, topicEnd + 2), Buffer.from([0x87])]));
      } else if (type === 12 && id === "surge") {
        ws.send(Buffer.from([0xd0, 0x00]));
      } else if (type === 3 && id === "forget" && p.subarray(at + 2, at + 6).toString() === "drop") {
        ws.terminate();
      } else if (type === 4 && id === "burst") {
        state.burst.acked.push(p.readUInt16BE(2));
      } else if (type === 14 && id === "burst") {
        state.burst.disconnected = !state.burst.closed;
      }
    };
  });
  state.url = `ws://127.0.0.1:${wss.address().port}/`;
  return state;
}

const sha256 = (bytes) => createHash("sha256").update(bytes).digest("hex");

/** A loopback port where nothing listens: one the system just gave out and took back. */
async function closedPort() {
  const server = createServer();
  await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
  const { port } = server.address();
  await new Promise((ok) => server.close(ok));
  return port;
}

/** mosquitto_sub for `count` messages on `topic`; `done` resolves with its raw output. */
function subscribe(broker, topic, count, extra = []) {
  const args = ["-h", "127.0.0.1", "-p", String(broker.tcp), "-t", topic, "-C", String(count), "-W", "20", ...extra];
  const p = spawn("mosquitto_sub", args);
  const chunks = [];
  p.stdout.on("data", (d) => chunks.push(d));
  const done = new Promise((ok, fail) =>
    // "close", not "exit": at exit its output may not all have been read yet.
    p.once("close", (code) => (code === 0 ? ok(Buffer.concat(chunks)) : fail(new Error(`mosquitto_sub exited ${code}`)))),
  );
  // mosquitto_sub says nothing when its SUBACK comes; a second is plenty on loopback.
  return { done, ready: sleep(1000) };
}

/** The test page: the entry imported by its path from a plain module script, and the
 *  helpers the steps call through page.evaluate. */
const PAGE = `<!doctype html><meta charset="utf-8"><title>mqttscope</title><link rel="icon" href="data:,">
<script type="module">
  import * as mqtt from "/node_modules/mqttscope/client/index.js";
  window.mqtt = mqtt;
  window.clients = {};
  // The flood step polls the server hundreds of times; the default buffer of 250 entries
  // would then be full before the page mode checks which files the page fetched.
  performance.setResourceTimingBufferSize(100000);
  ${PAGE_HELPERS}
  /** A rejection's class and fields, or "resolved". */
  window.failure = async (promise) => {
    try { await promise; return "resolved"; } catch (e) {
      return { name: e.name, typed: e instanceof mqtt.MqttError && e instanceof Error, message: e.message,
        reasonCode: e.reasonCode, rule: e.rule, field: e.field ?? null, ending: e.ending ?? null,
        explain: typeof e.explain === "function" ? e.explain() : null };
    }
  };
  window.ready = true;
</script>`;

/** What the test server answers besides the package's files: the page at /, at
 *  /flood-closed the close code the peer got from the flooded client ("" before), and
 *  under /crashing/ the package's files with a worker that crashes on cue (`CRASH`). */
const routes = (peer, dir) => (path) => {
  if (path === "/") return PAGE;
  if (path === "/flood-closed") return String(peer.floodClosed ?? "");
  if (path.startsWith(NO_DRIVER) && !path.endsWith("/client/driver.js")) {
    return readFileSync(join(dir, "node_modules", "mqttscope", decodeURIComponent(path.slice(NO_DRIVER.length))));
  }
  if (!path.startsWith(CRASHING)) return undefined;
  const file = readFileSync(join(dir, "node_modules", "mqttscope", decodeURIComponent(path.slice(CRASHING.length))));
  return path === `${CRASHING}client/worker.js` ? Buffer.concat([file, Buffer.from(CRASH)]) : file;
};

/** Where the test server serves the package with a crashing worker. */
const CRASHING = "/crashing/";

/** Where the test server serves the package without its driver (client/driver.js is
 *  missing there: a deploy that removed it). */
const NO_DRIVER = "/no-driver/";

/** Appended to the client's worker under /crashing/: an uncaught exception (as a bug in
 *  the worker would throw) when the page asks it to publish on crash/now. */
const CRASH = `
addEventListener("message", (e) => {
  if (e.data.some((m) => m.op === "publish" && m.topic === "crash/now")) throw new Error("injected crash");
});
`;

/** The steps for one mode (`worker` true or false), against `broker` and `peer`; nothing
 *  listens on port `closed`; `elsewhere` serves the package from another origin. */
function steps(broker, peer, worker, closed, elsewhere) {
  const url = `ws://127.0.0.1:${broker.ws}/`;
  const mode = worker ? "worker" : "page";
  const base = { url, worker, mode };
  const named = (name, f) => Object.defineProperty(f, "name", { value: `${mode}: ${name}` });
  return [
    named("connects with MQTT 5 and 3.1.1 and reports every packet", async (page) => {
      const r = await page.evaluate(async ({ url, worker, mode }) => {
        const c5 = new mqtt.Client(url, { version: 5, clientId: `v5-${mode}`, worker, sessionExpiry: 60 });
        const packets = [];
        c5.on("packet", (p) => packets.push([p.direction, p.type, p.bytes instanceof Uint8Array, p.bytes.length]));
        const connected = next(c5, "connect");
        const same = await c5.connect();
        const info = await connected;
        const c4 = await mqtt.connect(url, { version: "3.1.1", clientId: `v4-${mode}`, worker });
        clients.v5 = c5;
        clients.v4 = c4;
        const loaded = performance.getEntriesByType("resource").map((e) => e.name.split("/").pop());
        return { same: same === c5, packets, sessionPresent: info.sessionPresent, length: info.length, state: c4.state, v: [c5.version, c4.version], loaded };
      }, base);
      // The worker mode runs first: the page itself has not loaded the wasm module then
      // (the worker fetched it), and its worker script was fetched.
      if (worker) assert.ok(r.loaded.includes("worker.js"), `worker.js not loaded: ${r.loaded}`);
      assert.equal(r.loaded.includes("mqttscope_client_bg.wasm"), !worker, `wasm loaded by the page: ${r.loaded}`);
      assert.equal(r.same, true);
      assert.deepEqual(r.packets.slice(0, 2).map((p) => p.slice(0, 3)), [["sent", "CONNECT", true], ["received", "CONNACK", true]]);
      // The connect event's length is the CONNACK's Remaining Length: mosquitto's MQTT 5
      // CONNACK has properties, and fewer than 128 bytes after its two-byte fixed header.
      assert.ok(r.length > 2, `CONNACK length ${r.length}`);
      assert.equal(r.length, r.packets[1][3] - 2);
      assert.equal(r.sessionPresent, false);
      assert.equal(r.state, "connected");
      assert.deepEqual(r.v, [5, 4]);
    }),
    named("keeps the connection alive with PINGREQ on the core's timer", async (page) => {
      const r = await page.evaluate(async ({ url, worker }) => {
        const c = new mqtt.Client(url, { worker, version: 4, keepAlive: 1 });
        const seen = [];
        c.on("packet", (p) => seen.push(`${p.direction} ${p.type}`));
        await c.connect();
        await new Promise((ok) => setTimeout(ok, 3500));
        const state = c.state;
        await c.end();
        return { seen, state };
      }, base);
      const pings = r.seen.filter((p) => p === "sent PINGREQ").length;
      assert.ok(pings >= 2, `two PINGREQs in 3.5 s at keep-alive 1 s: ${r.seen}`);
      assert.ok(r.seen.filter((p) => p === "received PINGRESP").length >= pings - 1, `PINGRESPs: ${r.seen}`);
      assert.equal(r.state, "connected");
    }),
    named("subscribes and receives what mosquitto_pub publishes", async (page) => {
      const topic = `in/${mode}`;
      const subs = await page.evaluate(async (topic) => {
        const a = await clients.v5.subscribe(`${topic}/#`, { qos: 1 });
        const b = await clients.v4.subscribe([`${topic}/+`, `${topic}/x/#`], { qos: 2 });
        window.got5 = next(clients.v5, "message");
        window.got4 = next(clients.v4, "message");
        window.iterated = (async () => {
          for await (const m of clients.v5.messages(`${topic}/+/json`)) return [m.topic, m.json(), m.packetId];
        })();
        return [a, b];
      }, topic);
      assert.deepEqual(subs, [
        [{ filter: `${topic}/#`, reasonCode: 1, qos: 1 }],
        [{ filter: `${topic}/+`, reasonCode: 2, qos: 2 }, { filter: `${topic}/x/#`, reasonCode: 2, qos: 2 }],
      ]);
      broker.pub(["-t", `${topic}/t`, "-m", "hello", "-q", "1", "-r"]);
      broker.pub(["-t", `${topic}/x/json`, "-m", '{"celsius":21.5}', "-q", "0"]);
      const got = await page.evaluate(async () => {
        const [m5, m4] = await Promise.all([got5, got4]);
        const it = await iterated;
        const show = (m) => [m.topic, m.text(), m.qos, m.retain, m.payload instanceof Uint8Array, m instanceof mqtt.Message, m.length];
        return { m5: show(m5), m4: show(m4), ids: [m5.packetId, m4.packetId], it };
      });
      // length: the PUBLISH's Remaining Length: the topic and its length, the packet
      // identifier, in MQTT 5 an empty property list, the payload.
      const length = (v5) => 2 + `${topic}/t`.length + 2 + (v5 ? 1 : 0) + "hello".length;
      assert.deepEqual(got.m5, [`${topic}/t`, "hello", 1, false, true, true, length(true)]);
      assert.deepEqual(got.m4, [`${topic}/t`, "hello", 1, false, true, true, length(false)]);
      assert.ok(got.ids.every((id) => Number.isInteger(id) && id > 0), `QoS 1 packet identifiers: ${got.ids}`);
      assert.deepEqual(got.it, [`${topic}/x/json`, { celsius: 21.5 }, undefined]);
      broker.pub(["-t", `${topic}/t`, "-n", "-r"]);
      const unsubscribed = await page.evaluate(async (topic) => [
        await clients.v5.unsubscribe(`${topic}/#`),
        await clients.v4.unsubscribe([`${topic}/+`, `${topic}/x/#`]),
      ], topic);
      assert.deepEqual(unsubscribed, [[0], []], "UNSUBACK: Success in 5.0, no codes in 3.1.1");
    }),
    named("publishes at QoS 0, 1 and 2 and mosquitto_sub receives each", async (page) => {
      const topic = `out/${mode}`;
      const sub = subscribe(broker, `${topic}/#`, 6, ["-v"]);
      await sub.ready;
      const codes = await page.evaluate(async (topic) => {
        const out = [];
        for (const [c, v] of [[clients.v5, 5], [clients.v4, 4]]) {
          for (const qos of [0, 1, 2]) out.push(await c.publish(`${topic}/${v}/${qos}`, `q${qos}`, { qos }));
        }
        return out;
      }, topic);
      assert.deepEqual(codes, [0, 0, 0, 0, 0, 0]);
      const lines = (await sub.done).toString().trim().split("\n").sort();
      assert.deepEqual(lines, [0, 1, 2].flatMap((q) => [`${topic}/4/${q} q${q}`, `${topic}/5/${q} q${q}`]).sort());
    }),
    named("a QoS 1 publish resolves with PUBACK's reason code", async (page) => {
      const code = await page.evaluate(() => clients.v5.publish(`nobody/listens/here`, "x", { qos: 1 }));
      assert.equal(code, 0x10, "No matching subscribers");
    }),
    named("publishes 1 MiB and receives 256 KiB from mosquitto byte for byte", async (page) => {
      // mosquitto 2.0.11 drops a WebSocket subscriber it has to send a message of about
      // 400 kB or more (a plain `ws` client too), so what comes from it stays below that.
      const big = randomBytes(256 << 10);
      const file = join(broker.dir, "big.bin");
      writeFileSync(file, big);
      const topic = `big/${mode}`;
      await page.evaluate((topic) => {
        window.bigIn = next(clients.v5, "message", (m) => m.topic === `${topic}/in`);
        return clients.v5.subscribe(`${topic}/in`, { qos: 1 });
      }, topic);
      broker.pub(["-t", `${topic}/in`, "-f", file, "-q", "1"]);
      const inHash = await page.evaluate(async () => {
        const m = await bigIn;
        return [m.payload.length, await hex(m.payload)];
      });
      assert.deepEqual(inHash, [big.length, sha256(big)]);
      const sub = subscribe(broker, `${topic}/out`, 1, ["-N"]);
      await sub.ready;
      const sent = await page.evaluate(async (topic) => {
        const payload = new Uint8Array(1 << 20);
        for (let i = 0; i < payload.length; i += 65536) crypto.getRandomValues(payload.subarray(i, i + 65536));
        const code = await clients.v4.publish(`${topic}/out`, payload, { qos: 2 });
        return [code, await hex(payload)];
      }, topic);
      const received = await sub.done;
      assert.equal(sent[0], 0);
      assert.equal(received.length, 1 << 20);
      assert.equal(sha256(received), sent[1]);
    }),
    named("receives 1 MiB byte for byte, cut over three WebSocket messages", async (page) => {
      const got = await page.evaluate(async ({ url, worker }) => {
        const out = [];
        for (const version of [5, 4]) {
          const c = await mqtt.connect(url, { version, worker, reconnect: false });
          const message = next(c, "message");
          await c.subscribe("big");
          const m = await message;
          out.push([m.topic, m.payload.length, await hex(m.payload)]);
          await c.end();
        }
        return out;
      }, { url: peer.url, worker });
      const want = ["big", MIB.length, sha256(MIB)];
      assert.deepEqual(got, [want, want]);
    }),
    named("acknowledges a burst of QoS 1 messages in order, several PUBACKs to a WebSocket message", async (page) => {
      const got = await page.evaluate(async ({ url, worker, mode, burst }) => {
        const c = await mqtt.connect(url, { worker, clientId: `burst-${mode}`, reconnect: false });
        const texts = [];
        const all = new Promise((ok) => c.on("message", (m) => texts.push(m.text()) === burst && ok()));
        await c.subscribe("b", { qos: 1 });
        await all;
        await c.end();
        return texts;
      }, { url: peer.url, worker, mode, burst: BURST });
      const ids = Array.from({ length: BURST }, (_, i) => i + 1);
      assert.deepEqual(got, ids.map((i) => `m${i}`));
      for (let i = 0; i < 100 && !peer.burst.closed; i++) await sleep(20);
      const { messages, acked, disconnected } = peer.burst;
      assert.deepEqual(acked, ids, "every PUBACK, in order");
      // One WebSocket message per task: the SUBSCRIBE's, the PUBACKs' in fewer than one
      // each, and the DISCONNECT's, which reached the peer before the socket closed. How many
      // frames one turn sees depends on the machine's load (a loaded CI run once batched 200
      // into 105), so the bound is well below one each rather than a ratio load can break.
      assert.ok(messages < (BURST * 3) / 4, `${messages} WebSocket messages carried ${BURST} PUBACKs`);
      assert.ok(disconnected, "the DISCONNECT came before the close");
    }),
    named("a message that comes with CONNACK reaches a listener added after connect()", async (page) => {
      const r = await page.evaluate(async ({ url, worker, mode }) => {
        const c = await mqtt.connect(url, { worker, clientId: `eager-${mode}`, reconnect: false });
        const m = await next(c, "message", () => true, 3000).catch((e) => e);
        await c.end();
        return m instanceof Error ? m.message : [m.topic, m.text()];
      }, { url: peer.url, worker, mode });
      assert.deepEqual(r, ["eager", "first"]);
    }),
    ...(worker ? [named("holds a flood for a busy page, and ends the connection past 64 MiB", async (page) => {
      const r = await page.evaluate(async ({ url, worker }) => {
        const c = await mqtt.connect(url, { worker, clientId: "flood", reconnect: false });
        const got = [];
        c.on("message", (m) => got.push(new DataView(m.payload.buffer, m.payload.byteOffset).getUint32(0)));
        const closed = next(c, "close", () => true, 30000);
        await c.subscribe("f");
        // The page is busy (a synchronous request runs no task) until the peer saw the
        // socket close; the worker goes on receiving meanwhile.
        const until = performance.now() + 30000;
        while (performance.now() < until) {
          const x = new XMLHttpRequest();
          x.open("GET", "/flood-closed", false);
          x.send();
          if (x.responseText) break;
        }
        const { error } = await closed;
        return { got, closeCode: error.closeCode, message: error.message, name: error.name };
      }, { url: peer.url, worker });
      assert.equal(r.name, "ConnectionError");
      assert.equal(r.closeCode, 4000);
      assert.equal(peer.floodClosed, 4000, "the peer saw close code 4000");
      assert.match(r.message, /the client fell behind: \d+ MiB received and not yet handled/);
      assert.ok(r.got.length >= 16 && r.got.length < FLOOD, `${r.got.length} messages before the end`);
      assert.deepEqual(r.got, r.got.map((_, i) => i), "in order, none missing");
    }),
    ...(worker ? [named("a worker that crashes ends the client: error and close with a ConnectionError, the will sent", async (page) => {
      const will = subscribe(broker, "will/crash", 1);
      await will.ready;
      const r = await page.evaluate(async ({ url }) => {
        const crashing = await import("/crashing/client/index.js");
        const c = await crashing.connect(url, { clientId: "crash", will: { topic: "will/crash", payload: "gone" } });
        await c.subscribe("crash/#");
        const [error, close] = [next(c, "error"), next(c, "close")];
        const pending = failure(c.publish("crash/now", "x", { qos: 1 }));
        const e = await error;
        const closed = await close;
        const later = await failure(c.publish("after", "x"));
        return {
          name: e.name, ending: e.ending, message: e.message, same: closed.error === e,
          reconnecting: closed.reconnecting, pending: (await pending).name, later: later.name, state: c.state,
        };
      }, { url });
      assert.equal(r.name, "ConnectionError");
      assert.equal(r.ending, "internal");
      assert.match(r.message, /the client's worker failed: .*injected crash/);
      assert.equal(r.same, true, "close carries the error");
      assert.equal(r.reconnecting, false);
      assert.equal(r.pending, "StateError", "the publish in flight fails");
      assert.equal(r.later, "StateError", "a later call fails");
      assert.equal(r.state, "ended");
      // The worker is gone, its socket with it, without DISCONNECT: mosquitto sends the will.
      assert.equal((await will.done).toString(), "gone\n");
    })] : []),
    named("a messages() loop that falls behind holds the flood as a busy page does", async (page) => {
      const r = await page.evaluate(async ({ url, worker }) => {
        const c = new mqtt.Client(url, { worker, clientId: "flood-loop", reconnect: false });
        // Begun before connect(): its watch goes with the connection.
        const loop = c.messages("f");
        await c.connect();
        const closed = next(c, "close", () => true, 30000);
        await c.subscribe("f");
        const { error } = await closed;
        // What the loop had not taken when the client ended is still its to take.
        const got = [];
        for await (const m of loop) got.push(new DataView(m.payload.buffer, m.payload.byteOffset).getUint32(0));
        return { got, closeCode: error.closeCode, state: c.state };
      }, { url: peer.url, worker });
      assert.equal(r.closeCode, 4000, "closed for falling behind, not grown without bound");
      assert.equal(r.state, "ended");
      assert.ok(r.got.length >= 16 && r.got.length < FLOOD, `${r.got.length} messages before the end`);
      assert.deepEqual(r.got, r.got.map((_, i) => i), "in order, none missing");
    })] : []),
    ...(worker ? [named("a package served from another origin (a CDN) still runs its worker", async (page) => {
      // The browser refuses a worker script from another origin: the client starts it
      // from a blob of the page's origin that imports the package's script.
      const r = await page.evaluate(async ({ url, elsewhere }) => {
        const far = await import(`${elsewhere}node_modules/mqttscope/client/index.js`);
        const c = await far.connect(url, { clientId: "far", version: 5 });
        const got = next(c, "message");
        await c.subscribe("far/x", { qos: 1 });
        const code = await c.publish("far/x", "from afar", { qos: 1 });
        const m = await got;
        const inWorker = c.worker instanceof Worker;
        await c.end();
        return { code, text: m.text(), inWorker, state: c.state };
      }, { url, elsewhere });
      assert.deepEqual(r, { code: 0, text: "from afar", inWorker: true, state: "ended" });
    }), named("a relative wasm address is read against the page, in the worker too", async (page) => {
      const r = await page.evaluate(async ({ url }) => {
        // Read against the worker's script, it would be client/node_modules/...: not found.
        const wasm = "node_modules/mqttscope/client/wasm/mqttscope_client_bg.wasm";
        const c = await mqtt.connect(url, { clientId: "relative-wasm", wasm }).catch((e) => e.message);
        if (typeof c === "string") return c;
        await c.end();
        // Not an address at all: connect() rejects with why, it does not throw.
        let bad;
        try {
          bad = await mqtt.connect(url, { clientId: "bad-wasm", wasm: "http://[" }).then(() => "resolved", (e) => e.name);
        } catch (e) {
          bad = `threw ${e.name}`;
        }
        return { inWorker: c.worker instanceof Worker, state: c.state, bad };
      }, { url });
      assert.deepEqual(r, { inWorker: true, state: "ended", bad: "StateError" });
    })] : [named("a driver that does not load fails connect() with why, and end() returns", async (page) => {
      const r = await page.evaluate(async ({ url }) => {
        const { Client } = await import("/no-driver/client/index.js");
        const c = new Client(url, { worker: false, clientId: "no-driver" });
        const never = (what) => new Promise((ok) => setTimeout(() => ok(`${what} never settled`), 10000));
        const opening = failure(c.connect());
        // Called while the driver is still being fetched.
        const ending = c.end().then(() => "ended");
        const opened = await Promise.race([opening, never("connect()")]);
        const ended = await Promise.race([ending, never("end()")]);
        return { opened, ended, state: c.state, later: (await failure(c.publish("t", "x"))).name };
      }, { url });
      assert.equal(r.opened.name, "ConnectionError");
      assert.equal(r.opened.ending, "internal");
      assert.match(r.opened.message, /^the client's driver did not load: /);
      assert.equal(r.ended, "ended");
      assert.equal(r.state, "ended");
      assert.equal(r.later, "StateError");
    })]),
    named("a messages() loop that stops reading bounds even empty messages, and loses none", async (page) => {
      const r = await page.evaluate(async ({ url, worker }) => {
        const c = new mqtt.Client(url, { worker, clientId: "empties", reconnect: false });
        const loop = c.messages("e");
        let heard = 0;
        c.on("message", () => heard++);
        await c.connect();
        await c.subscribe("e");
        // The peer sent them all at once; the page hears what the window lets through.
        while (heard === 0) await new Promise((ok) => setTimeout(ok, 50));
        // Then until nothing more comes for 1.5 s (a loaded machine pauses too).
        let before = -1;
        while (heard !== before) {
          before = heard;
          await new Promise((ok) => setTimeout(ok, 1500));
        }
        const held = heard;
        // Reading the loop lets the rest through; a message lost would leave it waiting.
        let taken = 0;
        const ahead = (ms) => new Promise((ok) => setTimeout(() => ok(null), ms));
        while (taken < 100000) {
          const next = await Promise.race([loop.next(), ahead(5000)]);
          if (!next || next.done || next.value.payload.byteLength !== 0) break;
          taken++;
        }
        await loop.return();
        const out = { held, heard, taken, state: c.state };
        await c.end();
        return out;
      }, { url: peer.url, worker });
      // 16 MiB at 256 bytes a message: 65,536, and at most a WebSocket message (100) more.
      assert.ok(r.held >= 65000 && r.held < 66000, `${r.held} messages heard before the loop read`);
      assert.deepEqual([r.heard, r.taken, r.state], [EMPTIES, EMPTIES, "connected"]);
    }),
    named("unsubscribing while reconnecting forgets the filter: it is not subscribed again", async (page) => {
      peer.forget.length = 0;
      const r = await page.evaluate(async ({ url, worker, mode }) => {
        const c = await mqtt.connect(url, { worker, clientId: `forget-${mode}`, reconnect: { initialDelay: 300 } });
        await c.subscribe("keep");
        await c.subscribe("drop-me");
        const offline = next(c, "close", () => true, 5000);
        await c.publish("drop", "");
        const { reconnecting } = await offline;
        const state = c.state;
        const codes = await c.unsubscribe("drop-me");
        await next(c, "connect", () => true, 10000);
        await new Promise((ok) => setTimeout(ok, 300)); // for the resubscription's SUBACK
        await c.end();
        const after = await c.messages("x").next();
        return { reconnecting, state, codes, over: after.done };
      }, { url: peer.url, worker, mode });
      assert.equal(r.reconnecting, true);
      assert.equal(r.state, "reconnecting");
      assert.deepEqual(r.codes, []);
      assert.deepEqual(peer.forget, ["keep", "drop-me", "keep"], "resubscribed to keep only");
      assert.equal(r.over, true, "an ended client's messages() is over at once");
    }),
    named("a surge for a busy page is held, then delivered whole and in order", async (page) => {
      const r = await page.evaluate(async ({ url, worker, mode, count }) => {
        const c = await mqtt.connect(url, { worker, clientId: `surge-${mode}`, reconnect: false });
        const got = [];
        const all = new Promise((ok) => c.on("message", (m) => {
          got.push([new DataView(m.payload.buffer, m.payload.byteOffset).getUint32(0), m.payload.length]);
          if (got.length === count) ok();
        }));
        await c.subscribe("f");
        const until = performance.now() + 2000;
        while (performance.now() < until);
        await Promise.race([all, new Promise((ok) => setTimeout(ok, 30000))]);
        const state = c.state;
        await c.end();
        return { got, state };
      }, { url: peer.url, worker, mode, count: SURGE });
      assert.deepEqual(r.got, Array.from({ length: SURGE }, (_, i) => [i, 1 << 20]));
      assert.equal(r.state, "connected");
    }),
    named("bytes held for a messages() loop behind answer for the keep-alive: no false timeout", async (page) => {
      const r = await page.evaluate(async ({ url, worker, mode, count }) => {
        const c = await mqtt.connect(url, { worker, clientId: `surge-held-${mode}`, keepAlive: 1, reconnect: false });
        const closes = [];
        c.on("close", (e) => closes.push(e.error?.ending ?? null));
        const loop = c.messages("f");
        await c.subscribe("f");
        // The loop takes nothing for 3.5 keep-alives: 16 MiB wait for it, the rest (the
        // PINGRESPs among it) in the client's driver.
        await new Promise((ok) => setTimeout(ok, 3500));
        const got = [];
        for await (const m of loop) {
          got.push(new DataView(m.payload.buffer, m.payload.byteOffset).getUint32(0));
          if (got.length === count) break;
        }
        const state = c.state;
        const closed = [...closes];
        await c.end();
        return { got, state, closes: closed };
      }, { url: peer.url, worker, mode, count: SURGE });
      assert.deepEqual(r.closes, [], "the connection stayed up");
      assert.equal(r.state, "connected");
      assert.deepEqual(r.got, Array.from({ length: SURGE }, (_, i) => i), "every message, in order");
    }),
    named("a WebSocket that never opens fails connect() at the connect timeout", async (page) => {
      const r = await page.evaluate(async ({ url, worker }) => {
        const t0 = performance.now();
        const e = await mqtt.connect(url, { worker, connectTimeout: 1000, reconnect: false }).then(() => null, (e) => e);
        return { ms: performance.now() - t0, name: e?.name, ending: e?.ending, message: e?.message };
      }, { url: `ws://127.0.0.1:${peer.silent}/`, worker });
      assert.equal(r.name, "ConnectionError");
      assert.equal(r.ending, "handshake");
      assert.match(r.message, /did not open within 1000 ms/);
      assert.ok(r.ms >= 900 && r.ms < 5000, `${r.ms} ms`);
    }),
    named("a publish takes its payload as it was at the call", async (page) => {
      const r = await page.evaluate(async ({ url, worker, mode }) => {
        const c = await mqtt.connect(url, { worker, version: 4 });
        const topic = `copy/${mode}`;
        await c.subscribe(topic, { qos: 1 });
        const got = [];
        const all = new Promise((ok) => c.on("message", (m) => got.push(m.payload[0]) === 3 && ok()));
        const buffer = new Uint8Array(1);
        for (let i = 0; i < 3; i++) {
          buffer[0] = i;
          c.publish(topic, buffer, { qos: 1 });
        }
        await Promise.race([all, new Promise((ok) => setTimeout(ok, 5000))]);
        await c.end();
        return got;
      }, { url, worker, mode });
      assert.deepEqual(r, [0, 1, 2]);
    }),
    named("a refusing server's SUBACK and PUBACK reject with typed errors", async (page) => {
      const r = await page.evaluate(async ({ url, worker, mode }) => {
        const c5 = await mqtt.connect(url, { worker, clientId: `refuser-5-${mode}`, reconnect: false });
        const c4 = await mqtt.connect(url, { worker, version: 4, clientId: `refuser-4-${mode}`, reconnect: false });
        const sub = async (c) => {
          try { await c.subscribe("a/#", { qos: 1 }); return "resolved"; } catch (e) {
            return [e.name, e instanceof mqtt.SubscribeError, e.reasonCode, e.results, e.message];
          }
        };
        const out = {
          sub5: await sub(c5),
          sub4: await sub(c4),
          pub5: await failure(c5.publish("a/b", "x", { qos: 1 })),
          still: c5.state,
        };
        await Promise.all([c5.end(), c4.end()]);
        return out;
      }, { url: peer.url, worker, mode });
      assert.deepEqual(r.sub5, ["SubscribeError", true, 0x87, [{ filter: "a/#", reasonCode: 0x87, qos: null }],
        'subscription to "a/#" refused: Not authorized (0x87)']);
      assert.deepEqual(r.sub4.slice(0, 4), ["SubscribeError", true, 0x80, [{ filter: "a/#", reasonCode: 0x80, qos: null }]]);
      assert.deepEqual([r.pub5.name, r.pub5.reasonCode, r.pub5.message], ["PublishError", 0x87, "publish refused: Not authorized (0x87)"]);
      assert.equal(r.still, "connected");
    }),
    named("a server that breaks a rule ends the connection with a ProtocolError naming it", async (page) => {
      const r = await page.evaluate(async ({ url, worker, mode }) => {
        const c = new mqtt.Client(url, { worker, clientId: `qos3-${mode}`, reconnect: false });
        const closed = next(c, "close");
        const sent = [];
        c.on("packet", (p) => p.direction === "sent" && sent.push(p.type));
        await c.connect();
        const { error, reconnecting } = await closed;
        return [error.name, error instanceof mqtt.ProtocolError, error.rule, error.reasonCode, error.fatal, reconnecting, sent, c.state];
      }, { url: peer.url, worker, mode });
      assert.deepEqual(r.slice(0, 6), ["ProtocolError", true, "MQTT-3.3.1-4", 0x81, true, false]);
      assert.deepEqual(r[6], ["CONNECT", "DISCONNECT"], "DISCONNECT with Malformed Packet went out");
    }),
    named("keeps maxInFlight QoS 1 publishes in flight and at most maxQueued waiting", async (page) => {
      // The peer never acknowledges a PUBLISH, so what the client sent is what it holds in
      // flight; the rest wait in its queue.
      const r = await page.evaluate(async ({ url, worker, mode }) => {
        const inFlight = async (options, count) => {
          const c = await mqtt.connect(url, { worker, clientId: `window-${mode}`, reconnect: false, ...options });
          let sent = 0;
          c.on("packet", (p) => p.direction === "sent" && p.type === "PUBLISH" && sent++);
          const calls = Array.from({ length: count }, (_, i) => c.publish("w", String(i), { qos: 1 }).catch((e) => e));
          await new Promise((ok) => setTimeout(ok, 300));
          const last = await Promise.race([calls.at(-1), new Promise((ok) => setTimeout(ok, 50, null))]);
          await c.end();
          return [sent, last?.name ?? null];
        };
        return {
          v4: await inFlight({ version: 4 }, 25),
          v4Wide: await inFlight({ version: 4, maxInFlight: 100 }, 25),
          v5Narrow: await inFlight({ version: 5, maxInFlight: 3 }, 10),
          queue: await inFlight({ version: 4, maxInFlight: 1, maxQueued: 2 }, 4),
          zero: await failure(mqtt.connect(url, { worker, maxInFlight: 0 })),
          zeroQueue: await failure(mqtt.connect(url, { worker, maxQueued: 0 })),
        };
      }, { url: peer.url, worker, mode });
      assert.deepEqual(r.v4, [20, null], "3.1.1: 20 in flight by default");
      assert.deepEqual(r.v4Wide, [25, null], "maxInFlight 100: all 25 sent");
      assert.deepEqual(r.v5Narrow, [3, null], "MQTT 5, no Receive Maximum from the peer: maxInFlight 3");
      assert.deepEqual(r.queue, [1, "StateError"], "one in flight, two waiting, the fourth refused");
      assert.deepEqual([r.zero.name, r.zero.field], ["UsageError", "options.maxInFlight"]);
      assert.deepEqual([r.zeroQueue.name, r.zeroQueue.field], ["UsageError", "options.maxQueued"]);
    }),
    named("refuses what MQTT forbids with typed errors", async (page) => {
      const r = await page.evaluate(async ({ url, worker, closedUrl }) => ({
        keepAlive: await (async () => {
          const c = new mqtt.Client(url, { worker, keepAlive: 70000 });
          return [await failure(c.connect()), c.state];
        })(),
        unknown: await failure(mqtt.connect(url, { worker, keepalive: 5 })),
        early: await failure(new mqtt.Client(url, { worker }).publish("a", "x")),
        wildcard: await failure(clients.v5.publish("a/+", "x")),
        qos3: await failure(clients.v5.publish("a", "x", { qos: 3 })),
        option: await failure(clients.v5.publish("a", "x", { retian: true })),
        filter: await failure(clients.v4.subscribe("a/#/b")),
        property: await failure(clients.v5.publish("a", "x", { properties: { topicAlias: 0 } })),
        // What only a server sends, and enhanced authentication, which needs AUTH exchanges.
        subscriptionId: await failure(clients.v5.publish("a", "x", { properties: { subscriptionIdentifiers: [1] } })),
        auth: await failure(mqtt.connect(url, { worker, properties: { authenticationMethod: "SCRAM-SHA-1" } })),
        authData: await failure(mqtt.connect(url, { worker, properties: { authenticationData: new Uint8Array([1]) } })),
        // CONNECT's own rules, refused before any socket opens (the URL's port is closed).
        nul: await failure(mqtt.connect(closedUrl, { worker, clientId: "a\u0000b" })),
        willTopic: await failure(mqtt.connect(closedUrl, { worker, will: { topic: "a/+", payload: "x" } })),
        passwordOnly: await failure(mqtt.connect(closedUrl, { worker, version: 4, password: "p" })),
        props311: await failure(mqtt.connect(closedUrl, { worker, version: 4, properties: { sessionExpiryInterval: 5 } })),
        loneId: await failure(mqtt.connect(closedUrl, { worker, clientId: "a\udc00" })),
        surrogate: await failure(clients.v5.publish("a/\ud800", "x")),
        loneFilter: await failure(clients.v5.subscribe("a/\ud800")),
      }), { ...base, closedUrl: `ws://127.0.0.1:${closed}/` });
      assert.deepEqual([r.keepAlive[0].name, r.keepAlive[0].field, r.keepAlive[0].message, r.keepAlive[1]],
        ["UsageError", "options.keepAlive", "options.keepAlive: expected an integer from 0 to 65535", "ended"]);
      assert.deepEqual([r.unknown.name, r.unknown.field], ["UsageError", "options.keepalive"]);
      assert.deepEqual([r.early.name, r.early.message], ["StateError", "the client is not connected: call connect() first"]);
      assert.deepEqual([r.wildcard.name, r.wildcard.typed, r.wildcard.rule, r.wildcard.field], ["UsageError", true, "MQTT-3.3.2-2", "topic"]);
      assert.deepEqual([r.qos3.name, r.qos3.field, r.qos3.message], ["UsageError", "options.qos", "options.qos: expected 0, 1 or 2"]);
      assert.deepEqual([r.option.name, r.option.field], ["UsageError", "options.retian"]);
      assert.deepEqual([r.filter.name, r.filter.field], ["UsageError", "filters"]);
      assert.match(r.filter.message, /#/);
      assert.deepEqual([r.property.name, r.property.field], ["UsageError", "options.properties.topicAlias"]);
      assert.deepEqual([r.subscriptionId.name, r.subscriptionId.rule, r.subscriptionId.field],
        ["UsageError", "MQTT-3.3.4-6", "options.properties.subscriptionIdentifiers"]);
      assert.deepEqual([r.auth.name, r.auth.field, r.auth.message], ["UsageError", "options.properties.authenticationMethod",
        "options.properties.authenticationMethod: MQTT 5 enhanced authentication (AUTH) is not supported here"]);
      assert.deepEqual([r.authData.name, r.authData.field], ["UsageError", "options.properties.authenticationData"]);
      assert.deepEqual([r.nul.name, r.nul.field, r.nul.rule], ["UsageError", "options.clientId", "MQTT-1.5.4-2"]);
      assert.deepEqual([r.willTopic.name, r.willTopic.field, r.willTopic.rule], ["UsageError", "options.will.topic", "MQTT-3.3.2-2"]);
      assert.deepEqual([r.passwordOnly.name, r.passwordOnly.field, r.passwordOnly.rule], ["UsageError", "options.password", "MQTT-3.1.2-22"]);
      assert.deepEqual([r.props311.name, r.props311.field], ["UsageError", "options.properties"]);
      assert.deepEqual([r.loneId.name, r.loneId.field, r.loneId.message],
        ["UsageError", "options.clientId", "options.clientId: a lone UTF-16 surrogate has no UTF-8 form [MQTT-1.5.4-1]"]);
      assert.deepEqual([r.surrogate.name, r.surrogate.field, r.surrogate.rule], ["UsageError", "topic", "MQTT-1.5.4-1"]);
      assert.equal(r.loneFilter.name, "UsageError");
      assert.match(r.loneFilter.message, /^filters\[0\]\.filter: a lone UTF-16 surrogate has no UTF-8 form \[MQTT-1\.5\.4-1\]$/);
    }),
    named("a refused connect rejects with a ConnectError and its reason code", async (page) => {
      const r = await page.evaluate(async (base) => {
        const opts = { clientId: `bad-${base.mode}`, username: "user", password: "wrong", worker: base.worker, reconnect: true };
        return {
          v5: await failure(mqtt.connect(base.url, { ...opts, version: 5 })),
          v4: await failure(mqtt.connect(base.url, { ...opts, version: 4 })),
          good: (await mqtt.connect(base.url, { ...opts, password: "secret" }).then((c) => c.end().then(() => "ok"))),
          nothing: await failure(mqtt.connect("ws://127.0.0.1:9/", { worker: base.worker })),
        };
      }, base);
      // mosquitto 2.0 answers a wrong password with Not authorized (0x87; 5 in 3.1.1).
      assert.deepEqual([r.v5.name, r.v5.typed, r.v5.reasonCode, r.v5.ending], ["ConnectError", true, 0x87, "refused"]);
      assert.equal(r.v5.message, "connection refused: Not authorized (0x87)");
      assert.match(r.v5.explain, /refuses this client/);
      assert.deepEqual([r.v4.name, r.v4.reasonCode], ["ConnectError", 5]);
      assert.equal(r.v4.message, "Connection Refused, not authorized (return code 5)");
      assert.equal(r.good, "ok");
      assert.deepEqual([r.nothing.name, r.nothing.ending], ["ConnectionError", "handshake"]);
    }),
    named("the connection doctor explains a refused CONNECT, a closed port, an HTTP server, a broken rule and no MQTT 5", async (page) => {
      const r = await page.evaluate(async ({ url, worker, mode, nothing, peerUrl }) => {
        const fetched = (name) => performance.getEntriesByType("resource").some((e) => e.name.endsWith(`/${name}_bg.wasm`));
        const doctorWasm = () => fetched("mqttscope_js_doctor");
        const before = doctorWasm();
        const opts = { worker, clientId: `doctor-${mode}`, username: "user", password: "wrong", reconnect: false };
        const refused = await mqtt.connect(url, { ...opts, version: 5 }).catch((e) => e);
        const refused4 = await mqtt.connect(url, { ...opts, version: 4 }).catch((e) => e);
        const fields = [refused.name, refused.url, refused.version, refused.keepAlive, typeof refused.explain()];
        const stillNot = doctorWasm();
        const d5 = await refused.diagnose();
        const d4 = await refused4.diagnose();
        // Nothing listens: without probes the doctor can only guess; with them it knows.
        const closed = await mqtt.connect(nothing, { worker }).catch((e) => e);
        const guess = await closed.diagnose();
        const probed = await closed.diagnose({ probe: true });
        // This page's own server answers HTTP, not WebSocket.
        const http = await mqtt.connect(`ws://127.0.0.1:${location.port}/`, { worker }).catch((e) => e);
        const web = await http.diagnose({ probe: true });
        // The scripted peer sends a PUBLISH with QoS 3 after CONNACK.
        const c = new mqtt.Client(peerUrl, { worker, clientId: `qos3-doctor-${mode}`, reconnect: false });
        const ended = next(c, "close");
        await c.connect();
        const rule = await (await ended).error.diagnose();
        // The peer answers an MQTT 5 CONNECT as a broker without MQTT 5 does.
        const legacy = await mqtt.connect(peerUrl, { worker, clientId: `legacy-${mode}` }).catch((e) => e);
        const old = [legacy.name, legacy.connackCode, (await legacy.diagnose()).title, (await legacy.diagnose()).actions];
        const usage = await failure(mqtt.connect(url, { worker, version: 9 }));
        const notConnection = await mqtt.connect(url, { worker, version: 9 }).catch((e) => e.diagnose());
        const badOption = await refused.diagnose({ probes: true }).catch((e) => [e.name, e.field]);
        const pick = (d) => ({ severity: d.severity, title: d.title, text: d.text, actions: d.actions, settings: d.settings });
        return {
          before, stillNot, after: doctorWasm(), dissector: fetched("mqttscope_dissect"), fields, d5: pick(d5), d4: pick(d4),
          closed: [closed.ending, closed.url, closed.version, typeof closed.elapsedMs, closed.closeCode],
          guess: pick(guess), probed: pick(probed), web: pick(web), rule: pick(rule), old,
          usage: usage.name, notConnection, badOption,
        };
      }, { ...base, nothing: `ws://127.0.0.1:${closed}/mqtt`, peerUrl: peer.url });
      // The worker mode runs first: the doctor's wasm module was not fetched before the
      // first diagnose(), not even once an error had come; the dissector's never is.
      if (worker) assert.deepEqual([r.before, r.stillNot], [false, false], "the doctor loaded before diagnose()");
      assert.equal(r.after, true, "diagnose() loaded the doctor's wasm module");
      assert.equal(r.dissector, false, "diagnose() loaded the dissector's wasm module too");
      assert.deepEqual(r.fields, ["ConnectError", url, 5, 60, "string"]);
      // mosquitto 2.0 answers a wrong password with Not authorized (0x87; 5 in 3.1.1).
      const at = `127.0.0.1:${broker.ws}`;
      assert.deepEqual(r.d5, {
        severity: "error",
        title: "You are not authorized to connect",
        text: `The broker at ${at} answered CONNACK 0x87 Not authorized. Check your user name and password. If you sent ` +
          "none, the broker may not allow anonymous clients; its access rules may also restrict this client id.",
        actions: [{ kind: "edit", label: "Edit user name and password", setting: "credentials" }],
        settings: ["credentials"],
      });
      assert.equal(r.d4.title, "You are not authorized to connect");
      assert.ok(r.d4.text.startsWith(`The broker at ${at} answered CONNACK return code 5 (Connection Refused, not authorized).`), r.d4.text);
      assert.deepEqual(r.closed, ["handshake", `ws://127.0.0.1:${closed}/mqtt`, 5, "number", 1006]);
      assert.equal(r.guess.title, `Could not connect to 127.0.0.1:${closed}`);
      assert.match(r.guess.text, /Is the broker running on this computer\?/);
      assert.deepEqual(r.probed.title, `Nothing answers at 127.0.0.1:${closed}`);
      assert.match(r.probed.text, /^Neither a WebSocket nor plain HTTP answered at 127\.0\.0\.1:\d+\./);
      assert.deepEqual(r.probed.actions, [{ kind: "retry", label: "Retry" }]);
      assert.match(r.web.title, /^No MQTT WebSocket at \/ on 127\.0\.0\.1:\d+$/);
      assert.match(r.web.text, /^A server answers HTTP at 127\.0\.0\.1:\d+, but it did not accept a WebSocket for MQTT at \/\./);
      assert.match(r.web.text, /The paths \/mqtt, \/ and \/ws did not open either\.$/);
      assert.deepEqual(r.web.settings, ["url"]);
      assert.equal(r.rule.title, "The broker broke an MQTT rule [MQTT-3.3.1-4]");
      assert.match(r.rule.text, /^The broker at 127\.0\.0\.1:\d+ broke a rule of the MQTT specification \[MQTT-3\.3\.1-4\]: "byte 0: QoS 3/);
      assert.deepEqual(r.old, ["ProtocolError", 1, "The broker does not speak MQTT 5.0", [
        { kind: "switchVersion", label: "Try MQTT 3.1.1", version: 4 },
        { kind: "switchVersion", label: "Try MQTT 3.1", version: 3 },
      ]]);
      assert.equal(r.usage, "UsageError");
      assert.equal(r.notConnection, null, "a UsageError is not diagnosed");
      assert.deepEqual(r.badOption, ["UsageError", "options.probes"]);
    }),
    named("the connection doctor explains a silent broker, a dropped twin and a server sending the client elsewhere", async (page) => {
      const r = await page.evaluate(async ({ url, worker, mode, peerUrl }) => {
        // The scripted peer never answers PINGREQ.
        const silent = await mqtt.connect(peerUrl, { worker, clientId: `silent-${mode}`, keepAlive: 1, reconnect: false });
        const { error: quiet } = await next(silent, "close", () => true, 10000);
        // mosquitto 2.0 drops the first connection of a client id when a second one connects:
        // over WebSocket, without the DISCONNECT 0x8E it sends over TCP.
        const first = await mqtt.connect(url, { worker, clientId: `twin-${mode}`, reconnect: false });
        const dropped = next(first, "close");
        const second = await mqtt.connect(url, { worker, clientId: `twin-${mode}` });
        const { error: twin } = await dropped;
        await second.end();
        // The peer answers CONNACK, then DISCONNECT 0x9C with a Server Reference.
        const sent = new mqtt.Client(peerUrl, { worker, clientId: `kick-${mode}`, reconnect: false });
        const away = next(sent, "close");
        await sent.connect();
        const { error: kicked } = await away;
        const pick = (d) => ({ severity: d.severity, title: d.title, text: d.text, actions: d.actions, settings: d.settings });
        return {
          quiet: [quiet.ending, quiet.keepAlive], silent: pick(await quiet.diagnose()),
          twin: [twin.ending, twin.closeCode], dropped: pick(await twin.diagnose()),
          kicked: [kicked.ending, kicked.reasonCode, kicked.serverReference], elsewhere: pick(await kicked.diagnose()),
        };
      }, { ...base, peerUrl: peer.url });
      const peerAt = new URL(peer.url).host;
      assert.deepEqual(r.quiet, ["keepAlive", 1]);
      assert.deepEqual(r.silent, {
        severity: "warning",
        title: `${peerAt} stopped answering`,
        text: `Nothing came from ${peerAt} for 1.5 s (1.5 times the keep alive of 1 s), not even an answer to a ping. ` +
          "The network may have dropped (Wi-Fi, VPN, the computer slept), or a proxy closed the idle connection without " +
          "telling either side.",
        actions: [{ kind: "retry", label: "Retry" }, { kind: "edit", label: "Edit the keep alive", setting: "keepAlive" }],
        settings: ["keepAlive"],
      });
      assert.deepEqual(r.twin, ["transport", 1006]);
      assert.equal(r.dropped.title, `The connection to 127.0.0.1:${broker.ws} closed: Abnormal Closure`);
      assert.match(r.dropped.text, /when another client connects with the same client id/);
      assert.deepEqual([r.dropped.severity, r.dropped.actions.map((a) => a.kind)], ["warning", ["retry"]]);
      assert.deepEqual(r.kicked, ["server", 0x9c, peer.elsewhere]);
      assert.equal(r.elsewhere.title, "The broker sends you to another server for now");
      assert.ok(r.elsewhere.text.startsWith(`The broker at ${peerAt} sent DISCONNECT 0x9C Use another server.`), r.elsewhere.text);
      assert.deepEqual(r.elsewhere.actions[0], { kind: "useUrl", label: `Use ${peer.elsewhere}`, url: peer.elsewhere });
    }),
    named("resumes a session: what was queued offline arrives after connect() resolves", async (page) => {
      const topic = `resume/${mode}`;
      const options = { ...base, clientId: `resume-${mode}`, topic };
      await page.evaluate(async ({ url, worker, clientId, topic }) => {
        const c = await mqtt.connect(url, { worker, clientId, cleanStart: false, sessionExpiry: 60 });
        await c.subscribe(topic, { qos: 1 });
        await c.end();
      }, options);
      for (const n of [1, 2, 3]) broker.pub(["-t", topic, "-m", `queued ${n}`, "-q", "1"]);
      const r = await page.evaluate(async ({ url, worker, clientId }) => {
        const c = new mqtt.Client(url, { worker, clientId, cleanStart: false, sessionExpiry: 60 });
        const resumed = next(c, "connect");
        await c.connect();
        const texts = [];
        const three = new Promise((ok) => c.on("message", (m) => texts.push(m.text()) === 3 && ok()));
        await Promise.race([three, new Promise((_, no) => setTimeout(() => no(new Error(`got ${texts}`)), 10000))]);
        const { sessionPresent } = await resumed;
        await c.end();
        return { sessionPresent, texts };
      }, options);
      assert.deepEqual(r, { sessionPresent: true, texts: ["queued 1", "queued 2", "queued 3"] });
    }),
    named("reconnects and resubscribes after mosquitto restarts", async (page) => {
      const topic = `again/${mode}`;
      await page.evaluate(async ({ url, worker, topic }) => {
        const c = await mqtt.connect(url, { worker, reconnect: { initialDelay: 100, maxDelay: 400 } });
        await c.subscribe(`${topic}/#`, { qos: 1 });
        window.events = [];
        for (const e of ["close", "reconnect", "connect"]) c.on(e, (v) => events.push([e, v?.error?.name ?? null, v?.reconnecting ?? v?.sessionPresent ?? null]));
        clients.again = c;
        window.dropped = next(c, "close");
      }, { ...base, topic });
      await broker.stop();
      const closed = await page.evaluate(async () => {
        const e = await dropped;
        window.back = next(clients.again, "connect");
        return [e.reconnecting, e.error.name, e.error.ending];
      });
      assert.deepEqual(closed, [true, "ConnectionError", "transport"]);
      await sleep(300);
      await broker.start();
      await page.evaluate(async (topic) => {
        await back;
        window.after = next(clients.again, "message");
      }, topic);
      await sleep(300);
      broker.pub(["-t", `${topic}/x`, "-m", "back", "-q", "1"]);
      const r = await page.evaluate(async () => {
        const m = await after;
        return { text: m.text(), events };
      });
      assert.equal(r.text, "back", "the core subscribed again after the new session");
      assert.deepEqual(r.events[0], ["close", "ConnectionError", true]);
      assert.ok(r.events.some(([e]) => e === "reconnect"), "a reconnect event");
      assert.deepEqual(r.events.at(-1), ["connect", null, false], "session not present: mosquitto kept nothing");
    }),
    named("end() disconnects and later calls fail with a StateError", async (page) => {
      const r = await page.evaluate(async () => {
        const out = [];
        for (const c of [clients.v5, clients.v4, clients.again]) {
          const closed = next(c, "close");
          await c.end();
          const e = await closed;
          out.push([c.state, e.error, e.reconnecting, (await failure(c.publish("a", "x"))).name]);
        }
        return out;
      });
      assert.deepEqual(r, Array(3).fill(["ended", null, false, "StateError"]));
    }),
  ];
}

/** The client in node, as `import "mqttscope"` resolves there (its node loader): with a
 *  WebSocket constructor given, and refusing to start without one; the connection doctor
 *  there (nothing listens on port `closed`). */
async function nodeChecks(dir, broker, closed) {
  writeFileSync(join(dir, "user.mjs"), 'export * from "mqttscope";\n');
  const m = await import(pathToFileURL(join(dir, "user.mjs")));
  const url = `ws://127.0.0.1:${broker.ws}/`;
  const checks = {
    async "refuses to start without a WebSocket constructor"() {
      const saved = globalThis.WebSocket;
      delete globalThis.WebSocket;
      try {
        const e = await m.connect(url).then(() => null, (e) => e);
        assert.ok(e instanceof m.UsageError, `expected a UsageError, got ${e}`);
        assert.equal(e.field, "options.WebSocket");
      } finally {
        if (saved) globalThis.WebSocket = saved;
      }
    },
    async "subscribes, publishes and receives with the ws package's WebSocket"() {
      const c = await m.connect(url, { WebSocket, version: 5 });
      const got = new Promise((ok) => c.on("message", ok));
      assert.deepEqual(await c.subscribe("node/#", { qos: 1 }), [{ filter: "node/#", reasonCode: 1, qos: 1 }]);
      assert.equal(await c.publish("node/x", "from node", { qos: 1 }), 0);
      const message = await got;
      assert.deepEqual([message.topic, message.text(), message.qos], ["node/x", "from node", 1]);
      await c.end();
      assert.equal(c.state, "ended");
    },
    async "connect() starts at once, as in a browser: end() right after it ends the attempt"() {
      const c = new m.Client(url, { WebSocket, version: 5 });
      const connected = c.connect().then(() => null, (e) => e);
      assert.equal(c.state, "connecting");
      await c.end();
      assert.equal(c.state, "ended");
      assert.ok((await connected) instanceof m.StateError);
    },
    async "a failed connection is diagnosed, with the doctor's wasm read from the package"() {
      const options = { WebSocket, username: "user", password: "wrong", reconnect: false };
      const refused = await m.connect(url, options).then(() => null, (e) => e);
      assert.ok(refused instanceof m.ConnectError, `expected a ConnectError, got ${refused}`);
      const d = await refused.diagnose();
      assert.equal(d.title, "You are not authorized to connect");
      assert.deepEqual(d.settings, ["credentials"]);
      // Node probes what it can: fetch (node's own WebSocket only from node 22).
      const nothing = `ws://127.0.0.1:${closed}/`;
      const failed = await m.connect(nothing, { WebSocket }).then(() => null, (e) => e);
      assert.equal(failed?.ending, "handshake");
      const probed = await failed.diagnose({ probe: true });
      assert.equal(probed.title, `Nothing answers at 127.0.0.1:${closed}`);
    },
  };
  return runChecks("node", checks);
}

/** Every browser check, in headless Chromium through the end-to-end harness. */
async function browserChecks(dir, broker, peer, closed) {
  const { runSteps } = await import("../e2e/harness.mjs");
  const server = await serve(dir, routes(peer, dir));
  const url = address(server);
  // The package from another origin, with the CORS header a CDN sends.
  const far = await serve(dir, () => undefined, { cors: true });
  const elsewhere = address(far);
  const ready = async function page_loads(page) {
    await page.waitForFunction(() => window.ready, null, { timeout: 15000 });
  };
  try {
    return await runSteps({
      url,
      steps: [ready, ...steps(broker, peer, true, closed, elsewhere), ...steps(broker, peer, false, closed, elsewhere)],
      // Reconnecting while mosquitto is down, the connect to a closed port, and the
      // doctor's probes: of that port, and of the page's own server, which speaks HTTP only
      // (the probe aborts its fetch once the answer came: a failed request to the browser).
      expected: (p) =>
        /WebSocket connection to 'ws:\/\/127\.0\.0\.1:\d+\/(mqtt|ws)?' failed/.test(p) ||
        p === `request failed: http://127.0.0.1:${closed}/` ||
        p === `request failed: ${url}` ||
        p === "console: Failed to load resource: net::ERR_CONNECTION_REFUSED" ||
        // The worker that crashes on cue.
        /injected crash/.test(p) ||
        // The driver missing under /no-driver/.
        p === "console: Failed to load resource: the server responded with a status of 404 (Not Found)" ||
        p === `HTTP 404: ${url}no-driver/client/driver.js` ||
        p === `request failed: ${url}no-driver/client/driver.js`,
    });
  } finally {
    server.close();
    far.close();
  }
}

/** A user's TypeScript module: what the declarations must accept, and, each marked
 *  `@ts-expect-error`, what they must refuse (tsc fails when such a line compiles). */
const USER_TS = `
import { connect, Client, ConnectError, ConnectionError, MqttError, PublishError, SubscribeError, UsageError } from "mqttscope";
import type { Message, SubscribeResult, Diagnosis, DiagnoseOptions, Setting } from "mqttscope";

const client = await connect("ws://127.0.0.1:9001", {
  version: 5, clientId: "dash", username: "u", password: "p", keepAlive: 30, cleanStart: false,
  sessionExpiry: 3600, reconnect: { initialDelay: 500 }, maxInFlight: 100, maxQueued: 5000,
  will: { topic: "w", payload: "bye", qos: 1, retain: true, properties: { willDelayInterval: 5, contentType: "text/plain" } },
});
client.on("message", (m: Message) => {
  const topic: string = m.topic;
  const bytes: Uint8Array = m.payload;
  const text: string = m.text();
  const value: unknown = m.json();
  const qos: 0 | 1 | 2 = m.qos;
  const ct: string | undefined = m.properties.contentType;
});
client.on("close", async (e) => {
  const why: ConnectionError | null = e.error;
  const again: boolean = e.reconnecting;
  if (why) {
    const options: DiagnoseOptions = { probe: why.ending === "handshake" };
    const d: Diagnosis = await why.diagnose(options);
    const first = d.actions[0];
    const fix: Setting | undefined = first?.kind === "edit" ? first.setting : undefined;
    const where: string | null = why.url;
    const level: 3 | 4 | 5 | null = why.version;
    const text: string = d.text;
  }
});
client.on("packet", (p) => {
  const dir: "sent" | "received" = p.direction;
  const bytes: Uint8Array = p.bytes;
});
const results: SubscribeResult[] = await client.subscribe(["a/#", "b"], { qos: 1, noLocal: true });
const granted: 0 | 1 | 2 | null = results[0]!.qos;
for await (const m of client.messages("a/+")) {
  const t: string = m.text();
  break;
}
const code: number = await client.publish("a/b", new Uint8Array([1]), { qos: 2, retain: true, properties: { contentType: "x" } });
const later = new Client("ws://127.0.0.1:9001", { worker: false });
await later.connect();
try {
  await client.publish("a/+", "x");
} catch (e) {
  if (e instanceof ConnectError) {
    const rc: number | null = e.reasonCode;
  } else if (e instanceof PublishError) {
    const lost: "sent" | "received" | null = e.lost;
  } else if (e instanceof SubscribeError) {
    const all: SubscribeResult[] = e.results;
  } else if (e instanceof UsageError) {
    const field: string | null = e.field;
  } else if (e instanceof MqttError) {
    const rule: string | null = e.rule;
    const hint: string = e.explain();
    const maybe: Diagnosis | null = await e.diagnose();
    // @ts-expect-error only a ConnectionError's diagnosis is sure to exist
    const sure: Diagnosis = await e.diagnose();
    // @ts-expect-error the option is probe
    await e.diagnose({ probes: true });
  }
}
await client.end();
// @ts-expect-error QoS 3 does not exist
await client.publish("t", "x", { qos: 3 });
// @ts-expect-error there is no MQTT version 6
await connect("ws://x", { version: 6 });
// @ts-expect-error no such event
client.on("connected", () => {});
// @ts-expect-error a payload is text or bytes, not a number
await client.publish("t", 7);
// @ts-expect-error a will has no Topic Alias
await connect("ws://x", { will: { topic: "w", properties: { topicAlias: 1 } } });
// @ts-expect-error a message's payload is bytes, not text
const notText: string = (null as unknown as Message).payload;
export { granted, code, notText };
`;

async function main() {
  const pkg = process.argv[2];
  if (!pkg) throw new Error("usage: node tests/npm/client.mjs <package folder, e.g. pkg>");
  const dir = install(pkg, "client");
  const brokerDir = mkdtempSync(join(tmpdir(), "mqttscope-npm-broker-"));
  let broker = null;
  let peer = null;
  // Whatever ends this process (an exception thrown in an event handler included), the
  // broker it started does not outlive it.
  process.on("exit", () => broker?.proc?.kill());
  try {
    let failed = typeCheck(dir, USER_TS, ["es2022", "dom"]);
    broker = await brokerWithPasswords(brokerDir);
    peer = await startPeer();
    peer.elsewhere = `ws://127.0.0.1:${broker.ws}/`;
    const closed = await closedPort();
    failed += await nodeChecks(dir, broker, closed);
    failed += await browserChecks(dir, broker, peer, closed);
    console.log(failed ? `${failed} failure(s)` : "all client checks passed");
    return failed ? 1 : 0;
  } finally {
    await broker?.stop();
    await peer?.stop();
    rmSync(dir, { recursive: true, force: true });
    rmSync(brokerDir, { recursive: true, force: true });
  }
}

process.exitCode = await main().catch((e) => {
  console.error(e);
  return 1;
});
