//! Errors as plain objects that the package's JavaScript turns into its error classes, by
//! who is to blame (`kind`):
//!
//! - `UsageError`: the caller's input: a value of the wrong type (`field` says which; the
//!   object is [`mqttscope_js_glue::Fault`]'s) or a packet MQTT forbids (`rule` says which
//!   rule). Nothing was sent.
//! - `StateError`: the client cannot do it now (not connected, the queue is full).
//! - `ConnectError`: CONNACK refused the connection (`reasonCode`).
//! - `ConnectionError`: the connection ended (`ending` says how, with the details the
//!   connection doctor reads: `size` and `limit` of a packet too large, `detail`).
//! - `ProtocolError`: the server broke a rule (`rule`, `reasonCode`, `detail`).
//!
//! Messages are the core's own texts; the rule is the `[MQTT-…]` id they name.

use mqttscope_js_glue::Writer;
use mqttscope_proto::client::{ClientError, DisconnectCause, ProtocolError};
use mqttscope_proto::codec::{DecodeErrorKind, PacketType, UsageError};
use mqttscope_proto::{ProtocolVersion, ReasonCode};
use wasm_bindgen::JsValue;

/// The object for a command the core refused, with the argument or option at fault in
/// `field` where the error says which.
pub fn client(e: &ClientError) -> JsValue {
    let message = e.to_string();
    let kind = match e {
        ClientError::InvalidState { .. } | ClientError::QueueFull { .. } => "StateError",
        ClientError::NoPacketId => "StateError",
        _ => "UsageError",
    };
    let w = Writer::new();
    w.set("kind", kind)
        .set_opt("field", field_of(e))
        .set_opt("rule", rule_in(&message))
        .set("message", &*message);
    w.done()
}

/// The argument or option of `publish`, `subscribe` or `unsubscribe` that `e` blames.
fn field_of(e: &ClientError) -> Option<&'static str> {
    use UsageError as U;
    Some(match e {
        ClientError::Usage(
            U::StringTooLong { field, .. }
            | U::BinaryTooLong { field, .. }
            | U::NullCharacter { field },
        ) => option_named(field)?,
        ClientError::Usage(U::WildcardInTopicName | U::EmptyTopic) => "topic",
        ClientError::Usage(U::InvalidTopicFilter { .. } | U::NoLocalOnSharedSubscription) => {
            "filters"
        }
        ClientError::Usage(U::InvalidPropertyValue { .. }) => "options.properties",
        ClientError::QosNotSupported => "options.qos",
        ClientError::RetainNotSupported => "options.retain",
        ClientError::TopicAliasInvalid => "options.properties.topicAlias",
        ClientError::SubscriptionIdentifierInPublish => {
            "options.properties.subscriptionIdentifiers"
        }
        _ => return None,
    })
}

/// The argument or option behind a field the codec refused, by the codec's name for it.
fn option_named(codec_field: &str) -> Option<&'static str> {
    Some(match codec_field {
        "topic" => "topic",
        "topic filter" => "filters",
        "client id" => "options.clientId",
        "user name" => "options.username",
        "password" => "options.password",
        "will topic" => "options.will.topic",
        "will payload" => "options.will.payload",
        _ => return None,
    })
}

/// The object for options whose CONNECT could not be sent: a `UsageError` with the
/// option at fault in `field` where the core's error says which.
pub fn connect_options(e: &ClientError) -> JsValue {
    let message = e.to_string();
    let field = match e {
        ClientError::Usage(u) => connect_option(u),
        _ => None,
    };
    let w = Writer::new();
    w.set("kind", "UsageError")
        .set_opt("field", field)
        .set_opt("rule", rule_in(&message))
        .set(
            "message",
            &*[field.unwrap_or("options"), ": ", &message].concat(),
        );
    w.done()
}

/// The option behind a CONNECT field the codec refused.
fn connect_option(e: &UsageError) -> Option<&'static str> {
    use UsageError as U;
    Some(match e {
        U::StringTooLong { field, .. }
        | U::BinaryTooLong { field, .. }
        | U::NullCharacter { field } => option_named(field)?,
        U::WildcardInTopicName | U::EmptyTopic => "options.will.topic",
        // [MQTT-3.1.2-22]: a password without a user name; [MQTT-3.1.3-7]: an empty
        // client id without a clean session.
        U::InvalidConnect { reason } if reason.starts_with("MQTT 3 needs a user name") => {
            "options.password"
        }
        U::InvalidConnect { .. } => "options.clientId",
        _ => return None,
    })
}

/// The object for a server that broke a rule; `detail` is what happened without the rule,
/// and `connackCode` the code byte of a CONNACK that did not decode because of it (for the
/// connection doctor: an MQTT 3.1.1 return code there means no MQTT 5).
pub fn protocol(e: &ProtocolError) -> JsValue {
    let w = Writer::new();
    w.set("kind", "ProtocolError")
        .set("ending", "protocol")
        .set("message", &*e.to_string())
        .set("detail", &*e.detail)
        .set("rule", e.rule)
        .set("reasonCode", e.reason as u8 as f64);
    if let Some(DecodeErrorKind::InvalidReasonCode {
        packet: PacketType::ConnAck,
        code,
    }) = e.decode.as_ref().map(|d| &d.kind)
    {
        w.set("connackCode", f64::from(*code));
    }
    w.done()
}

