// MQTT.js's connect options (5.10.1's IClientOptions) turned into the `mqttscope` client's.
// Every MQTT.js option is in one of three lists: mapped, ignored because ignoring it changes
// nothing the application can see (the README says why for each), or refused with a
// UsageError naming it, because we cannot do what it asks. Anything else is a misspelling
// and refused too: an option dropped silently is a bug found late.

import { UsageError } from "../client/index.js";
import { pairs } from "./packets.js";

/** Options that map to the client's, or that this module reads itself. */
const MAPPED = [
  "protocolVersion", "clientId", "username", "password", "keepalive", "clean", "reconnectPeriod",
  "connectTimeout", "will", "properties", "resubscribe", "queueQoSZero", "manualConnect", "protocol",
  "host", "hostname", "port", "path", "query", "auth", "transformWsUrl",
  // ours, not MQTT.js's
  "worker", "WebSocket", "wasm", "receiveLimit",
];

/** Options whose only effect is inside MQTT.js's own machinery (streams, buffers, its packet
 *  writer, its debug log, how it picks a timer or a WebSocket class), with nothing of it
 *  the application or the broker can tell apart. Accepted with any value, and not used. */
const HARMLESS = [
  "protocolId", "writeCache", "timerVariant", "log", "browserBufferSize", "browserBufferTimeout",
  "objectMode", "binary", "forceNativeWebSocket", "defaultProtocol", "encoding",
];

/** Options we cannot honour, and why (the UsageError says it). */
const REFUSED = {
  servers: "a list of brokers to rotate through is not supported: connect to one URL",
  wsOptions: "WebSocket options are not supported (a browser's WebSocket takes none)",
  createWebsocket: "a custom WebSocket factory is not supported (the socket lives in the client's worker); in node pass { WebSocket }",
  incomingStore: "custom stores are not supported: the client core keeps its in-flight messages in memory",
  outgoingStore: "custom stores are not supported: the client core keeps its in-flight messages in memory",
  messageIdProvider: "the client core allocates packet identifiers itself",
  customHandleAcks: "choosing PUBACK/PUBREC reason codes for received messages is not supported (the core acknowledges with Success)",
  authPacket: "MQTT 5 enhanced authentication (AUTH) is not supported here",
  autoUseTopicAlias: "Topic Aliases for our own publishes are not supported here; pass properties.topicAlias yourself",
  autoAssignTopicAlias: "Topic Aliases for our own publishes are not supported here; pass properties.topicAlias yourself",
  key: "TLS client certificates are not supported: a browser's WebSocket presents none",
  keyPath: "TLS client certificates are not supported: a browser's WebSocket presents none",
  cert: "TLS client certificates are not supported: a browser's WebSocket presents none",
  certPath: "TLS client certificates are not supported: a browser's WebSocket presents none",
  ca: "custom certificate authorities are not supported: the browser (or node) verifies wss:// itself",
  caPaths: "custom certificate authorities are not supported: the browser (or node) verifies wss:// itself",
  ALPNProtocols: "ALPN is not supported over WebSocket",
  servername: "TLS server names are not supported: the URL's host is used",
  my: "Alipay mini-program sockets are not supported",
  unixSocket: "Unix sockets are not supported: MQTT over WebSocket only",
};

/** Options refused only with values that would change behaviour, and why. */
const REFUSED_VALUES = {
  rejectUnauthorized: [false, "not verifying the server's certificate is not supported"],
  reschedulePings: [false, "the core always counts keep-alive from the last packet sent"],
  unixSocket: [true, REFUSED.unixSocket],
};

/** MQTT.js's defaults (client.ts defaultConnectOptions), which differ from the client's. */
const DEFAULTS = {
  keepalive: 60, protocolVersion: 4, reconnectPeriod: 1000, connectTimeout: 30000, clean: true,
  resubscribe: true, queueQoSZero: true,
};

/** A UsageError naming `options.<field>`. */
export function refuse(field, why) {
  return new UsageError(`options.${field}: ${why}`, { field: `options.${field}` });
}

/** Checks `o` (MQTT.js's options) and fills in MQTT.js's defaults; throws a UsageError for an
 *  unknown option or one we cannot honour. */
export function withDefaults(o) {
  if (o === null || typeof o !== "object") throw new UsageError("options: expected an object", { field: "options" });
  for (const [key, value] of Object.entries(o)) {
    if (value === undefined) continue;
    if (REFUSED_VALUES[key]) {
      if (value === REFUSED_VALUES[key][0]) throw refuse(key, REFUSED_VALUES[key][1]);
    } else if (REFUSED[key]) {
      throw refuse(key, REFUSED[key]);
    } else if (!MAPPED.includes(key) && !HARMLESS.includes(key)) {
      throw refuse(key, "no such option in MQTT.js 5 (or not one mqttscope/compat knows)");
    }
  }
  if (o.timerVariant !== undefined && typeof o.timerVariant !== "string") {
    throw refuse("timerVariant", "a custom timer object is not supported (the core's timer runs beside it)");
  }
  const options = { ...o };
  for (const [key, value] of Object.entries(DEFAULTS)) options[key] ??= value;
  if (typeof options.clientId !== "string") options.clientId = `mqttscope_${randomHex()}`;
  checkProtocolId(options);
  return options;
}

