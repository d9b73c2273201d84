// The example dashboard (examples/smart-home) built as its author would: copied into a
// fresh folder, the packed package installed there from its tarball (with Vite and esbuild
// as the example's lock file pins them), `main.js` type-checked against the package's
// declarations, then built with Vite and with esbuild, and each build driven in headless
// Chromium against a real mosquitto on loopback: mosquitto_pub's values reach the
// dashboard's <mqtt-value>s (a retained one from before the page, a live one after), the
// slider's publish reaches mosquitto_sub, and the <mqtt-messages> panel lists the traffic.
// The Vite build then runs the same steps against mqttscope's own broker (`mqttscope
// broker`, the sandbox broker's native build), with mosquitto_pub and mosquitto_sub. Last,
// each build runs with no broker anywhere, on its default `sandbox://home` (the sandbox
// broker in a worker of the page): the simulated devices' values reach the dashboard, the
// slider's retained publish reaches a second tab (which shares the sandbox), the panel
// lists the traffic, and no WebSocket is opened.
//
//   node tests/npm/example.mjs pkg
//
// `cargo xtask test` runs it in the `npm` tier.

import { execFileSync, spawn } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { assert, exitWith, runSteps } from "../e2e/harness.mjs";
import { Broker, sleep } from "../e2e/mosquitto.mjs";
import { address, SandboxBroker, serve } from "./common.mjs";

const EXAMPLE = new URL("../../examples/smart-home/", import.meta.url).pathname;
const FILES = ["index.html", "main.js", "style.css", "package.json", "package-lock.json"];

/** The example in a fresh folder with the package from `pkg`'s tarball; returns it. */
function install(pkg) {
  const dir = mkdtempSync(join(tmpdir(), "mqttscope-example-"));
  for (const f of FILES) cpSync(join(EXAMPLE, f), join(dir, f));
  const npm = (args) => execFileSync("npm", args, { cwd: dir, encoding: "utf8" });
  const tarball = npm(["pack", "--silent", "--pack-destination", dir, resolve(pkg)]).trim().split("\n").pop();
  // The example names the repository's pkg/ folder; here it gets the tarball instead.
  const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
  manifest.dependencies.mqttscope = `file:${join(dir, tarball)}`;
  writeFileSync(join(dir, "package.json"), JSON.stringify(manifest, null, 2));
  npm(["install", "--no-audit", "--no-fund", "--prefer-offline"]);
  return dir;
}

/** `tsc --checkJs --strict` over main.js (TypeScript pinned in tests/e2e): 0 or 1. */
function typeCheck(dir) {
  const tsc = new URL("../e2e/node_modules/typescript/bin/tsc", import.meta.url).pathname;
  const args = ["--noEmit", "--strict", "--allowJs", "--checkJs", "--target", "es2022", "--module", "nodenext", "--lib", "es2022,dom,dom.iterable", "main.js"];
  try {
    execFileSync(process.execPath, [tsc, ...args], { cwd: dir, encoding: "utf8" });
    console.log("ok   types: main.js type-checks against the package's declarations");
    return 0;
  } catch (e) {
    console.log(`FAIL types: tsc says\n${e.stdout}${e.stderr}`);
    return 1;
  }
}

