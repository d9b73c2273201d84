// MqttClient: MQTT.js's client object (events, callbacks, the *Async methods) over the
// `mqttscope` client, which does the MQTT. What this module adds is MQTT.js's behaviour
// around it: calls made while offline wait in a queue (as MQTT.js queues them), a first
// connection that fails is tried again every reconnectPeriod (the client entry gives up on
// a first connection; MQTT.js does not), and end() waits for what is in flight.

import { Client, ConnectError, ProtocolError, PublishError, StateError, SubscribeError, UsageError } from "../client/index.js";
import { brokerUrl, clientOptions, refuse, withDefaults, withPairs } from "./options.js";
import { Emitter, later } from "./emitter.js";
import { connack, mqttjsProperties, packetObject, payload } from "./packets.js";

/** The promise of connectAsync() over `client`, made by connect(). Unless `allowRetries`,
 *  the first 'close' rejects it, as MQTT.js's, with "Couldn't connect to server". */
export function settleFirst(client, allowRetries = true) {
  return new Promise((resolve, reject) => {
    const listeners = {
      connect: () => done(resolve, client),
      end: () => done(resolve, client),
      error: (e) => {
        done(reject, e);
        client.end();
      },
    };
    if (allowRetries === false) listeners.close = () => listeners.error(new StateError("Couldn't connect to server"));
    const done = (settle, value) => {
      for (const [event, fn] of Object.entries(listeners)) client.off(event, fn);
      settle(value);
    };
    for (const [event, fn] of Object.entries(listeners)) client.on(event, fn);
  });
}

const noop = () => {};

/** Sets `code` where MQTT.js sets it: CONNACK's, PUBACK's or SUBACK's reason code. */
function coded(e) {
  if ((e instanceof ConnectError || e instanceof PublishError || e instanceof SubscribeError) && e.reasonCode !== null) {
    e.code = e.reasonCode;
  }
  return e;
}

/** How a connection ended that MQTT.js reports as an 'error' (a socket that closed or did not
 *  open is not one: MQTT.js in a browser only closes; a server's DISCONNECT is 'disconnect'). */
const ERROR_ENDINGS = new Set(["refused", "protocol", "keepAlive", "connectTimeout", "tooLarge", "internal"]);

/** An MQTT.js MqttClient over the `mqttscope` client. Made by connect(). */
export class MqttClient extends Emitter {
  /** `url` (ws:// or wss://) and MQTT.js's options; throws a UsageError for options that
   *  cannot be honoured. Connects at once unless `manualConnect`. */
  constructor(url, options = {}) {
    super();
    if (typeof url === "object" && url !== null && !(url instanceof URL)) [url, options] = [undefined, url];
    this.options = withDefaults(options);
    const target = brokerUrl(url, this.options);
    this.options.username ??= target.username;
    this.options.password ??= target.password;
    if (target.clientId) this.options.clientId = target.clientId;
    // After the URL's and options.query's client id, as MQTT.js reads them.
    if (this.options.clean === false && !options.clientId && !target.clientId) {
      throw refuse("clientId", "a client id is needed with clean: false");
    }
    this.url = target.href;
    this.core = clientOptions(this.options);
    this.connected = false;
    this.reconnecting = false;
    this.disconnecting = false;
    this.disconnected = false;
    /** Calls made while not connected, run on the next 'connect'. */
    this.queue = [];
    /** Calls handed to the client and not yet answered (end() waits for them). */
    this.pending = new Set();
    this.inner = null;
    if (!this.options.manualConnect) this.connect();
  }

  /** The `mqttscope` client for one connection (index.node.js makes node's). */
  createInner(url, options) {
    return new Client(url, options);
  }

  /** A payload as MQTT.js gives it (index.node.js makes a Buffer). */
  wrap(bytes) {
    return payload(bytes);
  }

