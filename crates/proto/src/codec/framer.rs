//! A streaming framer: feed it chunks of any size, get complete packets back.
//!
//! Bytes that arrive in one chunk and hold whole packets are handed out in place, without
//! a copy; only a packet that spans chunks is assembled, once, in the framer's buffer. A
//! packet above the configured maximum size is refused as soon as its fixed header is
//! complete, before any of it is buffered.
//!
//! ```
//! use mqttscope_proto::codec::{Framer, Packet, ProtocolVersion};
//!
//! let mut framer = Framer::new(ProtocolVersion::V3_1_1, 1024);
//! let mut seen = Vec::new();
//! for chunk in [&[0xc0, 0x00, 0xd0][..], &[0x00][..]] {
//!     let mut frames = framer.feed(chunk);
//!     while let Some(packet) = frames.next_packet()? {
//!         seen.push(packet.packet_type());
//!     }
//! }
//! assert_eq!(seen.len(), 2);
//! # Ok::<(), mqttscope_proto::codec::DecodeError>(())
//! ```

use super::error::{DecodeError, DecodeErrorKind};
use super::header::{self, FixedHeader};
use super::reader::NoTrace;
use super::{decode_body, Packet, ProtocolVersion, Status};

/// Reassembles packets from a byte stream. See the module documentation.
#[derive(Debug)]
pub struct Framer {
    buf: Vec<u8>,
    start: usize,
    version: ProtocolVersion,
    max_packet_size: usize,
    failed: Option<DecodeError>,
}

impl Framer {
    /// A framer for `version` that refuses packets larger than `max_packet_size` bytes
    /// (the whole packet, fixed header included).
    pub fn new(version: ProtocolVersion, max_packet_size: usize) -> Self {
        Framer {
            buf: Vec::new(),
            start: 0,
            version,
            max_packet_size,
            failed: None,
        }
    }

    /// Changes the protocol version (once CONNECT / CONNACK has settled it).
    pub fn set_version(&mut self, version: ProtocolVersion) {
        self.version = version;
    }

    /// The protocol version packets are decoded with.
    pub fn version(&self) -> ProtocolVersion {
        self.version
    }

    /// Changes the largest packet accepted.
    pub fn set_max_packet_size(&mut self, max: usize) {
        self.max_packet_size = max;
    }

    /// Bytes held back waiting for the rest of their packet.
    pub fn buffered(&self) -> usize {
        self.buf.len() - self.start
    }

    /// Forgets buffered bytes and any earlier error (for a new connection).
    pub fn reset(&mut self) {
        self.buf.clear();
        self.start = 0;
        self.failed = None;
    }

    /// Starts consuming `chunk`. Pull packets with [`Frames::next_frame`] or
    /// [`Frames::next_packet`] until they return `Ok(None)`; whatever is left then (or
    /// when the `Frames` is dropped early) is kept for the next chunk.
    pub fn feed<'f, 'c>(&'f mut self, chunk: &'c [u8]) -> Frames<'f, 'c> {
        Frames {
            framer: self,
            chunk,
            pos: 0,
        }
    }

    fn fail(&mut self, e: DecodeError) -> DecodeError {
        self.failed = Some(e.clone());
        e
    }

    #[inline(always)]
    fn parse_header(&mut self, bytes: &[u8]) -> Result<Status<FixedHeader>, DecodeError> {
        let h = match header::parse(bytes, self.version, &mut NoTrace) {
            Ok(Status::Complete(h)) => h,
            Ok(partial) => return Ok(partial),
            Err(e) => return Err(self.fail(e)),
        };
        if h.len() > self.max_packet_size {
            let kind = DecodeErrorKind::PacketTooLarge {
                size: h.len(),
                max: self.max_packet_size,
            };
            return Err(self.fail(DecodeError::new(0, kind, "MQTT-3.1.2-24")));
        }
        Ok(Status::Complete(h))
    }
}

/// Where the next frame lies.
enum Slot {
    /// `chunk[a..b]`.
    Chunk(usize, usize),
    /// `framer.buf[a..b]`.
    Buffer(usize, usize),
}

/// The packets of one chunk, pulled one at a time. Dropping it keeps the rest buffered.
pub struct Frames<'f, 'c> {
    framer: &'f mut Framer,
    chunk: &'c [u8],
    pos: usize,
}

impl Frames<'_, '_> {
    /// The bytes of the next complete packet, or `Ok(None)` when the input is used up.
    /// Errors (a malformed fixed header, an oversized packet) end the stream: every later
    /// call returns the same error. Offsets in errors count from the packet's first byte.
    pub fn next_frame(&mut self) -> Result<Option<&[u8]>, DecodeError> {
        Ok(self.next_slot()?.map(|(_, slot)| self.slice(slot)))
    }

