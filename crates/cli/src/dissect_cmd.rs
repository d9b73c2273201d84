//! `mqttscope dissect`: the dissector's field tree as text or JSON.

use std::process::ExitCode;

use mqttscope_proto::codec::ProtocolVersion;
use mqttscope_proto::dissect::{dissect_stream, Dissection, Field, Value};
use mqttscope_proto::hex::{parse_hex, to_hex};
use mqttscope_proto::DecodeError;
use serde_json::{json, Value as Json};

/// Dissects the hex in `input` and prints it; the exit status says whether it was valid.
pub fn run(input: &str, level: u8, as_json: bool) -> ExitCode {
    let bytes = match parse_hex(input) {
        Ok(b) if !b.is_empty() => b,
        Ok(_) => return usage("no bytes given"),
        Err(e) => return usage(&format!("invalid hex: {e}")),
    };
    let Some(version) = ProtocolVersion::from_level(level) else {
        return usage("protocol version must be 3, 4 or 5");
    };
    let packets = dissect_stream(&bytes, version);
    if as_json {
        println!("{}", to_json(&bytes, &packets));
    } else {
        print!("{}", to_text(&packets));
    }
    if packets.iter().any(|d| d.error.is_some()) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn usage(msg: &str) -> ExitCode {
    eprintln!("mqttscope dissect: {msg}");
    ExitCode::from(2)
}

/// The text tree: a header line per packet, then its fields.
fn to_text(packets: &[Dissection]) -> String {
    let mut out = String::new();
    for d in packets {
        let start = d.fields.first().map_or(0, |f| f.range.start);
        let name = d.packet_type.map_or("Malformed packet", |t| t.name());
        out.push_str(&format!("{name} ({} bytes at offset {start})\n", d.len));
        out.push_str(&d.to_string());
    }
    out
}

fn to_json(bytes: &[u8], packets: &[Dissection]) -> Json {
    let error = packets
        .iter()
        .find_map(|d| d.error.as_ref())
        .map(error_json);
    json!({
        "bytes": bytes.len(),
        "ok": error.is_none(),
        "packets": packets.iter().map(|d| packet_json(bytes, d)).collect::<Vec<_>>(),
        "error": error,
    })
}

fn packet_json(bytes: &[u8], d: &Dissection) -> Json {
    let start = d.fields.first().map_or(0, |f| f.range.start);
    let end = (start + d.len).min(bytes.len());
    json!({
        "type": d.packet_type.map(|t| t.name()),
        "offset": start,
        "length": d.len,
        "hex": to_hex(&bytes[start.min(end)..end]),
        "fields": d.fields.iter().map(field_json).collect::<Vec<_>>(),
        "error": d.error.as_ref().map(error_json),
    })
}

fn field_json(f: &Field) -> Json {
    json!({
        "start": f.range.start,
        "end": f.range.end,
        "mask": f.mask.map(|m| format!("{m:08b}")),
        "path": f.path,
        "label": f.label,
        "value": value_json(&f.value),
        "display": f.value.to_string(),
        "section": f.section,
    })
}

fn value_json(v: &Value) -> Json {
    match v {
        Value::UInt(n) => json!(n),
        Value::Bool(b) => json!(b),
        Value::Text(s) => json!(s),
        Value::Bytes(b) => json!({ "hex": to_hex(b), "len": b.len() }),
        Value::Named { code, name } => json!({ "code": code, "name": name }),
        Value::VarIntByte { digit, shift } => json!({ "digit": digit, "shift": shift }),
        Value::Bits { value, width } => json!(format!("{value:0w$b}", w = usize::from(*width))),
        _ => json!(v.to_string()),
    }
}

fn error_json(e: &DecodeError) -> Json {
    json!({
        "offset": e.offset,
        "message": e.kind.to_string(),
        "rule": e.rule,
        "reason_code": format!("0x{:02X}", e.reason_code() as u8),
        "reason": e.reason_code().name(),
    })
}
