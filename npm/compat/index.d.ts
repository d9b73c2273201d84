/**
 * `mqttscope/compat`: the `mqttscope` client (mqttscope's Rust core, in a Worker by default)
 * behind MQTT.js 5's API, so that code written for MQTT.js switches by changing its import:
 *
 * ```js
 * import mqtt from "mqttscope/compat";          // was: import mqtt from "mqtt";
 * const client = mqtt.connect("ws://127.0.0.1:9001", { protocolVersion: 5, clientId: "dash" });
 * client.on("connect", () => client.subscribe("home/#", { qos: 1 }, (err, granted) => {}));
 * client.on("message", (topic, payload) => console.log(topic, payload.toString()));
 * client.publish("home/lights", "on", { qos: 1, retain: true }, (err) => {});
 * client.end();
 * ```
 *
 * Differences from MQTT.js (the README's `mqttscope/compat` section has the full list):
 * - MQTT over WebSocket only (`ws://`, `wss://`): no `mqtt://`, `tcp://`, `ssl://` URLs;
 *   `sandbox://` connects to the sandbox broker in the page (see the `mqttscope` entry).
 * - In a browser a payload is a {@link Payload} (a Uint8Array whose `toString()` is its
 *   UTF-8 text), not a Buffer; in node it is a Buffer.
 * - Options and methods that cannot be honoured are refused with a `UsageError` naming them
 *   (they are typed `never` below), never dropped silently.
 * - Errors are the `mqttscope` client's typed errors (`reasonCode`, `rule`, `explain()`),
 *   with `code` set where MQTT.js sets it.
 * @module
 */

import type {
  ConnAckProperties as CoreConnAckProperties, MqttError, QoS,
} from "../client/index.js";

export {
  MqttError, UsageError, StateError, ConnectionError, ConnectError, ProtocolError, PublishError, SubscribeError,
  QoS,
} from "../client/index.js";

/** MQTT 5 User Properties as MQTT.js writes them: a name to a value, or to several. */
export type UserProperties = { [name: string]: string | string[] };

/** Bytes: text is sent as UTF-8. */
export type Message = string | Uint8Array;

/**
 * A received payload in a browser: the bytes, whose `toString()` is their UTF-8 text as a
 * Buffer's is (dashboards write `payload.toString()` and `JSON.parse(payload.toString())`).
 * In node the payload is a real Buffer.
 */
export class Payload extends Uint8Array {
  /** The bytes as text: "utf8" (the default), "hex", "base64" or "latin1". */
  toString(encoding?: "utf8" | "utf-8" | "hex" | "base64" | "latin1" | "binary"): string;
}

/** MQTT 5 CONNECT properties (MQTT.js's names). */
export interface ConnectProperties {
  sessionExpiryInterval?: number;
  receiveMaximum?: number;
  maximumPacketSize?: number;
  topicAliasMaximum?: number;
  requestResponseInformation?: boolean;
  requestProblemInformation?: boolean;
  userProperties?: UserProperties;
  /** Not supported: MQTT 5 enhanced authentication (a UsageError). */
  authenticationMethod?: never;
  /** Not supported: MQTT 5 enhanced authentication (a UsageError). */
  authenticationData?: never;
}

/** The will (MQTT.js's shape). */
export interface WillOptions {
  topic: string;
  payload: Message;
  qos?: QoS;
  retain?: boolean;
  /** MQTT 5 will properties (dropped before MQTT 5, as MQTT.js drops them). */
  properties?: {
    willDelayInterval?: number;
    payloadFormatIndicator?: boolean;
    messageExpiryInterval?: number;
    contentType?: string;
    responseTopic?: string;
    correlationData?: Uint8Array;
    userProperties?: UserProperties;
  };
}

/**
 * MQTT.js's connect options. Those it has and we do not honour are typed `never` (each is a
 * UsageError at run time); the ones MQTT.js uses only inside its own machinery are accepted
 * and unused.
 */
