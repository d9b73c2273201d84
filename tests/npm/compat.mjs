// `mqttscope/compat` (the client behind MQTT.js's API) used as a user would: packed,
// installed from its tarball, and run in headless Chromium beside MQTT.js 5.10.1 itself (its
// browser bundle, from the test brokers' npm packages), against a real mosquitto on loopback.
//
// The centrepiece is a dashboard written for MQTT.js (DASHBOARD) that runs unchanged twice
// per protocol version, once with an import map sending "mqtt" to MQTT.js and once to
// mqttscope/compat: both must see the same things in the same order, and mosquitto_sub must
// get the same alert from both. The other browser checks run a snippet against both libraries
// on one page where they behave alike, and against compat alone where it differs on purpose
// (typed errors, refused options). In node it runs with the `ws` package's WebSocket, given or
// found. A strict TypeScript module checks the declarations.
//
//   node tests/npm/compat.mjs pkg
//
// `cargo xtask test` runs it in the `npm` tier. CHROMIUM overrides the browser, MOSQUITTO the broker.

import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { address, brokerWithPasswords, install, packetsOf, runChecks, serve, typeCheck } from "./common.mjs";
import { packet } from "../e2e/hostile.mjs";
import { sleep } from "../e2e/mosquitto.mjs";
import WebSocket, { WebSocketServer } from "../e2e/node_modules/ws/wrapper.mjs";

const MQTTJS = fileURLToPath(new URL("../../crates/cli/tests/brokers/node_modules/mqtt/dist/mqtt.esm.js", import.meta.url));
const WS_PACKAGE = fileURLToPath(new URL("../e2e/node_modules/ws", import.meta.url));

/**
 * A scripted MQTT peer on loopback that refuses every filter starting with "no/" (0x80 in
 * 3.1.1, 0x87 Not authorized in 5) and grants the others QoS 1: mosquitto 2.0 grants every
 * subscription (its ACL only filters what it delivers). It never answers a PUBLISH. On a
 * PUBLISH to drop/ it drops the connection (no close frame); on one to refuse-next/ too,
 * and then refuses that client id's next CONNECT (3.1.1 only: return code 5). `published`
 * lists each PUBLISH's connection number and topic.
 */
async function startRefuser() {
  const wss = new WebSocketServer({ host: "127.0.0.1", port: 0, handleProtocols: () => "mqtt" });
  await new Promise((ok) => wss.once("listening", ok));
  const refuseNext = new Set();
  const published = [];
  let connections = 0;
  wss.on("connection", (ws) => {
    let v5 = false;
    let clientId = "";
    const connection = ++connections;
    ws.on("message", packetsOf((p) => answer(p)));
    const answer = (p) => {
      const type = p[0] >> 4;
      const at = p[1] & 0x80 ? (p[2] & 0x80 ? 4 : 3) : 2;
      if (type === 1) {
        v5 = p[at + 6] === 5;
        clientId = v5 ? "" : p.subarray(at + 12, at + 12 + p.readUInt16BE(at + 10)).toString();
        if (refuseNext.delete(clientId)) return ws.send(Buffer.from([0x20, 0x02, 0, 5]));
        ws.send(Buffer.from(v5 ? [0x20, 0x03, 0, 0, 0] : [0x20, 0x02, 0, 0]));
      } else if (type === 8) {
        let i = at + 2 + (v5 ? 1 + p[at + 2] : 0); // one-byte property length: none are sent here
        const codes = [];
        while (i < p.length) {
          const n = p.readUInt16BE(i);
          codes.push(p.subarray(i + 2, i + 2 + n).toString().startsWith("no/") ? (v5 ? 0x87 : 0x80) : 1);
          i += 3 + n;
        }
        ws.send(packet(0x90, Buffer.concat([p.subarray(at, at + 2), Buffer.from(v5 ? [0] : []), Buffer.from(codes)])));
      } else if (type === 3) {
        const topic = p.subarray(at + 2, at + 2 + p.readUInt16BE(at)).toString();
        published.push(`${connection} ${topic}`);
        if (topic.startsWith("refuse-next/")) refuseNext.add(clientId);
        if (topic.startsWith("drop/") || topic.startsWith("refuse-next/")) ws.terminate();
      } else if (type === 12) {
        ws.send(Buffer.from([0xd0, 0]));
      } else if (type === 14) {
        ws.close();
      }
    };
  });
  return { url: `ws://127.0.0.1:${wss.address().port}/`, published, stop: () => new Promise((ok) => wss.close(ok)) };
}

/**
 * A dashboard written for MQTT.js, run unchanged with either library: it subscribes (with a
 * callback) to its sensors and a retained status, parses JSON payloads, publishes an alert at
 * QoS 1 with a callback when a reading is hot, then ends. Everything it sees goes to `log`.
 */
