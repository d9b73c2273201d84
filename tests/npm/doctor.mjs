// The npm package's `mqttscope/doctor` entry, used as a user would: packed with `npm pack`,
// installed from the tarball into a fresh folder, imported by its name in node and by its
// path from a plain <script type="module"> in headless Chromium (where it must load its
// own wasm module and not the dissector's).
//
//   node tests/npm/doctor.mjs pkg
//
// The declarations are checked too: TypeScript (pinned in tests/e2e) compiles a user's
// module against them in strict mode, and must refuse what they forbid. The client's
// `error.diagnose()`, which imports this entry, is tested in tests/npm/client.mjs.
//
// `cargo xtask test` runs it in the `npm` tier after `cargo xtask pack`. CHROMIUM
// overrides the browser (default /usr/bin/chromium); NPM_SKIP_BROWSER=1 skips it.

import assert from "node:assert/strict";
import { checkEntry, pageCheck, runChecks, throwsLike } from "./common.mjs";

/** Every check in node, against the installed package's entry. */
async function nodeChecks(m) {
  const checks = {
    async "diagnose explains a refused CONNECT in either version, with what to change"() {
      const d = await m.diagnose({ url: "ws://127.0.0.1:9001/mqtt", ending: "refused", reasonCode: 0x86 });
      assert.deepEqual(d, {
        severity: "error",
        title: "The broker rejected your user name or password",
        text: "The broker at 127.0.0.1:9001 answered CONNACK 0x86 Bad User Name or Password. Check both; " +
          "they are case sensitive. Some brokers want a token as the password, or a password only together with a user name.",
        actions: [{ kind: "edit", label: "Edit user name and password", setting: "credentials" }],
        settings: ["credentials"],
      });
      // 3.1.1 return code 5, with the client's null fields; the version as the options spell it.
      const v4 = await m.diagnose({
        url: "ws://h:9001", version: "3.1.1", ending: "refused", reasonCode: 5, reasonString: null, closeCode: null,
      });
      assert.equal(v4.title, "You are not authorized to connect");
      assert.match(v4.text, /^The broker at h:9001 answered CONNACK return code 5 \(Connection Refused, not authorized\)\./);
      // MQTT 5 only: the broker's own words and where it points.
      const moved = await m.diagnose({
        url: "wss://a.example:8884/mqtt", ending: "refused", reasonCode: 0x9d, reasonString: "gone", serverReference: "b.example",
      });
      assert.equal(moved.title, "The broker has moved");
      assert.match(moved.text, /The broker says: "gone"\. It points you to "b\.example"\.$/);
      assert.deepEqual(moved.actions[0], { kind: "useUrl", label: "Use wss://b.example:8884/mqtt", url: "wss://b.example:8884/mqtt" });
    },
    async "diagnose explains a failed handshake from what the probes found"() {
      const url = "ws://127.0.0.1:1883";
      const plan = await m.probePlan(url);
      assert.deepEqual(plan, {
        httpUrl: "http://127.0.0.1:1883/",
        withoutSubprotocol: "ws://127.0.0.1:1883/",
        alternatives: ["ws://127.0.0.1:8083/mqtt", "ws://127.0.0.1:8080/mqtt", "ws://127.0.0.1:9001/mqtt", "ws://127.0.0.1:8000/mqtt"],
      });
      const alternatives = plan.alternatives.map((u) => ({ url: u, opened: u.includes(":9001/") }));
      const found = await m.diagnose({ url, ending: "handshake", elapsedMs: 30, probes: { httpAnswers: false, alternatives } });
      assert.equal(found.title, "The broker's WebSocket is at 127.0.0.1:9001");
      assert.deepEqual(found.actions, [{ kind: "useUrl", label: "Use ws://127.0.0.1:9001/mqtt", url: "ws://127.0.0.1:9001/mqtt" }]);
      // Nothing probed: port 1883 is MQTT over TCP, which a browser cannot open.
      const tcp = await m.diagnose({ url, ending: "handshake" });
      assert.equal(tcp.title, "Port 1883 is MQTT's plain TCP port");
      // Something answers HTTP, and a plain WebSocket opens: not an MQTT listener.
      const web = await m.diagnose({
        url: "ws://127.0.0.1:8080/", ending: "handshake", probes: { httpAnswers: true, opensWithoutSubprotocol: true },
      });
      assert.equal(web.title, "127.0.0.1:8080 does not accept MQTT");
      // Nothing answers at all, after a long wait.
      const none = await m.diagnose({ url: "ws://10.1.2.3:9001", ending: "handshake", elapsedMs: 21000, probes: { httpAnswers: false } });
      assert.equal(none.title, "Nothing answers at 10.1.2.3:9001");
      assert.match(none.text, /It took 21 s to fail/);
    },
    async "diagnose explains the other endings"() {
      const url = "ws://127.0.0.1:9001";
      const d = (failure) => m.diagnose({ url, ...failure });
      const keepAlive = await d({ ending: "keepAlive", keepAlive: 5 });
      assert.equal(keepAlive.title, "127.0.0.1:9001 stopped answering");
      assert.match(keepAlive.text, /for 7\.5 s \(1\.5 times the keep alive of 5 s\)/);
      assert.deepEqual(keepAlive.settings, ["keepAlive"]);
      const taken = await d({ ending: "server", reasonCode: 0x8e });
      assert.equal(taken.title, "Another client took over your session");
      assert.deepEqual(taken.actions.map((a) => a.kind), ["edit", "retry"]);
      assert.equal((await d({ ending: "connectTimeout", elapsedMs: 10000 })).title, "No answer to CONNECT from 127.0.0.1:9001");
      const big = await d({ ending: "tooLarge", size: 2000000, limit: 1048576, reconnecting: false });
      assert.equal(big.title, "A packet of 2,000,000 was too big for this connection");
      assert.deepEqual(big.settings, ["receiveLimit"]);
      const rule = await d({ ending: "protocol", rule: "MQTT-3.2.2-6", detail: "Session Present with a failure" });
      assert.equal(rule.title, "The broker broke an MQTT rule [MQTT-3.2.2-6]");
      // An MQTT 5 CONNECT answered with a 3.1.1 CONNACK (return code 1): no MQTT 5 there.
      const old = await d({ ending: "protocol", rule: "MQTT-3.2.2-8", connackCode: 1 });
      assert.equal(old.title, "The broker does not speak MQTT 5.0");
      assert.deepEqual(old.actions.map((a) => [a.kind, a.version]), [["switchVersion", 4], ["switchVersion", 3]]);
      const closed = await d({ ending: "transport", closeCode: 1001, closeReason: "restart" });
      assert.equal(closed.title, "The connection to 127.0.0.1:9001 closed: Going Away");
      assert.equal(closed.severity, "warning");
      const sub = await d({ ending: "subprotocol", subprotocol: "mqttv3.1" });
      assert.deepEqual(sub.actions[0], { kind: "switchVersion", label: "Try MQTT 3.1", version: 3 });
      // A URL the doctor cannot use is no error: the diagnosis says what is wrong with it.
      const tcp = await m.diagnose({ url: "mqtt://broker.example:1883", ending: "handshake" });
      assert.equal(tcp.title, "Browsers cannot open mqtt:// connections");
      const mixed = await m.diagnose({ url: "ws://broker.example:8083/mqtt", ending: "handshake", pageIsHttps: true });
      assert.equal(mixed.title, "This page is https, so your browser blocks ws://");
      // load() gives it synchronously.
      const sync = await m.load();
      assert.equal(sync.diagnose({ url, ending: "keepAlive" }).title, keepAlive.title);
    },
    async "diagnose and probePlan refuse bad input with a UsageError naming the field"() {
      const url = "ws://h:9001";
      const cases = [
        [{ url, ending: "refused" }, "failure.reasonCode", 'failure.reasonCode: expected a value for ending "refused"'],
        [{ url, ending: "refused", reasonCode: 256 }, "failure.reasonCode", "failure.reasonCode: expected an integer from 0 to 255"],
        [{ url, ending: "gone" }, "failure.ending", null],
        [{ url }, "failure.ending", "failure.ending: expected a value (it is missing)"],
        [{ ending: "keepAlive" }, "failure.url", "failure.url: expected a value (it is missing)"],
        [{ url: new URL(url), ending: "keepAlive" }, "failure.url", "failure.url: expected a string"],
        [{ url, ending: "keepAlive", version: 6 }, "failure.version", 'failure.version: expected 3 or "3.1", 4 or "3.1.1", 5 or "5.0"'],
        [{ url, ending: "keepAlive", keepAlive: -1 }, "failure.keepAlive", "failure.keepAlive: expected an integer from 0 to 65535"],
        [{ url, ending: "tooLarge", size: 5 }, "failure.limit", 'failure.limit: expected a value for ending "tooLarge"'],
        [{ url, ending: "handshake", elapsedMs: Infinity }, "failure.elapsedMs", "failure.elapsedMs: expected a number of milliseconds, 0 or more"],
        [{ url, ending: "handshake", keepalive: 5 }, "failure.keepalive", null],
        [{ url, ending: "handshake", probes: { httpAnswers: "yes" } }, "failure.probes.httpAnswers", "failure.probes.httpAnswers: expected true or false"],
        [{ url, ending: "handshake", probes: { alternatives: [{ url: "tcp://h:1883", opened: true }] } },
          "failure.probes.alternatives[0].url", "failure.probes.alternatives[0].url: expected a ws:// or wss:// URL: Browsers cannot open tcp:// connections"],
        [{ url, ending: "handshake", probes: { alternatives: [{ url }] } }, "failure.probes.alternatives[0].opened", null],
        ["ws://h:9001", "failure", "failure: expected an object"],
      ];
      for (const [failure, field, message] of cases) {
        const e = await throwsLike(() => m.diagnose(failure), m.UsageError, { field });
        if (message) assert.equal(e.message, message);
      }
      const unknown = await throwsLike(() => m.diagnose({ url, ending: "handshake", keepalive: 5 }), m.UsageError, {});
      assert.match(unknown.message, /^failure\.keepalive: no such field; the fields here are url, pageIsHttps, version, keepAlive, ending,/);
      await throwsLike(() => m.probePlan("http://h:9001/"), m.UsageError, {
        field: "url", message: "url: expected a ws:// or wss:// URL: Use ws:// instead of http://",
      });
      await throwsLike(() => m.probePlan(9001), m.UsageError, { field: "url", message: "url: expected a string" });
      assert.equal((await m.probePlan("wss://h/mqtt")).httpUrl, "https://h/");
    },
  };
  return runChecks("node", checks);
}

