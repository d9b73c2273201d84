// A scripted hostile MQTT peer over WebSocket, for what a real broker will not do: it
// answers CONNECT, then misbehaves in the way the client id names.
//
//   "dup-ack"      a PUBACK twice for every QoS 1 PUBLISH (the second is stray)
//   "suback-long"  a SUBACK with one reason code more than the SUBSCRIBE had filters
//   "poison"       (MQTT 3.1.1) a retained PUBLISH of POISON_SIZE bytes after every SUBACK,
//                  as a broker holding an oversize retained message does
//   "huge-topics"  (MQTT 5) HUGE_TOPICS PUBLISHes after the SUBACK, each on a new topic of
//                  62 levels of 1,000 bytes
//   "keeper"       never acknowledges a PUBLISH, and says it kept the session (Session
//                  Present 1) to a CONNECT without Clean Start; the first byte of every
//                  PUBLISH it gets is kept in `publishes`
//   "burst"        after the SUBACK, BURST QoS 1 PUBLISHes (packet ids 1 to BURST), each in
//                  a WebSocket message of its own, all at once; `burst` keeps the packet
//                  ids of the PUBACKs that came back, in order, and how many WebSocket
//                  messages carried them
//   "laggard"      (MQTT 5) sets a Server Keep Alive of LAG_KEEP_ALIVE seconds; to the first
//                  PINGREQ it answers LAG_MESSAGES PUBLISHes of LAG_SIZE bytes on lag/<n>
//                  and only then the PINGRESP, calling `onLaggardPing` first (a test makes
//                  the page busy there, so that the PINGRESP waits behind the backlog)
//
// A client may put several packets in one WebSocket message, or one packet over several:
// the peer cuts what it receives into packets (`packetsOf`).
// Every connection's CONNECT count is kept per client id, so a test can tell whether the
// client reconnected. Binds 127.0.0.1 only.

import { WebSocketServer } from "ws";

export const POISON_SIZE = 2 * 1024 * 1024;
export const HUGE_TOPICS = 40;
export const BURST = 200;
export const LAG_KEEP_ALIVE = 2;
export const LAG_MESSAGES = 24;
export const LAG_SIZE = 1024 * 1024;

/** A Remaining Length as a Variable Byte Integer. */
export function varint(n) {
  const out = [];
  do {
    let b = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) b |= 0x80;
    out.push(b);
  } while (n > 0);
  return out;
}

export function packet(first, body) {
  return Buffer.concat([Buffer.from([first, ...varint(body.length)]), body]);
}

export function str(s) {
  const b = Buffer.from(s, "utf8");
  return Buffer.concat([Buffer.from([b.length >> 8, b.length & 0xff]), b]);
}

/**
 * A WebSocket "message" listener for a scripted peer: it cuts the byte stream into MQTT
 * packets and hands each, whole, to `onPacket`. A client may put several packets in one
 * WebSocket message (ours sends what one task produced together) or one packet over
 * several (MQTT.js may).
 */
export function packetsOf(onPacket) {
  let held = Buffer.alloc(0);
  return (data) => {
    held = Buffer.concat([held, Buffer.from(data)]);
    for (;;) {
      let [length, at, whole] = [0, 1, false];
      for (let shift = 0; at < held.length && !whole; shift += 7) {
        length += (held[at] & 0x7f) << shift;
        whole = !(held[at++] & 0x80);
      }
      if (!whole || held.length < at + length) return;
      const p = held.subarray(0, at + length);
      held = held.subarray(at + length);
      onPacket(p);
    }
  };
}

/** The client id and protocol level of a CONNECT. */
function readConnect(p) {
  let i = 1;
  while (p[i] & 0x80) i++;
  i++;
  const nameLen = (p[i] << 8) | p[i + 1];
  i += 2 + nameLen;
  const level = p[i];
  const clean = (p[i + 1] & 0x02) !== 0;
  i += 4; // level, flags, keep alive
  if (level === 5) {
    let len = 0, mul = 1, b;
    do {
      b = p[i++];
      len += (b & 0x7f) * mul;
      mul *= 128;
    } while (b & 0x80);
    i += len;
  }
  const idLen = (p[i] << 8) | p[i + 1];
  return { level, clean, id: p.subarray(i + 2, i + 2 + idLen).toString("utf8") };
}

/** Where the body of a packet starts (after its first byte and Remaining Length). */
function bodyStart(p) {
  let i = 1;
  while (p[i] & 0x80) i++;
  return i + 1;
}

export class HostilePeer {
  constructor() {
    this.connects = new Map();
    /** The latest WebSocket of each client id (the app bench floods through it). */
    this.sockets = new Map();
    /** The first byte of each PUBLISH "keeper" got, in order. */
    this.publishes = [];
    /** What "burst" sent back: the PUBACKs' packet ids, and its WebSocket messages. */
    this.burst = { acks: [], messages: 0 };
    /** Called at "laggard"'s first PINGREQ, before its answer. */
    this.onLaggardPing = null;
    this.laggardPings = 0;
  }