const DASHBOARD = `import mqtt from "mqtt";
const params = new URLSearchParams(location.search);
const base = params.get("base");
const log = (window.log = []);
const client = mqtt.connect(params.get("broker"), { protocolVersion: Number(params.get("version")), clientId: "dash-" + base, keepalive: 30 });
client.on("connect", (connack) => {
  log.push(["connect", connack.cmd, connack.sessionPresent, connack.returnCode ?? connack.reasonCode, client.connected, connack.length]);
  client.subscribe([base + "/sensors/+", base + "/status"], { qos: 1 }, (err, granted) => {
    log.push(["subscribed", err, granted]);
  });
});
client.on("message", (topic, payload, packet) => {
  const text = payload.toString();
  let value;
  try { value = JSON.parse(text); } catch { value = text; }
  log.push(["message", topic, value, packet.cmd, packet.qos, packet.retain, payload instanceof Uint8Array, payload.length, packet.messageId, packet.length]);
  if (topic.endsWith("/sensors/temp") && value.celsius > 20) {
    client.publish(base + "/alerts", JSON.stringify({ alert: "hot", celsius: value.celsius }), { qos: 1 }, (err, packet) => {
      log.push(["published", err, packet.cmd, packet.topic, packet.qos]);
      client.end(() => {
        log.push(["end callback", client.connected, client.disconnected]);
        window.done = true;
      });
    });
  }
});
client.on("close", () => log.push(["close"]));
client.on("end", () => log.push(["end"]));
client.on("error", (e) => log.push(["error", e.message]));
`;

/** A page where "mqtt" is `lib`'s, running DASHBOARD. */
const dashboardPage = (lib) => `<!doctype html><meta charset="utf-8"><title>dashboard</title><link rel="icon" href="data:,">
<script type="importmap">{ "imports": { "mqtt": "${lib}" } }</script>
<script type="module" src="/dashboard.js"></script>`;

const LIBS = { mqttjs: "/mqttjs/mqtt.esm.js", compat: "/node_modules/mqttscope/compat/index.js" };

/** The page of the other checks: both libraries, and helpers the steps call. */
const PAGE = `<!doctype html><meta charset="utf-8"><title>compat</title><link rel="icon" href="data:,">
<script type="module">
  import compat, * as named from "/node_modules/mqttscope/compat/index.js";
  import mqttjs from "/mqttjs/mqtt.esm.js";
  window.libs = { compat, mqttjs };
  window.named = named;
  /** Resolves with what \`start(callback)\` calls back, as an array of its arguments. */
  window.back = (start) => new Promise((ok) => start((...args) => ok(args)));
  /** A rejection's or an error's class, code, reason code and field, or "resolved". */
  window.shape = (e) => e === null || e === undefined ? e : ({ name: e.constructor.name, message: e.message, code: e.code ?? null,
    reasonCode: e.reasonCode ?? null, field: e.field ?? null, typed: e instanceof named.MqttError, explain: typeof e.explain === "function" });
  window.failure = (p) => p.then(() => "resolved", shape);
  window.ready = true;
</script>`;

/** The test server's routes besides the package's files. */
function routes(path) {
  if (path === "/") return PAGE;
  if (path === "/dashboard.js") return DASHBOARD;
  if (path === "/mqttjs/mqtt.esm.js") return readFileSync(MQTTJS);
  const lib = path.match(/^\/dashboard-(mqttjs|compat)\.html$/)?.[1];
  return lib ? dashboardPage(LIBS[lib]) : undefined;
}

/** mosquitto_sub for one message on `topic`; `done` resolves with its output line. */
function subscribeOne(broker, topic) {
  const p = spawn("mosquitto_sub", ["-h", "127.0.0.1", "-p", String(broker.tcp), "-t", topic, "-C", "1", "-v", "-W", "20"]);
  let out = "";
  p.stdout.on("data", (d) => (out += d));
  // "close", not "exit": at exit its output may not all have been read yet.
  const done = new Promise((ok, fail) => p.once("close", (code) => (code === 0 ? ok(out.trim()) : fail(new Error(`mosquitto_sub exited ${code}`)))));
  return { done, ready: sleep(1000) };
}

/** Runs DASHBOARD with `lib` and `version`; returns its log and what mosquitto_sub got. */
async function runDashboard(page, origin, broker, lib, version) {
  const base = `dash${version}`;
  const alerts = subscribeOne(broker, `${base}/alerts`);
  await alerts.ready;
  const query = new URLSearchParams({ broker: `ws://127.0.0.1:${broker.ws}/`, version, base });
  await page.goto(`${origin}dashboard-${lib}.html?${query}`);
  await page.waitForFunction(() => window.log?.some(([e]) => e === "subscribed"), null, { timeout: 15000 });
  broker.pub(["-t", `${base}/sensors/temp`, "-m", '{"celsius":21.5}', "-q", "1"]);
  await page.waitForFunction(() => window.done, null, { timeout: 15000 });
  await sleep(300); // anything after the end callback would show up in the log
  const log = await page.evaluate(() => JSON.stringify(window.log));
  return { log: JSON.parse(log), alert: await alerts.done };
}

/** What DASHBOARD must log in `version`, with either library; `connackLength` is the
 *  CONNACK's Remaining Length, which in MQTT 5 depends on the properties mosquitto sends. */
function expectedLog(version, connackLength) {
  const base = `dash${version}`;
  const options = version === 5 ? { nl: false, rap: false, rh: 0 } : {};
  // A PUBLISH's Remaining Length: topic and its length, packet identifier, (MQTT 5) an empty
  // property list, payload.
  const length = (topic, payload) => 2 + topic.length + 2 + (version === 5 ? 1 : 0) + payload.length;
  return [
    ["connect", "connack", false, 0, true, connackLength],
    ["subscribed", null, [{ topic: `${base}/sensors/+`, qos: 1, ...options }, { topic: `${base}/status`, qos: 1, ...options }]],
    ["message", `${base}/status`, "online", "publish", 1, true, true, 6, 1, length(`${base}/status`, "online")],
    ["message", `${base}/sensors/temp`, { celsius: 21.5 }, "publish", 1, false, true, 16, 2, length(`${base}/sensors/temp`, '{"celsius":21.5}')],
    ["published", null, "publish", `${base}/alerts`, 1],
    ["close"],
    ["end"],
    ["end callback", false, true],
  ];
}

