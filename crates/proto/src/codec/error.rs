//! Errors by blame: [`DecodeError`] when the bytes are at fault, [`UsageError`] when the
//! local caller asked to send something the specification forbids.

use std::fmt;

use super::{PacketType, ReasonCode};

/// The bytes are not a valid MQTT packet; see [`DecodeErrorDetails`] for its fields,
/// which read through (`err.offset`, `err.kind`, `err.rule`).
///
/// Boxed: errors are rare, and a pointer-sized error keeps every `Result` on the decoding
/// path small.
#[derive(Clone, PartialEq, Eq)]
pub struct DecodeError(Box<DecodeErrorDetails>);

/// What a [`DecodeError`] says.
///
/// `offset` is the absolute byte offset, in the buffer given to the decoder, of the byte
/// that broke the rule (for a packet that ends too early: the offset just past the last
/// byte). `rule` names the normative statement (`MQTT-3.3.1-4`) or, where the
/// specification states the rule without an id, the section that states it (`3.3.2.3.4`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeErrorDetails {
    /// Offset of the offending byte.
    pub offset: usize,
    /// What is wrong.
    pub kind: DecodeErrorKind,
    /// The normative statement (`MQTT-x.y.z-n`) or the section (`x.y.z`) broken.
    pub rule: &'static str,
}

impl std::ops::Deref for DecodeError {
    type Target = DecodeErrorDetails;
    fn deref(&self) -> &DecodeErrorDetails {
        &self.0
    }
}

impl std::ops::DerefMut for DecodeError {
    fn deref_mut(&mut self) -> &mut DecodeErrorDetails {
        &mut self.0
    }
}

impl fmt::Debug for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl DecodeError {
    #[cold]
    pub(crate) fn new(offset: usize, kind: DecodeErrorKind, rule: &'static str) -> Self {
        DecodeError(Box::new(DecodeErrorDetails { offset, kind, rule }))
    }

    /// The reason code an MQTT 5 receiver sends in DISCONNECT (or CONNACK) for this error:
    /// 0x81 Malformed Packet, 0x82 Protocol Error, 0x95 Packet too large, 0x99 Payload
    /// format invalid, 0x84 Unsupported Protocol Version.
    pub fn reason_code(&self) -> ReasonCode {
        use DecodeErrorKind as K;
        match &self.kind {
            K::PacketTooLarge { .. } => ReasonCode::PacketTooLarge,
            // Topic Alias 0 [MQTT-3.3.2-8]: the receiver answers 0x94 (SPEC-TRAPS 15).
            K::InvalidPropertyValue {
                id: super::properties::id::TOPIC_ALIAS,
                ..
            } => ReasonCode::TopicAliasInvalid,
            K::PayloadNotUtf8 => ReasonCode::PayloadFormatInvalid,
            K::UnsupportedProtocolLevel { .. } => ReasonCode::UnsupportedProtocolVersion,
            K::PropertyNotAllowed { .. }
            | K::DuplicateProperty { .. }
            | K::InvalidPropertyValue { .. }
            | K::NoLocalOnSharedSubscription
            | K::EmptyTopicWithoutAlias
            | K::AuthDataWithoutMethod
            | K::MissingAuthenticationMethod
            | K::PasswordWithoutUsername
            | K::ServerBound { .. } => ReasonCode::ProtocolError,
            _ => ReasonCode::MalformedPacket,
        }
    }

    /// The rule in the form the specification prints it: `[MQTT-3.3.1-4]`, or `(§3.3.2.3.4)`
    /// for a rule stated without an id ([`rule_display`]).
    pub fn rule_display(&self) -> String {
        rule_display(self.rule)
    }
}

/// A rule as the specification prints it, for every error that names one: `[MQTT-3.3.1-4]`
/// for a normative statement's id, `(§3.3.2.3.4)` for a section, nothing for no rule.
pub fn rule_display(rule: &str) -> String {
    let rule = rule.trim();
    if rule.starts_with("MQTT-") {
        format!("[{rule}]")
    } else if rule.is_empty() {
        String::new()
    } else {
        format!("(§{rule})")
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "byte {}: {} {}",
            self.offset,
            self.kind,
            self.rule_display()
        )
    }
}

impl std::error::Error for DecodeError {}

