/**
 * The error classes of `mqttscope` (and of `mqttscope/doctor`, which throws its
 * `UsageError`), and what they carry. Apart from the client's declarations because these
 * need no DOM types.
 * @module
 */

import type { Diagnosis } from "../doctor/index.js";

/** What SUBACK said of one filter. */
export interface SubscribeResult {
  filter: string;
  /** The granted QoS (0 to 2), or the failure code (0x80 and above). */
  reasonCode: number;
  /** The granted QoS, or null when refused. */
  qos: 0 | 1 | 2 | null;
}

/** The base class of every error the client throws, rejects with or reports. */
export class MqttError extends Error {
  /** The MQTT reason code (an MQTT 3.1.1 CONNACK return code in 3.1.1), or null. */
  readonly reasonCode: number | null;
  /** The rule broken: a normative id (`"MQTT-3.3.2-2"`), a section (`"2.1.2"`), or null. */
  readonly rule: string | null;
  /** What went wrong and what to do about it: a canned hint by the ending or code. */
  explain(): string;
  /**
   * The connection doctor's diagnosis, the mqttscope page's: what is wrong, in words that
   * name the host and port, what to do, and actions to offer as buttons. Null for an error
   * that is not a {@link ConnectionError}. It loads `mqttscope/doctor` on first use; the
   * client entry does not load it before.
   */
  diagnose(options?: DiagnoseOptions): Promise<Diagnosis | null>;
}

/** Options of {@link MqttError.diagnose}. */
export interface DiagnoseOptions {
  /** For a failed handshake (`ending` `"handshake"`, where the browser says nothing about
   *  why), probe first as the page does: fetch the server's `http(s)://` root, open the URL
   *  without the `mqtt` subprotocol, and try other common paths or, for MQTT's TCP ports
   *  1883 and 8883, the common WebSocket ports; up to 4 s. Failed probes show as network
   *  errors in the browser's console. (false) */
  probe?: boolean;
}

/** The caller asked for something MQTT or this API does not allow; nothing was sent. */
export class UsageError extends MqttError {
  /** The option or argument at fault (`"options.will.qos"`), or null. */
  readonly field: string | null;
}

/** The client cannot do it now: not connected (QoS 0), ended, or its queue is full. */
export class StateError extends MqttError {}

/** How a connection ended. */
export type Ending = "refused" | "server" | "protocol" | "keepAlive" | "connectTimeout" | "tooLarge"
  | "handshake" | "subprotocol" | "transport" | "internal";

/** The connection ended, or could not be made. Besides `ending`, it carries what the
 *  connection doctor reads ({@link ConnectionError.diagnose}): the connection's settings and
 *  the ending's details, null where they do not apply. */
export class ConnectionError extends MqttError {
  readonly ending: Ending;
  /** The WebSocket close code, when the socket closed. */
  readonly closeCode: number | null;
  /** The WebSocket close reason, when the socket closed with one. */
  readonly closeReason: string | null;
  /** The server's Reason String (MQTT 5), or null. */
  readonly reasonString: string | null;
  /** The server's Server Reference (MQTT 5), or null. */
  readonly serverReference: string | null;
  /** The URL the client connected to. */
  readonly url: string | null;
  /** The protocol level spoken: 3, 4 or 5. */
  readonly version: 3 | 4 | 5 | null;
  /** The keep alive in force, in seconds (the server's, when its CONNACK set one). */
  readonly keepAlive: number | null;
  /** `"handshake"`: milliseconds from opening the WebSocket to its failure;
   *  `"connectTimeout"`: how long the client waited for CONNACK. */
  readonly elapsedMs: number | null;
  /** `"subprotocol"`: the subprotocol the server chose instead of `mqtt` (empty: none). */
  readonly subprotocol: string | null;
  /** `"tooLarge"`: the packet's size and the receive limit, in bytes. */
  readonly size: number | null;
  readonly limit: number | null;
  /** `"tooLarge"`: whether the client tries again. */
  readonly reconnecting: boolean | null;
  /** `"protocol"`, `"internal"`: what happened, in words. */
  readonly detail: string | null;
  /** The doctor's diagnosis of this ending; rejects with a {@link UsageError} for an error
   *  made by hand without the `url` the client's own errors carry. */
  diagnose(options?: DiagnoseOptions): Promise<Diagnosis>;
}

/** CONNACK refused the connection; `reasonCode` says why. */
export class ConnectError extends ConnectionError {}

/** The server broke a rule of MQTT (`rule`). */
export class ProtocolError extends ConnectionError {
  /** Whether the connection ended over it. */
  readonly fatal: boolean;
  /** The code byte of a CONNACK that did not decode (MQTT 5: a 3.1.1 return code there
   *  means the server does not speak MQTT 5), or null. */
  readonly connackCode: number | null;
}

/** A QoS 1 or 2 publish was refused (`reasonCode`), or lost with its session (`lost`). */
export class PublishError extends MqttError {
  /** null; or "sent" (the server may or may not have it), "received" (it has it). */
  readonly lost: "sent" | "received" | null;
}

/** SUBACK refused at least one filter. */
export class SubscribeError extends MqttError {
  /** Every filter's outcome, in order. */
  readonly results: SubscribeResult[];
}
