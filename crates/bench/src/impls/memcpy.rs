//! The W4 baselines: plain copies of the same bytes in the same chunks.

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

/// Copies each `chunk`-byte slice of `data` into the front of `dst` (one reused buffer
/// of at least `chunk` bytes, so the destination stays in cache): the cheapest way to
/// touch every input byte once.
pub fn copy_chunks_reused(data: &[u8], chunk: usize, dst: &mut [u8]) -> Result<(), String> {
    if dst.len() < chunk {
        return Err("memcpy destination smaller than a chunk".into());
    }
    for c in data.chunks(chunk) {
        dst[..c.len()].copy_from_slice(c);
        black_box(&*dst);
    }
    Ok(())
}