/** The dashboard steps: for 3.1.1 and 5, MQTT.js then compat, the same log and alert. */
function dashboardSteps(broker, origin) {
  return [4, 5].map((version) =>
    Object.defineProperty(async (page) => {
      broker.pub(["-t", `dash${version}/status`, "-m", "online", "-q", "1", "-r"]);
      const mqttjs = await runDashboard(page, origin, broker, "mqttjs", version);
      const compat = await runDashboard(page, origin, broker, "compat", version);
      const connackLength = version === 5 ? mqttjs.log[0][5] : 2;
      if (version === 5) assert.ok(connackLength > 2, `MQTT 5 CONNACK with properties: ${connackLength}`);
      assert.deepEqual(mqttjs.log, expectedLog(version, connackLength), "MQTT.js's log is as expected");
      assert.deepEqual(compat.log, mqttjs.log, "compat's log is MQTT.js's");
      assert.equal(mqttjs.alert, `dash${version}/alerts {"alert":"hot","celsius":21.5}`);
      assert.equal(compat.alert, mqttjs.alert);
      await page.goto(origin);
      await page.waitForFunction(() => window.ready, null, { timeout: 15000 });
    }, "name", { value: `a dashboard written for MQTT.js runs unchanged on mqttscope/compat (protocolVersion ${version})` }),
  );
}

const named = (name, f) => Object.defineProperty(f, "name", { value: name });