  /** Connects (the constructor does, unless manualConnect); returns the client. While an
   *  end() is under way it connects once that is over; a connection still up is ended
   *  first, so that two never run at once. */
  connect() {
    if (this.disconnecting && !this.disconnected) return this.once("end", () => this.connect());
    if (this.disconnected) {
      // Connecting again after end(), as MQTT.js allows.
      this.disconnecting = false;
      this.disconnected = false;
    }
    clearTimeout(this.timer);
    this.hopeless = null;
    const old = this.inner;
    if (old && old.state !== "ended") old.end();
    const url = this.options.transformWsUrl ? this.options.transformWsUrl(this.url, this.options, this) : this.url;
    const inner = this.createInner(url, this.core);
    this.inner = inner;
    this.up = false;
    this.connected = false;
    // Each event is handled in a microtask, as the results of calls are: callbacks then run in
    // the order their packets came (SUBACK's callback before the retained message after it),
    // as MQTT.js, which handles each packet at once, runs them. Only the current connection
    // is heard: one replaced by connect() says nothing more.
    const on = (event, fn) => inner.on(event, (v) => queueMicrotask(() => inner === this.inner && fn(v)));
    on("connect", (c) => this.onConnect(c));
    on("message", (m) => this.onMessage(m));
    this.packetListener = (p) => queueMicrotask(() => inner === this.inner && this.onPacket(p));
    this.packetsHeard = false;
    this.listenersChanged();
    on("close", (c) => this.onClose(c));
    on("reconnect", () => this.emit("reconnect"));
    // Only what is not a connection's end (those come with 'close'): a rule the broker broke
    // without ending the connection.
    on("error", (e) => e instanceof ProtocolError && !e.fatal && this.emit("error", e));
    inner.connect().then(noop, (e) => this.firstFailed(inner, e));
    return this;
  }

  onConnect(c) {
    this.up = true;
    this.connected = true;
    this.reconnecting = false;
    for (const { run } of this.queue.splice(0)) run();
    const packet = connack(this.core.version, c, (b) => this.wrap(b));
    packet.length = c.length;
    this.emit("connect", packet);
  }

  onMessage(m) {
    const packet = { cmd: "publish", retain: m.retain, qos: m.qos, dup: m.dup, length: m.length, topic: m.topic, payload: this.wrap(m.payload) };
    if (m.qos > 0) packet.messageId = m.packetId;
    const properties = mqttjsProperties(m.properties, (b) => this.wrap(b));
    if (properties) packet.properties = properties;
    this.emit("message", m.topic, packet.payload, packet);
  }

  onPacket(p) {
    const packet = packetObject(p, this.core.version, (b) => this.wrap(b));
    this.emit(p.direction === "sent" ? "packetsend" : "packetreceive", packet);
  }

  /** Hears the client's packets only while 'packetsend' or 'packetreceive' has a listener:
   *  each packet's bytes cross from the client's worker, which a dashboard that does not
   *  look at packets should not pay for. Called by the Emitter on every change. */
  listenersChanged() {
    const want = this.listenerCount("packetsend") + this.listenerCount("packetreceive") > 0;
    if (!this.inner || want === this.packetsHeard) return;
    this.packetsHeard = want;
    if (want) this.inner.on("packet", this.packetListener);
    else this.inner.off("packet", this.packetListener);
  }

  onClose({ error, reconnecting }) {
    const wasConnected = this.connected;
    this.connected = false;
    if (error) this.report(error);
    // Lost while end() waits for answers: none can come now (MQTT.js stops reconnecting
    // at end() too); what waited fails, and end() goes on. The close that end() brings to
    // a connection already down was said when it went down.
    if (this.disconnecting) {
      if (reconnecting) this.inner.end();
      if (wasConnected) this.emit("close");
      return;
    }
    // The client gave up (a reconnection refused, a session taken over): MQTT.js tries
    // again after every close.
    if (!reconnecting) return this.retryLater();
    // MQTT.js goes offline from a 'close' listener of its own, added before any of the user's.
    this.offline();
    this.emit("close");
  }

  /** Says what ended a connection as MQTT.js does: 'error' or 'disconnect', or nothing. */
  report(error) {
    if (error.ending === "server") {
      const properties = mqttjsProperties({ reasonString: error.reasonString ?? undefined, serverReference: error.serverReference ?? undefined });
      const packet = { cmd: "disconnect", reasonCode: error.reasonCode ?? 0 };
      if (Object.values(properties ?? {}).some((v) => v !== undefined)) packet.properties = properties;
      this.emit("disconnect", packet);
    } else if (ERROR_ENDINGS.has(error.ending) || !("ending" in error)) {
      this.emit("error", coded(error));
    }
  }

  offline() {
    if (this.reconnecting || this.disconnecting) return;
    this.reconnecting = true;
    this.emit("offline");
  }

