/**
 * `mqttscope/dissect`: MQTT 3.1, 3.1.1 and 5.0 packets byte by byte, from mqttscope's
 * Rust core compiled to WebAssembly.
 *
 * - {@link dissect} maps every byte of a packet, valid or malformed, to a named field
 *   with the section of the specification behind it; malformed input is dissected up to
 *   the offending byte, and the result's `error` names it and the rule it breaks.
 * - {@link decode} and {@link encode} turn packets into plain objects and back.
 *
 * The functions load the wasm module on first use and return promises. {@link load}
 * waits for it once and gives the same functions synchronously.
 *
 * @example
 * ```js
 * import { dissect } from "mqttscope/dissect";
 * const d = await dissect("30 07 00 03 61 2f 62 68 69", { version: 4 });
 * for (const f of d.fields) console.log(f.start, f.end, f.path, f.value, f.section);
 * ```
 * @module
 */

/**
 * The protocol version: 3 or `"3.1"` (MQTT 3.1), 4 or `"3.1.1"` (MQTT 3.1.1), 5 or
 * `"5.0"` (MQTT 5.0, the default). A CONNECT is always read in the version it names.
 */
export type Version = 3 | 4 | 5 | "3" | "4" | "5" | "3.1" | "3.1.1" | "5.0";

/** Options of every function. */
export interface Options {
  /** The protocol version of the connection; 5 when absent. */
  version?: Version;
}

/**
 * Bytes: a `Uint8Array`, an `ArrayBuffer`, another typed array or `DataView` (its bytes),
 * an array of byte values, or hex text (`"30 02 00 07"`, `"0x30,0x02"`, `"3002"`).
 */
export type BytesInput = Uint8Array | ArrayBuffer | ArrayBufferView | readonly number[] | string;

/** The names of the 15 control packets. */
export type PacketType =
  | "CONNECT" | "CONNACK" | "PUBLISH" | "PUBACK" | "PUBREC" | "PUBREL" | "PUBCOMP"
  | "SUBSCRIBE" | "SUBACK" | "UNSUBSCRIBE" | "UNSUBACK" | "PINGREQ" | "PINGRESP"
  | "DISCONNECT" | "AUTH";

/** One field of a dissected packet. The fields tile the bytes in order. */
export interface Field {
  /** The specification's name for it: `"Topic Alias"`. */
  name: string;
  /** Its place in the packet: `"publish.properties.topic_alias"`. */
  path: string;
  /** The offset of its first byte. */
  start: number;
  /** The offset just past its last byte (`end - start` bytes). */
  end: number;
  /** For a field made of some bits of one byte, those bits (`0b0110` for QoS); else null. */
  mask: number | null;
  /** The decoded value as text: `"3"`, `"\"a/b\""`, `"At least once (0x01)"`, `"2 bytes \"hi\""`. */
  value: string;
  /** The MQTT 5.0 section that defines it: `"3.3.2.3.4"`. */
  section: string;
  /** How deep it is nested, to indent a tree: 1 for the fields of the fixed header and of
   *  the packet, 2 for the parts of one (a string's length, a property), and so on. */
  depth: number;
}

/** What {@link dissect} found. */
export interface Dissection {
  /** The packet type, once the first byte is known to be valid; else null. */
  packetType: PacketType | null;
  /** How many bytes the packet spans in the input. */
  length: number;
  /** The fields in byte order; for malformed input, those before the offending byte. */
  fields: Field[];
  /** Why dissection stopped, or null for a valid packet. Reported, not thrown. */
  error: DecodeError | null;
}

/** MQTT 5 User Properties: `[name, value]` pairs, in order; names may repeat. */
export type UserProperties = [name: string, value: string][];

/** Binary data: read as a `Uint8Array`; a string is accepted when encoding (its UTF-8 bytes). */
export type Binary = Uint8Array;
/** What {@link encode} accepts for binary data. */
export type BinaryInput = Uint8Array | ArrayBuffer | string;

/** An integer Quality of Service. */
export type QoS = 0 | 1 | 2;

/** Properties of CONNECT (3.1.2.11). Every property is optional; absent means not sent. */
export interface ConnectProperties {
  sessionExpiryInterval?: number;
  receiveMaximum?: number;
  maximumPacketSize?: number;
  topicAliasMaximum?: number;
  requestResponseInformation?: boolean;
  requestProblemInformation?: boolean;
  authenticationMethod?: string;
  authenticationData?: Binary;
  userProperties?: UserProperties;
}

/** Properties of the will (3.1.3.2). */
export interface WillProperties {
  willDelayInterval?: number;
  payloadFormatIndicator?: boolean;
  messageExpiryInterval?: number;
  contentType?: string;
  responseTopic?: string;
  correlationData?: Binary;
  userProperties?: UserProperties;
}

