// A minimal W3C WebDriver client for one chromedriver session, for the tests that need a
// page to really become hidden and throttled (Playwright opens every page in a window of
// its own and turns timer throttling off). chromedriver's switches that turn throttling
// off are removed.

import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, sleep } from "./mosquitto.mjs";

const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";
const CHROMEDRIVER = process.env.CHROMEDRIVER || "/usr/bin/chromedriver";

/** A minimal W3C WebDriver client for one chromedriver session. */
export class Driver {
  /** A session of a new headless Chromium whose hidden pages are throttled as a user's
   *  are, intensive throttling coming after `graceS` seconds hidden. */
  static async start(graceS) {
    const port = await freePort();
    const proc = spawn(CHROMEDRIVER, [`--port=${port}`], { stdio: "ignore" });
    // A profile of our own, removed by quit(): chromedriver's own (about 110 MB) stays in
    // the temporary folder after every session.
    const profile = mkdtempSync(join(tmpdir(), "mqttscope-chromium-"));
    const d = new Driver(`http://127.0.0.1:${port}`, proc, profile);
    for (let i = 0; i < 100 && !(await d.ready()); i++) await sleep(50);
    const options = {
      binary: CHROMIUM,
      args: [
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--window-size=1280,900",
        `--user-data-dir=${profile}`,
        `--enable-features=IntensiveWakeUpThrottling:grace_period_seconds/${graceS}`,
      ],
      // chromedriver turns background throttling off by default; this test needs it on.
      excludeSwitches: ["disable-background-timer-throttling", "disable-backgrounding-occluded-windows"],
    };
    const s = await d.send("POST", "/session", { capabilities: { alwaysMatch: { "goog:chromeOptions": options } } });
    d.session = `/session/${s.sessionId}`;
    return d;
  }
  constructor(base, proc, profile) {
    Object.assign(this, { base, proc, profile, session: "" });
  }
  async ready() {
    try {
      return (await this.send("GET", "/status")).ready;
    } catch {
      return false;
    }
  }
  async send(method, path, body) {
    const r = await fetch(this.base + path, {
      method,
      headers: { "content-type": "application/json" },
      body: body && JSON.stringify(body),
    });
    const { value } = await r.json();
    if (value?.error) throw new Error(`WebDriver ${path}: ${value.error}: ${value.message?.split("\n")[0]}`);
    return value;
  }
  /** Runs `script` (a function body; `arguments` are `args`) in the current tab. */
  js(script, ...args) {
    return this.send("POST", `${this.session}/execute/sync`, { script, args });
  }
  async until(script, what, timeoutMs = 15000) {
    const end = Date.now() + timeoutMs;
    while (Date.now() < end) {
      if (await this.js(script)) return;
      await sleep(100);
    }
    throw new Error(`timed out waiting for ${what}`);
  }
  async quit() {
    await this.send("DELETE", this.session).catch(() => {});
    this.proc.kill();
    rmSync(this.profile, { recursive: true, force: true, maxRetries: 5 });
  }
}
