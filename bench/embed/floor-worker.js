// The floor of `cargo xtask bench embed` in a dedicated Worker: floor.js's bare client with
// its WebSocket in the worker, as our client's default mode runs its core, so that our
// worker mode is compared with the least a client in a worker has to do. Like our driver,
// it tells the page about received messages once per task when idle and at most every
// BATCH_MS under a flood (a count, not the messages: the floor keeps nothing).
//
// Page -> worker: { op: "connect", url, clientId } | { op: "subscribe", topic, qos }
//                 | { op: "publish", topic, n, qos } | { op: "end" }
// Worker -> page: { t: "connected" | "subscribed" | "published" | "ended" }
//                 | { t: "messages", n } | { t: "error", message }

import { Floor } from "./floor.js";

/** Our driver's batching interval (npm/client/driver.js). */
const BATCH_MS = 4;
/** Every message's payload: 32 bytes, as the harness's. */
const PAYLOAD = new TextEncoder().encode("0123456789abcdef0123456789abcdef");

let client = null;
let unposted = 0;
let scheduled = false;
let lastPost = -Infinity;

function postCount() {
  scheduled = false;
  lastPost = performance.now();
  postMessage({ t: "messages", n: unposted });
  unposted = 0;
}

function received() {
  unposted += 1;
  if (scheduled) return;
  scheduled = true;
  const wait = lastPost + BATCH_MS - performance.now();
  if (wait <= 0) queueMicrotask(postCount);
  else setTimeout(postCount, wait);
}

async function handle(m) {
  if (m.op === "connect") {
    client = await Floor.connect(m.url, m.clientId);
    client.onmessage = received;
    return "connected";
  }
  if (m.op === "subscribe") {
    await client.subscribe(m.topic, m.qos);
    return "subscribed";
  }
  if (m.op === "publish") {
    await client.publishAll(m.topic, PAYLOAD, m.n, m.qos);
    return "published";
  }
  client.end();
  client = null;
  return "ended";
}

onmessage = ({ data }) =>
  handle(data).then(
    (t) => postMessage({ t }),
    (e) => postMessage({ t: "error", message: String(e?.message ?? e) }),
  );
