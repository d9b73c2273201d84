// What every test of the npm package shares: the package packed and installed from its
// tarball into a fresh folder as a user installs it, that folder served on loopback to
// headless Chromium, and a user's TypeScript module compiled against the declarations.

import assert from "node:assert/strict";
import { execFileSync, spawn } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { extname, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { Broker } from "../e2e/mosquitto.mjs";

// The scripted peers' packet splitter, with the end-to-end tests' hostile peer.
export { packetsOf } from "../e2e/hostile.mjs";

/** What the client tests' pages define for their steps, as module script text:
 *  `next(client, event, pred, ms)` resolves with the first value `event` carries that
 *  `pred` accepts; `hex(bytes)` is the SHA-256 of `bytes` in hex. */
export const PAGE_HELPERS = `
  window.next = (client, event, pred = () => true, ms = 15000) => new Promise((ok, fail) => {
    const timer = setTimeout(() => fail(new Error("no " + event + " in " + ms + " ms")), ms);
    const fn = (v) => { if (pred(v)) { clearTimeout(timer); client.off(event, fn); ok(v); } };
    client.on(event, fn);
  });
  window.hex = async (bytes) => [...new Uint8Array(await crypto.subtle.digest("SHA-256", bytes))]
    .map((b) => b.toString(16).padStart(2, "0")).join("");`;

/**
 * The whole of a script that checks one entry of the package, say "mqttscope/dissect": the
 * package (argv[2]) installed into a fresh folder with a user's module re-exporting the
 * entry, so that it resolves through the exports map; `node(module)` run on it, `ts` (a
 * user's TypeScript) compiled against the declarations, and `browser(folder)` unless
 * NPM_SKIP_BROWSER=1. Each returns its number of failures; so does this, once printed.
 */
export async function checkEntry(entry, { node, ts, browser }) {
  const name = entry.split("/").pop();
  const pkg = process.argv[2];
  if (!pkg) throw new Error(`usage: node tests/npm/${name}.mjs <package folder, e.g. pkg>`);
  const dir = install(pkg, name, { "user.mjs": `export * from "${entry}";\n` });
  try {
    const m = await import(pathToFileURL(join(dir, "user.mjs")));
    let failed = await node(m);
    failed += typeCheck(dir, ts);
    if (process.env.NPM_SKIP_BROWSER !== "1") failed += await browser(dir);
    console.log(failed ? `${failed} failure(s)` : "all npm checks passed");
    return failed;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The browser check of an entry: `page`, served at / beside the installed package in `dir`,
 * runs in headless Chromium through the end-to-end harness (which fails on any console
 * error) until it sets `window.result`, which must deep-equal `expected`. One step, named
 * `name`; returns the number of failures.
 */
export async function pageCheck(dir, page, name, expected) {
  const { runSteps } = await import("../e2e/harness.mjs");
  const step = async (tab) => {
    await tab.waitForFunction(() => window.result, null, { timeout: 15000 });
    assert.deepEqual(await tab.evaluate(() => window.result), expected);
  };
  const server = await serve(dir, (path) => (path === "/" ? page : undefined));
  try {
    return await runSteps({ url: address(server), steps: [Object.defineProperty(step, "name", { value: name })] });
  } finally {
    server.close();
  }
}

/** Packs `pkg` (the folder `cargo xtask pack` wrote) and installs the tarball into a new
 *  folder named after `what`, with `files` ({ name: text }) written beside it; returns the
 *  folder. */
export function install(pkg, what, files = {}) {
  const dir = mkdtempSync(join(tmpdir(), `mqttscope-npm-${what}-`));
  const npm = (args) => execFileSync("npm", args, { cwd: dir, encoding: "utf8" });
  const tarball = npm(["pack", "--silent", "--pack-destination", dir, resolve(pkg)]).trim().split("\n").pop();
  writeFileSync(join(dir, "package.json"), JSON.stringify({ private: true, type: "module" }));
  npm(["install", "--offline", "--no-audit", "--no-fund", join(dir, tarball)]);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

const TYPES = {
  ".js": "text/javascript",
  ".mjs": "text/javascript",
  ".wasm": "application/wasm",
  ".html": "text/html",
  ".css": "text/css",
  ".json": "application/json",
};

/** Serves `dir` on 127.0.0.1: what `route(path)` returns for a path (a string or bytes,
 *  served as HTML unless the path has an extension), else the file at that path; resolves
 *  to the server once listening. With `cors`, any origin may read what it serves (as a CDN
 *  allows). */
export function serve(dir, route = () => undefined, { cors = false } = {}) {
  const server = createServer((req, res) => {
    const path = new URL(req.url, "http://x").pathname;
    try {
      const body = route(path) ?? readFileSync(join(dir, decodeURIComponent(path)));
      const type = TYPES[extname(path) || ".html"] ?? "application/octet-stream";
      res.writeHead(200, { "content-type": type, ...(cors ? { "access-control-allow-origin": "*" } : {}) });
      res.end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  return new Promise((ok) => server.listen(0, "127.0.0.1", () => ok(server)));
}

/** The address of `server`, as a page's URL. */
export const address = (server) => `http://127.0.0.1:${server.address().port}/`;

/** Compiles `source` (a user's module) in `dir` against the installed package's
 *  declarations with tsc --strict (TypeScript pinned in tests/e2e); 0 when it compiles,
 *  else 1 with tsc's words. `lib` adds libraries (`dom`). */
export function typeCheck(dir, source, lib = ["es2022"]) {
  const tsc = new URL("../e2e/node_modules/typescript/bin/tsc", import.meta.url);
  writeFileSync(join(dir, "user.mts"), source);
  const args = ["--noEmit", "--strict", "--target", "es2022", "--module", "nodenext", "--lib", lib.join(",")];
  try {
    execFileSync(process.execPath, [tsc.pathname, ...args, "user.mts"], { cwd: dir, encoding: "utf8" });
    console.log("ok   types: a strict TypeScript module compiles, and what the types forbid does not");
    return 0;
  } catch (e) {
    console.log(`FAIL types: tsc says\n${e.stdout}${e.stderr}`);
    return 1;
  }
}

/** Runs each of `checks` ({ name: async function }) in turn, printing `ok` or `FAIL` with
 *  `where`; resolves with the number that failed. */
export async function runChecks(where, checks) {
  let failed = 0;
  for (const [name, check] of Object.entries(checks)) {
    try {
      await check();
      console.log(`ok   ${where}: ${name}`);
    } catch (e) {
      failed += 1;
      console.log(`FAIL ${where}: ${name}: ${e.message}`);
    }
  }
  return failed;
}

/** Awaits `f()`, which must throw an instance of `Class` whose fields include `expected`;
 *  returns the error. */
export async function throwsLike(f, Class, expected) {
  let error;
  try {
    await f();
  } catch (e) {
    error = e;
  }
  assert.ok(error instanceof Class, `expected a ${Class.name}, got ${error}`);
  for (const [key, value] of Object.entries(expected)) {
    assert.deepEqual(error[key], value, `${Class.name}.${key} (message: ${error.message})`);
  }
  return error;
}

/** mosquitto on free loopback ports, started, with a password file in `dir` (`user` /
 *  `secret`; anonymous clients allowed) and `extra` lines of configuration. */
export async function brokerWithPasswords(dir, extra = "") {
  chmodSync(dir, 0o755);
  const passwords = join(dir, "passwords");
  writeFileSync(passwords, "");
  execFileSync("mosquitto_passwd", ["-b", passwords, "user", "secret"]);
  chmodSync(passwords, 0o644);
  const broker = await Broker.onFreePorts(dir, `password_file ${passwords}\n${extra}`);
  await broker.start();
  return broker;
}

/** mqttscope's own broker (`mqttscope broker`, the sandbox broker's native build; the
 *  binary is $MQTTSCOPE, which `cargo xtask test` builds) on free loopback ports: `tcp` and
 *  `ws` as a mosquitto `Broker`'s, known once `start()` resolves. */
export class SandboxBroker {
  constructor() {
    Object.assign(this, { tcp: 0, ws: 0, proc: null });
  }
  async start() {
    const bin = process.env.MQTTSCOPE;
    if (!bin) throw new Error("MQTTSCOPE names the mqttscope binary (cargo xtask test sets it)");
    this.proc = spawn(bin, ["broker", "--bind", "127.0.0.1", "--port", "0", "--ws-port", "0"], { stdio: ["ignore", "ignore", "pipe"] });
    let said = "";
    await new Promise((ok, fail) => {
      const timer = setTimeout(() => fail(new Error(`mqttscope broker did not start: ${said}`)), 20000);
      this.proc.once("exit", (code) => fail(new Error(`mqttscope broker exited ${code}: ${said}`)));
      this.proc.stderr.on("data", (d) => {
        said += d;
        const port = (kind) => Number(said.match(new RegExp(`listening on ${kind} \\S*:(\\d+)`))?.[1] ?? 0);
        [this.tcp, this.ws] = [port("tcp"), port("ws")];
        if (this.tcp && this.ws) {
          clearTimeout(timer);
          ok();
        }
      });
    });
  }
  async stop() {
    if (!this.proc || this.proc.exitCode !== null) return;
    const exited = new Promise((r) => this.proc.once("exit", r));
    this.proc.kill("SIGTERM");
    await exited;
    this.proc = null;
  }
}
