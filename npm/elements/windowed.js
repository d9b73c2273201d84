// A scrolling list that keeps only the rows in view (and a few more) in the DOM, so that a
// list of any length costs the same to draw. Rows have one height, measured from the first
// row drawn; a list that is not laid out (display: none) draws a fixed few.

import { el } from "./shared.js";

/** Rows drawn beyond each edge of the view, so that scrolling shows no gap. */
const OVERSCAN = 4;
/** Rows drawn while the list has no height to measure. */
const UNMEASURED = 30;

export class Windowed {
  /**
   * `make()` returns a new row element; `fill(row, index)` writes item `index` into it.
   * `before()`, if given, runs before each draw (to take in what arrived meanwhile).
   */
  constructor({ make, fill, before = () => {} }) {
    Object.assign(this, { make, fill, before, count: 0, rowHeight: 0, frame: 0 });
    this.viewport = el("div", { class: "viewport", part: "list" });
    this.spacer = el("div", { class: "spacer" });
    this.rows = el("div", { class: "rows" });
    this.spacer.append(this.rows);
    this.viewport.append(this.spacer);
    this.viewport.addEventListener("scroll", () => this.refresh(), { passive: true });
    this.resize = globalThis.ResizeObserver ? new ResizeObserver(() => this.refresh()) : null;
  }

  /** Starts following the viewport's size (when the element is in the document). */
  start() {
    this.resize?.observe(this.viewport);
    this.refresh();
  }

  /** Stops following it, and drops a pending draw. */
  stop() {
    this.resize?.disconnect();
    cancelAnimationFrame(this.frame);
    this.frame = 0;
  }

  /** Draws at the next frame (many calls in one frame draw once). */
  refresh() {
    this.frame ||= requestAnimationFrame(() => {
      this.frame = 0;
      this.draw();
    });
  }

  /** Shows `count` items. */
  setCount(count) {
    this.count = count;
    this.refresh();
  }

  /** Keeps what is in view in place after `added` rows were inserted above it. */
  shift(added) {
    if (this.viewport.scrollTop > 0 && this.rowHeight) this.viewport.scrollTop += added * this.rowHeight;
  }

  /** The DOM rows now drawn (at most the view's rows plus the overscan). */
  get drawn() {
    return this.rows.children.length;
  }

  draw() {
    this.before();
    const h = this.rowHeight || 24;
    this.spacer.style.height = `${this.count * h}px`;
    const height = this.viewport.clientHeight;
    // A list that shrank may still report its old scrollTop until the browser clamps it.
    const top = Math.min(this.viewport.scrollTop, Math.max(0, this.count * h - height));
    const first = Math.max(0, Math.floor(top / h) - OVERSCAN);
    const visible = height ? Math.ceil(height / h) + 2 * OVERSCAN : UNMEASURED;
    const last = Math.min(this.count, first + visible);
    this.rows.style.transform = `translateY(${first * h}px)`;
    this.place(first, last);
    this.measure();
  }

  /** Makes or removes row elements so that there is one per item first..last, and fills them. */
  place(first, last) {
    const want = last - first;
    while (this.rows.children.length < want) this.rows.append(this.make());
    while (this.rows.children.length > want) this.rows.lastChild.remove();
    for (let i = 0; i < want; i++) this.fill(this.rows.children[i], first + i);
  }

  /** Takes the row height from the first row; draws again if it was not known. */
  measure() {
    const row = this.rows.firstElementChild;
    const h = row ? row.getBoundingClientRect().height : 0;
    if (h && Math.abs(h - this.rowHeight) > 0.5) {
      this.rowHeight = h;
      this.refresh();
    }
  }
}

/** The style of a windowed list; rows are positioned by the list, one height each. */
export const LIST_CSS = `
.viewport { flex: 1; min-height: 0; overflow: auto; position: relative; }
.spacer { position: relative; }
.rows { position: absolute; left: 0; right: 0; top: 0; will-change: transform; }
.row { height: 1.9em; line-height: 1.9em; border-bottom: 1px solid color-mix(in srgb, var(--_border) 50%, transparent); }
.empty { padding: 1em; color: var(--_muted); }
`;
