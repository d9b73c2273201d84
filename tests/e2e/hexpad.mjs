// End-to-end test of the built hex pad in headless Chromium.
//
//   node tests/e2e/hexpad.mjs http://127.0.0.1:8123/
//
// Loads the page (which carries a strict Content-Security-Policy), fails on any console
// error, page error, failed request, CSP violation or dialog, then drives the pad: picks
// examples, types malformed hex, hovers fields and bytes, moves with the keyboard, and
// checks that markup in a payload stays text. Screenshots go to test-artifacts/ and the
// light one to docs/hexpad.png (set HEXPAD_DOCS_SCREENSHOT=0 to leave docs/ alone).
// CHROMIUM overrides the browser (default /usr/bin/chromium). Exits non-zero on failure.

import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { ARTIFACTS, ROOT, assert, exitWith, runSteps } from "./harness.mjs";

const DOCS_SHOT = join(ROOT, "docs", "hexpad.png");

const ROW = '[data-testid="field-row"]';
const PICKER = '[data-testid="example-picker"]';
const INPUT = '[data-testid="hex-input"]';
const HEX = '[data-testid="hex-view"]';

/** The rows of the field tree as {label, value, path, ref, span, lit}. */
async function treeRows(page) {
  return page.$$eval(ROW, (rows) =>
    rows.map((r) => ({
      label: r.querySelector(".cell-label").textContent,
      value: r.querySelector(".value-text").textContent,
      path: r.querySelector(".cell-path").textContent,
      ref: r.querySelector(".cell-ref").textContent,
      span: r.querySelector(".cell-span").textContent,
      lit: r.classList.contains("lit"),
    })),
  );
}

/** The offsets of the lit bytes in the hex column. */
async function litBytes(page) {
  return page.$$eval(`${HEX} .b.lit`, (cells) => cells.map((c) => Number(c.dataset.i)));
}

async function pick(page, id) {
  await page.selectOption(PICKER, id);
  await page.waitForFunction(
    (sel) => document.querySelectorAll(sel).length > 0,
    ROW,
  );
}

async function typeHex(page, text) {
  await page.fill(INPUT, text);
}

const steps = [
  async function loadsUnderTheCsp(page) {
    const csp = await page.$eval('meta[http-equiv="Content-Security-Policy"]', (m) => m.content);
    assert(csp.includes("script-src 'self' 'wasm-unsafe-eval'"), `unexpected CSP: ${csp}`);
    assert(!csp.includes("unsafe-inline"), "the CSP allows inline script");
    await page.waitForSelector(ROW);
    const rows = await treeRows(page);
    assert(rows[0].label === "PUBLISH", `first example not shown: ${rows[0]?.label}`);
  },

  async function picksAnExample(page) {
    await pick(page, "v5-connect");
    const rows = await treeRows(page);
    assert(rows[0].label === "CONNECT", `heading is ${rows[0].label}`);
    const client = rows.find((r) => r.path === "connect.client_id");
    assert(client && client.value === '"mqttscope-1"', "no Client Identifier row");
    assert(client.ref === "§3.1.3.1", `client id section ${client.ref}`);
    const type = rows.find((r) => r.path === "fixed_header.type");
    const bits = await page.$eval(`${ROW}[data-row="1"] .bits`, (b) => b.textContent);
    assert(type && bits === "0001 ....", `type bits ${bits}`);
    assert(await page.isChecked('[data-testid="version-5.0"]'), "version not 5.0");
    assert((await page.$$(".banner")).length === 0, "a valid packet shows an error");
  },

  async function switchesVersion(page) {
    await pick(page, "v311-publish-qos1");
    assert(await page.isChecked('[data-testid="version-3.1.1"]'), "version not 3.1.1");
    await page.check('[data-testid="version-5.0"]');
    await page.waitForSelector('[data-testid="decode-error"]');
    await page.check('[data-testid="version-3.1.1"]');
    await page.waitForSelector('[data-testid="decode-error"]', { state: "detached" });
  },

  async function showsAMalformedPacketAtItsByte(page) {
    await typeHex(page, "30 0d 00 09 73 65 6e 73 6f 72 73 2f 2b 6f 6e");
    const banner = await page.waitForSelector('[data-testid="decode-error"]');
    const text = await banner.textContent();
    assert(text.includes("[MQTT-3.3.2-2]") && text.includes("byte 12"), `banner: ${text}`);
    const errorCells = await page.$$eval(`${HEX} .b.error-byte`, (c) => c.map((x) => x.dataset.i));
    assert(errorCells.join() === "12", `error byte cells: ${errorCells}`);
    const rows = await treeRows(page);
    const last = rows[rows.length - 1];
    assert(last.label === "Malformed" && last.ref === "[MQTT-3.3.2-2]", `last row ${last.label}`);
    assert(await page.$eval(PICKER, (s) => s.value) === "", "picker still names an example");
  },

  async function reportsBadHexWithItsPosition(page) {
    await typeHex(page, "30 02\n00 0g");
    const banner = await page.waitForSelector('[data-testid="input-error"]');
    const text = await banner.textContent();
    assert(text.includes("line 2, column 5"), `input error: ${text}`);
    assert((await page.getAttribute(INPUT, "aria-invalid")) === "true", "not aria-invalid");
    assert((await page.$$(ROW)).length === 0, "rows shown for bad hex");
  },

  async function hoveringAFieldLightsItsBytes(page) {
    await pick(page, "v5-publish-qos1");
    await page.hover(`${ROW}:has(.cell-path:text-is("publish.topic"))`);
    const lit = await litBytes(page);
    const want = Array.from({ length: 20 }, (_, i) => i + 4);
    assert(lit.join() === want.join(), `lit bytes ${lit}`);
  },

  async function hoveringAByteLightsItsFields(page) {
    await page.hover(`${HEX} .b[data-i="0"]`);
    const lit = (await treeRows(page)).filter((r) => r.lit).map((r) => r.label);
    assert(lit.join() === "Packet Type,DUP flag,QoS level,RETAIN flag", `lit rows ${lit}`);
    const status = await page.textContent('[data-testid="hex-status"]');
    assert(status.startsWith("Byte 0 = 0x32"), `status ${status}`);
  },

  async function keyboardMovesThroughRowsAndBytes(page) {
    await page.mouse.move(0, 0);
    await page.focus(`${ROW}[data-row="0"]`);
    await page.keyboard.press("ArrowDown");
    const focused = await page.evaluate(() => document.activeElement.dataset.row);
    assert(focused === "1", `focus on row ${focused}`);
    assert((await litBytes(page)).join() === "0", "focused row does not light its byte");
    await page.focus(HEX);
    await page.keyboard.press("ArrowRight");
    await page.keyboard.press("ArrowRight");
    const cursor = await page.$eval(`${HEX} .b.cursor`, (c) => c.dataset.i);
    assert(cursor === "1", `cursor on ${cursor}`);
  },

  async function markupInAPayloadStaysText(page) {
    await pick(page, "v311-publish-markup");
    const app = await page.$(".hexpad");
    assert((await app.$$("img, b")).length === 0, "payload markup became elements");
    const rows = await treeRows(page);
    const payload = rows.find((r) => r.path === "publish.payload");
    assert(payload.value.includes("<img src=x onerror=alert(1)>"), `payload: ${payload.value}`);
    const topic = rows.find((r) => r.path === "publish.topic");
    assert(topic.value === '"chat/<b>room</b>"', `topic: ${topic.value}`);
  },
];

