/**
 * `mqttscope/doctor`: why an MQTT connection over WebSocket failed and what to do, in
 * words a user can act on: the connection doctor of the mqttscope page, compiled to
 * WebAssembly from the same Rust.
 *
 * The client's errors call it (`await error.diagnose()`, which imports this entry on first
 * use); call {@link diagnose} directly for a failure of another client. The functions load
 * the wasm module on first use and return promises; {@link load} waits for it once and
 * gives the same functions synchronously.
 *
 * @example
 * ```js
 * import { diagnose } from "mqttscope/doctor";
 * const d = await diagnose({ url: "ws://127.0.0.1:9001", ending: "refused", reasonCode: 0x86 });
 * d.title; // "The broker rejected your user name or password"
 * ```
 * @module
 */

import type { Ending } from "../client/errors.js";

export type { Ending } from "../client/errors.js";
export { MqttError, UsageError } from "../client/errors.js";

/** The protocol version: 3 or `"3.1"` (MQTT 3.1), 4 or `"3.1.1"` (MQTT 3.1.1), 5 or
 *  `"5.0"` (MQTT 5.0). */
export type Version = 3 | 4 | 5 | "3" | "4" | "5" | "3.1" | "3.1.1" | "5.0";

/** The functions, synchronous: what {@link load} resolves to. */
export interface Doctor {
  /** See {@link diagnose}. */
  diagnose(failure: FailureInput): Diagnosis;
  /** See {@link probePlan}. */
  probePlan(url: string): ProbePlan;
}

/**
 * Loads the wasm module (once; later calls return at once) and resolves to the
 * synchronous functions. Rejects with an {@link MqttError} when the module cannot load.
 */
export function load(): Promise<Doctor>;

/**
 * A failed connection, as {@link diagnose} reads it: the connection's settings, how it
 * ended and that ending's details (the fields of the client's `ConnectionError` by the
 * same names), and what the probes of a failed handshake found. `null` counts as absent;
 * an unknown key is a {@link UsageError}.
 */
export interface FailureInput {
  /** The `ws://` or `wss://` URL connected to. One the doctor cannot read is no error:
   *  the diagnosis then says what is wrong with it. */
  url: string;
  /** The protocol version spoken (5). It decides how a refusal's `reasonCode` reads. */
  version?: Version | null;
  /** The keep alive in force, in seconds (60): for `"keepAlive"`. */
  keepAlive?: number | null;
  /** The page connecting was loaded over https, where browsers refuse `ws://` to other
   *  hosts (mixed content) (false). */
  pageIsHttps?: boolean | null;
  /** How it ended. */
  ending: Ending;
  /** `"refused"` (required): the CONNACK code, an MQTT 3 return code (1 to 5) in 3.1.1
   *  and 3.1; `"server"` (required): the DISCONNECT reason code. */
  reasonCode?: number | null;
  /** `"refused"`, `"server"`: the Reason String the server sent (MQTT 5). */
  reasonString?: string | null;
  /** `"refused"`, `"server"`: the Server Reference the server sent (MQTT 5). */
  serverReference?: string | null;
  /** `"transport"`, `"handshake"`: the WebSocket close code (`"transport"`: 1006 when
   *  absent). A handshake closed with another code than 1006 is read as that close. */
  closeCode?: number | null;
  /** `"transport"`, `"handshake"`: the WebSocket close reason. */
  closeReason?: string | null;
  /** `"protocol"`: the rule the server broke (`"MQTT-3.2.2-6"`, or a section). */
  rule?: string | null;
  /** `"protocol"`, `"internal"`: what happened, in words. */
  detail?: string | null;
  /** `"protocol"`: the code byte of a CONNACK that did not decode as MQTT 5. An MQTT 3.1.1
   *  return code (1 to 5) there means the broker does not speak MQTT 5. */
  connackCode?: number | null;
  /** `"tooLarge"` (required): the packet's size and the receive limit, in bytes. */
  size?: number | null;
  /** `"tooLarge"` (required). */
  limit?: number | null;
  /** `"tooLarge"`: the client tries again (false: it stopped). */
  reconnecting?: boolean | null;
  /** `"handshake"`: milliseconds from opening the WebSocket to its failure (a long wait
   *  suggests a firewall); `"connectTimeout"`: how long the client waited for CONNACK
   *  (10,000). */
  elapsedMs?: number | null;
  /** `"subprotocol"`: the subprotocol the server chose instead of `mqtt` (empty: none). */
  subprotocol?: string | null;
  /** `"handshake"`: what the probes found; see {@link probePlan}. */
  probes?: ProbeResults | null;
}