/** The test page: the entry imported by its path from a plain module script. */
const PAGE = `<!doctype html><meta charset="utf-8"><title>mqttscope/doctor</title><link rel="icon" href="data:,">
<script type="module">
  import { diagnose, UsageError } from "/node_modules/mqttscope/doctor/index.js";
  const doctor = await diagnose({ url: "ws://127.0.0.1:1883", ending: "handshake" });
  const refused = await diagnose({ url: "ws://127.0.0.1:9001", ending: "refused", reasonCode: 0x87 }).catch(String);
  const bad = await diagnose({ url: "ws://h", ending: "nope" }).catch((e) => e instanceof UsageError && e.field);
  const wasm = performance.getEntriesByType("resource").map((e) => e.name).filter((n) => n.endsWith(".wasm"));
  window.result = { title: doctor.title, refused: refused.title, bad, wasm: wasm.map((n) => n.split("/").pop()) };
</script>`;

/** The page in headless Chromium: the entry loads from a plain module script. */
const browserChecks = (dir) =>
  pageCheck(dir, PAGE, "loads_its_own_module_in_a_plain_module_script", {
    title: "Port 1883 is MQTT's plain TCP port",
    refused: "You are not authorized to connect",
    bad: "failure.ending",
    wasm: ["mqttscope_js_doctor_bg.wasm"],
  });

