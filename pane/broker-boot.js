// Starts the broker pane (broker.html): mqttscope-pane.js, the wasm-bindgen glue of
// src/bin/mqttscope-pane.rs built without ES modules (Trunk's worker build), defines
// `wasm_bindgen`; instantiating the module runs its main, which mounts the pane.
"use strict";

wasm_bindgen({ module_or_path: "./mqttscope-pane_bg.wasm" }).catch((e) => {
  const p = document.createElement("p");
  p.className = "banner";
  p.textContent = `The broker pane failed to load: ${e}`;
  document.body.append(p);
});
