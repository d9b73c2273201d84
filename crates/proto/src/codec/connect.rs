//! CONNECT (3.1): the first packet a client sends, with its will, user name and password.

use std::borrow::Cow;
use std::num::{NonZeroU16, NonZeroU32};

use super::error::{DecodeError, DecodeErrorKind, UsageError};
use super::header::qos_name;
use super::properties::{property_set, read_props, Props, UserProperty};
use super::reader::{Meta, Reader, Trace};
use super::string::{check_outgoing, StrKind};
use super::{check_bin, ProtocolVersion, QoS};
use crate::dissect::Value;

property_set! {
    /// Properties of CONNECT (3.1.2.11).
    ConnectProperties in "CONNECT" {
        one
        /// Seconds the session outlives the connection (0: ends with it).
        session_expiry_interval: u32 = SESSION_EXPIRY_INTERVAL via U32, "Session Expiry Interval", "3.1.2.11.2";
        one
        /// How many QoS 1/2 PUBLISH the client will handle at once.
        receive_maximum: NonZeroU16 = RECEIVE_MAXIMUM via U16Nz, "Receive Maximum", "3.1.2.11.3";
        one
        /// The largest packet the client accepts.
        maximum_packet_size: NonZeroU32 = MAXIMUM_PACKET_SIZE via U32Nz, "Maximum Packet Size", "3.1.2.11.4";
        one
        /// The highest Topic Alias the client accepts (0 or absent: none).
        topic_alias_maximum: u16 = TOPIC_ALIAS_MAXIMUM via U16, "Topic Alias Maximum", "3.1.2.11.5";
        one
        /// Ask the server for Response Information in CONNACK.
        request_response_information: bool = REQUEST_RESPONSE_INFORMATION via Flag, "Request Response Information", "3.1.2.11.6";
        one
        /// Whether the server may send Reason Strings and User Properties on failures.
        request_problem_information: bool = REQUEST_PROBLEM_INFORMATION via Flag, "Request Problem Information", "3.1.2.11.7";
        one
        /// The enhanced authentication method (e.g. `SCRAM-SHA-256`).
        authentication_method: Cow<'a, str> = AUTHENTICATION_METHOD via Utf8, "Authentication Method", "3.1.2.11.9";
        one
        /// Method-specific authentication data.
        authentication_data: Cow<'a, [u8]> = AUTHENTICATION_DATA via Bin, "Authentication Data", "3.1.2.11.10";
        many
        /// Name/value pairs, in order.
        user_properties: UserProperty<'a> = USER_PROPERTY via Pair, "User Property", "3.1.2.11.8";
    }
}

property_set! {
    /// Properties of the Will Message (3.1.3.2).
    WillProperties in "the Will Properties" {
        one
        /// Seconds the server waits before publishing the will.
        will_delay_interval: u32 = WILL_DELAY_INTERVAL via U32, "Will Delay Interval", "3.1.3.2.2";
        one
        /// True: the will payload is UTF-8 character data.
        payload_format_indicator: bool = PAYLOAD_FORMAT_INDICATOR via Flag, "Payload Format Indicator", "3.1.3.2.3";
        one
        /// Lifetime of the will message in seconds.
        message_expiry_interval: u32 = MESSAGE_EXPIRY_INTERVAL via U32, "Message Expiry Interval", "3.1.3.2.4";
        one
        /// MIME type of the will payload.
        content_type: Cow<'a, str> = CONTENT_TYPE via Utf8, "Content Type", "3.1.3.2.5";
        one
        /// Topic for a response to the will.
        response_topic: Cow<'a, str> = RESPONSE_TOPIC via TopicUtf8, "Response Topic", "3.1.3.2.6";
        one
        /// Opaque data to match a response.
        correlation_data: Cow<'a, [u8]> = CORRELATION_DATA via Bin, "Correlation Data", "3.1.3.2.7";
        many
        /// Name/value pairs, in order.
        user_properties: UserProperty<'a> = USER_PROPERTY via Pair, "User Property", "3.1.3.2.8";
    }
}

/// The Will Message the server publishes if the connection ends abnormally.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Will<'a> {
    /// Where to publish it.
    pub topic: Cow<'a, str>,
    /// What to publish.
    pub payload: Cow<'a, [u8]>,
    /// Its QoS.
    pub qos: QoS,
    /// Whether it is retained.
    pub retain: bool,
    /// MQTT 5 will properties.
    pub properties: Props<'a, WillProperties<'a>>,
}