  /** The first connection of `inner` failed: MQTT.js tries again every reconnectPeriod. */
  firstFailed(inner, e) {
    if (inner !== this.inner || this.disconnecting) return;
    this.report(e);
    // Options the core refused, a wasm module, worker or driver that did not load: trying
    // again cannot help. What waits fails with the reason, and so does every call until
    // connect() or reconnect().
    if (e instanceof UsageError || e instanceof StateError || e.ending === "internal") {
      this.inner = null;
      this.hopeless = e;
      for (const { fail } of this.queue.splice(0)) soon(fail, e);
      this.emit("close");
      return;
    }
    this.retryLater();
  }

  /** The connection is over and its client will not reconnect: unless reconnectPeriod is
   *  0, a new one is made after it (with transformWsUrl asked again), and what waits runs
   *  there. Emits 'close'. */
  retryLater() {
    this.inner = null;
    if (this.options.reconnectPeriod === 0) return this.emit("close");
    this.offline();
    // Armed before 'close', whose listener may call end(), which disarms it.
    this.timer = setTimeout(() => {
      if (this.disconnecting) return;
      this.emit("reconnect");
      // A 'reconnect' listener may have called end().
      if (!this.disconnecting) this.connect();
    }, this.options.reconnectPeriod);
    this.emit("close");
  }

  /** Runs `call` now if connected, else on the next 'connect' (MQTT.js queues what is
   *  sent offline); after end() it calls `fail` with MQTT.js's error instead. */
  whenConnected(call, fail, qos) {
    if (this.disconnecting) return this.disconnectingError(fail);
    if (this.hopeless) return soon(fail, this.hopeless);
    if (this.connected) return call();
    if (qos === 0 && !this.options.queueQoSZero) return soon(fail, new StateError("No connection to broker"));
    this.queue.push({ run: call, fail });
  }

  /** Whether a call that failed with `e` on connection `inner` waits for the next one
   *  instead: that connection ended before the answer (its client gave up, or connect()
   *  replaced it) while this client goes on, and MQTT.js sends again what it had in flight. */
  requeued(e, inner, run, fail, qos) {
    if (!(e instanceof StateError) || inner === this.inner || this.disconnecting) return false;
    this.whenConnected(run, fail, qos);
    return true;
  }

  /** After end(): the callback hears it, or else 'error' does (as MQTT.js's _checkDisconnecting). */
  disconnectingError(fail) {
    const e = new StateError("client disconnecting");
    if (fail.user) soon(fail, e);
    else this.emit("error", e);
  }

  /** A call refused before anything was sent: the callback hears why, or else 'error' does
   *  (a refused option is never dropped silently, even without a callback). */
  refused(cb, e) {
    soon(() => (cb.user ? cb(e) : this.emit("error", e)));
    return this;
  }

  /** `promise` (a call of the inner client) counted as in flight until it settles. */
  track(promise) {
    this.pending.add(promise);
    const done = () => this.pending.delete(promise);
    promise.then(done, done);
    return promise;
  }

  /**
   * publish(topic, message, [options], [callback(err, packet)]): `message` is text or bytes;
   * options { qos, retain, properties } (MQTT 5 properties in MQTT.js's names). The callback
   * gets null and, for QoS 1 and 2, the PUBLISH packet once PUBACK or PUBCOMP came; or the
   * error (a PublishError with `code`, the broker's reason code, when it refused).
   */
  publish(topic, message, opts, callback) {
    if (typeof opts === "function") [opts, callback] = [undefined, opts];
    const cb = userCallback(callback);
    const o = opts ?? {};
    const bad = Object.keys(o).find((k) => !["qos", "retain", "dup", "properties", "cbStorePut"].includes(k));
    const refused = bad ? refuse(bad, "no such publish option") : o.dup === true ? refuse("dup", "a first send is never a duplicate; the core sets DUP when it sends again")
      : o.cbStorePut ? refuse("cbStorePut", "there is no outgoing store: the callback says when the broker has the message") : null;
    if (refused) return this.refused(cb, refused);
    const qos = o.qos ?? 0;
    const options = { qos, retain: o.retain ?? false };
    if (this.core.version === 5 && o.properties) options.properties = withPairs(o.properties);
    const run = () => {
      const inner = this.inner;
      this.track(inner.publish(topic, message, options)).then(
        () => later(cb, this, qos === 0 ? [] : [null, sentPacket(topic, message, options, this.core.version === 5 && o)]),
        (e) => this.requeued(e, inner, run, cb, qos) || later(cb, this, [coded(e)]),
      );
    };
    this.whenConnected(run, cb, qos);
    return this;
  }

