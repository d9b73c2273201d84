// End-to-end reliability tests of the built client page in headless Chromium: big
// payloads, a session taken over between two tabs, and hostile peers.
//
//   node tests/e2e/reliability.mjs http://127.0.0.1:8123/
//
// Against a real mosquitto on free loopback ports: a 5 MiB payload published from the page
// reaches mosquitto_sub byte for byte, and two tabs with the same saved client id do not
// take the session from each other forever (DISCONNECT 0x8E is not retried). Against a
// scripted hostile peer (tests/e2e/hostile.mjs) for what mosquitto will not do: a stray
// PUBACK is flagged and the connection goes on, a SUBACK with the wrong number of codes
// ends it with the rule, huge topics are cut and counted, a QoS 1 message in flight goes
// again (DUP) after a disconnect and connect by hand with Clean Start off, and a retained
// message over the MQTT 3.1.1 receive limit ends the connection once, once more after a
// reconnect, and then reconnection stops, with the doctor saying why; a burst of 200 QoS 1
// messages, each in a WebSocket message of its own, is PUBACKed in order, several PUBACKs
// to a WebSocket message; and a page busy while a PINGRESP waits behind a 24 MiB backlog
// keeps its connection. Exits non-zero on failure.

import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ARTIFACTS, assert, exitWith, runSteps } from "./harness.mjs";
import { BURST, HostilePeer, HUGE_TOPICS, LAG_KEEP_ALIVE, LAG_MESSAGES, POISON_SIZE } from "./hostile.mjs";
import { Broker, sleep } from "./mosquitto.mjs";
import { configure, newConnection, packetCount, statusIs, until } from "./page.mjs";

const BIG = 5 * 1024 * 1024;

/** mosquitto_sub for one raw message on `topic`; resolves with its bytes. */
function rawSubOne(broker, topic) {
  const p = spawn("mosquitto_sub", ["-h", "127.0.0.1", "-p", String(broker.tcp), "-t", topic, "-C", "1", "-N", "-W", "60"]);
  const chunks = [];
  p.stdout.on("data", (d) => chunks.push(d));
  const done = new Promise((resolve, reject) =>
    // "close", not "exit": at exit its output may not all have been read yet.
    p.once("close", (code) => (code === 0 ? resolve(Buffer.concat(chunks)) : reject(new Error(`mosquitto_sub exited ${code}`)))),
  );
  return { done, ready: sleep(400) };
}

/** Adds a connection named `name` and connects it with these settings. */
async function addConnection(page, name, url, version, clientId) {
  await newConnection(page, name);
  await configure(page, url, version, clientId);
}

const doctorText = (page) => page.textContent('[data-testid="doctor"]');

