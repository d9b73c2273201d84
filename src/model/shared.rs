//! A payload shared by the views: the bytes of a received or sent PUBLISH are held once,
//! by its packet row and its message row alike, the message row seeing the payload at the
//! packet's end (a PUBLISH payload always runs to the end of its packet).

use std::fmt;
use std::ops::Deref;
use std::sync::Arc;

/// The payload of a message: the tail of a shared buffer, from `start`.
#[derive(Clone)]
pub struct Payload {
    buf: Arc<[u8]>,
    start: usize,
}

impl Payload {
    /// The bytes of `buf` from `start` (all of it when `start` is past its end: never
    /// out of bounds).
    pub fn tail(buf: Arc<[u8]>, start: usize) -> Self {
        let start = start.min(buf.len());
        Payload { buf, start }
    }

    /// The buffer the payload is part of (a whole packet when shared with its row).
    pub fn buffer(&self) -> &Arc<[u8]> {
        &self.buf
    }
}

impl Deref for Payload {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        self.buf.get(self.start..).unwrap_or_default()
    }
}

impl AsRef<[u8]> for Payload {
    fn as_ref(&self) -> &[u8] {
        self
    }
}

impl From<&[u8]> for Payload {
    /// A payload with a buffer of its own.
    fn from(bytes: &[u8]) -> Self {
        Payload::tail(Arc::from(bytes), 0)
    }
}

impl From<Arc<[u8]>> for Payload {
    fn from(buf: Arc<[u8]>) -> Self {
        Payload::tail(buf, 0)
    }
}

impl PartialEq for Payload {
    /// Equal bytes, wherever they are held.
    fn eq(&self, other: &Self) -> bool {
        **self == **other
    }
}

impl fmt::Debug for Payload {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Payload").field(&&**self).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tail_shares_its_buffer_and_never_reads_past_it() {
        let packet: Arc<[u8]> = Arc::from(&[0x30, 0x04, 0, 1, b't', b'!'][..]);
        let p = Payload::tail(Arc::clone(&packet), 5);
        assert_eq!(&*p, b"!");
        assert!(Arc::ptr_eq(p.buffer(), &packet));
        assert_eq!(&*Payload::tail(packet, 99), b"");
        assert_eq!(Payload::from(&b"!"[..]), p);
    }
}
