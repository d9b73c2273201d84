// The DOM of <mqtt-packet>: the hex view, the field tree and the error box. Everything
// from the packet is written as text.

import { el } from "./shared.js";

/** Bytes per line of the hex view. */
const LINE = 16;
/** The most bytes the hex view draws: a packet for teaching is small, a 1 MiB one is not. */
const LIMIT = 4096;

/** The character the ASCII column shows for a byte. */
const ascii = (b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : "·");

/**
 * The hex view of `bytes`: offset, 16 bytes and their characters per line. The byte at
 * `error.offset` is marked; past the end, a `··` cell stands for the missing byte. Returns
 * the element and, per offset, the nodes to light ([byte, character]).
 */
export function drawHex(bytes, error) {
  const bad = error ? error.offset : -1;
  const shown = Math.min(bytes.length, LIMIT);
  const count = bad >= bytes.length && bad < LIMIT ? bad + 1 : shown;
  const element = el("div", { class: "hex", part: "hex", "aria-label": "Bytes" });
  const cells = [];
  for (let start = 0; start < count; start += LINE) {
    const line = el("div", { class: "line" });
    const hex = el("span", { class: "bytes" });
    const chars = el("span", { class: "ascii", part: "ascii" });
    for (let i = start; i < Math.min(start + LINE, count); i++) {
      const missing = i >= bytes.length;
      const cls = `${i === bad ? "bad " : ""}${missing ? "ghost" : ""}`;
      const part = i === bad ? "byte error-byte" : "byte";
      const b = el("span", { class: `byte ${cls}`, part, "data-i": i }, missing ? "··" : bytes[i].toString(16).padStart(2, "0"));
      const c = el("span", { class: `ch ${cls}`, part: "char", "data-i": i }, missing ? " " : ascii(bytes[i]));
      hex.append(b);
      chars.append(c);
      cells[i] = [b, c];
    }
    line.append(el("span", { class: "offset", part: "offset" }, start.toString(16).padStart(4, "0")), hex, chars);
    element.append(line);
  }
  if (bytes.length > LIMIT) element.append(el("div", { class: "muted" }, `… ${bytes.length - LIMIT} more bytes`));
  return { element, cells };
}

/** A bit field's byte with the other bits dotted out: `0011 ....` for the type. */
function bits(byte, mask) {
  let s = "";
  for (let bit = 7; bit >= 0; bit--) {
    s += mask & (1 << bit) ? (byte >> bit) & 1 : ".";
    if (bit === 4) s += " ";
  }
  return s;
}

/** Which bytes a field spans, counted from 0 and inclusive: `4–25`. */
const span = (f) => (f.end - f.start > 1 ? `${f.start}–${f.end - 1}` : String(f.start));

/** One row of the field tree: bytes, name, value (bits first for a bit field), section. */
function fieldRow(f, k, bytes) {
  const row = el("div", { class: "field", part: "field", role: "treeitem", tabindex: "0", "data-k": k, "aria-level": f.depth });
  row.style.setProperty("--depth", f.depth);
  const value = el("span", { class: "value", title: f.value });
  if (f.mask !== null) value.append(el("code", { class: "bits" }, bits(bytes[f.start], f.mask)));
  value.append(document.createTextNode(f.value));
  row.append(
    el("span", { class: "span" }, span(f)),
    el("span", { class: "name", title: f.path }, f.name),
    value,
    el("span", { class: "section", title: `MQTT 5.0 section ${f.section}` }, `§${f.section}`),
  );
  return row;
}

/** The row that stands for the error: pointing at it lights the failing byte. */
function errorRow(error) {
  const row = el("div", { class: "field bad-row", part: "field error-field", role: "treeitem", tabindex: "0", "data-k": -1 });
  row.append(
    el("span", { class: "span" }, String(error.offset)),
    el("span", { class: "name" }, "Malformed"),
    el("span", { class: "value", title: error.message }, error.message),
    el("span", { class: "section" }, error.rule ?? ""),
  );
  return row;
}

/** The field tree of `found` (a Dissection); returns the element and its rows by index. */
export function drawTree(bytes, found) {
  const element = el("div", { class: "tree", part: "tree", role: "tree", "aria-label": "Fields" });
  const rows = new Map();
  found.fields.forEach((f, k) => {
    const row = fieldRow(f, k, bytes);
    rows.set(k, row);
    element.append(row);
  });
  if (found.error) {
    const row = errorRow(found.error);
    rows.set(-1, row);
    element.append(row);
  }
  return { element, rows };
}

/** The box that says what is wrong with a malformed packet: where, and the rule. */
export function errorBox(error, length) {
  const box = el("div", { class: "error", part: "error", role: "alert" });
  const where = error.offset >= length ? `ends early: byte ${error.offset} is missing` : `malformed at byte ${error.offset}`;
  box.append(el("strong", {}, where[0].toUpperCase() + where.slice(1)));
  if (error.rule) box.append(el("span", { class: "rule", part: "rule" }, error.rule));
  box.append(el("div", {}, error.message));
  return box;
}
