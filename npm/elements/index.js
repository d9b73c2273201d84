// `mqttscope/elements`: web components over the `mqttscope` client and the
// `mqttscope/dissect` dissector, in plain JavaScript. Importing this module defines
// <mqtt-packet>, <mqtt-messages>, <mqtt-topic-tree>, <mqtt-value> and <mqtt-scope> (unless a tag is
// defined already, say by a second copy of the package) and exports their classes.
// See index.d.ts for the elements' attributes, properties, events and styling.

import { MqttMessages } from "./messages.js";
import { MqttPacket } from "./packet.js";
import { MqttScope } from "./scope.js";
import { MqttTopicTree } from "./topic-tree.js";
import { MqttValue } from "./value.js";

export { MqttMessages, MqttPacket, MqttScope, MqttTopicTree, MqttValue };

/** Every element by its tag. */
export const TAGS = Object.freeze({
  "mqtt-packet": MqttPacket,
  "mqtt-messages": MqttMessages,
  "mqtt-topic-tree": MqttTopicTree,
  "mqtt-value": MqttValue,
  "mqtt-scope": MqttScope,
});

// Where there is no custom element registry (node, server rendering), importing only
// gives the classes.
if (globalThis.customElements) {
  for (const [tag, element] of Object.entries(TAGS)) {
    if (!customElements.get(tag)) customElements.define(tag, element);
  }
}
