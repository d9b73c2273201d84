// End-to-end test of the sandbox broker in the page: no broker runs anywhere.
//
//   node tests/e2e/sandbox.mjs http://127.0.0.1:8123/
//
// A fresh page (no saved connections) connects "Sandbox, in this page" (sandbox://home)
// on its own, subscribed to home/#, and shows the thermostat's messages within seconds;
// the inspector holds the sandbox connection's CONNECT and CONNACK bytes; a brightness
// command published from the page changes what the lights publish; and a second tab
// shares the one sandbox (a SharedWorker): a retained message published from the first
// tab reaches a subscription made in the second. Exits non-zero on failure.

import { assert, exitWith, runSteps } from "./harness.mjs";
import { configure, inspectorHex, selectPacket, statusIs, until } from "./page.mjs";

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
];

async function main() {
  const url = process.argv[2];
  if (!url) {
    console.error("usage: node tests/e2e/sandbox.mjs <page url>");
    return 2;
  }
  const failed = await runSteps({ url, height: 1000, steps });
  return failed ? 1 : 0;
}

await exitWith(main);
