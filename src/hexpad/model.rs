//! The hex pad as plain data: what the text dissects to, the rows of the field tree and
//! of the hex view, and which of them a hover highlights. The components only draw this.

use std::ops::Range;

use mqttscope_proto::codec::{DecodeError, PacketType, ProtocolVersion};
use mqttscope_proto::dissect::{dissect_stream, Field};

use super::parse::{parse_hex, HexError};

/// Bytes per row of the hex view.
pub const ROW: usize = 16;

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

/// A byte of the hex view, ready to draw.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HexCell {
    /// Its offset in the input.
    pub offset: usize,
    /// Two hex digits (`··` for the missing byte after a truncated input).
    pub hex: String,
    /// Its ASCII column character.
    pub ascii: char,
    /// Its CSS classes.
    pub class: &'static str,
}

/// A row of the hex view: up to [`ROW`] cells.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HexLine {
    /// The offset of the first cell.
    pub start: usize,
    /// The cells.
    pub cells: Vec<HexCell>,
}

/// How many cells the hex view has (the bytes, plus one for missing bytes).
pub fn cell_count(lines: &[HexLine]) -> usize {
    lines.last().map_or(0, |l| l.start + l.cells.len())
}

/// The kind of a row of the field tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowKind {
    /// A packet heading.
    Packet,
    /// A field.
    Field,
    /// The decoding error.
    Error,
}

