// End-to-end test of the broker pane and every fault it injects, in headless Chromium
// against the built page; no broker runs anywhere (the sandbox is the page's own).
//
//   node tests/e2e/broker-pane.mjs http://127.0.0.1:8123/      (ONLY=<step> runs one)
//
// The client page's sandbox connection opens the "Broker" tab: the pane (broker.html,
// its own module, in a frame) lists the devices and the page's client, shows every
// packet of every connection in the inspector, and each fault is seen from the client
// page: step mode holds a PUBLISH until it is let through; a refused subscription and
// a refused CONNECT show their codes; a delay holds delivery; a stalled connection makes
// the client's keep alive fire; drop and disconnect-with-a-code end the connection (the
// page reconnects); a restart keeps or loses the retained messages; a paused device
// goes quiet; a cleared retained message is put back; and only sandbox connections have
// the tab. Exits non-zero on failure.

import { join } from "node:path";

import { ARTIFACTS, assert, exitWith, runSteps } from "./harness.mjs";
import { statusIs, until } from "./page.mjs";

/** The pane's frame (a playwright Frame). */
async function pane(page) {
  await page.waitForSelector('[data-testid="broker-frame"]');
  for (let k = 0; k < 100; k += 1) {
    const frame = page.frames().find((f) => f.url().endsWith("/broker.html"));
    if (frame) return frame;
    await page.waitForTimeout(100);
  }
  throw new Error("the broker pane's frame never loaded");
}

/** The pane's rows for the page's own client; the newest connection is the last row
 *  (rows are in connection order, and a replaced connection may linger a moment). */
const pageRow = '[data-testid="client-row"][data-peer="page"]';
const newestPageRow = (frame) => frame.locator(pageRow).last();

/** Waits until the message list shows a message received on `topic` whose payload
 *  contains `text` (the list also shows what the page published, marked ↑). */
function messageShown(page, topic, text, what, timeout = 8000) {
  return until(
    page,
    ([topic, text]) =>
      [...document.querySelectorAll('[data-testid="msg-topic"]')].some((t) => {
        const row = t.closest("li");
        return t.textContent === topic && row?.querySelector(".msg-dir")?.textContent === "↓" && row.textContent.includes(text);
      }),
    [topic, text],
    what,
    timeout,
  );
}

/** How many messages received on `topic` the list shows. */
const shownCount = (page, topic) =>
  page.$$eval(
    '[data-testid="msg-topic"]',
    (ts, topic) => ts.filter((t) => t.textContent === topic && t.closest("li")?.querySelector(".msg-dir")?.textContent === "↓").length,
    topic,
  );

async function publish(page, topic, payload, retain = false) {
  await page.click('[data-testid="tab-messages"]');
  await page.fill('[data-testid="pub-topic"]', topic);
  await page.fill('[data-testid="pub-payload"]', payload);
  const box = page.locator('section[aria-label="Publish"]').getByLabel("Retain");
  if ((await box.isChecked()) !== retain) await box.click();
  await page.click('[data-testid="publish"]');
}

async function openPane(page) {
  await page.click('[data-testid="tab-broker"]');
  return pane(page);
}

