// The floor of `cargo xtask bench embed`: the least an MQTT 3.1.1 client over a browser
// WebSocket has to do, with nothing else (no keep-alive: it connects with keep-alive 0; no
// reconnect, no QoS 2, no session, no checks beyond framing). CONNECT, SUBSCRIBE, PUBLISH at
// QoS 0 and 1 (packet ids counted up, PUBACKs counted), and received packets framed
// incrementally across WebSocket messages; each received QoS 1 PUBLISH is acknowledged, the
// PUBACKs of one WebSocket message sent together.

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** A packet: the fixed header's first byte, the remaining length, the body. */
function frame(first, body) {
  const len = [];
  let n = body.length;
  do {
    len.push((n & 0x7f) | (n > 0x7f ? 0x80 : 0));
    n >>>= 7;
  } while (n > 0);
  const out = new Uint8Array(1 + len.length + body.length);
  out[0] = first;
  out.set(len, 1);
  out.set(body, 1 + len.length);
  return out;
}

/** A UTF-8 string with its two-byte length. */
function str(s) {
  const b = encoder.encode(s);
  const out = new Uint8Array(2 + b.length);
  out[0] = b.length >> 8;
  out[1] = b.length & 0xff;
  out.set(b, 2);
  return out;
}

const concat = (...parts) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) out.set(p, at), (at += p.length);
  return out;
};

export class Floor {
  /** Connects (MQTT 3.1.1, clean session, keep-alive 0) and resolves on CONNACK 0. */
  static connect(url, clientId) {
    const c = new Floor();
    c.ws = new WebSocket(url, ["mqtt"]);
    c.ws.binaryType = "arraybuffer";
    c.rest = null;
    c.nextId = 1;
    c.onmessage = null;
    c.onpuback = null;
    c.waiting = null;
    c.ws.onmessage = (e) => c.receive(new Uint8Array(e.data));
    return new Promise((resolve, reject) => {
      c.ws.onerror = () => reject(new Error("floor: the WebSocket failed"));
      c.waiting = (type, body) => (type === 2 && body[1] === 0 ? resolve(c) : reject(new Error(`floor: CONNACK ${body[1]}`)));
      c.ws.onopen = () => {
        const head = concat(str("MQTT"), Uint8Array.of(4, 0x02, 0, 0));
        c.ws.send(frame(0x10, concat(head, str(clientId))));
      };
    });
  }

  /** Subscribes to one filter; resolves with the granted QoS. */
  subscribe(filter, qos) {
    const id = this.nextId++;
    this.ws.send(frame(0x82, concat(Uint8Array.of(id >> 8, id & 0xff), str(filter), Uint8Array.of(qos))));
    return new Promise((resolve, reject) => {
      this.waiting = (type, body) => (type === 9 && body[2] < 0x80 ? resolve(body[2]) : reject(new Error("floor: SUBACK refused")));
    });
  }

  /** Sends a PUBLISH; at QoS 1 its PUBACK calls `onpuback`. */
  publish(topic, payload, qos) {
    const t = str(topic);
    const body = new Uint8Array(t.length + (qos ? 2 : 0) + payload.length);
    body.set(t, 0);
    let at = t.length;
    if (qos) {
      const id = this.nextId;
      this.nextId = id === 0xffff ? 1 : id + 1;
      body[at++] = id >> 8;
      body[at++] = id & 0xff;
    }
    body.set(payload, at);
    this.ws.send(frame(0x30 | (qos << 1), body));
  }

  /** Publishes `n` messages of `payload`; resolves once they are done: at QoS 0 once sent,
   *  at QoS 1 once every PUBACK came (through `onpuback`). */
  publishAll(topic, payload, n, qos) {
    if (qos === 0) {
      for (let i = 0; i < n; i++) this.publish(topic, payload, 0);
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      let left = n;
      this.onpuback = () => --left === 0 && resolve();
      for (let i = 0; i < n; i++) this.publish(topic, payload, 1);
    });
  }

  /** Frames the packets in `bytes` (with what was left of the previous message). */
  receive(bytes) {
    let buf = this.rest ? concat(this.rest, bytes) : bytes;
    let at = 0;
    let acks = null;
    while (buf.length - at >= 2) {
      let len = 0;
      let i = at + 1;
      let end = -1;
      for (let shift = 0; i < buf.length && i < at + 5; i++, shift += 7) {
        len |= (buf[i] & 0x7f) << shift;
        if (!(buf[i] & 0x80)) {
          end = i;
          break;
        }
      }
      if (end < 0 && i === at + 5) throw new Error("floor: a remaining length of more than 4 bytes");
      if (end < 0) break; // the length is not complete yet
      const start = end + 1;
      if (buf.length - start < len) break;
      const ack = this.packet(buf[at], buf.subarray(start, start + len));
      if (ack) (acks ??= []).push(ack);
      at = start + len;
    }
    this.rest = at < buf.length ? buf.slice(at) : null;
    if (acks) this.ws.send(acks.length === 1 ? acks[0] : concat(...acks));
  }

  /** One packet; returns the PUBACK to send for a QoS 1 PUBLISH. */
  packet(first, body) {
    const type = first >> 4;
    if (type === 3) {
      const qos = (first >> 1) & 3;
      const tlen = (body[0] << 8) | body[1];
      const topic = decoder.decode(body.subarray(2, 2 + tlen));
      const at = 2 + tlen + (qos ? 2 : 0);
      this.onmessage?.(topic, body.subarray(at), qos);
      return qos === 1 ? Uint8Array.of(0x40, 2, body[2 + tlen], body[3 + tlen]) : null;
    }
    if (type === 4) {
      this.onpuback?.();
      return null;
    }
    const waiting = this.waiting;
    this.waiting = null;
    waiting?.(type, body);
    return null;
  }

  /** DISCONNECT, then close. */
  end() {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(Uint8Array.of(0xe0, 0));
    this.ws.close();
  }
}
