// The page's sandbox worker: the hub (sandbox-hub.js, from npm/sandbox/, which says what
// it speaks) over the sandbox module Trunk builds from crates/sandbox
// (mqttscope-sandbox.js and mqttscope-sandbox_bg.wasm, wasm-bindgen's no-modules form).
// A classic script: the page's SharedWorker, or its dedicated Worker where the browser
// has no SharedWorker, loads it on the first sandbox:// connection.
"use strict";

importScripts("./sandbox-hub.js");
self.sandboxHub(() => {
  importScripts("./mqttscope-sandbox.js");
  return wasm_bindgen("./mqttscope-sandbox_bg.wasm").then(() => wasm_bindgen);
});
