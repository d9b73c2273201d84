// MQTT.js's shapes of what the client reports: packet objects with a lowercase `cmd`
// (mqtt-packet's), properties with User Properties as an object, and payloads that
// print as text.

const decoder = new TextDecoder();

/** A payload as MQTT.js gives one: bytes whose toString() is their UTF-8 text, as a Buffer's
 *  is. (A browser has no Buffer; node gets a real one, see index.node.js.) */
export class Payload extends Uint8Array {
  /** The bytes as text: "utf8" (the default), "hex", "base64" or "latin1" (as Buffer's). */
  toString(encoding = "utf8") {
    switch (String(encoding).toLowerCase()) {
      case "utf8":
      case "utf-8":
        return decoder.decode(this);
      case "hex":
        return Array.from(this, (b) => b.toString(16).padStart(2, "0")).join("");
      case "latin1":
      case "binary":
        return Array.from(this, (b) => String.fromCharCode(b)).join("");
      case "base64":
        return btoa(this.toString("latin1"));
      default:
        throw new TypeError(`Unknown encoding: ${encoding}`);
    }
  }
}

/** Wraps `bytes` (a Uint8Array) as a Payload, sharing its memory. */
export const payload = (bytes) => new Payload(bytes.buffer, bytes.byteOffset, bytes.byteLength);

/** MQTT.js's User Properties ({ name: value or [values] }) as the client's [name, value] pairs. */
export function pairs(user) {
  if (Array.isArray(user)) return user; // already pairs
  return Object.entries(user ?? {}).flatMap(([k, v]) => (Array.isArray(v) ? v.map((x) => [k, String(x)]) : [[k, String(v)]]));
}

/** The client's [name, value] pairs as MQTT.js's object; a repeated name gets an array. */
function userObject(list) {
  const out = {};
  for (const [k, v] of list) {
    if (!(k in out)) out[k] = v;
    else out[k] = [].concat(out[k], v);
  }
  return out;
}

/** Properties the client reported, in mqtt-packet's names and shapes; undefined when there
 *  are none (mqtt-packet leaves the key out then). `wrap` makes bytes a Payload or Buffer. */
export function mqttjsProperties(p, wrap) {
  if (!p || Object.keys(p).length === 0) return undefined;
  const out = {};
  for (const [k, v] of Object.entries(p)) {
    if (k === "userProperties") out.userProperties = userObject(v);
    else if (k === "subscriptionIdentifiers") out.subscriptionIdentifier = v.length === 1 ? v[0] : v;
    else if (k === "maximumQos") out.maximumQoS = v;
    else if (v instanceof Uint8Array) out[k] = wrap(v);
    else out[k] = v;
  }
  return out;
}

/** The 'connect' event's packet: CONNACK as mqtt-packet reads it (it accepted: code 0). */
export function connack(version, { sessionPresent, properties }, wrap) {
  const packet = { cmd: "connack", retain: false, qos: 0, dup: false, topic: null, payload: null, sessionPresent };
  if (version === 5) {
    packet.reasonCode = 0;
    const props = mqttjsProperties(properties, wrap);
    if (props) packet.properties = props;
  } else {
    packet.returnCode = 0;
  }
  return packet;
}

const CMDS = [
  "reserved", "connect", "connack", "publish", "puback", "pubrec", "pubrel", "pubcomp", "subscribe",
  "suback", "unsubscribe", "unsuback", "pingreq", "pingresp", "disconnect", "auth",
];
/** Packets whose variable header starts with a packet identifier. */
const WITH_ID = new Set(["puback", "pubrec", "pubrel", "pubcomp", "subscribe", "suback", "unsubscribe", "unsuback"]);
/** Packets that end with a reason code (MQTT 5) after the identifier, if any. */
const ACKS = new Set(["puback", "pubrec", "pubrel", "pubcomp"]);

/**
 * The packet object of the client's 'packet' event ({ direction, type, bytes }), for
 * 'packetsend' and 'packetreceive': `cmd`, `length` (the Remaining Length), and what the fixed
 * and variable headers hold that the events of MQTT.js are read for (the flags and topic of a
 * PUBLISH, packet identifiers, CONNACK's session flag and code, acks' reason codes). Properties
 * are not decoded here.
 */
export function packetObject({ bytes }, version, wrap) {
  const cmd = CMDS[bytes[0] >> 4];
  let at = 1;
  let length = 0;
  for (let shift = 0; at < bytes.length && shift < 28; shift += 7) {
    const b = bytes[at++];
    length += (b & 0x7f) * 2 ** shift;
    if (!(b & 0x80)) break;
  }
  const p = { cmd, length };
  const u16 = (i) => (bytes[i] << 8) | bytes[i + 1];
  if (cmd === "publish") return publishHeader(p, bytes, at, version, wrap);
  if (cmd === "connack") {
    p.sessionPresent = (bytes[at] & 1) === 1;
    p[version === 5 ? "reasonCode" : "returnCode"] = bytes[at + 1];
  } else if (WITH_ID.has(cmd)) {
    p.messageId = u16(at);
    if (version === 5 && ACKS.has(cmd)) p.reasonCode = length > 2 ? bytes[at + 2] : 0;
  } else if (cmd === "disconnect" || cmd === "auth") {
    if (version === 5) p.reasonCode = length > 0 ? bytes[at] : 0;
  }
  return p;
}

/** A PUBLISH's flags, topic, packet identifier and payload (after any MQTT 5 properties). */
function publishHeader(p, bytes, at, version, wrap) {
  const flags = bytes[0] & 0x0f;
  p.dup = (flags & 8) === 8;
  p.qos = (flags >> 1) & 3;
  p.retain = (flags & 1) === 1;
  const topicLength = (bytes[at] << 8) | bytes[at + 1];
  p.topic = decoder.decode(bytes.subarray(at + 2, at + 2 + topicLength));
  at += 2 + topicLength;
  if (p.qos > 0) {
    p.messageId = (bytes[at] << 8) | bytes[at + 1];
    at += 2;
  }
  if (version === 5) {
    let props = 0;
    for (let shift = 0; at < bytes.length && shift < 28; shift += 7) {
      const b = bytes[at++];
      props += (b & 0x7f) * 2 ** shift;
      if (!(b & 0x80)) break;
    }
    at += props;
  }
  p.payload = wrap(bytes.subarray(at));
  return p;
}
