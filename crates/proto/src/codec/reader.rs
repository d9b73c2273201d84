//! The bounded byte reader every decoder runs on, and the [`Trace`] hook that lets the
//! dissector watch the decoder work.
//!
//! The codec decides and the dissector explains: there is one decoder, generic over a
//! [`Trace`]. Decoding for real uses [`NoTrace`], whose methods are empty and whose
//! `ON` constant lets the compiler drop every tracing branch; the dissector passes a
//! recorder that turns each primitive read into a [`crate::dissect::Field`].

use std::borrow::Cow;

use super::error::{DecodeError, DecodeErrorKind};
use super::string::{validate_str, StrKind};
use super::ProtocolVersion;
use crate::dissect::Value;

/// What a field is called: its path segment, its human label and the spec section that
/// defines it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Meta {
    pub name: &'static str,
    pub label: &'static str,
    pub section: &'static str,
}

impl Meta {
    pub(crate) const fn new(
        name: &'static str,
        label: &'static str,
        section: &'static str,
    ) -> Self {
        Meta {
            name,
            label,
            section,
        }
    }
}

/// One step of a field path: a name, or an index into a list.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Seg {
    Name(&'static str),
    Index(usize),
}

/// Receives the fields a decoder reads, in order.
pub(crate) trait Trace {
    /// False for [`NoTrace`]: every `if T::ON` block then compiles to nothing.
    const ON: bool;
    /// Enters a group (`properties`, `filters[2]`).
    fn push(&mut self, seg: Seg);
    /// Leaves the innermost group.
    fn pop(&mut self);
    /// Records one field: bytes `start..end`, optionally only the bits in `mask` of a
    /// single byte.
    fn field(
        &mut self,
        start: usize,
        end: usize,
        mask: Option<u8>,
        m: &Meta,
        label: Option<String>,
        value: Value,
    );
}

/// The trace of plain decoding: nothing is recorded.
pub(crate) struct NoTrace;

impl Trace for NoTrace {
    const ON: bool = false;
    #[inline(always)]
    fn push(&mut self, _: Seg) {}
    #[inline(always)]
    fn pop(&mut self) {}
    #[inline(always)]
    fn field(&mut self, _: usize, _: usize, _: Option<u8>, _: &Meta, _: Option<String>, _: Value) {}
}

/// A cursor over one packet's bytes with an end limit (the packet end, or the end of a
/// property block), positioned by absolute offsets so errors name the byte in the input.
pub(crate) struct Reader<'a, 't, T> {
    buf: &'a [u8],
    pos: usize,
    end: usize,
    pub(crate) version: ProtocolVersion,
    pub(crate) tr: &'t mut T,
}

pub(crate) type Res<X> = Result<X, DecodeError>;

impl<'a, 't, T: Trace> Reader<'a, 't, T> {
    /// A reader over `buf[pos..end]`; `end` must not exceed `buf.len()`.
    pub(crate) fn new(
        buf: &'a [u8],
        pos: usize,
        end: usize,
        version: ProtocolVersion,
        tr: &'t mut T,
    ) -> Self {
        let end = end.min(buf.len());
        Reader {
            buf,
            pos: pos.min(end),
            end,
            version,
            tr,
        }
    }

    /// Absolute offset of the next byte.
    #[inline]
    pub(crate) fn pos(&self) -> usize {
        self.pos
    }

    /// Bytes left before the limit.
    #[inline]
    pub(crate) fn remaining(&self) -> usize {
        self.end - self.pos
    }

    /// True when the limit is reached.
    #[inline]
    pub(crate) fn is_empty(&self) -> bool {
        self.pos == self.end
    }

    /// Shortens the limit to `len` bytes from here (a property block), returning the old
    /// limit for [`Reader::restore_end`]. Fails if the block runs past the current limit.
    pub(crate) fn limit(&mut self, len: usize, rule: &'static str) -> Res<usize> {
        if len > self.remaining() {
            return Err(self.err_at(
                self.pos,
                DecodeErrorKind::LengthExceedsPacket {
                    len,
                    available: self.remaining(),
                },
                rule,
            ));
        }
        let old = self.end;
        self.end = self.pos + len;
        Ok(old)
    }

