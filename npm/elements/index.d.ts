/**
 * `mqttscope/elements`: web components for MQTT, over the `mqttscope` client and the
 * `mqttscope/dissect` dissector. Plain custom elements with shadow DOM: no framework, no
 * wasm of their own. Importing the module defines the five elements (unless their tags
 * are defined already) and exports their classes:
 *
 * - `<mqtt-packet>` ({@link MqttPacket}): a packet's hex view beside its field tree;
 *   pointing at a field lights its bytes and the other way round; a malformed packet
 *   shows its failing byte and the rule it breaks. For documentation and teaching.
 * - `<mqtt-messages>` ({@link MqttMessages}): the live messages of a client on a topic
 *   filter, newest first, with pause.
 * - `<mqtt-topic-tree>` ({@link MqttTopicTree}): the topics seen, level by level, with
 *   message counts and last values.
 * - `<mqtt-value>` ({@link MqttValue}): the latest value of a topic, or of a JSON path in
 *   it, for dashboards.
 * - `<mqtt-scope>` ({@link MqttScope}): the whole mqttscope app in a frame, preset by
 *   attributes to a broker and its subscriptions.
 *
 * The three bound elements take a {@link Client} in their `client` property. They never
 * connect, end or close it. While in the document, each listens to the client's messages
 * and subscribes to its filter (once connected; in MQTT 5 with a Subscription Identifier,
 * so that it takes only its own copy of a message that overlapping subscriptions make the
 * broker send twice); removed from the document, it stops
 * listening and, when it was the last of the page's elements on that filter, unsubscribes.
 * Adding it again starts over. Only `<mqtt-packet>` loads the dissector (and its wasm
 * module), with a dynamic import, when it first has bytes to show: a dashboard of
 * `<mqtt-value>`s never downloads it.
 *
 * Topics and payloads are always written as text (`textContent`), never parsed as HTML.
 *
 * **Styling.** Every element reads these CSS custom properties (set them on the element
 * or any ancestor); the defaults follow `prefers-color-scheme`:
 *
 * | property | what |
 * | --- | --- |
 * | `--mqtt-font` | the font family (system-ui) |
 * | `--mqtt-mono-font` | the font of hex, payloads, times and counts (ui-monospace) |
 * | `--mqtt-fg` | the text colour |
 * | `--mqtt-bg` | the background |
 * | `--mqtt-muted` | secondary text: times, counts, offsets, sections, placeholders |
 * | `--mqtt-accent` | topics, bit fields, the focus ring |
 * | `--mqtt-border` | borders and row rules |
 * | `--mqtt-highlight` | the background of lit bytes and fields (`<mqtt-packet>`) |
 * | `--mqtt-error` | malformed bytes and error text |
 *
 * Each element's main pieces carry a `part` attribute, for `::part()`, listed with each
 * class. The boxed elements default to a 13px font and 320px height (set `height` on the
 * element to change it; the lists scroll inside).
 *
 * **Frameworks.** Pass the client as a property and strings as attributes: React 19
 * `<mqtt-value client={client} topic="t" />` (React 18: set `ref.current.client`), Vue
 * `<mqtt-value :client.prop="client" topic="t" />`, Svelte `<mqtt-value {client} topic="t" />`.
 *
 * @example
 * ```html
 * <mqtt-value id="t" topic="home/livingroom/temperature" path="celsius" digits="1" unit="°C"></mqtt-value>
 * <mqtt-messages id="m" filter="home/#"></mqtt-messages>
 * <script type="module">
 *   import "mqttscope/elements";
 *   import { connect } from "mqttscope";
 *   const client = await connect("ws://127.0.0.1:9001");
 *   for (const el of document.querySelectorAll("#t, #m")) el.client = client;
 * </script>
 * ```
 * @module
 */

import type { Client, Message, MqttError } from "../client/index.js";
import type { Dissection, MqttError as DissectError } from "../dissect/index.js";

/** The options of a listener, as `addEventListener` takes them. */
type ListenerOptions = boolean | AddEventListenerOptions;

/** The events of the elements bound to a client. */
export interface BoundElementEventMap extends HTMLElementEventMap {
  /** SUBSCRIBE was refused (a `SubscribeError`), the filter is not one (a `UsageError`),
   *  or its connection dropped at it four times (a `ConnectionError`; the element then
   *  stops subscribing until it is bound again). */
  "mqtt-error": CustomEvent<MqttError>;
}