  /** publish() as a promise: the packet (QoS 1 and 2) or undefined (QoS 0). */
  publishAsync(topic, message, opts) {
    return promised((cb) => this.publish(topic, message, opts, cb));
  }

  /**
   * subscribe(topic | topic[] | { topic: options }, [options], [callback(err, granted)]):
   * options { qos, nl, rap, rh, properties }; `granted` is [{ topic, qos }] with the QoS the
   * broker granted, or its failure code (128 in 3.1.1, the reason code in 5) for a filter it
   * refused, in which case `err` is a SubscribeError with `code` too.
   */
  subscribe(topics, opts, callback) {
    if (typeof opts === "function") [opts, callback] = [undefined, opts];
    const cb = userCallback(callback);
    let subs;
    try {
      subs = subscriptions(topics, opts ?? {}, this.core.version);
    } catch (e) {
      return this.refused(cb, e);
    }
    if (subs.length === 0) return soon(cb, null, []), this;
    const v5 = this.core.version === 5;
    const list = subs.map((s) => (v5 ? { filter: s.topic, qos: s.qos, noLocal: s.nl, retainAsPublished: s.rap, retainHandling: s.rh } : { filter: s.topic, qos: s.qos }));
    const properties = v5 && opts?.properties ? withPairs(opts.properties) : undefined;
    const granted = (results) => subs.map((s, i) => ({ ...s, qos: results[i].reasonCode }));
    const run = () => {
      const inner = this.inner;
      this.track(inner.subscribe(list, properties ? { properties } : {})).then(
        (results) => later(cb, this, [null, granted(results)]),
        (e) => this.requeued(e, inner, run, cb) || later(cb, this, e instanceof SubscribeError ? [coded(e), granted(e.results)] : [e]),
      );
    };
    this.whenConnected(run, cb);
    return this;
  }

  /** subscribe() as a promise of `granted`; rejects when any filter was refused. */
  subscribeAsync(topics, opts) {
    return promised((cb) => this.subscribe(topics, opts, cb));
  }

  /** unsubscribe(topic | topic[], [options], [callback(err, packet)]): the packet is UNSUBACK's
   *  (`granted`: its reason codes, in MQTT 5). UNSUBSCRIBE properties are not supported. */
  unsubscribe(topics, opts, callback) {
    if (typeof opts === "function") [opts, callback] = [undefined, opts];
    const cb = userCallback(callback);
    if (opts?.properties) return this.refused(cb, refuse("properties", "UNSUBSCRIBE properties are not supported"));
    const list = typeof topics === "string" ? [topics] : topics;
    const run = () => {
      const inner = this.inner;
      this.track(inner.unsubscribe(list)).then(
        (codes) => later(cb, this, [null, this.core.version === 5 ? { cmd: "unsuback", granted: codes } : { cmd: "unsuback" }]),
        (e) => this.requeued(e, inner, run, cb) || later(cb, this, [e]),
      );
    };
    this.whenConnected(run, cb);
    return this;
  }

  /** unsubscribe() as a promise of the UNSUBACK packet. */
  unsubscribeAsync(topics, opts) {
    return promised((cb) => this.unsubscribe(topics, opts, cb));
  }

  /**
   * end([force], [options], [callback]): sends DISCONNECT and closes, then emits 'end' and calls
   * back. Unless `force`, it first waits for the answers to what is in flight (as MQTT.js).
   * DISCONNECT options (a reason code, properties) are not supported.
   */
  end(force, opts, callback) {
    // MQTT.js's reading of the arguments: end(cb), end(force, cb), end(opts, cb), end(force, opts, cb).
    if (typeof force !== "boolean") [force, opts, callback] = [false, force, callback ?? opts];
    if (typeof opts !== "object" || opts === null) [opts, callback] = [undefined, callback ?? opts];
    if (opts && Object.keys(opts).length) throw refuse("end", "DISCONNECT options (reason code, properties) are not supported");
    const cb = typeof callback === "function" ? callback : noop;
    if (this.disconnecting) return soon(cb), this;
    this.disconnecting = true;
    clearTimeout(this.timer);
    for (const { fail } of this.queue.splice(0)) soon(fail, new StateError("client disconnecting"));
    // Offline, no answer can come: what is in flight fails as the connection ends.
    const waiting = force || !this.connected ? [] : [...this.pending];
    const inner = this.inner;
    Promise.allSettled(waiting).then(() => this.finish(inner, cb));
    return this;
  }

