// The model behind <mqtt-topic-tree>: topics split into levels, with message counts and
// the last value, at most a fixed number of nodes, and the rows that the open nodes show.

/** Orders level names as people read them: `n2` before `n10`. */
const collator = new Intl.Collator(undefined, { numeric: true });

/** One level of a topic. `count` counts messages to this very topic, `total` to it and below. */
class Node {
  constructor(name, depth, parent, open) {
    Object.assign(this, { name, depth, parent, open, count: 0, total: 0, last: null, retained: false });
    this.children = new Map();
    /** The children in name order, or null when one was added since. */
    this.sorted = null;
  }

  /** The full topic: the names from the root down, joined by `/`. */
  get topic() {
    const names = [];
    for (let n = this; n.parent; n = n.parent) names.push(n.name);
    return names.reverse().join("/");
  }

  /** The children in name order (numbers in names by value). */
  ordered() {
    this.sorted ??= [...this.children.values()].sort((a, b) => collator.compare(a.name, b.name));
    return this.sorted;
  }
}

export class TopicTree {
  /** `limit` caps the nodes; `openDepth`: nodes less deep than that start open. */
  constructor(limit, openDepth) {
    Object.assign(this, { limit, openDepth, size: 0, messages: 0, refused: 0, changed: true });
    this.root = new Node("", -1, null, true);
  }

  /**
   * Counts a message to `topic` whose payload reads `last`. A topic that would need more
   * nodes than the limit is not added (and counted in `refused`).
   */
  add(topic, last, retained) {
    const levels = topic.split("/");
    const path = [];
    let node = this.root;
    for (const name of levels) {
      let child = node.children.get(name);
      if (!child) {
        if (this.size + levels.length - path.length > this.limit) return void (this.refused += 1);
        child = new Node(name, node.depth + 1, node, node.depth + 1 < this.openDepth);
        node.children.set(name, child);
        node.sorted = null;
        this.size += 1;
        this.changed = true;
      }
      path.push(child);
      node = child;
    }
    for (const n of path) n.total += 1;
    Object.assign(node, { count: node.count + 1, last, retained });
    this.messages += 1;
  }

  /** Opens or closes `node`. */
  toggle(node) {
    node.open = !node.open;
    this.changed = true;
  }

  /** The nodes in view order: each open node's children after it. */
  rows() {
    const out = [];
    const walk = (node) => {
      for (const child of node.ordered()) {
        out.push(child);
        if (child.open) walk(child);
      }
    };
    walk(this.root);
    this.changed = false;
    return out;
  }
}
