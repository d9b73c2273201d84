// The example dashboard (examples/smart-home) built as its author would: copied into a
// fresh folder, the packed package installed there from its tarball (with Vite and esbuild
// as the example's lock file pins them), `main.js` type-checked against the package's
// declarations, then built with Vite and with esbuild, and each build driven in headless
// Chromium against a real mosquitto on loopback: mosquitto_pub's values reach the
// dashboard's <mqtt-value>s (a retained one from before the page, a live one after), the
// slider's publish reaches mosquitto_sub, and the <mqtt-messages> panel lists the traffic.
// The Vite build then runs the same steps against mqttscope's own broker (`mqttscope
// broker`, the sandbox broker's native build), with mosquitto_pub and mosquitto_sub.
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
      pub("home/livingroom/temperature", '{"celsius": 22.04, "humidity": 40}', true);
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

/** Serves the build in `dir` and runs the steps against `broker`, from the devices'
 *  retained values; resolves with the number of failed steps. */
async function runBuild(dir, broker, run, earlier) {
  const pub = (topic, message) =>
    execFileSync("mosquitto_pub", ["-h", "127.0.0.1", "-p", String(broker.tcp), "-t", topic, "-m", message, "-r"]);
  pub("home/security/status", "armed");
  pub("home/livingroom/temperature", '{"celsius": 21.46}');
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
  const sandbox = new SandboxBroker();
  process.on("exit", () => {
    broker.proc?.kill();
    sandbox.proc?.kill();
  });
  let failed = typeCheck(dir);
  await broker.start();
  try {
    const builds = { vite: build(dir, "vite"), esbuild: build(dir, "esbuild") };
    failed += await runBuild(builds.vite, broker, "vite, mosquitto", 0);
    failed += await runBuild(builds.esbuild, broker, "esbuild, mosquitto", 1);
    await sandbox.start();
    failed += await runBuild(builds.vite, sandbox, "vite, mqttscope broker", 0);
  } finally {
    await broker.stop();
    await sandbox.stop();
    rmSync(dir, { recursive: true, force: true });
    rmSync(brokerDir, { recursive: true, force: true });
  }
  return failed ? 1 : 0;
}

await exitWith(main);