/**
 * What the bound elements share: a client, the QoS they subscribe with, and whether they
 * subscribe at all.
 *
 * Attributes: `qos`, `no-subscribe`.
 */
declare abstract class BoundElement extends HTMLElement {
  /** The client whose messages the element shows, or null. Setting it detaches from the
   *  previous client (and unsubscribes, if last on the filter) and attaches to this one. */
  client: Client | null;
  /** The highest QoS to receive at, for the element's subscription (attribute `qos`, 0 to
   *  2; 2 when absent, so that messages keep the QoS they were published with). */
  qos: 0 | 1 | 2;
  /**
   * True (attribute `no-subscribe`): the element does not subscribe, and only shows what
   * the client receives for its own subscriptions. Without it, the element subscribes to
   * its filter once the client is connected, every time it is added to the document (so
   * that the broker sends the retained messages again), and the last of the page's
   * elements on a filter to leave unsubscribes from it: use `no-subscribe` when the page
   * subscribes to the very same filter itself and must keep that subscription.
   */
  noSubscribe: boolean;
}

/** The events of {@link MqttMessages} and {@link MqttTopicTree}. */
export type MqttListEventMap = BoundElementEventMap;

/**
 * `<mqtt-messages>`: a client's messages on a topic filter as they arrive, newest first:
 * time, topic, QoS (`Q1`) and retain (`R`), and the payload as text, or in hex when it is
 * not UTF-8 text. It keeps the newest `max` messages (dropping the oldest) and draws only
 * the rows in view, so thousands of messages a second cost what a screenful does. While
 * scrolled down, new messages do not move the rows in view. The Pause button (or the
 * `paused` attribute) holds what arrives, up to `max`, until resumed; Clear empties it.
 *
 * Attributes: `filter`, `max`, `paused`, `qos`, `no-subscribe`.
 *
 * Parts: `toolbar`, `pause`, `clear`, `status`, `list` (the scrolling box), `row`, and the
 * cells of a row `time`, `topic`, `qos`, `payload`.
 *
 * Events: `mqtt-error`.
 */
export class MqttMessages extends BoundElement {
  /** A topic filter with `+` and `#` (attribute `filter`; `#` when absent). Messages on
   *  other topics are not shown; changing it drops those shown that no longer match. */
  filter: string;
  /** How many messages are kept (attribute `max`, default 1000); older ones are dropped. */
  max: number;
  /** True while paused (attribute `paused`). Resuming shows what was held. */
  paused: boolean;
  /** The messages kept, newest first. */
  readonly messages: Message[];
  /** How many messages were dropped for `max` (since the last {@link clear}). */
  readonly dropped: number;
  /** Empties the list, and what is held while paused. */
  clear(): void;
  addEventListener<K extends keyof MqttListEventMap>(type: K, listener: (this: MqttMessages, ev: MqttListEventMap[K]) => unknown, options?: ListenerOptions): void;
  addEventListener(type: string, listener: EventListenerOrEventListenerObject, options?: ListenerOptions): void;
  removeEventListener<K extends keyof MqttListEventMap>(type: K, listener: (this: MqttMessages, ev: MqttListEventMap[K]) => unknown, options?: boolean | EventListenerOptions): void;
  removeEventListener(type: string, listener: EventListenerOrEventListenerObject, options?: boolean | EventListenerOptions): void;
}

/**
 * `<mqtt-topic-tree>`: the topics a client receives on a filter, one level per row, each
 * with the number of messages to it and below, an `R` when its last message was
 * retained, and its last payload (text, or hex). A node with children opens and closes
 * on a click. Only the rows in view are in the DOM, and the tree keeps at most
 * `maxTopics` nodes: messages to topics that would need more are counted, not added.
 *
 * Attributes: `filter`, `expand`, `max-topics`, `qos`, `no-subscribe`.
 *
 * Parts: `toolbar`, `clear`, `status`, `list`, `row`, and in a row `toggle`, `name`,
 * `count`, `retained`, `value`.
 *
 * Events: `mqtt-error`.
 */
