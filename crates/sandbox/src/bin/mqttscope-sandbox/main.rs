//! The sandbox worker's wasm module (built for wasm32 by Trunk; natively it does
//! nothing). `sandbox-worker.js` loads it, owns the ports and the one timer, and calls
//! the exports in `glue.rs`.

#[cfg(target_arch = "wasm32")]
mod glue;

fn main() {}
