//! Exports: messages as JSON or CSV, packets as JSON.
//!
//! Every export is written in chunks of about [`CHUNK`] bytes to a sink (the page hands
//! them to a `Blob` one by one, so that a 100 MB export never sits whole in the wasm
//! memory, which would keep that size for good); the `String` forms collect the chunks.
//! The JSON exports are an array with one object per line; the CSV export follows RFC
//! 4180 (see [`messages_csv`]). Packet exports hide CONNECT passwords and MQTT 5
//! Authentication Data unless asked not to (see [`mask_secrets`]).

use super::base64;
use super::json::{self, ArrayWriter, Json, ObjectWriter};
use super::message::MessageRow;
use super::time::iso8601;

mod packets;

pub use mqttscope_proto::dissect::mask_secrets;
pub use packets::{packets_json, packets_json_to};

/// The size of the chunks an export is handed out in, roughly (a row is never split).
pub const CHUNK: usize = 1 << 20;

/// Where an export's chunks go, in order.
pub type Sink<'s> = &'s mut dyn FnMut(&str);

/// Collects an export's chunks into one string.
fn collect(export: impl FnOnce(Sink<'_>)) -> String {
    let mut out = String::new();
    export(&mut |chunk| out.push_str(chunk));
    out
}

/// Hands `out` to `sink` once it holds a chunk's worth.
fn flush_full(out: &mut String, sink: Sink<'_>) {
    if out.len() >= CHUNK {
        sink(out);
        out.clear();
    }
}

/// Writes `rows` as a JSON array, one object per line, to `sink` in chunks.
fn json_array<T>(
    rows: impl Iterator<Item = T>,
    mut write: impl FnMut(&mut String, T),
    sink: Sink<'_>,
) {
    let mut out = String::from("[");
    let mut any = false;
    for row in rows {
        out.push_str(if any { ",\n" } else { "\n" });
        any = true;
        write(&mut out, row);
        flush_full(&mut out, sink);
    }
    if any {
        out.push('\n');
    }
    out.push_str("]\n");
    sink(&out);
}

/// Messages as a JSON array of objects with, in order: `id`, `time` (ISO 8601 UTC),
/// `connection`, `direction` ("in"/"out"), `topic`, `qos`, `retain`, `dup`, `size`,
/// `payload` (the payload as a string when it is UTF-8, otherwise null),
/// `payload_base64` (always), and `properties`, an array of `{"name", "value"}` objects
/// that keeps order and repeated names.
pub fn messages_json<'a>(rows: impl Iterator<Item = &'a MessageRow>, connection: &str) -> String {
    collect(|sink| messages_json_to(rows, connection, sink))
}

/// [`messages_json`], in chunks to `sink`.
pub fn messages_json_to<'a>(
    rows: impl Iterator<Item = &'a MessageRow>,
    connection: &str,
    sink: Sink<'_>,
) {
    let write = |out: &mut String, m: &MessageRow| {
        let mut o = ObjectWriter::new(out);
        o.num("id", m.id).str("time", &iso8601(m.at_ms));
        o.str("connection", connection)
            .str("direction", m.direction.label());
        o.str("topic", &m.topic).num("qos", m.qos as u8);
        o.bool("retain", m.retain)
            .bool("dup", m.dup)
            .num("size", m.size());
        o.opt_str("payload", std::str::from_utf8(&m.payload).ok());
        o.str("payload_base64", &base64::encode(&m.payload));
        properties_json(o.key("properties"), &m.properties);
        o.finish();
    };
    json_array(rows, write, sink);
}

fn properties_json(out: &mut String, props: &[(String, String)]) {
    let mut a = ArrayWriter::new(out);
    for (name, value) in props {
        let mut p = ObjectWriter::new(a.item());
        p.str("name", name).str("value", value);
        p.finish();
    }
    a.finish();
}

/// The CSV header row of [`messages_csv`].
pub const CSV_HEADER: &str =
    "time,connection,direction,topic,qos,retain,dup,size,payload,payload_base64,properties";