export class MqttTopicTree extends BoundElement {
  /** A topic filter with `+` and `#` (attribute `filter`; `#` when absent). Changing it
   *  starts the tree afresh (the new subscription brings the retained messages again). */
  filter: string;
  /** How many levels are open (attribute `expand`, default 2: a topic `a/b/c` shows its
   *  three levels). New nodes follow it; changing it opens or closes every node. */
  expand: number;
  /** The most nodes kept (attribute `max-topics`, default 10,000). */
  maxTopics: number;
  /** How many nodes the tree has. */
  readonly topics: number;
  /** Empties the tree. */
  clear(): void;
  addEventListener<K extends keyof MqttListEventMap>(type: K, listener: (this: MqttTopicTree, ev: MqttListEventMap[K]) => unknown, options?: ListenerOptions): void;
  addEventListener(type: string, listener: EventListenerOrEventListenerObject, options?: ListenerOptions): void;
  removeEventListener<K extends keyof MqttListEventMap>(type: K, listener: (this: MqttTopicTree, ev: MqttListEventMap[K]) => unknown, options?: boolean | EventListenerOptions): void;
  removeEventListener(type: string, listener: EventListenerOrEventListenerObject, options?: boolean | EventListenerOptions): void;
}

/** The events of {@link MqttValue}. */
export interface MqttValueEventMap extends BoundElementEventMap {
  /** A message came; `value` is what the element now shows (undefined: nothing at `path`). */
  "mqtt-change": CustomEvent<{ value: unknown; message: Message }>;
}

/**
 * `<mqtt-value>`: the latest value of a topic, inline in text, for dashboards. Without
 * `path` it is the payload as text; with one, the payload is read as JSON and the value
 * at the path is shown (objects and arrays as JSON). Until a message comes it shows the
 * placeholder; a retained message counts (the element subscribes when added, so the
 * broker sends it). A message without a value at `path`, or not JSON, shows the
 * placeholder too, and `state` is `"missing"`.
 *
 * Attributes: `topic`, `path`, `digits`, `unit`, `placeholder`, `qos`, `no-subscribe`.
 *
 * Parts: `value` (with `waiting`, `ok` or `missing` as a second part name, so
 * `mqtt-value::part(missing)` styles that state), `unit`.
 *
 * Events: `mqtt-change`, `mqtt-error`.
 */
export class MqttValue extends BoundElement {
  /** The topic (attribute `topic`). A filter works too: the latest message on any matching topic. */
  topic: string;
  /** A path in the JSON payload (attribute `path`): names joined by dots, indexes in
   *  brackets, names with dots quoted: `temp`, `a.b[2]`, `["x.y"].z`. Null: the payload as text. */
  path: string | null;
  /** Decimals for a number, or text that is one (attribute `digits`, 0 to 20); null: as it comes. */
  digits: number | null;
  /** Text shown after the value, in its own part (attribute `unit`, e.g. `°C`). */
  unit: string;
  /** Shown while there is no value (attribute `placeholder`; default `–`). */
  placeholder: string;
  /** The value shown, as read (a JSON value, or the payload's text); undefined before one. */
  readonly value: unknown;
  /** The message the value comes from, or null. */
  readonly message: Message | null;
  /** `"waiting"` for a first message, `"ok"`, or `"missing"` (nothing at `path`, not JSON, or an empty payload). */
  readonly state: "waiting" | "ok" | "missing";
  addEventListener<K extends keyof MqttValueEventMap>(type: K, listener: (this: MqttValue, ev: MqttValueEventMap[K]) => unknown, options?: ListenerOptions): void;
  addEventListener(type: string, listener: EventListenerOrEventListenerObject, options?: ListenerOptions): void;
  removeEventListener<K extends keyof MqttValueEventMap>(type: K, listener: (this: MqttValue, ev: MqttValueEventMap[K]) => unknown, options?: boolean | EventListenerOptions): void;
  removeEventListener(type: string, listener: EventListenerOrEventListenerObject, options?: boolean | EventListenerOptions): void;
}

/** The events of {@link MqttPacket}. */
export interface MqttPacketEventMap extends HTMLElementEventMap {
  /** The bytes were dissected and drawn (a malformed packet too: see `detail.error`). */
  "mqtt-dissected": CustomEvent<Dissection>;
  /** The input is not usable (not hex, not bytes, an unknown version: a `UsageError`), or
   *  the dissector did not load. The element shows the message. */
  "mqtt-error": CustomEvent<DissectError>;
}

