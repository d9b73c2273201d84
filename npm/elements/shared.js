// What the elements share: the base class (HTMLElement, or a stand-in where there is none,
// so that importing the entry in node for server rendering does not throw), the theme,
// style sheets, a DOM helper that only ever writes text, and payload previews.

/** HTMLElement in browsers; an empty class elsewhere (node, server rendering). */
export const Base = globalThis.HTMLElement ?? class {};

/**
 * The theme every element starts from. The public custom properties (--mqtt-*) are read
 * once into private ones (--_*) so that the defaults can follow the colour scheme while
 * a page's own value always wins.
 */
const THEME = `
:host {
  --_fg: var(--mqtt-fg, #1f2328);
  --_bg: var(--mqtt-bg, #ffffff);
  --_muted: var(--mqtt-muted, #656d76);
  --_accent: var(--mqtt-accent, #0969da);
  --_border: var(--mqtt-border, #d0d7de);
  --_highlight: var(--mqtt-highlight, #fff3b0);
  --_error: var(--mqtt-error, #cf222e);
  --_mono: var(--mqtt-mono-font, ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace);
  font-family: var(--mqtt-font, system-ui, sans-serif);
  color: var(--_fg);
  box-sizing: border-box;
}
@media (prefers-color-scheme: dark) {
  :host {
    --_fg: var(--mqtt-fg, #e6edf3);
    --_bg: var(--mqtt-bg, #0d1117);
    --_muted: var(--mqtt-muted, #8d96a0);
    --_accent: var(--mqtt-accent, #4493f8);
    --_border: var(--mqtt-border, #3d444d);
    --_highlight: var(--mqtt-highlight, #5a4a00);
    --_error: var(--mqtt-error, #f85149);
  }
}
:host([hidden]) { display: none; }
*, *::before, *::after { box-sizing: inherit; }
.mono { font-family: var(--_mono); }
.muted { color: var(--_muted); }
button {
  font: inherit; color: inherit; background: var(--_bg); cursor: pointer;
  border: 1px solid var(--_border); border-radius: 4px; padding: 0.1em 0.7em;
}
button:focus-visible, [tabindex]:focus-visible { outline: 2px solid var(--_accent); outline-offset: -2px; }
`;

/** The frame of the boxed elements (all but <mqtt-value>): border, background, toolbar. */
export const BOX = `
:host {
  display: flex; flex-direction: column; overflow: hidden;
  background: var(--_bg); border: 1px solid var(--_border); border-radius: 6px;
  font-size: 13px;
}
.bar {
  display: flex; gap: 0.75em; align-items: center; flex: none;
  padding: 0.35em 0.6em; border-bottom: 1px solid var(--_border);
}
.status { flex: 1; min-width: 0; color: var(--_muted); white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.cell { white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
`;

const sheets = new Map();

/** A constructable style sheet of the theme and `css`, made once per text. */
function sheet(css) {
  let s = sheets.get(css);
  if (!s) {
    s = new CSSStyleSheet();
    s.replaceSync(THEME + css);
    sheets.set(css, s);
  }
  return s;
}

/** Gives `host` an open shadow root styled with the theme and `css`; returns the root. */
export function shadow(host, css) {
  const root = host.attachShadow({ mode: "open" });
  root.adoptedStyleSheets = [sheet(css)];
  return root;
}

/**
 * A new element: `tag` with `attrs` (set as attributes: `part`, `class`, ...) and `text`
 * as its textContent. Never parses markup, so topics and payloads stay text.
 */
export function el(tag, attrs = {}, text = "") {
  const e = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) e.setAttribute(name, value);
  if (text) e.textContent = text;
  return e;
}

/**
 * Re-sets the properties set on the element before its class was defined (a framework
 * may set `client`, `topic` or `bytes` first, or a script before the module loaded):
 * each own property that hides one of the class's goes through its setter.
 */
export function upgrade(host) {
  for (const name of Object.keys(host)) {
    if (!setter(Object.getPrototypeOf(host), name)) continue;
    const value = host[name];
    delete host[name];
    host[name] = value;
  }
}

/** Whether `proto` or a prototype above it has a setter for `name`. */
function setter(proto, name) {
  for (let p = proto; p; p = Object.getPrototypeOf(p)) {
    const d = Object.getOwnPropertyDescriptor(p, name);
    if (d) return typeof d.set === "function";
  }
  return false;
}

/** The integer in attribute `name`, or `fallback` when absent or not a number. */
export function intAttr(host, name, fallback) {
  const n = Number.parseInt(host.getAttribute(name) ?? "", 10);
  return Number.isFinite(n) ? n : fallback;
}

/** Sets attribute `name` to `value`, or removes it for null and undefined. */
export function setAttr(host, name, value) {
  if (value === null || value === undefined) host.removeAttribute(name);
  else host.setAttribute(name, String(value));
}

/** The time of day with milliseconds, as a message list shows it: 14:03:07.412. */
export function clock(ms) {
  const d = new Date(ms);
  const two = (n) => String(n).padStart(2, "0");
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}.${String(d.getMilliseconds()).padStart(3, "0")}`;
}

const strict = new TextDecoder("utf-8", { fatal: true });
/** Control characters other than tab, newline and carriage return: not text. */
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

/** Bytes as lower-case hex pairs. */
export function toHex(bytes) {
  let s = "";
  for (const b of bytes) s += `${b < 16 ? "0" : ""}${b.toString(16)} `;
  return s.trimEnd();
}

/**
 * A one-line preview of a payload: its text when it is UTF-8 without control characters,
 * else its first bytes in hex with the size. At most `limit` characters.
 */
export function preview(payload, limit = 200) {
  let text = null;
  try {
    text = strict.decode(payload.subarray(0, limit * 4));
  } catch {
    // Cutting a long payload may split a character at the end: only then retry shorter.
    if (payload.length > limit * 4) text = textPrefix(payload, limit * 4);
  }
  if (text !== null && !CONTROL.test(text)) return text.length > limit ? `${text.slice(0, limit)}…` : text;
  const head = toHex(payload.subarray(0, Math.min(32, limit / 3)));
  return payload.length > 32 ? `${head} … (${payload.length} bytes)` : head;
}

/** The text of the first `n` bytes give or take a split character, or null if not UTF-8. */
function textPrefix(payload, n) {
  for (let cut = n; cut > n - 4; cut--) {
    try {
      return strict.decode(payload.subarray(0, cut));
    } catch {
      // try one byte shorter
    }
  }
  return null;
}
