//! Errors as plain objects that the package's JavaScript turns into its error classes
//! (`DecodeError`, `UsageError`), by who is to blame:
//!
//! - `DecodeError`: the bytes are malformed; `offset` is the offending byte, `rule` the
//!   normative statement (`MQTT-3.3.1-4`) or the section that states the rule.
//! - `UsageError`: the caller's input: a value of the wrong type or range (`field` says
//!   which; the object is [`mqttscope_js_glue::Fault`]'s), hex that is not hex, or a
//!   packet the specification forbids sending.

use mqttscope_js_glue::Writer;
use mqttscope_proto::codec::DecodeError;
use mqttscope_proto::hex::HexError;
use mqttscope_proto::UsageError;
use wasm_bindgen::JsValue;

/// The object for malformed bytes.
pub fn decode(e: &DecodeError) -> JsValue {
    let w = Writer::new();
    w.set("kind", "DecodeError")
        .set("message", &*e.to_string())
        .set("offset", e.offset as f64)
        .set("rule", e.rule)
        .set("reasonCode", e.reason_code());
    w.done()
}

/// The object for a packet the codec refuses to encode; the rule is the one its message
/// names, when it names one.
pub fn usage(e: &UsageError) -> JsValue {
    let message = e.to_string();
    let w = Writer::new();
    w.set("kind", "UsageError")
        .set_opt("rule", rule_in(&message))
        .set("message", &*message);
    w.done()
}

/// The object for text that is not hex; `offset` is the character at fault.
pub fn hex(e: &HexError) -> JsValue {
    let w = Writer::new();
    w.set("kind", "UsageError")
        .set("message", &*format!("bytes: not hex: {e}"))
        .set("field", "bytes")
        .set("offset", e.at.index as f64);
    w.done()
}

/// The id inside the first `[MQTT-…]` of `message`.
fn rule_in(message: &str) -> Option<&str> {
    let start = message.find("[MQTT-")? + 1;
    let len = message[start..].find(']')?;
    Some(&message[start..start + len])
}

#[cfg(test)]
mod tests {
    use super::rule_in;

    #[test]
    fn the_rule_is_read_from_the_message() {
        let m = "a topic name may not contain + or # [MQTT-3.3.2-2]";
        assert_eq!(rule_in(m), Some("MQTT-3.3.2-2"));
        assert_eq!(rule_in("invalid topic filter: empty"), None);
        assert_eq!(rule_in("unclosed [MQTT-1"), None);
    }
}
