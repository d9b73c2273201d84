//! Decoding the packets of a message stream allocates nothing, MQTT 5 properties included:
//! a PUBLISH shaped like the W3 benchmark's (Message Expiry, Topic Alias, Content Type and
//! two User Properties), read whole or through the framer, and its properties read back
//! through the accessors.
//!
//! A counting global allocator checks it. It counts per thread, so the test harness's own
//! allocations on other threads do not show. This file is its own test binary, and the only
//! code here that is `unsafe`: a `GlobalAlloc` cannot be written without it (the library
//! itself denies `unsafe_code`).
#![cfg(not(target_arch = "wasm32"))]

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::num::NonZeroU16;

use mqttscope_proto::codec::{Framer, Packet, ProtocolVersion, Status};

/// The system allocator, counting the allocations of each thread.
struct Counting;

thread_local! {
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
}

fn count() {
    // `try_with`: the thread's count may already be gone while it shuts down.
    let _ = ALLOCATIONS.try_with(|n| n.set(n.get() + 1));
}

#[allow(unsafe_code)]
// SAFETY: every call is passed on unchanged to `System`, which upholds the contract.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count();
        // SAFETY: the caller's guarantees for `layout` are `System::alloc`'s.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        count();
        // SAFETY: as for `alloc`.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count();
        // SAFETY: `ptr` came from this allocator, that is from `System`, with `layout`.
        unsafe { System.realloc(ptr, layout, new_size) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` came from `System` with `layout`.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// The allocations `f` makes on this thread.
fn allocations<R>(f: impl FnOnce() -> R) -> (usize, R) {
    let before = ALLOCATIONS.with(Cell::get);
    let r = f();
    (ALLOCATIONS.with(Cell::get) - before, r)
}

const V5: ProtocolVersion = ProtocolVersion::V5;

/// The `n`th PUBLISH of W3 (QoS 1, 67-byte property block), and its topic.
fn w3_publish(n: u16) -> (Vec<u8>, String) {
    let room = n % 50;
    let topic = format!("sensors/room-{room}/temperature");
    let str_ = |out: &mut Vec<u8>, s: &str| {
        out.extend_from_slice(&(s.len() as u16).to_be_bytes());
        out.extend_from_slice(s.as_bytes());
    };
    let mut props = vec![0x02, 0, 0, 0x0e, 0x10, 0x23];
    props.extend_from_slice(&(room + 1).to_be_bytes());
    props.push(0x03);
    str_(&mut props, "application/json");
    props.push(0x26);
    str_(&mut props, "sensor-id");
    str_(&mut props, &format!("room-{room}-t1"));
    props.push(0x26);
    str_(&mut props, "unit");
    str_(&mut props, "celsius");
    let mut body = Vec::new();
    str_(&mut body, &topic);
    body.extend_from_slice(&(n + 1).to_be_bytes());
    body.push(props.len() as u8);
    body.extend_from_slice(&props);
    body.extend_from_slice(&[b' '; 64]);
    let mut packet = vec![
        0x32,
        0x80 | (body.len() & 0x7f) as u8,
        (body.len() >> 7) as u8,
    ];
    packet.extend_from_slice(&body);
    (packet, topic)
}

#[test]
fn a_v5_publish_with_user_properties_decodes_and_reads_without_allocating() {
    let (bytes, topic) = w3_publish(17);
    let (n, decoded) = allocations(|| Packet::decode(&bytes, V5));
    let Ok(Status::Complete((Packet::Publish(p), used))) = decoded else {
        panic!("{decoded:?}")
    };
    assert_eq!(
        (n, used),
        (0, bytes.len()),
        "allocations decoding a PUBLISH"
    );

    let (n, read) = allocations(|| {
        let pairs = p.properties.user_properties();
        let mut joined = [("", ""); 2];
        for (slot, pair) in joined.iter_mut().zip(pairs) {
            *slot = pair;
        }
        (
            p.properties.message_expiry_interval(),
            p.properties.topic_alias(),
            p.properties.content_type(),
            p.properties.payload_format_indicator(),
            joined,
        )
    });
    assert_eq!(n, 0, "allocations reading the properties");
    assert_eq!(
        read,
        (
            Some(3600),
            NonZeroU16::new(18),
            Some("application/json"),
            None,
            [("sensor-id", "room-17-t1"), ("unit", "celsius")]
        )
    );
    assert_eq!(&*p.topic, topic);
    // The typed set borrows its strings too; only the list of User Properties allocates
    // (which also shows that the count works).
    let (n, typed) = allocations(|| p.properties.to_typed());
    assert_eq!((n, typed.user_properties.len()), (1, 2));
    let (n, ()) = allocations(|| drop(p));
    assert_eq!(n, 0);
}

#[test]
fn a_framed_stream_of_v5_publishes_decodes_without_allocating() {
    let stream: Vec<u8> = (0..50).flat_map(|n| w3_publish(n).0).collect();
    // The framer's buffer for packets split across chunks is allocated once, up front, by
    // a first pass; the second pass must not allocate at all.
    let mut framer = Framer::new(V5, 1 << 16);
    let decode = |framer: &mut Framer| {
        let mut seen = 0;
        for chunk in stream.chunks(97) {
            let mut frames = framer.feed(chunk);
            while let Some(alias) = frames
                .with_next_packet(|p| match p {
                    Packet::Publish(p) => p.properties.topic_alias(),
                    _ => None,
                })
                .unwrap()
            {
                assert!(alias.is_some());
                seen += 1;
            }
        }
        seen
    };
    assert_eq!(decode(&mut framer), 50);
    let (n, seen) = allocations(|| decode(&mut framer));
    assert_eq!(
        (n, seen),
        (0, 50),
        "allocations decoding 50 framed PUBLISH packets"
    );
}
