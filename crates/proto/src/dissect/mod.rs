//! Byte-level dissection: every byte of a packet mapped to a named field and the spec
//! section behind it, for valid and malformed input alike.
//!
//! The dissector does not parse on its own: it runs the codec's decoder with a recorder
//! attached, so what it shows is exactly what the codec decided. For valid input the
//! fields tile the packet; for malformed input they tile the bytes before the failing
//! field, and [`Dissection::error`] names the offending byte and the rule it breaks.
//!
//! ```
//! use mqttscope_proto::codec::ProtocolVersion;
//! use mqttscope_proto::dissect::dissect;
//!
//! let d = dissect(&[0xc0, 0x00], ProtocolVersion::V5);
//! let paths: Vec<_> = d.fields.iter().map(|f| f.path.as_str()).collect();
//! assert_eq!(paths, ["fixed_header.type", "fixed_header.flags", "fixed_header.remaining_length"]);
//! assert!(d.error.is_none());
//! ```

use std::fmt;
use std::ops::Range;

use crate::codec::reader::{Meta, Seg, Trace};
use crate::codec::{
    decode_body, header, truncated, DecodeError, DecodeErrorKind, PacketType, ProtocolVersion,
    Status,
};

mod secrets;
mod value;

pub use secrets::mask_secrets;
pub use value::Value;

/// One field of a dissected packet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    /// The bytes it occupies (absolute offsets in the dissected input).
    pub range: Range<usize>,
    /// For a field made of some bits of one byte: those bits.
    pub mask: Option<u8>,
    /// Its place in the packet: `publish.properties.topic_alias`.
    pub path: String,
    /// A human label: "Topic Alias".
    pub label: String,
    /// The decoded value.
    pub value: Value,
    /// The MQTT 5 section that defines it: "3.3.2.3.4".
    pub section: &'static str,
    /// Nesting depth (the number of groups around it), for indenting a tree.
    pub depth: usize,
}

/// The dissection of one packet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dissection {
    /// The packet type, once the first byte is known to be valid.
    pub packet_type: Option<PacketType>,
    /// Fields in byte order.
    pub fields: Vec<Field>,
    /// Why decoding stopped, if it did.
    pub error: Option<DecodeError>,
    /// Bytes the packet spans in the input (its whole length when valid; when malformed,
    /// up to the end of the input or of the declared packet).
    pub len: usize,
}

impl Dissection {
    /// The end of the last field: the fields tile `0..covered()` (plus the offset of the
    /// input they were taken from).
    pub fn covered(&self) -> usize {
        self.fields.last().map_or(0, |f| f.range.end)
    }

    /// The indices of the fields that cover byte `offset` (several for a byte split into
    /// bit fields).
    pub fn fields_at(&self, offset: usize) -> impl Iterator<Item = usize> + '_ {
        self.fields
            .iter()
            .enumerate()
            .filter(move |(_, f)| f.range.contains(&offset))
            .map(|(i, _)| i)
    }
}

/// Dissects the packet at the start of `bytes`. Bytes after the packet are reported as
/// an error (see [`dissect_stream`] for several packets).
pub fn dissect(bytes: &[u8], version: ProtocolVersion) -> Dissection {
    dissect_at(bytes, 0, version)
}

/// Dissects every packet in `bytes`, one after the other, until the input ends or a
/// packet is malformed. Field offsets are absolute.
pub fn dissect_stream(bytes: &[u8], version: ProtocolVersion) -> Vec<Dissection> {
    let mut out = Vec::new();
    let mut pos = 0;
    let mut version = version;
    while pos < bytes.len() {
        let d = dissect_packet(&bytes[pos..], pos, version);
        let stop = d.error.is_some() || d.len == 0;
        if let Some(PacketType::Connect) = d.packet_type {
            version = connect_version(&bytes[pos..]).unwrap_or(version);
        }
        pos += d.len;
        out.push(d);
        if stop {
            break;
        }
    }
    out
}

/// The protocol level a CONNECT declares, so later packets of a stream decode in it.
fn connect_version(bytes: &[u8]) -> Option<ProtocolVersion> {
    match crate::codec::Packet::decode(bytes, ProtocolVersion::V5) {
        Ok(Status::Complete((crate::codec::Packet::Connect(c), _))) => Some(c.protocol),
        _ => None,
    }
}