/// Messages as CSV (RFC 4180): a header row ([`CSV_HEADER`]), then one row per message,
/// each line ending in CRLF. A field holding a comma, a double quote, CR or LF is
/// quoted, with its quotes doubled. `payload` is the payload when it is UTF-8 and empty
/// otherwise (`payload_base64` always has the bytes); `properties` is the JSON array of
/// [`messages_json`].
///
/// Against formula injection in spreadsheets, a text field (connection, topic,
/// payload, properties) that starts with `=`, `+`, `-`, `@`, tab or CR gets a `'` in
/// front, unless it is a plain JSON number such as `-3.5`, which no spreadsheet runs.
/// The Base64 field is never changed: its alphabet cannot form a harmful formula.
pub fn messages_csv<'a>(rows: impl Iterator<Item = &'a MessageRow>, connection: &str) -> String {
    collect(|sink| messages_csv_to(rows, connection, sink))
}

/// [`messages_csv`], in chunks to `sink`.
pub fn messages_csv_to<'a>(
    rows: impl Iterator<Item = &'a MessageRow>,
    connection: &str,
    sink: Sink<'_>,
) {
    let mut out = String::from(CSV_HEADER);
    out.push_str("\r\n");
    for m in rows {
        csv_row(&mut out, m, connection);
        flush_full(&mut out, sink);
    }
    sink(&out);
}

/// Writes one message as a CSV row.
fn csv_row(out: &mut String, m: &MessageRow, connection: &str) {
    let mut props = String::new();
    properties_json(&mut props, &m.properties);
    let payload = std::str::from_utf8(&m.payload).unwrap_or_default();
    let (time, qos, size) = (
        iso8601(m.at_ms),
        (m.qos as u8).to_string(),
        m.size().to_string(),
    );
    let flag = |b: bool| if b { "true" } else { "false" };
    let cells = [
        (time.as_str(), false),
        (connection, true),
        (m.direction.label(), false),
        (&m.topic, true),
        (&qos, false),
        (flag(m.retain), false),
        (flag(m.dup), false),
        (&size, false),
        (payload, true),
        (&base64::encode(&m.payload), false),
        (&props, true),
    ];
    for (i, (text, guard)) in cells.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        csv_cell(out, text, guard);
    }
    out.push_str("\r\n");
}

/// Writes one CSV field, quoted when needed; `guard` turns on the formula guard.
fn csv_cell(out: &mut String, text: &str, guard: bool) {
    let quote = text.contains([',', '"', '\r', '\n']);
    if quote {
        out.push('"');
    }
    if guard && looks_like_formula(text) {
        out.push('\'');
    }
    for c in text.chars() {
        if c == '"' {
            out.push('"');
        }
        out.push(c);
    }
    if quote {
        out.push('"');
    }
}