const steps = [
  async function thePaneListsTheDevicesAndThePagesClient(page) {
    await statusIs(page, "connected", "the sandbox connection");
    const frame = await openPane(page);
    await until(frame, () => document.querySelectorAll('[data-testid="client-row"]').length >= 4, null, "four clients in the pane");
    const ids = await frame.$$eval('[data-testid="client-row"]', (rows) => rows.map((r) => r.dataset.client));
    for (const id of ["sandbox-thermostat", "sandbox-lights", "sandbox-security"]) assert(ids.includes(id), `clients: ${ids}`);
    const row = await newestPageRow(frame).textContent();
    assert(row.includes("5.0") && row.includes("home/# (QoS 0)"), `the page's row: ${row}`);
    const retained = await frame.$$eval('[data-testid="retained"]', (r) => r.map((e) => e.dataset.topic));
    assert(retained.includes("home/security/status"), `retained: ${retained}`);
  },
  async function everyPacketOfEveryConnectionIsInTheInspector(page) {
    const frame = await pane(page);
    const publish = frame.locator('[data-testid="broker-packet"]', { hasText: /sandbox-thermostat → broker\s+PUBLISH/ });
    await publish.first().waitFor({ timeout: 8000 });
    await publish.first().click();
    await frame.waitForSelector('[data-testid="packet-detail"]');
    const hex = await frame.$$eval('[data-testid="packet-detail"] [data-testid="hex-view"] .b[data-i]', (c) => c.map((e) => e.textContent.trim()).join(" "));
    assert(hex.startsWith("3"), `a PUBLISH's first byte: ${hex.slice(0, 20)}`);
    const tree = await frame.textContent('[data-testid="packet-detail"]');
    assert(tree.includes("home/livingroom/temperature"), "the dissection names the topic");
  },
  async function stepModeHoldsAPublishUntilLetThrough(page) {
    await page.fill('[data-testid="sub-filter"]', "e2e/#");
    await page.click('[data-testid="subscribe"]');
    await until(page, () => document.querySelector('[data-testid="sub-status"]')?.textContent.includes("QoS"), null, "e2e/# granted", 5000).catch(() => {});
    const frame = await openPane(page);
    await frame.check('[data-testid="step-mode"]');
    await until(frame, () => document.querySelector('[data-testid="held"]'), null, "the held list");
    await publish(page, "e2e/step", "held back");
    const frame2 = await openPane(page);
    await until(frame2, () => [...document.querySelectorAll('[data-testid="held-packet"]')].some((l) => l.textContent.includes("PUBLISH")), null, "the PUBLISH held");
    await page.click('[data-testid="tab-messages"]');
    await page.waitForTimeout(700);
    assert((await shownCount(page, "e2e/step")) === 0, "nothing delivered while held");
    const frame3 = await openPane(page);
    await frame3.click('[data-testid="release-all"]');
    // A click, not uncheck(): the box draws the broker's state, and a state sent before the
    // broker took the click (the released packets make new ones, held again) can tick it
    // again for a moment, which uncheck() reads as a click that did nothing. The click's
    // command reaches the broker either way; the wait below is for the broker's word.
    await frame3.click('[data-testid="step-mode"]');
    await until(frame3, () => !document.querySelector('[data-testid="held"]'), null, "step mode off");
    await page.click('[data-testid="tab-messages"]');
    await messageShown(page, "e2e/step", "held back", "the PUBLISH once let through");
  },
  async function aRefusedSubscriptionShowsItsCode(page) {
    const frame = await openPane(page);
    await frame.selectOption('[data-testid="refuse-subscription-code"]', String(0x87));
    await frame.click('[data-testid="refuse-subscription"]');
    await until(frame, () => document.querySelector('[data-testid="refuse-subscription-armed"]').textContent.includes("0x87"), null, "armed");
    await page.click('[data-testid="tab-messages"]');
    await page.fill('[data-testid="sub-filter"]', "refused/#");
    await page.click('[data-testid="subscribe"]');
    await until(
      page,
      () => [...document.querySelectorAll('[data-testid="sub-status"]')].some((s) => s.textContent.includes("refused") && s.textContent.includes("Not authorized")),
      null,
      "the subscription refused with Not authorized",
      5000,
    );
  },
  async function aDelayHoldsDelivery(page) {
    const frame = await openPane(page);
    await frame.fill('[data-testid="delay-ms"]', "1500");
    await frame.click('[data-testid="delay-set"]');
    await until(frame, () => document.querySelector('[data-testid="delay-now"]').textContent.includes("1500"), null, "delay set");
    await publish(page, "e2e/delay", "late");
    const sent = Date.now();
    await messageShown(page, "e2e/delay", "late", "the delayed message", 6000);
    const took = Date.now() - sent;
    assert(took >= 1300, `delivered after ${took} ms, not delayed`);
    console.log(`     delivered after ${took} ms with a 1500 ms delay`);
    const again = await openPane(page);
    await again.fill('[data-testid="delay-ms"]', "0");
    await again.click('[data-testid="delay-set"]');
    await until(again, () => document.querySelector('[data-testid="delay-now"]').textContent.includes("no delay"), null, "delay off");
  },
  async function aStalledConnectionMakesTheKeepAliveFire(page) {
    await page.click('button:has-text("Settings")');
    await page.getByLabel("Keep alive").fill("2");
    await page.click('[data-testid="save-connect"]');
    await statusIs(page, "connected", "connected with keep alive 2 s");
    const frame = await openPane(page);
    const row = frame.locator(pageRow).filter({ has: frame.locator("td", { hasText: /^2 s$/ }) });
    await row.waitFor({ timeout: 5000 });
    await row.locator('[data-testid="stall"]').click();
    // PINGREQ after 2 s, no PINGRESP within 1 s more: the page's client gives up.
    await statusIs(page, "lost", "the keep alive fired on the stalled connection");
    await statusIs(page, "connected", "reconnected on a new connection");
  },
  async function droppingAndDisconnectingEndTheConnection(page) {
    let frame = await openPane(page);
    await frame.waitForSelector(pageRow);
    await newestPageRow(frame).locator('[data-testid="drop"]').click();
    await statusIs(page, "lost", "dropped");
    await statusIs(page, "connected", "reconnected after the drop");
    frame = await openPane(page);
    await frame.waitForSelector(pageRow);
    await frame.selectOption('[data-testid="disconnect-code"]', String(0x89));
    await newestPageRow(frame).locator('[data-testid="disconnect"]').click();
    await until(frame, () => [...document.querySelectorAll('[data-testid="log-line"]')].some((l) => l.textContent.includes("0x89")), null, "the log names DISCONNECT 0x89");
    await statusIs(page, "connected", "reconnected after the disconnect");
  },
  async function aRefusedConnectShowsItsCodeAndRetryConnects(page) {
    let frame = await openPane(page);
    await frame.selectOption('[data-testid="refuse-connect-code"]', String(0x87));
    await frame.click('[data-testid="refuse-connect"]');
    await until(frame, () => document.querySelector('[data-testid="refuse-connect-armed"]').textContent.includes("0x87"), null, "armed");
    await newestPageRow(frame).locator('[data-testid="drop"]').click();
    await until(page, () => document.querySelector('[data-testid="doctor"]')?.textContent.includes("Not authorized"), null, "the doctor explains 0x87", 10000);
    // A refusal is final: the page does not retry on its own; connecting again works.
    await page.click('[data-testid="connect"]');
    await statusIs(page, "connected", "connected again by hand");
    frame = await openPane(page);
    const armed = await frame.textContent('[data-testid="refuse-connect-armed"]');
    assert(armed === "", `one shot, still: ${armed}`);
  },
  async function aRestartKeepsOrLosesRetainedMessages(page) {
    await publish(page, "e2e/kept", "across a restart", true);
    let frame = await openPane(page);
    await until(frame, () => document.querySelector('[data-topic="e2e/kept"]'), null, "e2e/kept retained");
    await frame.click('[data-testid="restart-keep"]');
    await statusIs(page, "connected", "reconnected after a restart");
    frame = await openPane(page);
    await until(frame, () => document.querySelector('[data-topic="e2e/kept"]'), null, "kept through the restart");
    await frame.click('[data-testid="restart-lose"]');
    await until(frame, () => [...document.querySelectorAll('[data-testid="log-line"]')].some((l) => l.textContent.includes("lost")), null, "the restart logged");
    await until(frame, () => !document.querySelector('[data-topic="e2e/kept"]'), null, "lost in the second restart");
    await statusIs(page, "connected", "reconnected after the second restart");
  },
  async function aPausedDeviceGoesQuiet(page) {
    let frame = await openPane(page);
    const box = '[data-testid="device"][data-client="sandbox-thermostat"] [data-testid="pause"]';
    await frame.check(box);
    await page.click('[data-testid="tab-messages"]');
    await page.waitForTimeout(500);
    const before = await shownCount(page, "home/livingroom/temperature");
    await page.waitForTimeout(4500);
    const after = await shownCount(page, "home/livingroom/temperature");
    assert(after === before, `the paused thermostat published ${after - before} messages`);
    frame = await openPane(page);
    await frame.uncheck(box);
    await page.click('[data-testid="tab-messages"]');
    await until(page, (n) => [...document.querySelectorAll('[data-testid="msg-topic"]')].filter((t) => t.textContent === "home/livingroom/temperature").length > n, after, "the thermostat back", 8000);
  },
  async function aClearedRetainedMessageIsPutBack(page) {
    const frame = await openPane(page);
    const status = '[data-testid="retained"][data-topic="home/security/status"]';
    await frame.waitForSelector(status);
    await frame.click(`${status} [data-testid="clear-retained"]`);
    await until(frame, (s) => !document.querySelector(s), status, "cleared");
    await frame.click('[data-testid="undo-clear"]');
    await until(frame, (s) => document.querySelector(s), status, "put back");
    await page.screenshot({ path: join(ARTIFACTS, "broker-pane.png"), fullPage: true });
  },
  async function theBrokerTabBelongsToSandboxConnectionsOnly(page) {
    const frame = await openPane(page);
    await frame.waitForSelector(pageRow);
    // The second preset is a WebSocket broker (mosquitto on localhost): no Broker tab, and
    // what was the Broker tab shows that connection's messages.
    await page.locator(".conn-select").nth(1).click();
    await until(page, () => !document.querySelector('[data-testid="tab-broker"]'), null, "no Broker tab");
    await until(page, () => !document.querySelector('[data-testid="broker-frame"]'), null, "no pane");
    const selected = await page.getAttribute('[data-testid="tab-messages"]', "aria-selected");
    assert(selected === "true", `the Messages tab is selected: ${selected}`);
    await page.locator(".conn-select").first().click();
    await page.waitForSelector('[data-testid="tab-broker"]');
  },
];

async function main() {
  const url = process.argv[2];
  if (!url) {
    console.error("usage: node tests/e2e/broker-pane.mjs <page url>");
    return 2;
  }
  const only = process.env.ONLY;
  const chosen = only ? steps.filter((s, k) => k === 0 || s.name === only) : steps;
  const failed = await runSteps({ url, height: 1200, steps: chosen });
  return failed ? 1 : 0;
}

await exitWith(main);