/** Builds the example with `how` ("vite" or "esbuild"); returns the folder to serve. */
function build(dir, how) {
  const script = how === "vite" ? "build" : "build:esbuild";
  execFileSync("npm", ["run", "--silent", script], { cwd: dir, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  return join(dir, how === "vite" ? "dist" : "out");
}

/** mosquitto_sub for one message on `topic` (`fresh`: one published from now on, not the
 *  retained one), resolving with its retain flag and payload: "1 70". */
function subscribeOnce(broker, topic, fresh) {
  const args = ["-h", "127.0.0.1", "-p", String(broker.tcp), "-t", topic, "-C", "1", "-W", "20", "-F", "%r %p", ...(fresh ? ["-R"] : [])];
  const p = spawn("mosquitto_sub", args);
  let out = "";
  p.stdout.on("data", (d) => (out += d));
  // "close", not "exit": at exit its output may not all have been read yet.
  return new Promise((ok, fail) => p.once("close", (code) => (code === 0 ? ok(out.trim()) : fail(new Error(`mosquitto_sub exited ${code}`)))));
}

/** The dashboard's steps against `broker`; `run` names the run and `earlier` counts the
 *  brightness messages earlier runs left retained (0 or 1). */
function steps(broker, run, earlier) {
  const pub = (topic, message, retain = false) =>
    execFileSync("mosquitto_pub", ["-h", "127.0.0.1", "-p", String(broker.tcp), "-t", topic, "-m", message, ...(retain ? ["-r"] : [])]);
  const shadowText = (page, id) => page.$eval(`#${id}`, (e) => e.shadowRoot.textContent.trim());
  const named = (name, f) => Object.defineProperty(f, "name", { value: `${run}: ${name}` });
  return [
    named("connects and shows the retained values", async (page) => {
      await page.waitForFunction(() => document.getElementById("status").textContent.startsWith("connected"), null, { timeout: 20000 });
      await page.waitForFunction(() => document.getElementById("security").shadowRoot.textContent.includes("armed"), null, { timeout: 10000 });
      await page.waitForFunction(() => document.getElementById("temperature").shadowRoot.textContent.includes("21.5"), null, { timeout: 10000 });
      const t = await shadowText(page, "temperature");
      assert(/^21\.5\s*°C$/.test(t), `temperature: ${t}`);
    }),
    named("a live value reaches the dashboard", async (page) => {
      pub("home/livingroom/temperature", '{"temperature": 22.04, "unit": "C", "humidity": 40}', true);
      await page.waitForFunction(() => document.getElementById("temperature").shadowRoot.textContent.includes("22.0"), null, { timeout: 10000 });
    }),
    named("the slider publishes the brightness, retained", async (page) => {
      const level = String(35 + 35 * earlier);
      const got = subscribeOnce(broker, "home/lights/brightness", true);
      await sleep(700); // mosquitto_sub says nothing when its SUBACK comes
      await page.$eval("#brightness", (s, level) => {
        s.value = level;
        s.dispatchEvent(new Event("input", { bubbles: true }));
        s.dispatchEvent(new Event("change", { bubbles: true }));
      }, level);
      const live = await got;
      assert(live === `0 ${level}`, `mosquitto_sub got "${live}"`);
      const kept = await subscribeOnce(broker, "home/lights/brightness", false);
      assert(kept === `1 ${level}`, `the retained brightness: "${kept}"`);
      assert((await page.textContent("#brightness-value")) === level, "the slider's value");
    }),
    named("the traffic panel lists the messages", async (page) => {
      await page.waitForFunction(
        () => ["home/livingroom/temperature", "home/security/status", "home/lights/brightness"].every((t) => document.getElementById("traffic").shadowRoot.textContent.includes(t)),
        null,
        { timeout: 10000 },
      );
      // Each message once, though the list's home/# overlaps the values' subscriptions and
      // the page's own (their copies carry other Subscription Identifiers, or none).
      await sleep(500);
      const topics = await page.$eval("#traffic", (e) => [...e.shadowRoot.querySelectorAll('[part~="row"] [part~="topic"]')].map((t) => t.textContent));
      const count = (t) => topics.filter((x) => x === t).length;
      // A run after another on the same broker also gets the brightness it left retained.
      const brightness = 1 + earlier;
      assert(count("home/security/status") === 1 && count("home/lights/brightness") === brightness && count("home/livingroom/temperature") === 2,
        `each message once: ${JSON.stringify(topics)}`);
      await page.screenshot({ path: join("test-artifacts", `example-${run.replace(/\W+/g, "-")}.png`), fullPage: true });
    }),
  ];
}

/** The dashboard's steps on its default broker, the sandbox (`run` names the run). */
function sandboxSteps(run) {
  const named = (name, f) => Object.defineProperty(f, "name", { value: `${run}: ${name}` });
  const sockets = [];
  const temperatures = (page) =>
    page.$eval("#traffic", (e) => [...e.shadowRoot.querySelectorAll('[part~="row"] [part~="topic"]')].filter((t) => t.textContent === "home/livingroom/temperature").length);
  return [
    named("connects to the sandbox and shows the devices' values", async (page) => {
      page.on("websocket", (ws) => sockets.push(ws.url()));
      await page.waitForFunction(() => document.getElementById("status").textContent === "connected to sandbox://home", null, { timeout: 20000 });
      await page.waitForFunction(() => document.getElementById("security").shadowRoot.textContent.includes("armed"), null, { timeout: 10000 });
      // The thermostat reports every 2 seconds, not retained.
      await page.waitForFunction(() => /^\d+\.\d\s*°C$/.test(document.getElementById("temperature").shadowRoot.textContent.trim()), null, { timeout: 10000 });
    }),
    named("the thermostat's readings keep coming", async (page) => {
      const first = await temperatures(page);
      for (let waited = 0; (await temperatures(page)) <= first; waited += 250) {
        assert(waited < 10000, `no new reading in 10 s (${first} listed)`);
        await sleep(250);
      }
    }),
    named("the slider publishes, retained, and a second tab follows", async (page) => {
      await page.$eval("#brightness", (s) => {
        s.value = "65";
        s.dispatchEvent(new Event("input", { bubbles: true }));
        s.dispatchEvent(new Event("change", { bubbles: true }));
      });
      await page.waitForFunction(() => document.getElementById("traffic").shadowRoot.textContent.includes("home/lights/brightness"), null, { timeout: 10000 });
      const other = await page.context().newPage();
      try {
        await other.goto(page.url());
        // The retained brightness, from the sandbox this tab shares with the first.
        await other.waitForFunction(() => document.getElementById("brightness-value").textContent === "65", null, { timeout: 20000 });
        assert((await other.$eval("#brightness", (s) => s.value)) === "65", "the second tab's slider");
      } finally {
        await other.close();
      }
    }),
    named("the traffic panel lists the messages, and no WebSocket was opened", async (page) => {
      const shown = await page.$eval("#traffic", (e) => e.shadowRoot.textContent);
      for (const t of ["home/security/status", "home/lights/brightness", "home/livingroom/temperature"]) assert(shown.includes(t), `${t} listed`);
      assert(sockets.length === 0, `WebSockets opened: ${JSON.stringify(sockets)}`);
      await page.screenshot({ path: join("test-artifacts", `example-${run.replace(/\W+/g, "-")}.png`), fullPage: true });
    }),
  ];
}

/** Serves the build in `dir` and runs the steps with no `?broker=`: the sandbox. */
async function runSandbox(dir, run) {
  const server = await serve(dir);
  try {
    return await runSteps({ url: `${address(server)}index.html`, steps: sandboxSteps(run) });
  } finally {
    server.close();
  }
}

/** Serves the build in `dir` and runs the steps against `broker`, from the devices'
 *  retained values; resolves with the number of failed steps. */
async function runBuild(dir, broker, run, earlier) {
  const pub = (topic, message) =>
    execFileSync("mosquitto_pub", ["-h", "127.0.0.1", "-p", String(broker.tcp), "-t", topic, "-m", message, "-r"]);
  pub("home/security/status", '{"state": "armed"}');
  pub("home/livingroom/temperature", '{"temperature": 21.46, "unit": "C"}');
  const server = await serve(dir);
  try {
    return await runSteps({ url: `${address(server)}index.html?broker=ws://127.0.0.1:${broker.ws}/`, steps: steps(broker, run, earlier) });
  } finally {
    server.close();
  }
}

async function main() {
  const pkg = process.argv[2];
  if (!pkg) throw new Error("usage: node tests/npm/example.mjs <package folder, e.g. pkg>");
  const dir = install(pkg);
  const brokerDir = mkdtempSync(join(tmpdir(), "mqttscope-example-broker-"));
  const broker = await Broker.onFreePorts(brokerDir);
  const native = new SandboxBroker();
  process.on("exit", () => {
    broker.proc?.kill();
    native.proc?.kill();
  });
  let failed = typeCheck(dir);
  await broker.start();
  try {
    const builds = { vite: build(dir, "vite"), esbuild: build(dir, "esbuild") };
    failed += await runBuild(builds.vite, broker, "vite, mosquitto", 0);
    failed += await runBuild(builds.esbuild, broker, "esbuild, mosquitto", 1);
    await native.start();
    failed += await runBuild(builds.vite, native, "vite, mqttscope broker", 0);
    failed += await runSandbox(builds.vite, "vite, sandbox");
    failed += await runSandbox(builds.esbuild, "esbuild, sandbox");
  } finally {
    await broker.stop();
    await native.stop();
    rmSync(dir, { recursive: true, force: true });
    rmSync(brokerDir, { recursive: true, force: true });
  }
  return failed ? 1 : 0;
}

await exitWith(main);
