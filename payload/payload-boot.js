// Starts the payload frame (payload.html): mqttscope-payload.js, the wasm-bindgen glue of
// src/bin/mqttscope-payload.rs built without ES modules (Trunk's worker build), defines
// `wasm_bindgen`; instantiating the module runs its main, which mounts the frame.
"use strict";

wasm_bindgen({ module_or_path: "./mqttscope-payload_bg.wasm" }).catch((e) => {
  const p = document.createElement("p");
  p.className = "banner";
  p.textContent = `The payload view failed to load: ${e}`;
  document.body.append(p);
});
