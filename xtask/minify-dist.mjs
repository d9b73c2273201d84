// Minifies the JavaScript of a Trunk build in place, and updates the integrity hashes
// that index.html gives them: Trunk minifies CSS and HTML but not the wasm-bindgen glue
// or copied scripts (about 3.5 kB gzipped of the first load).
//
//   node xtask/minify-dist.mjs <dist dir>
//
// Run by `cargo xtask` after `trunk build --release`; terser comes from .tools/terser,
// which the setup installs, pinned.

import { createHash } from "node:crypto";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { minify } from "../.tools/terser/node_modules/terser/main.js";

const dist = process.argv[2];
if (!dist) throw new Error("usage: node xtask/minify-dist.mjs <dist dir>");

/** ES modules (the glue that `import()` loads, and the loader itself); the rest are
 *  classic worker scripts, whose top-level names stay as they are. */
const isModule = (name) => name === "boot.js" || /^mqttscope-web-.*\.js$/.test(name);

const sri = (bytes) => `sha384-${createHash("sha384").update(bytes).digest("base64")}`;

let html = readFileSync(join(dist, "index.html"), "utf8");
for (const name of readdirSync(dist).filter((f) => f.endsWith(".js"))) {
  const path = join(dist, name);
  const module = isModule(name);
  const out = await minify(readFileSync(path, "utf8"), { module, compress: { passes: 2 }, mangle: true });
  if (typeof out.code !== "string") throw new Error(`terser gave nothing for ${name}`);
  writeFileSync(path, out.code);
  // The tags that name this file keep an integrity hash of the new bytes.
  html = html.replace(new RegExp(`<[^>]*${name.replace(/[.]/g, "\\.")}[^>]*>`, "g"), (tag) =>
    tag.replace(/integrity=("?)sha384-[A-Za-z0-9+/=]+\1/, `integrity=$1${sri(out.code)}$1`),
  );
}
writeFileSync(join(dist, "index.html"), html);
