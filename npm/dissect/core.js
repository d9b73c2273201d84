// The `mqttscope/dissect` entry, shared by the browser and the node loader: argument
// checks, the `version` option, and the error classes. The wasm module (built from
// mqttscope's Rust core) does the work; see index.d.ts for the API as people use it.

import init, * as wasm from "./wasm/mqttscope_dissect.js";
import { loader } from "../shared/load.js";

/** The base class of every error this package throws or reports. */
export class MqttError extends Error {
  constructor(message, details = {}) {
    super(message);
    this.name = "MqttError";
    /** The byte (or, for hex text, the character) at fault, or null. */
    this.offset = details.offset ?? null;
    /** The rule broken: a normative id (`MQTT-3.3.1-4`), a section (`3.3.2.3.4`), or null. */
    this.rule = details.rule ?? null;
    /** The argument or field at fault (`packet.properties.topicAlias`), or null. */
    this.field = details.field ?? null;
  }
}

/** The bytes are not a valid MQTT packet. */
export class DecodeError extends MqttError {
  constructor(message, details = {}) {
    super(message, details);
    this.name = "DecodeError";
    /** The MQTT 5 reason code a receiver answers with (0x81 Malformed Packet, ...). */
    this.reasonCode = details.reasonCode ?? null;
  }
}

/** The caller's input is wrong: a type, a range, a version, or a packet MQTT forbids. */
export class UsageError extends MqttError {
  constructor(message, details = {}) {
    super(message, details);
    this.name = "UsageError";
  }
}

/** The class instance for an error object thrown by the wasm module. */
function typed(e) {
  if (e === null || typeof e !== "object" || typeof e.kind !== "string") return e;
  return e.kind === "DecodeError" ? new DecodeError(e.message, e) : new UsageError(e.message, e);
}

/** Runs `f`, rethrowing the wasm module's error objects as class instances. */
function call(f) {
  try {
    return f();
  } catch (e) {
    throw typed(e);
  }
}

const LEVELS = new Map([
  [3, 3], ["3", 3], ["3.1", 3],
  [4, 4], ["4", 4], ["3.1.1", 4],
  [5, 5], ["5", 5], ["5.0", 5],
]);

/** The protocol level (3, 4, 5) of the `version` option; 5 when absent. */
function level(options) {
  if (options === undefined || options === null) return 5;
  if (typeof options !== "object" || Array.isArray(options)) {
    throw new UsageError(`options: expected an object like { version: 5 }, got ${describe(options)}`, {
      field: "options",
    });
  }
  for (const key of Object.keys(options)) {
    if (key !== "version") {
      throw new UsageError(`options.${key}: no such option; the options are: version`, {
        field: `options.${key}`,
      });
    }
  }
  if (options.version === undefined) return 5;
  const found = LEVELS.get(options.version);
  if (found === undefined) {
    throw new UsageError(
      `options.version: expected 3 or "3.1", 4 or "3.1.1", 5 or "5.0", got ${describe(options.version)}`,
      { field: "options.version" },
    );
  }
  return found;
}

/** The bytes of `input`: a Uint8Array, an ArrayBuffer, another view, an array of byte values, or hex text. */
function bytesOf(input) {
  return atMostOnePacket(viewOf(input));
}

/** The largest MQTT packet: a fixed header of 5 bytes and a Remaining Length of
 *  268,435,455 (2.1.4). */
const MAX_PACKET = 5 + 268435455;

/** `bytes` unless longer than any packet: such input would be copied whole into the wasm
 *  module's memory, which never shrinks (and past 2 GiB, trap there). */
function atMostOnePacket(bytes) {
  if (bytes.length <= MAX_PACKET) return bytes;
  throw new UsageError(`bytes: ${bytes.length} bytes is more than any MQTT packet (at most ${MAX_PACKET}: a fixed header and a Remaining Length of 268,435,455, 2.1.4)`, {
    field: "bytes",
  });
}

function viewOf(input) {
  if (input instanceof Uint8Array) return input;
  if (input instanceof ArrayBuffer) return new Uint8Array(input);
  if (ArrayBuffer.isView(input)) return new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  if (typeof input === "string") return call(() => wasm.parseHex(input));
  if (Array.isArray(input)) {
    input.forEach((b, i) => {
      if (!Number.isInteger(b) || b < 0 || b > 255) {
        throw new UsageError(`bytes[${i}]: expected a byte value 0 to 255, got ${describe(b)}`, {
          field: `bytes[${i}]`,
        });
      }
    });
    return Uint8Array.from(input);
  }
  throw new UsageError(
    `bytes: expected a Uint8Array, an ArrayBuffer, an array of byte values or hex text, got ${describe(input)}`,
    { field: "bytes" },
  );
}

/** A short description of a value for an error message. */
function describe(v) {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  if (typeof v === "string") return JSON.stringify(v.length > 20 ? `${v.slice(0, 20)}…` : v);
  if (typeof v === "object") return v.constructor?.name ?? "an object";
  return String(v);
}

/** The synchronous functions, once the wasm module is loaded. */
const dissector = Object.freeze({
  dissect(bytes, options) {
    const v = level(options);
    const d = call(() => wasm.dissect(bytesOf(bytes), v));
    if (d.error) d.error = typed(d.error);
    return d;
  },
  decode(bytes, options) {
    const v = level(options);
    return call(() => wasm.decode(bytesOf(bytes), v));
  },
  encode(packet, options) {
    const v = level(options);
    return call(() => wasm.encode(packet, v));
  },
});

/**
 * The entry's API, loading the wasm module from what `source()` returns (a URL, a
 * Response or the module's bytes; undefined: next to the generated JavaScript).
 */
export function entry(source) {
  const load = loader("mqttscope/dissect", init, source, dissector, MqttError);
  return {
    load,
    dissect: async (bytes, options) => (await load()).dissect(bytes, options),
    decode: async (bytes, options) => (await load()).decode(bytes, options),
    encode: async (packet, options) => (await load()).encode(packet, options),
  };
}
