// End-to-end test of the payload frame (payload.html, its own module) in headless Chromium
// against the built page and a real mosquitto on free loopback ports.
//
//   node tests/e2e/payload-view.mjs http://127.0.0.1:8123/      (ONLY=<step> runs one)
//
// A message's Decoded view loads the frame, which reads the message from the page: CBOR
// from mosquitto_pub is detected and drawn as a tree, and pointing at a value lights up
// exactly its bytes; a rule (topic filter to decoder) made in the frame decodes the next
// message of a matching topic and is still there in the next frame; .proto files loaded
// into the frame decode the payloads Google's Python protobuf writes; a pysparkplug edge
// node's data sent by alias gets its metric names from the birth (and a chart of such a
// metric follows it by name from the birth on), and its skipped sequence number is pointed
// out; a topic's changes since its previous message are listed, and those since any other
// picked from the list; a number
// is charted over the topic's messages, live (uPlot); the message shown stays shown, and its
// Decoded view, left and chosen again, still decodes it after a flood has pushed it out of
// the page's history; a payload that does not decode marks the byte where it failed. Screenshots go to test-artifacts/.
// Exits non-zero on failure.

import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { ARTIFACTS, ROOT, assert, exitWith, runSteps } from "./harness.mjs";
import { Broker, sleep } from "./mosquitto.mjs";
import { configure, statusIs, until } from "./page.mjs";

const BROKERS = join(ROOT, "crates", "cli", "tests", "brokers");
const PYTHON_LIBS = join(ROOT, ".tools", "protobuf");

/** Publishes `bytes` to `topic` with mosquitto_pub (from a file: the bytes as they are). */
function publish(ctx, topic, bytes) {
  const file = join(ctx.dir, "payload.bin");
  writeFileSync(file, bytes);
  ctx.broker.pub(["-t", topic, "-f", file]);
}

/** Runs a producer script of crates/cli/tests/brokers with the pinned Python libraries. */
function python(script, args) {
  const r = spawnSync("python3", [join(BROKERS, script), ...args], {
    env: { ...process.env, PYTHONPATH: PYTHON_LIBS },
    encoding: "utf8",
    timeout: 60000,
  });
  if (r.status !== 0) throw new Error(`${script} failed: ${r.stdout} ${r.stderr}`);
}

/** Selects the newest message of `topic` (the list is newest first) and opens its Decoded
 *  view (with `topic` null: the view is open already); returns the frame. */
async function decoded(page, topic) {
  if (topic !== null) {
    const line = page.locator('[data-testid="msg-topic"]', { hasText: new RegExp(`^${topic.replace(/[.+]/g, "\\$&")}$`) });
    await line.first().waitFor({ timeout: 15000 });
    await line.first().click();
    await page.click('button.seg:has-text("Decoded")');
  }
  await page.waitForSelector('[data-testid="payload-frame"]');
  for (let k = 0; k < 100; k += 1) {
    const frame = page.frames().find((f) => f.url().includes("/payload.html#") && f.url().includes(`conn=`));
    if (frame && (await frame.$('[data-testid="decoder-name"], [data-testid="payload-missing"]'))) return frame;
    await page.waitForTimeout(100);
  }
  throw new Error(`the payload frame of ${topic} never loaded`);
}

/** The decoded tree's rows as "key: value" texts (without their chart buttons). */
const treeRows = (frame) =>
  frame.$$eval('[data-testid="decoded-tree"] .tree-row', (rows) =>
    rows.map((r) => (r.querySelector(".tree-key")?.textContent ?? "") + r.querySelector(".tree-value").textContent),
  );

/** The hex of the lit bytes. */
const litBytes = (frame) => frame.$$eval('[data-testid="payload-bytes"] .byte.lit', (b) => b.map((x) => x.textContent).join(" "));

const shot = (page, name) => page.screenshot({ path: join(ARTIFACTS, `payload-${name}.png`), fullPage: true });

