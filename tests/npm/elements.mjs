// The npm package's `mqttscope/elements` entry, used as a user would: packed with
// `npm pack`, installed from the tarball into a fresh folder, imported by its path from a
// plain <script type="module"> in headless Chromium, the elements bound to clients of the
// `mqttscope` entry connected to a real mosquitto on loopback (mosquitto_pub publishes).
//
//   node tests/npm/elements.mjs pkg
//
// A scripted peer drops the first connection at its SUBSCRIBE, for what mosquitto will not
// do. A page with only <mqtt-value> is checked first, in a fresh browser, for what it fetches
// (never the dissector). The declarations are checked too: TypeScript (pinned in
// tests/e2e) compiles a user's module against them in strict mode and must refuse what
// they forbid. Screenshots go to test-artifacts/elements-*.png.
//
// `cargo xtask test` runs it in the `npm` tier. CHROMIUM overrides the browser (default
// /usr/bin/chromium), MOSQUITTO the broker.

import assert from "node:assert/strict";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { address, install, packetsOf, serve, typeCheck } from "./common.mjs";
import { ARTIFACTS, runSteps } from "../e2e/harness.mjs";
import { packet, str, varint } from "../e2e/hostile.mjs";
import { Broker, sleep } from "../e2e/mosquitto.mjs";
import { WebSocketServer } from "../e2e/node_modules/ws/wrapper.mjs";

/** PUBLISH, MQTT 5: QoS 1, packet id 7, Content Type and a User Property, payload "70". */
const PUBLISH =
  "32 34 00 16 686f6d652f6c69676874732f6272696768746e657373 00 07 17" +
  " 03 000a 746578742f706c61696e 26 0004 756e6974 0001 25 3730";
/** A payload that would run script if it were ever parsed as HTML. */
const XSS = `<img src=x onerror="window.pwned=1"><script>window.pwned=2</script>`;
/** How many messages the flood step sends. */
const FLOOD = 10000;

/** What every test page shares: the two entries, and helpers the steps call. */
const HEAD = `<!doctype html><meta charset="utf-8"><title>mqttscope elements</title><link rel="icon" href="data:,">
<script type="module">
  // The flood makes thousands of entries; the default buffer of 250 would fill first.
  performance.setResourceTimingBufferSize(100000);
  window.elements = await import("/node_modules/mqttscope/elements/index.js");
  window.mqtt = await import("/node_modules/mqttscope/client/index.js");
  /** The nodes matching \`q\` in the shadow root of the element matching \`sel\` (in the
   *  document, or parked outside it). */
  window.inner = (sel, q) =>
    [...(document.querySelector(sel) ?? window.parked.querySelector(sel)).shadowRoot.querySelectorAll(q)];
  window.texts = (sel, q) => inner(sel, q).map((e) => e.textContent);
  /** The names of the files the page fetched. */
  window.fetched = () => performance.getEntriesByType("resource").map((e) => new URL(e.name).pathname);
  /** A client that records the types of the control packets it sends and receives. */
  window.client = async (url) => {
    const c = new mqtt.Client(url, { version: 5 });
    c.sent = [];
    c.got = [];
    c.on("packet", (p) => (p.direction === "sent" ? c.sent : c.got).push(p.type));
    await c.connect();
    return c;
  };
  window.ready = true;
</script>`;

/** The page with only <mqtt-value>, for what it fetches. */
const VALUE_PAGE = `${HEAD}
<p>Temperature: <mqtt-value id="early" topic="plant/line1/temp" path="a.b[2]" digits="1" unit="°C"></mqtt-value>
<p>Nothing yet: <mqtt-value id="none" topic="plant/nothing/yet" placeholder="n/a"></mqtt-value>
<p>Bound before connecting: <mqtt-value id="later" topic="plant/line1/temp" path="a.b[2]"></mqtt-value>
<p>Set up before the module loaded: <mqtt-value id="preset"></mqtt-value>
<script>
  // As a framework may: properties set on the element before its class is defined.
  Object.assign(document.querySelector("#preset"), { topic: "plant/line1/temp", path: "a.b[2]" });
</script>`;

/** The page with every element. */
const PAGE = `${HEAD}
<style>
  body { font: 14px system-ui; margin: 16px; display: grid; gap: 12px; }
  mqtt-messages, mqtt-topic-tree { height: 300px; }
  mqtt-value.parted::part(value) { color: rgb(0, 128, 0); }
</style>
<mqtt-packet id="packet" hex="${PUBLISH}"></mqtt-packet>
<mqtt-packet id="bad" hex="36 00"></mqtt-packet>
<mqtt-packet id="short" hex="30 05 00 01"></mqtt-packet>
<mqtt-messages id="messages" filter="feed/#"></mqtt-messages>
<mqtt-topic-tree id="tree" filter="plant/#"></mqtt-topic-tree>
<p>Value: <mqtt-value id="value" topic="plant/line1/temp" path="a.b[2]" digits="2" unit="°C"></mqtt-value>`;

const routes = (path) => (path === "/" ? PAGE : path === "/value-only" ? VALUE_PAGE : undefined);

/** Waits until `f(arg)` is truthy in the page. */
const until = (page, f, arg, timeout = 15000) => page.waitForFunction(f, arg, { timeout, polling: 50 });

/** Fails if any element's shadow DOM holds markup from a payload or topic, or it ran. */
async function noMarkup(page) {
  await sleep(300);
  const r = await page.evaluate(() => ({
    markup: ["#messages", "#tree", "#value"].map((s) => document.querySelector(s).shadowRoot.querySelectorAll("img, script, b").length),
    images: document.images.length,
    pwned: window.pwned ?? null,
  }));
  assert.deepEqual(r, { markup: [0, 0, 0], images: 0, pwned: null });
}

/** The text of each row of the messages list, top to bottom: [topic, qos, payload]. */
const messageRows = (page, sel = "#messages") =>
  page.evaluate((sel) => inner(sel, ".row").map((r) => [...r.children].slice(1).map((c) => c.textContent)), sel);

