// Loads the app. Trunk writes this module's script tag (see Trunk.toml) with the hashed
// names of the wasm-bindgen JS and the wasm file; an external module, unlike Trunk's
// inline loader, runs under a CSP without 'unsafe-inline'.
const tag = document.querySelector("script[data-js][data-wasm]");
const { default: init } = await import(tag.dataset.js);
await init({ module_or_path: tag.dataset.wasm });