export interface IClientOptions {
  /** 4 (3.1.1, MQTT.js's default), 5, or 3 (3.1). */
  protocolVersion?: 3 | 4 | 5;
  /** A random `mqttscope_…` when absent (MQTT.js: `mqttjs_…`); needed with `clean: false`. */
  clientId?: string;
  username?: string;
  password?: string | Uint8Array;
  /** Seconds (60); 0 turns keep-alive off. */
  keepalive?: number;
  /** Clean Session (3.1.1) / Clean Start (5): true. */
  clean?: boolean;
  /** Milliseconds between reconnect tries (1000); 0: no reconnecting. The first connection is
   *  tried again too, as in MQTT.js. */
  reconnectPeriod?: number;
  /** Milliseconds to wait for CONNACK (30,000). */
  connectTimeout?: number;
  will?: WillOptions;
  /** MQTT 5 CONNECT properties (dropped before MQTT 5, as MQTT.js drops them). */
  properties?: ConnectProperties;
  /** Subscribe again after reconnecting to a broker that did not keep the session (true). */
  resubscribe?: boolean;
  /** Queue QoS 0 publishes made while offline (true), else fail them. */
  queueQoSZero?: boolean;
  /** Do not connect until {@link MqttClient.connect} is called. */
  manualConnect?: boolean;
  /** "ws", "wss" or "sandbox" (overrides the URL's). */
  protocol?: "ws" | "wss" | "sandbox";
  host?: string;
  hostname?: string;
  port?: number;
  path?: string;
  /** The URL's query; `clientId` in it sets the client id, as in MQTT.js. */
  query?: Record<string, string>;
  /** "username:password". */
  auth?: string;
  /** Rewrites the URL before each connection this module opens (the first, and each retry
   *  of a first connection that failed). The core's own reconnections reuse the last URL. */
  transformWsUrl?: (url: string, options: IClientOptions, client: MqttClient) => string;
  /** Ours: run the client's core in a dedicated Worker (true where there is one). */
  worker?: boolean;
  /** Ours: the WebSocket constructor (node before 22 without the `ws` package installed). */
  WebSocket?: new (url: string, protocols: string[]) => WebSocket;
  /** Ours: where the client's wasm module is, if not beside its script. */
  wasm?: string | URL | BufferSource | WebAssembly.Module;
  /** Ours: the largest packet accepted, in bytes (16 MiB). */
  receiveLimit?: number;

  /** Accepted and unused: the protocol name follows protocolVersion ("MQIsdp" for 3, else "MQTT"). */
  protocolId?: "MQTT" | "MQIsdp";
  /** Accepted and unused (MQTT.js's packet writer cache). */
  writeCache?: boolean;
  /** Accepted and unused: the core's timer runs in its worker (a custom timer object is refused). */
  timerVariant?: "auto" | "worker" | "native";
  /** Accepted and never called (MQTT.js's debug log). */
  log?: (...args: unknown[]) => void;
  /** Accepted and unused (MQTT.js's stream buffering). */
  browserBufferSize?: number;
  /** Accepted and unused (MQTT.js's stream buffering). */
  browserBufferTimeout?: number;
  /** Accepted and unused (MQTT.js's stream mode). */
  objectMode?: boolean;
  /** Accepted and unused (MQTT.js's stream mode). */
  binary?: boolean;
  /** Accepted and unused: the browser's WebSocket is always used. */
  forceNativeWebSocket?: boolean;
  /** Accepted and unused (only read with `servers`). */
  defaultProtocol?: string;
  /** Accepted and unused. */
  encoding?: string;
  /** Only true: not verifying certificates is not supported. */
  rejectUnauthorized?: true;
  /** Only true: PINGREQ always counts from the last packet sent. */
  reschedulePings?: true;