/** The steps of the page with only <mqtt-value>. */
function valueOnlySteps(broker, url) {
  return [
    async function aRetainedValueFromBeforeTheElementShowsAtItsJsonPath(page) {
      await page.waitForFunction(() => window.ready, null, { timeout: 15000 });
      const before = await page.evaluate(() => [texts("#none", ".value")[0], document.querySelector("#none").state]);
      assert.deepEqual(before, ["n/a", "waiting"], "the placeholder until a value comes");
      await page.evaluate(async (url) => {
        window.c = await client(url);
        document.querySelector("#early").client = c;
        document.querySelector("#none").client = c;
      }, url);
      await until(page, () => texts("#early", ".value")[0] === "21.5");
      const r = await page.evaluate(() => {
        const v = document.querySelector("#early");
        return [texts("#early", ".unit")[0], v.state, v.value, v.message.retain];
      });
      assert.deepEqual(r, ["°C", "ok", 21.456, true]);
    },
    async function anElementBoundBeforeTheClientConnectsSubscribesOnceItIs(page) {
      await page.evaluate(async (url) => {
        const later = new mqtt.Client(url);
        document.querySelector("#later").client = later;
        await new Promise((ok) => setTimeout(ok, 200));
        await later.connect();
      }, url);
      await until(page, () => texts("#later", ".value")[0] === "21.456");
    },
    async function propertiesSetBeforeTheModuleLoadedTakeEffect(page) {
      await page.evaluate(() => (document.querySelector("#preset").client = c));
      await until(page, () => texts("#preset", ".value")[0] === "21.456");
      const attrs = await page.evaluate(() => ["topic", "path"].map((a) => document.querySelector("#preset").getAttribute(a)));
      assert.deepEqual(attrs, ["plant/line1/temp", "a.b[2]"], "the properties went through the setters");
    },
    async function anUpdateFromMosquittoPubShows(page) {
      broker.pub(["-t", "plant/line1/temp", "-m", '{"a":{"b":[0,0,19.04]}}', "-q", "1"]);
      await until(page, () => texts("#early", ".value")[0] === "19.0");
      const r = await page.evaluate(() => [document.querySelector("#early").message.retain, texts("#none", ".value")[0]]);
      assert.deepEqual(r, [false, "n/a"], "a live message, and no value for a topic that has none");
      await page.locator("body").screenshot({ path: join(ARTIFACTS, "elements-value.png") });
    },
    async function theDissectorIsNeverFetched(page) {
      const files = await page.evaluate(() => fetched());
      assert.ok(files.some((f) => f.endsWith("/elements/value.js")), `the elements were fetched: ${files}`);
      assert.ok(files.some((f) => f.endsWith("/client/worker.js")), `the client's worker was: ${files}`);
      const dissector = files.filter((f) => f.includes("/dissect/"));
      assert.deepEqual(dissector, [], "no file of the dissector");
    },
  ];
}

/** The checks of <mqtt-packet>. */
function packetSteps() {
  return [
    async function thePacketShowsItsFieldTreeAndHexView(page) {
      await until(page, () => inner("#packet", ".field").length > 0);
      const r = await page.evaluate(() => ({
        fields: inner("#packet", ".field").length,
        topic: inner("#packet", ".field")[6].textContent,
        bytes: texts("#packet", ".byte").length,
        first: texts("#packet", ".byte").slice(0, 4).join(" "),
        dissection: document.querySelector("#packet").dissection.packetType,
        fetched: fetched().filter((f) => f.endsWith("mqttscope_dissect_bg.wasm")).length,
      }));
      assert.equal(r.fields, 18);
      assert.equal(r.topic, '4–25Topic Name"home/lights/brightness"§3.3.2.1');
      assert.deepEqual([r.bytes, r.first, r.dissection], [54, "32 34 00 16", "PUBLISH"]);
      assert.equal(r.fetched, 1, "this page fetched the dissector's wasm (so the check of the other page could fail)");
    },
    async function pointingAtAFieldLightsItsBytes(page) {
      await page.locator("#packet .field[data-k='6']").hover();
      const r = await page.evaluate(() => ({
        lit: inner("#packet", ".byte.lit").map((b) => Number(b.dataset.i)),
        parts: inner("#packet", ".byte.lit")[0]?.getAttribute("part"),
        rows: inner("#packet", ".field.lit").map((f) => f.dataset.k),
      }));
      assert.deepEqual(r.lit, Array.from({ length: 22 }, (_, i) => 4 + i), "bytes 4 to 25: the topic");
      assert.equal(r.parts, "byte lit");
      assert.deepEqual(r.rows, ["6"]);
    },
    async function pointingAtAByteLightsItsFields(page) {
      await page.locator("#packet .byte[data-i='0']").hover();
      const first = await page.evaluate(() => inner("#packet", ".field.lit").map((f) => f.dataset.k));
      assert.deepEqual(first, ["0", "1", "2", "3"], "byte 0: type, DUP, QoS, RETAIN");
      await page.locator("#packet .byte[data-i='35']").hover();
      const r = await page.evaluate(() => ({
        rows: inner("#packet", ".field.lit").map((f) => f.querySelector(".name").textContent),
        lit: inner("#packet", ".byte.lit").map((b) => Number(b.dataset.i)),
      }));
      assert.deepEqual(r.rows, ["Content Type"]);
      assert.deepEqual(r.lit, Array.from({ length: 10 }, (_, i) => 32 + i), "the bytes of the Content Type");
      await page.mouse.move(0, 0);
      await page.locator("#packet").screenshot({ path: join(ARTIFACTS, "elements-packet.png") });
    },
    async function aMalformedPacketNamesItsByteAndRule(page) {
      await until(page, () => inner("#bad", ".error").length && inner("#short", ".error").length);
      const r = await page.evaluate(() => ({
        box: texts("#bad", ".error")[0],
        rule: texts("#bad", ".rule")[0],
        bad: inner("#bad", ".byte.bad").map((b) => [b.dataset.i, b.getAttribute("part")]),
        short: texts("#short", ".error")[0],
        ghost: inner("#short", ".byte.bad").map((b) => [b.dataset.i, b.textContent]),
      }));
      assert.match(r.box, /^Malformed at byte 0MQTT-3\.3\.1-4.*QoS 3/);
      assert.equal(r.rule, "MQTT-3.3.1-4");
      assert.deepEqual(r.bad, [["0", "byte error-byte"]]);
      assert.match(r.short, /^Ends early: byte 4 is missing/);
      assert.deepEqual(r.ghost, [["4", "··"]], "a cell stands for the missing byte");
      await page.locator("#bad .field[data-k='-1']").hover();
      const lit = await page.evaluate(() => inner("#bad", ".byte.lit").map((b) => b.dataset.i));
      assert.deepEqual(lit, ["0"], "pointing at the error lights its byte");
      await page.locator("#bad").screenshot({ path: join(ARTIFACTS, "elements-packet-malformed.png") });
    },
    async function thePacketFollowsItsAttributesAndBytes(page) {
      const paths = () => inner("#bad", ".field .name").map((n) => n.title);
      await page.evaluate(() => document.querySelector("#bad").setAttribute("hex", "30 04 00 01 61 00"));
      await until(page, () => inner("#bad", ".field").length && !inner("#bad", ".error").length);
      const v5 = await page.evaluate(paths);
      assert.ok(v5.includes("publish.properties.length"), `MQTT 5 reads a property length: ${v5}`);
      await page.evaluate(() => (document.querySelector("#bad").version = "3.1.1"));
      await until(page, () => !inner("#bad", ".name").some((n) => n.title === "publish.properties.length"));
      const v4 = await page.evaluate(paths);
      assert.equal(v4.at(-1), "publish.payload", `3.1.1 reads the zero byte as payload: ${v4}`);
      await page.evaluate(() => (document.querySelector("#bad").bytes = new Uint8Array([0xc0, 0x00])));
      await until(page, () => document.querySelector("#bad").dissection?.packetType === "PINGREQ");
      await page.evaluate(() => document.querySelector("#bad").setAttribute("hex", "zz"));
      await until(page, () => texts("#bad", ".error")[0]?.startsWith("Cannot dissect"));
    },
  ];
}

