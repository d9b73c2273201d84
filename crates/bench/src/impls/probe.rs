//! The wasm probe's benchmark entry point, called natively: the reference for the
//! browser figures of `cargo xtask bench codec --browser`.

use mqttscope_wasm_probe::{probe_alloc, probe_decode_stream, probe_free};

/// A copy of the input in a block from `probe_alloc`, as the browser driver passes it.
pub struct ProbeInput {
    ptr: *mut u8,
    len: usize,
}

impl ProbeInput {
    /// Copies `data` into a fresh `probe_alloc` block.
    pub fn new(data: &[u8]) -> Self {
        let ptr = probe_alloc(data.len());
        // SAFETY: `probe_alloc(len)` returned a writable block of `len` bytes that does
        // not overlap `data`.
        unsafe { std::ptr::copy_nonoverlapping(data.as_ptr(), ptr, data.len()) };
        ProbeInput {
            ptr,
            len: data.len(),
        }
    }

    /// Packets decoded, as `probe_decode_stream` counts them.
    pub fn decode_stream(&self, chunk: usize, level: u8) -> Result<u64, String> {
        // SAFETY: `ptr` is a live `probe_alloc(len)` block that `new` filled.
        let n = unsafe { probe_decode_stream(self.ptr, self.len, chunk, u32::from(level)) };
        u64::try_from(n).map_err(|_| "probe_decode_stream returned -1".to_string())
    }
}

impl Drop for ProbeInput {
    fn drop(&mut self) {
        // SAFETY: the block came from `probe_alloc(len)` and is freed once, here.
        unsafe { probe_free(self.ptr, self.len) }
    }
}