/** Properties of CONNACK (3.2.2.3). */
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
  authenticationMethod?: string;
  authenticationData?: Binary;
  userProperties?: UserProperties;
}

/** Properties of PUBLISH (3.3.2.3). */
export interface PublishProperties {
  /** True: the payload is UTF-8 text (checked when decoding). */
  payloadFormatIndicator?: boolean;
  messageExpiryInterval?: number;
  /** 1 to 65535 [MQTT-3.3.2-8]. */
  topicAlias?: number;
  responseTopic?: string;
  correlationData?: Binary;
  contentType?: string;
  userProperties?: UserProperties;
  /** The identifiers of the subscriptions that matched (server to client). */
  subscriptionIdentifiers?: number[];
}

/** Properties of SUBSCRIBE (3.8.2.1). */
export interface SubscribeProperties {
  /** 1 to 268,435,455. */
  subscriptionIdentifier?: number;
  userProperties?: UserProperties;
}

/** Properties of UNSUBSCRIBE (3.10.2.1). */
export interface UnsubscribeProperties {
  userProperties?: UserProperties;
}

/** Properties of PUBACK, PUBREC, PUBREL, PUBCOMP, SUBACK and UNSUBACK. */
export interface AckProperties {
  reasonString?: string;
  userProperties?: UserProperties;
}

/** Properties of DISCONNECT (3.14.2.2). */
export interface DisconnectProperties {
  sessionExpiryInterval?: number;
  reasonString?: string;
  serverReference?: string;
  userProperties?: UserProperties;
}

/** Properties of AUTH (3.15.2.2). */
export interface AuthProperties {
  authenticationMethod?: string;
  authenticationData?: Binary;
  reasonString?: string;
  userProperties?: UserProperties;
}

/** The will of a CONNECT. */
export interface Will {
  topic: string;
  payload: Binary;
  qos: QoS;
  retain: boolean;
  properties: WillProperties;
}

/** CONNECT (3.1). */
export interface Connect {
  type: "CONNECT";
  /** The protocol level it names: 3 (3.1), 4 (3.1.1) or 5. */
  protocolVersion: 3 | 4 | 5;
  /** Clean Start (5.0) or Clean Session (3.x). */
  cleanStart: boolean;
  /** Seconds; 0 disables it. */
  keepAlive: number;
  clientId: string;
  username?: string;
  password?: Binary;
  will?: Will;
  properties: ConnectProperties;
}

/** CONNACK (3.2). */
export interface ConnAck {
  type: "CONNACK";
  sessionPresent: boolean;
  /** A reason code in 5.0 (0x00 Success, 0x87 Not authorized, ...); the return code 0 to 5 in 3.x. */
  reasonCode: number;
  properties: ConnAckProperties;
}

/** PUBLISH (3.3). */
export interface Publish {
  type: "PUBLISH";
  topic: string;
  payload: Binary;
  qos: QoS;
  /** Present exactly when `qos` is 1 or 2: 1 to 65535. */
  packetId?: number;
  retain: boolean;
  dup: boolean;
  properties: PublishProperties;
}

/** PUBACK, PUBREC, PUBREL and PUBCOMP (3.4 to 3.7). */
export interface Ack {
  type: "PUBACK" | "PUBREC" | "PUBREL" | "PUBCOMP";
  packetId: number;
  /** 0x00 Success unless said otherwise (5.0 only). */
  reasonCode: number;
  properties: AckProperties;
}

/** One topic filter of a SUBSCRIBE and its options (3.8.3.1). */
export interface Subscription {
  filter: string;
  qos: QoS;
  noLocal: boolean;
  retainAsPublished: boolean;
  /** 0: send retained messages at subscribe; 1: only if the subscription is new; 2: never. */
  retainHandling: 0 | 1 | 2;
}

/** SUBSCRIBE (3.8). */
export interface Subscribe {
  type: "SUBSCRIBE";
  packetId: number;
  subscriptions: Subscription[];
  properties: SubscribeProperties;
}

/** SUBACK (3.9): a reason code per filter (the granted QoS 0 to 2, or 0x80 and above). */
export interface SubAck {
  type: "SUBACK";
  packetId: number;
  reasonCodes: number[];
  properties: AckProperties;
}

/** UNSUBSCRIBE (3.10). */
export interface Unsubscribe {
  type: "UNSUBSCRIBE";
  packetId: number;
  filters: string[];
  properties: UnsubscribeProperties;
}

/** UNSUBACK (3.11): a reason code per filter (5.0). */
export interface UnsubAck {
  type: "UNSUBACK";
  packetId: number;
  reasonCodes: number[];
  properties: AckProperties;
}