/// A row of the field tree, ready to draw (every string is shown as text).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TreeRow {
    /// What hovering it highlights; also its identity.
    pub target: Hover,
    /// What it is.
    pub kind: RowKind,
    /// Its nesting level, from 1 (the ARIA `aria-level`).
    pub level: usize,
    /// The field's label, the packet's name, or "Malformed".
    pub label: String,
    /// The value, or the error message.
    pub value: String,
    /// For a bit field: the byte's bits with the others dotted out (`0011 ....`).
    pub bits: Option<String>,
    /// The dissector path (`publish.properties.topic_alias`).
    pub path: String,
    /// The specification reference: `§3.3.2.3.4`, or the broken rule `[MQTT-3.3.1-4]`.
    pub reference: String,
    /// The bytes it covers, for people: `7`, `2–3`, or `none`.
    pub span: String,
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

    /// The rows of the field tree: per packet a heading and its fields, then the error.
    pub fn tree_rows(&self) -> Vec<TreeRow> {
        let mut rows = Vec::new();
        for (p, packet) in self.packets.iter().enumerate() {
            rows.push(self.packet_row(p, packet));
            for i in packet.fields.clone() {
                rows.push(self.field_row(i, &self.fields[i]));
            }
        }
        rows.extend(self.error.as_ref().map(error_row));
        rows
    }

    fn packet_row(&self, p: usize, packet: &PacketSpan) -> TreeRow {
        let (label, reference) = match packet.packet_type {
            Some(t) => (t.name().to_owned(), format!("§{}", t.section())),
            None => ("Unknown packet".to_owned(), String::new()),
        };
        let n = packet.bytes.len();
        TreeRow {
            target: Hover::Packet(p),
            kind: RowKind::Packet,
            level: 1,
            label,
            value: format!("{n} byte{}", if n == 1 { "" } else { "s" }),
            bits: None,
            path: String::new(),
            reference,
            span: span_label(&packet.bytes),
        }
    }

    fn field_row(&self, i: usize, f: &Field) -> TreeRow {
        let bits = f.mask.map(|mask| {
            let byte = self.bytes.get(f.range.start).copied().unwrap_or(0);
            bit_pattern(byte, mask)
        });
        TreeRow {
            target: Hover::Field(i),
            kind: RowKind::Field,
            level: f.depth + 2,
            label: f.label.clone(),
            value: f.value.to_string(),
            bits,
            path: f.path.clone(),
            reference: format!("§{}", f.section),
            span: span_label(&f.range),
        }
    }

    /// The rows of the hex view; when the input ends too early, one more cell after the
    /// last byte stands for the missing bytes and carries the error style.
    pub fn hex_lines(&self) -> Vec<HexLine> {
        let kinds = self.byte_kinds();
        let mut cells: Vec<HexCell> = self
            .bytes
            .iter()
            .zip(kinds)
            .enumerate()
            .map(|(offset, (&byte, kind))| HexCell {
                offset,
                hex: format!("{byte:02x}"),
                ascii: ascii(byte),
                class: kind.class(),
            })
            .collect();
        if self.error_at_end() {
            cells.push(HexCell {
                offset: self.bytes.len(),
                hex: "··".to_owned(),
                ascii: ' ',
                class: "error-byte missing",
            });
        }
        let mut rows = Vec::new();
        let mut cells = cells.into_iter().peekable();
        while let Some(first) = cells.peek() {
            let start = first.offset;
            let row: Vec<HexCell> = cells.by_ref().take(ROW).collect();
            rows.push(HexLine { start, cells: row });
        }
        rows
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

fn error_row(e: &DecodeError) -> TreeRow {
    TreeRow {
        target: Hover::Error,
        kind: RowKind::Error,
        level: 1,
        label: "Malformed".to_owned(),
        value: e.kind.to_string(),
        bits: None,
        path: String::new(),
        reference: e.rule_display(),
        span: e.offset.to_string(),
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

/// The bits of `byte` under `mask`, the others dotted out, high bit first, a space
/// between the nibbles: `bit_pattern(0x32, 0x06)` is `.... .01.`.
pub fn bit_pattern(byte: u8, mask: u8) -> String {
    let mut out = String::with_capacity(9);
    for bit in (0..8).rev() {
        if bit == 3 {
            out.push(' ');
        }
        let m = 1 << bit;
        out.push(match (mask & m != 0, byte & m != 0) {
            (false, _) => '.',
            (true, true) => '1',
            (true, false) => '0',
        });
    }
    out
}

/// The character the ASCII column shows for a byte: printable ASCII as itself, the rest
/// as a middle dot.
pub fn ascii(byte: u8) -> char {
    if (0x20..0x7f).contains(&byte) {
        char::from(byte)
    } else {
        '·'
    }
}

/// The keys that move the hex view's cursor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CursorKey {
    /// One byte back.
    Left,
    /// One byte on.
    Right,
    /// One row up.
    Up,
    /// One row down.
    Down,
    /// The first byte.
    Home,
    /// The last byte.
    End,
}

impl CursorKey {
    /// The key for a `KeyboardEvent.key` value.
    pub fn from_key(key: &str) -> Option<Self> {
        Some(match key {
            "ArrowLeft" => CursorKey::Left,
            "ArrowRight" => CursorKey::Right,
            "ArrowUp" => CursorKey::Up,
            "ArrowDown" => CursorKey::Down,
            "Home" => CursorKey::Home,
            "End" => CursorKey::End,
            _ => return None,
        })
    }
}

/// Where the cursor goes from `at` (none yet: the first byte) on `key`, among `len` bytes.
pub fn move_cursor(at: Option<usize>, key: CursorKey, len: usize) -> Option<usize> {
    let last = len.checked_sub(1)?;
    let Some(at) = at else {
        return Some(0);
    };
    let to = match key {
        CursorKey::Left => at.saturating_sub(1),
        CursorKey::Right => at + 1,
        CursorKey::Up => at.checked_sub(ROW).unwrap_or(at),
        CursorKey::Down if at + ROW <= last => at + ROW,
        CursorKey::Down => at,
        CursorKey::Home => 0,
        CursorKey::End => last,
    };
    Some(to.min(last))
}

/// Where focus goes in the field tree from row `at` of `len` on a key (`ArrowUp`,
/// `ArrowDown`, `Home`, `End`); `None` for other keys and an empty tree.
pub fn step_row(key: &str, at: usize, len: usize) -> Option<usize> {
    let last = len.checked_sub(1)?;
    let to = match key {
        "ArrowUp" => at.saturating_sub(1),
        "ArrowDown" => at + 1,
        "Home" => 0,
        "End" => last,
        _ => return None,
    };
    Some(to.min(last))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ProtocolVersion::{V3_1_1, V5};

    /// `30 0d 00 09 "sensors/+" "on"`: the wildcard at byte 12 breaks [MQTT-3.3.2-2].
    const WILDCARD: &str = "30 0d 00 09 73 65 6e 73 6f 72 73 2f 2b 6f 6e";
    /// A QoS 1 PUBLISH of "hi" to "a/b" with packet id 1.
    const PUBLISH: &str = "32 09 00 03 61 2f 62 00 01 68 69";

    fn rows_by_label<'a>(rows: &'a [TreeRow], label: &str) -> &'a TreeRow {
        rows.iter().find(|r| r.label == label).expect("row present")
    }

    #[test]
    fn a_valid_packet_has_a_heading_and_its_fields() {
        let a = Analysis::new(PUBLISH, V3_1_1);
        assert!(a.error.is_none() && a.input_error.is_none());
        let rows = a.tree_rows();
        assert_eq!(rows[0].label, "PUBLISH");
        assert_eq!(
            (rows[0].value.as_str(), rows[0].span.as_str()),
            ("11 bytes", "0–10")
        );
        let topic = rows_by_label(&rows, "Topic Name");
        assert_eq!(topic.value, "\"a/b\"");
        assert_eq!(topic.path, "publish.topic");
        assert_eq!(topic.reference, "§3.3.2.1");
        assert_eq!(topic.span, "4–6");
        let qos = rows_by_label(&rows, "QoS level");
        assert_eq!(qos.bits.as_deref(), Some(".... .01."));
        assert!(rows.iter().all(|r| r.kind != RowKind::Error));
    }

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
    fn malformed_input_ends_in_an_error_row_at_its_byte() {
        let a = Analysis::new(WILDCARD, V3_1_1);
        let rows = a.tree_rows();
        let last = rows.last().expect("rows");
        assert_eq!(last.kind, RowKind::Error);
        assert_eq!(last.reference, "[MQTT-3.3.2-2]");
        assert_eq!(last.span, "12");
        assert!(last.value.contains("wildcard"));
        let kinds = a.byte_kinds();
        assert_eq!(kinds[12], ByteKind::Error);
        assert_eq!(kinds[5], ByteKind::Unparsed);
        assert!(!a.error_at_end());
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
    fn several_packets_get_a_heading_each_with_absolute_offsets() {
        let a = Analysis::new("c0 00 d0 00 e0 00", V5);
        let names: Vec<_> = a
            .tree_rows()
            .into_iter()
            .filter(|r| r.kind == RowKind::Packet)
            .map(|r| (r.label, r.span))
            .collect();
        assert_eq!(
            names,
            [
                ("PINGREQ".into(), "0–1".into()),
                ("PINGRESP".into(), "2–3".into()),
                ("DISCONNECT".into(), "4–5".into())
            ]
        );
        assert_eq!(a.highlight(Hover::Packet(1)).bytes, 2..4);
    }

    #[test]
    fn bad_hex_is_an_input_error_with_no_rows() {
        let a = Analysis::new("30 0z", V5);
        assert!(a.input_error.is_some());
        assert!(a.tree_rows().is_empty() && a.bytes.is_empty());
    }

    #[test]
    fn markup_stays_a_quoted_value() {
        let a = Analysis::new("30 0a 00 03 61 2f 62 3c 69 6d 67 3e", V3_1_1);
        let payload = rows_by_label(&a.tree_rows(), "Payload").value.clone();
        assert_eq!(payload, "5 bytes \"<img>\"");
    }

    #[test]
    fn byte_descriptions_name_the_fields() {
        let a = Analysis::new(PUBLISH, V3_1_1);
        assert_eq!(a.describe_byte(5), "Byte 5 = 0x2f (47, '/') · Topic Name");
        assert!(a.describe_byte(0).contains("Packet Type, DUP flag"));
        assert!(a.describe_byte(11).contains("past the end"));
    }

    #[test]
    fn hex_rows_hold_sixteen_cells() {
        let a = Analysis::new(&"00 ".repeat(33), V5);
        let rows = a.hex_lines();
        let starts: Vec<_> = rows.iter().map(|r| (r.start, r.cells.len())).collect();
        assert_eq!(starts, [(0, 16), (16, 16), (32, 1)]);
        assert_eq!(cell_count(&rows), 33);
        assert!(Analysis::default().hex_lines().is_empty());
    }

    #[test]
    fn a_truncated_input_gets_a_missing_cell() {
        let a = Analysis::new("32 0a 00 03 61 2f 62", V3_1_1);
        let cells = &a.hex_lines()[0].cells;
        assert_eq!(cells.len(), 8);
        assert_eq!(cell_count(&a.hex_lines()), 8);
        assert_eq!((cells[7].offset, cells[7].hex.as_str()), (7, "··"));
        assert!(cells[7].class.contains("error-byte"));
        assert_eq!((cells[4].hex.as_str(), cells[4].ascii), ("61", 'a'));
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

    #[test]
    fn bit_patterns_dot_out_other_bits() {
        assert_eq!(bit_pattern(0x32, 0xf0), "0011 ....");
        assert_eq!(bit_pattern(0x32, 0x01), ".... ...0");
        assert_eq!(bit_pattern(0xff, 0x18), "...1 1...");
    }

    #[test]
    fn helpers_for_the_hex_view() {
        assert_eq!(ascii(b'A'), 'A');
        assert_eq!(ascii(0x0a), '·');
        assert_eq!(ascii(0x7f), '·');
        assert_eq!(span_label(&(3..3)), "none");
    }

    #[test]
    fn tree_keys_step_between_rows() {
        assert_eq!(step_row("ArrowDown", 0, 3), Some(1));
        assert_eq!(step_row("ArrowDown", 2, 3), Some(2));
        assert_eq!(step_row("ArrowUp", 0, 3), Some(0));
        assert_eq!(step_row("End", 0, 3), Some(2));
        assert_eq!(step_row("Home", 2, 3), Some(0));
        assert_eq!(step_row("Enter", 1, 3), None);
        assert_eq!(step_row("ArrowDown", 0, 0), None);
    }

    #[test]
    fn the_cursor_stays_inside_the_bytes() {
        use CursorKey::*;
        assert_eq!(move_cursor(None, Right, 0), None);
        assert_eq!(move_cursor(None, Down, 5), Some(0));
        assert_eq!(move_cursor(Some(0), Left, 5), Some(0));
        assert_eq!(move_cursor(Some(4), Right, 5), Some(4));
        assert_eq!(move_cursor(Some(3), Down, 40), Some(19));
        assert_eq!(move_cursor(Some(30), Down, 40), Some(30));
        assert_eq!(move_cursor(Some(20), Up, 40), Some(4));
        assert_eq!(move_cursor(Some(5), Up, 40), Some(5));
        assert_eq!(move_cursor(Some(5), End, 40), Some(39));
        assert_eq!(move_cursor(Some(5), Home, 40), Some(0));
        assert_eq!(CursorKey::from_key("ArrowUp"), Some(Up));
        assert_eq!(CursorKey::from_key("a"), None);
    }
}