/// The object for why a connection ended; `null` when this client ended it.
pub fn cause(c: &DisconnectCause, v: ProtocolVersion) -> JsValue {
    let w = Writer::new();
    let (kind, cause, message) = match c {
        DisconnectCause::Local(_) => return JsValue::NULL,
        DisconnectCause::Protocol(e) => return protocol(e),
        DisconnectCause::Refused { reason, properties } => {
            w.set_opt("reasonString", properties.reason_string.as_deref())
                .set_opt("serverReference", properties.server_reference.as_deref());
            ("ConnectError", "refused", refusal(&w, *reason, v))
        }
        DisconnectCause::Server { reason, properties } => {
            w.set("reasonCode", *reason as u8 as f64)
                .set_opt("reasonString", properties.reason_string.as_deref())
                .set_opt("serverReference", properties.server_reference.as_deref());
            let name = reason.name_in(PacketType::Disconnect);
            let message = ["the server disconnected: ", name, " (", &hex(*reason), ")"];
            ("ConnectionError", "server", message.concat())
        }
        DisconnectCause::TooLarge { size, limit } => {
            w.set("size", *size as f64).set("limit", *limit as f64);
            let (cause, text) = ending(c);
            ("ConnectionError", cause, text.to_owned())
        }
        DisconnectCause::Internal(detail) => {
            w.set("detail", &**detail);
            let (cause, text) = ending(c);
            ("ConnectionError", cause, text.to_owned())
        }
        other => {
            let (cause, text) = ending(other);
            ("ConnectionError", cause, text.to_owned())
        }
    };
    w.set("kind", kind)
        .set("ending", cause)
        .set("message", &*message);
    w.done()
}

/// Sets the CONNACK code as it was on the wire (an MQTT 3 return code is 0 to 5) and
/// returns the message naming it.
fn refusal(w: &Writer, reason: ReasonCode, v: ProtocolVersion) -> String {
    match reason.to_v3_connack().filter(|_| !v.is_v5()) {
        Some(code) => {
            w.set("reasonCode", f64::from(code));
            let digit = [b'0' + code];
            let digit = String::from_utf8_lossy(&digit);
            [reason.v3_connack_name(), " (return code ", &digit, ")"].concat()
        }
        None => {
            w.set("reasonCode", reason as u8 as f64);
            [
                "connection refused: ",
                reason.name(),
                " (",
                &hex(reason),
                ")",
            ]
            .concat()
        }
    }
}

/// The cause and message of an ending that carries no reason code.
fn ending(c: &DisconnectCause) -> (&'static str, &'static str) {
    match c {
        DisconnectCause::KeepAliveTimeout => (
            "keepAlive",
            "no answer from the server within the keep-alive interval",
        ),
        DisconnectCause::TooLarge { .. } => (
            "tooLarge",
            "the server sent a packet over this client's receive limit",
        ),
        DisconnectCause::ConnectTimeout => ("connectTimeout", "no CONNACK in time"),
        DisconnectCause::TransportClosed => ("transport", "the connection closed"),
        _ => (
            "internal",
            "this client could not encode a packet it had to send",
        ),
    }
}

/// `0x86`.
fn hex(r: ReasonCode) -> String {
    const DIGITS: &[u8; 16] = b"0123456789ABCDEF";
    let b = r as u8;
    let digits = [
        b'0',
        b'x',
        DIGITS[usize::from(b >> 4)],
        DIGITS[usize::from(b & 15)],
    ];
    String::from_utf8_lossy(&digits).into_owned()
}

/// The id inside the first `[MQTT-…]` of `message`. (Bytes are searched, not text: a
/// `str` pattern search would bring its own searcher into the module.)
fn rule_in(message: &str) -> Option<&str> {
    let bytes = message.as_bytes();
    let start = bytes.windows(6).position(|w| w == b"[MQTT-")? + 1;
    let len = bytes[start..].iter().position(|&b| b == b']')?;
    message.get(start..start + len)
}

#[cfg(test)]
mod tests {
    use super::{hex, rule_in};
    use mqttscope_proto::ReasonCode;

    #[test]
    fn the_rule_is_read_from_the_message() {
        let m = "QoS above the server's Maximum QoS [MQTT-3.2.2-11]";
        assert_eq!(rule_in(m), Some("MQTT-3.2.2-11"));
        assert_eq!(rule_in("the client must be connected"), None);
        assert_eq!(rule_in("unclosed [MQTT-1"), None);
    }

    #[test]
    fn reason_codes_are_written_in_hex() {
        assert_eq!(hex(ReasonCode::BadUserNameOrPassword), "0x86");
        assert_eq!(hex(ReasonCode::Success), "0x00");
    }
}
