// `mqttscope/compat`: the `mqttscope` client behind MQTT.js's API (connect(), an
// EventEmitter client, callbacks and *Async methods), so that code written for MQTT.js 5
// runs on mqttscope's core by changing its import. See index.d.ts and the README's
// `mqttscope/compat` section for what maps to what and what is not supported.

import { MqttClient, settleFirst } from "./client.js";

export { MqttClient, MqttClient as Client } from "./client.js";
export { Payload } from "./packets.js";
export {
  MqttError, UsageError, StateError, ConnectionError, ConnectError, ProtocolError, PublishError, SubscribeError,
} from "../client/index.js";

/** MQTT.js's connect(url, options) or connect(options): the client at once, connecting. */
export function connect(url, options) {
  return new MqttClient(url, options);
}

/** MQTT.js's connectAsync(): resolves with the client on its first 'connect' (or on 'end'),
 *  rejects on its first 'error' (and ends it), or, with `allowRetries` false, on its first
 *  'close'. */
export function connectAsync(url, options, allowRetries = true) {
  return settleFirst(connect(url, options), allowRetries);
}

/** The default export, as MQTT.js's: `import mqtt from "mqttscope/compat"; mqtt.connect(...)`. */
export default { connect, connectAsync, MqttClient, Client: MqttClient };
