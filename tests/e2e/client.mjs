// End-to-end test of the built client page in headless Chromium against a real mosquitto.
//
//   node tests/e2e/client.mjs http://127.0.0.1:8123/
//
// Starts mosquitto (MOSQUITTO, default /usr/sbin/mosquitto) on free loopback ports with a
// TCP and a WebSocket listener, then drives the page: connects with MQTT 3.1.1 and 5.0,
// subscribes and sees a message from mosquitto_pub, publishes and sees it arrive at
// mosquitto_sub, checks the exact CONNECT and CONNACK bytes in the packet inspector,
// points a connection at a closed port and reads the doctor's explanation, restarts the
// broker and waits for the page to reconnect and resubscribe, and counts a burst of 5,000
// messages. Screenshots of each main view go to test-artifacts/. Exits non-zero on
// failure. Console errors, failed requests and CSP violations fail the run, except the
// connection failures the test provokes on purpose.

import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const ARTIFACTS = join(ROOT, "test-artifacts");
const MOSQUITTO = process.env.MOSQUITTO || "/usr/sbin/mosquitto";
const CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];
const BURST = 5000;

function assert(ok, message) {
  if (!ok) throw new Error(message);
}

/** A free TCP port on 127.0.0.1. */
function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** mosquitto on loopback with a TCP and a WebSocket listener; restartable. */
class Broker {
  constructor(dir, tcp, ws) {
    Object.assign(this, { dir, tcp, ws, proc: null });
    this.conf = join(dir, "mosquitto.conf");
    writeFileSync(
      this.conf,
      `per_listener_settings false\nallow_anonymous true\npersistence false\nlog_dest none\n` +
        `listener ${tcp} 127.0.0.1\nlistener ${ws} 127.0.0.1\nprotocol websockets\nsocket_domain ipv4\n`,
    );
  }
  async start() {
    this.proc = spawn(MOSQUITTO, ["-c", this.conf], { stdio: "ignore" });
    for (let i = 0; i < 100; i++) {
      if (await this.accepts()) return;
      await sleep(50);
    }
    throw new Error("mosquitto did not start");
  }
  accepts() {
    return new Promise((resolve) => {
      const s = new Socket();
      s.once("connect", () => (s.destroy(), resolve(true)));
      s.once("error", () => resolve(false));
      s.connect(this.ws, "127.0.0.1");
    });
  }
  async stop() {
    if (!this.proc) return;
    const exited = new Promise((r) => this.proc.once("exit", r));
    this.proc.kill("SIGTERM");
    await exited;
    this.proc = null;
  }
  pub(args, input) {
    const r = spawnSync("mosquitto_pub", ["-h", "127.0.0.1", "-p", String(this.tcp), ...args], { input, encoding: "utf8" });
    assert(r.status === 0, `mosquitto_pub failed: ${r.stderr}`);
  }
  /** mosquitto_sub for one message; resolves with its output line. */
  subOne(topic) {
    const p = spawn("mosquitto_sub", ["-h", "127.0.0.1", "-p", String(this.tcp), "-t", topic, "-C", "1", "-v", "-W", "20"]);
    let out = "";
    p.stdout.on("data", (d) => (out += d));
    const done = new Promise((resolve, reject) =>
      p.once("exit", (code) => (code === 0 ? resolve(out.trim()) : reject(new Error(`mosquitto_sub exited ${code}`)))),
    );
    return { done, ready: sleep(300) };
  }
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Waits until `fn` (in the page) returns a truthy value. */
async function until(page, fn, arg, what, timeout = 15000) {
  try {
    await page.waitForFunction(fn, arg, { timeout });
  } catch {
    throw new Error(`timed out waiting for ${what}`);
  }
}

const statusIs = (page, text, what) =>
  until(page, (t) => document.querySelector('[data-testid="conn-status"]')?.textContent.includes(t), text, what ?? `status "${text}"`);

/** Opens the settings of the selected connection, sets URL and version, saves and connects. */
async function configure(page, url, version) {
  const open = await page.$('[data-testid="url"]');
  if (!open) await page.click('button:has-text("Settings")');
  await page.fill('[data-testid="url"]', url);
  await page.selectOption('[data-testid="version"]', version);
  await page.click('[data-testid="save-connect"]');
}

async function messagesText(page) {
  return page.$$eval('[data-testid="msg-topic"]', (els) => els.map((e) => e.textContent + " " + e.parentElement.querySelector('[data-testid="msg-payload"]').textContent));
}

/** The hex of the packet shown in the inspector, read from the hex view's byte cells. */
async function inspectorHex(page) {
  return page.$$eval('[data-testid="packet-detail"] [data-testid="hex-view"] .b[data-i]', (cells) =>
    cells.map((c) => c.textContent.trim()).join(" "),
  );
}

async function selectPacket(page, kind, nth = "last") {
  await page.click('[data-testid="tab-packets"]');
  const rows = page.locator('[data-testid="pkt-kind"]', { hasText: new RegExp(`^${kind}$`) });
  await rows.first().waitFor({ timeout: 10000 });
  await (nth === "last" ? rows.last() : rows.first()).click();
  await page.waitForSelector('[data-testid="packet-detail"]');
}

function steps(ctx) {
  const { broker } = ctx;
  const wsUrl = `ws://127.0.0.1:${broker.ws}`;
  return [
    async function connectsWithMqtt311(page) {
      await page.click('[data-testid="add-connection"]');
      await configure(page, wsUrl, "4");
      await statusIs(page, "connected");
    },
    async function subscribesAndSeesAMessageFromMosquittoPub(page) {
      await page.fill('[data-testid="sub-filter"]', "e2e/#");
      await page.click('[data-testid="subscribe"]');
      await until(page, () => document.querySelector('[data-testid="sub-status"]')?.textContent.includes("granted QoS 0"), null, "SUBACK");
      broker.pub(["-t", "e2e/hello", "-m", "<b>hi</b> from mosquitto_pub"]);
      await until(page, () => [...document.querySelectorAll('[data-testid="msg-payload"]')].some((e) => e.textContent.includes("<b>hi</b> from mosquitto_pub")), null, "the message");
      assert((await page.$$('[data-testid="messages"] b')).length === 0, "payload markup was rendered as HTML");
      await page.screenshot({ path: join(ARTIFACTS, "client-messages.png"), fullPage: true });
    },
    async function publishesToMosquittoSub(page) {
      const sub = broker.subOne("e2e/from-page");
      await sub.ready;
      await page.fill('[data-testid="pub-topic"]', "e2e/from-page");
      await page.fill('[data-testid="pub-payload"]', "hello from the page");
      await page.press('[data-testid="pub-payload"]', "Control+Enter");
      const line = await sub.done;
      assert(line === "e2e/from-page hello from the page", `mosquitto_sub got ${JSON.stringify(line)}`);
    },
    async function inspectorShowsConnectAndConnackBytes(page) {
      await selectPacket(page, "CONNACK", "first");
      const connack = await inspectorHex(page);
      assert(connack === "20 02 00 00", `CONNACK bytes: ${connack}`);
      await selectPacket(page, "CONNECT", "first");
      const connect = (await inspectorHex(page)).split(" ");
      assert(connect[0] === "10", `CONNECT first byte ${connect[0]}`);
      assert(connect.slice(2, 9).join(" ") === "00 04 4d 51 54 54 04", `protocol name and level: ${connect.slice(2, 9).join(" ")}`);
      assert(connect[9] === "02", `connect flags (clean session): ${connect[9]}`);
      assert(connect.slice(10, 12).join(" ") === "00 3c", `keep alive 60: ${connect.slice(10, 12).join(" ")}`);
      const idLen = parseInt(connect[12] + connect[13], 16);
      const id = Buffer.from(connect.slice(14, 14 + idLen).map((h) => parseInt(h, 16))).toString();
      assert(/^mqttscope-[0-9a-z]{8}$/.test(id), `client id ${id}`);
      assert(connect.length === 14 + idLen && parseInt(connect[1], 16) === 12 + idLen, "remaining length");
      await until(page, () => document.querySelectorAll('[data-testid="packet-detail"] [data-testid="field-row"]').length > 5, null, "field tree");
      await page.screenshot({ path: join(ARTIFACTS, "client-packets.png"), fullPage: true });
    },
    async function connectsWithMqtt5(page) {
      await page.click('[data-testid="add-connection"]');
      await configure(page, wsUrl, "5");
      await statusIs(page, "connected");
      await selectPacket(page, "CONNECT", "first");
      const connect = (await inspectorHex(page)).split(" ");
      assert(connect.slice(2, 9).join(" ") === "00 04 4d 51 54 54 05", `v5 protocol level: ${connect.slice(2, 9).join(" ")}`);
      await selectPacket(page, "CONNACK", "first");
      const connack = (await inspectorHex(page)).split(" ");
      assert(connack[0] === "20" && connack[2] === "00" && connack[3] === "00", `v5 CONNACK: ${connack.join(" ")}`);
      assert(parseInt(connack[1], 16) === connack.length - 2 && connack.length > 5, "v5 CONNACK carries properties");
      await page.click('[data-testid="tab-messages"]');
    },
    async function wrongPortIsExplainedByTheDoctor(page) {
      await page.click('[data-testid="add-connection"]');
      await configure(page, `ws://127.0.0.1:${ctx.closedPort}`, "5");
      await page.waitForSelector('[data-testid="doctor"]', { timeout: 20000 });
      const text = await page.textContent('[data-testid="doctor"]');
      assert(text.includes(`127.0.0.1:${ctx.closedPort}`), `the doctor names the address: ${text}`);
      assert(/nothing|refused|listen/i.test(text), `the doctor explains a closed port: ${text}`);
      await page.screenshot({ path: join(ARTIFACTS, "client-doctor.png"), fullPage: true });
    },
    async function reconnectsAndResubscribesAfterABrokerRestart(page) {
      await page.locator(".conn-name", { hasText: /^connection 5$/ }).click();
      await statusIs(page, "connected", "the 3.1.1 connection selected");
      const subscribes = () => page.$$eval('[data-testid="pkt-kind"]', (k) => k.filter((e) => e.textContent === "SUBSCRIBE").length);
      await page.click('[data-testid="tab-packets"]');
      const before = await subscribes();
      await broker.stop();
      await until(page, () => !document.querySelector('[data-testid="conn-status"]').textContent.includes("connected"), null, "the loss to show");
      await broker.start();
      await statusIs(page, "connected", "the reconnection");
      await until(page, (n) => [...document.querySelectorAll('[data-testid="pkt-kind"]')].filter((e) => e.textContent === "SUBSCRIBE").length > n, before, "the resubscription");
      await page.click('[data-testid="tab-messages"]');
      await sleep(300);
      broker.pub(["-t", "e2e/after-restart", "-m", "still here"]);
      await until(page, () => [...document.querySelectorAll('[data-testid="msg-payload"]')].some((e) => e.textContent.includes("still here")), null, "a message after the restart");
    },
    async function countsEveryMessageOfABurst(page) {
      const lines = Array.from({ length: BURST }, (_, i) => `burst ${i}`).join("\n") + "\n";
      broker.pub(["-t", "e2e/burst", "-l", "-q", "1"], lines);
      await page.fill('[data-testid="filter-topic"]', "e2e/burst");
      await until(page, (n) => document.querySelector('[data-testid="message-counts"]').textContent.includes(`${n} match the filter`), BURST, `${BURST} burst messages`, 60000);
      const counts = await page.textContent('[data-testid="message-counts"]');
      assert(!counts.includes("evicted"), `nothing evicted yet: ${counts}`);
      await page.fill('[data-testid="filter-topic"]', "");
    },
    async function screenshotsOfEachView(page) {
      await page.click('[data-testid="tab-topics"]');
      await page.waitForSelector('[data-testid="topic-name"]');
      await page.locator('[data-testid="topic-name"]', { hasText: "e2e" }).first().click();
      await page.screenshot({ path: join(ARTIFACTS, "client-topics.png"), fullPage: true });
      await page.click('button:has-text("Settings")');
      await page.screenshot({ path: join(ARTIFACTS, "client-connect-form.png"), fullPage: true });
      await page.emulateMedia({ colorScheme: "dark" });
      await page.click('[data-testid="tab-messages"]');
      await page.screenshot({ path: join(ARTIFACTS, "client-dark.png"), fullPage: true });
      await page.emulateMedia({ colorScheme: "light" });
    },
  ];
}

/** Collects console errors, page errors, failed requests and dialogs. */
function watchForProblems(page) {
  const problems = [];
  page.on("console", (m) => m.type() === "error" && problems.push(`console: ${m.text()}`));
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("requestfailed", (r) => problems.push(`request failed: ${r.url()}`));
  page.on("dialog", (d) => {
    problems.push(`dialog: ${d.message()}`);
    d.dismiss();
  });
  return problems;
}

/** Problems the test causes on purpose: connections to the closed port, the doctor's
 *  probes there, and reconnect attempts while the broker is down. */
function expected(problem, ctx) {
  const ports = [ctx.closedPort, ctx.broker.ws].map(String);
  // Chromium logs a refused fetch without its URL; the matching "request failed" entry
  // carries the URL and is checked below.
  if (problem === "console: Failed to load resource: net::ERR_CONNECTION_REFUSED") return true;
  return (
    ports.some((p) => problem.includes(`127.0.0.1:${p}`)) &&
    /WebSocket connection to|request failed|ERR_CONNECTION_REFUSED|net::ERR/.test(problem)
  );
}

async function main() {
  const url = process.argv[2];
  if (!url) {
    console.error("usage: node tests/e2e/client.mjs <page url>");
    return 2;
  }
  const dir = mkdtempSync(join(tmpdir(), "mqttscope-e2e-"));
  const broker = new Broker(dir, await freePort(), await freePort());
  const ctx = { broker, closedPort: await freePort() };
  await broker.start();
  const context = await chromium.launchPersistentContext(join(dir, "profile"), {
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1440, height: 1000 },
    colorScheme: "light",
    reducedMotion: "reduce",
  });
  let failed = 0;
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    await page.addInitScript(() => {
      document.addEventListener("securitypolicyviolation", (e) => console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`));
    });
    const problems = watchForProblems(page);
    await page.goto(url, { waitUntil: "load" });
    await page.waitForSelector('[data-testid="add-connection"]');
    for (const step of steps(ctx)) {
      try {
        await step(page);
        console.log(`ok   ${step.name}`);
      } catch (e) {
        failed += 1;
        console.log(`FAIL ${step.name}: ${e.message}`);
        await page.screenshot({ path: join(ARTIFACTS, `fail-${step.name}.png`), fullPage: true }).catch(() => {});
      }
    }
    for (const p of problems.filter((p) => !expected(p, ctx))) {
      failed += 1;
      console.log(`FAIL ${p}`);
    }
  } finally {
    await context.close();
    await broker.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(failed ? `${failed} failure(s)` : "all checks passed");
  return failed ? 1 : 0;
}

mkdirSync(ARTIFACTS, { recursive: true });
process.exitCode = await main().catch((e) => {
  console.error(e);
  return 1;
});
