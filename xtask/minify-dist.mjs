// Minifies the JavaScript of a Trunk build in place, and updates the integrity hashes
// that index.html gives them: Trunk minifies CSS and HTML but not the wasm-bindgen glue
// or copied scripts (about 3.5 kB gzipped of the first load).
//
// It also drops from the page's wasm module the exports of wasm-streams, which leptos'
// server functions bring in to stream request bodies: the page has no server, nothing
// calls them, and with them wasm-opt drops the code only they reached (1.0 kB gzipped of
// the first load). The glue's classes for them stay, never used.
//
//   node xtask/minify-dist.mjs <dist dir>
//
// Run by `cargo xtask` after `trunk build --release`; terser comes from .tools/terser,
// which the setup installs, pinned.

import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { minify } from "../.tools/terser/node_modules/terser/main.js";
import { withoutExports } from "./wasm-exports.mjs";

const dist = process.argv[2];
if (!dist) throw new Error("usage: node xtask/minify-dist.mjs <dist dir>");

/** ES modules (the glue that `import()` loads, and the loader itself); the rest are
 *  classic worker scripts, whose top-level names stay as they are. */
const isModule = (name) => name === "boot.js" || /^mqttscope-web-.*\.js$/.test(name);

const sri = (bytes) => `sha384-${createHash("sha384").update(bytes).digest("base64")}`;

/** The wasm features rustc's wasm32 target emits, which wasm-opt must accept and keep (as
 *  `cargo xtask pack` passes them). */
const WASM_FEATURES = ["bulk-memory", "nontrapping-float-to-int", "sign-ext", "mutable-globals", "reference-types", "multivalue"];

/** The page module without wasm-streams' exports, optimised again for size. */
function stripStreams(path) {
  const { wasm, dropped } = withoutExports(readFileSync(path), (name) => /intounderlying/.test(name));
  if (dropped.length === 0) return null;
  writeFileSync(path, wasm);
  const opt = new URL("../.tools/binaryen/node_modules/.bin/wasm-opt", import.meta.url).pathname;
  execFileSync(opt, ["-Oz", ...WASM_FEATURES.map((f) => `--enable-${f}`), path, "-o", path]);
  return readFileSync(path);
}

let html = readFileSync(join(dist, "index.html"), "utf8");

/** Gives the tags of index.html that name file `name` the integrity hash of `bytes`. */
function rehash(name, bytes) {
  html = html.replace(new RegExp(`<[^>]*${name.replace(/[.]/g, "\\.")}[^>]*>`, "g"), (tag) =>
    tag.replace(/integrity=("?)sha384-[A-Za-z0-9+/=]+\1/, `integrity=$1${sri(bytes)}$1`),
  );
}

for (const name of readdirSync(dist).filter((f) => /^mqttscope-web-.*_bg\.wasm$/.test(f))) {
  const bytes = stripStreams(join(dist, name));
  if (bytes) rehash(name, bytes);
}
for (const name of readdirSync(dist).filter((f) => f.endsWith(".js"))) {
  const path = join(dist, name);
  const module = isModule(name);
  const out = await minify(readFileSync(path, "utf8"), { module, compress: { passes: 2 }, mangle: true });
  if (typeof out.code !== "string") throw new Error(`terser gave nothing for ${name}`);
  writeFileSync(path, out.code);
  rehash(name, out.code);
}
writeFileSync(join(dist, "index.html"), html);
