// sandbox:// URLs in the npm package: the client connects to the sandbox broker (crates/
// sandbox, the page's own, in a SharedWorker the package starts) with no broker anywhere,
// as a dashboard or a teaching page does before it has one. Packed with `npm pack`,
// installed from the tarball into a fresh folder, imported from a plain <script
// type="module"> in headless Chromium: the simulated devices are there (the retained
// security status, the thermostat's readings, the lights obeying a command), two clients
// exchange nearly a MiB at every QoS, a publish over the broker's Maximum Packet Size is
// refused before it is sent, every tab of the site shares one sandbox, a closed tab's will
// goes out at once, MQTT.js's calling conventions (mqttscope/compat) work the same, no
// WebSocket is opened, and the sandbox's files are fetched only for a sandbox:// URL. A
// sandbox worker that cannot start fails connect() with a ConnectionError saying why; in
// node, a sandbox:// URL is refused with a UsageError. Each client check runs with the
// core in its Worker and on the page.
//
//   node tests/npm/sandbox.mjs pkg
//
// `cargo xtask test` runs it in the `npm` tier. CHROMIUM overrides the browser.

import assert from "node:assert/strict";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { address, install, PAGE_HELPERS, runChecks, serve, throwsLike } from "./common.mjs";

/** Nearly a MiB: the most the sandbox broker's Maximum Packet Size (1 MiB) lets through
 *  with the PUBLISH's header. */
const BIG = (1 << 20) - 1024;

const PAGE = `<!doctype html><meta charset="utf-8"><title>sandbox</title><link rel="icon" href="data:,">
<script type="module">
  import * as mqtt from "/node_modules/mqttscope/client/index.js";
  import * as compat from "/node_modules/mqttscope/compat/index.js";
  Object.assign(window, { mqtt, compat });
  ${PAGE_HELPERS}
  window.ready = true;
</script>`;

