// WebSockets to the sandbox broker (sandbox:// URLs), over one port of its worker
// (npm/sandbox/sandbox-hub.js speaks on it): what the driver uses of a WebSocket and no
// more, so that a sandbox connection takes the driver's WebSocket path, failures and all.
// The worker's flow control counts what it posted and this end has not acknowledged; the
// acknowledgement goes as soon as the driver has the data, whose own flow control (held
// bytes, closed with 4000 past 64 MiB) is then the one in force, as with a real WebSocket.

/** A WebSocket class whose sockets all speak on `port`. */
export function sandboxSockets(port) {
  const sockets = new Map();
  let next = 1;
  /** Why the sandbox worker could not start (null: it may yet). */
  let failure = null;
  port.onmessage = (e) => {
    const [id, what, a, b] = e.data;
    if (id === "failed") {
      // Every socket closes as a WebSocket that never opened does, with the reason; so
      // does every socket made later.
      failure = what;
      for (const s of [...sockets.values()]) s.closed(1006, what);
      return;
    }
    const socket = sockets.get(id);
    if (what === "open") socket?.opened(a);
    else if (what === "data") socket?.received(a);
    else if (what === "close") socket?.closed(a, b);
  };

  return class SandboxSocket {
    constructor(url, protocols) {
      this.id = next++;
      this.protocol = "";
      this.binaryType = "arraybuffer";
      this.onopen = this.onmessage = this.onclose = this.onerror = null;
      sockets.set(this.id, this);
      if (failure) setTimeout(() => this.closed(1006, failure));
      else port.postMessage(["open", this.id, String(url), protocols]);
    }

    /** Sends `bytes` (a Uint8Array), transferring its buffer when it is the whole of one. */
    send(bytes) {
      if (!sockets.has(this.id)) return;
      const whole = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
      const buffer = whole ? bytes.buffer : bytes.slice().buffer;
      port.postMessage(["send", this.id, buffer], [buffer]);
    }

    close() {
      if (sockets.delete(this.id)) port.postMessage(["close", this.id]);
    }

    opened(protocol) {
      this.protocol = protocol;
      this.onopen?.();
    }

    received(buffers) {
      let bytes = 0;
      for (const data of buffers) {
        bytes += data.byteLength;
        this.onmessage?.({ data });
      }
      port.postMessage(["ack", this.id, bytes]);
    }

    closed(code, reason) {
      if (!sockets.delete(this.id)) return;
      this.onclose?.({ code, reason });
    }
  };
}
