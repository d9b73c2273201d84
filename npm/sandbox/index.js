// The sandbox broker for `sandbox://` URLs: mqttscope-broker and its simulated smart-home
// devices (a thermostat, lights, a security system) in a worker of their own, so that a
// client connects with no broker anywhere. A SharedWorker where the browser has one, so
// that every tab of the site shares one sandbox (as the mqttscope page's tabs do); a
// dedicated Worker otherwise. The client entry imports this module on its first sandbox://
// connection, never before.

/** The page's own port to the sandbox worker (null: not started). */
let hub = null;
/** Whether the worker said "ready", or why it failed (null: neither yet). */
let ready = false;
let failure = null;
/** Ports to hand the worker once it is ready: kept until then, so that a worker that never
 *  starts can still be told of on them. */
const waiting = [];

function start() {
  const onerror = (e) => fail(`the sandbox worker did not start${e.message ? `: ${e.message}` : ""}`);
  // Each `new URL(..., import.meta.url)` written out in the constructor's call, as bundlers
  // look for it, to bundle the worker and copy the wasm file it loads.
  if (typeof SharedWorker === "function") {
    const worker = new SharedWorker(new URL("./sandbox-worker.js", import.meta.url), { type: "module", name: "mqttscope-sandbox" });
    worker.onerror = onerror;
    hub = worker.port;
  } else {
    hub = new Worker(new URL("./sandbox-worker.js", import.meta.url), { type: "module", name: "mqttscope-sandbox" });
    hub.onerror = onerror;
  }
  hub.onmessage = (e) => {
    if (e.data?.[0] === "ready") {
      ready = true;
      for (const port of waiting.splice(0)) hand(port);
    } else if (e.data?.[0] === "failed") {
      fail(e.data[1]);
    }
  };
  // The tab is going away (or into the back-forward cache): the broker closes this page's
  // connections at once, as a broker sees a TCP connection drop, and publishes their wills.
  addEventListener("pagehide", () => hub.postMessage(["bye"]));
}

function hand(port) {
  hub.postMessage(["attach"], [port]);
}

function fail(why) {
  failure = why;
  for (const port of waiting.splice(0)) port.postMessage(["failed", why]);
}

/**
 * Makes `port` a port of the sandbox worker: what a driver posts on the other end of its
 * channel reaches the sandbox, as if it were the page's own (`sandbox-hub.js` speaks on
 * it). Messages posted on that end before the worker is ready wait in `port` and go with it;
 * if the worker cannot start, `port` says ["failed", why] to that end.
 */
export function attach(port) {
  if (failure) return port.postMessage(["failed", failure]);
  if (!hub) start();
  if (ready) hand(port);
  else waiting.push(port);
}
