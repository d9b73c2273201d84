//! The hex pad as plain data: what the text dissects to, which bytes and rows a hover
//! highlights, and how each byte is coloured. [`super::rows`] turns it into the rows the
//! components draw.

use std::ops::Range;

use mqttscope_proto::codec::{DecodeError, PacketType, ProtocolVersion};
use mqttscope_proto::dissect::{dissect_stream, Field};

use super::parse::{parse_hex, HexError};

/// What the pointer (or the keyboard focus) is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Hover {
    /// Nothing.
    #[default]
    None,
    /// A packet's heading row in the tree (index into [`Analysis::packets`]).
    Packet(usize),
    /// A field's row in the tree (index into [`Analysis::fields`]).
    Field(usize),
    /// A byte of the hex view (its offset).
    Byte(usize),
    /// The row that reports the decoding error.
    Error,
}

/// What a hover lights up: tree rows, named by what hovering them targets, and bytes.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Highlight {
    /// The rows to highlight.
    pub rows: Vec<Hover>,
    /// The bytes to highlight.
    pub bytes: Range<usize>,
}

impl Highlight {
    /// True when the row that targets `row` is lit.
    pub fn has_row(&self, row: Hover) -> bool {
        self.rows.contains(&row)
    }

    /// True when byte `offset` is lit.
    pub fn has_byte(&self, offset: usize) -> bool {
        self.bytes.contains(&offset)
    }
}

/// One packet of the input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PacketSpan {
    /// Its type, when the first byte names one.
    pub packet_type: Option<PacketType>,
    /// The bytes it spans.
    pub bytes: Range<usize>,
    /// Its fields (indices into [`Analysis::fields`]).
    pub fields: Range<usize>,
}

/// The part of a packet a byte belongs to, for colouring the hex view.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    /// The fixed header.
    Header,
    /// The variable header and payload fields other than below.
    Body,
    /// An MQTT 5 property block.
    Properties,
    /// A message payload.
    Payload,
}

/// How the hex view draws a byte.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ByteKind {
    /// Inside a field; `stripe` alternates from one field to the next.
    Field {
        /// The part of the packet.
        part: Part,
        /// Alternates between neighbouring fields.
        stripe: bool,
    },
    /// Not covered by any field (after an error).
    Unparsed,
    /// The byte the error points at.
    Error,
}

impl ByteKind {
    /// The CSS classes for the byte.
    pub fn class(self) -> &'static str {
        match self {
            ByteKind::Field { part, stripe } => match (part, stripe) {
                (Part::Header, false) => "part-header",
                (Part::Header, true) => "part-header stripe",
                (Part::Body, false) => "part-body",
                (Part::Body, true) => "part-body stripe",
                (Part::Properties, false) => "part-props",
                (Part::Properties, true) => "part-props stripe",
                (Part::Payload, false) => "part-payload",
                (Part::Payload, true) => "part-payload stripe",
            },
            ByteKind::Unparsed => "unparsed",
            ByteKind::Error => "error-byte",
        }
    }
}

/// Everything the pad shows for one input text and protocol version.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Analysis {
    /// The bytes read from the text.
    pub bytes: Vec<u8>,
    /// Why the text could not be read, if it could not.
    pub input_error: Option<HexError>,
    /// The packets, in order.
    pub packets: Vec<PacketSpan>,
    /// The fields of all packets, in byte order.
    pub fields: Vec<Field>,
    /// Why dissection stopped, if it did.
    pub error: Option<DecodeError>,
}

impl Analysis {
    /// Reads `text` as hex and dissects it in `version`.
    pub fn new(text: &str, version: ProtocolVersion) -> Self {
        match parse_hex(text) {
            Ok(bytes) => Analysis::of_bytes(bytes, version),
            Err(e) => Analysis {
                input_error: Some(e),
                ..Analysis::default()
            },
        }
    }

    /// Dissects `bytes` (several packets in a row are fine) in `version`.
    pub fn of_bytes(bytes: Vec<u8>, version: ProtocolVersion) -> Self {
        let mut analysis = Analysis::default();
        let mut start = 0;
        for d in dissect_stream(&bytes, version) {
            let first = analysis.fields.len();
            analysis.fields.extend(d.fields);
            analysis.packets.push(PacketSpan {
                packet_type: d.packet_type,
                bytes: start..start + d.len,
                fields: first..analysis.fields.len(),
            });
            start += d.len;
            analysis.error = analysis.error.or(d.error);
        }
        analysis.bytes = bytes;
        analysis
    }

    /// The offset of the byte the error points at, if any. It may equal the input length
    /// when the input ends too early.
    pub fn error_offset(&self) -> Option<usize> {
        self.error.as_ref().map(|e| e.offset)
    }

    /// True when the error points just past the last byte (the input ends too early).
    pub fn error_at_end(&self) -> bool {
        self.error_offset() == Some(self.bytes.len())
    }