/** protocolId only names the protocol of the version chosen: MQIsdp for 3, MQTT for 4 and 5. */
function checkProtocolId(o) {
  if (o.protocolId === undefined) return;
  const want = o.protocolVersion === 3 ? "MQIsdp" : "MQTT";
  if (o.protocolId !== want) throw refuse("protocolId", `${JSON.stringify(want)} with protocolVersion ${o.protocolVersion}`);
}

/** The WebSocket URL from MQTT.js's `url` and options (options win, as in MQTT.js), and the
 *  username, password and client id the URL carries. */
export function brokerUrl(url, o) {
  let parsed = null;
  if (url !== undefined && url !== null && url !== "") {
    try {
      parsed = new URL(String(url));
    } catch {
      throw new UsageError(`url: ${JSON.stringify(String(url))} is not a URL`, { field: "url" });
    }
  }
  const protocol = o.protocol ?? parsed?.protocol.replace(/:$/, "");
  // sandbox://: the sandbox broker, in a worker of the page (any host, or none).
  if (protocol !== "ws" && protocol !== "wss" && protocol !== "sandbox") {
    const what = protocol ? `${protocol}://` : "no protocol";
    throw new UsageError(`url: ${what}: mqttscope speaks MQTT over WebSocket only; use the broker's ws:// or wss:// listener (or sandbox:// for the sandbox broker)`, { field: "url" });
  }
  const host = o.hostname ?? o.host ?? parsed?.hostname;
  if (!host && protocol !== "sandbox") throw new UsageError("url: no host", { field: "url" });
  const port = o.port ?? (parsed?.port || "");
  const path = o.path ?? (parsed ? parsed.pathname + parsed.search : "/");
  const href = `${protocol}://${host}${port ? `:${port}` : ""}${path}`;
  const query = o.query ?? (parsed ? Object.fromEntries(parsed.searchParams) : {});
  const [user, pass] = (o.auth ?? (parsed?.username ? `${decodeURIComponent(parsed.username)}:${decodeURIComponent(parsed.password)}` : "")).split(/:(.*)/s);
  return {
    href,
    username: user || undefined,
    password: pass || undefined,
    clientId: typeof query.clientId === "string" ? query.clientId : undefined,
  };
}

/** The `mqttscope` client's options from MQTT.js's (defaults filled in). */
export function clientOptions(o) {
  const version = o.protocolVersion;
  if (![3, 4, 5].includes(version)) throw refuse("protocolVersion", "3, 4 or 5");
  const period = o.reconnectPeriod;
  if (!Number.isInteger(period) || period < 0) throw refuse("reconnectPeriod", "milliseconds, 0 for no reconnecting");
  return {
    version,
    clientId: o.clientId,
    username: o.username,
    password: o.password,
    keepAlive: o.keepalive,
    cleanStart: o.clean,
    // MQTT.js sends properties in MQTT 5 only, and drops them before: so do we.
    will: will(o.will, version),
    properties: version === 5 ? connectProperties(o.properties) : undefined,
    connectTimeout: o.connectTimeout,
    receiveLimit: o.receiveLimit,
    // A fixed period: the backoff starts and stays there (the core adds a little jitter).
    reconnect: period > 0 && { initialDelay: period, maxDelay: period, resubscribe: o.resubscribe !== false },
    worker: o.worker,
    WebSocket: o.WebSocket,
    wasm: o.wasm,
  };
}

function will(w, version) {
  if (w === undefined || w === null) return undefined;
  if (typeof w !== "object") throw refuse("will", "an object { topic, payload, qos, retain, properties }");
  return { ...w, properties: version === 5 && w.properties ? withPairs(w.properties) : undefined };
}

function connectProperties(p) {
  if (p === undefined) return undefined;
  if (p === null || typeof p !== "object") throw refuse("properties", "an object of MQTT 5 CONNECT properties");
  if (p.authenticationMethod !== undefined || p.authenticationData !== undefined) {
    const key = p.authenticationMethod !== undefined ? "authenticationMethod" : "authenticationData";
    throw refuse(`properties.${key}`, "MQTT 5 enhanced authentication is not supported here");
  }
  return withPairs(p);
}

/** A property set with MQTT.js's userProperties object as the client's [name, value] pairs. */
export function withPairs(p) {
  if (p?.userProperties === undefined) return p;
  return { ...p, userProperties: pairs(p.userProperties) };
}

function randomHex() {
  return Array.from(crypto.getRandomValues(new Uint8Array(4)), (b) => b.toString(16).padStart(2, "0")).join("");
}