/** The pad is a module the page loads on demand: when its wasm cannot be fetched, the page
 *  says so where the pad would be, the rest of the page still works, and once the network
 *  is back "Retry" loads it. */
async function aPadThatCannotLoadIsSaidAndRetried(page) {
  const other = await page.context().newPage();
  try {
    const wasm = "**/mqttscope-inspect_bg.wasm";
    await other.route(wasm, (r) => r.abort());
    await other.goto(page.url(), { waitUntil: "load" });
    const banner = await other.waitForSelector('main .banner[role="alert"]');
    const text = await banner.textContent();
    assert(text.startsWith("The inspector failed: the module did not start"), `banner: ${text}`);
    await other.click('button.page-tab:has-text("Client")');
    await other.waitForSelector('[data-testid="add-connection"]');
    await other.click('button.page-tab:has-text("Hex pad")');
    // The loader's script elements go once they have run or failed: retries add none for good.
    const scripts = () => other.$$eval('script[src$="inspect-boot.js"], script[src$="mqttscope-inspect.js"]', (s) => s.length);
    assert((await scripts()) === 0, "the failed load left its script elements");
    await other.unroute(wasm);
    await other.click('[data-testid="inspector-retry"]');
    await other.waitForSelector(ROW);
    assert((await other.$$('main .banner[role="alert"]')).length === 0, "the failure is still said");
    assert((await scripts()) === 0, "the retry left its script element");
  } finally {
    await other.close();
  }
}

async function screenshots(page) {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.evaluate(() => document.activeElement?.blur());
  await pick(page, "v5-publish-qos1");
  await page.hover(`${ROW}:has(.cell-path:text-is("publish.properties.user_properties[0].value"))`);
  const light = join(ARTIFACTS, "hexpad-light.png");
  await page.screenshot({ path: light });
  if (process.env.HEXPAD_DOCS_SCREENSHOT !== "0") {
    mkdirSync(join(ROOT, "docs"), { recursive: true });
    const bottom = await page.$eval(".hexpad", (e) => e.getBoundingClientRect().bottom);
    const clip = { x: 0, y: 0, width: 1440, height: Math.min(900, Math.ceil(bottom) + 24) };
    await page.screenshot({ path: DOCS_SHOT, clip });
  }
  await pick(page, "bad-duplicate-property");
  await page.screenshot({ path: join(ARTIFACTS, "hexpad-malformed.png") });
  await page.emulateMedia({ colorScheme: "dark" });
  await pick(page, "v5-connect");
  await page.hover(`${HEX} .b[data-i="9"]`);
  await page.screenshot({ path: join(ARTIFACTS, "hexpad-dark.png") });
  await page.emulateMedia({ colorScheme: "light" });
  await page.setViewportSize({ width: 900, height: 1000 });
  await page.screenshot({ path: join(ARTIFACTS, "hexpad-narrow.png"), fullPage: true });
}

async function main() {
  const url = process.argv[2];
  if (!url) {
    console.error("usage: node tests/e2e/hexpad.mjs <page url>");
    return 2;
  }
  const failed = await runSteps({ url: new URL("#/hexpad", url).href, steps: [...steps, screenshots, aPadThatCannotLoadIsSaidAndRetried] });
  return failed ? 1 : 0;
}

await exitWith(main);
