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

/** Per client, each filter the elements subscribed to: how many hold it, and the MQTT 5
 *  Subscription Identifiers its SUBSCRIBEs carried (empty without them). */
const holders = new WeakMap();

/**
 * The Subscription Identifiers the elements give their subscriptions count up from here,
 * per client: far above the small numbers a page picks for its own. They start here again
 * after the largest a Variable Byte Integer holds (3.3.2.3.8).
 */
const FIRST_ID = 0xe0000;
const LAST_ID = 0xfffffff;

/** How many of a filter's identifiers are remembered: copies still on the way for an
 *  older SUBSCRIBE carry an older one. */
const KEPT_IDS = 16;

/** Per client, the next Subscription Identifier. */
const nextIds = new WeakMap();

/**
 * Whether `client`'s subscriptions can carry a Subscription Identifier: MQTT 5, and the
 * server did not say it has none (CONNACK's Subscription Identifiers Available, 3.2.2.3.12).
 */
function identifiable(client) {
  return client.version === 5 && client.connack?.properties?.subscriptionIdentifiersAvailable !== false;
}

/** The next Subscription Identifier of `client`, or null when it can carry none. */
function nextId(client) {
  if (!identifiable(client)) return null;
  const id = nextIds.get(client) ?? FIRST_ID;
  nextIds.set(client, id >= LAST_ID ? FIRST_ID : id + 1);
  return id;
}

/**
 * Subscribes `client` to `filter`; returns the filter's hold, the SUBSCRIBE's identifier
 * (or null) and its promise. Every call sends SUBSCRIBE, even for a filter already held:
 * the broker then sends its retained messages again, which a newly added element needs (an
 * element showing a topic's value must not wait for the next publish).
 *
 * In MQTT 5 each SUBSCRIBE gets an identifier of its own, which the server puts on every
 * copy of a message it sends for that subscription [MQTT-3.3.4-3]; a SUBSCRIBE to a filter
 * already held replaces the subscription, identifier included. So:
 * - A server may send one copy per matching subscription (3.3.4; mosquitto does): with
 *   `home/#` for a list and `home/temp` for a value on one client, each message to
 *   `home/temp` comes twice, and the identifiers let each element take only the copy of
 *   its own filter.
 * - The retained messages a SUBSCRIBE brings are the only ones with the RETAIN flag (the
 *   elements do not ask for Retain As Published, so the server clears it on what it
 *   forwards [MQTT-3.3.1-12]), and they carry that SUBSCRIBE's identifier: the element
 *   just added takes them, the ones already there do not see them again.
 */
function hold(client, filter, qos) {
  if (!holders.has(client)) holders.set(client, new Map());
  const held = holders.get(client);
  let h = held.get(filter);
  if (!h) {
    h = { count: 0, ids: [] };
    held.set(filter, h);
  }
  h.count += 1;
  const id = nextId(client);
  if (id !== null) h.ids = [...h.ids, id].slice(-KEPT_IDS);
  const options = id === null ? { qos } : { qos, properties: { subscriptionIdentifier: id } };
  return { h, id, done: client.subscribe(filter, options) };
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
 * Whether message `m` is for the element bound by `bound`. Without an identifier (MQTT
 * 3.1.1, `no-subscribe`, a server without them) any copy is. Else the copy must carry one
 * of the filter's identifiers, and a retained message one of the element's own: its
 * SUBSCRIBE's, or those the filter had at a (re)connection, when the client's own
 * resubscribing brings the retained messages to every element again.
 */
function forElement(m, bound) {
  if (bound.id === null) return true;
  const ids = m.properties?.subscriptionIdentifiers ?? [];
  if (m.retain) return ids.some((id) => bound.own.has(id));
  return ids.some((id) => bound.hold.ids.includes(id));
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
      hold: null,
      own: new Set(),
      onMessage: (m) => match(m.topic) && forElement(m, bound) && this.receive(m),
      onConnect: (c) => this.#connected(bound, c),
    };
    this.#bound = bound;
    client.on("message", bound.onMessage);
    if (this.noSubscribe) return;
    // subscribe() before CONNACK would be refused: wait for the connection.
    client.on("connect", bound.onConnect);
    if (client.state === "connected") this.#subscribe(bound);
  }

  /** A connection came: subscribe, or, subscribed already and the session not kept, take
   *  the retained messages the client's resubscribing brings, whichever identifier of the
   *  filter they carry (a kept session resends only what was in flight, for its own
   *  SUBSCRIBE). */
  #connected(bound, { sessionPresent }) {
    if (!bound.subscribed) return this.#subscribe(bound);
    if (bound.id !== null && !sessionPresent) bound.own = new Set([bound.id, ...bound.hold.ids]);
  }

  #subscribe(bound) {
    if (bound.subscribed || this.#bound !== bound) return;
    bound.subscribed = true;
    const { h, id, done } = hold(bound.client, bound.filter, this.qos);
    Object.assign(bound, { hold: h, id, own: new Set(id === null ? [] : [id]) });
    done.then(() => (bound.tries = 0), (error) => this.#lost(bound, error));
  }

  /** The SUBSCRIBE failed. Lost with its connection (the core subscribes again only to
   *  what a SUBACK granted), or sent as the connection dropped: subscribe on the next
   *  connection, or now if that came already (a few times at most). Refused: `mqtt-error`.
   *  Given up: `mqtt-error`, and no more tries on later connections either, until the
   *  element is bound again: a broker that drops the connection at a SUBSCRIBE it forbids
   *  (AWS IoT does) would otherwise be made to reconnect for ever. */
  #lost(bound, error) {
    const again = (error instanceof ConnectionError || error instanceof StateError) && bound.client.state !== "ended";
    if (!again || this.#bound !== bound) return this.failed(error);
    unhold(bound.client, bound.filter);
    // Not held any more: detaching must not give the hold back a second time.
    bound.subscribed = false;
    bound.tries = (bound.tries ?? 0) + 1;
    if (bound.tries > 3) {
      bound.client.off("connect", bound.onConnect);
      return this.failed(error);
    }
    if (bound.client.state === "connected") this.#subscribe(bound);
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
