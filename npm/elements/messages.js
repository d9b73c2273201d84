// <mqtt-messages>: the live list of a client's messages on a topic filter, newest first,
// keeping at most `max` of them and drawing only the rows in view.

import { BoundElement, matcher } from "./binding.js";
import { BOX, clock, el, intAttr, preview, setAttr, shadow } from "./shared.js";
import { LIST_CSS, Windowed } from "./windowed.js";

const CSS = `
:host { height: 320px; }
.row {
  display: grid; grid-template-columns: 7.4em minmax(6em, 22%) 2.6em minmax(0, 1fr);
  gap: 0.75em; padding: 0 0.6em;
}
.time, .qos { color: var(--_muted); font-family: var(--_mono); }
.topic { color: var(--_accent); }
.payload { font-family: var(--_mono); }
`;

/** A new row: time, topic, QoS and retain, payload. */
function makeRow() {
  const row = el("div", { class: "row", part: "row" });
  for (const name of ["time", "topic", "qos", "payload"]) row.append(el("span", { class: `cell ${name}`, part: name }));
  return row;
}

/** Writes `item` ({ time, message }) into `row`; only text, never markup. */
function fillRow(row, item) {
  const m = item.message;
  item.text ??= preview(m.payload);
  const [time, topic, qos, payload] = row.children;
  time.textContent = clock(item.time);
  topic.textContent = m.topic;
  topic.title = m.topic;
  qos.textContent = `Q${m.qos}${m.retain ? " R" : ""}`;
  qos.title = `QoS ${m.qos}${m.retain ? ", retained" : ""}`;
  payload.textContent = item.text;
  payload.title = `${m.payload.length} bytes`;
}

/** Drops the oldest items of `list` beyond `max`; returns how many. */
function trim(list, max) {
  const excess = list.length - max;
  if (excess > 0) list.splice(0, excess);
  return Math.max(0, excess);
}

/**
 * `<mqtt-messages>`: see index.d.ts. Attributes `filter` (default `#`), `max` (1000),
 * `paused`, `qos`, `no-subscribe`; property `client`.
 */
export class MqttMessages extends BoundElement {
  static get observedAttributes() {
    return ["filter", "max", "paused", ...super.observedAttributes];
  }
  static bindingAttributes = ["filter", "qos", "no-subscribe"];

  /** Shown, oldest first: { time, message, text }. */
  #items = [];
  /** Arrived since the last frame. */
  #incoming = [];
  /** Arrived while paused. */
  #held = [];
  #dropped = 0;
  #list;
  #status;
  #pause;

  constructor() {
    super();
    const root = shadow(this, BOX + LIST_CSS + CSS);
    this.#list = new Windowed({
      make: makeRow,
      fill: (row, i) => fillRow(row, this.#items[this.#items.length - 1 - i]),
      before: () => this.#take(),
    });
    this.#pause = el("button", { type: "button", part: "pause", "aria-pressed": "false" }, "Pause");
    this.#pause.addEventListener("click", () => (this.paused = !this.paused));
    const clear = el("button", { type: "button", part: "clear" }, "Clear");
    clear.addEventListener("click", () => this.clear());
    this.#status = el("span", { class: "status", part: "status" });
    const bar = el("div", { class: "bar", part: "toolbar" });
    bar.append(this.#pause, clear, this.#status);
    root.append(bar, this.#list.viewport);
  }

  /** The topic filter (`+`, `#`); `#` when absent. */
  get filter() {
    return this.getAttribute("filter") || "#";
  }
  set filter(filter) {
    setAttr(this, "filter", filter);
  }

  /** How many messages are kept (attribute `max`, default 1000); older ones are dropped. */
  get max() {
    return Math.max(1, intAttr(this, "max", 1000));
  }
  set max(max) {
    setAttr(this, "max", max);
  }

  /** True while paused: what arrives is held (up to `max`) and shown on resume. */
  get paused() {
    return this.hasAttribute("paused");
  }
  set paused(on) {
    this.toggleAttribute("paused", Boolean(on));
  }

  /** The messages shown, newest first. */
  get messages() {
    this.#take();
    return this.#items.map((item) => item.message).reverse();
  }

  /** How many messages were dropped for `max` since the last `clear()`. */
  get dropped() {
    return this.#dropped;
  }

  /** Empties the list (and what is held while paused). */
  clear() {
    this.#items = [];
    this.#incoming = [];
    this.#held = [];
    this.#dropped = 0;
    this.#update();
  }

  filterText() {
    return this.filter;
  }

  connectedCallback() {
    super.connectedCallback();
    this.#list.start();
    this.#update();
  }

  disconnectedCallback() {
    super.disconnectedCallback();
    this.#list.stop();
  }

  receive(message) {
    const item = { time: Date.now(), message };
    const queue = this.paused ? this.#held : this.#incoming;
    queue.push(item);
    // No frame comes in a background tab: keep what waits bounded all the same.
    if (queue.length >= 2 * this.max) this.#dropped += trim(queue, this.max);
    if (this.paused) this.#status.textContent = this.#describe();
    else this.#list.refresh();
  }

  /** The filter changed: what no longer matches goes. */
  rebound() {
    const match = matcher(this.filter);
    const keep = (item) => match(item.message.topic);
    this.#items = this.#items.filter(keep);
    this.#incoming = this.#incoming.filter(keep);
    this.#held = this.#held.filter(keep);
    this.#update();
  }

  changed(name) {
    if (name === "paused" && !this.paused) {
      this.#incoming.push(...this.#held);
      this.#held = [];
    }
    this.#update();
  }

  /** Moves what arrived into the list, dropping the oldest beyond `max`. */
  #take() {
    const added = this.#incoming.length;
    if (added) {
      for (const item of this.#incoming) this.#items.push(item);
      this.#incoming = [];
      this.#list.shift(Math.min(added, this.max));
    }
    this.#dropped += trim(this.#items, this.max) + trim(this.#held, this.max);
    this.#list.count = this.#items.length;
    this.#status.textContent = this.#describe();
  }

  #update() {
    this.#pause.textContent = this.paused ? "Resume" : "Pause";
    this.#pause.setAttribute("aria-pressed", String(this.paused));
    this.#list.refresh();
  }

  #describe() {
    const parts = [`${this.#items.length} messages on ${this.filter}`];
    if (this.#dropped) parts.push(`${this.#dropped} older dropped`);
    if (this.paused) parts.push(`paused, ${this.#held.length} waiting`);
    return parts.join(" · ");
  }
}