/** The checks of one mode (`worker` true or false). */
function steps(worker) {
  const mode = worker ? "worker" : "page";
  const named = (name, f) => Object.defineProperty(f, "name", { value: `${mode}: ${name}` });
  return [
    named("connects with no broker anywhere and finds the devices", async (page) => {
      const r = await page.evaluate(async (worker) => {
        const c = await mqtt.connect("sandbox://home", { worker, clientId: `devices-${worker}` });
        const status = next(c, "message", (m) => m.topic === "home/security/status");
        const reading = next(c, "message", (m) => m.topic === "home/livingroom/temperature" && !m.retain, 10000);
        const lights = next(c, "message", (m) => m.topic === "home/lights/brightness");
        const granted = await c.subscribe("home/#", { qos: 1 });
        const s = await status;
        const t = (await reading).json();
        await c.publish("home/lights/brightness/set", "42", { qos: 1 });
        const l = (await lights).json();
        await c.end();
        return { granted: granted[0].qos, retained: s.retain, state: typeof s.json().state, t: [typeof t.temperature, t.unit], l };
      }, worker);
      assert.deepEqual(r, { granted: 1, retained: true, state: "string", t: ["number", "C"], l: { brightness: 42, on: true } });
    }),
    named("two clients exchange nearly a MiB at QoS 0, 1 and 2, and a retained message", async (page) => {
      const r = await page.evaluate(async ({ worker, big }) => {
        const a = await mqtt.connect("sandbox://home", { worker, clientId: `a-${worker}` });
        const b = await mqtt.connect("sandbox://home", { worker, clientId: `b-${worker}` });
        await a.subscribe("big/#", { qos: 2 });
        const payload = new Uint8Array(big);
        for (let i = 0; i < big; i += 65536) crypto.getRandomValues(payload.subarray(i, Math.min(big, i + 65536)));
        const got = [0, 1, 2].map((q) => next(a, "message", (m) => m.topic === `big/${q}`));
        const codes = [];
        for (const qos of [0, 1, 2]) codes.push(await b.publish(`big/${qos}`, payload, { qos }));
        const want = await hex(payload);
        const hashes = await Promise.all(got.map(async (m) => { const x = await m; return [x.qos, x.payload.length, (await hex(x.payload)) === want]; }));
        await b.publish(`kept/${worker}`, "still here", { qos: 1, retain: true });
        const c = await mqtt.connect("sandbox://home", { worker, clientId: `c-${worker}` });
        const kept = next(c, "message");
        await c.subscribe(`kept/${worker}`);
        const k = await kept;
        await Promise.all([a.end(), b.end(), c.end()]);
        return { codes, hashes, kept: [k.retain, k.text()] };
      }, { worker, big: BIG });
      assert.deepEqual(r, {
        codes: [0, 0, 0],
        hashes: [[0, BIG, true], [1, BIG, true], [2, BIG, true]],
        kept: [true, "still here"],
      });
    }),
    named("a publish over the broker's Maximum Packet Size is refused, and the client goes on", async (page) => {
      const r = await page.evaluate(async (worker) => {
        const c = await mqtt.connect("sandbox://home", { worker, clientId: `over-${worker}` });
        let error = null;
        try {
          await c.publish("over", new Uint8Array(2 << 20), { qos: 1 });
        } catch (e) {
          error = { name: e.name, typed: e instanceof mqtt.MqttError, message: e.message };
        }
        const after = await c.publish("over", "small", { qos: 1 });
        await c.end();
        return { error, after, max: c.connack?.properties?.maximumPacketSize ?? null };
      }, worker);
      assert.ok(r.error?.typed, `refused with a typed error: ${JSON.stringify(r.error)}`);
      assert.equal(r.error.name, "UsageError");
      assert.match(r.error.message, /exceeds the server's maximum of 1048576 \[MQTT-3\.2\.2-15\]/);
      assert.equal(r.after, 0x10, "the next publish is PUBACKed: 0x10, No matching subscribers");
    }),
  ];
}

/** The checks across tabs and entries, and what the server was asked for. */
function shared(url, requests) {
  return [
    async function a_ws_connection_fetches_nothing_of_the_sandbox(page) {
      await page.waitForFunction(() => window.ready, null, { timeout: 15000 });
      page.on("websocket", (ws) => requests.push(`websocket ${ws.url()}`));
      const name = await page.evaluate(async () => {
        try {
          await mqtt.connect("ws://127.0.0.1:9/", { reconnect: false });
        } catch (e) {
          return e.name;
        }
      });
      assert.equal(name, "ConnectionError");
      assert.deepEqual(requests.filter((r) => r.includes("/sandbox/")), []);
      requests.length = 0;
    },
    ...steps(true),
    ...steps(false),
    async function every_tab_shares_the_sandbox_and_a_closed_tabs_will_goes_out_at_once(page) {
      const watcher = await page.evaluate(async () => {
        window.watcher = await mqtt.connect("sandbox://home", { clientId: "watcher" });
        window.heard = [];
        watcher.on("message", (m) => heard.push([m.topic, m.text()]));
        await watcher.subscribe("tabs/#", { qos: 1 });
        return true;
      });
      assert.ok(watcher);
      const other = await page.context().newPage();
      await other.goto(url);
      await other.waitForFunction(() => window.ready, null, { timeout: 15000 });
      await other.evaluate(async () => {
        const c = await mqtt.connect("sandbox://home", {
          clientId: "other-tab", keepAlive: 60, will: { topic: "tabs/gone", payload: "the other tab closed", qos: 1 },
        });
        await c.publish("tabs/hello", "from the other tab", { qos: 1 });
      });
      await page.waitForFunction(() => heard.length === 1, null, { timeout: 5000 });
      const closed = Date.now();
      await other.close({ runBeforeUnload: false });
      // A keep alive of 60 s: without the tab's "bye" the broker would wait 90 s.
      await page.waitForFunction(() => heard.length === 2, null, { timeout: 10000 });
      const heard = await page.evaluate(() => heard);
      assert.deepEqual(heard, [["tabs/hello", "from the other tab"], ["tabs/gone", "the other tab closed"]]);
      assert.ok(Date.now() - closed < 10000);
      await page.evaluate(() => watcher.end());
    },
    async function mqtt_js_calling_conventions_work_the_same(page) {
      const r = await page.evaluate(async () => {
        const c = compat.connect("sandbox://home", { clientId: "compat", protocolVersion: 5 });
        await new Promise((ok, fail) => (c.once("connect", ok), c.once("error", fail)));
        const got = new Promise((ok) => c.on("message", (topic, payload, packet) => ok([topic, payload.toString(), packet.qos])));
        await c.subscribeAsync("compat/#", { qos: 1 });
        await c.publishAsync("compat/x", "hello", { qos: 1 });
        const m = await got;
        await c.endAsync();
        return m;
      });
      assert.deepEqual(r, ["compat/x", "hello", 1]);
    },
    async function clients_of_a_page_back_from_the_back_forward_cache_reconnect_at_once(page) {
      const r = await page.evaluate(async () => {
        const c = await mqtt.connect("sandbox://home", { clientId: "restored", keepAlive: 60, reconnect: { initialDelay: 100 } });
        const closed = next(c, "close", () => true, 5000);
        const back = next(c, "connect", () => true, 5000);
        // What the page says as it goes into the cache; its clients' workers would hear the
        // close when they thaw, here at once.
        dispatchEvent(new PageTransitionEvent("pagehide", { persisted: true }));
        const { error, reconnecting } = await closed;
        const t0 = performance.now();
        await back;
        const ms = performance.now() - t0;
        const code = await c.publish("restored/x", "again", { qos: 1 });
        await c.end();
        return { code: error.closeCode, reason: error.closeReason, reconnecting, fast: ms < 3000, puback: code };
      });
      assert.deepEqual(r, {
        code: 1001, reason: "the page went away: the sandbox ended its connections", reconnecting: true, fast: true, puback: 0x10,
      }, "closed at once (not after a 90 s keep-alive) and connected again");
    },
    async function no_websocket_was_opened_and_the_sandbox_was_fetched_once_needed(page) {
      assert.deepEqual(requests.filter((r) => r.startsWith("websocket")), []);
      for (const file of ["sandbox/index.js", "sandbox/sandbox-worker.js", "sandbox/sandbox-hub.js", "sandbox/wasm/mqttscope-sandbox_bg.wasm"]) {
        assert.ok(requests.includes(`/node_modules/mqttscope/${file}`), `${file} fetched: ${JSON.stringify(requests)}`);
      }
    },
  ];
}

/** A site whose sandbox worker cannot be fetched: connect() fails, saying so. */
async function brokenSandbox(dir) {
  const server = await serve(dir, (path) => {
    if (path === "/") return PAGE;
    if (path.endsWith("/sandbox/sandbox-worker.js")) throw new Error("not here");
    return undefined;
  });
  return {
    url: address(server),
    close: () => server.close(),
  };
}

async function browserChecks(dir) {
  const { runSteps } = await import("../e2e/harness.mjs");
  const requests = [];
  const server = await serve(dir, (path) => {
    requests.push(path);
    return path === "/" ? PAGE : undefined;
  });
  const broken = await brokenSandbox(dir);
  const url = address(server);
  const cannotStart = async function a_sandbox_worker_that_cannot_start_fails_connect(page) {
    const tab = await page.context().newPage();
    await tab.goto(broken.url);
    await tab.waitForFunction(() => window.ready, null, { timeout: 15000 });
    const r = await tab.evaluate(async () => {
      const out = [];
      for (const worker of [true, false]) {
        try {
          await mqtt.connect("sandbox://home", { worker });
          out.push("resolved");
        } catch (e) {
          out.push([e.name, e.ending, /sandbox/.test(e.message)]);
        }
      }
      return out;
    });
    await tab.close();
    assert.deepEqual(r, [["ConnectionError", "handshake", true], ["ConnectionError", "handshake", true]]);
  };
  try {
    return await runSteps({ url, steps: [...shared(url, requests), cannotStart] });
  } finally {
    server.close();
    broken.close();
  }
}

async function nodeChecks(dir) {
  const m = await import(pathToFileURL(join(dir, "node_modules", "mqttscope", "client", "index.node.js")));
  return runChecks("node", {
    "a sandbox:// URL is refused with a UsageError": () =>
      throwsLike(() => m.connect("sandbox://home"), m.UsageError, { field: "url" }),
  });
}

async function main() {
  const pkg = process.argv[2];
  if (!pkg) throw new Error("usage: node tests/npm/sandbox.mjs <package folder, e.g. pkg>");
  const dir = install(pkg, "sandbox");
  try {
    let failed = await nodeChecks(dir);
    failed += await browserChecks(dir);
    console.log(failed ? `${failed} failure(s)` : "all sandbox checks passed");
    return failed ? 1 : 0;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

process.exitCode = await main().catch((e) => {
  console.error(e);
  return 1;
});