/** The checks of <mqtt-messages>. */
function messagesSteps(broker, url) {
  return [
    async function messagesShowLiveNewestFirstAndOnlyOnTheFilter(page) {
      await page.evaluate(async (url) => {
        window.c = await client(url);
        document.querySelector("#messages").client = c;
      }, url);
      await until(page, () => c.got.includes("SUBACK"));
      broker.pub(["-t", "feed/a", "-m", "hello", "-q", "1"]);
      broker.pub(["-t", "other/x", "-m", "not on the filter"]);
      const binary = join(broker.dir, "binary.bin");
      writeFileSync(binary, Buffer.from([0x00, 0x01, 0x02, 0xff]));
      broker.pub(["-t", "feed/b/c", "-f", binary]);
      await until(page, () => inner("#messages", ".row").length === 2);
      await sleep(300);
      assert.deepEqual(await messageRows(page), [
        ["feed/b/c", "Q0", "00 01 02 ff"],
        ["feed/a", "Q1", "hello"],
      ]);
    },
    async function pauseHoldsWhatArrivesUntilResumed(page) {
      await page.locator("#messages").getByRole("button", { name: "Pause" }).click();
      broker.pub(["-t", "feed/held", "-m", "while paused"]);
      await until(page, () => texts("#messages", ".status")[0].includes("1 waiting"));
      assert.equal((await messageRows(page)).length, 2, "nothing new is drawn while paused");
      assert.equal(await page.evaluate(() => document.querySelector("#messages").paused), true);
      await page.locator("#messages").getByRole("button", { name: "Resume" }).click();
      await until(page, () => inner("#messages", ".row").length === 3);
      assert.deepEqual((await messageRows(page))[0], ["feed/held", "Q0", "while paused"]);
    },
    async function aNewFilterTakesEffectAtOnce(page) {
      await page.evaluate(() => document.querySelector("#messages").setAttribute("filter", "feed/a"));
      await until(page, () => inner("#messages", ".row").length === 1);
      await until(page, () => c.got.filter((t) => t === "UNSUBACK").length === 1 && c.got.filter((t) => t === "SUBACK").length === 2);
      broker.pub(["-t", "feed/b/c", "-m", "not any more"]);
      broker.pub(["-t", "feed/a", "-m", "still"]);
      await until(page, () => inner("#messages", ".row").length === 2);
      assert.deepEqual((await messageRows(page)).map((r) => r[2]), ["still", "hello"]);
      await page.evaluate(() => (document.querySelector("#messages").filter = "feed/#"));
      await until(page, () => c.got.filter((t) => t === "SUBACK").length === 3);
    },
    async function aRefusedFilterIsReportedAsAnEvent(page) {
      const r = await page.evaluate(async () => {
        const m = document.createElement("mqtt-messages");
        m.filter = "bad/#/x";
        const got = new Promise((ok) => m.addEventListener("mqtt-error", (e) => ok([e.detail.name, e.detail.message])));
        m.client = c;
        document.body.append(m);
        const r = await got;
        m.remove();
        return r;
      });
      assert.equal(r[0], "UsageError", r[1]);
    },
    async function payloadsAndTopicsAreTextNeverMarkup(page) {
      broker.pub(["-t", "feed/<b>bold</b>", "-m", XSS]);
      // Retained, for the tree and the value later.
      broker.pub(["-t", "plant/xss", "-m", XSS, "-r"]);
      await until(page, (xss) => texts("#messages", ".payload")[0] === xss, XSS);
      assert.equal(await page.evaluate(() => texts("#messages", ".topic")[0]), "feed/<b>bold</b>");
      await noMarkup(page);
    },
    async function tenThousandMessagesKeepTheDomBounded(page) {
      const before = await page.evaluate(() => {
        const m = document.querySelector("#messages");
        return m.messages.length + m.dropped;
      });
      const lines = Array.from({ length: FLOOD }, (_, i) => `flood ${i}`).join("\n");
      broker.pub(["-t", "feed/flood", "-l", "-q", "1"], `${lines}\n`);
      await until(page, (n) => {
        const m = document.querySelector("#messages");
        return m.messages.length + m.dropped === n;
      }, before + FLOOD, 60000);
      await sleep(200);
      const top = await page.evaluate(() => {
        const m = document.querySelector("#messages");
        return { kept: m.messages.length, rows: inner("#messages", ".row").length, first: texts("#messages", ".payload")[0] };
      });
      assert.equal(top.kept, 1000, "max 1000 by default");
      assert.equal(top.first, `flood ${FLOOD - 1}`, "the newest on top");
      assert.ok(top.rows > 5 && top.rows <= 30, `DOM rows bounded by the view: ${top.rows}`);
      await page.locator("#messages").screenshot({ path: join(ARTIFACTS, "elements-messages.png") });
      await page.evaluate(() => {
        const list = inner("#messages", ".viewport")[0];
        list.scrollTop = list.scrollHeight;
      });
      await until(page, (last) => texts("#messages", ".payload").at(-1) === last, `flood ${FLOOD - 1000}`);
      const rows = await page.evaluate(() => inner("#messages", ".row").length);
      assert.ok(rows <= 30, `still bounded at the bottom: ${rows}`);
      await page.evaluate(() => (document.querySelector("#messages").max = 50));
      await until(page, () => document.querySelector("#messages").messages.length === 50);
      await page.evaluate(() => (inner("#messages", ".viewport")[0].scrollTop = 0));
    },
    async function scrolledDownTheRowsInViewStayWhileMessagesArrive(page) {
      const drawn = () => page.evaluate(() => texts("#messages", ".payload").join(","));
      await until(page, () => texts("#messages", ".payload")[0] === "flood 9999");
      await page.evaluate(() => {
        const list = inner("#messages", ".viewport")[0];
        list.scrollTop = 20 * inner("#messages", ".row")[0].getBoundingClientRect().height;
      });
      await sleep(200);
      const before = await drawn();
      assert.match(before, /^flood 99\d\d,/, "rows from the middle of the list");
      broker.pub(["-t", "feed/anchor", "-l"], "one\ntwo\nthree\n");
      await until(page, () => document.querySelector("#messages").messages[0].text() === "three");
      await sleep(200);
      assert.equal(await drawn(), before, "the same rows, moved down by three");
      await page.evaluate(() => (inner("#messages", ".viewport")[0].scrollTop = 0));
      await until(page, () => texts("#messages", ".payload")[0] === "three");
    },
  ];
}

