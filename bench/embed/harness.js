// The page of `cargo xtask bench embed` (bench/embed/run.mjs drives it over the DevTools
// protocol): one client at a time, of five kinds, behind one small adapter each, and the two
// workloads timed in the page. MQTT 3.1.1 for every client; keep-alive 60 s (the floor: 0).
//
//   bench.open(kind, url, clientId)      kind: "worker" | "page" | "mqttjs" | "floor" | "floorWorker"
//   bench.prepareReceive(topic, n, qos)  subscribes; then bench.mark() and bench.received()
//   bench.publish(topic, n, qos)         publishes n messages, resolves once all are done
//   bench.close()

import { connect } from "/pkg/client/index.js";
import mqtt from "/mqtt/mqtt.esm.js";
import { Floor } from "./floor.js";

/** Every message's payload: 32 bytes. */
const PAYLOAD = new TextEncoder().encode("0123456789abcdef0123456789abcdef");
/** Wall-clock milliseconds, comparable with node's (the bench corrects for the skew). */
const epoch = () => performance.timeOrigin + performance.now();

/** mqttscope's client entry, in its worker or on the page. MQTT.js and the floor send every
 *  QoS 1 publish at once, with no window: ours is given the same, up to 65,535 in flight
 *  (its default in 3.1.1 is 20) and room to queue the rest. */
async function ours(url, clientId, worker) {
  const options = { version: 4, clientId, keepAlive: 60, reconnect: false, worker, maxInFlight: 65535, maxQueued: 1000000 };
  const c = await connect(url, options);
  return {
    subscribe: (topic, qos) => c.subscribe(topic, { qos }),
    onMessage: (fn) => c.on("message", fn),
    publishAll(topic, n, qos) {
      const calls = new Array(n);
      for (let i = 0; i < n; i++) calls[i] = c.publish(topic, PAYLOAD, { qos });
      return Promise.all(calls);
    },
    end: () => c.end(),
  };
}

/** MQTT.js 5.10.1's browser bundle. */
async function mqttjs(url, clientId) {
  const c = mqtt.connect(url, { protocolVersion: 4, clientId, keepalive: 60, reconnectPeriod: 0, clean: true });
  await new Promise((resolve, reject) => {
    c.once("connect", resolve);
    c.once("error", reject);
  });
  return {
    subscribe: (topic, qos) => new Promise((ok, fail) => c.subscribe(topic, { qos }, (e) => (e ? fail(e) : ok()))),
    onMessage: (fn) => c.on("message", fn),
    publishAll(topic, n, qos) {
      return new Promise((resolve, reject) => {
        let left = n;
        const done = (e) => {
          if (e) reject(e);
          else if (--left === 0) resolve();
        };
        for (let i = 0; i < n; i++) c.publish(topic, PAYLOAD, { qos }, done);
      });
    },
    end: () => new Promise((resolve) => c.end(false, {}, resolve)),
  };
}

/** The bare WebSocket client (floor.js): QoS 0 is done once sent, QoS 1 once PUBACKed. */
async function floor(url, clientId) {
  const c = await Floor.connect(url, clientId);
  return {
    subscribe: (topic, qos) => c.subscribe(topic, qos),
    onMessage: (fn) => (c.onmessage = fn),
    publishAll: (topic, n, qos) => c.publishAll(topic, PAYLOAD, n, qos),
    end: () => c.end(),
  };
}

/** The floor in a Worker (floor-worker.js), which posts a count of what it received. */
async function floorWorker(url, clientId) {
  const w = new Worker(new URL("./floor-worker.js", import.meta.url), { type: "module" });
  let onMessages = () => {};
  let waiting = null;
  w.onmessage = ({ data }) => {
    if (data.t === "messages") {
      for (let i = 0; i < data.n; i++) onMessages();
      return;
    }
    const [ok, fail] = waiting;
    waiting = null;
    if (data.t === "error") fail(new Error(`floor worker: ${data.message}`));
    else ok();
  };
  /** Sends `m` and resolves with the worker's answer (one request at a time). */
  const ask = (m) =>
    new Promise((ok, fail) => {
      waiting = [ok, fail];
      w.postMessage(m);
    });
  await ask({ op: "connect", url, clientId });
  return {
    subscribe: (topic, qos) => ask({ op: "subscribe", topic, qos }),
    onMessage: (fn) => (onMessages = fn),
    publishAll: (topic, n, qos) => ask({ op: "publish", topic, n, qos }),
    async end() {
      await ask({ op: "end" });
      w.terminate();
    },
  };
}

const KINDS = {
  worker: (url, id) => ours(url, id, true),
  page: (url, id) => ours(url, id, false),
  mqttjs,
  floor,
  floorWorker,
};

let client = null;
let receiving = null;

globalThis.bench = {
  epoch,

  async open(kind, url, clientId) {
    client = await KINDS[kind](url, clientId);
  },

  /** Subscribes to `topic` and counts what arrives: the first and the `n`th message's time. */
  async prepareReceive(topic, n, qos) {
    const r = { n, count: 0, first: 0, last: 0, bytes: 0 };
    r.done = new Promise((resolve) => (r.resolve = resolve));
    receiving = r;
    client.onMessage(() => {
      if (r.count === 0) r.first = performance.now();
      if (++r.count === n) {
        r.last = performance.now();
        performance.mark("embed-end");
        r.resolve();
      }
    });
    await client.subscribe(topic, qos);
  },

  /** Marks the start of the measured window in the trace. */
  mark() {
    performance.mark("embed-start");
  },

  /** Resolves with the count and the time from the first to the last message, once all have
   *  come or none came for `quietMs`. */
  async received(quietMs = 5000) {
    const r = receiving;
    let seen = -1;
    while (r.count < r.n && r.count !== seen) {
      seen = r.count;
      await Promise.race([r.done, new Promise((ok) => setTimeout(ok, quietMs))]);
    }
    return { count: r.count, ms: (r.last || performance.now()) - r.first };
  },

  /** Publishes `n` messages and resolves once every one is done (QoS 0: handed to the socket,
   *  QoS 1: acknowledged); the times are wall clock, for the bench to compare with its
   *  subscriber's. */
  async publish(topic, n, qos) {
    performance.mark("embed-start");
    const start = epoch();
    await client.publishAll(topic, n, qos);
    const end = epoch();
    performance.mark("embed-end");
    return { start, end };
  },

  async close() {
    await client.end();
    client = null;
    receiving = null;
  },
};
