/**
 * `mqttscope`: an MQTT 3.1, 3.1.1 and 5.0 client for browsers, from mqttscope's Rust core
 * compiled to WebAssembly.
 *
 * The core (keep-alive, QoS 1 and 2 flows, reconnect with backoff, resubscribing, session
 * resumption) runs in a dedicated Worker by default, with its WebSocket and timer, so the
 * page's main thread stays free and keep-alive goes on in background tabs; `{ worker: false }`
 * runs it on the page. The API is the same either way: promises, typed errors, events.
 *
 * @example
 * ```js
 * import { connect } from "mqttscope";
 * const client = await connect("ws://127.0.0.1:9001", { version: 5, keepAlive: 30 });
 * client.on("message", (m) => console.log(m.topic, m.text()));
 * await client.subscribe("home/#", { qos: 1 });
 * const code = await client.publish("home/lights/brightness", "70", { qos: 1, retain: true });
 * await client.end();
 * ```
 *
 * `sandbox://home` (any host) connects to the sandbox broker instead: mqttscope's broker and
 * a simulated smart home (a thermostat on `home/livingroom/temperature`, lights obeying
 * `home/lights/brightness/set`, a security system with a retained `home/security/status`)
 * in a worker of the page, shared by every tab of the site (a SharedWorker; a dedicated
 * Worker where the browser has none). No broker to run and no network: for trying a
 * dashboard, teaching, and tests. Its module loads on the first sandbox:// connection only.
 * @module
 */

import type { ConnectionError, MqttError, SubscribeResult } from "./errors.js";

/** The error classes (`errors.d.ts`, which needs no DOM types, so that `mqttscope/doctor`
 *  can use them in node), and what they carry. */
export * from "./errors.js";

/** The connection doctor's diagnosis (see {@link MqttError.diagnose}) and its parts, as the
 *  `mqttscope/doctor` entry declares them. */
export type { Action, Diagnosis, Setting } from "../doctor/index.js";

/** The protocol version: 5 or `"5.0"` (the default), 4 or `"3.1.1"`, 3 or `"3.1"`. */
export type Version = 3 | 4 | 5 | "3.1" | "3.1.1" | "5.0";

/** Quality of Service. */
export type QoS = 0 | 1 | 2;

/** A payload: text (sent as UTF-8) or bytes. */
export type Payload = string | Uint8Array | ArrayBuffer | ArrayBufferView;

/** MQTT 5 User Properties: `[name, value]` pairs, in order; names may repeat. */
export type UserProperties = [name: string, value: string][];

/** MQTT 5 PUBLISH properties (3.3.2.3). */
export interface PublishProperties {
  /** True: the payload is UTF-8 text. */
  payloadFormatIndicator?: boolean;
  /** Lifetime of the message in seconds. */
  messageExpiryInterval?: number;
  /** A Topic Alias (1 up to the server's Topic Alias Maximum). */
  topicAlias?: number;
  /** Where to send a response. */
  responseTopic?: string;
  /** Data that matches a response to its request. */
  correlationData?: Uint8Array;
  /** The payload's MIME type. */
  contentType?: string;
  userProperties?: UserProperties;
}

/** The properties of a received message: a PUBLISH's, plus the Subscription Identifiers
 *  of the subscriptions it matched. Empty in MQTT 3. */
export interface MessageProperties extends PublishProperties {
  subscriptionIdentifiers?: number[];
}

/** MQTT 5 CONNECT properties (3.1.2.11); `sessionExpiry` sets the first. */
export interface ConnectProperties {
  sessionExpiryInterval?: number;
  receiveMaximum?: number;
  maximumPacketSize?: number;
  topicAliasMaximum?: number;
  requestResponseInformation?: boolean;
  requestProblemInformation?: boolean;
  userProperties?: UserProperties;
}

/** MQTT 5 CONNACK properties, as the server sent them. */
export interface ConnAckProperties {
  sessionExpiryInterval?: number;
  receiveMaximum?: number;
  maximumQos?: QoS;
  retainAvailable?: boolean;
  maximumPacketSize?: number;
  assignedClientIdentifier?: string;
  topicAliasMaximum?: number;
  reasonString?: string;
  wildcardSubscriptionAvailable?: boolean;
  subscriptionIdentifiersAvailable?: boolean;
  sharedSubscriptionAvailable?: boolean;
  serverKeepAlive?: number;
  responseInformation?: string;
  serverReference?: string;
  userProperties?: UserProperties;
}

/** The will: published by the server if the connection ends without DISCONNECT. */
export interface Will {
  topic: string;
  payload?: Payload;
  qos?: QoS;
  retain?: boolean;
  /** MQTT 5 will properties. */
  properties?: WillProperties;
}

