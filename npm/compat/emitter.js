// A small EventEmitter with node's method names, as MQTT.js's client is one (a browser
// has no node "events" module, and MQTT.js's bundle carries a copy of it).

import { UsageError } from "../client/index.js";

/** A small EventEmitter with node's method names (MQTT.js's client is one). */
export class Emitter {
  #events = new Map();

  /** Adds `fn` for `event`. */
  on(event, fn) {
    if (typeof fn !== "function") throw new UsageError("listener: expected a function", { field: "listener" });
    if (!this.#events.has(event)) this.#events.set(event, []);
    this.#events.get(event).push(fn);
    this.listenersChanged(event);
    return this;
  }

  /** Adds `fn` for the next `event` only. */
  once(event, fn) {
    const once = (...args) => {
      this.off(event, once);
      fn.apply(this, args);
    };
    once.listener = fn;
    return this.on(event, once);
  }

  /** Removes `fn` (the last one added, as node does). */
  off(event, fn) {
    const list = this.#events.get(event) ?? [];
    const i = list.findLastIndex((f) => f === fn || f.listener === fn);
    if (i >= 0) list.splice(i, 1);
    this.listenersChanged(event);
    return this;
  }

  /** Removes every listener of `event`, or of every event. */
  removeAllListeners(event) {
    if (event === undefined) this.#events.clear();
    else this.#events.delete(event);
    this.listenersChanged(event);
    return this;
  }

  /** Called after listeners of `event` (undefined: of every event) were added or removed;
   *  a subclass that hears something only while it has listeners overrides it. */
  listenersChanged() {}

  /** The listeners of `event`. */
  listeners(event) {
    return (this.#events.get(event) ?? []).map((f) => f.listener ?? f);
  }

  listenerCount(event) {
    return this.#events.get(event)?.length ?? 0;
  }

  /** Node warns past a number of listeners; there is nothing here to warn. */
  setMaxListeners() {
    return this;
  }

  /** Calls each listener; one that throws does not stop the others (it is rethrown in a task of
   *  its own, so it still reaches the console). An 'error' nobody listens to is dropped, as
   *  MQTT.js's connect() adds a listener that drops it. */
  emit(event, ...args) {
    const list = [...(this.#events.get(event) ?? [])];
    for (const fn of list) later(fn, this, args);
    return list.length > 0;
  }
}
Emitter.prototype.addListener = Emitter.prototype.on;
Emitter.prototype.removeListener = Emitter.prototype.off;

/** Calls `fn`; what it throws is thrown again in a task of its own. */
export function later(fn, self, args) {
  try {
    fn.apply(self, args);
  } catch (e) {
    setTimeout(() => {
      throw e;
    });
  }
}

