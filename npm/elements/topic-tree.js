// <mqtt-topic-tree>: the topics a client receives on a filter, level by level, with
// message counts and the last value; open nodes show their children; only the rows in
// view are in the DOM, and the tree keeps at most `max-topics` nodes.

import { BoundElement } from "./binding.js";
import { BOX, el, intAttr, preview, setAttr, shadow } from "./shared.js";
import { TopicTree } from "./tree.js";
import { LIST_CSS, Windowed } from "./windowed.js";

const CSS = `
:host { height: 320px; }
.row {
  display: flex; align-items: center; gap: 0.5em; cursor: default;
  padding: 0 0.6em 0 calc(var(--depth, 0) * 1.2em + 0.3em);
}
.row:hover { background: color-mix(in srgb, var(--_accent) 8%, transparent); }
.toggle { border: none; background: none; padding: 0; width: 1.2em; flex: none; color: var(--_muted); }
.name { flex: none; max-width: 40%; }
.count { flex: none; color: var(--_muted); font-family: var(--_mono); }
.retained { flex: none; color: var(--_accent); font-size: 0.85em; }
.value { flex: 1; min-width: 0; font-family: var(--_mono); }
.name:empty::before { content: '""'; color: var(--_muted); }
`;

/** A new row: toggle, level name, count, retained marker, last value. */
function makeRow() {
  const row = el("div", { class: "row", part: "row", role: "treeitem" });
  row.append(el("button", { type: "button", class: "toggle", part: "toggle", tabindex: "-1" }));
  for (const name of ["name", "count", "retained", "value"]) row.append(el("span", { class: `cell ${name}`, part: name }));
  return row;
}

/** Writes `node` into `row`; only text, never markup. */
function fillRow(row, node) {
  const [toggle, name, count, retained, value] = row.children;
  row.node = node;
  row.style.setProperty("--depth", node.depth);
  row.setAttribute("aria-level", node.depth + 1);
  const parent = node.children.size > 0;
  if (parent) row.setAttribute("aria-expanded", String(node.open));
  else row.removeAttribute("aria-expanded");
  toggle.textContent = parent ? (node.open ? "▾" : "▸") : "";
  toggle.style.visibility = parent ? "visible" : "hidden";
  toggle.setAttribute("aria-label", node.open ? "Close" : "Open");
  name.textContent = node.name;
  name.title = node.topic;
  count.textContent = String(node.total);
  count.title = `${node.count} to this topic, ${node.total} in all`;
  retained.textContent = node.count && node.retained ? "R" : "";
  retained.title = node.retained ? "retained" : "";
  value.textContent = node.last ?? "";
}

/**
 * `<mqtt-topic-tree>`: see index.d.ts. Attributes `filter` (default `#`), `expand`
 * (levels open at first, 2), `max-topics` (10,000), `qos`, `no-subscribe`; property `client`.
 */
export class MqttTopicTree extends BoundElement {
  static get observedAttributes() {
    return ["filter", "expand", "max-topics", ...super.observedAttributes];
  }
  static bindingAttributes = ["filter", "qos", "no-subscribe"];

  #tree;
  #rows = [];
  #list;
  #status;

  constructor() {
    super();
    const root = shadow(this, BOX + LIST_CSS + CSS);
    this.#tree = new TopicTree(this.maxTopics, this.expand);
    this.#list = new Windowed({ make: makeRow, fill: (row, i) => fillRow(row, this.#rows[i]), before: () => this.#take() });
    this.#list.viewport.setAttribute("role", "tree");
    this.#list.rows.addEventListener("click", (e) => this.#toggle(e));
    this.#status = el("span", { class: "status", part: "status" });
    const clear = el("button", { type: "button", part: "clear" }, "Clear");
    clear.addEventListener("click", () => this.clear());
    const bar = el("div", { class: "bar", part: "toolbar" });
    bar.append(clear, this.#status);
    root.append(bar, this.#list.viewport);
  }

  /** The topic filter (`+`, `#`); `#` when absent. */
  get filter() {
    return this.getAttribute("filter") || "#";
  }
  set filter(filter) {
    setAttr(this, "filter", filter);
  }

  /** How many levels are open (attribute `expand`, default 2); setting it opens or closes them all. */
  get expand() {
    return Math.max(0, intAttr(this, "expand", 2));
  }
  set expand(levels) {
    setAttr(this, "expand", levels);
  }

  /** The most nodes (levels of topics) kept (attribute `max-topics`, default 10,000). */
  get maxTopics() {
    return Math.max(1, intAttr(this, "max-topics", 10000));
  }
  set maxTopics(max) {
    setAttr(this, "max-topics", max);
  }

  /** How many nodes the tree has. */
  get topics() {
    return this.#tree.size;
  }

  /** Empties the tree. */
  clear() {
    this.#tree = new TopicTree(this.maxTopics, this.expand);
    this.#list.refresh();
  }

  filterText() {
    return this.filter;
  }

  connectedCallback() {
    super.connectedCallback();
    this.#list.start();
  }

  disconnectedCallback() {
    super.disconnectedCallback();
    this.#list.stop();
  }

  receive(m) {
    this.#tree.add(m.topic, preview(m.payload, 120), m.retain);
    this.#list.refresh();
  }

  /** Another filter: start afresh (its subscription brings the retained messages again). */
  rebound() {
    this.clear();
  }

  changed(name) {
    if (name === "max-topics") this.#tree.limit = this.maxTopics;
    if (name === "expand") this.#openTo(this.expand);
    this.#list.refresh();
  }

  /** Opens the nodes less deep than `depth` and closes the others. */
  #openTo(depth) {
    const tree = this.#tree;
    tree.openDepth = depth;
    const walk = (node) => node.children.forEach((c) => ((c.open = c.depth < depth), walk(c)));
    walk(tree.root);
    tree.changed = true;
  }

  #toggle(e) {
    const node = e.target.closest(".row")?.node;
    if (!node || node.children.size === 0) return;
    this.#tree.toggle(node);
    this.#list.refresh();
  }

  #take() {
    const tree = this.#tree;
    if (tree.changed) this.#rows = tree.rows();
    this.#list.count = this.#rows.length;
    const refused = tree.refused ? ` · ${tree.refused} messages on topics over the limit not shown` : "";
    this.#status.textContent = `${tree.size} topics · ${tree.messages} messages${refused}`;
  }
}
