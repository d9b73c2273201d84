// Starts the inspector module (src/inspect). mqttscope-inspect.js, the wasm-bindgen glue of
// src/bin/mqttscope-inspect.rs built without ES modules, declares `wasm_bindgen` in the
// global lexical scope: a classic script like this one sees it, the page's module (which
// reads `window`) does not. The page adds this script after the glue; it instantiates the
// module and hands the page a promise of its exports.
"use strict";

globalThis.mqttscopeInspect = wasm_bindgen({ module_or_path: "./mqttscope-inspect_bg.wasm" }).then(() => wasm_bindgen);