    /// Decodes the next complete packet, borrowing from the chunk or the framer's buffer.
    #[inline(always)]
    pub fn next_packet(&mut self) -> Result<Option<Packet<'_>>, DecodeError> {
        let Some((h, slot)) = self.next_slot()? else {
            return Ok(None);
        };
        let version = self.framer.version;
        let frame = match slot {
            Slot::Chunk(a, b) => &self.chunk[a..b],
            Slot::Buffer(a, b) => &self.framer.buf[a..b],
        };
        match decode_body(frame, &h, version, &mut NoTrace) {
            Ok(p) => Ok(Some(p)),
            Err(e) => {
                self.framer.failed = Some(e.clone());
                Err(e)
            }
        }
    }

    /// Decodes the next complete packet and lends it to `f`.
    #[inline(always)]
    pub fn with_next_packet<R>(
        &mut self,
        f: impl FnOnce(&Packet<'_>) -> R,
    ) -> Result<Option<R>, DecodeError> {
        Ok(self.next_packet()?.map(|p| {
            let r = f(&p);
            // PUBLISH, the common case, drops through its own small glue inline rather than
            // the out-of-line glue of the whole enum; any other packet drops where it is
            // (moving it to a match arm would copy it).
            if let Packet::Publish(publish) = p {
                drop(publish);
            }
            r
        }))
    }

    fn slice(&self, slot: Slot) -> &[u8] {
        match slot {
            Slot::Chunk(a, b) => &self.chunk[a..b],
            Slot::Buffer(a, b) => &self.framer.buf[a..b],
        }
    }

    #[inline(always)]
    fn next_slot(&mut self) -> Result<Option<(FixedHeader, Slot)>, DecodeError> {
        if self.framer.buf.is_empty() && self.framer.failed.is_none() {
            return self.next_in_chunk();
        }
        self.next_slot_buffered()
    }

    /// A failed stream, or a packet begun in an earlier chunk.
    #[cold]
    fn next_slot_buffered(&mut self) -> Result<Option<(FixedHeader, Slot)>, DecodeError> {
        if let Some(e) = &self.framer.failed {
            return Err(e.clone());
        }
        if self.framer.start == self.framer.buf.len() {
            self.framer.buf.clear();
            self.framer.start = 0;
            return self.next_in_chunk();
        }
        self.next_in_buffer()
    }

    /// The common case: packets read in place from the chunk.
    #[inline(always)]
    fn next_in_chunk(&mut self) -> Result<Option<(FixedHeader, Slot)>, DecodeError> {
        let rest = &self.chunk[self.pos..];
        if rest.is_empty() {
            return Ok(None);
        }
        match self.framer.parse_header(rest)? {
            Status::Complete(h) if h.len() <= rest.len() => {
                let a = self.pos;
                self.pos += h.len();
                Ok(Some((h, Slot::Chunk(a, self.pos))))
            }
            _ => {
                // Nothing is reserved for the announced length: six bytes may announce
                // 256 MiB. The buffer grows with the bytes that really arrive.
                self.framer.buf.extend_from_slice(rest);
                self.pos = self.chunk.len();
                Ok(None)
            }
        }
    }

    /// A packet begun in an earlier chunk (or left over from an early drop): complete it
    /// in the buffer with as few bytes of the chunk as it needs.
    fn next_in_buffer(&mut self) -> Result<Option<(FixedHeader, Slot)>, DecodeError> {
        let f = &mut *self.framer;
        loop {
            let have = f.buf.len() - f.start;
            let status = {
                let (buf, start) = (std::mem::take(&mut f.buf), f.start);
                let s = f.parse_header(&buf[start..]);
                f.buf = buf;
                s?
            };
            let need = match status {
                Status::Complete(h) if h.len() <= have => {
                    let a = f.start;
                    f.start += h.len();
                    return Ok(Some((h, Slot::Buffer(a, f.start))));
                }
                Status::Complete(h) => h.len() - have,
                Status::Partial { .. } => 1,
            };
            let rest = &self.chunk[self.pos..];
            if rest.is_empty() {
                return Ok(None);
            }
            if f.start > 0 {
                f.buf.drain(..f.start);
                f.start = 0;
            }
            let take = need.min(rest.len());
            f.buf.extend_from_slice(&rest[..take]);
            self.pos += take;
        }
    }
}

