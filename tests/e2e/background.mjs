// Keep-alive in a background tab, measured in headless Chromium against a real mosquitto.
//
//   node tests/e2e/background.mjs <dist dir>
//
// Chromium throttles the timers of a hidden page: aligned to 1 s at once, and after five
// minutes hidden ("intensive wake-up throttling") to one wake-up a minute, which starves an
// MQTT keep-alive (MQTT.js issue #1257). The driver therefore runs its timers in a
// dedicated Worker (src/driver/timer.rs). This script measures both kinds of timer in the
// same page at the same time: the app connects with keep-alive 10 s (mosquitto drops a
// client after 1.5 × 10 s of silence) and a chained 500 ms timer runs on the page beside
// it, the way a page-timer keep-alive would. Then a new tab opens in front of the page,
// which stays hidden for 75 s, is shown again, and the script reads what happened: the
// PINGREQs from the packet inspector, and the page timer's gaps. The browser is
// WebDriver's (chromedriver), not Playwright's: Playwright opens every page in a window of
// its own, so a page never becomes hidden, and it turns timer throttling off; here
// chromedriver's switches that turn it off are removed and the five-minute grace period is
// shortened to 10 s (IntensiveWakeUpThrottling:grace_period_seconds/10).
//
// Fails unless the app keeps its one connection with a PINGREQ at least every 12 s, and
// unless the page timer was throttled (at most about one run a second instead of two),
// which shows that the page really was a throttled background page. Whether Chromium
// goes on to intensive throttling (one wake-up a minute, which starves a 10 s keep-alive)
// varied from run to run here, so the page timer's longest gap is printed, not asserted.
// Prints one JSON line of figures.

import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { extname, join, normalize } from "node:path";
import { Broker, freePort, sleep } from "./mosquitto.mjs";
import { Driver } from "./webdriver.mjs";

const KEEP_ALIVE_S = 10;
const HIDDEN_S = 75;
const GRACE_S = 10;
const TYPES = { ".html": "text/html", ".js": "text/javascript", ".wasm": "application/wasm", ".css": "text/css" };