/// A CONNECT packet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Connect<'a> {
    /// The protocol version, from the protocol name and level; CONNECT is always encoded in
    /// this version.
    pub protocol: ProtocolVersion,
    /// Clean Start (MQTT 5) / Clean Session (MQTT 3).
    pub clean_start: bool,
    /// Keep Alive in seconds; 0 disables it.
    pub keep_alive: u16,
    /// MQTT 5 properties.
    pub properties: Props<'a, ConnectProperties<'a>>,
    /// The Client Identifier; may be empty (MQTT 3.1.1 then requires Clean Session).
    pub client_id: Cow<'a, str>,
    /// The will, if any.
    pub will: Option<Will<'a>>,
    /// The user name, if any.
    pub username: Option<Cow<'a, str>>,
    /// The password, if any (MQTT 3.1.1 requires a user name with it).
    pub password: Option<Cow<'a, [u8]>>,
}

const NAME: Meta = Meta::new("protocol_name", "Protocol Name", "3.1.2.1");
const LEVEL: Meta = Meta::new("protocol_level", "Protocol Version", "3.1.2.2");
const FLAGS: Meta = Meta::new("flags", "Connect Flags", "3.1.2.3");
const KEEP_ALIVE: Meta = Meta::new("keep_alive", "Keep Alive", "3.1.2.10");
const CLIENT_ID: Meta = Meta::new("client_id", "Client Identifier", "3.1.3.1");
const WILL_TOPIC: Meta = Meta::new("will_topic", "Will Topic", "3.1.3.3");
const WILL_PAYLOAD: Meta = Meta::new("will_payload", "Will Payload", "3.1.3.4");
const USERNAME: Meta = Meta::new("username", "User Name", "3.1.3.5");
const PASSWORD: Meta = Meta::new("password", "Password", "3.1.3.6");

/// The bits of the Connect Flags byte (3.1.2.3), with their paths and labels.
const FLAG_BITS: [(u8, &str, &str, &str); 7] = [
    (0x80, "username", "User Name Flag", "3.1.2.8"),
    (0x40, "password", "Password Flag", "3.1.2.9"),
    (0x20, "will_retain", "Will Retain", "3.1.2.7"),
    (0x18, "will_qos", "Will QoS", "3.1.2.6"),
    (0x04, "will", "Will Flag", "3.1.2.5"),
    (0x02, "clean_start", "Clean Start", "3.1.2.4"),
    (0x01, "reserved", "Reserved", "3.1.2.3"),
];

impl<'a> Connect<'a> {
    /// A CONNECT with Clean Start, a 60 s keep alive and nothing else.
    pub fn new(protocol: ProtocolVersion, client_id: impl Into<Cow<'a, str>>) -> Self {
        Connect {
            protocol,
            clean_start: true,
            keep_alive: 60,
            properties: Props::none(),
            client_id: client_id.into(),
            will: None,
            username: None,
            password: None,
        }
    }

    pub(crate) fn decode<T: Trace>(r: &mut Reader<'a, '_, T>) -> Result<Self, DecodeError> {
        r.version = read_protocol(r)?;
        let flags = read_flags(r)?;
        let keep_alive = r.u16(&KEEP_ALIVE)?;
        let properties = if r.version.is_v5() {
            read_connect_properties(r)?
        } else {
            Props::none()
        };
        let client_id = r.str(&CLIENT_ID, StrKind::Plain)?;
        let will = if flags & 0x04 != 0 {
            Some(read_will(r, flags)?)
        } else {
            None
        };
        let username = if flags & 0x80 != 0 {
            Some(r.str(&USERNAME, StrKind::Plain)?)
        } else {
            None
        };
        let password = if flags & 0x40 != 0 {
            Some(r.bin(&PASSWORD)?)
        } else {
            None
        };
        Ok(Connect {
            protocol: r.version,
            clean_start: flags & 0x02 != 0,
            keep_alive,
            properties,
            client_id,
            will,
            username,
            password,
        })
    }

    pub(crate) fn body_len(&self) -> Result<usize, UsageError> {
        let v = self.protocol;
        self.check(v)?;
        let mut n = 2 + v.protocol_name().len() + 1 + 1 + 2 + 2 + self.client_id.len();
        if v.is_v5() {
            n += self.properties.block_len();
        }
        if let Some(w) = &self.will {
            n += 4
                + w.topic.len()
                + w.payload.len()
                + if v.is_v5() {
                    w.properties.block_len()
                } else {
                    0
                };
        }
        n += self.username.as_ref().map_or(0, |u| 2 + u.len());
        n += self.password.as_ref().map_or(0, |p| 2 + p.len());
        Ok(n)
    }