/** The checks of <mqtt-topic-tree>. */
function treeSteps(broker, url) {
  /** The rows as "indent name count [R] value". */
  const treeRows = (page) =>
    page.evaluate(() =>
      inner("#tree", ".row").map((r) => {
        const [, name, count, retained, value] = r.children;
        const text = [name.textContent, count.textContent, retained.textContent, value.textContent].filter(Boolean);
        return `${"  ".repeat(Number(r.getAttribute("aria-level")) - 1)}${text.join(" ")}`;
      }),
    );
  return [
    async function theTreeCountsMessagesAndShowsLastValues(page) {
      // Retained: plant/line1/temp (from before the pages), plant/line1/status, plant/xss.
      broker.pub(["-t", "plant/line1/status", "-m", "ok", "-r"]);
      await page.evaluate(() => (document.querySelector("#tree").client = c));
      await until(page, () => texts("#tree", ".count")[0] === "3");
      broker.pub(["-t", "plant/line1/temp", "-m", '{"a":{"b":[0,0,22.125]}}']);
      broker.pub(["-t", "plant/line2/pressure", "-m", "3.2"]);
      broker.pub(["-t", "plant/line2/pressure", "-m", "3.3"]);
      await until(page, () => texts("#tree", ".count")[0] === "6");
      assert.deepEqual(await treeRows(page), [
        "plant 6",
        "  line1 3",
        "    status 1 R ok",
        '    temp 2 {"a":{"b":[0,0,22.125]}}',
        "  line2 2",
        "    pressure 2 3.3",
        `  xss 1 R ${XSS}`,
      ]);
    },
    async function nodesOpenAndCloseByClickAndAttribute(page) {
      await page.locator("#tree .row", { hasText: "line2" }).click();
      await until(page, () => !texts("#tree", ".name").includes("pressure"));
      await page.evaluate(() => (document.querySelector("#tree").expand = 1));
      await until(page, () => texts("#tree", ".name").join(" ") === "plant line1 line2 xss");
      await page.evaluate(() => document.querySelector("#tree").setAttribute("expand", "3"));
      await until(page, () => texts("#tree", ".name").includes("pressure"));
      await page.locator("#tree").screenshot({ path: join(ARTIFACTS, "elements-tree.png") });
    },
    async function aBigTreeKeepsNodesAndRowsBounded(page) {
      await page.evaluate(async () => {
        document.querySelector("#tree").maxTopics = 500;
        for (let i = 0; i < 2000; i++) c.publish(`plant/big/n${i}`, String(i));
        await c.publish("plant/big/last", "done", { qos: 1 });
      });
      await until(page, () => texts("#tree", ".status")[0].includes("over the limit"));
      const after = await page.evaluate(() => ({
        topics: document.querySelector("#tree").topics,
        rows: inner("#tree", ".row").length,
        status: texts("#tree", ".status")[0],
      }));
      assert.equal(after.topics, 500, "at most 500 nodes");
      assert.ok(after.rows > 5 && after.rows <= 30, `DOM rows bounded: ${after.rows}`);
      assert.match(after.status, /^500 topics · \d+ messages · \d+ messages on topics over the limit not shown$/);
    },
  ];
}