/** Checks on the page with both libraries, against `broker` (ws) and its ACL, and `refuser`. */
function pageSteps(broker, refuser) {
  const url = `ws://127.0.0.1:${broker.ws}/`;
  return [
    named("page loads both libraries", async (page) => {
      await page.waitForFunction(() => window.ready, null, { timeout: 15000 });
    }),
    named("packetsend and packetreceive name packets as MQTT.js does", async (page) => {
      const r = await page.evaluate(async (url) => {
        const out = {};
        for (const [name, lib] of Object.entries(libs)) {
          const c = await lib.connectAsync(url, { protocolVersion: 5 });
          const seen = [];
          // compat hears the client's packets only while someone listens (they cross from its worker).
          const heard = () => c.inner?.listeners.has("packet");
          if (name === "compat") out.heard = [heard()];
          const send = (p) => p.cmd !== "pingreq" && seen.push(`send ${p.cmd}`);
          c.on("packetsend", send);
          c.once("packetreceive", () => {});
          c.on("packetreceive", (p) => p.cmd !== "pingresp" && seen.push(`receive ${p.cmd}`));
          if (name === "compat") out.heard.push(heard());
          await c.subscribeAsync("pk/" + name, { qos: 2 });
          await c.publishAsync("pk/none", "1", { qos: 1 });
          await c.publishAsync("pk/none", "2", { qos: 2 });
          await c.unsubscribeAsync("pk/" + name);
          if (name === "compat") {
            c.off("packetsend", send);
            out.heard.push(heard());
            c.removeAllListeners("packetreceive");
            out.heard.push(heard());
          }
          await c.endAsync();
          out[name] = seen;
        }
        return out;
      }, url);
      assert.deepEqual(r.mqttjs, ["send subscribe", "receive suback", "send publish", "receive puback", "send publish", "receive pubrec",
        "send pubrel", "receive pubcomp", "send unsubscribe", "receive unsuback", "send disconnect"]);
      // compat's listeners were gone before its DISCONNECT.
      assert.deepEqual(r.compat, r.mqttjs.slice(0, -1));
      assert.deepEqual(r.heard, [false, true, true, false], "compat hears packets only while 'packetsend' or 'packetreceive' has a listener");
    }),
    named("a refused connection: 'error' with code, connectAsync rejects, as MQTT.js", async (page) => {
      const r = await page.evaluate(async (url) => {
        const out = {};
        for (const [name, lib] of Object.entries(libs)) {
          for (const v of [4, 5]) {
            const e = await lib.connectAsync(url, { protocolVersion: v, username: "user", password: "wrong", reconnectPeriod: 0 }).then(() => null, (e) => e);
            out[`${name}${v}`] = shape(e);
          }
        }
        return out;
      }, url);
      // mosquitto 2.0 answers a wrong password with Not authorized (5 in 3.1.1, 0x87 in 5).
      assert.deepEqual([r.mqttjs4.code, r.mqttjs5.code], [5, 0x87]);
      assert.deepEqual([r.compat4.code, r.compat5.code], [5, 0x87]);
      assert.deepEqual([r.compat5.name, r.compat5.typed, r.compat5.reasonCode, r.compat5.explain], ["ConnectError", true, 0x87, true]);
    }),
    named("a refused subscription: granted qos 128 in 3.1.1, err.code, by callback and promise", async (page) => {
      const r = await page.evaluate(async (url) => {
        const out = {};
        for (const [name, lib] of Object.entries(libs)) {
          for (const v of [4, 5]) {
            const c = await lib.connectAsync(url, { protocolVersion: v, reconnectPeriod: 0 });
            const [err, granted] = await back((cb) => c.subscribe(["ok/1", "no/x"], { qos: 1 }, cb));
            out[`${name}${v}`] = { err: shape(err), granted, promised: await failure(c.subscribeAsync("no/y")) };
            await c.endAsync();
          }
        }
        return out;
      }, refuser.url);
      const v5 = { nl: false, rap: false, rh: 0 };
      // MQTT.js 5.10.1 documents 128 for a refused filter, but when SUBACK refused any it
      // calls back with the QoS asked for; compat gives what SUBACK said, as documented.
      assert.deepEqual(r.mqttjs4.granted, [{ topic: "ok/1", qos: 1 }, { topic: "no/x", qos: 1 }]);
      assert.deepEqual([r.mqttjs4.err.code, r.mqttjs5.err.code, r.mqttjs4.promised.code, r.mqttjs5.promised.code], [128, 0x87, 128, 0x87]);
      assert.deepEqual(r.compat4.granted, [{ topic: "ok/1", qos: 1 }, { topic: "no/x", qos: 128 }]);
      assert.deepEqual(r.compat5.granted, [{ topic: "ok/1", qos: 1, ...v5 }, { topic: "no/x", qos: 0x87, ...v5 }]);
      for (const v of [4, 5]) {
        const c = r[`compat${v}`];
        assert.deepEqual([c.err.name, c.err.code, c.err.reasonCode, c.err.typed], ["SubscribeError", v === 5 ? 0x87 : 128, v === 5 ? 0x87 : 128, true]);
        assert.deepEqual([c.promised.name, c.promised.code], ["SubscribeError", v === 5 ? 0x87 : 128]);
      }
    }),
    named("a refused publish: err.code by callback and promise, as MQTT.js", async (page) => {
      const r = await page.evaluate(async (url) => {
        const out = {};
        for (const [name, lib] of Object.entries(libs)) {
          const c = await lib.connectAsync(url, { protocolVersion: 5 });
          const [err] = await back((cb) => c.publish("forbidden/a", "x", { qos: 1 }, cb));
          out[name] = { err: shape(err), promised: await failure(c.publishAsync("forbidden/b", "x", { qos: 2 })) };
          await c.endAsync();
        }
        const c = await libs.compat.connectAsync(url, { protocolVersion: 5 });
        out.wildcard = shape((await back((cb) => c.publish("a/+", "x", cb)))[0]);
        out.wildcardPromise = await failure(c.publishAsync("a/#", "x", { qos: 1 }));
        await c.endAsync();
        return out;
      }, url);
      assert.equal(r.mqttjs.err.code, 0x87);
      assert.equal(r.mqttjs.promised.code, 0x87);
      assert.deepEqual([r.compat.err.name, r.compat.err.code, r.compat.err.reasonCode, r.compat.err.typed], ["PublishError", 0x87, 0x87, true]);
      assert.deepEqual([r.compat.promised.name, r.compat.promised.code], ["PublishError", 0x87]);
      assert.deepEqual([r.wildcard.name, r.wildcard.typed], ["UsageError", true]);
      assert.equal(r.wildcardPromise.name, "UsageError");
    }),
    named("reconnects after mosquitto restarts: offline, close, reconnect, connect, resubscribed", async (page) => {
      await page.evaluate(async (url) => {
        window.again = {};
        for (const [name, lib] of Object.entries(libs)) {
          const c = await lib.connectAsync(url, { protocolVersion: 4, reconnectPeriod: 200 });
          await c.subscribeAsync("again/#", { qos: 1 });
          const events = [];
          for (const e of ["close", "offline", "reconnect", "connect", "error", "end"]) c.on(e, () => events.push(e));
          window.again[name] = { c, events, back: new Promise((ok) => c.on("message", (t, p) => ok(p.toString()))) };
        }
      }, url);
      await broker.stop();
      await page.waitForFunction(() => Object.values(window.again).every((a) => a.events.includes("offline")), null, { timeout: 15000 });
      await sleep(500);
      await broker.start();
      await page.waitForFunction(() => Object.values(window.again).every((a) => a.events.at(-1) === "connect"), null, { timeout: 15000 });
      await sleep(500);
      broker.pub(["-t", "again/x", "-m", "back", "-q", "1"]);
      const r = await page.evaluate(async () => {
        const out = {};
        for (const [name, a] of Object.entries(window.again)) {
          out[name] = { text: await a.back, events: [...a.events], flags: [a.c.connected, a.c.reconnecting] };
          await a.c.endAsync();
        }
        return out;
      });
      for (const name of ["mqttjs", "compat"]) {
        const { events, text, flags } = r[name];
        // MQTT.js goes offline before its user's 'close' listeners run.
        assert.deepEqual(events.slice(0, 3), ["offline", "close", "reconnect"], `${name}: ${events}`);
        assert.equal(events.at(-1), "connect", `${name}: ${events}`);
        assert.ok(!events.includes("error") && !events.includes("end"), `${name}: ${events}`);
        assert.equal(text, "back", `${name} subscribed again`);
        assert.deepEqual(flags, [true, false]);
      }
    }),
    named("a reconnection refused (a password changed meanwhile) is tried again, as MQTT.js does", async (page) => {
      // The client entry gives up when a reconnection is refused; MQTT.js tries again
      // after every close, and so does compat, until the broker lets it in.
      await page.evaluate(async (url) => {
        window.refused = {};
        for (const [name, lib] of Object.entries(libs)) {
          const options = { protocolVersion: 5, clientId: `refused-${name}`, username: "user", password: "secret", reconnectPeriod: 300 };
          const c = await lib.connectAsync(url, options);
          const events = [];
          for (const e of ["disconnect", "offline", "close", "reconnect", "connect", "error", "end"]) {
            c.on(e, (x) => events.push(e === "error" ? `error ${x.code}` : e));
          }
          window.refused[name] = { c, events };
        }
      }, url);
      const passwords = join(broker.dir, "passwords");
      const restart = async (password) => {
        await broker.stop();
        execFileSync("mosquitto_passwd", ["-b", passwords, "user", password]);
        await broker.start();
      };
      try {
        await restart("changed");
        const refusals = () => Object.values(window.refused).every((r) => r.events.filter((e) => e.startsWith("error")).length >= 2);
        await page.waitForFunction(refusals, null, { timeout: 15000 });
      } finally {
        await restart("secret");
      }
      await page.waitForFunction(() => Object.values(window.refused).every((r) => r.events.at(-1) === "connect"), null, { timeout: 15000 });
      const r = await page.evaluate(async () => {
        const out = {};
        for (const [name, t] of Object.entries(window.refused)) {
          const sent = await t.c.publishAsync(`again/refused-${name}`, "after", { qos: 1 }).then(() => "sent", (e) => e.message);
          out[name] = { events: [...t.events], sent, flags: [t.c.connected, t.c.reconnecting] };
          await t.c.endAsync();
        }
        return out;
      });
      // How many tries fail while mosquitto restarts depends on timing (MQTT.js waits
      // reconnectPeriod, the core a jittered backoff): the shape is compared, not the count.
      for (const [name, { events }] of Object.entries(r)) {
        assert.deepEqual(events.slice(0, 3), ["offline", "close", "reconnect"], `${name}: ${events}`);
        const refusals = events.flatMap((e, i) => (e.startsWith("error") ? [[e, events[i + 1]]] : []));
        assert.ok(refusals.length >= 2, `${name}: ${events}`);
        assert.ok(refusals.every(([e, next]) => e === "error 135" && next === "close"), `${name}: ${events}`);
        assert.equal(events.at(-1), "connect", `${name}: ${events}`);
        assert.ok(!events.includes("end") && !events.includes("disconnect"), `${name}: ${events}`);
      }
      assert.deepEqual([r.compat.sent, r.compat.flags], [r.mqttjs.sent, r.mqttjs.flags]);
      assert.deepEqual([r.compat.sent, r.compat.flags], ["sent", [true, false]]);
    }),
    named("end() while offline does not wait for answers that cannot come, and nothing follows 'end'", async (page) => {
      const r = await page.evaluate(async (url) => {
        const c = await libs.compat.connectAsync(url, { protocolVersion: 4, reconnectPeriod: 200 });
        const events = [];
        for (const e of ["offline", "close", "reconnect", "connect", "end"]) c.on(e, () => events.push(e));
        const offline = new Promise((ok) => c.once("offline", ok));
        // The peer never answers a PUBLISH, and drops the connection on drop/.
        const inFlight = c.publishAsync("held/x", "x", { qos: 1 }).then(() => "resolved", (e) => e.name);
        c.publish("drop/now", "x");
        await offline;
        const ended = await new Promise((ok) => {
          events.push("end()");
          c.end(() => ok("called back"));
          setTimeout(() => ok("end() never called back"), 5000);
        });
        await new Promise((ok) => setTimeout(ok, 1000)); // the core would have reconnected by now
        return { ended, inFlight: await inFlight, events, flags: [c.connected, c.reconnecting, c.disconnected] };
      }, refuser.url);
      // As MQTT.js: the close was said when the connection went down; end() adds 'end' only.
      const after = r.events.slice(r.events.indexOf("end()") + 1);
      assert.deepEqual(after, ["end"], `no reconnection, no second close after end(): ${r.events}`);
      assert.equal(r.ended, "called back");
      assert.equal(r.inFlight, "StateError", "the publish in flight fails as the client ends");
      assert.deepEqual([r.flags[0], r.flags[2]], [false, true]);
    }),
    named("end() from a 'reconnect' listener stops the tries", async (page) => {
      const r = await page.evaluate(async () => {
        const c = libs.compat.connect("ws://127.0.0.1:1/", { reconnectPeriod: 100 });
        const events = [];
        let tries = 0;
        c.on("reconnect", () => (events.push("reconnect"), ++tries === 3 && c.end()));
        c.on("end", () => events.push("end"));
        c.on("error", () => {});
        await new Promise((ok) => setTimeout(ok, 1500));
        return { events, flags: [c.connected, c.disconnecting, c.disconnected] };
      });
      assert.deepEqual(r, { events: ["reconnect", "reconnect", "reconnect", "end"], flags: [false, true, true] });
    }),
    named("what was in flight when the client gave up is sent again on the next connection, as MQTT.js does", async (page) => {
      refuser.published.length = 0;
      const r = await page.evaluate(async (url) => {
        const c = await libs.compat.connectAsync(url, { protocolVersion: 4, clientId: "requeue", reconnectPeriod: 200 });
        const events = [];
        for (const e of ["error", "close", "reconnect", "connect"]) c.on(e, () => events.push(e));
        let answer = "none";
        // The peer never answers it: it stays in flight.
        c.publish("held/requeue", "x", { qos: 1 }, (err) => (answer = err ? err.message : "acknowledged"));
        await new Promise((ok) => setTimeout(ok, 200));
        // The peer drops the connection and refuses the reconnection: the core gives up.
        c.publish("refuse-next/now", "x");
        await new Promise((ok) => c.once("connect", ok));
        await new Promise((ok) => setTimeout(ok, 500));
        c.end(true);
        return { events, answer };
      }, refuser.url);
      const sent = refuser.published.filter((p) => p.endsWith(" held/requeue")).map((p) => p.split(" ")[0]);
      assert.equal(new Set(sent).size, 2, `sent on two connections: ${refuser.published}`);
      assert.equal(r.answer, "none", "not failed: still waiting for its PUBACK");
      assert.deepEqual(r.events.slice(0, 2), ["close", "reconnect"], `${r.events}`);
      assert.ok(r.events.includes("error") && r.events.at(-1) === "connect", `${r.events}`);
    }),
    named("reconnect() while connected ends the connection and connects again, as MQTT.js", async (page) => {
      const r = await page.evaluate(async (url) => {
        const out = {};
        for (const [name, lib] of Object.entries(libs)) {
          const c = await lib.connectAsync(url, { protocolVersion: 4 });
          const events = [];
          for (const e of ["offline", "close", "reconnect", "connect", "error", "end"]) c.on(e, () => events.push(e));
          const connected = new Promise((ok) => c.once("connect", ok));
          c.reconnect();
          await connected;
          const [err] = await back((cb) => c.publish("again/" + name, "x", { qos: 1 }, cb));
          out[name] = { events: [...events], err: err ?? null, flags: [c.connected, c.reconnecting, c.disconnecting] };
          await c.endAsync();
        }
        return out;
      }, url);
      assert.equal(r.mqttjs.events.at(-1), "connect", `MQTT.js: ${r.mqttjs.events}`);
      assert.deepEqual(r.compat, r.mqttjs);
    }),
    named("calls made before the connection wait for it; end() calls back and emits end", async (page) => {
      const r = await page.evaluate(async (url) => {
        const out = {};
        for (const [name, lib] of Object.entries(libs)) {
          const c = lib.connect(url, { protocolVersion: 4 });
          const events = [];
          for (const e of ["connect", "close", "end"]) c.on(e, () => events.push(e));
          const got = new Promise((ok) => c.on("message", (t, p) => ok([t, p.toString()])));
          const [err, granted] = await back((cb) => c.subscribe("early/" + name, { qos: 1 }, cb));
          await c.publishAsync("early/" + name, "first", { qos: 0 });
          const message = await got;
          const [endErr] = await back((cb) => c.end(cb));
          out[name] = { err, granted, message, endErr: endErr ?? null, events, flags: [c.connected, c.disconnecting, c.disconnected] };
        }
        return out;
      }, url);
      assert.deepEqual(r.mqttjs.message, ["early/mqttjs", "first"]);
      assert.deepEqual(r.mqttjs.events, ["connect", "close", "end"]);
      for (const k of ["err", "endErr", "events", "flags"]) assert.deepEqual(r.compat[k], r.mqttjs[k], k);
      assert.deepEqual(r.compat.granted, [{ topic: "early/compat", qos: 1 }]);
      assert.deepEqual(r.compat.message, ["early/compat", "first"]);
    }),
    named("connects again after end(); connectAsync without retries rejects, as MQTT.js", async (page) => {
      const r = await page.evaluate(async (url) => {
        const out = {};
        for (const [name, lib] of Object.entries(libs)) {
          const c = await lib.connectAsync(url, { protocolVersion: 4 });
          await c.endAsync();
          const again = new Promise((ok) => c.once("connect", () => ok(true)));
          c.connect();
          const connected = await again;
          const [err] = await back((cb) => c.publish("again/" + name, "x", { qos: 1 }, cb));
          await c.endAsync();
          const refused = await lib.connectAsync("ws://127.0.0.1:1/", { reconnectPeriod: 100 }, false).then(() => null, (e) => e.message);
          const queried = (() => {
            try { return Boolean(lib.connect(url + "?clientId=from-query", { clean: false, manualConnect: true })); } catch (e) { return e.message; }
          })();
          out[name] = { connected, err: err ?? null, refused, queried };
        }
        const hopeless = libs.compat.connect(url, { keepalive: 100000 });
        const events = [];
        hopeless.on("error", (e) => events.push(`error ${e.name}`));
        hopeless.on("close", () => events.push("close"));
        const [early, later] = await Promise.all([
          hopeless.subscribeAsync("x").then(() => "resolved", (e) => `${e.name} ${e.field}`),
          new Promise((ok) => setTimeout(ok, 500)).then(() => hopeless.publishAsync("x", "y", { qos: 1 })).then(() => "resolved", (e) => `${e.name} ${e.field}`),
        ]);
        out.hopeless = { early, later, events };
        return out;
      }, url);
      assert.deepEqual(r.mqttjs, { connected: true, err: null, refused: "Couldn't connect to server", queried: true });
      assert.deepEqual(r.compat, r.mqttjs);
      assert.deepEqual(r.hopeless, {
        early: "UsageError options.keepAlive", later: "UsageError options.keepAlive", events: ["error UsageError", "close"],
      }, "a client the core refused fails what waits and what comes, and says so once");
    }),
    named("connect() right after end() connects once that end is over, on one connection", async (page) => {
      const r = await page.evaluate(async (url) => {
        const c = await libs.compat.connectAsync(url, { protocolVersion: 4, clientId: "end-then-connect" });
        const events = [];
        for (const e of ["offline", "close", "reconnect", "connect", "end"]) c.on(e, () => events.push(e));
        const connected = new Promise((ok) => c.once("connect", ok));
        c.end();
        c.connect();
        await Promise.race([connected, new Promise((ok) => setTimeout(ok, 5000))]);
        // Two connections with one client id would take the session from each other.
        await new Promise((ok) => setTimeout(ok, 1000));
        const [err] = await back((cb) => c.publish("again/end-then-connect", "x", { qos: 1 }, cb));
        const out = { events: [...events], err: err?.message ?? null, flags: [c.connected, c.disconnecting, c.disconnected] };
        await c.endAsync();
        return out;
      }, url);
      assert.deepEqual(r, { events: ["close", "end", "connect"], err: null, flags: [true, false, false] });
    }),
    named("refuses what it cannot honour with a UsageError naming it", async (page) => {
      const r = await page.evaluate(async (url) => {
        const thrown = (f) => { try { f(); return "no throw"; } catch (e) { return shape(e); } };
        const idle = libs.compat.connect(url, { manualConnect: true });
        const dup = shape((await back((cb) => idle.publish("t", "x", { dup: true }, cb)))[0]);
        const emitted = new Promise((ok) => idle.once("error", ok));
        idle.publish("t", "x", { qos: 1, cbStorePut: () => {} });
        return {
          dup,
          uncalled: shape(await emitted),
          servers: thrown(() => libs.compat.connect(url, { servers: [{ host: "a", port: 1 }] })),
          typo: thrown(() => libs.compat.connect(url, { keepAlive: 5 })),
          tcp: thrown(() => named.connect("mqtt://127.0.0.1:1883")),
          store: thrown(() => libs.compat.connect(url, { outgoingStore: {} })),
          unclean: thrown(() => libs.compat.connect(url, { clean: false })),
          method: thrown(() => libs.compat.connect(url, { manualConnect: true }).getLastMessageId()),
          harmless: thrown(() => libs.compat.connect(url, { manualConnect: true, protocolId: "MQTT", writeCache: false, log: () => {} }) && undefined),
        };
      }, url);
      assert.deepEqual([r.servers.name, r.servers.field, r.servers.typed], ["UsageError", "options.servers", true]);
      assert.deepEqual([r.typo.name, r.typo.field], ["UsageError", "options.keepAlive"]);
      assert.deepEqual([r.tcp.name, r.tcp.field], ["UsageError", "url"]);
      assert.match(r.tcp.message, /WebSocket only/);
      assert.deepEqual([r.store.name, r.store.field], ["UsageError", "options.outgoingStore"]);
      assert.deepEqual([r.unclean.name, r.unclean.field], ["UsageError", "options.clientId"]);
      assert.deepEqual([r.method.name, r.method.field], ["UsageError", "getLastMessageId"]);
      assert.equal(r.harmless, "no throw");
      assert.deepEqual([r.dup.name, r.dup.field], ["UsageError", "options.dup"]);
      assert.deepEqual([r.uncalled.name, r.uncalled.field], ["UsageError", "options.cbStorePut"], "without a callback, 'error' hears it");
    }),
    named("payloads print as text and are Uint8Arrays", async (page) => {
      const r = await page.evaluate(() => {
        const p = new named.Payload(new TextEncoder().encode("héllo"));
        return [p.toString(), String(p), p.toString("hex"), p.toString("base64"), p instanceof Uint8Array, `${p}`];
      });
      assert.deepEqual(r, ["héllo", "héllo", "68c3a96c6c6f", "aMOpbGxv", true, "héllo"]);
    }),
  ];
}