  /** Not supported: one broker URL only. */
  servers?: never;
  /** Not supported: a browser's WebSocket takes no options. */
  wsOptions?: never;
  /** Not supported: the socket lives in the client's worker (in node pass `WebSocket`). */
  createWebsocket?: never;
  /** Not supported: the core keeps its in-flight messages in memory. */
  incomingStore?: never;
  /** Not supported: the core keeps its in-flight messages in memory. */
  outgoingStore?: never;
  /** Not supported: the core allocates packet identifiers. */
  messageIdProvider?: never;
  /** Not supported: received messages are acknowledged with Success. */
  customHandleAcks?: never;
  /** Not supported: MQTT 5 enhanced authentication. */
  authPacket?: never;
  /** Not supported: pass `properties.topicAlias` yourself. */
  autoUseTopicAlias?: never;
  /** Not supported: pass `properties.topicAlias` yourself. */
  autoAssignTopicAlias?: never;
  /** Not supported: TLS client certificates. */
  key?: never;
  /** Not supported: TLS client certificates. */
  keyPath?: never;
  /** Not supported: TLS client certificates. */
  cert?: never;
  /** Not supported: TLS client certificates. */
  certPath?: never;
  /** Not supported: custom certificate authorities. */
  ca?: never;
  /** Not supported: custom certificate authorities. */
  caPaths?: never;
  /** Not supported over WebSocket. */
  ALPNProtocols?: never;
  /** Not supported: the URL's host is the server name. */
  servername?: never;
  /** Not supported (Alipay sockets). */
  my?: never;
  /** Only false: no Unix sockets. */
  unixSocket?: false;
}

/** Options of {@link MqttClient.publish}. */
export interface IClientPublishOptions {
  qos?: QoS;
  retain?: boolean;
  /** Only false: the core sets DUP itself when it sends a message again. */
  dup?: false;
  /** MQTT 5 PUBLISH properties (dropped before MQTT 5, as MQTT.js drops them). */
  properties?: {
    payloadFormatIndicator?: boolean;
    messageExpiryInterval?: number;
    topicAlias?: number;
    responseTopic?: string;
    correlationData?: Uint8Array;
    userProperties?: UserProperties;
    contentType?: string;
  };
  /** Not supported: there is no outgoing store. */
  cbStorePut?: never;
}

/** Options of {@link MqttClient.subscribe}, for every filter. */
export interface IClientSubscribeOptions {
  qos?: QoS;
  /** MQTT 5 No Local. */
  nl?: boolean;
  /** MQTT 5 Retain As Published. */
  rap?: boolean;
  /** MQTT 5 Retain Handling: 0, 1 or 2. */
  rh?: 0 | 1 | 2;
  /** MQTT 5 SUBSCRIBE properties. */
  properties?: { subscriptionIdentifier?: number; userProperties?: UserProperties };
}

/** Filters with their own options: `{ "home/#": { qos: 1 } }`. */
export type ISubscriptionMap = { [topic: string]: IClientSubscribeOptions };

/** What SUBACK granted a filter: the QoS, or the failure code (128 in 3.1.1; 0x80 and up in 5). */
export interface ISubscriptionGrant {
  topic: string;
  qos: QoS | number;
  nl?: boolean;
  rap?: boolean;
  rh?: number;
}

/** A packet as MQTT.js reports it: `cmd` in mqtt-packet's lowercase names, `length` its
 *  Remaining Length, and what its headers hold (properties are not decoded). */
export interface Packet {
  cmd: "connect" | "connack" | "publish" | "puback" | "pubrec" | "pubrel" | "pubcomp" | "subscribe" | "suback"
    | "unsubscribe" | "unsuback" | "pingreq" | "pingresp" | "disconnect" | "auth";
  length?: number;
  messageId?: number;
  reasonCode?: number;
  returnCode?: number;
  sessionPresent?: boolean;
  topic?: string | null;
  payload?: Uint8Array | string | null;
  qos?: QoS;
  retain?: boolean;
  dup?: boolean;
  properties?: Record<string, unknown>;
  granted?: number[];
}

/** The 'connect' event's CONNACK. */
export interface IConnackPacket extends Packet {
  cmd: "connack";
  sessionPresent: boolean;
  /** 0 (MQTT 5). */
  reasonCode?: number;
  /** 0 (3.1.1 and 3.1). */
  returnCode?: number;
  /** MQTT 5 CONNACK properties, when the broker sent any (`maximumQoS` as MQTT.js spells it). */
  properties?: Omit<CoreConnAckProperties, "maximumQos" | "userProperties"> & {
    maximumQoS?: number;
    userProperties?: UserProperties;
  };
}