  /** end() as a promise. */
  endAsync(force, opts) {
    return promised((cb) => this.end(force, opts, cb));
  }

  /** Ends `inner`, the connection end() was called on, then emits 'end' and calls back. */
  async finish(inner, cb) {
    if (inner && inner.state !== "ended") {
      await inner.end();
      // A connection never accepted has no 'close' from the client; MQTT.js's socket closes.
      if (!this.up) this.emit("close");
    }
    this.inner = null;
    this.connected = false;
    this.disconnected = true;
    if (this.options.reconnectPeriod === 0) this.disconnecting = false;
    this.emit("end");
    later(cb, this, []);
  }

  /** Connects again now, as MQTT.js's reconnect(): connected, it ends the connection
   *  (waiting for what is in flight, emitting 'end') and connects; offline or after end(),
   *  it connects at once; while end() is under way, once that is over. */
  reconnect() {
    clearTimeout(this.timer);
    const again = () => {
      this.disconnecting = false;
      this.disconnected = false;
      this.emit("reconnect");
      if (this.disconnecting) return; // a 'reconnect' listener called end()
      if (this.connected) this.end(() => this.connect());
      else this.connect();
    };
    if (this.disconnecting && !this.disconnected) this.once("end", again);
    else again();
    return this;
  }
}

/** What MQTT.js has and this client does not: each throws a UsageError saying so. */
for (const [name, why] of Object.entries({
  removeOutgoingMessage: "the core keeps its in-flight messages; they cannot be removed",
  getLastMessageId: "the core allocates packet identifiers and does not report them",
  handleMessage: "there is no per-message backpressure hook: the client's flow control holds what the page has not handled",
  handleAuth: "MQTT 5 enhanced authentication is not supported here",
  sendPing: "the core sends PINGREQ on its keep-alive timer",
  reschedulePing: "the core sends PINGREQ on its keep-alive timer",
})) {
  MqttClient.prototype[name] = () => {
    throw new UsageError(`${name}(): not supported by mqttscope/compat: ${why}`, { field: name });
  };
}

/** What MQTT.js calls back a QoS 1 or 2 publish with: the PUBLISH it sent (without its packet
 *  identifier, which the core does not report). */
function sentPacket(topic, payload, { qos, retain }, v5) {
  const packet = { cmd: "publish", topic, payload, qos, retain, dup: false };
  if (v5) packet.properties = v5.properties;
  return packet;
}

/** The user's callback, marked so that errors go to it rather than to 'error'. */
function userCallback(fn) {
  if (typeof fn !== "function") return noop;
  const cb = (...args) => fn(...args);
  cb.user = true;
  return cb;
}

/** Calls `fn(...args)` in a later task, as MQTT.js calls back errors found before sending. */
function soon(fn, ...args) {
  setTimeout(() => fn(...args));
}

/** A promise of what `start(callback)` calls back: rejected with `err`, else resolved with
 *  the second argument. */
function promised(start) {
  return new Promise((resolve, reject) => start((err, value) => (err ? reject(err) : resolve(value))));
}

/** MQTT.js's list of subscriptions from subscribe()'s arguments: [{ topic, qos }], with
 *  nl, rap and rh in MQTT 5 (MQTT.js drops them before). */
function subscriptions(topics, opts, version) {
  let entries;
  if (typeof topics === "string") entries = [[topics, opts]];
  else if (Array.isArray(topics)) entries = topics.map((t) => [t, opts]);
  else if (topics && typeof topics === "object") entries = Object.entries(topics).filter(([t]) => t !== "resubscribe");
  else throw new UsageError("topic: expected a string, an array or an object of topics", { field: "topic" });
  return entries.map(([topic, o]) => {
    const each = typeof o === "number" ? { qos: o } : o ?? {};
    const s = { topic, qos: each.qos ?? opts.qos ?? 0 };
    if (version === 5) Object.assign(s, { nl: each.nl ?? false, rap: each.rap ?? false, rh: each.rh ?? 0 });
    return s;
  });
}