/** What the probes after a failed handshake found; what was not probed is absent. */
export interface ProbeResults {
  /** A `no-cors` fetch of {@link ProbePlan.httpUrl} got any answer. */
  httpAnswers?: boolean | null;
  /** A WebSocket without subprotocol opened at the URL tried. */
  opensWithoutSubprotocol?: boolean | null;
  /** Whether a WebSocket with subprotocol `mqtt` opened at each alternative tried. */
  alternatives?: { url: string; opened: boolean }[] | null;
}

/** The probes worth running after a handshake failed; all are cheap and may run at once,
 *  each with a timeout of a few seconds (one that timed out counts as failed). */
export interface ProbePlan {
  /** Fetch with `mode: "no-cors"`: any response means something answers HTTP there. */
  httpUrl: string;
  /** Open a WebSocket here (the URL tried) without a subprotocol; closed at once. */
  withoutSubprotocol: string;
  /** Open a WebSocket with subprotocol `mqtt` at each; closed at once. Other common
   *  paths, or for MQTT's TCP ports (1883, 8883) the common WebSocket ports. */
  alternatives: string[];
}

/** A client setting a diagnosis asks to change (the client's option name where there is
 *  one; `"credentials"` is `username` and `password`). */
export type Setting =
  | "url" | "credentials" | "clientId" | "keepAlive" | "will" | "authentication"
  | "receiveLimit" | "version";

/** Something to offer, as a button with its `label`. */
export type Action =
  | { kind: "retry"; label: string }
  /** Connect to `url` instead (`ws://` or `wss://`). */
  | { kind: "useUrl"; label: string; url: string }
  /** Open the `https://` page `url` (to trust the server's certificate), then retry. */
  | { kind: "openPage"; label: string; url: string }
  /** Connect again speaking this protocol version. */
  | { kind: "switchVersion"; label: string; version: 3 | 4 | 5 }
  /** Change this setting before connecting again. */
  | { kind: "edit"; label: string; setting: Exclude<Setting, "version"> };

/** Why a connection failed, in words a user can act on. Plain text, no markup. */
export interface Diagnosis {
  /** `"error"`: it fails again until something changes; `"warning"`: retrying as it is
   *  may work; `"info"`: nothing is wrong. */
  severity: "info" | "warning" | "error";
  /** One line: what is wrong (`"The broker rejected your user name or password"`). */
  title: string;
  /** A few sentences: why, naming the host and port tried, and what to do. */
  text: string;
  /** What to offer, most useful first (may be empty). */
  actions: Action[];
  /** The settings the actions ask to change, once each, in order. */
  settings: Setting[];
}

/**
 * Why a connection failed and what to do: the mqttscope page's connection doctor. The
 * client's errors call it (`await error.diagnose()`); call it directly for a failure of
 * another client. Rejects with a {@link UsageError} naming the field for a value of the
 * wrong type, an unknown key, or a detail the ending requires that is missing.
 *
 * @example
 * ```js
 * const d = await diagnose({ url: "ws://127.0.0.1:9001", ending: "refused", reasonCode: 0x86 });
 * d.title;    // "The broker rejected your user name or password"
 * d.settings; // ["credentials"]
 * ```
 */
export function diagnose(failure: FailureInput): Promise<Diagnosis>;

/**
 * The cheap probes worth running after the WebSocket handshake with `url` failed (the
 * browser says nothing about why); pass what they found to {@link diagnose} as `probes`.
 * Rejects with a {@link UsageError} when `url` is not a `ws://` or `wss://` URL.
 */
export function probePlan(url: string): Promise<ProbePlan>;