/** The checks of <mqtt-value> on the page with everything, and what all elements share. */
function valueAndSharedSteps(broker, url) {
  return [
    async function theValueFollowsItsAttributes(page) {
      await page.evaluate(() => (document.querySelector("#value").client = c));
      // The retained value, not the later live one.
      await until(page, () => texts("#value", ".value")[0] === "21.46");
      await page.evaluate(() => document.querySelector("#value").setAttribute("digits", "0"));
      assert.equal(await page.evaluate(() => texts("#value", ".value")[0]), "21");
      await page.evaluate(() => Object.assign(document.querySelector("#value"), { path: "a.b", unit: "" }));
      assert.deepEqual(await page.evaluate(() => texts("#value", ".value, .unit")), ["[0,0,21.456]", ""]);
      await page.evaluate(() => (document.querySelector("#value").path = "a.c"));
      assert.deepEqual(await page.evaluate(() => [texts("#value", ".value")[0], document.querySelector("#value").state]), ["–", "missing"]);
      await page.evaluate(() => {
        const v = document.querySelector("#value");
        v.removeAttribute("path");
        v.topic = "plant/line1/status";
      });
      await until(page, () => texts("#value", ".value")[0] === "ok");
      await page.evaluate(() => (document.querySelector("#value").topic = "plant/xss"));
      await until(page, (xss) => texts("#value", ".value")[0] === xss, XSS);
      await noMarkup(page);
    },
    async function customPropertiesAndPartsStyleTheElements(page) {
      const r = await page.evaluate(() => {
        const m = document.querySelector("#messages");
        const color = () => getComputedStyle(inner("#messages", ".topic")[0]).color;
        const before = color();
        m.style.setProperty("--mqtt-accent", "rgb(255, 0, 0)");
        const after = color();
        const v = document.querySelector("#value");
        const value = () => getComputedStyle(inner("#value", ".value")[0]).color;
        const plain = value();
        v.classList.add("parted");
        return { before, after, plain, parted: value() };
      });
      assert.notEqual(r.before, "rgb(255, 0, 0)");
      assert.equal(r.after, "rgb(255, 0, 0)");
      assert.notEqual(r.plain, "rgb(0, 128, 0)");
      assert.equal(r.parted, "rgb(0, 128, 0)");
    },
    async function removedElementsLetGoOfTheClientAndComeBack(page) {
      await page.screenshot({ path: join(ARTIFACTS, "elements-page.png"), fullPage: true });
      const count = () => page.evaluate(() => c.listeners.get("message")?.size ?? 0);
      assert.equal(await count(), 3, "messages, tree and value each listen");
      // The page's own subscription, so that messages on plant/xss still come while the
      // elements that subscribed to it are away.
      const unsubscribed = await page.evaluate(async () => {
        await c.subscribe("plant/+");
        window.parked = document.createElement("div");
        parked.append(document.querySelector("#value"), document.querySelector("#tree"));
        return c.sent.filter((t) => t === "UNSUBSCRIBE").length;
      });
      assert.equal(await count(), 1, "detached elements do not listen");
      await until(page, (n) => c.sent.filter((t) => t === "UNSUBSCRIBE").length === n + 2, unsubscribed);
      const tree = await page.evaluate(() => texts("#tree", ".count")[0]);
      broker.pub(["-t", "plant/xss", "-m", "while away", "-q", "1"]);
      broker.pub(["-t", "feed/sync", "-m", "after it", "-q", "1"]);
      await until(page, () => texts("#messages", ".payload")[0] === "after it");
      assert.equal(await page.evaluate(() => texts("#value", ".value")[0]), XSS, "no update while away");
      assert.equal(await page.evaluate(() => texts("#tree", ".count")[0]), tree, "no count while away");
      await page.evaluate(() => document.body.append(...parked.children));
      assert.equal(await count(), 3, "re-added elements listen again");
      broker.pub(["-t", "plant/xss", "-m", "back", "-q", "1"]);
      await until(page, () => texts("#value", ".value")[0] === "back");
      await page.evaluate(() => ["#messages", "#tree", "#value"].forEach((s) => document.querySelector(s).remove()));
      assert.equal(await count(), 0);
      assert.equal(await page.evaluate(() => c.state), "connected", "the elements never end the client");
    },
    async function overlappingElementsOnOneClientEachTakeOneCopy(page) {
      // mosquitto sends a copy per matching subscription: with dup/# for a list and dup/a
      // for a value on the same client, each message to dup/a comes twice. Each element
      // takes only the copy its Subscription Identifier marks.
      const subacks = await page.evaluate(() => c.got.filter((t) => t === "SUBACK").length);
      await page.evaluate(() => {
        const list = Object.assign(document.createElement("mqtt-messages"), { id: "dups", filter: "dup/#" });
        const value = Object.assign(document.createElement("mqtt-value"), { id: "dup", topic: "dup/a" });
        document.body.append(list, value);
        list.client = value.client = c;
      });
      await until(page, (n) => c.got.filter((t) => t === "SUBACK").length === n + 2, subacks);
      broker.pub(["-t", "dup/a", "-m", "once"]);
      await until(page, () => texts("#dup", ".value")[0] === "once");
      await sleep(500);
      assert.deepEqual(await messageRows(page, "#dups"), [["dup/a", "Q0", "once"]]);
      await page.evaluate(() => ["#dups", "#dup"].forEach((s) => document.querySelector(s).remove()));
    },
    async function anElementAddedToAHeldFilterTakesTheRetainedMessagesAlone(page) {
      // Each SUBSCRIBE to ret/# brings the retained ret/a again, with that SUBSCRIBE's
      // Subscription Identifier: only the element that sent it lists it.
      broker.pub(["-t", "ret/a", "-m", "kept", "-r", "-q", "1"]);
      const add = (id) =>
        page.evaluate((id) => {
          const list = Object.assign(document.createElement("mqtt-messages"), { id, filter: "ret/#" });
          document.body.append(list);
          list.client = c;
        }, id);
      await add("ret1");
      await until(page, () => texts("#ret1", ".payload").length === 1);
      await add("ret2");
      await until(page, () => texts("#ret2", ".payload").length === 1);
      await sleep(500);
      assert.deepEqual(await messageRows(page, "#ret1"), [["ret/a", "Q1 R", "kept"]], "the first list does not list it again");
      broker.pub(["-t", "ret/a", "-m", "live", "-q", "1"]);
      for (const id of ["#ret1", "#ret2"]) await until(page, (id) => texts(id, ".payload").join() === "live,kept", id);
      await page.evaluate(() => ["#ret1", "#ret2"].forEach((s) => document.querySelector(s).remove()));
      broker.pub(["-t", "ret/a", "-r", "-n"]);
    },
    async function afterAReconnectEveryElementTakesTheRetainedMessages(page) {
      // A broker that keeps its retained messages across a restart: the client's own
      // resubscribing brings them to every element on the filter, whichever element's
      // identifier the resubscription carries.
      const dir = mkdtempSync(join(tmpdir(), "mqttscope-npm-elements-kept-"));
      // mosquitto started as root writes its database as the user it drops to.
      chmodSync(dir, 0o777);
      const kept = await Broker.onFreePorts(dir, `persistence true\npersistence_location ${dir}/\n`);
      try {
        await kept.start();
        kept.pub(["-t", "keep/a", "-m", "kept", "-r", "-q", "1"]);
        await page.evaluate(async (url) => {
          const k = new mqtt.Client(url, { version: 5, reconnect: { initialDelay: 100, maxDelay: 400 } });
          window.k = k;
          await k.connect();
          for (const id of ["keep1", "keep2"]) {
            const list = Object.assign(document.createElement("mqtt-messages"), { id, filter: "keep/#" });
            document.body.append(list);
            list.client = k;
          }
        }, `ws://127.0.0.1:${kept.ws}/`);
        for (const id of ["#keep1", "#keep2"]) await until(page, (id) => texts(id, ".payload").length === 1, id);
        const back = page.evaluate(() => new Promise((ok) => k.on("close", () => k.on("connect", ok))));
        await kept.stop();
        await kept.start();
        await back;
        for (const id of ["#keep1", "#keep2"]) await until(page, (id) => texts(id, ".payload").join() === "kept,kept", id);
        await sleep(300);
        for (const id of ["#keep1", "#keep2"]) assert.equal((await messageRows(page, id)).length, 2, `${id} lists it once more`);
        await page.evaluate(() => (["#keep1", "#keep2"].forEach((s) => document.querySelector(s).remove()), k.end()));
      } finally {
        await kept.stop();
        rmSync(dir, { recursive: true, force: true });
      }
    },
    async function anElementRemovedWhileItsClientReconnectsIsNotSubscribedAgain(page) {
      await page.evaluate(async (url) => {
        const r = new mqtt.Client(url, { version: 5, reconnect: { initialDelay: 100, maxDelay: 400 } });
        window.r = r;
        r.subscribes = [];
        const text = new TextDecoder();
        r.on("packet", (p) => p.type === "SUBSCRIBE" && r.subscribes.push(text.decode(p.bytes)));
        await r.connect();
        for (const id of ["gone", "stay"]) {
          const v = Object.assign(document.createElement("mqtt-value"), { id, topic: `re/${id}` });
          document.body.append(v);
          v.client = r;
        }
      }, url);
      await until(page, () => r.subscribes.length === 2);
      const dropped = page.evaluate(() => new Promise((ok) => r.on("close", ok)));
      await broker.stop();
      await dropped;
      const state = await page.evaluate(() => {
        document.querySelector("#gone").remove();
        window.back = new Promise((ok) => r.on("connect", ok));
        return r.state;
      });
      assert.equal(state, "reconnecting");
      await sleep(300);
      await broker.start();
      await page.evaluate(() => back);
      broker.pub(["-t", "re/stay", "-m", "back", "-q", "1"]);
      await until(page, () => texts("#stay", ".value")[0] === "back");
      const again = await page.evaluate(() => r.subscribes.slice(2));
      assert.equal(again.length, 1, `one SUBSCRIBE after reconnecting: ${again}`);
      assert.ok(again[0].includes("re/stay") && !again[0].includes("re/gone"), `resubscribed to re/stay only: ${again}`);
      await page.evaluate(() => r.end());
    },
  ];
}

