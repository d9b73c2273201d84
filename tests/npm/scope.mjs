// `<mqtt-scope>` from `mqttscope/elements`: the whole app inside a dashboard's page, as a
// user embeds it: the package packed and installed from its tarball, its elements imported
// by a plain module script, in headless Chromium against a real mosquitto on loopback.
//
//   node tests/npm/scope.mjs pkg
//
// The element's attributes preset the connection: the embedded app connects at once,
// subscribes, and shows what mosquitto_pub published (retained, so before the page
// existed); it saves nothing in the origin's storage; changing an attribute loads it again
// with the new preset; its height follows a custom property; removing the element ends the
// app and its connection.
//
// `cargo xtask test` runs it in the `npm` tier.

import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { assert, exitWith, runSteps } from "../e2e/harness.mjs";
import { Broker, sleep } from "../e2e/mosquitto.mjs";
import { address, install, serve } from "./common.mjs";

/** The dashboard: the elements imported by path, one <mqtt-scope> with a preset. */
const page = (ws) => `<!doctype html><meta charset="utf-8"><title>dashboard</title><link rel="icon" href="data:,">
<style>mqtt-scope { --mqtt-scope-height: 720px; }</style>
<h1>Plant dashboard</h1>
<mqtt-scope url="ws://127.0.0.1:${ws}/" version="3.1.1" name="Plant broker" subscribe="plant/#@1"></mqtt-scope>
<script type="module">
  import "/node_modules/mqttscope/elements/index.js";
  window.ready = true;
</script>`;

/** The embedded app's frame (the one whose address is the package's app). */
async function appFrame(page) {
  for (let i = 0; i < 100; i++) {
    const frame = page.frames().find((f) => f.url().includes("/mqttscope/app/index.html#embed="));
    if (frame && (await frame.$('[data-testid="conn-status"]'))) return frame;
    await sleep(100);
  }
  throw new Error(`no app frame: ${page.frames().map((f) => f.url())}`);
}

/** Waits until `f` is true in `frame`. */
async function until(frame, f, arg, what) {
  await frame.waitForFunction(f, arg, { timeout: 20000 }).catch(() => {
    throw new Error(`timed out waiting for ${what}`);
  });
}

/** What the app lists: "topic payload" per message. */
const listed = (frame) =>
  frame.$$eval('[data-testid="msg-topic"]', (els) =>
    els.map((e) => `${e.textContent} ${e.parentElement.querySelector('[data-testid="msg-payload"]').textContent}`),
  );

function steps(broker) {
  const publish = (topic, payload) =>
    execFileSync("mosquitto_pub", ["-h", "127.0.0.1", "-p", String(broker.tcp), "-t", topic, "-m", payload, "-r", "-q", "1"]);
  return [
    async function theAppConnectsToThePresetBroker(page) {
      await page.waitForFunction(() => window.ready, null, { timeout: 15000 });
      const frame = await appFrame(page);
      await until(frame, () => document.querySelector('[data-testid="conn-status"]')?.textContent.includes("connected"), null, "the connection");
      const status = await frame.textContent('[data-testid="conn-status"]');
      assert(status.includes("MQTT 3.1.1"), `the version attribute: ${status}`);
      const names = await frame.$$eval(".conn-name", (els) => els.map((e) => e.textContent));
      assert(names.some((n) => n.includes("Plant broker")), `the name attribute: ${names}`);
      await until(frame, () => document.querySelector('[data-testid="sub-status"]')?.textContent.includes("granted QoS 1"), null, "the preset subscription's SUBACK");
    },

    async function retainedAndLiveMessagesShow(page) {
      const frame = await appFrame(page);
      await until(frame, () => [...document.querySelectorAll('[data-testid="msg-topic"]')].some((e) => e.textContent === "plant/boiler"), null, "the retained message");
      publish("plant/pump", "<img src=x onerror=window.pwned=1>");
      await until(frame, () => [...document.querySelectorAll('[data-testid="msg-topic"]')].some((e) => e.textContent === "plant/pump"), null, "the live message");
      const rows = await listed(frame);
      assert(rows.includes("plant/boiler 71.5") && rows.includes("plant/pump <img src=x onerror=window.pwned=1>"), `rows: ${rows}`);
      assert((await frame.evaluate(() => window.pwned)) === undefined && (await frame.$$('[data-testid="messages"] img')).length === 0, "a payload ran as HTML");
      await page.screenshot({ path: join("test-artifacts", "elements-scope.png") });
    },

    async function itSavesNothingInTheOriginsStorage(page) {
      const frame = await appFrame(page);
      const keys = await frame.evaluate(() => Object.keys(localStorage));
      assert(!keys.some((k) => k.startsWith("mqttscope.connections")), `saved: ${keys}`);
      const conns = await frame.$$eval(".conn-item", (els) => els.length);
      assert(conns === 1, `only the preset connection is listed (${conns})`);
    },

    async function theHeightFollowsTheCustomProperty(page) {
      const height = await page.$eval("mqtt-scope", (e) => e.getBoundingClientRect().height);
      assert(Math.abs(height - 722) <= 2, `height ${height}`); // 720 px and its 1 px borders
    },

    async function anAttributeChangeLoadsTheAppAgain(page) {
      await page.$eval("mqtt-scope", (e) => e.setAttribute("subscribe", "plant/boiler@0"));
      await sleep(300);
      const frame = await appFrame(page);
      await until(frame, () => document.querySelector('[data-testid="sub-status"]')?.textContent.includes("granted QoS 0"), null, "the new subscription");
      // The retained message comes after the SUBACK.
      await until(frame, () => document.querySelectorAll('[data-testid="msg-topic"]').length > 0, null, "the retained message");
      await sleep(300);
      const rows = await listed(frame);
      assert(rows.length === 1 && rows[0] === "plant/boiler 71.5", `only the new filter's retained message: ${rows}`);
      const frames = await page.$eval("mqtt-scope", (e) => e.shadowRoot.querySelectorAll("iframe").length);
      assert(frames === 1, `${frames} frames`);
    },

    async function removingTheElementEndsTheApp(page) {
      await page.$eval("mqtt-scope", (e) => e.remove());
      await sleep(300);
      const left = page.frames().filter((f) => f.url().includes("/app/index.html"));
      assert(left.length === 0, `frames left: ${left.map((f) => f.url())}`);
    },
  ];
}

async function main() {
  const pkg = process.argv[2];
  if (!pkg) throw new Error("usage: node tests/npm/scope.mjs <package folder, e.g. pkg>");
  const dir = install(pkg, "scope");
  const brokerDir = mkdtempSync(join(tmpdir(), "mqttscope-npm-scope-broker-"));
  const broker = await Broker.onFreePorts(brokerDir);
  process.on("exit", () => broker.proc?.kill());
  await broker.start();
  const server = await serve(dir, (path) => (path === "/" ? page(broker.ws) : undefined));
  try {
    execFileSync("mosquitto_pub", ["-h", "127.0.0.1", "-p", String(broker.tcp), "-t", "plant/boiler", "-m", "71.5", "-r"]);
    return await runSteps({ url: address(server), steps: steps(broker) });
  } finally {
    server.close();
    await broker.stop();
    rmSync(dir, { recursive: true, force: true });
    rmSync(brokerDir, { recursive: true, force: true });
  }
}

await exitWith(main);
