//! The sandbox worker's wasm module (built for wasm32 by Trunk for the page, and by
//! `cargo xtask pack` for the npm package; natively it does nothing). The worker's hub
//! (`npm/sandbox/sandbox-hub.js`) loads it, owns the ports and the one timer, and calls
//! the exports in `glue.rs`.

#[cfg(target_arch = "wasm32")]
mod glue;

fn main() {}
