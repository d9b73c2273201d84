// Removes exports from a wasm module's export section: what no code of the page can call,
// so that wasm-opt can then drop the functions only they reached.
//
// Written here rather than taken from a library: binaryen's wasm-opt has no pass that
// removes a named export, and its wasm-metadce wants a graph of the whole JS side; the
// export section is a count and (name, kind, index) entries, a few lines to rewrite.

/** Reads an unsigned LEB128 at `at` of `bytes`: [value, its length]. */
function leb(bytes, at) {
  let value = 0;
  let shift = 0;
  let n = 0;
  for (;;) {
    const b = bytes[at + n++];
    value += (b & 0x7f) * 2 ** shift;
    shift += 7;
    if (!(b & 0x80)) return [value, n];
  }
}

/** `value` as an unsigned LEB128. */
function uleb(value) {
  const out = [];
  do {
    let b = value % 128;
    value = Math.floor(value / 128);
    if (value) b |= 0x80;
    out.push(b);
  } while (value);
  return Buffer.from(out);
}

/** `wasm` (bytes) without the exports whose names `drop` accepts; also the names dropped. */
export function withoutExports(wasm, drop) {
  if (wasm.readUInt32LE(0) !== 0x6d736100) throw new Error("not a wasm module");
  const parts = [wasm.subarray(0, 8)];
  const dropped = [];
  let at = 8;
  while (at < wasm.length) {
    const [size, n] = leb(wasm, at + 1);
    const start = at + 1 + n;
    const end = start + size;
    if (wasm[at] !== 7) {
      parts.push(wasm.subarray(at, end));
      at = end;
      continue;
    }
    const [count, cn] = leb(wasm, start);
    const kept = [];
    let p = start + cn;
    for (let i = 0; i < count; i++) {
      const entry = p;
      const [len, ln] = leb(wasm, p);
      const name = wasm.subarray(p + ln, p + ln + len).toString("utf8");
      p += ln + len + 1; // the name, then the kind byte
      p += leb(wasm, p)[1]; // the index
      if (drop(name)) dropped.push(name);
      else kept.push(wasm.subarray(entry, p));
    }
    const body = Buffer.concat([uleb(kept.length), ...kept]);
    parts.push(Buffer.from([7]), uleb(body.length), body);
    at = end;
  }
  return { wasm: Buffer.concat(parts), dropped };
}
