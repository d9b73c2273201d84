// The page's download, gzip -9 as a browser would fetch it: the first load, and what loads
// on demand (counted apart). Run by the e2e tier after the build, which fails past the
// budget:
//
//   node bench/app/sizes.mjs <dist dir> [--max <bytes of first load>]

import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

// Loaded on demand, not with the page: the sandbox broker's worker and module (on the first
// sandbox:// connection), the broker pane (broker.html: its module, script and styles, and
// the unhashed copies of the page's styles that it and the payload frame use), and the
// payload frame (payload.html: its module, script, styles and uPlot) when a message's
// Decoded view is chosen, and the inspector (its module and inspect-boot.js) when a packet is
// first selected or the hex pad opened.
export const ON_DEMAND =
  /^(sandbox-(worker|hub)\.js|mqttscope-sandbox(\.js|_bg\.wasm)|mqttscope-pane(\.js|_bg\.wasm)|broker(-boot\.js|\.css)|mqttscope-payload(\.js|_bg\.wasm)|mqttscope-inspect(\.js|_bg\.wasm)|inspect-boot\.js|payload(-boot\.js|\.css)|uPlot\.(iife\.min\.js|min\.css)|main\.css|client\.css)$/;

/** Each file's size and gzip -9 size, and the sums of the first load and of the rest. */
export function sizes(dist) {
  const files = readdirSync(dist).filter((f) => /\.(wasm|js|css)$/.test(f));
  const each = files.map((f) => {
    const bytes = readFileSync(join(dist, f));
    return { file: f, bytes: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
  });
  const sum = (list) => list.reduce((a, f) => a + f.gzip, 0);
  return {
    each,
    total: sum(each.filter((f) => !ON_DEMAND.test(f.file))),
    later: sum(each.filter((f) => ON_DEMAND.test(f.file))),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [dist, flag, max] = process.argv.slice(2);
  if (!dist) throw new Error("usage: node bench/app/sizes.mjs <dist dir> [--max <bytes>]");
  const s = sizes(dist);
  for (const f of s.each) console.log(`${ON_DEMAND.test(f.file) ? "on demand" : "first load"}  ${String(f.gzip).padStart(7)}  ${f.file}`);
  console.log(`first load ${s.total} B gzip -9; on demand ${s.later} B`);
  if (flag === "--max" && s.total > Number(max)) {
    console.log(`the first load is over its budget of ${max} B`);
    process.exitCode = 1;
  }
}