/// What is wrong with the bytes; each variant says what was expected.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum DecodeErrorKind {
    /// The packet (or a length-prefixed block inside it) ends before this field does.
    UnexpectedEnd {
        /// The field being read.
        field: &'static str,
        /// Bytes the field needs.
        wanted: usize,
        /// Bytes that were left.
        available: usize,
    },
    /// A declared length (property block, string) runs past the end of the packet.
    LengthExceedsPacket {
        /// Declared length.
        len: usize,
        /// Bytes left in the enclosing block.
        available: usize,
    },
    /// Bytes left over after the last field of the packet.
    TrailingBytes {
        /// How many.
        count: usize,
    },
    /// Packet type 0, or 15 (AUTH) before MQTT 5.
    InvalidPacketType {
        /// The four type bits.
        value: u8,
    },
    /// A packet only a client sends (CONNECT, SUBSCRIBE, UNSUBSCRIBE, PINGREQ), which a
    /// build without the `server-packets` feature does not decode.
    ServerBound {
        /// The packet type.
        packet: PacketType,
    },
    /// Fixed-header flags other than the ones this packet type requires.
    InvalidFlags {
        /// The packet type.
        packet: PacketType,
        /// The four flag bits found.
        found: u8,
        /// The four flag bits required.
        expected: u8,
    },
    /// A Variable Byte Integer longer than four bytes.
    VarIntTooLong,
    /// A Variable Byte Integer not in its shortest form (MQTT 5).
    VarIntNotMinimal,
    /// A string that is not well-formed UTF-8 (this includes surrogate code points).
    InvalidUtf8,
    /// A string containing U+0000.
    NullCharacter,
    /// QoS bits `11`.
    InvalidQos,
    /// DUP set on a QoS 0 PUBLISH.
    DupWithQos0,
    /// A Packet Identifier of 0.
    ZeroPacketId,
    /// A `+` or `#` in a Topic Name.
    WildcardInTopicName,
    /// An empty Topic Name or Topic Filter where one is required.
    EmptyTopic,
    /// An empty Topic Name in an MQTT 5 PUBLISH without a Topic Alias.
    EmptyTopicWithoutAlias,
    /// A Topic Filter whose wildcards or shared-subscription prefix break the grammar.
    InvalidTopicFilter {
        /// What is wrong, in words.
        reason: &'static str,
    },
    /// A reason code this packet type may not carry.
    InvalidReasonCode {
        /// The packet type.
        packet: PacketType,
        /// The code found.
        code: u8,
    },
    /// A property identifier that MQTT 5 does not define.
    UnknownProperty {
        /// The identifier.
        id: u32,
    },
    /// A property that this packet type may not carry.
    PropertyNotAllowed {
        /// The identifier.
        id: u8,
        /// Where it was found.
        context: &'static str,
    },
    /// A property that may appear once, seen twice.
    DuplicateProperty {
        /// The identifier.
        id: u8,
    },
    /// A property value outside its allowed range (0 where it must be non-zero, a flag
    /// byte other than 0 or 1, Maximum QoS 2).
    InvalidPropertyValue {
        /// The identifier.
        id: u8,
        /// The value found.
        value: u32,
    },
    /// Authentication Data without an Authentication Method.
    AuthDataWithoutMethod,
    /// AUTH properties without the Authentication Method every AUTH must carry.
    MissingAuthenticationMethod,
    /// CONNECT with a protocol name other than `MQTT` (or `MQIsdp` for level 3).
    InvalidProtocolName,
    /// CONNECT with a protocol level this codec does not speak.
    UnsupportedProtocolLevel {
        /// The level byte.
        level: u8,
    },
    /// A reserved bit set (CONNECT flags, CONNACK flags, subscription options).
    ReservedBitSet {
        /// The byte's name.
        field: &'static str,
    },
    /// CONNACK with Session Present and a failure reason code.
    SessionPresentWithFailure,
    /// Will QoS or Will Retain set without the Will Flag.
    WillFlagsWithoutWill,
    /// An MQTT 3.1.1 password flag without the user name flag.
    PasswordWithoutUsername,
    /// Retain Handling 3.
    InvalidRetainHandling,
    /// No Local on a shared subscription.
    NoLocalOnSharedSubscription,
    /// SUBSCRIBE, UNSUBSCRIBE, SUBACK or UNSUBACK with no entries.
    EmptyPayload {
        /// The packet type.
        packet: PacketType,
    },
    /// A PUBLISH payload marked as UTF-8 (Payload Format Indicator 1) that is not.
    PayloadNotUtf8,
    /// A packet larger than the configured maximum.
    PacketTooLarge {
        /// The whole packet's size, fixed header included.
        size: usize,
        /// The limit.
        max: usize,
    },
}