fn dissect_at(bytes: &[u8], base: usize, version: ProtocolVersion) -> Dissection {
    let mut d = dissect_packet(bytes, base, version);
    if d.error.is_none() && d.len < bytes.len() {
        let count = bytes.len() - d.len;
        d.error = Some(DecodeError::new(
            base + d.len,
            DecodeErrorKind::TrailingBytes { count },
            "2.1.4",
        ));
    }
    d
}

/// Dissects one packet of `bytes`, reporting offsets plus `base`.
fn dissect_packet(bytes: &[u8], base: usize, version: ProtocolVersion) -> Dissection {
    let mut rec = Recorder {
        base,
        stack: Vec::new(),
        fields: Vec::new(),
    };
    let (packet_type, len, error) = run(bytes, version, &mut rec);
    if let Some(t) = packet_type {
        for f in &mut rec.fields {
            f.section = crate::codec::ack::property_section(t, f.section);
        }
    }
    let error = error.map(|mut e| {
        e.offset += base;
        e
    });
    Dissection {
        packet_type,
        fields: rec.fields,
        error,
        len,
    }
}

fn run(
    bytes: &[u8],
    v: ProtocolVersion,
    rec: &mut Recorder,
) -> (Option<PacketType>, usize, Option<DecodeError>) {
    let packet_type = bytes.first().and_then(|b| PacketType::from_u8(b >> 4));
    let h = match header::parse(bytes, v, rec) {
        Ok(Status::Complete(h)) => h,
        Ok(Status::Partial { needed }) => {
            return (
                packet_type,
                bytes.len(),
                Some(truncated(bytes.len(), needed)),
            )
        }
        Err(e) => {
            let known = if rec.fields.is_empty() {
                None
            } else {
                packet_type
            };
            return (known, bytes.len().min(5), Some(e));
        }
    };
    let len = h.len().min(bytes.len());
    match decode_body(&bytes[..len], &h, v, rec) {
        Err(e) => (packet_type, len, Some(e)),
        Ok(_) if len < h.len() => (packet_type, len, Some(truncated(len, h.len() - len))),
        Ok(_) => (packet_type, len, None),
    }
}

/// Records fields as the decoder reads them.
struct Recorder {
    base: usize,
    stack: Vec<Seg>,
    fields: Vec<Field>,
}

impl Recorder {
    fn path(&self, name: &str) -> String {
        let mut p = String::new();
        for seg in &self.stack {
            match seg {
                Seg::Name(n) => {
                    if !p.is_empty() {
                        p.push('.');
                    }
                    p.push_str(n);
                }
                Seg::Index(i) => p.push_str(&format!("[{i}]")),
            }
        }
        if !p.is_empty() {
            p.push('.');
        }
        p.push_str(name);
        p
    }
}

impl Trace for Recorder {
    const ON: bool = true;

    fn push(&mut self, seg: Seg) {
        self.stack.push(seg);
    }

    fn pop(&mut self) {
        self.stack.pop();
    }

    fn field(
        &mut self,
        start: usize,
        end: usize,
        mask: Option<u8>,
        m: &Meta,
        label: Option<String>,
        value: Value,
    ) {
        self.fields.push(Field {
            range: self.base + start..self.base + end,
            mask,
            path: self.path(m.name),
            label: label.unwrap_or_else(|| m.label.to_owned()),
            value,
            section: m.section,
            depth: self.stack.len(),
        });
    }
}

impl fmt::Display for Dissection {
    /// A `tshark -V` style tree: offset, bytes, label, value, section.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for field in &self.fields {
            let bits = field
                .mask
                .map(|m| format!("  mask {m:08b}"))
                .unwrap_or_default();
            writeln!(
                f,
                "{:>5}..{:<5}{:indent$}{}: {}{bits}  [{}] (§{})",
                field.range.start,
                field.range.end,
                "",
                field.label,
                field.value,
                field.path,
                field.section,
                indent = field.depth * 2,
            )?;
        }
        if let Some(e) = &self.error {
            writeln!(f, "error: {e}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