/** MQTT 5 will properties (3.1.3.2). */
export interface WillProperties {
  /** Seconds the server waits after the connection ends before publishing the will. */
  willDelayInterval?: number;
  payloadFormatIndicator?: boolean;
  messageExpiryInterval?: number;
  contentType?: string;
  responseTopic?: string;
  correlationData?: Uint8Array;
  userProperties?: UserProperties;
}

/** How to reconnect after a connection that was up ends. */
export interface ReconnectOptions {
  /** The first delay in milliseconds (500); it doubles, with jitter, up to `maxDelay`. */
  initialDelay?: number;
  /** The longest delay in milliseconds (30,000). */
  maxDelay?: number;
  /** Subscribe again when the server did not keep the session (true). */
  resubscribe?: boolean;
}

/** Options of {@link connect} and {@link Client}. */
export interface ConnectOptions {
  /** 5 (the default), 4 (3.1.1) or 3 (3.1). */
  version?: Version;
  /** The client id; a random `mqttscope-…` when absent, `""` asks the server for one. */
  clientId?: string;
  username?: string;
  /** Never logged; it travels in the CONNECT packet only. */
  password?: string | Uint8Array;
  /** Keep alive in seconds (60); 0 turns it off. */
  keepAlive?: number;
  /** Clean Start (5) / Clean Session (3.1.1): start without a session (true). */
  cleanStart?: boolean;
  /** MQTT 5: how long the server keeps the session after the connection ends, in seconds. */
  sessionExpiry?: number;
  will?: Will;
  /** Reconnect after a connection that was up ends (true; the first connection must succeed). */
  reconnect?: boolean | ReconnectOptions;
  /** Other MQTT 5 CONNECT properties. */
  properties?: ConnectProperties;
  /** The largest packet accepted from the server, in bytes (16 MiB; MQTT 5 announces it). */
  receiveLimit?: number;
  /** How long to wait for the WebSocket to open, and then for CONNACK, in milliseconds
   *  (10,000 each). */
  connectTimeout?: number;
  /** The most QoS 1 and 2 publishes in flight (sent, not yet acknowledged), 1 to 65,535. By
   *  default 20 in 3.1.1 and 3.1, where a server cannot announce its limit (paho and
   *  `mosquitto_pub` use 20 too), and the server's Receive Maximum in MQTT 5, which a larger
   *  value never exceeds [MQTT-3.3.4-7]. */
  maxInFlight?: number;
  /** How many QoS 1 and 2 publishes may wait for a slot in flight or for a connection (1,000);
   *  beyond it `publish` rejects with a {@link StateError} rather than drop a message. */
  maxQueued?: number;
  /** Run the core in a dedicated Worker (true where there is one). */
  worker?: boolean;
  /** The WebSocket constructor, for { worker: false } where there is no global one (node
   *  before 22: the `ws` package's). In node the client always runs on the main thread. */
  WebSocket?: new (url: string, protocols: string[]) => WebSocket;
  /** Where the wasm module is (its URL, bytes or compiled module), if not beside the script;
   *  a relative address is read against the page. */
  wasm?: string | URL | BufferSource | WebAssembly.Module;
}

/** A received application message. */
export class Message {
  private constructor();
  readonly topic: string;
  readonly payload: Uint8Array;
  readonly qos: QoS;
  readonly retain: boolean;
  /** A QoS 1 or 2 message sent again (it may have arrived before). */
  readonly dup: boolean;
  /** MQTT 5 properties (empty in MQTT 3). */
  readonly properties: MessageProperties;
  /** The PUBLISH's packet identifier (QoS 1 and 2; undefined for QoS 0). */
  readonly packetId?: number;
  /** The PUBLISH's Remaining Length (2.1.4): its bytes after the fixed header. */
  readonly length: number;
  /** The payload as UTF-8 text. */
  text(): string;
  /** The payload parsed as JSON; throws a SyntaxError when it is not JSON. */
  json(): unknown;
}

/** Options of one subscription. */
export interface SubscriptionOptions {
  /** The highest QoS to receive at (0). */
  qos?: QoS;
  /** MQTT 5: not our own messages. */
  noLocal?: boolean;
  /** MQTT 5: keep the retain flag as published. */
  retainAsPublished?: boolean;
  /** MQTT 5: 0 send retained messages, 1 only for a new subscription, 2 never. */
  retainHandling?: 0 | 1 | 2;
}

/** A filter with its own options, in a list given to {@link Client.subscribe}. */
export interface Subscription extends SubscriptionOptions {
  filter: string;
}

/** Options of {@link Client.subscribe}: those of each filter, and the SUBSCRIBE's properties. */
export interface SubscribeOptions extends SubscriptionOptions {
  properties?: { subscriptionIdentifier?: number; userProperties?: UserProperties };
}