/** The 'message' event's PUBLISH. */
export interface IPublishPacket extends Packet {
  cmd: "publish";
  topic: string;
  payload: Payload;
  qos: QoS;
  retain: boolean;
  dup: boolean;
  /** Its packet identifier (QoS 1 and 2). */
  messageId?: number;
  /** MQTT 5 properties, when it had any (`subscriptionIdentifier` a number, or an array when
   *  it matched several). */
  properties?: Record<string, unknown>;
}

/** The 'disconnect' event's DISCONNECT (MQTT 5: the broker ended the connection). */
export interface IDisconnectPacket extends Packet {
  cmd: "disconnect";
  reasonCode: number;
}

/** An error as the callbacks and 'error' get it: one of the client's typed errors, with
 *  MQTT.js's `code` (the reason code) on refused CONNACK, PUBACK/PUBREC and SUBACK. */
export type ErrorWithReasonCode = MqttError & { code?: number };

/** The events and their listeners' arguments. */
export interface MqttClientEventCallbacks {
  connect: (packet: IConnackPacket) => void;
  message: (topic: string, payload: Payload, packet: IPublishPacket) => void;
  packetsend: (packet: Packet) => void;
  packetreceive: (packet: Packet) => void;
  /** The broker sent DISCONNECT (MQTT 5). */
  disconnect: (packet: IDisconnectPacket) => void;
  /** A refused CONNACK, a keep-alive or CONNACK timeout, a broken rule, refused options. Not
   *  a socket that closed or did not open (MQTT.js in a browser does not report those). */
  error: (error: ErrorWithReasonCode) => void;
  close: () => void;
  end: () => void;
  reconnect: () => void;
  offline: () => void;
}

/** A callback with an error or null, and a result. */
export type PacketCallback = (error: ErrorWithReasonCode | null | undefined, packet?: Packet) => void;
/** subscribe()'s callback: `granted` also when a filter was refused (with `error`). */
export type ClientSubscribeCallback = (error: ErrorWithReasonCode | null, granted?: ISubscriptionGrant[]) => void;

/** MQTT.js's MqttClient, made by {@link connect}. */
export class MqttClient {
  /** `url` (ws:// or wss://) and options; connects at once unless `manualConnect`. (MQTT.js's
   *  constructor takes a stream builder instead: use {@link connect}.) */
  constructor(url: string | URL | undefined, options?: IClientOptions);
  /** The broker in the options (`protocol`, `host`, `port`, `path`), as MQTT.js's
   *  `connect(options)`. */
  constructor(options: IClientOptions);
  /** The options, with MQTT.js's defaults filled in. */
  readonly options: IClientOptions & { clientId: string; protocolVersion: 3 | 4 | 5; keepalive: number; reconnectPeriod: number };
  /** True between 'connect' and 'close'. */
  readonly connected: boolean;
  /** True from 'offline' until the next 'connect'. */
  readonly reconnecting: boolean;
  /** True once end() was called. */
  readonly disconnecting: boolean;
  /** True once end() finished. */
  readonly disconnected: boolean;

  on<E extends keyof MqttClientEventCallbacks>(event: E, listener: MqttClientEventCallbacks[E]): this;
  once<E extends keyof MqttClientEventCallbacks>(event: E, listener: MqttClientEventCallbacks[E]): this;
  off<E extends keyof MqttClientEventCallbacks>(event: E, listener: MqttClientEventCallbacks[E]): this;
  addListener<E extends keyof MqttClientEventCallbacks>(event: E, listener: MqttClientEventCallbacks[E]): this;
  removeListener<E extends keyof MqttClientEventCallbacks>(event: E, listener: MqttClientEventCallbacks[E]): this;
  removeAllListeners(event?: keyof MqttClientEventCallbacks): this;
  listeners<E extends keyof MqttClientEventCallbacks>(event: E): MqttClientEventCallbacks[E][];
  listenerCount(event: keyof MqttClientEventCallbacks): number;
  emit<E extends keyof MqttClientEventCallbacks>(event: E, ...args: Parameters<MqttClientEventCallbacks[E]>): boolean;
  /** Does nothing (node's warning threshold). */
  setMaxListeners(n: number): this;