/**
 * A scripted MQTT 5 peer on loopback that drops the first connection when its SUBSCRIBE
 * comes, unanswered; later connections get their SUBACK and then a PUBLISH of "arrived" on
 * each filter. `subscribes` counts the SUBSCRIBEs, one entry per connection.
 */
async function dropsTheFirstSubscribe() {
  const wss = new WebSocketServer({ host: "127.0.0.1", port: 0, handleProtocols: () => "mqtt" });
  await new Promise((ok) => wss.once("listening", ok));
  const peer = { url: `ws://127.0.0.1:${wss.address().port}/`, subscribes: [], close: () => wss.close() };
  wss.on("connection", (ws) => {
    const connection = peer.subscribes.push(0) - 1;
    ws.on("message", packetsOf((p) => {
      if (p[0] >> 4 === 1) ws.send(Buffer.from([0x20, 0x03, 0, 0, 0]));
      if (p[0] >> 4 !== 8) return;
      peer.subscribes[connection] += 1;
      if (connection === 0) return ws.terminate();
      const { id, properties, filter } = readSubscribe(p);
      ws.send(packet(0x90, Buffer.concat([id, Buffer.from([0, 0])])));
      // Its properties (the Subscription Identifier) go back with the message, as a
      // broker's do.
      const props = Buffer.concat([Buffer.from(varint(properties.length)), properties]);
      ws.send(packet(0x30, Buffer.concat([str(filter), props, Buffer.from("arrived")])));
    }));
  });
  return peer;
}

/** The packet id, properties and first filter of an MQTT 5 SUBSCRIBE. */
function readSubscribe(p) {
  /** The Variable Byte Integer at `i`, and where what follows it starts. */
  const varintAt = (i) => {
    for (let [n, shift] = [0, 0]; ; shift += 7) {
      const b = p[i++];
      n += (b & 0x7f) << shift;
      if (!(b & 0x80)) return [n, i];
    }
  };
  let [, i] = varintAt(1);
  const id = p.subarray(i, i + 2);
  const [length, at] = varintAt(i + 2);
  const properties = p.subarray(at, at + length);
  i = at + length;
  const filter = p.subarray(i + 2, i + 2 + ((p[i] << 8) | p[i + 1])).toString();
  return { id, properties, filter };
}

/** An element whose SUBSCRIBE went down with its connection subscribes on the next one. */
function lostSubscribeSteps() {
  return [
    async function aSubscribeLostWithItsConnectionIsSentAgainOnTheNext(page) {
      const peer = await dropsTheFirstSubscribe();
      try {
        await page.evaluate(async (url) => {
          const c = new mqtt.Client(url, { version: 5, reconnect: { initialDelay: 100, maxDelay: 400 } });
          window.lossy = c;
          await c.connect();
          const v = Object.assign(document.createElement("mqtt-value"), { id: "lost", topic: "lost/x" });
          v.addEventListener("mqtt-error", (e) => (window.lostError = e.detail.message));
          document.body.append(v);
          v.client = c;
        }, peer.url);
        await until(page, () => texts("#lost", ".value")[0] === "arrived" || window.lostError);
        assert.equal(await page.evaluate(() => window.lostError ?? null), null);
        assert.deepEqual(peer.subscribes, [1, 1], "one SUBSCRIBE on each connection");
      } finally {
        await page.evaluate(() => lossy.end());
        peer.close();
      }
    },
  ];
}

/**
 * A scripted MQTT 5 peer on loopback that keeps the books an element's bindings are checked
 * against: it answers CONNECT (with Session Present while `sessionPresent`), grants every
 * SUBSCRIBE unless `drop(subscription)` says to drop the connection at it, answers
 * UNSUBSCRIBE, and `publish` sends a PUBLISH to the open connection. `subscribes` lists each
 * SUBSCRIBE's `{ filter, id }` (its Subscription Identifier), `unsubscribes` each
 * UNSUBSCRIBE's first filter.
 */
