//! The implementations under test, one module each. Every decoder is fed the workload in
//! fixed-size chunks, as WebSocket frames would arrive, and returns the packets it saw per
//! type; every encoder appends W2's packets to an output buffer.
//!
//! Each library gets its own idiomatic streaming loop:
//! - `mqttscope`: its [`Framer`](mqttscope_proto::codec::Framer), which decodes packets in
//!   place from the chunk and assembles only packets that span chunks;
//! - `rumqttc`: a `BytesMut` the chunks are appended to, drained by `Packet::read` (which
//!   splits each complete packet off), as rumqttc's own network loop does;
//! - `mqttrs`: the same `BytesMut`, with `decode_slice` borrowing each complete packet in
//!   place and `advance` dropping it.

pub mod memcpy;
pub mod mqttrs;
pub mod ours;
pub mod probe;
pub mod rumqttc;

/// The largest packet every decoder accepts: the protocol maximum (Remaining Length
/// 268,435,455 plus a 5-byte fixed header), so no limit check differs between them.
pub const MAX_PACKET: usize = 268_435_460;