    fn check(&self, v: ProtocolVersion) -> Result<(), UsageError> {
        check_outgoing(&self.client_id, StrKind::Plain, "client id", v)?;
        if let Some(u) = &self.username {
            check_outgoing(u, StrKind::Plain, "user name", v)?;
        }
        if let Some(p) = &self.password {
            check_bin(p, "password")?;
        }
        if let Some(w) = &self.will {
            check_outgoing(&w.topic, StrKind::TopicName, "will topic", v)?;
            check_bin(&w.payload, "will payload")?;
        }
        if v.is_v5() {
            return self.check_v5(v);
        }
        if self.password.is_some() && self.username.is_none() {
            return Err(UsageError::InvalidConnect {
                reason: "MQTT 3 needs a user name with a password [MQTT-3.1.2-22]",
            });
        }
        if self.client_id.is_empty() && !self.clean_start {
            return Err(UsageError::InvalidConnect {
                reason: "an empty client id needs Clean Session [MQTT-3.1.3-7]",
            });
        }
        if !self.properties.is_empty()
            || self.will.as_ref().is_some_and(|w| !w.properties.is_empty())
        {
            return Err(UsageError::NotInVersion {
                what: "CONNECT properties",
            });
        }
        Ok(())
    }

    fn check_v5(&self, v: ProtocolVersion) -> Result<(), UsageError> {
        self.properties.check(v)?;
        if self.properties.authentication_data().is_some()
            && self.properties.authentication_method().is_none()
        {
            return Err(UsageError::AuthDataWithoutMethod);
        }
        if let Some(w) = &self.will {
            w.properties.check(v)?;
        }
        Ok(())
    }

    fn flags(&self) -> u8 {
        let mut f = u8::from(self.clean_start) << 1;
        if let Some(w) = &self.will {
            f |= 0x04 | ((w.qos as u8) << 3) | (u8::from(w.retain) << 5);
        }
        f | (u8::from(self.password.is_some()) << 6) | (u8::from(self.username.is_some()) << 7)
    }

    pub(crate) fn write_body(&self, out: &mut Vec<u8>) {
        let v = self.protocol;
        super::write_str(out, v.protocol_name());
        out.push(v.level());
        out.push(self.flags());
        out.extend_from_slice(&self.keep_alive.to_be_bytes());
        if v.is_v5() {
            self.properties.write_block(out);
        }
        super::write_str(out, &self.client_id);
        if let Some(w) = &self.will {
            if v.is_v5() {
                w.properties.write_block(out);
            }
            super::write_str(out, &w.topic);
            super::write_bin(out, &w.payload);
        }
        if let Some(u) = &self.username {
            super::write_str(out, u);
        }
        if let Some(p) = &self.password {
            super::write_bin(out, p);
        }
    }

    /// Copies borrowed data so the packet outlives its input.
    pub fn into_owned(self) -> Connect<'static> {
        Connect {
            protocol: self.protocol,
            clean_start: self.clean_start,
            keep_alive: self.keep_alive,
            properties: self.properties.into_owned(),
            client_id: Cow::Owned(self.client_id.into_owned()),
            will: self.will.map(|w| Will {
                topic: Cow::Owned(w.topic.into_owned()),
                payload: Cow::Owned(w.payload.into_owned()),
                qos: w.qos,
                retain: w.retain,
                properties: w.properties.into_owned(),
            }),
            username: self.username.map(|u| Cow::Owned(u.into_owned())),
            password: self.password.map(|p| Cow::Owned(p.into_owned())),
        }
    }
}

/// Reads the protocol name and level: `MQTT` with 4 or 5, `MQIsdp` with 3.
fn read_protocol<T: Trace>(r: &mut Reader<'_, '_, T>) -> Result<ProtocolVersion, DecodeError> {
    let name_start = r.pos();
    let name = r.str(&NAME, StrKind::Plain)?;
    let level_start = r.pos();
    let level = r.take(1, &LEVEL)?[0];
    let Some(v) = ProtocolVersion::from_level(level) else {
        return Err(r.err_at(
            level_start,
            DecodeErrorKind::UnsupportedProtocolLevel { level },
            "MQTT-3.1.2-2",
        ));
    };
    if name != v.protocol_name() {
        return Err(r.err_at(
            name_start,
            DecodeErrorKind::InvalidProtocolName,
            "MQTT-3.1.2-1",
        ));
    }
    r.note(level_start, &LEVEL, || Value::Named {
        code: level.into(),
        name: version_name(v),
    });
    Ok(v)
}