/** In node: with the ws package's WebSocket given, found in node_modules, or missing. */
async function nodeChecks(dir, broker) {
  writeFileSync(join(dir, "user.mjs"), 'export { default } from "mqttscope/compat";\nexport * from "mqttscope/compat";\n');
  const m = await import(pathToFileURL(join(dir, "user.mjs")));
  const url = `ws://127.0.0.1:${broker.ws}/`;
  const roundTrip = async (options) => {
    const c = await m.default.connectAsync(url, options);
    const got = new Promise((ok) => c.on("message", (topic, payload, packet) => ok([topic, payload.toString(), Buffer.isBuffer(payload), packet.qos])));
    const granted = await c.subscribeAsync("node/#", { qos: 1 });
    await c.publishAsync("node/x", "from node", { qos: 1 });
    const message = await got;
    await c.endAsync();
    return { granted, message };
  };
  const want = { granted: [{ topic: "node/#", qos: 1, nl: false, rap: false, rh: 0 }], message: ["node/x", "from node", true, 1] };
  const checks = {
    async "connects, subscribes, publishes and receives with the ws package's WebSocket given"() {
      assert.deepEqual(await roundTrip({ protocolVersion: 5, WebSocket }), want);
    },
    async "without a WebSocket constructor anywhere, 'error' names options.WebSocket"() {
      // In a process of its own: node remembers an import that failed, and the next check
      // installs ws.
      const script = `import { connectAsync } from "mqttscope/compat";
        const e = await connectAsync(${JSON.stringify(url)}, { reconnectPeriod: 0 }).then(() => null, (e) => e);
        console.log(JSON.stringify([e?.name, e?.field]));`;
      writeFileSync(join(dir, "nows.mjs"), script);
      const out = execFileSync(process.execPath, [join(dir, "nows.mjs")], { cwd: dir, encoding: "utf8" });
      assert.deepEqual(JSON.parse(out), ["UsageError", "options.WebSocket"]);
    },
    async "finds the ws package where the application installed it"() {
      symlinkSync(WS_PACKAGE, join(dir, "node_modules", "ws"), "dir");
      assert.deepEqual(await roundTrip({ protocolVersion: 5 }), want);
    },
  };
  return runChecks("node", checks);
}