  /** Connects (after `manualConnect`). */
  connect(): this;
  /** Publishes; the callback gets null (and for QoS 1 and 2 the PUBLISH, without messageId)
   *  once PUBACK/PUBCOMP came, or the error. Offline, it waits for the connection. */
  publish(topic: string, message: Message, callback?: PacketCallback): this;
  publish(topic: string, message: Message, options?: IClientPublishOptions, callback?: PacketCallback): this;
  publishAsync(topic: string, message: Message, options?: IClientPublishOptions): Promise<Packet | undefined>;
  /** Subscribes; the callback gets what SUBACK granted each filter. */
  subscribe(topic: string | string[] | ISubscriptionMap, callback?: ClientSubscribeCallback): this;
  subscribe(topic: string | string[] | ISubscriptionMap, options?: IClientSubscribeOptions, callback?: ClientSubscribeCallback): this;
  subscribeAsync(topic: string | string[] | ISubscriptionMap, options?: IClientSubscribeOptions): Promise<ISubscriptionGrant[]>;
  /** Unsubscribes; the callback gets UNSUBACK (its reason codes as `granted`, MQTT 5).
   *  UNSUBSCRIBE properties are not supported. */
  unsubscribe(topic: string | string[], callback?: PacketCallback): this;
  unsubscribe(topic: string | string[], options?: { properties?: never }, callback?: PacketCallback): this;
  unsubscribeAsync(topic: string | string[], options?: { properties?: never }): Promise<Packet | undefined>;
  /** Sends DISCONNECT and closes (unless `force`, after what is in flight was answered); then
   *  'end' and the callback. `force` still sends DISCONNECT (MQTT.js does not, so its broker
   *  publishes the will). DISCONNECT options are not supported. */
  end(callback?: (error?: Error) => void): this;
  end(force: boolean, callback?: (error?: Error) => void): this;
  end(options: Record<string, never>, callback?: (error?: Error) => void): this;
  end(force: boolean, options: Record<string, never>, callback?: (error?: Error) => void): this;
  endAsync(force?: boolean, options?: Record<string, never>): Promise<void>;
  /** Connects again now, as MQTT.js: connected, it ends the connection (emitting 'end')
   *  and connects; offline or after end(), it connects at once. */
  reconnect(): this;

  /** Not supported: the core keeps its in-flight messages (throws a UsageError). */
  removeOutgoingMessage: never;
  /** Not supported: the core does not report packet identifiers (throws a UsageError). */
  getLastMessageId: never;
  /** Not supported: no per-message backpressure hook (throws a UsageError). */
  handleMessage: never;
  /** Not supported: MQTT 5 enhanced authentication (throws a UsageError). */
  handleAuth: never;
  /** Not supported: the core pings on its own timer (throws a UsageError). */
  sendPing: never;
  /** Not supported: the core pings on its own timer (throws a UsageError). */
  reschedulePing: never;
}

/** Connects to `url` (ws://, wss://, or sandbox:// for the sandbox broker in the page): the
 *  client at once, connecting behind it. */
export function connect(url: string | URL, options?: IClientOptions): MqttClient;
export function connect(options: IClientOptions & { host: string }): MqttClient;
/** connect() as a promise: the client on its first 'connect', or the first 'error' (which
 *  ends it). A broker that does not answer keeps it waiting while it retries, as MQTT.js,
 *  unless `allowRetries` is false: then the first 'close' rejects it ("Couldn't connect to
 *  server") and ends the client. */
export function connectAsync(url: string | URL, options?: IClientOptions, allowRetries?: boolean): Promise<MqttClient>;
export function connectAsync(options: IClientOptions & { host: string }, unused?: undefined, allowRetries?: boolean): Promise<MqttClient>;

/** Alias of MqttClient, as MQTT.js exports it. */
export { MqttClient as Client };

declare const mqtt: {
  connect: typeof connect;
  connectAsync: typeof connectAsync;
  MqttClient: typeof MqttClient;
  Client: typeof MqttClient;
};
/** `import mqtt from "mqttscope/compat"; mqtt.connect(...)`, as with MQTT.js. */
export default mqtt;