/** A user's TypeScript module: what the declarations must accept, and, each marked
 *  `@ts-expect-error`, what they must refuse (tsc fails when such a line compiles). */
const USER_TS = `
import { diagnose, probePlan, load, UsageError } from "mqttscope/doctor";
import type { Diagnosis, FailureInput, Setting, Doctor } from "mqttscope/doctor";

const doctor: Doctor = await load();
const plan = await probePlan("ws://127.0.0.1:1883");
const failure: FailureInput = {
  url: "ws://127.0.0.1:1883", version: "3.1.1", ending: "handshake", elapsedMs: 40, closeCode: null,
  probes: { httpAnswers: false, alternatives: plan.alternatives.map((url) => ({ url, opened: false })) },
};
const diagnosis: Diagnosis = await diagnose(failure);
const first = diagnosis.actions[0];
const target: string | undefined = first?.kind === "useUrl" ? first.url : undefined;
const level: number | undefined = first?.kind === "switchVersion" ? first.version : undefined;
const settings: Setting[] = doctor.diagnose({ url: "ws://h", ending: "keepAlive", keepAlive: 30 }).settings;
const severity: "info" | "warning" | "error" = diagnosis.severity;
// @ts-expect-error no such ending
await diagnose({ url: "ws://h", ending: "timeout" });
// @ts-expect-error the URL is required
await diagnose({ ending: "keepAlive" });
// @ts-expect-error only a useUrl or openPage action has a url: narrow on kind first
const unnarrowedUrl: string = diagnosis.actions[0].url;
try {
  await probePlan("http://h");
} catch (e) {
  if (e instanceof UsageError) {
    const field: string | null = e.field;
  }
}
export { target, level, settings, severity, unnarrowedUrl };
`;

process.exitCode = await checkEntry("mqttscope/doctor", { node: nodeChecks, ts: USER_TS, browser: browserChecks }).then(
  (failed) => (failed ? 1 : 0),
  (e) => {
    console.error(e);
    return 1;
  },
);
