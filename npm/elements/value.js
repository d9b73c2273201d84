// <mqtt-value>: the latest value of a topic, or of a JSON path in its payload, formatted
// for a dashboard; a placeholder until a value comes.

import { BoundElement } from "./binding.js";
import { parsePath, valueAt } from "./json-path.js";
import { el, intAttr, setAttr, shadow } from "./shared.js";

// The value takes the surrounding text's font unless --mqtt-font is set: var() of an
// undefined property makes the declaration invalid, and font-family then inherits.
const CSS = `
:host { display: inline; font-family: inherit; }
.value, .unit { font-family: var(--mqtt-font); }
.unit { margin-left: 0.2em; }
.waiting, .missing { color: var(--_muted); }
`;

/** What `message` says at `path` (null: the whole payload as text); undefined if nothing. */
function extract(message, path) {
  if (path === null) return message.payload.length ? message.text() : undefined;
  const steps = parsePath(path);
  if (!steps) return undefined;
  try {
    return valueAt(message.json(), steps);
  } catch {
    return undefined; // not JSON
  }
}

/** `value` as text: numbers (and numeric text) with `digits` decimals when given. */
function format(value, digits) {
  const numeric = typeof value === "string" && value.trim() !== "" && Number.isFinite(Number(value));
  if (digits !== null && (typeof value === "number" || numeric)) return Number(value).toFixed(digits);
  if (typeof value === "string") return value;
  if (value !== null && typeof value === "object") return JSON.stringify(value);
  return String(value);
}

/**
 * `<mqtt-value>`: see index.d.ts. Attributes `topic`, `path`, `digits`, `unit`,
 * `placeholder`, `qos`, `no-subscribe`; property `client`.
 */
export class MqttValue extends BoundElement {
  static get observedAttributes() {
    return ["topic", "path", "digits", "unit", "placeholder", ...super.observedAttributes];
  }
  static bindingAttributes = ["topic", "qos", "no-subscribe"];

  #message = null;
  #value = undefined;
  #state = "waiting";
  #shown;
  #unit;

  constructor() {
    super();
    const root = shadow(this, CSS);
    this.#shown = el("span", { class: "value", part: "value" });
    this.#unit = el("span", { class: "unit", part: "unit" });
    root.append(this.#shown, this.#unit);
    this.#render();
  }

  /** The topic (a filter works too: the latest message on any matching topic). */
  get topic() {
    return this.getAttribute("topic") ?? "";
  }
  set topic(topic) {
    setAttr(this, "topic", topic);
  }

  /** A JSON path in the payload (`temp`, `a.b[2]`); null: the payload as text. */
  get path() {
    return this.getAttribute("path");
  }
  set path(path) {
    setAttr(this, "path", path);
  }

  /** Decimals for numbers (attribute `digits`, 0 to 20); null: as they come. */
  get digits() {
    const d = intAttr(this, "digits", null);
    return d === null ? null : Math.min(20, Math.max(0, d));
  }
  set digits(digits) {
    setAttr(this, "digits", digits);
  }

  /** Text shown after the value (`°C`). */
  get unit() {
    return this.getAttribute("unit") ?? "";
  }
  set unit(unit) {
    setAttr(this, "unit", unit);
  }

  /** Shown until a value comes, and when the message has none at `path` (default `–`). */
  get placeholder() {
    return this.getAttribute("placeholder") ?? "–";
  }
  set placeholder(text) {
    setAttr(this, "placeholder", text);
  }

  /** The value now shown (a JSON value, or the payload's text); undefined before one. */
  get value() {
    return this.#value;
  }

  /** The message the value comes from, or null. */
  get message() {
    return this.#message;
  }

  /** "waiting" (no message yet), "ok", or "missing" (nothing at `path`, or not JSON). */
  get state() {
    return this.#state;
  }

  filterText() {
    return this.topic;
  }

  receive(message) {
    this.#message = message;
    this.#evaluate();
    this.dispatchEvent(new CustomEvent("mqtt-change", { detail: { value: this.#value, message } }));
  }

  /** Another topic: wait for its value. */
  rebound() {
    this.#message = null;
    this.#evaluate();
  }

  changed() {
    this.#evaluate();
  }

  #evaluate() {
    const m = this.#message;
    this.#value = m ? extract(m, this.path) : undefined;
    this.#state = !m ? "waiting" : this.#value === undefined ? "missing" : "ok";
    this.#render();
  }

  #render() {
    const has = this.#state === "ok";
    this.#shown.textContent = has ? format(this.#value, this.digits) : this.placeholder;
    this.#shown.className = `value ${this.#state}`;
    this.#shown.setAttribute("part", `value ${this.#state}`);
    this.#unit.textContent = has ? this.unit : "";
  }
}