fn version_name(v: ProtocolVersion) -> &'static str {
    match v {
        ProtocolVersion::V3_1 => "MQTT 3.1",
        ProtocolVersion::V3_1_1 => "MQTT 3.1.1",
        ProtocolVersion::V5 => "MQTT 5.0",
    }
}

/// Reads and checks the Connect Flags: reserved bit 0 [MQTT-3.1.2-3]; Will QoS and Will
/// Retain 0 without a will [MQTT-3.1.2-11] [MQTT-3.1.2-13]; Will QoS 3 [MQTT-3.1.2-12]; in
/// MQTT 3.1.1 no password without a user name [MQTT-3.1.2-22]. (MQTT 3.1.1 numbers the
/// will rules [MQTT-3.1.2-13] to [MQTT-3.1.2-15].)
fn read_flags<T: Trace>(r: &mut Reader<'_, '_, T>) -> Result<u8, DecodeError> {
    let at = r.pos();
    let f = r.take(1, &FLAGS)?[0];
    let v5 = r.version.is_v5();
    let will_qos = (f >> 3) & 0b11;
    let fail = |kind, rule| Err(DecodeError::new(at, kind, rule));
    if f & 0x01 != 0 {
        return fail(
            DecodeErrorKind::ReservedBitSet {
                field: "Connect Flags",
            },
            "MQTT-3.1.2-3",
        );
    }
    if f & 0x04 == 0 && will_qos != 0 {
        return fail(
            DecodeErrorKind::WillFlagsWithoutWill,
            if v5 { "MQTT-3.1.2-11" } else { "MQTT-3.1.2-13" },
        );
    }
    if f & 0x04 == 0 && f & 0x20 != 0 {
        return fail(
            DecodeErrorKind::WillFlagsWithoutWill,
            if v5 { "MQTT-3.1.2-13" } else { "MQTT-3.1.2-15" },
        );
    }
    if will_qos == 3 {
        return fail(
            DecodeErrorKind::InvalidQos,
            if v5 { "MQTT-3.1.2-12" } else { "MQTT-3.1.2-14" },
        );
    }
    if !v5 && f & 0x40 != 0 && f & 0x80 == 0 {
        return fail(DecodeErrorKind::PasswordWithoutUsername, "MQTT-3.1.2-22");
    }
    if T::ON {
        r.enter("flags");
        for (mask, name, label, section) in FLAG_BITS {
            let value = flag_value(f, mask);
            r.note_bits(at, mask, &Meta::new(name, label, section), || value);
        }
        r.leave();
    }
    Ok(f)
}

fn flag_value(f: u8, mask: u8) -> Value {
    if mask == 0x18 {
        let q = QoS::from_u8((f >> 3) & 3).unwrap_or_default();
        return Value::Named {
            code: q as u64,
            name: qos_name(q),
        };
    }
    Value::Bool(f & mask != 0)
}

fn read_connect_properties<'a, T: Trace>(
    r: &mut Reader<'a, '_, T>,
) -> Result<Props<'a, ConnectProperties<'a>>, DecodeError> {
    let start = r.pos();
    let p: Props<'a, ConnectProperties<'a>> = read_props(r)?;
    if p.authentication_data().is_some() && p.authentication_method().is_none() {
        return Err(r.err_at(start, DecodeErrorKind::AuthDataWithoutMethod, "3.1.2.11.10"));
    }
    Ok(p)
}