impl fmt::Display for DecodeErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use DecodeErrorKind as K;
        match self {
            K::UnexpectedEnd {
                field,
                wanted,
                available,
            } => {
                write!(
                    f,
                    "{field} needs {wanted} bytes but only {available} are left"
                )
            }
            K::LengthExceedsPacket { len, available } => {
                write!(
                    f,
                    "declared length {len} runs past the end: only {available} bytes are left"
                )
            }
            K::TrailingBytes { count } => write!(f, "{count} bytes left over after the last field"),
            K::InvalidPacketType { value } => write!(f, "packet type {value} is reserved"),
            K::ServerBound { packet } => write!(f, "a server does not send {packet}"),
            K::InvalidFlags {
                packet,
                found,
                expected,
            } => {
                write!(f, "{packet} flags are {found:04b}, expected {expected:04b}")
            }
            K::VarIntTooLong => f.write_str("variable byte integer longer than 4 bytes"),
            K::VarIntNotMinimal => f.write_str("variable byte integer not in its shortest form"),
            K::InvalidUtf8 => f.write_str("string is not well-formed UTF-8"),
            K::NullCharacter => f.write_str("string contains U+0000"),
            K::InvalidQos => f.write_str("QoS 3 is not a QoS level; expected 0, 1 or 2"),
            K::DupWithQos0 => f.write_str("DUP must be 0 when QoS is 0"),
            K::ZeroPacketId => f.write_str("packet identifier 0; expected 1 to 65535"),
            K::WildcardInTopicName => f.write_str("topic name contains a wildcard (+ or #)"),
            K::EmptyTopic => f.write_str("topic is empty; expected at least one character"),
            K::EmptyTopicWithoutAlias => f.write_str("empty topic name without a Topic Alias"),
            K::InvalidTopicFilter { reason } => write!(f, "invalid topic filter: {reason}"),
            K::InvalidReasonCode { packet, code } => {
                write!(f, "reason code 0x{code:02X} is not allowed in {packet}")
            }
            K::UnknownProperty { id } => write!(f, "property identifier 0x{id:02X} is not defined"),
            K::PropertyNotAllowed { id, context } => write!(
                f,
                "property {} (0x{id:02X}) is not allowed in {context}",
                super::properties::property_label(*id)
            ),
            K::DuplicateProperty { id } => write!(
                f,
                "property {} (0x{id:02X}) appears more than once",
                super::properties::property_label(*id)
            ),
            K::InvalidPropertyValue { id, value } => write!(
                f,
                "property {} (0x{id:02X}) has invalid value {value}",
                super::properties::property_label(*id)
            ),
            K::AuthDataWithoutMethod => {
                f.write_str("Authentication Data without Authentication Method")
            }
            K::MissingAuthenticationMethod => {
                f.write_str("AUTH properties without an Authentication Method")
            }
            K::InvalidProtocolName => {
                f.write_str("protocol name is not \"MQTT\" (or \"MQIsdp\" for level 3)")
            }
            K::UnsupportedProtocolLevel { level } => {
                write!(f, "protocol level {level}; expected 3, 4 or 5")
            }
            K::ReservedBitSet { field } => write!(f, "reserved bit set in {field}"),
            K::SessionPresentWithFailure => {
                f.write_str("Session Present must be 0 with a failure reason code")
            }
            K::WillFlagsWithoutWill => {
                f.write_str("Will QoS or Will Retain set without the Will Flag")
            }
            K::PasswordWithoutUsername => {
                f.write_str("password flag set without the user name flag")
            }
            K::InvalidRetainHandling => f.write_str("Retain Handling 3; expected 0, 1 or 2"),
            K::NoLocalOnSharedSubscription => f.write_str("No Local set on a shared subscription"),
            K::EmptyPayload { packet } => {
                write!(f, "{packet} carries no entries; expected at least one")
            }
            K::PayloadNotUtf8 => {
                f.write_str("payload marked as UTF-8 (Payload Format Indicator 1) is not")
            }
            K::PacketTooLarge { size, max } => {
                write!(f, "packet of {size} bytes exceeds the maximum of {max}")
            }
        }
    }
}