function steps(ctx) {
  return [
    async function connectsAndSubscribes(page) {
      await page.click('[data-testid="add-connection"]');
      if (!(await page.$('[data-testid="url"]'))) await page.click('button:has-text("Settings")');
      await page.getByLabel("Name", { exact: true }).fill("payloads");
      await configure(page, `ws://127.0.0.1:${ctx.broker.ws}`, "5");
      await statusIs(page, "connected");
      for (const filter of ["pv/#", "spBv1.0/#"]) {
        await page.fill('[data-testid="sub-filter"]', filter);
        await page.click('[data-testid="subscribe"]');
      }
      await sleep(500);
    },

    async function cborIsDetectedAndAValueLightsUpItsBytes(page) {
      // {"temp": 21.5, "ok": true}: 21.5 is the half float f9 4d 60.
      publish(ctx, "pv/cbor", Buffer.from("a26474656d70f94d60626f6bf5", "hex"));
      const frame = await decoded(page, "pv/cbor");
      assert((await frame.textContent('[data-testid="decoder-name"]')) === "cbor", "decoder cbor");
      const why = await frame.textContent('[data-testid="decoder-why"]');
      assert(why === "detected (likely): parses as CBOR", `why: ${why}`);
      const rows = await treeRows(frame);
      assert(JSON.stringify(rows) === JSON.stringify(["{2}", "temp: 21.5", "ok: true"]), `rows: ${JSON.stringify(rows)}`);
      await frame.hover('[data-testid="decoded-tree"] .tree-row[data-path="temp"]');
      const lit = await litBytes(frame);
      assert(lit === "f9 4d 60", `lit bytes: ${lit}`);
      await shot(page, "cbor");
    },

    async function aRuleDecodesTheNextMessageAndIsKept(page) {
      publish(ctx, "pv/raw/a", Buffer.from([0x00, 0xd7]));
      let frame = await decoded(page, "pv/raw/a");
      await frame.selectOption('[data-testid="decoder-select"]', "int16be");
      await until(frame, () => document.querySelector('[data-testid="decoder-why"]')?.textContent === "picked", null, "the picked decoder");
      await frame.fill('[data-testid="rule-filter"]', "pv/raw/#");
      await frame.click('[data-testid="rule-save"]');
      const rules = await frame.textContent('[data-testid="rule-list"] ul');
      assert(rules.includes("pv/raw/#") && rules.includes("int16be"), `rules: ${rules}`);
      publish(ctx, "pv/raw/b", Buffer.from([0xff, 0xfe]));
      frame = await decoded(page, "pv/raw/b");
      const why = await frame.textContent('[data-testid="decoder-why"]');
      assert(why === "rule pv/raw/#", `why: ${why}`);
      assert(JSON.stringify(await treeRows(frame)) === JSON.stringify(["-2"]), "0xfffe as int16be");
    },

    async function protoFilesDecodePythonProtobuf(page) {
      python("protobuf_producer.py", [String(ctx.broker.tcp), "pv/pb"]);
      let frame = await decoded(page, "pv/pb/full");
      const dir = join(BROKERS, "proto");
      await frame.setInputFiles('[data-testid="schema-input"]', [join(dir, "telemetry.proto"), join(dir, "units.proto")]);
      await until(frame, () => document.querySelector('[data-testid="schema-types"]')?.textContent.includes("factory.Reading"), null, "the schema's types");
      await frame.selectOption('[data-testid="decoder-select"]', "protobuf:factory.Reading");
      await until(frame, () => document.querySelector('[data-testid="decoder-name"]')?.textContent === "protobuf:factory.Reading", null, "the protobuf decoder");
      const rows = await treeRows(frame);
      for (const want of ['sensor: "line-4/th-1"', "offset: -3", "counter: -9000000000", 'mode: "RUNNING"', "value: 3.25", 'unit: "l/min"', "jam: 2", "serial: 18446744073709551615"]) {
        assert(rows.includes(want), `no row ${want} in ${JSON.stringify(rows)}`);
      }
      await frame.fill('[data-testid="rule-filter"]', "pv/pb/+");
      await frame.click('[data-testid="rule-save"]');
      await shot(page, "protobuf");
      // The schema and the rule are kept for this broker: the next frame uses them.
      frame = await decoded(page, "pv/pb/stopped");
      const why = await frame.textContent('[data-testid="decoder-why"]');
      assert(why === "rule pv/pb/+", `why: ${why}`);
      assert((await treeRows(frame)).includes('mode: "STOPPED"'), "the stopped reading");
    },

    async function sparkplugAliasesAndGapsFromPysparkplug(page) {
      python("sparkplug_producer.py", [String(ctx.broker.tcp)]);
      let frame = await decoded(page, "spBv1.0/plant/NDATA/gw1");
      assert((await frame.textContent('[data-testid="decoder-name"]')) === "sparkplug", "detected as Sparkplug");
      const rows = await treeRows(frame);
      assert(rows.includes('name: "Temperature"') && rows.includes("value: 22.0"), `alias resolved: ${JSON.stringify(rows)}`);
      // Charted by name, the metric sent by alias alone counts with its NBIRTH value.
      await frame.click('[data-testid="decoded-tree"] .tree-row[data-path="metrics[0].value"] .chart-it');
      await until(frame, () => document.querySelector('[data-testid="chart-last"]')?.textContent === "22", null, "the charted metric");
      const stats = await frame.$$eval(".chart-stats tr:nth-child(2) > *", (cells) => cells.map((c) => c.textContent));
      const want = ["spBv1.0/plant/+/gw1 metrics[name=Temperature].value", "22", "21.5", "22"];
      assert(JSON.stringify(stats.slice(0, 4)) === JSON.stringify(want) && stats[5] === "2", `stats: ${stats}`);
      frame = await decoded(page, "spBv1.0/plant/DDATA/gw1/pump");
      const notes = await frame.textContent('[data-testid="sparkplug-notes"]');
      assert(notes.includes("sequence gap: expected seq 3, got 4"), `notes: ${notes}`);
      await shot(page, "sparkplug");
    },

    async function changesSinceThePreviousMessage(page) {
      publish(ctx, "pv/json", Buffer.from('{"a": 0}'));
      await sleep(200);
      publish(ctx, "pv/json", Buffer.from('{"a": 1, "b": 2}'));
      await sleep(200);
      publish(ctx, "pv/json", Buffer.from('{"a": 1, "b": 3, "c": [4]}'));
      const frame = await decoded(page, "pv/json");
      const lines = () => frame.$$eval('[data-testid="diff-panel"] tr', (trs) => trs.map((t) => [...t.children].map((c) => c.textContent).join("|")));
      await until(frame, () => document.querySelectorAll('[data-testid="diff-panel"] tr').length === 2, null, "two changes");
      let got = await lines();
      assert(JSON.stringify(got) === JSON.stringify(["~|b|2|3", "+|c[0]||4"]), `diff: ${JSON.stringify(got)}`);
      // Any two: the oldest of the topic's messages, picked from the list (newest first).
      const choices = await frame.$$eval('[data-testid="diff-against"] option', (os) => os.map((o) => o.textContent));
      assert(choices.length === 3 && choices[0] === "the previous message" && choices.slice(1).every((c) => c.endsWith("older")), `choices: ${choices}`);
      await frame.selectOption('[data-testid="diff-against"]', { index: 2 });
      await until(frame, () => document.querySelectorAll('[data-testid="diff-panel"] tr').length === 3, null, "three changes");
      got = await lines();
      assert(JSON.stringify(got) === JSON.stringify(["~|a|0|1", "+|b||3", "+|c[0]||4"]), `diff with the oldest: ${JSON.stringify(got)}`);
      const direction = await frame.textContent('[data-testid="diff-direction"]');
      assert(direction === "From the older one to this message:", `direction: ${direction}`);
      await shot(page, "diff");
    },

    async function aValueIsChartedLive(page) {
      for (let i = 0; i < 5; i += 1) {
        publish(ctx, "pv/chart", Buffer.from(JSON.stringify({ t: 20 + i, name: "probe" })));
        await sleep(100);
      }
      const frame = await decoded(page, "pv/chart");
      const numbersOnly = await frame.$$eval('[data-testid="decoded-tree"] .tree-row', (rows) => rows.map((r) => !!r.querySelector(".chart-it")));
      assert(JSON.stringify(numbersOnly) === "[false,true,false]", `chart buttons on numbers only: ${numbersOnly}`);
      await frame.click('[data-testid="decoded-tree"] .tree-row[data-path="t"] .chart-it');
      await until(frame, () => document.querySelector('[data-testid="chart-last"]')?.textContent === "24", null, "the last value 24");
      const stats = await frame.$$eval(".chart-stats tr:nth-child(2) > *", (cells) => cells.map((c) => c.textContent));
      assert(JSON.stringify(stats.slice(0, 4)) === JSON.stringify(["pv/chart t", "24", "20", "24"]) && stats[5] === "5", `stats: ${stats}`);
      assert(await frame.$('[data-testid="chart"] canvas'), "uPlot drew a canvas");
      publish(ctx, "pv/chart", Buffer.from('{"t": 30}'));
      await until(frame, () => document.querySelector('[data-testid="chart-last"]')?.textContent === "30", null, "the live value 30");
      await shot(page, "chart");
    },

    async function theShownMessageOutlivesTheHistory(page) {
      publish(ctx, "pv/keep", Buffer.from('{"kept": true}'));
      await decoded(page, "pv/keep");
      // 10,050 messages push it out of the page's history of 10,000; it stays shown.
      const lines = Array.from({ length: 10050 }, (_, i) => String(i)).join("\n") + "\n";
      ctx.broker.pub(["-t", "pv/flood", "-l"], lines);
      await until(page, () => document.querySelector('[data-testid="msg-topic"]')?.textContent === "pv/flood", null, "the flood", 60000);
      await sleep(1000);
      assert((await page.textContent('[data-testid="detail-topic"]')) === "pv/keep", "the message stays shown");
      // Another view and back: a new frame, which reads the message the history let go.
      await page.click('button.seg:has-text("Text")');
      await page.click('button.seg:has-text("Decoded")');
      const frame = await decoded(page, null);
      const rows = await treeRows(frame);
      assert(JSON.stringify(rows) === JSON.stringify(["{1}", "kept: true"]), `rows: ${JSON.stringify(rows)}`);
    },

    async function aPayloadThatFailsMarksItsByte(page) {
      publish(ctx, "pv/bad", Buffer.from('{"a": 1,}'));
      const frame = await decoded(page, "pv/bad");
      await frame.selectOption('[data-testid="decoder-select"]', "json");
      await until(frame, () => document.querySelector('[data-testid="decode-error"]'), null, "the error");
      const error = await frame.textContent('[data-testid="decode-error"]');
      const bad = await frame.$$eval('[data-testid="payload-bytes"] .byte.bad', (b) => b.map((x) => x.textContent));
      assert(error.startsWith("at byte 8:") && JSON.stringify(bad) === '["7d"]', `error ${error}, marked ${bad}`);
    },
  ];
}

async function main() {
  const url = process.argv[2];
  assert(url, "usage: node tests/e2e/payload-view.mjs <page url>");
  const dir = mkdtempSync(join(tmpdir(), "mqttscope-e2e-payload-"));
  const broker = await Broker.onFreePorts(dir);
  await broker.start();
  const ctx = { broker, dir };
  try {
    const all = steps(ctx);
    const only = process.env.ONLY;
    const chosen = only ? [all[0], ...all.filter((s) => s.name === only)] : all;
    return await runSteps({ url, height: 1000, steps: chosen });
  } finally {
    await broker.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await exitWith(main);
