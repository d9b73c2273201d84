// The package's sandbox worker: the hub (sandbox-hub.js, which says what it speaks) over
// the sandbox module that `cargo xtask pack` builds from crates/sandbox (wasm-bindgen's ES
// module form). A module worker, so that bundlers follow its imports and the wasm file's
// URL as they do the client's worker.
import "./sandbox-hub.js";
import init, * as exports from "./wasm/mqttscope-sandbox.js";

self.sandboxHub(() => init().then(() => exports));