/** Serves `dir` on loopback. */
async function serve(dir) {
  const port = await freePort();
  const server = createServer((req, res) => {
    const path = new URL(req.url, "http://x").pathname;
    const file = normalize(join(dir, path === "/" ? "index.html" : path));
    if (!file.startsWith(normalize(dir))) {
      res.writeHead(404).end();
      return;
    }
    try {
      const body = readFileSync(file);
      res.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream" }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise((r) => server.listen(port, "127.0.0.1", r));
  return { url: `http://127.0.0.1:${port}/`, close: () => server.close() };
}

/** Sets an input or select the way a user would (Leptos listens to input and change). */
const FILL = `
  const [css, value] = arguments;
  const el = document.querySelector(css);
  el.value = value;
  el.dispatchEvent(new Event(el.tagName === "SELECT" ? "change" : "input", { bubbles: true }));`;

const KEEP_ALIVE_INPUT = `[...document.querySelectorAll("label.field")]
  .find((l) => l.textContent.includes("Keep alive")).querySelector("input")`;

/** Adds a connection to `wsUrl` with keep-alive KEEP_ALIVE_S and connects. */
async function connect(d, wsUrl) {
  await d.until(`return document.querySelector('[data-testid="add-connection"]')`, "the app");
  await d.js(`document.querySelector('[data-testid="add-connection"]').click()`);
  await d.until(`return document.querySelector('[data-testid="url"]')`, "the connect form");
  await d.js(FILL, '[data-testid="url"]', wsUrl);
  await d.js(FILL, '[data-testid="version"]', "5");
  await d.js(`const i = ${KEEP_ALIVE_INPUT}; i.value = arguments[0]; i.dispatchEvent(new Event("input", { bubbles: true }));`, String(KEEP_ALIVE_S));
  await d.js(`document.querySelector('[data-testid="save-connect"]').click()`);
  await d.until(`return document.querySelector('[data-testid="conn-status"]')?.textContent.trim().startsWith("connected")`, "connected");
}

/** Records every visibility change of the page, with its time, and starts the page timer:
 *  a chained 500 ms timeout that records when it runs. */
const WATCH_PAGE = `
  window.__visibility = [[performance.now(), document.visibilityState]];
  document.addEventListener("visibilitychange", () => window.__visibility.push([performance.now(), document.visibilityState]));
  window.__pageTimer = [];
  const tick = () => {
    window.__pageTimer.push(performance.now());
    setTimeout(tick, 500);
  };
  tick();`;

/** What the page saw: visibility changes, status, and the packet log (oldest first). */
const READ_PAGE = `
  const rows = [...document.querySelectorAll(".pkt-btn")].reverse().map((b) => ({
    at: b.querySelector(".mono").textContent,
    dir: b.querySelector(".pkt-dir").textContent,
    kind: b.querySelector('[data-testid="pkt-kind"]').textContent,
  }));
  return {
    visibility: window.__visibility,
    pageTimer: window.__pageTimer,
    status: document.querySelector('[data-testid="conn-status"]').textContent,
    rows,
  };`;

/** Seconds since midnight of an `hh:mm:ss.mmm` clock text. */
function seconds(clock) {
  const [h, m, s] = clock.split(":").map(Number);
  return h * 3600 + m * 60 + s;
}

/** The longest gap (s) between successive times (ms) from `from` to `to`. */
function longestGap(times, from, to) {
  const inside = times.filter((t) => t >= from && t <= to);
  return Math.max(0, ...inside.slice(1).map((t, i) => (t - inside[i]) / 1000));
}

/** Connects, hides the page for HIDDEN_S, shows it, reads the packet log and page timer. */
async function run(distDir, broker) {
  const server = await serve(distDir);
  const d = await Driver.start(GRACE_S);
  try {
    await d.send("POST", `${d.session}/url`, { url: server.url });
    await connect(d, `ws://127.0.0.1:${broker.ws}`);
    await d.js(WATCH_PAGE);
    const page = await d.send("GET", `${d.session}/window`);
    const tab = await d.send("POST", `${d.session}/window/new`, { type: "tab" });
    await d.send("POST", `${d.session}/window`, { handle: tab.handle });
    await sleep(HIDDEN_S * 1000);
    await d.send("POST", `${d.session}/window`, { handle: page });
    await d.js(`document.querySelector('[data-testid="tab-packets"]').click()`);
    await d.until(`return document.querySelector(".pkt-btn")`, "the packet log");
    // The log draws only the rows in view: make room for all of them, then wait for the oldest.
    await d.js(`document.querySelector('[data-testid="packets"]').style.maxHeight = "none"; dispatchEvent(new Event("resize"));`);
    await d.until(`return [...document.querySelectorAll('[data-testid="pkt-kind"]')].at(-1)?.textContent === "CONNECT"`, "the whole packet log drawn");
    const seen = await d.js(READ_PAGE);
    const hidden = seen.visibility.find(([, v]) => v === "hidden");
    const shown = seen.visibility.findLast(([, v]) => v === "visible");
    const hiddenFor = hidden && shown && shown[0] > hidden[0] ? (shown[0] - hidden[0]) / 1000 : 0;
    const connects = seen.rows.filter((r) => r.kind === "CONNECT").length;
    const pings = seen.rows.filter((r) => r.kind === "PINGREQ").map((r) => seconds(r.at));
    const gaps = pings.slice(1).map((t, i) => t - pings[i]);
    const pageTimerGap = hiddenFor ? longestGap(seen.pageTimer, hidden[0], shown[0]) : 0;
    const figures = {
      bench: "background-keep-alive",
      hidden_s: Math.round(hiddenFor),
      keep_alive_s: KEEP_ALIVE_S,
      connects,
      pingreqs: pings.length,
      longest_gap_between_pingreqs_s: gaps.length ? Math.max(...gaps).toFixed(1) : null,
      status_when_shown: seen.status.trim(),
      connected_when_shown: /^connected/.test(seen.status.trim()),
      page_timer_runs_while_hidden: seen.pageTimer.filter((t) => hidden && t >= hidden[0] && t <= shown[0]).length,
      page_timer_longest_gap_s: pageTimerGap.toFixed(1),
    };
    console.log(JSON.stringify(figures));
    return { ...figures, hiddenFor, gaps, pageTimerGap };
  } finally {
    await d.quit();
    server.close();
  }
}

async function main() {
  const distDir = process.argv[2];
  if (!distDir) throw new Error("usage: node tests/e2e/background.mjs <dist dir>");
  const dir = mkdtempSync(join(tmpdir(), "mqttscope-background-"));
  const broker = await Broker.onFreePorts(dir);
  await broker.start();
  const failures = [];
  const check = (ok, what) => {
    console.log(`${ok ? "ok  " : "FAIL"} ${what}`);
    if (!ok) failures.push(what);
  };
  try {
    const r = await run(distDir, broker);
    check(r.hiddenFor >= HIDDEN_S - 5, `the page was hidden for ${r.hiddenFor.toFixed(1)} s`);
    check(r.connects === 1, `one connection, never dropped (${r.connects} CONNECT)`);
    check(r.connected_when_shown, `still connected ("${r.status_when_shown}")`);
    const longest = Math.max(...r.gaps);
    check(
      r.pingreqs >= HIDDEN_S / KEEP_ALIVE_S - 1 && longest <= KEEP_ALIVE_S + 2,
      `worker timers: ${r.pingreqs} PINGREQ, at most ${longest.toFixed(1)} s apart (keep-alive ${KEEP_ALIVE_S} s)`,
    );
    const runs = r.page_timer_runs_while_hidden;
    check(
      runs <= r.hiddenFor * 1.1,
      `page timer (control): throttled while hidden, ${runs} runs in ${r.hiddenFor.toFixed(0)} s ` +
        `(${Math.round(r.hiddenFor * 2)} unthrottled), gaps of up to ${r.pageTimerGap.toFixed(1)} s`,
    );
  } finally {
    await broker.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  if (failures.length) {
    console.log(`${failures.length} check(s) failed`);
    process.exit(1);
  }
  console.log("keep-alive holds in a background tab with the worker's timers, while a page timer beside it is throttled");
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
