//! Reason Codes (2.4), the MQTT 3.1.1 CONNACK return codes mapped onto them, and which
//! packet may carry which code (Table 2-6).

use std::fmt;

use super::PacketType;

macro_rules! reason_codes {
    ($( $(#[doc = $doc:literal])* $name:ident = $value:literal, $text:literal; )*) => {
        /// An MQTT 5 Reason Code. MQTT 3.1.1 return codes (CONNACK, SUBACK) map onto the
        /// MQTT 5 code with the same meaning, as the MQTT 5 specification does.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        #[repr(u8)]
        pub enum ReasonCode {
            $( $(#[doc = $doc])* $name = $value, )*
        }

        impl ReasonCode {
            /// The code for byte `value`, if MQTT 5 defines it.
            pub const fn from_u8(value: u8) -> Option<Self> {
                match value {
                    $( $value => Some(ReasonCode::$name), )*
                    _ => None,
                }
            }

            /// The specification's name of the code (for 0x00 in DISCONNECT and SUBACK see
            /// [`ReasonCode::name_in`]).
            pub const fn name(self) -> &'static str {
                match self {
                    $( ReasonCode::$name => $text, )*
                }
            }
        }
    };
}

reason_codes! {
    /// 0x00 Success (CONNACK, PUBACK, PUBREC, PUBREL, PUBCOMP, UNSUBACK, AUTH); also
    /// "Normal disconnection" in DISCONNECT and "Granted QoS 0" in SUBACK.
    Success = 0x00, "Success";
    /// 0x01 Granted QoS 1 (SUBACK): the subscription is accepted with QoS 1.
    GrantedQos1 = 0x01, "Granted QoS 1";
    /// 0x02 Granted QoS 2 (SUBACK): the subscription is accepted with QoS 2.
    GrantedQos2 = 0x02, "Granted QoS 2";
    /// 0x04 Disconnect with Will Message (DISCONNECT): the client wants the server to
    /// publish its Will Message.
    DisconnectWithWill = 0x04, "Disconnect with Will Message";
    /// 0x10 No matching subscribers (PUBACK, PUBREC): accepted, but nobody is subscribed.
    NoMatchingSubscribers = 0x10, "No matching subscribers";
    /// 0x11 No subscription existed (UNSUBACK): nothing matched the filter.
    NoSubscriptionExisted = 0x11, "No subscription existed";
    /// 0x18 Continue authentication (AUTH): continue with another step.
    ContinueAuthentication = 0x18, "Continue authentication";
    /// 0x19 Re-authenticate (AUTH): the client starts a re-authentication.
    ReAuthenticate = 0x19, "Re-authenticate";
    /// 0x80 Unspecified error: the sender does not wish to reveal the reason, or none of
    /// the other codes applies. In MQTT 3.1.1 SUBACK this is "Failure".
    UnspecifiedError = 0x80, "Unspecified error";
    /// 0x81 Malformed Packet: the received packet does not conform to the specification.
    MalformedPacket = 0x81, "Malformed Packet";
    /// 0x82 Protocol Error: an unexpected or out of order packet was received.
    ProtocolError = 0x82, "Protocol Error";
    /// 0x83 Implementation specific error: valid, but not accepted by this implementation.
    ImplementationSpecificError = 0x83, "Implementation specific error";
    /// 0x84 Unsupported Protocol Version (CONNACK; MQTT 3.1.1 return code 1).
    UnsupportedProtocolVersion = 0x84, "Unsupported Protocol Version";
    /// 0x85 Client Identifier not valid (CONNACK; MQTT 3.1.1 return code 2 "identifier
    /// rejected").
    ClientIdentifierNotValid = 0x85, "Client Identifier not valid";
    /// 0x86 Bad User Name or Password (CONNACK; MQTT 3.1.1 return code 4).
    BadUserNameOrPassword = 0x86, "Bad User Name or Password";
    /// 0x87 Not authorized (MQTT 3.1.1 CONNACK return code 5).
    NotAuthorized = 0x87, "Not authorized";
    /// 0x88 Server unavailable (CONNACK; MQTT 3.1.1 return code 3).
    ServerUnavailable = 0x88, "Server unavailable";
    /// 0x89 Server busy: try again later.
    ServerBusy = 0x89, "Server busy";
    /// 0x8A Banned: this client is prohibited by an administrative action.
    Banned = 0x8A, "Banned";
    /// 0x8B Server shutting down (DISCONNECT).
    ServerShuttingDown = 0x8B, "Server shutting down";
    /// 0x8C Bad authentication method: the method is not supported or does not match.
    BadAuthenticationMethod = 0x8C, "Bad authentication method";
    /// 0x8D Keep Alive timeout (DISCONNECT): nothing arrived within 1.5 times Keep Alive.
    KeepAliveTimeout = 0x8D, "Keep Alive timeout";
    /// 0x8E Session taken over (DISCONNECT): another connection used the same client id.
    SessionTakenOver = 0x8E, "Session taken over";
    /// 0x8F Topic Filter invalid: well formed, but not accepted.
    TopicFilterInvalid = 0x8F, "Topic Filter invalid";
    /// 0x90 Topic Name invalid: well formed, but not accepted.
    TopicNameInvalid = 0x90, "Topic Name invalid";
    /// 0x91 Packet Identifier in use.
    PacketIdentifierInUse = 0x91, "Packet Identifier in use";
    /// 0x92 Packet Identifier not found (PUBREL, PUBCOMP).
    PacketIdentifierNotFound = 0x92, "Packet Identifier not found";
    /// 0x93 Receive Maximum exceeded: more QoS 1/2 PUBLISH in flight than allowed.
    ReceiveMaximumExceeded = 0x93, "Receive Maximum exceeded";
    /// 0x94 Topic Alias invalid: 0, above the maximum, or unknown with an empty topic.
    TopicAliasInvalid = 0x94, "Topic Alias invalid";
    /// 0x95 Packet too large: above the Maximum Packet Size.
    PacketTooLarge = 0x95, "Packet too large";
    /// 0x96 Message rate too high.
    MessageRateTooHigh = 0x96, "Message rate too high";
    /// 0x97 Quota exceeded: an implementation or administrative quota is exceeded.
    QuotaExceeded = 0x97, "Quota exceeded";
    /// 0x98 Administrative action: the connection is closed by an administrator.
    AdministrativeAction = 0x98, "Administrative action";
    /// 0x99 Payload format invalid: the payload does not match the Payload Format Indicator.
    PayloadFormatInvalid = 0x99, "Payload format invalid";
    /// 0x9A Retain not supported.
    RetainNotSupported = 0x9A, "Retain not supported";
    /// 0x9B QoS not supported: above the Maximum QoS.
    QosNotSupported = 0x9B, "QoS not supported";
    /// 0x9C Use another server, temporarily (see Server Reference).
    UseAnotherServer = 0x9C, "Use another server";
    /// 0x9D Server moved, permanently (see Server Reference).
    ServerMoved = 0x9D, "Server moved";
    /// 0x9E Shared Subscriptions not supported.
    SharedSubscriptionsNotSupported = 0x9E, "Shared Subscriptions not supported";
    /// 0x9F Connection rate exceeded.
    ConnectionRateExceeded = 0x9F, "Connection rate exceeded";
    /// 0xA0 Maximum connect time: the authorized connection time is over.
    MaximumConnectTime = 0xA0, "Maximum connect time";
    /// 0xA1 Subscription Identifiers not supported.
    SubscriptionIdentifiersNotSupported = 0xA1, "Subscription Identifiers not supported";
    /// 0xA2 Wildcard Subscriptions not supported.
    WildcardSubscriptionsNotSupported = 0xA2, "Wildcard Subscriptions not supported";
}

impl Default for ReasonCode {
    /// Success (0x00).
    fn default() -> Self {
        ReasonCode::Success
    }
}

impl ReasonCode {
    /// True for codes 0x80 and above, which report a failure.
    pub const fn is_error(self) -> bool {
        self as u8 >= 0x80
    }

    /// The code's name as used in `packet` (0x00 is "Normal disconnection" in DISCONNECT
    /// and "Granted QoS 0" in SUBACK).
    pub fn name_in(self, packet: PacketType) -> &'static str {
        match (self, packet) {
            (ReasonCode::Success, PacketType::Disconnect) => "Normal disconnection",
            (ReasonCode::Success, PacketType::SubAck) => "Granted QoS 0",
            (ReasonCode::UnspecifiedError, PacketType::SubAck) => "Failure / Unspecified error",
            _ => self.name(),
        }
    }

    /// True when MQTT 5 allows this code in `packet` (Table 2-6).
    pub fn allowed_in(self, packet: PacketType) -> bool {
        allowed(self as u8, packet)
    }

    /// The code for byte `value` when MQTT 5 allows it in `packet` (Table 2-6).
    #[inline]
    pub(crate) fn from_u8_in(value: u8, packet: PacketType) -> Option<Self> {
        if allowed(value, packet) {
            BY_BYTE[usize::from(value)]
        } else {
            None
        }
    }

    /// The MQTT 3.1.1 CONNACK return code for this code, if it has one.
    pub const fn to_v3_connack(self) -> Option<u8> {
        Some(match self {
            ReasonCode::Success => 0,
            ReasonCode::UnsupportedProtocolVersion => 1,
            ReasonCode::ClientIdentifierNotValid => 2,
            ReasonCode::ServerUnavailable => 3,
            ReasonCode::BadUserNameOrPassword => 4,
            ReasonCode::NotAuthorized => 5,
            _ => return None,
        })
    }

    /// The code for an MQTT 3.1.1 CONNACK return code 0 to 5.
    pub const fn from_v3_connack(code: u8) -> Option<Self> {
        Some(match code {
            0 => ReasonCode::Success,
            1 => ReasonCode::UnsupportedProtocolVersion,
            2 => ReasonCode::ClientIdentifierNotValid,
            3 => ReasonCode::ServerUnavailable,
            4 => ReasonCode::BadUserNameOrPassword,
            5 => ReasonCode::NotAuthorized,
            _ => return None,
        })
    }

    /// The MQTT 3.1.1 name of a CONNACK return code.
    pub const fn v3_connack_name(self) -> &'static str {
        match self {
            ReasonCode::Success => "Connection Accepted",
            ReasonCode::UnsupportedProtocolVersion => {
                "Connection Refused, unacceptable protocol version"
            }
            ReasonCode::ClientIdentifierNotValid => "Connection Refused, identifier rejected",
            ReasonCode::ServerUnavailable => "Connection Refused, Server unavailable",
            ReasonCode::BadUserNameOrPassword => "Connection Refused, bad user name or password",
            ReasonCode::NotAuthorized => "Connection Refused, not authorized",
            _ => "",
        }
    }
}

/// True when MQTT 5 allows code byte `value` in `packet`: one look-up in Table 2-6.
#[inline]
fn allowed(value: u8, packet: PacketType) -> bool {
    ALLOWED_IN[usize::from(value)] & (1 << packet as u16) != 0
}

/// [`ReasonCode::from_u8`] as a table, for the decoder's hot paths.
const BY_BYTE: [Option<ReasonCode>; 256] = {
    let mut table = [None; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = ReasonCode::from_u8(b as u8);
        b += 1;
    }
    table
};

/// For each byte, the packet types (as bits, by type number) whose reason codes include
/// it: [`allowed_codes`] turned around at compile time.
const ALLOWED_IN: [u16; 256] = {
    let mut table = [0u16; 256];
    let mut t = 1;
    while t < 16 {
        if let Some(packet) = PacketType::from_u8(t) {
            let codes = allowed_codes(packet);
            let mut i = 0;
            while i < codes.len() {
                table[codes[i] as usize] |= 1 << t;
                i += 1;
            }
        }
        t += 1;
    }
    table
};

/// The codes MQTT 5 allows in `packet` (Table 2-6).
pub(crate) const fn allowed_codes(packet: PacketType) -> &'static [u8] {
    use PacketType as P;
    match packet {
        P::ConnAck => &[
            0x00, 0x80, 0x81, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8A, 0x8C, 0x90,
            0x95, 0x97, 0x99, 0x9A, 0x9B, 0x9C, 0x9D, 0x9F,
        ],
        P::PubAck | P::PubRec => &[0x00, 0x10, 0x80, 0x83, 0x87, 0x90, 0x91, 0x97, 0x99],
        P::PubRel | P::PubComp => &[0x00, 0x92],
        P::SubAck => &[
            0x00, 0x01, 0x02, 0x80, 0x83, 0x87, 0x8F, 0x91, 0x97, 0x9E, 0xA1, 0xA2,
        ],
        P::UnsubAck => &[0x00, 0x11, 0x80, 0x83, 0x87, 0x8F, 0x91],
        P::Disconnect => &[
            0x00, 0x04, 0x80, 0x81, 0x82, 0x83, 0x87, 0x89, 0x8B, 0x8D, 0x8E, 0x8F, 0x90, 0x93,
            0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9A, 0x9B, 0x9C, 0x9D, 0x9E, 0x9F, 0xA0, 0xA1,
            0xA2,
        ],
        P::Auth => &[0x00, 0x18, 0x19],
        _ => &[],
    }
}

