// How an element follows a client: its own "message" listener while it is in the
// document, a topic filter matched here, and subscriptions counted per client and filter
// so that several elements can share one and the last to leave unsubscribes.

import { Base, intAttr, setAttr, upgrade } from "./shared.js";

/**
 * A test of topic names against `filter` (`+` one level, `#` the rest, `$share/group/`
 * ignored). Wildcards at the first level do not match topics starting with `$`
 * [MQTT-4.7.2-1].
 */
export function matcher(filter) {
  const levels = (filter.startsWith("$share/") ? filter.split("/").slice(2).join("/") : filter).split("/");
  const wildFirst = levels[0] === "#" || levels[0] === "+";
  return (topic) => {
    if (wildFirst && topic.startsWith("$")) return false;
    const t = topic.split("/");
    for (let i = 0; i < levels.length; i++) {
      if (levels[i] === "#") return true;
      if (i >= t.length || (levels[i] !== "+" && levels[i] !== t[i])) return false;
    }
    return levels.length === t.length;
  };
}

/** Per client, how many attached elements subscribed to each filter. */
const holders = new WeakMap();

/**
 * Subscribes `client` to `filter`. Every call sends SUBSCRIBE, even for a filter already
 * held: the broker then sends its retained messages again, which a newly added element
 * needs (an element showing a topic's value must not wait for the next publish).
 */
function hold(client, filter, qos) {
  if (!holders.has(client)) holders.set(client, new Map());
  const counts = holders.get(client);
  counts.set(filter, (counts.get(filter) ?? 0) + 1);
  return client.subscribe(filter, { qos });
}

/** Drops one hold on `filter`; the last one unsubscribes (when the client is connected). */
function release(client, filter) {
  const counts = holders.get(client);
  const left = (counts?.get(filter) ?? 1) - 1;
  if (left > 0) return counts.set(filter, left);
  counts?.delete(filter);
  if (client.state === "connected") client.unsubscribe(filter).catch(() => {});
}

/**
 * The base of the elements bound to a client. Subclasses name their filter
 * (`filterText()`), take the matching messages (`receive(message)`), and hear of a new
 * filter (`rebound()`). Attributes: `qos`, `no-subscribe`.
 */
export class BoundElement extends Base {
  #client = null;
  #bound = null;
  /** The filter when last (re)bound: `rebound()` is for a new filter, not a new QoS. */
  #filter = null;

  static get observedAttributes() {
    return ["qos", "no-subscribe"];
  }

  /** The client whose messages the element shows; it is never connected, ended or closed here. */
  get client() {
    return this.#client;
  }
  set client(client) {
    if (client === this.#client) return;
    this.#detach();
    this.#client = client ?? null;
    this.#attach();
  }

  /** The QoS the element subscribes with (attribute `qos`, 0 to 2; 2 when absent). */
  get qos() {
    return Math.min(2, Math.max(0, intAttr(this, "qos", 2)));
  }
  set qos(qos) {
    setAttr(this, "qos", qos);
  }

  /** True: the element does not subscribe; it shows what the client receives anyway. */
  get noSubscribe() {
    return this.hasAttribute("no-subscribe");
  }
  set noSubscribe(on) {
    this.toggleAttribute("no-subscribe", Boolean(on));
  }

  connectedCallback() {
    upgrade(this, "client");
    this.#attach();
  }

  disconnectedCallback() {
    this.#detach();
  }

  attributeChangedCallback(name, old, value) {
    if (old === value) return;
    if (this.constructor.bindingAttributes.includes(name)) this.rebind();
    else this.changed?.(name);
  }

  /** The attributes whose change means another subscription. */
  static bindingAttributes = ["qos", "no-subscribe"];

  /** Detaches and attaches again: the filter or the subscription's options changed. */
  rebind() {
    this.#detach();
    const filter = this.filterText();
    if (filter !== this.#filter) {
      this.#filter = filter;
      this.rebound?.();
    }
    this.#attach();
  }

  #attach() {
    const client = this.#client;
    const filter = this.filterText();
    if (!client || !this.isConnected || !filter || this.#bound) return;
    const match = matcher(filter);
    const bound = {
      client,
      filter,
      subscribed: false,
      onMessage: (m) => match(m.topic) && this.receive(m),
      onConnect: () => this.#subscribe(bound),
    };
    this.#bound = bound;
    client.on("message", bound.onMessage);
    if (this.noSubscribe) return;
    // subscribe() before CONNACK would be refused: wait for the connection.
    if (client.state === "connected") this.#subscribe(bound);
    else client.on("connect", bound.onConnect);
  }

  #subscribe(bound) {
    if (bound.subscribed || this.#bound !== bound) return;
    bound.subscribed = true;
    bound.client.off("connect", bound.onConnect);
    hold(bound.client, bound.filter, this.qos).catch((error) => this.failed(error));
  }

  #detach() {
    const bound = this.#bound;
    if (!bound) return;
    this.#bound = null;
    bound.client.off("message", bound.onMessage);
    bound.client.off("connect", bound.onConnect);
    // Moving an element in the document detaches and attaches it in one script:
    // unsubscribing once that script has run lets the new attachment's hold keep the
    // subscription.
    if (bound.subscribed) queueMicrotask(() => release(bound.client, bound.filter));
  }

  /** Reports a refused subscription: the `mqtt-error` event, detail the error. */
  failed(error) {
    this.dispatchEvent(new CustomEvent("mqtt-error", { detail: error }));
  }
}
