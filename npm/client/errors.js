// The error classes of the `mqttscope` entry. The driver (in the worker or on the page)
// reports failures as plain objects with a `kind`; `typed` turns them into these classes.

/** The base class of every error the client throws, rejects with or reports. */
export class MqttError extends Error {
  constructor(message, details = {}) {
    super(message);
    this.name = new.target.name;
    /** The MQTT reason code (an MQTT 3.1.1 CONNACK return code in 3.1.1), or null. */
    this.reasonCode = details.reasonCode ?? null;
    /** The rule broken: a normative id (`MQTT-3.3.2-2`), a section (`2.1.2`), or null. */
    this.rule = details.rule ?? null;
  }

  /** What went wrong and what to do about it, in a sentence or two. */
  explain() {
    const hint = HINTS[this.ending] ?? HINTS[`${this.name}:${this.reasonCode}`];
    return hint ? `${this.message}. ${hint}` : this.message;
  }

  /** The connection doctor's diagnosis of a ConnectionError (null for other errors); it
   *  loads the doctor's entry, `mqttscope/doctor`, on first use (doctor.js). */
  diagnose(options) {
    return import("./doctor.js").then((doctor) => doctor.diagnose(this, options));
  }
}

/** The caller asked for something MQTT or this API does not allow; nothing was sent. */
export class UsageError extends MqttError {
  constructor(message, details = {}) {
    super(message, details);
    /** The option or argument at fault (`options.will.qos`), or null. */
    this.field = details.field ?? null;
  }
}

/** The client cannot do it now: not connected (QoS 0), ended, or its queue is full. */
export class StateError extends MqttError {}

/** The connection ended, or could not be made. `ending` says how. */
export class ConnectionError extends MqttError {
  constructor(message, details = {}) {
    super(message, details);
    /**
     * How it ended: "refused" (CONNACK), "server" (DISCONNECT), "protocol" (the server
     * broke a rule), "keepAlive", "connectTimeout", "tooLarge", "handshake" (the
     * WebSocket did not open), "subprotocol" (the server did not speak `mqtt`),
     * "transport" (the socket closed) or "internal".
     */
    this.ending = details.ending ?? "transport";
    /** The WebSocket close code, when the socket closed. */
    this.closeCode = details.closeCode ?? null;
    /** The server's Reason String (MQTT 5), or null. */
    this.reasonString = details.reasonString ?? null;
    /** The server's Server Reference (MQTT 5: another server to use), or null. */
    this.serverReference = details.serverReference ?? null;
    // What the connection doctor reads besides (see index.d.ts): the URL, version and keep
    // alive of the connection, and the ending's details.
    for (const key of DETAILS) this[key] = details[key] ?? null;
  }
}

const DETAILS = [
  "url", "version", "keepAlive", "closeReason", "elapsedMs", "subprotocol", "size", "limit", "reconnecting",
  "detail", "connackCode",
];

/** CONNACK refused the connection; `reasonCode` says why. */
export class ConnectError extends ConnectionError {}

/** The server broke a rule of MQTT (`rule`); the client ended the connection unless
 *  the error came as an "error" event with `fatal` false. */
export class ProtocolError extends ConnectionError {
  constructor(message, details = {}) {
    super(message, details);
    /** Whether the connection ended over it. */
    this.fatal = details.fatal ?? true;
  }
}

/** A QoS 1 or 2 publish was refused (`reasonCode` 0x80 or above), or lost with its
 *  session (`lost`: how far it got). */
export class PublishError extends MqttError {
  constructor(message, details = {}) {
    super(message, details);
    /** null, or "sent" (the server may or may not have it) or "received" (it has it). */
    this.lost = details.lost ?? null;
  }
}

/** SUBACK refused at least one filter; `results` has every filter's outcome (the
 *  granted ones are in force). */
export class SubscribeError extends MqttError {
  constructor(message, details = {}) {
    super(message, details);
    this.results = details.results ?? [];
  }
}

const CLASSES = {
  UsageError, StateError, ConnectionError, ConnectError, ProtocolError, PublishError, SubscribeError,
};

/** The class instance for an error object from the driver (anything else as it is). */
export function typed(e) {
  if (e === null || typeof e !== "object" || !(e.kind in CLASSES)) return e;
  return new CLASSES[e.kind](e.message, e);
}

const HINTS = {
  handshake: "Nothing answered as a WebSocket server at that URL: check the host, the port (the broker's WebSocket listener, not 1883), the path (often /mqtt), and that an https page uses wss://.",
  subprotocol: "The server did not accept the WebSocket subprotocol `mqtt`: the URL is not an MQTT over WebSocket listener.",
  transport: "The socket closed: the broker went away or the network dropped.",
  keepAlive: "The server did not answer within the keep-alive interval.",
  connectTimeout: "The server accepted the socket but sent no CONNACK: is it an MQTT broker, and does it speak this protocol version?",
  tooLarge: "Raise receiveLimit, or clear what is too big (often a retained message).",
  "ConnectError:1": "The broker does not speak this MQTT version: try version 4 (3.1.1).",
  "ConnectError:132": "The broker does not speak this MQTT version: try version 4 (3.1.1).",
  "ConnectError:4": "Check username and password.",
  "ConnectError:134": "Check username and password.",
  "ConnectError:5": "The broker's access control refuses this client.",
  "ConnectError:135": "The broker's access control refuses this client.",
  "ConnectError:2": "The broker refuses this client id: use another, or cleanStart with version 4.",
  "ConnectError:133": "The broker refuses this client id: use another.",
};