async function bookkeepingPeer() {
  const wss = new WebSocketServer({ host: "127.0.0.1", port: 0, handleProtocols: () => "mqtt" });
  await new Promise((ok) => wss.once("listening", ok));
  const peer = {
    url: `ws://127.0.0.1:${wss.address().port}/`,
    sessionPresent: false,
    drop: () => false,
    subscribes: [],
    unsubscribes: [],
    ws: null,
    nextId: 1,
    close: () => wss.close(),
    /** Drops the open connection, with no DISCONNECT. */
    cut: () => peer.ws?.terminate(),
    /** A QoS 1 PUBLISH carrying the Subscription Identifiers `ids`. */
    publish(topic, payload, { retain = false, dup = false, ids = [] } = {}) {
      const props = Buffer.from(ids.flatMap((id) => [0x0b, ...varint(id)]));
      const first = 0x32 | (dup ? 8 : 0) | (retain ? 1 : 0);
      const pid = Buffer.from([0, peer.nextId++]);
      peer.ws.send(packet(first, Buffer.concat([str(topic), pid, Buffer.from(varint(props.length)), props, Buffer.from(payload)])));
    },
  };
  wss.on("connection", (ws) => {
    peer.ws = ws;
    ws.on("message", packetsOf((p) => {
      const type = p[0] >> 4;
      if (type === 1) ws.send(Buffer.from([0x20, 0x03, peer.sessionPresent ? 1 : 0, 0, 0]));
      if (type === 10) {
        const { id, filter } = readSubscribe(p);
        peer.unsubscribes.push(filter);
        ws.send(packet(0xb0, Buffer.concat([id, Buffer.from([0, 0])])));
      }
      if (type !== 8) return;
      const { id, properties, filter } = readSubscribe(p);
      // The Subscription Identifier (0x0B), a Variable Byte Integer, is the only property sent.
      let subId = null;
      if (properties[0] === 0x0b) {
        subId = 0;
        for (let i = 1, shift = 0; i < properties.length; i++, shift += 7) {
          subId += (properties[i] & 0x7f) * 2 ** shift;
          if (!(properties[i] & 0x80)) break;
        }
      }
      const subscription = { filter, id: subId };
      peer.subscribes.push(subscription);
      if (peer.drop(subscription)) return ws.terminate();
      ws.send(packet(0x90, Buffer.concat([id, Buffer.from([0, 0])])));
    }));
  });
  return peer;
}

/** The elements' books on shared filters against a scripted peer (`bookkeepingPeer`). */
function bookkeepingSteps() {
  return [
    async function anElementThatGaveUpItsSubscribeGivesBackNoHoldOfAnother(page) {
      const peer = await bookkeepingPeer();
      // The first SUBSCRIBE (#keeps's) is granted; every other one with another identifier
      // drops the connection: the core's own resubscribing carries the granted one, and
      // #gives-up's tries carry new ones, until after its fourth it gives up.
      peer.drop = (s) => s !== peer.subscribes[0] && s.id !== peer.subscribes[0].id;
      try {
        await page.evaluate(async (url) => {
          const c = new mqtt.Client(url, { version: 5, reconnect: { initialDelay: 50, maxDelay: 100 } });
          window.books = c;
          await c.connect();
          for (const id of ["keeps", "gives-up"]) {
            const v = Object.assign(document.createElement("mqtt-value"), { id, topic: "books/x" });
            v.addEventListener("mqtt-error", (e) => (window.gaveUp = e.detail.name));
            document.body.append(v);
            v.client = c;
          }
        }, peer.url);
        await until(page, () => window.gaveUp);
        const granted = peer.subscribes[0];
        assert.equal(await page.evaluate(() => window.gaveUp), "ConnectionError");
        await until(page, () => books.state === "connected");
        // #gives-up leaves: it holds nothing any more, so the filter stays subscribed.
        await page.evaluate(() => document.querySelector("#gives-up").remove());
        await sleep(300);
        assert.deepEqual(peer.unsubscribes, [], "no UNSUBSCRIBE while #keeps holds the filter");
        peer.publish("books/x", "still", { ids: [granted.id] });
        await until(page, () => texts("#keeps", ".value")[0] === "still");
        // The last holder leaves: one UNSUBSCRIBE.
        await page.evaluate(() => document.querySelector("#keeps").remove());
        const deadline = Date.now() + 5000;
        while (peer.unsubscribes.length === 0 && Date.now() < deadline) await sleep(50);
        assert.deepEqual(peer.unsubscribes, ["books/x"]);
        const tries = peer.subscribes.filter((s) => s.id !== granted.id);
        // Four tries, and none on the connections after it gave up: each would drop the
        // connection again, a reconnection loop for as long as the element stayed.
        assert.equal(tries.length, 4, `#gives-up tried four times: ${JSON.stringify(peer.subscribes)}`);
      } finally {
        await page.evaluate(() => books.end());
        peer.close();
      }
    },
    async function aResumedSessionsRetainedCopyGoesOnlyToTheElementWhoseSubscribeItAnswers(page) {
      const peer = await bookkeepingPeer();
      try {
        await page.evaluate(async (url) => {
          const c = new mqtt.Client(url, {
            version: 5, clientId: "books-resume", cleanStart: false, sessionExpiry: 60,
            reconnect: { initialDelay: 50, maxDelay: 100 },
          });
          window.resumer = c;
          window.seen = { first: [], second: [] };
          await c.connect();
          for (const id of ["first", "second"]) {
            const v = Object.assign(document.createElement("mqtt-value"), { id, topic: "resume/x" });
            v.addEventListener("mqtt-change", (e) => seen[id].push(e.detail.value));
            document.body.append(v);
            v.client = c;
          }
        }, peer.url);
        while (peer.subscribes.length < 2) await sleep(50);
        const [first, second] = peer.subscribes.map((s) => s.id);
        assert.ok(first !== null && second !== null && first !== second, `identifiers ${first}, ${second}`);
        // The session is kept: a retained copy still in flight for #first's SUBSCRIBE is sent
        // again after the reconnection, with #first's identifier.
        peer.sessionPresent = true;
        const back = page.evaluate(() => new Promise((ok) => resumer.on("connect", ok)));
        peer.cut();
        await back;
        peer.publish("resume/x", "resent", { retain: true, dup: true, ids: [first] });
        await until(page, () => seen.first.includes("resent"));
        // A live message then comes once per subscription: each element takes its own copy.
        peer.publish("resume/x", "live", { ids: [second] });
        await until(page, () => seen.second.includes("live"));
        assert.deepEqual(await page.evaluate(() => seen.second), ["live"], "#second never took #first's retained copy");
        assert.equal(peer.subscribes.length, 2, "no SUBSCRIBE again on a resumed session");
        // The session is lost: the client subscribes again itself, and the retained
        // messages that brings are for every element on the filter.
        peer.sessionPresent = false;
        const again = page.evaluate(() => new Promise((ok) => resumer.on("connect", ok)));
        peer.cut();
        await again;
        while (peer.subscribes.length < 3) await sleep(50);
        peer.publish("resume/x", "fresh", { retain: true, ids: [peer.subscribes[2].id] });
        await until(page, () => seen.first.includes("fresh") && seen.second.includes("fresh"));
      } finally {
        await page.evaluate(() => resumer.end());
        peer.close();
      }
    },
  ];
}

