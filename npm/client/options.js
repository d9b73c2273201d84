// The user's options as the core reads them (crates/js-client/src/options.rs): the version
// as a protocol level, text as UTF-8 bytes, a random client id and reconnect seed. Types
// and ranges of what goes to the core are checked there, naming the field; here only what
// the core does not see: unknown options, the payload's type, sessionExpiry before MQTT 5.

import { UsageError } from "./errors.js";

const encoder = new TextEncoder();

/**
 * What flow control counts for each message or packet the driver posts, beyond its bytes:
 * the objects that carry it (about 350 bytes in V8 for a 10-byte payload). Without it,
 * empty payloads would cost nothing and a loop that stopped reading could hold any number.
 * The driver adds it to what it posts, the client to what it acknowledges.
 */
export const MESSAGE_COST = 256;
/** The protocol levels by the names `version` takes (a Map: "constructor" is not one). */
const LEVELS = new Map([[3, 3], [4, 4], [5, 5], ["3", 3], ["4", 4], ["5", 5], ["3.1", 3], ["3.1.1", 4], ["5.0", 5]]);
const OPTIONS = [
  "version", "clientId", "username", "password", "keepAlive", "cleanStart", "sessionExpiry", "will",
  "reconnect", "properties", "receiveLimit", "connectTimeout", "maxInFlight", "maxQueued", "worker", "WebSocket",
  "wasm",
];

/** The core's options object from the user's. */
export function coreOptions(o) {
  if (o === null || typeof o !== "object") throw usage("options", "an object");
  const extra = Object.keys(o).find((k) => !OPTIONS.includes(k));
  if (extra) throw usage(`options.${extra}`, `no such option; the options are ${OPTIONS.join(", ")}`);
  const version = LEVELS.get(o.version ?? 5);
  if (!version) throw usage("options.version", '3 or "3.1", 4 or "3.1.1", 5 or "5.0"');
  const core = {
    version,
    clientId: o.clientId ?? `mqttscope-${randomHex()}`,
    cleanStart: o.cleanStart,
    keepAlive: o.keepAlive,
    username: o.username,
    // null, as for the user name, is no password (not an empty one).
    password: o.password == null ? undefined : bytesOption(o.password, "options.password"),
    will: o.will && { ...o.will, payload: bytesOption(o.will.payload ?? "", "options.will.payload") },
    properties: o.properties,
    receiveLimit: o.receiveLimit,
    connectTimeout: o.connectTimeout,
    maxInFlight: o.maxInFlight,
    maxQueued: o.maxQueued,
    reconnect: reconnect(o.reconnect),
  };
  if (version !== 5) {
    // Dropping them would send a CONNECT other than the one asked for.
    if (o.properties !== undefined) throw usage("options.properties", "MQTT 5 (version 5): 3.1.1 has no CONNECT properties");
    if (o.will?.properties !== undefined) throw usage("options.will.properties", "MQTT 5 (version 5): 3.1.1 has no will properties");
  }
  for (const key of ["receiveLimit", "connectTimeout"]) {
    if (o[key] === 0) throw usage(`options.${key}`, "at least 1");
  }
  if (o.sessionExpiry !== undefined) {
    if (version !== 5) throw usage("options.sessionExpiry", "MQTT 5 (version 5): 3.1.1 has no session expiry");
    core.properties = { ...o.properties, sessionExpiryInterval: o.sessionExpiry };
  }
  return core;
}

function reconnect(r) {
  if (r === false) return undefined;
  const seed = crypto.getRandomValues(new Uint32Array(1))[0];
  if (r === undefined || r === true) return { seed };
  if (typeof r !== "object" || r === null || Array.isArray(r)) {
    throw usage("options.reconnect", "true, false or { initialDelay, maxDelay, resubscribe }");
  }
  return { seed, ...r };
}

function bytesOption(v, field) {
  const b = toBytes(v, field);
  if (b instanceof Error) throw b;
  return b;
}

/** The bytes of a payload: text as UTF-8, or a copy of a Uint8Array, ArrayBuffer or view
 *  (the call is handled a microtask later: a caller that reuses its buffer at once must
 *  not change what was published). */
export function toBytes(v, field) {
  if (typeof v === "string") return encoder.encode(v);
  if (v instanceof ArrayBuffer) return new Uint8Array(v.slice(0));
  if (ArrayBuffer.isView(v)) return new Uint8Array(v.buffer.slice(v.byteOffset, v.byteOffset + v.byteLength));
  if (v === undefined || v === null) return new Uint8Array(0);
  return usage(field, "a string, a Uint8Array, an ArrayBuffer or another typed array");
}

/** A UsageError when the string `s` (at `field`) holds a lone UTF-16 surrogate, which has no
 *  UTF-8 form: encoding would replace it with U+FFFD, and the topic sent would not be the
 *  one asked for [MQTT-1.5.4-1]. Null when it is well-formed (or not a string). */
export function illFormed(s, field) {
  if (typeof s !== "string" || s.isWellFormed?.() !== false) return null;
  return new UsageError(`${field}: a lone UTF-16 surrogate has no UTF-8 form [MQTT-1.5.4-1]`, { field, rule: "MQTT-1.5.4-1" });
}

function randomHex() {
  return Array.from(crypto.getRandomValues(new Uint8Array(4)), (b) => b.toString(16).padStart(2, "0")).join("");
}

export function usage(field, expected) {
  const message = expected.startsWith("no such") || expected.startsWith("MQTT 5") || expected.startsWith("no ")
    ? `${field}: ${expected}` : `${field}: expected ${expected}`;
  return new UsageError(message, { field });
}