/** Every browser check, in headless Chromium through the end-to-end harness. */
async function browserChecks(dir, broker, refuser) {
  const { runSteps } = await import("../e2e/harness.mjs");
  const server = await serve(dir, routes);
  const origin = address(server);
  try {
    return await runSteps({
      url: origin,
      steps: [...pageSteps(broker, refuser), ...dashboardSteps(broker, origin)],
      // Reconnecting while mosquitto is down.
      expected: (p) => /WebSocket connection to 'ws:\/\/127\.0\.0\.1:\d+\/' failed/.test(p),
    });
  } finally {
    server.close();
  }
}

/** A user's TypeScript module against the declarations; each `@ts-expect-error` line must be
 *  refused (tsc fails when such a line compiles). */
const USER_TS = `
import mqtt, { connect, connectAsync, MqttClient, Payload, PublishError, SubscribeError, UsageError } from "mqttscope/compat";
import type { IClientOptions, ISubscriptionGrant, IPublishPacket, IConnackPacket, Packet } from "mqttscope/compat";

const options: IClientOptions = {
  protocolVersion: 5, clientId: "dash", username: "u", password: "p", keepalive: 30, clean: false, reconnectPeriod: 1000,
  connectTimeout: 5000, resubscribe: true, queueQoSZero: false, protocolId: "MQTT",
  will: { topic: "w", payload: "bye", qos: 1, retain: true, properties: { willDelayInterval: 5, userProperties: { a: "b" } } },
  properties: { sessionExpiryInterval: 60, userProperties: { k: ["v1", "v2"] } },
};
const client: MqttClient = mqtt.connect("ws://127.0.0.1:9001", options);
const other: MqttClient = connect("ws://127.0.0.1:9001");
const made = new MqttClient({ protocol: "ws", host: "127.0.0.1", port: 9001, manualConnect: true });
made.end({}, () => {});
client.on("connect", (connack: IConnackPacket) => {
  const present: boolean = connack.sessionPresent;
});
client.on("message", (topic: string, payload: Payload, packet: IPublishPacket) => {
  const text: string = payload.toString();
  const bytes: Uint8Array = payload;
  const id: number | undefined = packet.messageId;
});
client.on("packetsend", (p: Packet) => p.cmd === "publish");
client.on("error", (e) => {
  const code: number | undefined = e.code;
  const hint: string = e.explain();
});
client.subscribe({ "a/#": { qos: 1 }, b: { qos: 0, nl: true } }, (err, granted) => {
  const first: ISubscriptionGrant | undefined = granted?.[0];
  if (err instanceof SubscribeError) err.results;
});
client.subscribe("a", { qos: 2 });
client.publish("t", "x", { qos: 1, retain: true, properties: { contentType: "text/plain" } }, (err, packet) => {
  if (err instanceof PublishError) err.lost;
});
client.publish("t", new Uint8Array([1]), (err) => {});
const granted: ISubscriptionGrant[] = await client.subscribeAsync(["a", "b"]);
await client.publishAsync("t", "x");
await client.unsubscribeAsync("a");
client.end(true, () => {});
await client.endAsync();
const later: MqttClient = await connectAsync("ws://127.0.0.1:9001", { worker: false });
try { connect("mqtt://x"); } catch (e) { if (e instanceof UsageError) e.field; }
// @ts-expect-error no list of servers
connect("ws://x", { servers: [{ host: "a", port: 1 }] });
// @ts-expect-error no custom stores
connect("ws://x", { outgoingStore: {} });
// @ts-expect-error no enhanced authentication
connect("ws://x", { properties: { authenticationMethod: "SCRAM-SHA-1" } });
// @ts-expect-error QoS 3 does not exist
client.publish("t", "x", { qos: 3 });
// @ts-expect-error DUP is the core's
client.publish("t", "x", { dup: true });
// @ts-expect-error no such event
client.on("connected", () => {});
// @ts-expect-error no custom handleMessage
client.handleMessage = (packet: unknown, done: () => void) => done();
// @ts-expect-error no protocol version 6
connect("ws://x", { protocolVersion: 6 });
export { other, granted, later };
`;