impl fmt::Display for ReasonCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "0x{:02X} {}", *self as u8, self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn every_defined_byte_round_trips() {
        let defined = (0..=255u8).filter_map(ReasonCode::from_u8).count();
        assert_eq!(defined, 43);
        for b in 0..=255u8 {
            if let Some(code) = ReasonCode::from_u8(b) {
                assert_eq!(code as u8, b);
            }
        }
    }

    #[test]
    fn table_2_6_spot_checks() {
        assert!(ReasonCode::NoMatchingSubscribers.allowed_in(PacketType::PubAck));
        assert!(!ReasonCode::NoMatchingSubscribers.allowed_in(PacketType::PubRel));
        assert!(ReasonCode::PacketIdentifierNotFound.allowed_in(PacketType::PubComp));
        assert!(ReasonCode::SessionTakenOver.allowed_in(PacketType::Disconnect));
        assert!(!ReasonCode::SessionTakenOver.allowed_in(PacketType::ConnAck));
        assert!(ReasonCode::ReAuthenticate.allowed_in(PacketType::Auth));
    }

    #[test]
    fn the_look_up_table_is_table_2_6() {
        for t in 1..=15 {
            let packet = PacketType::from_u8(t).unwrap();
            for b in 0..=255u8 {
                let listed = allowed_codes(packet).contains(&b);
                assert_eq!(
                    ReasonCode::from_u8_in(b, packet),
                    ReasonCode::from_u8(b).filter(|_| listed),
                    "{b:#04x} in {packet}"
                );
            }
        }
    }

    #[test]
    fn v3_connack_codes_map_both_ways() {
        for c in 0..=5 {
            assert_eq!(
                ReasonCode::from_v3_connack(c).and_then(ReasonCode::to_v3_connack),
                Some(c)
            );
        }
        assert_eq!(ReasonCode::from_v3_connack(6), None);
        assert_eq!(ReasonCode::Banned.to_v3_connack(), None);
    }
}
