// Loads the app. Trunk writes this module's script tag (see Trunk.toml) with the hashed
// names of the wasm-bindgen JS and the wasm file; an external module, unlike Trunk's
// inline loader, runs under a CSP without 'unsafe-inline'.
const tag = document.querySelector("script[data-js][data-wasm]");
const glue = await import(tag.dataset.js);
const wasm = await glue.default({ module_or_path: tag.dataset.wasm });
// What the payload frame (payload.html, same origin) reads of this page's messages.
globalThis.mqttscopeMessages = glue.mqttscopeMessages;
// The size of the wasm linear memory, read by `cargo xtask bench app`.
globalThis.mqttscopeWasmBytes = () => wasm.memory.buffer.byteLength;