/// True when a spreadsheet could read `text` as a formula.
fn looks_like_formula(text: &str) -> bool {
    let number = text.starts_with('-') && matches!(json::parse(text), Ok(Json::Number(_)));
    text.starts_with(['=', '+', '-', '@', '\t', '\r']) && !number
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use mqttscope_proto::QoS;

    use super::*;
    use crate::model::message::{Direction, Payload};

    fn message(topic: &str, payload: &[u8]) -> MessageRow {
        MessageRow {
            id: 1,
            direction: Direction::In,
            at_ms: 1_795_687_200_123.0,
            topic: Arc::from(topic),
            payload: Payload::from(payload),
            qos: QoS::AtLeastOnce,
            retain: true,
            dup: false,
            subscription: Some(0),
            properties: vec![],
        }
    }

    #[test]
    fn messages_json_has_every_field_and_parses() {
        let mut m = message("a/\"b\"", b"hi\n");
        m.properties = vec![
            ("user: k".into(), "1".into()),
            ("user: k".into(), "2".into()),
        ];
        let mut binary = message("bin", &[0xff, 0x00]);
        binary.direction = Direction::Out;
        let text = messages_json([&m, &binary].into_iter(), "local \u{2028}");
        let first = r#"{"id":1,"time":"2026-11-26T10:00:00.123Z","connection":"local \u2028","direction":"in","topic":"a/\"b\"","qos":1,"retain":true,"dup":false,"size":3,"payload":"hi\n","payload_base64":"aGkK","properties":[{"name":"user: k","value":"1"},{"name":"user: k","value":"2"}]}"#;
        assert_eq!(text.lines().nth(1), Some(&*format!("{first},")));
        assert!(text.contains(r#""direction":"out","topic":"bin""#));
        assert!(text.contains(r#""payload":null,"payload_base64":"/wA=","properties":[]}"#));
        let Ok(Json::Array(items)) = json::parse(&text) else {
            panic!("not a JSON array: {text}");
        };
        assert_eq!(items.len(), 2);
    }

    #[test]
    fn empty_exports() {
        assert_eq!(messages_json(std::iter::empty(), "c"), "[]\n");
        assert_eq!(packets_json(std::iter::empty(), "c", false), "[]\n");
        assert_eq!(
            messages_csv(std::iter::empty(), "c"),
            format!("{CSV_HEADER}\r\n")
        );
    }

    #[test]
    fn csv_quotes_commas_quotes_and_line_breaks() {
        let rows = [
            message("a,b", b"say \"hi\"\nbye"),
            message("plain", &[0xff]),
        ];
        let csv = messages_csv(rows.iter(), "broker");
        let want = [
            CSV_HEADER,
            "2026-11-26T10:00:00.123Z,broker,in,\"a,b\",1,true,false,12,\"say \"\"hi\"\"\nbye\",c2F5ICJoaSIKYnll,[]",
            "2026-11-26T10:00:00.123Z,broker,in,plain,1,true,false,1,,/w==,[]",
            "",
        ];
        assert_eq!(csv, want.join("\r\n"));
        let cr = messages_csv([message("t", b"a\rb")].iter(), "c");
        assert!(cr.contains(",\"a\rb\","), "{cr}");
    }

    #[test]
    fn csv_properties_are_a_quoted_json_array() {
        let row = MessageRow {
            properties: vec![("Content Type".into(), "a".into())],
            ..message("t", b"")
        };
        let csv = messages_csv([row].iter(), "c");
        let want = r#",,,"[{""name"":""Content Type"",""value"":""a""}]""#;
        assert!(csv.ends_with(&format!("{want}\r\n")), "{csv}");
    }

    #[test]
    fn csv_guards_against_formulas() {
        let cell = |s: &str| {
            let mut out = String::new();
            csv_cell(&mut out, s, true);
            out
        };
        assert_eq!(cell("=1+1"), "'=1+1");
        assert_eq!(cell("+cmd|' /C calc'!A0"), "'+cmd|' /C calc'!A0");
        assert_eq!(cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(cell("-2+3"), "'-2+3");
        assert_eq!(cell("\tx"), "'\tx");
        assert_eq!(cell("\r=x"), "\"'\r=x\"");
        assert_eq!(cell("=a,b"), "\"'=a,b\"");
        assert_eq!(cell("-3.5"), "-3.5");
        assert_eq!(cell("-1e3"), "-1e3");
        assert_eq!(cell("a=b"), "a=b");
        assert_eq!(cell(""), "");
        let mut out = String::new();
        csv_cell(&mut out, "+abc", false);
        assert_eq!(out, "+abc");
        let csv = messages_csv([message("=evil", b"@x")].iter(), "-c");
        assert!(
            csv.contains(",'-c,in,'=evil,") && csv.contains(",'@x,"),
            "{csv}"
        );
    }

    #[test]
    fn big_exports_come_in_chunks_that_add_up_to_the_whole() {
        let rows: Vec<MessageRow> = (0..3000).map(|_| message("t", &[0x7f; 1024])).collect();
        for export in [
            |r: &[MessageRow], s: Sink<'_>| messages_json_to(r.iter(), "c", s),
            |r: &[MessageRow], s: Sink<'_>| messages_csv_to(r.iter(), "c", s),
        ] {
            let mut chunks = Vec::new();
            export(&rows, &mut |c| chunks.push(c.to_owned()));
            assert!(chunks.len() >= 4, "{} chunks", chunks.len());
            assert!(
                chunks.iter().all(|c| c.len() < CHUNK + 16 * 1024),
                "a chunk is a row past CHUNK"
            );
            let whole = collect(|s| export(&rows, s));
            assert_eq!(chunks.concat(), whole);
        }
        assert!(json::parse(&messages_json(rows.iter(), "c")).is_ok());
    }
}