/** mosquitto with a password file (`user` / `secret`, anonymous clients allowed) and an ACL
 *  that denies forbidden/# to anonymous clients and lets `user` use any topic. */
function startBroker(dir) {
  const acl = join(dir, "acl");
  writeFileSync(acl, "topic readwrite #\ntopic deny forbidden/#\nuser user\ntopic readwrite #\n");
  chmodSync(acl, 0o644);
  return brokerWithPasswords(dir, `acl_file ${acl}\n`);
}

async function main() {
  const pkg = process.argv[2];
  if (!pkg) throw new Error("usage: node tests/npm/compat.mjs <package folder, e.g. pkg>");
  const dir = install(pkg, "compat");
  const brokerDir = mkdtempSync(join(tmpdir(), "mqttscope-npm-compat-broker-"));
  let broker = null;
  let refuser = null;
  process.on("exit", () => broker?.proc?.kill());
  try {
    let failed = typeCheck(dir, USER_TS, ["es2022", "dom"]);
    broker = await startBroker(brokerDir);
    refuser = await startRefuser();
    failed += await nodeChecks(dir, broker);
    failed += await browserChecks(dir, broker, refuser);
    console.log(failed ? `${failed} failure(s)` : "all compat checks passed");
    return failed ? 1 : 0;
  } finally {
    await broker?.stop();
    await refuser?.stop();
    rmSync(dir, { recursive: true, force: true });
    rmSync(brokerDir, { recursive: true, force: true });
  }
}

process.exitCode = await main().catch((e) => {
  console.error(e);
  return 1;
});
