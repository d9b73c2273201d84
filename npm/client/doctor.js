// The connection doctor behind the client's errors: `error.diagnose()` imports this module
// on first use, and it imports the doctor's entry (`mqttscope/doctor`), whose wasm module
// carries the mqttscope page's doctor (crates/doctor). The client entry loads neither
// until then. With `{ probe: true }`, a failed handshake is probed first, as the
// page does (the browser says nothing about why a WebSocket did not open): an HTTP fetch,
// the URL without the subprotocol, and other common paths or ports.

import { ConnectionError, UsageError } from "./errors.js";

/** How long a probe may take before it counts as "no answer", in milliseconds (the page's). */
const PROBE_MS = 4000;

/** The fields of a ConnectionError that the doctor reads, by the names it reads them. */
const FIELDS = [
  "url", "version", "keepAlive", "ending", "closeCode", "closeReason", "reasonCode", "reasonString",
  "serverReference", "rule", "detail", "connackCode", "size", "limit", "reconnecting", "elapsedMs", "subprotocol",
];

/** Loads the doctor's entry: the browser's by default; node's loader sets its own. */
let entry = () => import("../doctor/index.js");

/** Sets how the doctor's entry is loaded (index.node.js: the one that reads the wasm file). */
export function loadDoctorWith(load) {
  entry = load;
}

/** The doctor's diagnosis of `error`: null unless a ConnectionError; one without the URL
 *  the client's own carry (made by hand) is refused. */
export async function diagnose(error, options = {}) {
  if (options === null || typeof options !== "object") {
    throw new UsageError("options: expected an object like { probe: true }", { field: "options" });
  }
  const extra = Object.keys(options).find((key) => key !== "probe");
  if (extra) throw new UsageError(`options.${extra}: no such option; the options are probe`, { field: `options.${extra}` });
  if (!(error instanceof ConnectionError)) return null;
  if (typeof error.url !== "string") {
    throw new UsageError("error.url: the connection's URL, which the client's own ConnectionErrors carry", { field: "error.url" });
  }
  const doctor = await (await entry()).load();
  const failure = { pageIsHttps: globalThis.location?.protocol === "https:" };
  for (const key of FIELDS) failure[key] = error[key];
  if (options.probe === true && error.ending === "handshake") failure.probes = await probe(doctor, error.url);
  return doctor.diagnose(failure);
}

/** Runs the probes the doctor lists for `url`, at once; what this runtime cannot probe (no
 *  fetch, no WebSocket) is left out. */
async function probe(doctor, url) {
  let plan;
  try {
    plan = doctor.probePlan(url);
  } catch {
    return null; // a URL the doctor explains without probes
  }
  const WS = typeof WebSocket === "function" ? WebSocket : null;
  const [httpAnswers, bare, ...opened] = await Promise.all([
    answers(plan.httpUrl),
    WS && opens(WS, plan.withoutSubprotocol, []),
    ...(WS ? plan.alternatives.map((alt) => opens(WS, alt, ["mqtt"])) : []),
  ]);
  return {
    httpAnswers,
    // As the page: whether a plain WebSocket opens matters only where HTTP answers.
    opensWithoutSubprotocol: WS && httpAnswers ? bare !== null : null,
    alternatives: opened.map((protocol, i) => ({ url: plan.alternatives[i], opened: protocol === "mqtt" })),
  };
}

/** Whether anything answers HTTP at `url`: a `no-cors` fetch, where any response counts
 *  and a refused connection, a TLS failure or a timeout does not. Null without fetch. */
async function answers(url) {
  if (typeof fetch !== "function") return null;
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), PROBE_MS);
  try {
    await fetch(url, { mode: "no-cors", cache: "no-store", signal: abort.signal });
    return true;
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
    // The answer is all the probe wanted: a body still coming is not read, and the
    // connection does not stay open for it.
    abort.abort();
  }
}

/** Resolves with the subprotocol a WebSocket to `url` asking for `protocols` opened with,
 *  or null when it did not open in time; the socket is closed at once. */
function opens(WS, url, protocols) {
  return new Promise((done) => {
    let ws = null;
    const end = (protocol) => {
      clearTimeout(timer);
      if (ws) {
        ws.onopen = ws.onclose = null;
        // Closing a socket still opening makes an error event (the ws package throws one
        // that nothing listens to): it is heard and dropped.
        ws.onerror = () => {};
        ws.close();
      }
      done(protocol);
    };
    const timer = setTimeout(() => end(null), PROBE_MS);
    try {
      ws = new WS(url, protocols);
    } catch {
      return end(null);
    }
    ws.onopen = () => end(ws.protocol);
    ws.onerror = ws.onclose = () => end(null);
  });
}
