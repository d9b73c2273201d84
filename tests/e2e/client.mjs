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

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ARTIFACTS, assert, exitWith, runSteps } from "./harness.mjs";
import { Broker, freePort, sleep } from "./mosquitto.mjs";
import { configure, inspectorHex, selectPacket, statusIs, until } from "./page.mjs";

const BURST = 5000;

async function messagesText(page) {
  return page.$$eval('[data-testid="msg-topic"]', (els) => els.map((e) => e.textContent + " " + e.parentElement.querySelector('[data-testid="msg-payload"]').textContent));
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
    async function theWebSocketRunsInTheSocketWorker(page) {
      const worker = page.workers().find((w) => w.url().endsWith("/socket-worker.js"));
      assert(worker, `no socket worker among ${page.workers().map((w) => w.url()).join(", ")}`);
      const open = await worker.evaluate(() => [...sockets.values()].filter((s) => s.ws?.readyState === WebSocket.OPEN).length);
      assert(open === 1, `${open} open WebSockets in the socket worker, expected the connection's one`);
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
      // The first connection this script added: the five presets (the sandbox and four
      // brokers) come before it.
      await page.locator(".conn-name", { hasText: /^connection 6$/ }).click();
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
      // The whole burst scrolls in one list, which draws only the rows in view.
      const drawnPayload = ([at, text]) => [...document.querySelectorAll('[data-testid="msg-payload"]')].at(at)?.textContent === text;
      const list = page.locator('[data-testid="messages"]');
      await list.evaluate((el) => (el.scrollTop = el.scrollHeight));
      await until(page, drawnPayload, [-1, "burst 0"], "the oldest message of the burst at the bottom of the list");
      const drawn = await page.$$eval('[data-testid="messages"] .msg', (rows) => rows.length);
      assert(drawn > 0 && drawn <= 40, `${drawn} rows drawn for a list of ${BURST}`);
      await list.evaluate((el) => (el.scrollTop = 0));
      await until(page, drawnPayload, [0, `burst ${BURST - 1}`], "the newest message of the burst at the top again");
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
  const broker = await Broker.onFreePorts(dir);
  const ctx = { broker, closedPort: await freePort() };
  await broker.start();
  try {
    const ready = async function pageLoads(page) {
      await page.waitForSelector('[data-testid="add-connection"]');
    };
    const failed = await runSteps({ url, height: 1000, steps: [ready, ...steps(ctx)], expected: (p) => expected(p, ctx) });
    return failed ? 1 : 0;
  } finally {
    await broker.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await exitWith(main);
