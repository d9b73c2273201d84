// End-to-end test of the sandbox broker in the page: no broker runs anywhere.
//
//   node tests/e2e/sandbox.mjs http://127.0.0.1:8123/
//
// A fresh page (no saved connections) connects "Sandbox, in this page" (sandbox://home)
// on its own, subscribed to home/#, and shows the thermostat's messages within seconds;
// the inspector holds the sandbox connection's CONNECT and CONNACK bytes; a brightness
// command published from the page changes what the lights publish; and a second tab
// shares the one sandbox (a SharedWorker): a retained message published from the first
// tab reaches a subscription made in the second; a page back from the back-forward cache
// reconnects at once; and a reload of the first tab while the
// second stays open finds the same sandbox (its retained messages still there); a
// sandbox connection with a keep-alive of 1 s stays up on its PINGRESPs, each keep-alive
// deadline judged once the sandbox has said what it holds for the page. Exits non-zero
// on failure.

import { assert, exitWith, runSteps } from "./harness.mjs";
import { configure, inspectorHex, newConnection, packetCount, selectPacket, statusIs, until } from "./page.mjs";

const SEEN_WITHIN_MS = 8000;

/** Waits until the message list shows a message on `topic` whose payload contains `text`. */
function messageShown(page, topic, text, what, timeout) {
  return until(
    page,
    ([topic, text]) =>
      [...document.querySelectorAll('[data-testid="msg-topic"]')].some(
        (t) => t.textContent === topic && t.closest("li, tr, div")?.textContent.includes(text),
      ),
    [topic, text],
    what,
    timeout,
  );
}

/** Publishes `payload` to `topic` from the page (retained when asked). */
async function publish(page, topic, payload, retain = false) {
  await page.fill('[data-testid="pub-topic"]', topic);
  await page.fill('[data-testid="pub-payload"]', payload);
  const box = page.locator('section[aria-label="Publish"]').getByLabel("Retain");
  if ((await box.isChecked()) !== retain) await box.click();
  await page.click('[data-testid="publish"]');
}