/** A user's TypeScript module: what the declarations must accept, and, each marked
 *  `@ts-expect-error`, what they must refuse (tsc fails when such a line compiles). */
const USER_TS = `
import { MqttMessages, MqttPacket, MqttTopicTree, MqttValue } from "mqttscope/elements";
import { connect, type Message, type MqttError } from "mqttscope";
import type { Dissection } from "mqttscope/dissect";

const client = await connect("ws://127.0.0.1:9001");
const value = document.createElement("mqtt-value");
const same: MqttValue = value;
value.client = client;
value.topic = "plant/line1/temp";
value.path = "a.b[2]";
value.digits = 1;
value.unit = "°C";
value.addEventListener("mqtt-change", (e) => {
  const v: unknown = e.detail.value;
  const m: Message = e.detail.message;
});
value.addEventListener("mqtt-error", (e) => {
  const why: MqttError = e.detail;
});
const state: "waiting" | "ok" | "missing" = value.state;
const messages = document.querySelector("mqtt-messages");
if (messages) {
  messages.client = null;
  messages.filter = "home/#";
  messages.max = 500;
  messages.paused = true;
  const shown: Message[] = messages.messages;
  messages.clear();
}
const tree = new MqttTopicTree();
tree.expand = 3;
tree.maxTopics = 1000;
const n: number = tree.topics;
const packet = document.createElement("mqtt-packet");
packet.bytes = new Uint8Array([0xc0, 0x00]);
packet.hex = "c0 00";
packet.version = "3.1.1";
packet.addEventListener("mqtt-dissected", (e) => {
  const d: Dissection = e.detail;
});
const d: Dissection | null = packet.dissection;
const list: MqttMessages = new MqttMessages();
const p: MqttPacket = packet;
// @ts-expect-error an element takes a Client, not a URL
value.client = "ws://127.0.0.1:9001";
// @ts-expect-error digits is a number
value.digits = "2";
// @ts-expect-error no such event
value.addEventListener("mqtt-changed", (e) => e.detail);
// @ts-expect-error the value is read-only
value.value = 3;
export { same, state, n, d, list, p };
`;

/** In node (server rendering), importing the entry gives the classes and defines nothing. */
async function nodeCheck(dir) {
  writeFileSync(join(dir, "user.mjs"), 'export * from "mqttscope/elements";\n');
  try {
    const m = await import(pathToFileURL(join(dir, "user.mjs")));
    const tags = { "mqtt-packet": m.MqttPacket, "mqtt-messages": m.MqttMessages, "mqtt-topic-tree": m.MqttTopicTree, "mqtt-value": m.MqttValue };
    for (const [tag, element] of Object.entries(tags)) {
      assert.equal(typeof element, "function", tag);
      assert.equal(m.TAGS[tag], element, tag);
    }
    console.log("ok   node: importing the entry gives the classes");
    return 0;
  } catch (e) {
    console.log(`FAIL node: ${e.message}`);
    return 1;
  }
}

/** Every browser check: the page with only <mqtt-value> first, then the page with all. */
async function browserChecks(dir, broker) {
  const server = await serve(dir, routes);
  const url = `ws://127.0.0.1:${broker.ws}/`;
  const onPage = async function theFullPageLoads(page) {
    await page.goto(address(server));
    await page.waitForFunction(() => window.ready, null, { timeout: 15000 });
  };
  try {
    return await runSteps({
      url: `${address(server)}value-only`,
      height: 1400,
      steps: [
        ...valueOnlySteps(broker, url),
        onPage,
        ...packetSteps(),
        ...messagesSteps(broker, url),
        ...treeSteps(broker, url),
        ...valueAndSharedSteps(broker, url),
        ...lostSubscribeSteps(),
        ...bookkeepingSteps(),
      ],
    });
  } finally {
    server.close();
  }
}

async function main() {
  const pkg = process.argv[2];
  if (!pkg) throw new Error("usage: node tests/npm/elements.mjs <package folder, e.g. pkg>");
  const dir = install(pkg, "elements");
  const brokerDir = mkdtempSync(join(tmpdir(), "mqttscope-npm-elements-broker-"));
  let broker = null;
  process.on("exit", () => broker?.proc?.kill());
  try {
    let failed = typeCheck(dir, USER_TS, ["es2022", "dom"]);
    failed += await nodeCheck(dir);
    // The flood must not meet mosquitto's queue limit of 1000 messages per client.
    broker = await Broker.onFreePorts(brokerDir, "max_queued_messages 0\n");
    await broker.start();
    // Retained before any page exists: the value page's element must still show it.
    broker.pub(["-t", "plant/line1/temp", "-m", '{"a":{"b":[0,0,21.456]}}', "-r", "-q", "1"]);
    failed += await browserChecks(dir, broker);
    console.log(failed ? `${failed} failure(s)` : "all elements checks passed");
    return failed ? 1 : 0;
  } finally {
    await broker?.stop();
    rmSync(dir, { recursive: true, force: true });
    rmSync(brokerDir, { recursive: true, force: true });
  }
}

process.exitCode = await main().catch((e) => {
  console.error(e);
  return 1;
});