/**
 * `<mqtt-packet>`: the bytes of one MQTT packet in a hex view (offset, 16 bytes and their
 * characters per line) beside its field tree (bytes, field name, value, section of the
 * MQTT 5.0 specification), from `mqttscope/dissect`. Pointing at (hovering, or focusing
 * with the keyboard) a field lights its bytes; pointing at a byte lights every field it
 * belongs to and the bytes of the smallest of them. A malformed packet is dissected up
 * to the offending byte: a box names the byte and the rule it breaks (`MQTT-3.3.1-4`),
 * the byte is marked (a `··` cell when the packet ends early), and a last row of the
 * tree stands for the error. The hex view draws at most 4096 bytes.
 *
 * The dissector is imported the first time an element in the document has bytes.
 *
 * Attributes: `hex`, `version`.
 *
 * Parts: `hex`, `offset`, `byte` (also `error-byte` for the failing one, `lit` while
 * lit), `ascii`, `char`, `tree`, `field` (also `lit`; the error's row `error-field`),
 * `error`, `rule`, `empty`.
 *
 * Events: `mqtt-dissected`, `mqtt-error`.
 */
export class MqttPacket extends HTMLElement {
  /** The packet as hex text (attribute `hex`): `"30 05 00 01 61 68 69"`, `"0x30,0x05"`,
   *  `"3005"`. Setting it replaces `bytes`. */
  hex: string | null;
  /** The packet's bytes; when set (not null) they are shown rather than `hex`. An array of
   *  byte values, an ArrayBuffer or a view work too. */
  bytes: Uint8Array | ArrayBuffer | ArrayBufferView | readonly number[] | null;
  /** The protocol version the packet is read in (attribute `version`): `"5"` (the
   *  default), `"4"` or `"3.1.1"`, `"3"` or `"3.1"`, `"5.0"`. A CONNECT is read in the
   *  version it names. */
  version: string;
  /** What the dissector found for the bytes shown, or null (nothing yet, or unusable input). */
  readonly dissection: Dissection | null;
  addEventListener<K extends keyof MqttPacketEventMap>(type: K, listener: (this: MqttPacket, ev: MqttPacketEventMap[K]) => unknown, options?: ListenerOptions): void;
  addEventListener(type: string, listener: EventListenerOrEventListenerObject, options?: ListenerOptions): void;
  removeEventListener<K extends keyof MqttPacketEventMap>(type: K, listener: (this: MqttPacket, ev: MqttPacketEventMap[K]) => unknown, options?: boolean | EventListenerOptions): void;
  removeEventListener(type: string, listener: EventListenerOrEventListenerObject, options?: boolean | EventListenerOptions): void;
}

/**
 * `<mqtt-scope>`: the whole mqttscope app (connections, subscriptions, publish, messages,
 * topic tree, packet inspector, hex pad, connection doctor) in a frame, connected at once
 * to the broker the attributes name and subscribed to their filters. The app is the
 * package's `app/` folder (`src` points elsewhere, say where a bundler copied it): it keeps
 * its styles, workers and wasm modules apart from the page, and nothing of it loads until
 * the element is in the document. The preset travels in the frame's address fragment
 * (`#embed=`), which a browser never sends to a server; the embedded app saves nothing in
 * the origin's storage. Changing an attribute loads the app again; removing the element
 * ends it and its connection.
 *
 * Attributes: `url` (the broker's WebSocket address; nothing shows without it), `version`
 * (`5` the default, `4` or `3.1.1`, `3` or `3.1`), `subscribe` (filters separated by
 * commas or spaces, each with an optional `@qos`: `home/#@1, alerts/+`), `name`,
 * `client-id`, `username`, `password` (prefer the property, which keeps it out of the
 * page's markup), `keep-alive` (seconds), `src`.
 *
 * Styling: `--mqtt-scope-height` (640px), `--mqtt-border`; part `frame` (the iframe).
 *
 * With a bundler, copy `node_modules/mqttscope/app/` to the site and set `src` to its
 * `index.html`: bundlers do not follow a frame's address.
 */
export class MqttScope extends HTMLElement {
  /** The broker's WebSocket address (attribute `url`). */
  url: string | null;
  /** The password the app connects with; never written to an attribute. */
  password: string | undefined;
}

/** Every element's class by its tag, as the module defines them. */
export const TAGS: Readonly<{
  "mqtt-packet": typeof MqttPacket;
  "mqtt-messages": typeof MqttMessages;
  "mqtt-topic-tree": typeof MqttTopicTree;
  "mqtt-value": typeof MqttValue;
  "mqtt-scope": typeof MqttScope;
}>;

declare global {
  interface HTMLElementTagNameMap {
    "mqtt-packet": MqttPacket;
    "mqtt-messages": MqttMessages;
    "mqtt-topic-tree": MqttTopicTree;
    "mqtt-value": MqttValue;
    "mqtt-scope": MqttScope;
  }
}
