//! The W4 baseline: a plain copy of the same bytes in the same chunks.

use std::hint::black_box;

/// Copies `data` in `chunk`-byte slices into `dst` (one preallocated, already touched
/// buffer the size of the whole input), one `copy_from_slice` (a `memcpy`) per chunk.
pub fn copy_chunks(data: &[u8], chunk: usize, dst: &mut [u8]) -> Result<(), String> {
    if dst.len() < data.len() {
        return Err("memcpy destination too small".into());
    }
    for (i, c) in data.chunks(chunk).enumerate() {
        let at = i * chunk;
        dst[at..at + c.len()].copy_from_slice(c);
        black_box(&dst[at]);
    }
    black_box(&*dst);
    Ok(())
}