fn read_will<'a, T: Trace>(r: &mut Reader<'a, '_, T>, flags: u8) -> Result<Will<'a>, DecodeError> {
    r.enter("will");
    let properties: Props<'a, WillProperties<'a>> = if r.version.is_v5() {
        read_props(r)?
    } else {
        Props::none()
    };
    let topic = r.str(&WILL_TOPIC, StrKind::TopicName)?;
    let payload = r.bin(&WILL_PAYLOAD)?;
    if properties.payload_format_indicator() == Some(true) {
        if let Err(e) = std::str::from_utf8(&payload) {
            let at = r.pos() - payload.len() + e.valid_up_to();
            return Err(r.err_at(at, DecodeErrorKind::PayloadNotUtf8, "3.1.3.2.3"));
        }
    }
    r.leave();
    let qos = QoS::from_u8((flags >> 3) & 3).unwrap_or_default();
    Ok(Will {
        topic,
        payload,
        qos,
        retain: flags & 0x20 != 0,
        properties,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codec::{Packet, ReasonCode};
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    const V5: ProtocolVersion = ProtocolVersion::V5;
    const V4: ProtocolVersion = ProtocolVersion::V3_1_1;

    fn enc(p: &Connect<'_>) -> Vec<u8> {
        let mut out = Vec::new();
        Packet::Connect(Box::new(p.clone()))
            .encode(V5, &mut out)
            .unwrap();
        out
    }

    /// CONNECT 3.1.1, clean session, keep alive 60, client id "c".
    const MIN_V4: [u8; 15] = [
        0x10, 0x0d, 0x00, 0x04, b'M', b'Q', b'T', b'T', 0x04, 0x02, 0x00, 0x3c, 0x00, 0x01, b'c',
    ];

    #[test]
    fn minimal_v311_connect() {
        let Packet::Connect(c) = Packet::decode_exact(&MIN_V4, V5).unwrap() else {
            panic!()
        };
        assert_eq!(*c, Connect::new(V4, "c"));
        assert_eq!(enc(&c), MIN_V4);
    }

    #[test]
    fn v31_uses_mqisdp() {
        let c = Connect::new(ProtocolVersion::V3_1, "c");
        let bytes = enc(&c);
        assert_eq!(
            &bytes[2..11],
            [0x00, 0x06, b'M', b'Q', b'I', b's', b'd', b'p', 0x03]
        );
        assert_eq!(
            Packet::decode_exact(&bytes, V4).unwrap(),
            Packet::Connect(Box::new(c))
        );
    }

    #[test]
    fn full_v5_connect_round_trips() {
        let mut c = Connect::new(V5, "dev-1");
        c.clean_start = false;
        let props = c.properties.to_mut();
        props.session_expiry_interval = Some(300);
        props.receive_maximum = NonZeroU16::new(20);
        props.topic_alias_maximum = Some(10);
        props.authentication_method = Some("SCRAM-SHA-256".into());
        props.authentication_data = Some(Cow::Borrowed(b"n,,n=user,r=abc"));
        c.properties
            .to_mut()
            .user_properties
            .push(UserProperty::new("a", "b"));
        let wp = WillProperties {
            will_delay_interval: Some(5),
            payload_format_indicator: Some(true),
            ..Default::default()
        };
        c.will = Some(Will {
            topic: "dev/1/status".into(),
            payload: Cow::Borrowed(b"offline"),
            qos: QoS::AtLeastOnce,
            retain: true,
            properties: wp.into(),
        });
        c.username = Some("u".into());
        c.password = Some(Cow::Borrowed(b"p"));
        let bytes = enc(&c);
        assert_eq!(bytes[9], 0b1110_1100);
        assert_eq!(
            Packet::decode_exact(&bytes, V5).unwrap(),
            Packet::Connect(Box::new(c))
        );
    }

    #[test]
    fn reserved_flag_bit_is_malformed() {
        let mut b = MIN_V4;
        b[9] |= 0x01;
        let err = Packet::decode_exact(&b, V4).unwrap_err();
        assert_eq!((err.offset, err.rule), (9, "MQTT-3.1.2-3"));
    }

    #[test]
    fn will_qos_and_retain_need_the_will_flag() {
        let mut b = MIN_V4;
        b[9] = 0x02 | 0x08;
        assert_eq!(
            Packet::decode_exact(&b, V4).unwrap_err().rule,
            "MQTT-3.1.2-13"
        );
        b[9] = 0x02 | 0x20;
        assert_eq!(
            Packet::decode_exact(&b, V4).unwrap_err().rule,
            "MQTT-3.1.2-15"
        );
    }

    #[test]
    fn will_qos_3_is_malformed() {
        let mut c = Connect::new(V4, "c");
        c.will = Some(Will {
            topic: "t".into(),
            payload: Cow::Borrowed(b""),
            qos: QoS::AtMostOnce,
            retain: false,
            properties: Props::none(),
        });
        let mut b = enc(&c);
        b[9] |= 0x18;
        let err = Packet::decode_exact(&b, V4).unwrap_err();
        assert_eq!(
            (err.offset, err.kind.clone(), err.rule),
            (9, DecodeErrorKind::InvalidQos, "MQTT-3.1.2-14")
        );
    }

    #[test]
    fn v311_password_needs_a_username_v5_does_not() {
        let mut c = Connect::new(V5, "c");
        c.password = Some(Cow::Borrowed(b"secret"));
        let b = enc(&c);
        assert_eq!(
            Packet::decode_exact(&b, V5).unwrap(),
            Packet::Connect(Box::new(c.clone()))
        );
        c.protocol = V4;
        assert!(matches!(
            Packet::Connect(Box::new(c)).encode(V4, &mut Vec::new()),
            Err(UsageError::InvalidConnect { .. })
        ));
        let mut b4 = MIN_V4.to_vec();
        b4[9] |= 0x40;
        b4.extend_from_slice(&[0x00, 0x01, b'p']);
        b4[1] += 3;
        let err = Packet::decode_exact(&b4, V4).unwrap_err();
        assert_eq!(
            (err.kind.clone(), err.rule),
            (DecodeErrorKind::PasswordWithoutUsername, "MQTT-3.1.2-22")
        );
    }

    #[test]
    fn v311_empty_client_id_needs_clean_session_on_send() {
        let mut c = Connect::new(V4, "");
        c.clean_start = false;
        assert!(matches!(
            Packet::Connect(Box::new(c.clone())).encode(V4, &mut Vec::new()),
            Err(UsageError::InvalidConnect { .. })
        ));
        c.clean_start = true;
        assert!(Packet::Connect(Box::new(c))
            .encode(V4, &mut Vec::new())
            .is_ok());
    }

    #[test]
    fn v31_empty_client_id_without_clean_session_decodes_for_the_server_to_refuse() {
        // Found by the decode fuzz target. Well-formed: the server answers it with CONNACK
        // 0x02 [MQTT-3.1.3-8]; a client may not send it [MQTT-3.1.3-7].
        let bytes = [
            0x10, 0x0e, 0, 6, b'M', b'Q', b'I', b's', b'd', b'p', 3, 0x00, 0, 60, 0, 0,
        ];
        let Packet::Connect(c) = Packet::decode_exact(&bytes, V4).unwrap() else {
            panic!()
        };
        assert!(c.client_id.is_empty() && !c.clean_start);
        assert!(matches!(
            Packet::Connect(c).encode(V4, &mut Vec::new()),
            Err(UsageError::InvalidConnect { .. })
        ));
    }

    /// [MQTT-3.1.2-1]
    #[test]
    fn wrong_protocol_name_or_level() {
        let mut b = MIN_V4;
        b[4] = b'X';
        assert_eq!(
            Packet::decode_exact(&b, V4).unwrap_err().rule,
            "MQTT-3.1.2-1"
        );
        let mut b = MIN_V4;
        b[8] = 6;
        let err = Packet::decode_exact(&b, V4).unwrap_err();
        assert_eq!(
            (err.offset, err.reason_code()),
            (8, ReasonCode::UnsupportedProtocolVersion)
        );
        // MQTT with level 3 is not MQIsdp.
        let mut b = MIN_V4;
        b[8] = 3;
        assert_eq!(
            Packet::decode_exact(&b, V4).unwrap_err().kind,
            DecodeErrorKind::InvalidProtocolName
        );
    }

    #[test]
    fn auth_data_without_method_is_a_protocol_error() {
        let mut c = Connect::new(V5, "c");
        c.properties.to_mut().authentication_data = Some(Cow::Borrowed(b"x"));
        assert_eq!(
            Packet::Connect(Box::new(c)).encode(V5, &mut Vec::new()),
            Err(UsageError::AuthDataWithoutMethod)
        );
        // 0x16 0x00 0x01 'x' as the only property.
        let b = [
            0x10, 0x12, 0, 4, b'M', b'Q', b'T', b'T', 5, 2, 0, 60, 4, 0x16, 0, 1, b'x', 0, 1, b'c',
        ];
        assert_eq!(
            Packet::decode_exact(&b, V5).unwrap_err().kind,
            DecodeErrorKind::AuthDataWithoutMethod
        );
    }

    #[test]
    fn will_topic_must_be_a_topic_name() {
        let mut c = Connect::new(V4, "c");
        c.will = Some(Will {
            topic: "a/+".into(),
            payload: Cow::Borrowed(b""),
            qos: QoS::AtMostOnce,
            retain: false,
            properties: Props::none(),
        });
        assert_eq!(
            Packet::Connect(Box::new(c)).encode(V4, &mut Vec::new()),
            Err(UsageError::WildcardInTopicName)
        );
    }
}
