// What the end-to-end scripts share: headless Chromium with a fresh profile, a watch for
// console errors, page errors, failed requests, HTTP errors, dialogs and CSP violations,
// and a runner that reports each step and screenshots the page when one fails.

import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

export const ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const ARTIFACTS = join(ROOT, "test-artifacts");
const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** Throws with `message` unless `ok`. */
export function assert(ok, message) {
  if (!ok) throw new Error(message);
}

/** Collects every console error, page error, failed request, HTTP error and dialog. */
function watchForProblems(page) {
  const problems = [];
  page.on("console", (m) => m.type() === "error" && problems.push(`console: ${m.text()}`));
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("requestfailed", (r) => problems.push(`request failed: ${r.url()}`));
  page.on("response", (r) => r.status() >= 400 && problems.push(`HTTP ${r.status()}: ${r.url()}`));
  page.on("dialog", (d) => {
    problems.push(`dialog: ${d.message()}`);
    d.dismiss();
  });
  return problems;
}

/**
 * Opens `url` in headless Chromium (1440 px wide, `height` high, light, reduced motion),
 * runs each of `steps(page)` in turn, then fails on every problem the page reported that
 * `expected(problem)` does not excuse. Returns the number of failures.
 */
export async function runSteps({ url, steps, height = 900, expected = () => false }) {
  mkdirSync(ARTIFACTS, { recursive: true });
  const profile = mkdtempSync(join(tmpdir(), "mqttscope-e2e-profile-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1440, height },
    colorScheme: "light",
    reducedMotion: "reduce",
  });
  let failed = 0;
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    await page.addInitScript(() => {
      document.addEventListener("securitypolicyviolation", (e) =>
        console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`),
      );
    });
    const problems = watchForProblems(page);
    await page.goto(url, { waitUntil: "load" });
    for (const step of steps) {
      try {
        await step(page);
        console.log(`ok   ${step.name}`);
      } catch (e) {
        failed += 1;
        console.log(`FAIL ${step.name}: ${e.message}`);
        await page.screenshot({ path: join(ARTIFACTS, `fail-${step.name}.png`), fullPage: true }).catch(() => {});
      }
    }
    for (const p of problems.filter((p) => !expected(p))) {
      failed += 1;
      console.log(`FAIL ${p}`);
    }
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
  console.log(failed ? `${failed} failure(s)` : "all checks passed");
  return failed;
}

/** Runs `main` and sets the exit status from what it returns (or 1 if it throws). */
export async function exitWith(main) {
  process.exitCode = await main().catch((e) => {
    console.error(e);
    return 1;
  });
}
