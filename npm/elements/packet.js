// <mqtt-packet>: one packet's bytes in a hex view beside its field tree, from the
// dissector of `mqttscope/dissect`, which is imported (with its wasm module) the first
// time an element in the document has bytes to show, never before.

import { Base, el, setAttr, shadow, upgrade } from "./shared.js";
import { drawHex, drawTree, errorBox } from "./packet-view.js";

const CSS = `
:host {
  display: block; font-size: 13px; background: var(--_bg);
  border: 1px solid var(--_border); border-radius: 6px; overflow: auto;
}
.panes { display: flex; flex-wrap: wrap; gap: 1em; padding: 0.6em; align-items: flex-start; }
.hex { flex: none; font-family: var(--_mono); line-height: 1.6; }
.line { display: flex; gap: 1em; white-space: pre; }
.offset { color: var(--_muted); }
.bytes { display: grid; grid-template-columns: repeat(16, 2.2ch); column-gap: 0.6ch; }
.ascii { display: grid; grid-template-columns: repeat(16, 1ch); color: var(--_muted); }
.byte, .ch { text-align: center; border-radius: 2px; cursor: default; }
.lit { background: var(--_highlight); color: var(--_fg); }
.bad { outline: 2px solid var(--_error); color: var(--_error); font-weight: bold; }
.ghost { color: var(--_error); }
.tree { flex: 1; min-width: 22em; }
.field {
  display: grid; grid-template-columns: 4.5em minmax(8em, 1fr) minmax(8em, 1.4fr) 6.5em;
  gap: 0.75em; padding: 0.1em 0.4em; border-radius: 3px;
}
.name { padding-left: calc((var(--depth, 1) - 1) * 1em); }
.field > * { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.span, .section { color: var(--_muted); font-family: var(--_mono); }
.value { font-family: var(--_mono); }
.bits { color: var(--_accent); margin-right: 0.6em; }
.error { margin: 0.6em 0.6em 0; padding: 0.5em 0.7em; border-left: 3px solid var(--_error); }
.error strong { color: var(--_error); }
.bad-row .name { color: var(--_error); }
.rule { font-family: var(--_mono); margin-left: 0.5em; color: var(--_error); }
.empty { padding: 0.8em; color: var(--_muted); }
`;

/** The bytes of valid hex text (the dissector checked it): groups split by separators. */
function hexBytes(text) {
  const out = [];
  for (let group of text.split(/[\s,:[\]]+/)) {
    if (/^0x/i.test(group)) group = group.slice(2);
    for (let i = 0; i + 1 < group.length; i += 2) out.push(Number.parseInt(group.slice(i, i + 2), 16));
  }
  return Uint8Array.from(out);
}

/** The bytes of what `bytes` or `hex` gave, as a Uint8Array. */
function toBytes(input) {
  if (typeof input === "string") return hexBytes(input);
  if (input instanceof ArrayBuffer) return new Uint8Array(input);
  if (ArrayBuffer.isView(input)) return new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  return Uint8Array.from(input);
}

/**
 * `<mqtt-packet>`: see index.d.ts. Attributes `hex`, `version`; property `bytes`;
 * events `mqtt-dissected`, `mqtt-error`.
 */
export class MqttPacket extends Base {
  static get observedAttributes() {
    return ["hex", "version"];
  }

  #bytes = null;
  #dissection = null;
  #run = 0;
  #queued = false;
  #view = null;
  #root;

  constructor() {
    super();
    this.#root = shadow(this, CSS);
  }

  /** The packet as hex text (`"30 05 00 01 61 68 69"`, `"0x30,0x05"`); setting it replaces `bytes`. */
  get hex() {
    return this.getAttribute("hex");
  }
  set hex(hex) {
    setAttr(this, "hex", hex);
  }

  /** The packet's bytes; when set (not null), they are shown rather than `hex`. */
  get bytes() {
    return this.#bytes;
  }
  set bytes(bytes) {
    this.#bytes = bytes ?? null;
    this.#schedule();
  }

  /** The protocol version: `5` (default), `4` or `"3.1.1"`, `3` or `"3.1"`. */
  get version() {
    return this.getAttribute("version") ?? "5";
  }
  set version(version) {
    setAttr(this, "version", version);
  }

  /** What the dissector found for the bytes shown, or null (none yet, or unusable input). */
  get dissection() {
    return this.#dissection;
  }

  connectedCallback() {
    upgrade(this);
    this.#schedule();
  }

