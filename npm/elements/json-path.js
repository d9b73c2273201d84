// The JSON paths of <mqtt-value>: `temp`, `a.b[2]`, `["key.with.dots"].x`.

/** The steps of `path` (names and array indexes), or null when it is not a path. */
export function parsePath(path) {
  const steps = [];
  const token = /\.?([^.[\]"]+)|\[(\d+)\]|\["((?:[^"\\]|\\.)*)"\]/y;
  let at = 0;
  while (at < path.length) {
    token.lastIndex = at;
    const m = token.exec(path);
    // A name has a dot before it, except the first.
    if (!m || (m[1] !== undefined && (at === 0) === (path[at] === "."))) return null;
    steps.push(m[1] ?? (m[2] !== undefined ? Number(m[2]) : JSON.parse(`"${m[3]}"`)));
    at = token.lastIndex;
  }
  return steps;
}

/** The value at `steps` in `value`; undefined when a step is missing. */
export function valueAt(value, steps) {
  let v = value;
  for (const step of steps) {
    if (v === null || typeof v !== "object" || !Object.prototype.hasOwnProperty.call(v, step)) return undefined;
    v = v[step];
  }
  return v;
}
