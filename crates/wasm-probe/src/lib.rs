//! A cdylib over the sans-IO core with plain C-ABI exports and no host imports.
//!
//! Two uses: `cargo xtask test` builds it for `wasm32-unknown-unknown` and fails if the
//! module imports anything from the host (the core must stay sans-IO), and
//! `cargo xtask bench codec --browser` loads it in headless Chromium to time decoding.
//! The exports touch the codec, the framer and the dissector so none of them is
//! optimised away before the import check sees them.
//!
//! Memory protocol: the host calls `probe_alloc(len)`, writes `len` bytes at the returned
//! pointer, calls an entry point with `(ptr, len, ..)`, then `probe_free(ptr, len)`.

use mqttscope_proto::codec::{Framer, Packet, ProtocolVersion, Status};
use mqttscope_proto::dissect::dissect;

fn version(level: u32) -> ProtocolVersion {
    ProtocolVersion::from_level(level as u8).unwrap_or(ProtocolVersion::V5)
}

/// Borrows the host-written input.
///
/// # Safety
/// `ptr..ptr+len` must be a live allocation from [`probe_alloc`] of exactly `len` bytes.
unsafe fn input<'a>(ptr: *const u8, len: usize) -> &'a [u8] {
    if len == 0 {
        return &[];
    }
    // SAFETY: the caller passes a block from `probe_alloc(len)` that it has filled.
    unsafe { std::slice::from_raw_parts(ptr, len) }
}

/// Allocates `len` bytes for the host to fill.
#[no_mangle]
pub extern "C" fn probe_alloc(len: usize) -> *mut u8 {
    let mut v = vec![0u8; len];
    let p = v.as_mut_ptr();
    std::mem::forget(v);
    p
}

/// Frees a block from [`probe_alloc`].
///
/// # Safety
/// `ptr` and `len` must come from one `probe_alloc(len)` call, freed once.
#[no_mangle]
pub unsafe extern "C" fn probe_free(ptr: *mut u8, len: usize) {
    if len > 0 {
        // SAFETY: rebuilds the Vec that `probe_alloc` leaked, with its exact capacity.
        drop(unsafe { Vec::from_raw_parts(ptr, len, len) });
    }
}

/// Decodes the first packet of the input: its byte length, or -1 if malformed, or 0 if
/// incomplete.
///
/// # Safety
/// See [`input`].
#[no_mangle]
pub unsafe extern "C" fn probe_decode(ptr: *const u8, len: usize, level: u32) -> i32 {
    match Packet::decode(unsafe { input(ptr, len) }, version(level)) {
        Ok(Status::Complete((_, used))) => used as i32,
        Ok(Status::Partial { .. }) => 0,
        Err(_) => -1,
    }
}

/// Dissects the first packet: the number of fields, negated when it is malformed.
///
/// # Safety
/// See [`input`].
#[no_mangle]
pub unsafe extern "C" fn probe_dissect(ptr: *const u8, len: usize, level: u32) -> i32 {
    let d = dissect(unsafe { input(ptr, len) }, version(level));
    let n = d.fields.len() as i32;
    if d.error.is_some() {
        -n
    } else {
        n
    }
}

/// Feeds the input through a [`Framer`] in `chunk`-byte slices and decodes every packet,
/// as the browser driver does with WebSocket frames: the number of packets, or -1 on a
/// malformed one. The benchmark entry point.
///
/// # Safety
/// See [`input`].
#[no_mangle]
pub unsafe extern "C" fn probe_decode_stream(
    ptr: *const u8,
    len: usize,
    chunk: usize,
    level: u32,
) -> i64 {
    let bytes = unsafe { input(ptr, len) };
    let mut framer = Framer::new(version(level), 268_435_460);
    let mut count = 0i64;
    for c in bytes.chunks(chunk.max(1)) {
        let mut frames = framer.feed(c);
        loop {
            match frames.with_next_packet(|p| std::hint::black_box(p).packet_type()) {
                Ok(Some(_)) => count += 1,
                Ok(None) => break,
                Err(_) => return -1,
            }
        }
    }
    count
}