impl Drop for Frames<'_, '_> {
    fn drop(&mut self) {
        let rest = &self.chunk[self.pos..];
        if !rest.is_empty() && self.framer.failed.is_none() {
            self.framer.buf.extend_from_slice(rest);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codec::PacketType;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    const V4: ProtocolVersion = ProtocolVersion::V3_1_1;

    /// PINGREQ, a PUBLISH "a" -> "hello", PINGRESP.
    const STREAM: [u8; 14] = [
        0xc0, 0x00, 0x30, 0x08, 0x00, 0x01, b'a', b'h', b'e', b'l', b'l', b'o', 0xd0, 0x00,
    ];

    fn types(framer: &mut Framer, chunks: &[&[u8]]) -> Result<Vec<PacketType>, DecodeError> {
        let mut out = Vec::new();
        for c in chunks {
            let mut frames = framer.feed(c);
            while let Some(p) = frames.next_packet()? {
                out.push(p.packet_type());
            }
        }
        Ok(out)
    }

    #[test]
    fn many_packets_in_one_chunk_and_one_packet_over_many() {
        let stream = &STREAM[..12];
        let expected = [PacketType::PingReq, PacketType::Publish];
        assert_eq!(
            types(&mut Framer::new(V4, 1024), &[stream]).unwrap(),
            expected
        );
        let singles: Vec<&[u8]> = stream.chunks(1).collect();
        assert_eq!(
            types(&mut Framer::new(V4, 1024), &singles).unwrap(),
            expected
        );
    }

    #[test]
    fn need_more_bytes_is_not_an_error() {
        let mut f = Framer::new(V4, 1024);
        assert_eq!(f.feed(&[0x30, 0x08, 0x00]).next_frame(), Ok(None));
        assert_eq!(f.buffered(), 3);
    }

    #[test]
    fn complete_packets_are_lent_from_the_chunk_without_a_copy() {
        let mut f = Framer::new(V4, 1024);
        let mut frames = f.feed(&STREAM[..12]);
        let first = frames.next_frame().unwrap().unwrap();
        assert!(std::ptr::eq(first.as_ptr(), STREAM.as_ptr()));
    }

    #[test]
    fn oversized_packets_are_refused_before_buffering() {
        let mut f = Framer::new(V4, 100);
        // A PUBLISH announcing 200 bytes: refused from its two header bytes.
        let err = f.feed(&[0x30, 0xc8, 0x01]).next_frame().unwrap_err();
        assert!(matches!(
            err.kind,
            DecodeErrorKind::PacketTooLarge {
                size: 203,
                max: 100
            }
        ));
        assert_eq!(f.buffered(), 0);
        // The stream stays failed.
        assert_eq!(f.feed(&[0xc0, 0x00]).next_frame().unwrap_err(), err);
        f.reset();
        assert!(f.feed(&[0xc0, 0x00]).next_frame().unwrap().is_some());
    }

    #[test]
    fn a_bad_first_byte_fails_at_once() {
        let mut f = Framer::new(V4, 100);
        let err = f
            .feed(&[0xc0, 0x00, 0x00])
            .next_packet()
            .map(|p| p.map(|p| p.packet_type()));
        assert_eq!(err, Ok(Some(PacketType::PingReq)));
        let mut f = Framer::new(V4, 100);
        let mut frames = f.feed(&[0xc0, 0x00, 0x00]);
        frames.next_frame().unwrap();
        assert_eq!(
            frames.next_frame().unwrap_err().kind,
            DecodeErrorKind::InvalidPacketType { value: 0 }
        );
    }

    #[test]
    fn an_early_drop_keeps_the_rest() {
        let mut f = Framer::new(V4, 1024);
        {
            let mut frames = f.feed(&STREAM[..13]);
            assert!(frames.next_frame().unwrap().is_some());
        }
        // PUBLISH and half a PINGRESP are buffered; the next chunk completes it.
        assert_eq!(
            types(&mut f, &[&STREAM[13..]]).unwrap(),
            [PacketType::Publish, PacketType::PingResp]
        );
    }

    #[test]
    fn an_announced_length_reserves_nothing_until_its_bytes_arrive() {
        // Six bytes announcing the largest packet there is: nothing is set aside for it.
        let mut f = Framer::new(V4, usize::MAX);
        let head = [0x30, 0xff, 0xff, 0xff, 0x7f, 0x00];
        assert!(f.feed(&head).next_frame().unwrap().is_none());
        assert_eq!(f.buffered(), head.len());
        assert!(f.buf.capacity() < 4096, "{} reserved", f.buf.capacity());
        // The buffer grows with what arrives, and no faster.
        let chunk = vec![0u8; 64 * 1024];
        for _ in 0..4 {
            assert!(f.feed(&chunk).next_frame().unwrap().is_none());
        }
        assert_eq!(f.buffered(), head.len() + 4 * chunk.len());
        assert!(f.buf.capacity() <= 2 * f.buffered() + 4096);
    }

    #[test]
    fn a_w4_sized_publish_reassembles_from_64_kib_chunks() {
        let mut bytes = Vec::new();
        let payload: Vec<u8> = (0..256 * 1024).map(|i| (i % 251) as u8).collect();
        crate::codec::Packet::Publish(crate::codec::Publish::new("w4/a", &payload[..]))
            .encode(ProtocolVersion::V5, &mut bytes)
            .unwrap();
        let mut f = Framer::new(ProtocolVersion::V5, 1 << 20);
        let mut got = None;
        for c in bytes.chunks(64 * 1024) {
            let mut frames = f.feed(c);
            if let Some(crate::codec::Packet::Publish(p)) = frames.next_packet().unwrap() {
                got = Some(p.payload.into_owned());
            }
        }
        assert_eq!(got.as_deref(), Some(&payload[..]));
    }
}