  attributeChangedCallback(name, old, value) {
    if (name === "hex" && old !== value) this.#bytes = null;
    if (old !== value) this.#schedule();
  }

  /** Dissects once after the current script, however many attributes it set. */
  #schedule() {
    if (this.#queued || !this.isConnected) return;
    this.#queued = true;
    queueMicrotask(() => {
      this.#queued = false;
      this.#dissect();
    });
  }

  async #dissect() {
    const run = ++this.#run;
    const input = this.#bytes ?? this.hex;
    if (input === null || input === "") return this.#show(null, null);
    let found;
    let bytes;
    try {
      const { dissect } = await import("../dissect/index.js");
      found = await dissect(input, { version: this.version });
      bytes = toBytes(input);
    } catch (error) {
      if (run === this.#run) this.#failed(error);
      return;
    }
    if (run === this.#run) this.#show(bytes, found);
  }

  /** Draws `bytes` and their dissection (both null: nothing to show). */
  #show(bytes, found) {
    this.#dissection = found;
    this.#view = null;
    if (!found) return this.#root.replaceChildren(el("div", { class: "empty", part: "empty" }, "No packet"));
    const panes = el("div", { class: "panes" });
    const hex = drawHex(bytes, found.error);
    const tree = drawTree(bytes, found);
    panes.append(hex.element, tree.element);
    this.#view = { hex, tree, fields: found.fields, error: found.error, lit: [] };
    this.#wire(hex.element, tree.element);
    this.#root.replaceChildren(...(found.error ? [errorBox(found.error, bytes.length)] : []), panes);
    this.dispatchEvent(new CustomEvent("mqtt-dissected", { detail: found }));
  }

  /** The input is not usable (not hex, an unknown version) or the dissector did not load. */
  #failed(error) {
    this.#dissection = null;
    this.#view = null;
    const box = el("div", { class: "error", part: "error", role: "alert" });
    box.append(el("strong", {}, "Cannot dissect: "), document.createTextNode(error?.message ?? String(error)));
    this.#root.replaceChildren(box);
    this.dispatchEvent(new CustomEvent("mqtt-error", { detail: error }));
  }

  /** Pointing at (hovering, focusing) a byte or a field lights the other side. */
  #wire(hex, tree) {
    const clear = () => this.#light([], []);
    hex.addEventListener("mouseover", (e) => {
      const at = e.target.closest("[data-i]");
      if (at) this.#pointByte(Number(at.dataset.i));
    });
    hex.addEventListener("mouseleave", clear);
    const onField = (e) => {
      const row = e.target.closest("[data-k]");
      if (row) this.#pointField(Number(row.dataset.k));
    };
    tree.addEventListener("mouseover", onField);
    tree.addEventListener("focusin", onField);
    tree.addEventListener("mouseleave", clear);
    tree.addEventListener("focusout", clear);
  }

  /** A byte: light every field holding it, and the bytes of the smallest of them. */
  #pointByte(i) {
    const { fields } = this.#view;
    const rows = [];
    let smallest = null;
    fields.forEach((f, k) => {
      if (f.start <= i && i < f.end) {
        rows.push(k);
        if (!smallest || f.end - f.start < smallest.end - smallest.start) smallest = f;
      }
    });
    this.#light(smallest ? range(smallest.start, smallest.end) : [i], rows);
  }

  /** A field (or the error row, k = -1): light its bytes. */
  #pointField(k) {
    const v = this.#view;
    if (k < 0) return this.#light([v.error.offset], [k]);
    const f = v.fields[k];
    this.#light(range(f.start, f.end), [k]);
  }

  /** Lights `offsets` in the hex view and rows `ks` of the tree; unlights the rest. */
  #light(offsets, ks) {
    const v = this.#view;
    if (!v) return;
    for (const node of v.lit) mark(node, false);
    v.lit = [...offsets.flatMap((i) => v.hex.cells[i] ?? []), ...ks.map((k) => v.tree.rows.get(k)).filter(Boolean)];
    for (const node of v.lit) mark(node, true);
  }
}

/** start, start + 1, ..., end - 1. */
const range = (start, end) => Array.from({ length: end - start }, (_, i) => start + i);

/** Adds or removes the `lit` class and part name of a byte, a character or a row. */
function mark(node, on) {
  node.classList.toggle("lit", on);
  const parts = node.getAttribute("part").split(" ").filter((p) => p !== "lit");
  node.setAttribute("part", (on ? [...parts, "lit"] : parts).join(" "));
}