    /// Restores a limit saved by [`Reader::limit`].
    pub(crate) fn restore_end(&mut self, end: usize) {
        self.end = end;
    }

    /// An error at `offset`.
    #[cold]
    pub(crate) fn err_at(
        &self,
        offset: usize,
        kind: DecodeErrorKind,
        rule: &'static str,
    ) -> DecodeError {
        DecodeError::new(offset, kind, rule)
    }

    #[cold]
    fn short(&self, wanted: usize, m: &Meta) -> DecodeError {
        DecodeError::new(
            self.end,
            DecodeErrorKind::UnexpectedEnd {
                field: m.label,
                wanted,
                available: self.remaining(),
            },
            m.section,
        )
    }

    /// Takes `n` raw bytes without tracing them.
    #[inline]
    pub(crate) fn take(&mut self, n: usize, m: &Meta) -> Res<&'a [u8]> {
        if n > self.remaining() {
            return Err(self.short(n, m));
        }
        let s = &self.buf[self.pos..self.pos + n];
        self.pos += n;
        Ok(s)
    }

    /// The next byte, without taking it.
    #[inline(always)]
    pub(crate) fn peek(&self) -> Option<u8> {
        if self.pos < self.end {
            self.buf.get(self.pos).copied()
        } else {
            None
        }
    }

    /// Steps over `n` bytes already looked at with [`Reader::peek`] (at most up to the
    /// limit).
    #[inline(always)]
    pub(crate) fn skip(&mut self, n: usize) {
        self.pos = (self.pos + n).min(self.end);
    }

    /// The bytes from absolute offset `start` up to the next byte.
    #[inline]
    pub(crate) fn since(&self, start: usize) -> &'a [u8] {
        &self.buf[start.min(self.pos)..self.pos]
    }

    /// The bytes up to the limit, without taking them.
    #[inline]
    pub(crate) fn rest(&self) -> &'a [u8] {
        &self.buf[self.pos..self.end]
    }

    /// Moves back (or forward) to `pos`, within the current block.
    #[inline]
    pub(crate) fn rewind_to(&mut self, pos: usize) {
        self.pos = pos.min(self.end);
    }

    /// Takes everything up to the limit.
    #[inline]
    pub(crate) fn take_rest(&mut self) -> &'a [u8] {
        let s = &self.buf[self.pos..self.end];
        self.pos = self.end;
        s
    }

    /// Enters a named group for tracing.
    #[inline(always)]
    pub(crate) fn enter(&mut self, name: &'static str) {
        if T::ON {
            self.tr.push(Seg::Name(name));
        }
    }

    /// Enters an indexed group for tracing.
    #[inline(always)]
    pub(crate) fn enter_index(&mut self, i: usize) {
        if T::ON {
            self.tr.push(Seg::Index(i));
        }
    }

    /// Leaves a group.
    #[inline(always)]
    pub(crate) fn leave(&mut self) {
        if T::ON {
            self.tr.pop();
        }
    }

    /// Records a field over `start..pos`, building its value only when tracing.
    #[inline(always)]
    pub(crate) fn note(&mut self, start: usize, m: &Meta, value: impl FnOnce() -> Value) {
        if T::ON {
            self.tr.field(start, self.pos, None, m, None, value());
        }
    }

    /// Records a bit field of the byte at `at`.
    #[inline(always)]
    pub(crate) fn note_bits(
        &mut self,
        at: usize,
        mask: u8,
        m: &Meta,
        value: impl FnOnce() -> Value,
    ) {
        if T::ON {
            self.tr.field(at, at + 1, Some(mask), m, None, value());
        }
    }

    /// Reads and records one byte.
    #[inline]
    pub(crate) fn u8(&mut self, m: &Meta) -> Res<u8> {
        let start = self.pos;
        let b = self.take(1, m)?[0];
        self.note(start, m, || Value::UInt(b.into()));
        Ok(b)
    }

    /// Reads and records a big-endian two byte integer.
    #[inline]
    pub(crate) fn u16(&mut self, m: &Meta) -> Res<u16> {
        let start = self.pos;
        let b = self.take(2, m)?;
        let v = u16::from_be_bytes([b[0], b[1]]);
        self.note(start, m, || Value::UInt(v.into()));
        Ok(v)
    }

    /// Reads and records a big-endian four byte integer.
    #[inline]
    pub(crate) fn u32(&mut self, m: &Meta) -> Res<u32> {
        let start = self.pos;
        let b = self.take(4, m)?;
        let v = u32::from_be_bytes([b[0], b[1], b[2], b[3]]);
        self.note(start, m, || Value::UInt(v.into()));
        Ok(v)
    }

    /// Reads and records a Variable Byte Integer (1.5.5): at most four bytes, and in MQTT 5
    /// the minimal encoding [MQTT-1.5.5-1]. A one byte integer is one field; a longer one
    /// is one field per byte, the last carrying the value.
    #[inline]
    pub(crate) fn varint(&mut self, m: &Meta) -> Res<u32> {
        match self.peek() {
            // One byte: minimal and complete.
            Some(b @ 0..0x80) if !T::ON => {
                self.pos += 1;
                Ok(u32::from(b))
            }
            _ => self.varint_full(m),
        }
    }

    /// [`Reader::varint`] in full: several bytes, errors, tracing.
    fn varint_full(&mut self, m: &Meta) -> Res<u32> {
        let start = self.pos;
        let (value, len) = match super::varint::parse(&self.buf[self.pos..self.end], self.version) {
            Ok(Some(ok)) => ok,
            Ok(None) => return Err(self.short(self.remaining() + 1, m)),
            Err((at, kind, rule)) => return Err(self.err_at(start + at, kind, rule)),
        };
        self.pos += len;
        if T::ON {
            self.note_varint(start, len, value, m);
        }
        Ok(value)
    }

    fn note_varint(&mut self, start: usize, len: usize, value: u32, m: &Meta) {
        for i in 0..len - 1 {
            let byte = self.buf[start + i];
            let label = format!("{} (byte {} of {len})", m.label, i + 1);
            let v = Value::VarIntByte {
                digit: u32::from(byte & 0x7f),
                shift: 7 * i as u8,
            };
            self.tr
                .field(start + i, start + i + 1, None, m, Some(label), v);
        }
        self.tr.field(
            start + len - 1,
            start + len,
            None,
            m,
            None,
            Value::UInt(value.into()),
        );
    }

    /// Reads a length-prefixed UTF-8 string (1.5.4) and checks it as `kind` says.
    #[inline(always)]
    pub(crate) fn str(&mut self, m: &Meta, kind: StrKind) -> Res<Cow<'a, str>> {
        let raw = self.len_prefixed(m)?;
        let start = self.pos - raw.len();
        let s = validate_str(raw, kind, self.version)
            .map_err(|(at, k, rule)| self.err_at(start + at, k, rule))?;
        self.note(start, m, || Value::Text(s.to_owned()));
        Ok(Cow::Borrowed(s))
    }

    /// Reads length-prefixed Binary Data (1.5.6).
    pub(crate) fn bin(&mut self, m: &Meta) -> Res<Cow<'a, [u8]>> {
        let raw = self.len_prefixed(m)?;
        let start = self.pos - raw.len();
        self.note(start, m, || Value::Bytes(raw.to_vec()));
        Ok(Cow::Borrowed(raw))
    }

    /// Reads a two byte length and that many bytes; records the length as its own field.
    #[inline(always)]
    fn len_prefixed(&mut self, m: &Meta) -> Res<&'a [u8]> {
        let start = self.pos;
        let lm = Meta::new("length", m.label, "1.5.4");
        let b = self.take(2, &lm)?;
        let n = usize::from(u16::from_be_bytes([b[0], b[1]]));
        if T::ON {
            self.tr.push(Seg::Name(m.name));
            self.tr.field(
                start,
                self.pos,
                None,
                &lm,
                Some(format!("{} length", m.label)),
                Value::UInt(n as u64),
            );
            self.tr.pop();
        }
        self.take(n, m)
    }
}
