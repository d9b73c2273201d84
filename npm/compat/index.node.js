// `mqttscope/compat` in node: the client runs on the main thread with the wasm module read
// from the package (the `mqttscope` entry's node loader), payloads are node Buffers as in
// MQTT.js, and the WebSocket is options.WebSocket, else node's own (22 and later), else the
// `ws` package's when the application has it installed (MQTT.js depends on `ws`; we do not).

import { Client } from "../client/index.node.js";
import { MqttClient as Base, settleFirst } from "./client.js";

export * from "./index.js";

/** MqttClient with node's client, Buffer payloads and a WebSocket found as above. */
export class MqttClient extends Base {
  createInner(url, options) {
    return new NodeClient(url, options);
  }

  wrap(bytes) {
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
}

/** node's client, with the WebSocket constructor looked up when it connects. */
class NodeClient extends Client {
  constructor(url, options) {
    const { WebSocket, ...rest } = options;
    super(url, rest);
    this.socketClass = WebSocket;
  }

  async connect() {
    const WebSocket = this.socketClass ?? globalThis.WebSocket ?? (await import("ws").then((m) => m.WebSocket, () => undefined));
    if (WebSocket) this.options = { ...this.options, WebSocket };
    return super.connect();
  }
}

export { MqttClient as Client };

/** connect(), as the browser entry's, with node's client. */
export function connect(url, options) {
  return new MqttClient(url, options);
}

/** connectAsync(), as the browser entry's, with node's client. */
export function connectAsync(url, options, allowRetries = true) {
  return settleFirst(connect(url, options), allowRetries);
}

export default { connect, connectAsync, MqttClient, Client: MqttClient };
