// Keep-alive in a background tab for the npm package's client (`mqttscope`), as
// tests/e2e/background.mjs measures it for the page: headless Chromium through
// chromedriver (Playwright never hides a page and turns throttling off), a real mosquitto
// on loopback, the package installed from its tarball and imported by a plain page.
//
//   node tests/npm/background.mjs pkg
//
// The page connects two clients with keep-alive 10 s (mosquitto drops a client after
// 1.5 x 10 s of silence): one with the core in its Worker (the default), whose timers a
// hidden page does not throttle, and one on the page ({ worker: false }), beside a chained
// 500 ms page timer that shows how the page's own timers fared. A new tab then hides the
// page for 75 s (intensive throttling may start after 10 s hidden). MQTT.js's keep-alive
// dies in exactly this case (its issues #1257 and #1608).
//
// Fails unless the worker client kept its one connection with a PINGREQ at least every
// 12 s while hidden, and unless the page timer was throttled (at most about one run a
// second instead of two), which shows the page really was a throttled background page.
// The page-mode client's figures are printed, not asserted: whether Chromium goes on to
// one wake-up a minute varies from run to run. Prints one JSON line of figures.
//
// `cargo xtask test` runs it in the `npm` tier.

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Broker, sleep } from "../e2e/mosquitto.mjs";
import { Driver } from "../e2e/webdriver.mjs";
import { address, install, serve } from "./common.mjs";

const KEEP_ALIVE_S = 10;
const HIDDEN_S = 75;
const GRACE_S = 10;

/** The page: both clients connected, every packet and page-timer run recorded with its
 *  time, and every visibility change. */
const page = (ws) => `<!doctype html><meta charset="utf-8"><title>keep-alive</title><link rel="icon" href="data:,">
<script type="module">
  import { Client } from "/node_modules/mqttscope/client/index.js";
  window.packets = { worker: [], page: [] };
  window.visibility = [[performance.now(), document.visibilityState]];
  document.addEventListener("visibilitychange", () => window.visibility.push([performance.now(), document.visibilityState]));
  window.pageTimer = [];
  const tick = () => { window.pageTimer.push(performance.now()); setTimeout(tick, 500); };
  /** A client with the core in its worker or on the page, every packet logged. */
  const client = async (worker) => {
    const c = new Client("ws://127.0.0.1:${ws}/", { worker, version: 5, keepAlive: ${KEEP_ALIVE_S}, reconnect: false });
    const into = window.packets[worker ? "worker" : "page"];
    c.on("packet", (p) => into.push([performance.now(), p.direction, p.type]));
    c.on("close", () => into.push([performance.now(), "closed", ""]));
    await c.connect();
    return c;
  };
  const [w, p] = [await client(true), await client(false)];
  window.states = () => ({ worker: w.state, page: p.state });
  tick();
  window.ready = true;
</script>`;

/** The longest gap (s) between successive times (ms) from `from` to `to`. */
function longestGap(times, from, to) {
  const inside = times.filter((t) => t >= from && t <= to);
  return Math.max(0, ...inside.slice(1).map((t, i) => (t - inside[i]) / 1000));
}

/** What one client did while the page was hidden. */
function figures(packets, hidden, shown) {
  const pings = packets.filter(([t, dir, kind]) => dir === "sent" && kind === "PINGREQ" && t >= hidden && t <= shown).map(([t]) => t);
  return {
    connects: packets.filter(([, dir, kind]) => dir === "sent" && kind === "CONNECT").length,
    closed: packets.some(([, dir]) => dir === "closed"),
    pingreqs_while_hidden: pings.length,
    longest_ping_gap_s: Number(longestGap([hidden, ...pings, shown], hidden, shown).toFixed(1)),
  };
}

/** Opens the page, hides it behind a new tab for HIDDEN_S, shows it, reads what it saw. */
async function run(url) {
  const d = await Driver.start(GRACE_S);
  try {
    await d.send("POST", `${d.session}/url`, { url });
    await d.until("return window.ready === true", "both clients connected");
    const front = await d.send("GET", `${d.session}/window`);
    const tab = await d.send("POST", `${d.session}/window/new`, { type: "tab" });
    await d.send("POST", `${d.session}/window`, { handle: tab.handle });
    await sleep(HIDDEN_S * 1000);
    await d.send("POST", `${d.session}/window`, { handle: front });
    await sleep(500);
    return await d.js("return { packets: window.packets, visibility: window.visibility, pageTimer: window.pageTimer, states: window.states() }");
  } finally {
    await d.quit();
  }
}

async function main() {
  const pkg = process.argv[2];
  if (!pkg) throw new Error("usage: node tests/npm/background.mjs <package folder, e.g. pkg>");
  const dir = install(pkg, "background");
  const brokerDir = mkdtempSync(join(tmpdir(), "mqttscope-npm-background-"));
  const broker = await Broker.onFreePorts(brokerDir);
  process.on("exit", () => broker.proc?.kill());
  await broker.start();
  const server = await serve(dir, (path) => (path === "/" ? page(broker.ws) : undefined));
  const failures = [];
  const check = (ok, what) => {
    console.log(`${ok ? "ok  " : "FAIL"} ${what}`);
    if (!ok) failures.push(what);
  };
  try {
    const seen = await run(address(server));
    const hidden = seen.visibility.find(([, v]) => v === "hidden")?.[0] ?? 0;
    const shown = seen.visibility.findLast(([, v]) => v === "visible")?.[0] ?? 0;
    const hiddenFor = shown > hidden && hidden ? (shown - hidden) / 1000 : 0;
    const worker = figures(seen.packets.worker, hidden, shown);
    const onPage = figures(seen.packets.page, hidden, shown);
    const pageTimerRuns = seen.pageTimer.filter((t) => t >= hidden && t <= shown).length;
    console.log(JSON.stringify({
      bench: "npm-background-keep-alive",
      hidden_s: Math.round(hiddenFor),
      keep_alive_s: KEEP_ALIVE_S,
      worker,
      worker_state: seen.states.worker,
      page_mode: onPage,
      page_mode_state: seen.states.page,
      page_timer_runs_while_hidden: pageTimerRuns,
      page_timer_longest_gap_s: Number(longestGap(seen.pageTimer, hidden, shown).toFixed(1)),
    }));
    check(hiddenFor >= HIDDEN_S - 5, `the page was hidden for ${hiddenFor.toFixed(1)} s`);
    check(worker.connects === 1 && !worker.closed && seen.states.worker === "connected",
      `worker: one connection, never dropped (${worker.connects} CONNECT, state ${seen.states.worker})`);
    check(worker.pingreqs_while_hidden >= HIDDEN_S / KEEP_ALIVE_S - 1 && worker.longest_ping_gap_s <= KEEP_ALIVE_S + 2,
      `worker: ${worker.pingreqs_while_hidden} PINGREQ while hidden, at most ${worker.longest_ping_gap_s} s apart (keep-alive ${KEEP_ALIVE_S} s)`);
    check(pageTimerRuns <= hiddenFor * 1.2 + 5,
      `the page's own 500 ms timer was throttled: ${pageTimerRuns} runs in ${hiddenFor.toFixed(0)} s hidden`);
    return failures.length ? 1 : 0;
  } finally {
    server.close();
    await broker.stop();
    rmSync(dir, { recursive: true, force: true });
    rmSync(brokerDir, { recursive: true, force: true });
  }
}

process.exitCode = await main().catch((e) => {
  console.error(e);
  return 1;
});