/** Options of {@link Client.publish}. */
export interface PublishOptions {
  qos?: QoS;
  retain?: boolean;
  properties?: PublishProperties;
}

/** A control packet as it crossed the wire. */
export interface PacketEvent {
  direction: "sent" | "received";
  type: "CONNECT" | "CONNACK" | "PUBLISH" | "PUBACK" | "PUBREC" | "PUBREL" | "PUBCOMP" | "SUBSCRIBE"
    | "SUBACK" | "UNSUBSCRIBE" | "UNSUBACK" | "PINGREQ" | "PINGRESP" | "DISCONNECT" | "AUTH";
  /** Its exact bytes (a CONNECT's include the password). */
  bytes: Uint8Array;
}

/** The events of a {@link Client} and what each listener gets. */
export interface ClientEvents {
  /** CONNACK accepted a connection (the first, and each reconnection); `length` is the
   *  CONNACK's Remaining Length (2.1.4). */
  connect: { sessionPresent: boolean; properties: ConnAckProperties; length: number };
  message: Message;
  /** Every control packet, both ways (only while someone listens). */
  packet: PacketEvent;
  /** The connection ended: `error` null when {@link Client.end} ended it; `reconnecting`
   *  false when it is over for good. */
  close: { error: ConnectionError | null; reconnecting: boolean };
  /** A reconnect try starts (`attempt` counts from 1 since the last connection). */
  reconnect: { attempt: number };
  /** What went wrong outside any call: a connection that ended, a rule the server broke
   *  without ending it (a {@link ProtocolError} with `fatal` false), a refused resubscription. */
  error: MqttError;
}

/** The client's state. */
export type ClientState = "idle" | "connecting" | "connected" | "reconnecting" | "ended";

/** An MQTT client. `new Client(url, options)` lets listeners be added before {@link Client.connect}. */
export class Client {
  constructor(url: string | URL, options?: ConnectOptions);
  /** The protocol level spoken: 3, 4 or 5. */
  readonly version: 3 | 4 | 5;
  readonly state: ClientState;
  /** The last CONNACK: whether the server had a session, and (MQTT 5) its properties, such
   *  as whether it supports Subscription Identifiers; null before the first. */
  readonly connack: { sessionPresent: boolean; properties: ConnAckProperties } | null;
  /** Connects; resolves with the client on CONNACK, rejects with the first connection's error
   *  ({@link ConnectError}, {@link ConnectionError}; `ending: "internal"` when the worker
   *  or driver could not load), a {@link StateError} (called twice, `end()` meanwhile, the
   *  wasm module not loaded) or a {@link UsageError} (options), and ends the client. */
  connect(): Promise<Client>;
  on<E extends keyof ClientEvents>(event: E, listener: (value: ClientEvents[E]) => void): this;
  off<E extends keyof ClientEvents>(event: E, listener: (value: ClientEvents[E]) => void): this;
  /** Subscribes; resolves with each filter's result, or rejects with a {@link SubscribeError}
   *  when SUBACK refused any (the granted ones are in force). */
  subscribe(filters: string | (string | Subscription)[], options?: SubscribeOptions): Promise<SubscribeResult[]>;
  /** Unsubscribes; resolves with UNSUBACK's reason codes (MQTT 5; empty before). While the
   *  client is not connected (reconnecting) the filters are forgotten instead, as the page
   *  does: they are not subscribed again, the server's resumed session is unsubscribed from
   *  them first thing, and it resolves with an empty array. */
  unsubscribe(filters: string | string[]): Promise<number[]>;
  /** Publishes. Resolves with the reason code of PUBACK (QoS 1) or PUBCOMP (QoS 2), 0 (or 0x10,
   *  no matching subscribers) when accepted, and for QoS 0 once queued for the socket (it goes
   *  out with the packets queued around it once the current task is over); rejects with a
   *  {@link PublishError} when refused or lost with the session. QoS 1 and 2 messages wait
   *  while the client reconnects; QoS 0 needs a connection ({@link StateError}). */
  publish(topic: string, payload: Payload, options?: PublishOptions): Promise<number>;
  /** The messages whose topic matches `filter`, as they arrive, until the client ends or the
   *  loop breaks. It does not subscribe: subscribe to the filter, or a wider one, as well. */
  messages(filter: string): AsyncIterableIterator<Message>;
  /** Sends DISCONNECT and closes; resolves once the client has stopped. */
  end(): Promise<void>;
}

/** Connects to `url` (`ws://` or `wss://`, or `sandbox://` for the sandbox broker in the
 *  page) and resolves with the client once CONNACK accepted. */
export function connect(url: string | URL, options?: ConnectOptions): Promise<Client>;

