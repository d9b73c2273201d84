//! The rows the components draw: the field tree's rows and the hex view's lines, every
//! string ready to show as text.

use mqttscope_proto::codec::DecodeError;
use mqttscope_proto::dissect::Field;

use super::model::{span_label, Analysis, Hover, PacketSpan};

/// Bytes per row of the hex view.
pub const ROW: usize = 16;

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

impl Analysis {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hexpad::model::ByteKind;
    use mqttscope_proto::codec::ProtocolVersion::{V3_1_1, V5};

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
    }
}