    /// What `hover` lights up.
    pub fn highlight(&self, hover: Hover) -> Highlight {
        let lit = |rows: Vec<Hover>, bytes: Range<usize>| Highlight { rows, bytes };
        match hover {
            Hover::None => Highlight::default(),
            Hover::Packet(p) => match self.packets.get(p) {
                Some(packet) => lit(vec![hover], packet.bytes.clone()),
                None => Highlight::default(),
            },
            Hover::Field(i) => match self.fields.get(i) {
                Some(field) => lit(vec![hover], field.range.clone()),
                None => Highlight::default(),
            },
            Hover::Error => match self.error_offset() {
                Some(at) => lit(vec![hover], at..at + 1),
                None => Highlight::default(),
            },
            Hover::Byte(b) => self.byte_highlight(b),
        }
    }

    /// The fields over byte `b` (several for bit fields), and the error if it is there.
    fn byte_highlight(&self, b: usize) -> Highlight {
        let mut rows: Vec<Hover> = Vec::new();
        let mut bytes = b..b + 1;
        for (i, f) in self.fields.iter().enumerate() {
            if f.range.contains(&b) {
                rows.push(Hover::Field(i));
                bytes = bytes.start.min(f.range.start)..bytes.end.max(f.range.end);
            }
        }
        if self.error_offset() == Some(b) {
            rows.push(Hover::Error);
        }
        Highlight { rows, bytes }
    }

    /// How to draw each byte.
    pub fn byte_kinds(&self) -> Vec<ByteKind> {
        let mut kinds = vec![ByteKind::Unparsed; self.bytes.len()];
        let mut stripe = true;
        let mut last: Option<&Range<usize>> = None;
        for f in &self.fields {
            if last != Some(&f.range) {
                stripe = !stripe;
                last = Some(&f.range);
            }
            let part = part_of(&f.path);
            for kind in kinds.get_mut(f.range.clone()).into_iter().flatten() {
                *kind = ByteKind::Field { part, stripe };
            }
        }
        if let Some(kind) = self.error_offset().and_then(|at| kinds.get_mut(at)) {
            *kind = ByteKind::Error;
        }
        kinds
    }

    /// A one-line description of what `hover` is on, for the hex view's status line;
    /// `None` when it is on nothing (or on something that is gone).
    pub fn describe(&self, hover: Hover) -> Option<String> {
        match hover {
            Hover::None => None,
            Hover::Byte(b) => Some(self.describe_byte(b)),
            Hover::Field(i) => self.fields.get(i).map(|f| {
                let span = span_label(&f.range);
                format!("{}: bytes {span} · {} · §{}", f.label, f.path, f.section)
            }),
            Hover::Packet(p) => self.packets.get(p).map(|packet| {
                let name = packet.packet_type.map_or("Unknown packet", |t| t.name());
                format!("{name}: bytes {}", span_label(&packet.bytes))
            }),
            Hover::Error => self.error.as_ref().map(|e| {
                format!(
                    "Malformed at byte {}: {} {}",
                    e.offset,
                    e.kind,
                    e.rule_display()
                )
            }),
        }
    }

    /// A one-line description of byte `b` for the hex view's status line.
    pub fn describe_byte(&self, b: usize) -> String {
        let Some(&byte) = self.bytes.get(b) else {
            return format!("Byte {b}: past the end of the input");
        };
        let mut text = format!("Byte {b} = 0x{byte:02x} ({byte}");
        if (0x20..0x7f).contains(&byte) {
            text.push_str(&format!(", {:?}", char::from(byte)));
        }
        text.push(')');
        let labels: Vec<&str> = self
            .fields
            .iter()
            .filter(|f| f.range.contains(&b))
            .map(|f| f.label.as_str())
            .collect();
        if !labels.is_empty() {
            text.push_str(" · ");
            text.push_str(&labels.join(", "));
        } else if self.error_offset() == Some(b) {
            text.push_str(" · the malformed byte");
        } else {
            text.push_str(" · not decoded");
        }
        text
    }
}

/// The part of the packet a field path belongs to.
fn part_of(path: &str) -> Part {
    if path.starts_with("fixed_header.") {
        Part::Header
    } else if path.contains(".properties.") {
        Part::Properties
    } else if path.ends_with("payload") || path.ends_with("payload.length") {
        Part::Payload
    } else {
        Part::Body
    }
}