function steps(ctx) {
  const { broker, peer } = ctx;
  const wsUrl = `ws://127.0.0.1:${broker.ws}`;
  return [
    async function publishesFiveMiBFromThePage(page) {
      await addConnection(page, "big", wsUrl, "5");
      await statusIs(page, "connected");
      const sub = rawSubOne(broker, "e2e/big");
      await sub.ready;
      const text = "0123456789abcdef".repeat(BIG / 16 - 1) + "the end of it...";
      await page.fill('[data-testid="pub-topic"]', "e2e/big");
      await page.fill('[data-testid="pub-payload"]', text);
      await page.click('[data-testid="publish"]');
      const got = await sub.done;
      assert(got.length === BIG, `mosquitto_sub got ${got.length} bytes, expected ${BIG}`);
      assert(got.toString("latin1") === text, "the bytes differ");
      await page.fill('[data-testid="pub-payload"]', "");
    },
    async function aSessionTakenOverIsNotTakenBack(page) {
      await addConnection(page, "twin", wsUrl, "5", "e2e-twin");
      await statusIs(page, "connected");
      // A second tab of the page, with the same saved connection (the same client id).
      const other = await page.context().newPage();
      try {
        await other.goto(page.url(), { waitUntil: "load" });
        await other.locator(".conn-name", { hasText: /^twin$/ }).click();
        await other.click('[data-testid="connect"]');
        await statusIs(other, "connected", "the second tab connected");
        await until(page, () => document.querySelector('[data-testid="doctor"]')?.textContent.includes("took over this session"), null, "the doctor on the first tab");
        assert((await doctorText(page)).includes("does not reconnect on its own"), await doctorText(page));
        await sleep(4000);
        await statusIs(other, "connected", "the second tab still connected");
        const status = await page.textContent('[data-testid="conn-status"]');
        assert(!status.includes("connected") && !status.includes("reconnecting"), `first tab: ${status}`);
        await page.click('[data-testid="tab-packets"]');
        assert((await packetCount(page, "CONNECT")) === 1, "the first tab connected once");
        await other.click('[data-testid="tab-packets"]');
        assert((await packetCount(other, "CONNECT")) === 1, "the second tab connected once");
        await page.screenshot({ path: join(ARTIFACTS, "reliability-taken-over.png"), fullPage: true });
      } finally {
        await other.close();
        await page.click('[data-testid="tab-messages"]');
      }
    },
    async function aStrayPubackIsFlaggedAndTheConnectionGoesOn(page) {
      await addConnection(page, "dup", peer.url(), "5", "dup-ack");
      await statusIs(page, "connected");
      await page.fill('[data-testid="pub-topic"]', "e2e/dup");
      await page.selectOption('[data-testid="pub-qos"]', "1");
      await page.fill('[data-testid="pub-payload"]', "once");
      await page.click('[data-testid="publish"]');
      await page.click('[data-testid="tab-packets"]');
      await until(page, () => [...document.querySelectorAll(".pkt-violation")].some((e) => e.textContent.includes("MQTT-2.2.1-5")), null, "the stray PUBACK flagged");
      await sleep(500);
      await statusIs(page, "connected", "still connected");
      assert((await packetCount(page, "DISCONNECT")) === 0, "no DISCONNECT");
      await page.selectOption('[data-testid="pub-qos"]', "0");
      await page.click('[data-testid="tab-messages"]');
    },
    async function aSubackWithTheWrongCountEndsTheConnection(page) {
      await addConnection(page, "long", peer.url(), "5", "suback-long");
      await statusIs(page, "connected");
      await page.fill('[data-testid="sub-filter"]', "e2e/#");
      await page.click('[data-testid="subscribe"]');
      await until(page, () => document.querySelector('[data-testid="doctor"]')?.textContent.includes("MQTT-3.8.4-6"), null, "the doctor naming the rule");
      await page.click('[data-testid="tab-packets"]');
      await until(page, () => [...document.querySelectorAll('[data-testid="pkt-kind"]')].some((e) => e.textContent === "DISCONNECT"), null, "DISCONNECT 0x82 sent");
      await page.click('[data-testid="tab-messages"]');
      // It keeps trying (with a growing backoff): stop it.
      if ((await page.textContent('[data-testid="connect"]')) === "Disconnect") await page.click('[data-testid="connect"]');
    },
    async function aBurstOfQos1IsAcknowledgedInOrderAFewFramesAtATime(page) {
      await addConnection(page, "burst", peer.url(), "5", "burst");
      await statusIs(page, "connected");
      await page.fill('[data-testid="sub-filter"]', "b/#");
      await page.click('[data-testid="subscribe"]');
      await until(page, (n) => document.querySelector('[data-testid="message-counts"]')?.textContent.includes(`${n} messages`), BURST, "every message counted");
      for (let waited = 0; peer.burst.acks.length < BURST && waited < 5000; waited += 100) await sleep(100);
      const { acks, messages } = peer.burst;
      assert(acks.length === BURST && acks.every((id, i) => id === i + 1), `PUBACKs in order: ${acks.length}, ${acks.slice(0, 5)}...`);
      // Each PUBLISH came in a WebSocket message of its own; their PUBACKs go back together,
      // what the page handled in one task in one message (CONNECT and SUBSCRIBE counted).
      assert(messages < BURST / 2, `${messages} WebSocket messages for CONNECT, SUBSCRIBE and ${BURST} PUBACKs`);
      await page.click('[data-testid="connect"]');
    },
    async function hugeTopicsAreCutAndCountedNotKeptWhole(page) {
      await addConnection(page, "huge", peer.url(), "5", "huge-topics");
      await statusIs(page, "connected");
      await page.fill('[data-testid="sub-filter"]', "#");
      await page.click('[data-testid="subscribe"]');
      await until(page, (n) => document.querySelector('[data-testid="message-counts"]')?.textContent.includes(`${n} messages`), HUGE_TOPICS, "every message counted");
      await page.click('[data-testid="tab-topics"]');
      const counts = await page.textContent('[data-testid="topic-counts"]');
      assert(counts.includes(`${HUGE_TOPICS} messages on topics longer than 4096 bytes (cut there)`), counts);
      await statusIs(page, "connected", "still connected");
      await page.click('[data-testid="tab-messages"]');
      await page.click('[data-testid="connect"]');
    },
    async function aPageBehindItsBacklogKeepsItsConnection(page) {
      // The PINGRESP comes behind 24 MiB while the page is busy for three times the half
      // keep-alive it waits for the answer: the socket worker holds what passes its 16 MiB
      // in flight, so the PINGRESP reaches the page after the keep-alive deadline. The
      // server was there all along: the connection must stay.
      let busy = null;
      peer.onLaggardPing = () => {
        busy = page.evaluate((ms) => {
          const until = performance.now() + ms;
          while (performance.now() < until);
        }, LAG_KEEP_ALIVE * 1500);
      };
      await addConnection(page, "laggard", peer.url(), "5", "laggard");
      await statusIs(page, "connected");
      await page.fill('[data-testid="sub-filter"]', "lag/#");
      await page.click('[data-testid="subscribe"]');
      for (let waited = 0; !busy && waited < 10000; waited += 100) await sleep(100);
      assert(busy, "no PINGREQ within 10 s");
      await busy;
      await until(page, (n) => document.querySelector('[data-testid="message-counts"]')?.textContent.includes(`${n} messages`), LAG_MESSAGES, "every message counted", 20000);
      // Two more keep-alives, answered at once.
      await sleep(LAG_KEEP_ALIVE * 2000);
      assert(peer.laggardPings >= 2, `${peer.laggardPings} PINGREQs`);
      assert(peer.connects.get("laggard") === 1, `${peer.connects.get("laggard")} CONNECTs: the connection was ended`);
      await statusIs(page, "connected", "still connected");
      await page.click('[data-testid="connect"]');
    },
    async function reconnectingByHandKeepsTheSessionAndItsMessages(page) {
      await newConnection(page, "keeper");
      await page.getByLabel("Clean start").uncheck();
      await configure(page, peer.url(), "5", "keeper");
      await statusIs(page, "connected");
      await page.fill('[data-testid="pub-topic"]', "e2e/kept");
      await page.selectOption('[data-testid="pub-qos"]', "1");
      await page.fill('[data-testid="pub-payload"]', "unacknowledged");
      await page.click('[data-testid="publish"]');
      await sleep(300);
      assert(peer.publishes.length === 1 && peer.publishes[0] === 0x32, `first send: ${peer.publishes}`);
      // Disconnect and connect again by hand: the same client, with its session.
      await page.click('[data-testid="connect"]');
      await statusIs(page, "offline");
      await page.click('[data-testid="connect"]');
      await statusIs(page, "connected", "connected again");
      await sleep(300);
      assert(peer.connects.get("keeper") === 2, `${peer.connects.get("keeper")} CONNECTs`);
      // The broker kept the session: the message goes again, DUP set, same identifier.
      assert(peer.publishes.length === 2 && peer.publishes[1] === 0x3a, `resend: ${peer.publishes}`);
      await page.selectOption('[data-testid="pub-qos"]', "0");
      await page.click('[data-testid="connect"]');
    },
    async function anOversizeRetainedMessageStopsReconnectingAfterTheSecondTime(page) {
      await newConnection(page, "poisoned");
      await page.getByLabel("Receive limit").fill(String(1024 * 1024));
      await configure(page, peer.url(), "4", "poison");
      await until(page, () => document.querySelector('[data-testid="conn-status"]')?.textContent.includes("connected"), null, "connected");
      await page.fill('[data-testid="sub-filter"]', "home/#");
      await page.click('[data-testid="subscribe"]');
      const title = `A packet of ${POISON_SIZE.toLocaleString("en-US")} was too big`;
      await until(page, (t) => document.querySelector('[data-testid="doctor"]')?.textContent.includes(t), title, "the doctor's explanation", 20000);
      await until(page, () => document.querySelector('[data-testid="doctor"]')?.textContent.includes("stopped reconnecting"), null, "reconnection stopped", 20000);
      assert(peer.connects.get("poison") === 2, `${peer.connects.get("poison")} CONNECTs, expected 2`);
      await sleep(3000);
      assert(peer.connects.get("poison") === 2, `reconnected again: ${peer.connects.get("poison")} CONNECTs`);
      const text = await doctorText(page);
      assert(text.includes("receive limit of 1,048,576 bytes") && !text.includes("broke a rule"), text);
      await page.click('[data-testid="tab-packets"]');
      assert((await packetCount(page, "MALFORMED")) === 0, "no oversize frame stored as a MALFORMED row");
      await page.screenshot({ path: join(ARTIFACTS, "reliability-oversize.png"), fullPage: true });
    },
  ];
}

/** The second tab's page load, and the peer's closing of connections it ends. */
function expected(problem, ctx) {
  return problem.includes(`127.0.0.1:${ctx.peer.port}`) && /WebSocket/.test(problem);
}

async function main() {
  const url = process.argv[2];
  if (!url) {
    console.error("usage: node tests/e2e/reliability.mjs <page url>");
    return 2;
  }
  const dir = mkdtempSync(join(tmpdir(), "mqttscope-e2e-"));
  const broker = await Broker.onFreePorts(dir);
  const peer = new HostilePeer();
  await Promise.all([broker.start(), peer.start()]);
  const ctx = { broker, peer };
  try {
    const ready = async function pageLoads(page) {
      await page.waitForSelector('[data-testid="add-connection"]');
    };
    // ONLY=<step name> runs one step (while working on it).
    const chosen = steps(ctx).filter((s) => !process.env.ONLY || s.name === process.env.ONLY);
    const failed = await runSteps({ url, height: 1000, steps: [ready, ...chosen], expected: (p) => expected(p, ctx) });
    return failed ? 1 : 0;
  } finally {
    await Promise.all([broker.stop(), peer.stop()]);
    rmSync(dir, { recursive: true, force: true });
  }
}

await exitWith(main);
