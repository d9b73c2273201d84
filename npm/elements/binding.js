// How an element follows a client: its own "message" listener while it is in the
// document, a topic filter matched here, and subscriptions counted per client and filter
// so that several elements can share one and the last to leave unsubscribes.

import { ConnectionError, StateError } from "../client/errors.js";
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

/** Per client, each filter the elements subscribed to: how many hold it, and its MQTT 5
 *  Subscription Identifier (null without one). */
const holders = new WeakMap();

/**
 * The Subscription Identifiers the elements give their subscriptions count up from here,
 * per client: far above the small numbers a page picks for its own.
 */
const FIRST_ID = 0xe0000;

/** Per client, the next Subscription Identifier. */
const nextIds = new WeakMap();

/**
 * Whether `client`'s subscriptions can carry a Subscription Identifier: MQTT 5, and the
 * server did not say it has none (CONNACK's Subscription Identifiers Available, 3.2.2.3.12).
 */
function identifiable(client) {
  return client.version === 5 && client.connack?.properties?.subscriptionIdentifiersAvailable !== false;
}

/**
 * Subscribes `client` to `filter`; returns the subscription's identifier (or null) and the
 * SUBSCRIBE's promise. Every call sends SUBSCRIBE, even for a filter already held: the
 * broker then sends its retained messages again, which a newly added element needs (an
 * element showing a topic's value must not wait for the next publish).
 *
 * In MQTT 5 each filter gets a Subscription Identifier, which the server puts on every copy
 * of a message it sends for that subscription [MQTT-3.3.4-3]. A server may send one copy
 * per matching subscription (3.3.4; mosquitto does): with `home/#` for a list and
 * `home/temp` for a value on one client, each message to `home/temp` comes twice, and the
 * identifiers let each element take only the copy of its own subscription.
 */
function hold(client, filter, qos) {
  if (!holders.has(client)) holders.set(client, new Map());
  const held = holders.get(client);
  let h = held.get(filter);
  if (!h) {
    const id = identifiable(client) ? (nextIds.get(client) ?? FIRST_ID) : null;
    if (id !== null) nextIds.set(client, id + 1);
    h = { count: 0, id };
    held.set(filter, h);
  }
  h.count += 1;
  const options = h.id === null ? { qos } : { qos, properties: { subscriptionIdentifier: h.id } };
  return { id: h.id, done: client.subscribe(filter, options) };
}

/** Drops one hold on `filter`; the last one unsubscribes, or, while the client
 *  reconnects, has it forget the filter (the client's unsubscribe() does either), so that
 *  it is not subscribed again. */
function release(client, filter) {
  if (unhold(client, filter) && client.state !== "ended") client.unsubscribe(filter).catch(() => {});
}

/** Drops one hold on `filter`; true when it was the last. */
function unhold(client, filter) {
  const held = holders.get(client);
  const h = held?.get(filter);
  if (h && h.count > 1) {
    h.count -= 1;
    return false;
  }
  held?.delete(filter);
  return true;
}

/**
 * Whether message `m` is the copy sent for subscription `id`: any copy when the element's
 * subscription has no identifier (MQTT 3, `no-subscribe`, a server without them), else only
 * the copies that carry it.
 */
function forSubscription(m, id) {
  if (id === null) return true;
  return m.properties?.subscriptionIdentifiers?.includes(id) ?? false;
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
    upgrade(this);
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
      id: null,
      onMessage: (m) => match(m.topic) && forSubscription(m, bound.id) && this.receive(m),
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
    const { id, done } = hold(bound.client, bound.filter, this.qos);
    bound.id = id;
    done.then(() => (bound.tries = 0), (error) => this.#lost(bound, error));
  }

  /** The SUBSCRIBE failed. Lost with its connection (the core subscribes again only to
   *  what a SUBACK granted), or sent as the connection dropped: subscribe on the next
   *  connection, or now if that came already (a few times at most). Refused: `mqtt-error`. */
  #lost(bound, error) {
    const again = (error instanceof ConnectionError || error instanceof StateError) && bound.client.state !== "ended";
    if (!again || this.#bound !== bound) return this.failed(error);
    unhold(bound.client, bound.filter);
    bound.tries = (bound.tries ?? 0) + 1;
    if (bound.tries > 3) return this.failed(error);
    bound.subscribed = false;
    if (bound.client.state === "connected") this.#subscribe(bound);
    else bound.client.on("connect", bound.onConnect);
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