/// A byte range for people: `7`, `2–3` (inclusive), or `none` when empty.
pub fn span_label(r: &Range<usize>) -> String {
    match r.len() {
        0 => "none".to_owned(),
        1 => r.start.to_string(),
        _ => format!("{}–{}", r.start, r.end - 1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_are_labelled_inclusively() {
        assert_eq!(span_label(&(3..3)), "none");
        assert_eq!(span_label(&(7..8)), "7");
        assert_eq!(span_label(&(2..4)), "2–3");
    }
    use ProtocolVersion::{V3_1_1, V5};

    /// `30 0d 00 09 "sensors/+" "on"`: the wildcard at byte 12 breaks [MQTT-3.3.2-2].
    const WILDCARD: &str = "30 0d 00 09 73 65 6e 73 6f 72 73 2f 2b 6f 6e";
    /// A QoS 1 PUBLISH of "hi" to "a/b" with packet id 1.
    const PUBLISH: &str = "32 09 00 03 61 2f 62 00 01 68 69";

    #[test]
    fn every_byte_of_a_valid_packet_is_drawn_as_a_field() {
        let a = Analysis::new(PUBLISH, V3_1_1);
        let kinds = a.byte_kinds();
        assert_eq!(kinds.len(), 11);
        assert!(kinds.iter().all(|k| matches!(k, ByteKind::Field { .. })));
        assert!(matches!(
            kinds[0],
            ByteKind::Field {
                part: Part::Header,
                ..
            }
        ));
        assert!(matches!(
            kinds[10],
            ByteKind::Field {
                part: Part::Payload,
                ..
            }
        ));
        // Neighbouring fields alternate: the topic length, then the topic.
        assert_ne!(kinds[3], kinds[4]);
    }

    #[test]
    fn properties_are_their_own_part() {
        let a = Analysis::new("30 08 00 01 61 03 23 00 07 78", V5);
        assert!(a.error.is_none(), "{:?}", a.error);
        assert!(matches!(
            a.byte_kinds()[6],
            ByteKind::Field {
                part: Part::Properties,
                ..
            }
        ));
    }

    #[test]
    fn an_input_that_ends_early_points_past_its_end() {
        let a = Analysis::new("32 0a 00 03 61 2f 62", V3_1_1);
        assert!(a.error_at_end());
        assert!(a.byte_kinds().iter().all(|k| *k != ByteKind::Error));
    }

    #[test]
    fn hovering_a_field_lights_its_bytes() {
        let a = Analysis::new(PUBLISH, V3_1_1);
        let topic = a
            .fields
            .iter()
            .position(|f| f.path == "publish.topic")
            .expect("topic");
        let h = a.highlight(Hover::Field(topic));
        assert_eq!(h.bytes, 4..7);
        assert!(h.has_row(Hover::Field(topic)) && h.has_byte(6) && !h.has_byte(7));
    }

    #[test]
    fn hovering_the_first_byte_lights_every_bit_field() {
        let a = Analysis::new(PUBLISH, V3_1_1);
        let h = a.highlight(Hover::Byte(0));
        assert_eq!(h.rows.len(), 4, "type, dup, qos, retain");
        assert_eq!(h.bytes, 0..1);
        let h = a.highlight(Hover::Byte(5));
        assert_eq!(h.bytes, 4..7, "the whole topic");
    }

    #[test]
    fn hovering_the_malformed_byte_lights_the_error_row() {
        let a = Analysis::new(WILDCARD, V3_1_1);
        assert_eq!(a.highlight(Hover::Byte(12)).rows, vec![Hover::Error]);
        assert_eq!(a.highlight(Hover::Error).bytes, 12..13);
        let h = a.highlight(Hover::Byte(7));
        assert!(h.rows.is_empty());
        assert_eq!(h.bytes, 7..8);
    }

    #[test]
    fn stale_hovers_light_nothing() {
        let a = Analysis::new("c0 00", V5);
        assert_eq!(a.highlight(Hover::Field(99)), Highlight::default());
        assert_eq!(a.highlight(Hover::Packet(3)), Highlight::default());
        assert_eq!(a.highlight(Hover::Error), Highlight::default());
    }

    #[test]
    fn byte_descriptions_name_the_fields() {
        let a = Analysis::new(PUBLISH, V3_1_1);
        assert_eq!(a.describe_byte(5), "Byte 5 = 0x2f (47, '/') · Topic Name");
        assert!(a.describe_byte(0).contains("Packet Type, DUP flag"));
        assert!(a.describe_byte(11).contains("past the end"));
    }

    #[test]
    fn descriptions_follow_the_hover() {
        let a = Analysis::new(PUBLISH, V3_1_1);
        let topic = a
            .fields
            .iter()
            .position(|f| f.path == "publish.topic")
            .expect("topic");
        assert_eq!(
            a.describe(Hover::Field(topic)).as_deref(),
            Some("Topic Name: bytes 4–6 · publish.topic · §3.3.2.1")
        );
        assert_eq!(
            a.describe(Hover::Packet(0)).as_deref(),
            Some("PUBLISH: bytes 0–10")
        );
        assert_eq!(a.describe(Hover::None), None);
        assert_eq!(a.describe(Hover::Field(99)), None);
        let bad = Analysis::new(WILDCARD, V3_1_1);
        let text = bad.describe(Hover::Error).expect("an error");
        assert!(text.starts_with("Malformed at byte 12: ") && text.ends_with("[MQTT-3.3.2-2]"));
    }
}