/// The local caller asked to encode something that the specification forbids a sender to
/// send. Nothing was written.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum UsageError {
    /// A string longer than 65,535 bytes.
    StringTooLong {
        /// Which field.
        field: &'static str,
        /// Its length.
        len: usize,
    },
    /// Binary data longer than 65,535 bytes.
    BinaryTooLong {
        /// Which field.
        field: &'static str,
        /// Its length.
        len: usize,
    },
    /// A string containing U+0000 [MQTT-1.5.4-2].
    NullCharacter {
        /// Which field.
        field: &'static str,
    },
    /// A wildcard in a Topic Name [MQTT-3.3.2-2].
    WildcardInTopicName,
    /// DUP set on a QoS 0 PUBLISH [MQTT-3.3.1-2].
    DupWithQos0,
    /// An empty Topic Name (allowed in MQTT 5 only together with a Topic Alias).
    EmptyTopic,
    /// A Topic Filter that breaks the grammar of 4.7.
    InvalidTopicFilter {
        /// What is wrong.
        reason: &'static str,
    },
    /// A packet whose Remaining Length would exceed 268,435,455.
    PacketTooLarge {
        /// The Remaining Length it would need.
        remaining_length: usize,
    },
    /// A packet type, reason code or property that the chosen protocol version lacks.
    NotInVersion {
        /// What.
        what: &'static str,
    },
    /// A reason code this packet type may not carry.
    InvalidReasonCode {
        /// The packet type.
        packet: PacketType,
        /// The code.
        code: u8,
    },
    /// A property value outside its range (Subscription Identifier 0 or above
    /// 268,435,455, Maximum QoS 2).
    InvalidPropertyValue {
        /// Which property.
        property: &'static str,
    },
    /// SUBSCRIBE, UNSUBSCRIBE, SUBACK or UNSUBACK without entries.
    EmptyPayload {
        /// The packet type.
        packet: PacketType,
    },
    /// An MQTT 3.1.1 CONNECT with a password but no user name [MQTT-3.1.2-22], or an empty
    /// client identifier without Clean Session [MQTT-3.1.3-7].
    InvalidConnect {
        /// What is wrong.
        reason: &'static str,
    },
    /// No Local on a shared subscription [MQTT-3.8.3-4].
    NoLocalOnSharedSubscription,
    /// Authentication Data, or AUTH properties, without an Authentication Method.
    AuthDataWithoutMethod,
    /// A CONNACK that refuses the connection with Session Present set (5.0
    /// [MQTT-3.2.2-6], 3.1.1 [MQTT-3.2.2-4]).
    SessionPresentWithFailure {
        /// The rule, by the version's numbering.
        rule: &'static str,
    },
}

impl fmt::Display for UsageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use UsageError as U;
        match self {
            U::StringTooLong { field, len } => {
                write!(f, "{field} is {len} bytes; a string holds at most 65535")
            }
            U::BinaryTooLong { field, len } => {
                write!(f, "{field} is {len} bytes; binary data holds at most 65535")
            }
            U::NullCharacter { field } => write!(f, "{field} contains U+0000 [MQTT-1.5.4-2]"),
            U::WildcardInTopicName => {
                f.write_str("a topic name may not contain + or # [MQTT-3.3.2-2]")
            }
            U::DupWithQos0 => f.write_str("DUP must be 0 for a QoS 0 message [MQTT-3.3.1-2]"),
            U::EmptyTopic => f.write_str("the topic is empty [MQTT-4.7.3-1]"),
            U::InvalidTopicFilter { reason } => write!(f, "invalid topic filter: {reason}"),
            U::PacketTooLarge { remaining_length } => {
                write!(f, "remaining length {remaining_length} exceeds 268435455")
            }
            U::NotInVersion { what } => write!(f, "{what} does not exist in this protocol version"),
            U::InvalidReasonCode { packet, code } => {
                write!(f, "reason code 0x{code:02X} is not allowed in {packet}")
            }
            U::InvalidPropertyValue { property } => {
                write!(f, "{property} has a value out of range")
            }
            U::EmptyPayload { packet } => write!(f, "{packet} needs at least one entry"),
            U::InvalidConnect { reason } => write!(f, "invalid CONNECT: {reason}"),
            U::NoLocalOnSharedSubscription => {
                f.write_str("No Local on a shared subscription [MQTT-3.8.3-4]")
            }
            U::AuthDataWithoutMethod => {
                f.write_str("Authentication Data needs an Authentication Method")
            }
            U::SessionPresentWithFailure { rule } => write!(
                f,
                "a CONNACK that refuses the connection has Session Present 0 [{rule}]"
            ),
        }
    }
}

impl std::error::Error for UsageError {}

#[cfg(test)]
mod tests {
    use super::rule_display;

    #[test]
    fn rules_are_shown_as_the_specification_prints_them() {
        assert_eq!(rule_display("MQTT-3.3.1-4"), "[MQTT-3.3.1-4]");
        assert_eq!(rule_display(" 3.3.2.3.4 "), "(§3.3.2.3.4)");
        assert_eq!(rule_display(""), "");
    }
}