  async start() {
    this.wss = new WebSocketServer({ host: "127.0.0.1", port: 0, handleProtocols: () => "mqtt" });
    await new Promise((r) => this.wss.once("listening", r));
    this.port = this.wss.address().port;
    this.wss.on("connection", (ws) => this.serve(ws));
  }

  url() {
    return `ws://127.0.0.1:${this.port}`;
  }

  stop() {
    for (const c of this.wss.clients) c.terminate();
    return new Promise((r) => this.wss.close(r));
  }

  serve(ws) {
    let session = null;
    const split = packetsOf((p) => {
      const type = p[0] >> 4;
      if (type === 1) {
        session = readConnect(p);
        this.connects.set(session.id, (this.connects.get(session.id) ?? 0) + 1);
        this.sockets.set(session.id, ws);
        const present = session.id === "keeper" && !session.clean ? 1 : 0;
        if (session.id === "laggard") {
          // Properties: Server Keep Alive (0x13).
          ws.send(Buffer.from([0x20, 0x06, 0, 0, 0x03, 0x13, 0x00, LAG_KEEP_ALIVE]));
        } else {
          ws.send(session.level === 5 ? Buffer.from([0x20, 0x03, present, 0, 0]) : Buffer.from([0x20, 0x02, present, 0]));
        }
      } else if (session) {
        this.misbehave(ws, session, type, p);
      }
    });
    ws.on("message", (data) => {
      if (session?.id === "burst") this.burst.messages += 1;
      split(data);
    });
  }

  misbehave(ws, session, type, p) {
    const at = bodyStart(p);
    const v5 = session.level === 5;
    if (session.id === "keeper") {
      if (type === 3) this.publishes.push(p[0]);
      else if (type === 12) ws.send(Buffer.from([0xd0, 0x00]));
      return;
    }
    if (session.id === "laggard" && type === 12 && this.laggardPings++ === 0) {
      this.onLaggardPing?.();
      for (let i = 0; i < LAG_MESSAGES; i++) {
        const head = Buffer.concat([str(`lag/${i}`), Buffer.from([0])]);
        ws.send(packet(0x30, Buffer.concat([head, Buffer.alloc(LAG_SIZE - head.length - 4, i)])));
      }
      ws.send(Buffer.from([0xd0, 0x00]));
      return;
    }
    if (session.id === "burst" && type === 4) {
      this.burst.acks.push((p[at] << 8) | p[at + 1]);
      return;
    }
    if (type === 3 && (p[0] & 0x06) === 0x02 && session.id === "dup-ack") {
      const topicLen = (p[at] << 8) | p[at + 1];
      const id = p.subarray(at + 2 + topicLen, at + 4 + topicLen);
      const ack = Buffer.concat([Buffer.from([0x40, 0x02]), id]);
      ws.send(ack);
      ws.send(ack);
    } else if (type === 8) {
      const id = p.subarray(at, at + 2);
      // The filters: after the id (and the properties in 5.0), each a string + options.
      let i = at + 2;
      if (v5) i += 1 + p[i];
      let filters = 0;
      while (i < p.length) {
        i += 2 + ((p[i] << 8) | p[i + 1]) + 1;
        filters++;
      }
      const codes = session.id === "suback-long" ? filters + 1 : filters;
      const body = Buffer.concat([id, Buffer.from(v5 ? [0] : []), Buffer.alloc(codes, 0)]);
      ws.send(packet(0x90, body));
      if (session.id === "huge-topics") {
        for (let i = 0; i < HUGE_TOPICS; i++) {
          const topic = Array.from({ length: 62 }, (_, n) => `${i}-${n}-`.padEnd(1000, "t")).join("/");
          ws.send(packet(0x30, Buffer.concat([str(topic), Buffer.from([0]), Buffer.from(`{"i":${i}}`)])));
        }
      }
      if (session.id === "burst") {
        for (let i = 1; i <= BURST; i++) {
          const props = v5 ? Buffer.from([0]) : Buffer.alloc(0);
          ws.send(packet(0x32, Buffer.concat([str("b/burst"), Buffer.from([i >> 8, i & 0xff]), props, Buffer.from(`m${i}`)])));
        }
      }
      if (session.id === "poison") {
        const topic = str("home/poison");
        ws.send(packet(0x31, Buffer.concat([topic, Buffer.alloc(POISON_SIZE - topic.length - 4, 0x55)])));
      }
    } else if (type === 12) {
      ws.send(Buffer.from([0xd0, 0x00]));
    }
  }
}