/** PINGREQ and PINGRESP (3.12, 3.13). */
export interface Ping {
  type: "PINGREQ" | "PINGRESP";
}

/** DISCONNECT (3.14). */
export interface Disconnect {
  type: "DISCONNECT";
  /** 0x00 Normal disconnection unless said otherwise (5.0 only). */
  reasonCode: number;
  properties: DisconnectProperties;
}

/** AUTH (3.15, MQTT 5 only). */
export interface Auth {
  type: "AUTH";
  reasonCode: number;
  properties: AuthProperties;
}

/** A decoded packet, told apart by `type`. */
export type Packet =
  | Connect | ConnAck | Publish | Ack | Subscribe | SubAck | Unsubscribe | UnsubAck | Ping
  | Disconnect | Auth;

/** Makes every field optional except `type`, and lets binary fields be given as text. */
type Input<T> = T extends Uint8Array
  ? BinaryInput
  : T extends readonly (infer E)[]
    ? Input<E>[]
    : T extends object
      ? { [K in keyof T]?: Input<T[K]> }
      : T;

/**
 * A packet to encode: the shape {@link decode} returns, with defaults for what is left
 * out (flags false, QoS 0, reason code 0x00, no properties; a CONNECT's
 * `protocolVersion` is the `version` option, its `keepAlive` 60 and `cleanStart` true).
 * `type`, a PUBLISH's `topic`, and every `packetId` are required. Unknown keys are an
 * error, so a misspelt property is never silently dropped.
 */
export type PacketInput = { [P in Packet as P["type"]]: Input<P> & { type: P["type"] } }[Packet["type"]];

/** The base class of every error of this package. */
export class MqttError extends Error {
  /** The byte at fault (for hex text: the character), or null. */
  readonly offset: number | null;
  /**
   * The rule broken: the specification's normative id without brackets
   * (`"MQTT-3.3.1-4"`), or the section that states a rule without an id (`"2.1.4"`);
   * null when no rule applies.
   */
  readonly rule: string | null;
  /** The argument or field at fault (`"packet.properties.topicAlias"`), or null. */
  readonly field: string | null;
}

/**
 * The bytes are not a valid packet. `offset` is the offending byte (for a packet that
 * ends too early: the offset just past the end), `rule` the rule it breaks.
 */
export class DecodeError extends MqttError {
  readonly name: "DecodeError";
  readonly offset: number;
  /** The MQTT 5 reason code a receiver answers with: 0x81 Malformed Packet, 0x82 Protocol Error, ... */
  readonly reasonCode: number;
}

/**
 * The caller's input is wrong: a value of the wrong type or range (`field` names it), an
 * unknown version, hex text that is not hex (`offset` is the character), or a packet the
 * specification forbids sending (`rule` says which rule, when it has an id).
 */
export class UsageError extends MqttError {
  readonly name: "UsageError";
}

/** The functions, synchronous: what {@link load} resolves to. */
export interface Dissector {
  /** See {@link dissect}. */
  dissect(bytes: BytesInput, options?: Options): Dissection;
  /** See {@link decode}. */
  decode(bytes: BytesInput, options?: Options): Packet;
  /** See {@link encode}. */
  encode(packet: PacketInput, options?: Options): Uint8Array;
}

/**
 * Loads the wasm module (once; later calls return at once) and resolves to the
 * synchronous functions. Rejects with an {@link MqttError} when the module cannot load.
 */
export function load(): Promise<Dissector>;

/**
 * The field tree of the packet at the start of `bytes`. Malformed input is not thrown:
 * the fields run up to the offending byte and `error` is a {@link DecodeError} with its
 * `offset` and `rule`. Bytes after the packet are an error too (`rule` `"2.1.4"`).
 * Rejects with a {@link UsageError} for bad arguments.
 *
 * @example
 * ```js
 * const d = await dissect([0x36, 0x00], { version: 5 });
 * d.error.rule;   // "MQTT-3.3.1-4": QoS 3
 * d.error.offset; // 0
 * ```
 */
export function dissect(bytes: BytesInput, options?: Options): Promise<Dissection>;

/**
 * The packet that fills `bytes`, as a plain object. Rejects with a {@link DecodeError}
 * for malformed, incomplete or trailing bytes, a {@link UsageError} for bad arguments.
 */
export function decode(bytes: BytesInput, options?: Options): Promise<Packet>;

/**
 * The bytes of `packet` in the protocol version of `options` (a CONNECT in the version
 * it names). Rejects with a {@link UsageError} for a value of the wrong type, an unknown
 * key, or a packet the specification forbids sending (a wildcard in a topic name, a
 * property in 3.1.1, ...).
 */
export function encode(packet: PacketInput, options?: Options): Promise<Uint8Array>;