const steps = [
  async function aFreshPageShowsTheThermostat(page) {
    const started = Date.now();
    await page.waitForSelector('[data-testid="add-connection"]');
    const first = await page.textContent(".conn-name");
    assert(first === "Sandbox, in this page", `the first connection is ${JSON.stringify(first)}`);
    await statusIs(page, "connected", "the sandbox connected on its own");
    await messageShown(page, "home/livingroom/temperature", '"temperature":', "a temperature message", SEEN_WITHIN_MS);
    console.log(`     the first temperature message after ${Date.now() - started} ms`);
    const subs = await page.textContent('[data-testid="subscriptions"]');
    assert(subs.includes("home/#"), `subscriptions: ${subs}`);
  },
  async function theInspectorShowsTheSandboxConnectAndConnack(page) {
    await selectPacket(page, "CONNECT", "first");
    const connect = await inspectorHex(page);
    assert(connect.startsWith("10 ") && connect.includes("4d 51 54 54 05"), `CONNECT: ${connect.slice(0, 60)}`);
    await selectPacket(page, "CONNACK", "first");
    const connack = await inspectorHex(page);
    assert(connack.startsWith("20 "), `CONNACK: ${connack.slice(0, 60)}`);
    await page.click('[data-testid="tab-messages"]');
  },
  async function theLightsObeyACommandFromThePage(page) {
    await publish(page, "home/lights/brightness/set", "23");
    await messageShown(page, "home/lights/brightness", '"brightness":23', "the lights at 23", 5000);
  },
  async function twoTabsShareOneSandbox(page) {
    await publish(page, "e2e/shared", "from the first tab", true);
    const other = await page.context().newPage();
    try {
      await other.goto(page.url(), { waitUntil: "load" });
      await other.click('[data-testid="add-connection"]');
      if (!(await other.$('[data-testid="url"]'))) await other.click('button:has-text("Settings")');
      await other.getByLabel("Name", { exact: true }).fill("second tab");
      await configure(other, "sandbox://home", "5", "e2e-second-tab");
      await statusIs(other, "connected", "the second tab's sandbox connection");
      await other.fill('[data-testid="sub-filter"]', "e2e/#");
      await other.click('[data-testid="subscribe"]');
      await messageShown(other, "e2e/shared", "from the first tab", "the retained message in the second tab", 5000);
    } finally {
      await other.close();
    }
  },
  async function aPageBackFromTheBackForwardCacheReconnectsAtOnce(page) {
    // Playwright's Chromium runs without the back-forward cache, so the page is told it
    // left and came back the way the browser tells it: pagehide, then pageshow with
    // persisted. The sandbox ended the tab's connections at pagehide; the page must
    // notice at pageshow, not a keep-alive (60 s) later.
    await statusIs(page, "connected", "the sandbox connection before");
    await page.evaluate(() => {
      const status = document.querySelector('[data-testid="conn-status"]');
      window.e2eStatuses = [];
      new MutationObserver(() => window.e2eStatuses.push(status.textContent)).observe(status, {
        subtree: true,
        childList: true,
        characterData: true,
      });
      window.dispatchEvent(new PageTransitionEvent("pagehide", { persisted: true }));
      window.dispatchEvent(new PageTransitionEvent("pageshow", { persisted: true }));
    });
    await until(
      page,
      () => {
        const seen = window.e2eStatuses;
        // No status but "connected" contains the word ("connection lost, will retry",
        // "reconnecting (try 2)", "waiting for CONNACK", ...).
        const left = seen.findIndex((t) => !t.includes("connected"));
        return left >= 0 && seen.slice(left).some((t) => t.includes("connected"));
      },
      null,
      "the connection to drop and come back within 5 s",
      5000,
    );
    await statusIs(page, "connected", "the sandbox connection after the page came back");
  },
  async function aReloadKeepsTheSandboxWhileAnotherTabIsOpen(page) {
    await publish(page, "e2e/kept", "published before the reload", true);
    const other = await page.context().newPage();
    try {
      await other.goto(page.url(), { waitUntil: "load" });
      // The second tab holds the sandbox's SharedWorker while the first one reloads.
      await statusIs(other, "offline", "the second tab's saved sandbox connection");
      await other.click('[data-testid="connect"]');
      await statusIs(other, "connected", "the second tab's own sandbox connection");
      await page.reload({ waitUntil: "load" });
      await page.waitForSelector('[data-testid="add-connection"]');
      const first = await page.textContent(".conn-name");
      assert(first === "Sandbox, in this page", `after the reload the first connection is ${JSON.stringify(first)}`);
      // Only a first visit connects on its own: after a reload the saved sandbox connection
      // waits for the user, like any other.
      await statusIs(page, "offline", "the saved sandbox connection after the reload");
      await page.click('[data-testid="connect"]');
      await statusIs(page, "connected", "the sandbox connection after the reload");
      await page.fill('[data-testid="sub-filter"]', "e2e/kept");
      await page.click('[data-testid="subscribe"]');
      await messageShown(page, "e2e/kept", "published before the reload", "the retained message after the reload", 5000);
    } finally {
      await other.close();
    }
  },
  async function aOneSecondKeepAliveIsAnsweredInTheSandbox(page) {
    await newConnection(page, "pings");
    await page.getByLabel("Keep alive").fill("1");
    await configure(page, "sandbox://home", "5", "e2e-pings");
    await statusIs(page, "connected");
    await page.waitForTimeout(4500);
    await statusIs(page, "connected", "still connected after 4.5 keep-alives");
    await page.click('[data-testid="tab-packets"]');
    // The devices' messages would push the first rows out of the windowed list.
    await page.getByLabel("Hide PUBLISH and its acknowledgements").check();
    const [pings, pongs] = [await packetCount(page, "PINGREQ"), await packetCount(page, "PINGRESP")];
    assert(pings >= 3 && pongs >= 3, `${pings} PINGREQs and ${pongs} PINGRESPs in 4.5 s`);
    const connects = await packetCount(page, "CONNECT");
    assert(connects === 1, `${connects} CONNECTs: it reconnected`);
    await page.getByLabel("Hide PUBLISH and its acknowledgements").uncheck();
    await page.click('[data-testid="tab-messages"]');
    await page.click('[data-testid="connect"]');
  },
];

async function main() {
  const url = process.argv[2];
  if (!url) {
    console.error("usage: node tests/e2e/sandbox.mjs <page url>");
    return 2;
  }
  // Playwright counts the SharedWorker's script request as the first tab's, still open
  // while the worker lives: reloading that tab reports it aborted (net::ERR_ABORTED),
  // although the worker, held by the second tab, goes on (the reload step shows it).
  const expected = (p) => /^request failed: .*\/sandbox-worker\.js$/.test(p);
  const failed = await runSteps({ url, height: 1000, steps, expected });
  return failed ? 1 : 0;
}

await exitWith(main);
