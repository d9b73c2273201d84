//! The MQTT codec: the 15 control packets of MQTT 3.1, 3.1.1 and 5.0, decoded strictly
//! from borrowed bytes and encoded canonically.
//!
//! Decoding borrows: strings and payloads in a decoded [`Packet`] point into the input
//! buffer (`Cow::Borrowed`), so nothing is copied; [`Packet::into_owned`] detaches a packet
//! that must outlive its buffer. "Not enough bytes yet" is a [`Status`], not an error.
//!
//! ```
//! use mqttscope_proto::codec::{Packet, ProtocolVersion, Status};
//!
//! let bytes = [0x30, 0x07, 0x00, 0x03, b'a', b'/', b'b', b'h', b'i'];
//! let Status::Complete((Packet::Publish(p), used)) = Packet::decode(&bytes, ProtocolVersion::V3_1_1)? else {
//!     panic!("expected a complete PUBLISH");
//! };
//! assert_eq!((&*p.topic, &*p.payload, used), ("a/b", &b"hi"[..], 9));
//! let mut out = Vec::new();
//! Packet::Publish(p).encode(ProtocolVersion::V3_1_1, &mut out).unwrap();
//! assert_eq!(out, bytes);
//! # Ok::<(), mqttscope_proto::codec::DecodeError>(())
//! ```

use std::fmt;
use std::num::NonZeroU16;

pub(crate) mod ack;
mod auth;
mod connack;
mod connect;
mod disconnect;
mod error;
pub mod framer;
pub(crate) mod header;
mod ping;
mod prop_codecs;
pub mod properties;
mod publish;
pub(crate) mod reader;
mod reason;
mod string;
mod suback;
mod subscribe;
pub mod topic;
mod unsuback;
mod unsubscribe;
pub(crate) mod varint;

#[cfg(test)]
pub(crate) mod tests;

pub use ack::{Ack, AckProperties};
pub use auth::{Auth, AuthProperties};
pub use connack::{ConnAck, ConnAckProperties};
pub use connect::{Connect, ConnectProperties, Will, WillProperties};
pub use disconnect::{Disconnect, DisconnectProperties};
pub use error::{rule_display, DecodeError, DecodeErrorDetails, DecodeErrorKind, UsageError};
pub use framer::Framer;
pub use properties::{Props, UserProperty};
pub use publish::{Publish, PublishProperties, QosPid};
pub use reason::ReasonCode;
pub use suback::{SubAck, SubAckProperties};
pub use subscribe::{
    RetainHandling, Subscribe, SubscribeProperties, Subscription, SubscriptionOptions,
};
pub use unsuback::{UnsubAck, UnsubAckProperties};
pub use unsubscribe::{Unsubscribe, UnsubscribeProperties};
pub use varint::MAX as MAX_REMAINING_LENGTH;

use reader::{NoTrace, Reader, Trace};

/// A Packet Identifier (2.2.1): never 0.
pub type PacketId = NonZeroU16;

/// The protocol version, as the CONNECT protocol level byte says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ProtocolVersion {
    /// MQTT 3.1: protocol name `MQIsdp`, level 3.
    V3_1 = 3,
    /// MQTT 3.1.1: protocol name `MQTT`, level 4.
    V3_1_1 = 4,
    /// MQTT 5.0: protocol name `MQTT`, level 5.
    V5 = 5,
}

impl ProtocolVersion {
    /// The version for a CONNECT protocol level byte.
    pub const fn from_level(level: u8) -> Option<Self> {
        match level {
            3 => Some(ProtocolVersion::V3_1),
            4 => Some(ProtocolVersion::V3_1_1),
            5 => Some(ProtocolVersion::V5),
            _ => None,
        }
    }

    /// The protocol level byte.
    pub const fn level(self) -> u8 {
        self as u8
    }

    /// The protocol name CONNECT carries.
    pub const fn protocol_name(self) -> &'static str {
        match self {
            ProtocolVersion::V3_1 => "MQIsdp",
            _ => "MQTT",
        }
    }

    /// True for MQTT 5.0.
    pub const fn is_v5(self) -> bool {
        matches!(self, ProtocolVersion::V5)
    }
}

impl fmt::Display for ProtocolVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ProtocolVersion::V3_1 => "3.1",
            ProtocolVersion::V3_1_1 => "3.1.1",
            ProtocolVersion::V5 => "5.0",
        })
    }
}

/// Quality of Service (4.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub enum QoS {
    /// QoS 0: at most once, no acknowledgement.
    #[default]
    AtMostOnce = 0,
    /// QoS 1: at least once, acknowledged by PUBACK.
    AtLeastOnce = 1,
    /// QoS 2: exactly once, PUBREC / PUBREL / PUBCOMP.
    ExactlyOnce = 2,
}

impl QoS {
    /// The QoS for bits `0`, `1`, `2`; `None` for 3.
    pub const fn from_u8(v: u8) -> Option<Self> {
        match v {
            0 => Some(QoS::AtMostOnce),
            1 => Some(QoS::AtLeastOnce),
            2 => Some(QoS::ExactlyOnce),
            _ => None,
        }
    }
}

/// The control packet types (2.1.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[allow(missing_docs)]
pub enum PacketType {
    Connect = 1,
    ConnAck = 2,
    Publish = 3,
    PubAck = 4,
    PubRec = 5,
    PubRel = 6,
    PubComp = 7,
    Subscribe = 8,
    SubAck = 9,
    Unsubscribe = 10,
    UnsubAck = 11,
    PingReq = 12,
    PingResp = 13,
    Disconnect = 14,
    /// MQTT 5 only.
    Auth = 15,
}

impl PacketType {
    /// The type for the four high bits of the first byte.
    pub const fn from_u8(v: u8) -> Option<Self> {
        use PacketType as P;
        Some(match v {
            1 => P::Connect,
            2 => P::ConnAck,
            3 => P::Publish,
            4 => P::PubAck,
            5 => P::PubRec,
            6 => P::PubRel,
            7 => P::PubComp,
            8 => P::Subscribe,
            9 => P::SubAck,
            10 => P::Unsubscribe,
            11 => P::UnsubAck,
            12 => P::PingReq,
            13 => P::PingResp,
            14 => P::Disconnect,
            15 => P::Auth,
            _ => return None,
        })
    }

    /// True for the packets only a client sends: CONNECT, SUBSCRIBE, UNSUBSCRIBE and
    /// PINGREQ (2.1.2).
    pub const fn is_server_bound(self) -> bool {
        matches!(
            self,
            PacketType::Connect
                | PacketType::Subscribe
                | PacketType::Unsubscribe
                | PacketType::PingReq
        )
    }

    /// The name the specification uses (`PUBLISH`).
    pub const fn name(self) -> &'static str {
        use PacketType as P;
        match self {
            P::Connect => "CONNECT",
            P::ConnAck => "CONNACK",
            P::Publish => "PUBLISH",
            P::PubAck => "PUBACK",
            P::PubRec => "PUBREC",
            P::PubRel => "PUBREL",
            P::PubComp => "PUBCOMP",
            P::Subscribe => "SUBSCRIBE",
            P::SubAck => "SUBACK",
            P::Unsubscribe => "UNSUBSCRIBE",
            P::UnsubAck => "UNSUBACK",
            P::PingReq => "PINGREQ",
            P::PingResp => "PINGRESP",
            P::Disconnect => "DISCONNECT",
            P::Auth => "AUTH",
        }
    }

    /// The lower-case name used in dissector paths (`publish`).
    pub const fn path_name(self) -> &'static str {
        use PacketType as P;
        match self {
            P::Connect => "connect",
            P::ConnAck => "connack",
            P::Publish => "publish",
            P::PubAck => "puback",
            P::PubRec => "pubrec",
            P::PubRel => "pubrel",
            P::PubComp => "pubcomp",
            P::Subscribe => "subscribe",
            P::SubAck => "suback",
            P::Unsubscribe => "unsubscribe",
            P::UnsubAck => "unsuback",
            P::PingReq => "pingreq",
            P::PingResp => "pingresp",
            P::Disconnect => "disconnect",
            P::Auth => "auth",
        }
    }

    /// The flag bits every packet but PUBLISH must carry (2.1.3): `0010` for PUBREL,
    /// SUBSCRIBE and UNSUBSCRIBE, `0000` otherwise.
    pub const fn required_flags(self) -> u8 {
        match self {
            PacketType::PubRel | PacketType::Subscribe | PacketType::Unsubscribe => 0b0010,
            _ => 0,
        }
    }

    /// The section that defines this packet in MQTT 5.
    pub const fn section(self) -> &'static str {
        use PacketType as P;
        match self {
            P::Connect => "3.1",
            P::ConnAck => "3.2",
            P::Publish => "3.3",
            P::PubAck => "3.4",
            P::PubRec => "3.5",
            P::PubRel => "3.6",
            P::PubComp => "3.7",
            P::Subscribe => "3.8",
            P::SubAck => "3.9",
            P::Unsubscribe => "3.10",
            P::UnsubAck => "3.11",
            P::PingReq => "3.12",
            P::PingResp => "3.13",
            P::Disconnect => "3.14",
            P::Auth => "3.15",
        }
    }
}

impl fmt::Display for PacketType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The outcome of decoding from a buffer that may hold only part of a packet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status<T> {
    /// A whole packet was there.
    Complete(T),
    /// The buffer ends inside the packet: at least `needed` more bytes are required.
    Partial {
        /// The minimum number of bytes still missing.
        needed: usize,
    },
}

/// An MQTT control packet. Strings and payloads borrow from the decoded buffer.
#[derive(Debug, Clone, PartialEq, Eq)]
#[allow(missing_docs)]
pub enum Packet<'a> {
    /// Boxed: it comes once per connection, and would triple the size of every packet.
    Connect(Box<Connect<'a>>),
    ConnAck(ConnAck<'a>),
    Publish(Publish<'a>),
    PubAck(Ack<'a>),
    PubRec(Ack<'a>),
    PubRel(Ack<'a>),
    PubComp(Ack<'a>),
    Subscribe(Subscribe<'a>),
    SubAck(SubAck<'a>),
    Unsubscribe(Unsubscribe<'a>),
    UnsubAck(UnsubAck<'a>),
    PingReq,
    PingResp,
    Disconnect(Disconnect<'a>),
    /// MQTT 5 only.
    Auth(Auth<'a>),
}

impl<'a> Packet<'a> {
    /// Decodes the first packet in `buf`, returning it and the number of bytes it took.
    ///
    /// `version` is the protocol version of the connection; a CONNECT is decoded by the
    /// level it carries. Every rule a receiver can check is checked.
    pub fn decode(
        buf: &'a [u8],
        version: ProtocolVersion,
    ) -> Result<Status<(Packet<'a>, usize)>, DecodeError> {
        decode_traced(buf, version, &mut NoTrace)
    }

    /// Decodes exactly one packet that fills `buf`; a short buffer or bytes after the
    /// packet are errors.
    pub fn decode_exact(
        buf: &'a [u8],
        version: ProtocolVersion,
    ) -> Result<Packet<'a>, DecodeError> {
        match Packet::decode(buf, version)? {
            Status::Complete((p, used)) if used == buf.len() => Ok(p),
            Status::Complete((_, used)) => Err(DecodeError::new(
                used,
                DecodeErrorKind::TrailingBytes {
                    count: buf.len() - used,
                },
                "2.1.4",
            )),
            Status::Partial { needed } => Err(truncated(buf.len(), needed)),
        }
    }

    /// The packet's type.
    pub fn packet_type(&self) -> PacketType {
        use PacketType as T;
        match self {
            Packet::Connect(_) => T::Connect,
            Packet::ConnAck(_) => T::ConnAck,
            Packet::Publish(_) => T::Publish,
            Packet::PubAck(_) => T::PubAck,
            Packet::PubRec(_) => T::PubRec,
            Packet::PubRel(_) => T::PubRel,
            Packet::PubComp(_) => T::PubComp,
            Packet::Subscribe(_) => T::Subscribe,
            Packet::SubAck(_) => T::SubAck,
            Packet::Unsubscribe(_) => T::Unsubscribe,
            Packet::UnsubAck(_) => T::UnsubAck,
            Packet::PingReq => T::PingReq,
            Packet::PingResp => T::PingResp,
            Packet::Disconnect(_) => T::Disconnect,
            Packet::Auth(_) => T::Auth,
        }
    }

    /// The size of the encoded packet, fixed header included, without encoding it.
    /// Fails as [`Packet::encode`] would.
    pub fn encoded_len(&self, version: ProtocolVersion) -> Result<usize, UsageError> {
        let body = self.body_len(version)?;
        Ok(1 + varint::len(body as u32) + body)
    }

    /// Appends the canonical encoding of the packet to `out` and returns its size.
    ///
    /// Refuses, with nothing written, what the specification forbids a sender to send
    /// in `version` (a CONNECT is encoded in the version it names).
    pub fn encode(&self, version: ProtocolVersion, out: &mut Vec<u8>) -> Result<usize, UsageError> {
        let body = self.body_len(version)?;
        let total = 1 + varint::len(body as u32) + body;
        out.reserve(total);
        out.push(((self.packet_type() as u8) << 4) | self.flags());
        varint::write(out, body as u32);
        self.write_body(version, out);
        debug_assert_eq!(total, 1 + varint::len(body as u32) + body);
        Ok(total)
    }

    /// Copies borrowed data so the packet outlives its input buffer.
    pub fn into_owned(self) -> Packet<'static> {
        match self {
            Packet::Connect(p) => Packet::Connect(Box::new((*p).into_owned())),
            Packet::ConnAck(p) => Packet::ConnAck(p.into_owned()),
            Packet::Publish(p) => Packet::Publish(p.into_owned()),
            Packet::PubAck(p) => Packet::PubAck(p.into_owned()),
            Packet::PubRec(p) => Packet::PubRec(p.into_owned()),
            Packet::PubRel(p) => Packet::PubRel(p.into_owned()),
            Packet::PubComp(p) => Packet::PubComp(p.into_owned()),
            Packet::Subscribe(p) => Packet::Subscribe(p.into_owned()),
            Packet::SubAck(p) => Packet::SubAck(p.into_owned()),
            Packet::Unsubscribe(p) => Packet::Unsubscribe(p.into_owned()),
            Packet::UnsubAck(p) => Packet::UnsubAck(p.into_owned()),
            Packet::PingReq => Packet::PingReq,
            Packet::PingResp => Packet::PingResp,
            Packet::Disconnect(p) => Packet::Disconnect(p.into_owned()),
            Packet::Auth(p) => Packet::Auth(p.into_owned()),
        }
    }

    fn flags(&self) -> u8 {
        match self {
            Packet::Publish(p) => p.flags(),
            _ => self.packet_type().required_flags(),
        }
    }

    /// Checks the packet for `version` and returns its Remaining Length.
    fn body_len(&self, v: ProtocolVersion) -> Result<usize, UsageError> {
        let len = match self {
            Packet::Connect(p) => p.body_len()?,
            Packet::ConnAck(p) => p.body_len(v)?,
            Packet::Publish(p) => p.body_len(v)?,
            Packet::PubAck(p) => p.body_len(PacketType::PubAck, v)?,
            Packet::PubRec(p) => p.body_len(PacketType::PubRec, v)?,
            Packet::PubRel(p) => p.body_len(PacketType::PubRel, v)?,
            Packet::PubComp(p) => p.body_len(PacketType::PubComp, v)?,
            Packet::Subscribe(p) => p.body_len(v)?,
            Packet::SubAck(p) => p.body_len(v)?,
            Packet::Unsubscribe(p) => p.body_len(v)?,
            Packet::UnsubAck(p) => p.body_len(v)?,
            Packet::PingReq | Packet::PingResp => 0,
            Packet::Disconnect(p) => p.body_len(v)?,
            Packet::Auth(p) => p.body_len(v)?,
        };
        check_remaining_length(len)
    }

    fn write_body(&self, v: ProtocolVersion, out: &mut Vec<u8>) {
        match self {
            Packet::Connect(p) => p.write_body(out),
            Packet::ConnAck(p) => p.write_body(v, out),
            Packet::Publish(p) => p.write_body(v, out),
            Packet::PubAck(p) | Packet::PubRec(p) | Packet::PubRel(p) | Packet::PubComp(p) => {
                p.write_body(v, out)
            }
            Packet::Subscribe(p) => p.write_body(v, out),
            Packet::SubAck(p) => p.write_body(v, out),
            Packet::Unsubscribe(p) => p.write_body(v, out),
            Packet::UnsubAck(p) => p.write_body(v, out),
            Packet::PingReq | Packet::PingResp => {}
            Packet::Disconnect(p) => p.write_body(v, out),
            Packet::Auth(p) => p.write_body(v, out),
        }
    }
}

/// The error for a buffer that ends `needed` bytes before its packet does.
pub(crate) fn truncated(len: usize, needed: usize) -> DecodeError {
    DecodeError::new(
        len,
        DecodeErrorKind::UnexpectedEnd {
            field: "packet",
            wanted: len + needed,
            available: len,
        },
        "2.1.4",
    )
}

/// Decodes the first packet of `buf`, telling `tr` about every field.
pub(crate) fn decode_traced<'a, T: Trace>(
    buf: &'a [u8],
    version: ProtocolVersion,
    tr: &mut T,
) -> Result<Status<(Packet<'a>, usize)>, DecodeError> {
    let h = match header::parse(buf, version, tr)? {
        Status::Complete(h) => h,
        Status::Partial { needed } => return Ok(Status::Partial { needed }),
    };
    let total = h.len();
    if buf.len() < total {
        return Ok(Status::Partial {
            needed: total - buf.len(),
        });
    }
    let packet = decode_body(&buf[..total], &h, version, tr)?;
    Ok(Status::Complete((packet, total)))
}

/// Decodes the body that follows header `h` within `buf` (which may be cut short, for the
/// dissector; then a field that runs past the end is an error).
#[inline(always)]
pub(crate) fn decode_body<'a, T: Trace>(
    buf: &'a [u8],
    h: &header::FixedHeader,
    v: ProtocolVersion,
    tr: &mut T,
) -> Result<Packet<'a>, DecodeError> {
    use PacketType as P;
    if !T::ON
        && cfg!(feature = "fast-paths")
        && buf.len() == h.len()
        && (cfg!(feature = "server-packets") || !h.packet_type().is_server_bound())
    {
        if let Some(p) = decode_quick(buf, h, v) {
            return Ok(p);
        }
    }
    let mut r = Reader::new(buf, h.header_len(), h.len(), v, tr);
    r.enter(h.packet_type().path_name());
    let packet = match h.packet_type() {
        // A client's build: these are a Protocol Error from a server anyway (2.1.2).
        P::Connect | P::Subscribe | P::Unsubscribe | P::PingReq
            if !cfg!(feature = "server-packets") =>
        {
            let kind = DecodeErrorKind::ServerBound {
                packet: h.packet_type(),
            };
            return Err(DecodeError::new(0, kind, "2.1.2"));
        }
        P::Connect => Packet::Connect(Box::new(Connect::decode(&mut r)?)),
        P::ConnAck => Packet::ConnAck(ConnAck::decode(&mut r)?),
        P::Publish => Packet::Publish(Publish::decode(&mut r, h.flags())?),
        P::PubAck => Packet::PubAck(Ack::decode(&mut r, P::PubAck)?),
        P::PubRec => Packet::PubRec(Ack::decode(&mut r, P::PubRec)?),
        P::PubRel => Packet::PubRel(Ack::decode(&mut r, P::PubRel)?),
        P::PubComp => Packet::PubComp(Ack::decode(&mut r, P::PubComp)?),
        P::Subscribe => Packet::Subscribe(Subscribe::decode(&mut r)?),
        P::SubAck => Packet::SubAck(SubAck::decode(&mut r)?),
        P::Unsubscribe => Packet::Unsubscribe(Unsubscribe::decode(&mut r)?),
        P::UnsubAck => Packet::UnsubAck(UnsubAck::decode(&mut r)?),
        P::PingReq => ping::decode(&mut r, P::PingReq).map(|()| Packet::PingReq)?,
        P::PingResp => ping::decode(&mut r, P::PingResp).map(|()| Packet::PingResp)?,
        P::Disconnect => Packet::Disconnect(Disconnect::decode(&mut r)?),
        P::Auth => Packet::Auth(Auth::decode(&mut r)?),
    };
    r.leave();
    if !r.is_empty() {
        let count = r.remaining();
        return Err(r.err_at(r.pos(), DecodeErrorKind::TrailingBytes { count }, "2.1.4"));
    }
    Ok(packet)
}

/// The packets of a message stream read in one pass, without a [`Reader`]: PUBLISH, the
/// short acknowledgements, SUBSCRIBE, SUBACK, PINGREQ and PINGRESP. Each reader only ever
/// accepts; `None` (anything else, every error included) takes the full path, which reports
/// it. A property test holds them to the full path on any input.
#[inline(always)]
fn decode_quick<'a>(
    buf: &'a [u8],
    h: &header::FixedHeader,
    v: ProtocolVersion,
) -> Option<Packet<'a>> {
    use PacketType as P;
    if h.packet_type() == P::Publish {
        return publish::decode_plain(buf, h.header_len(), h.flags(), v).map(Packet::Publish);
    }
    let body = buf.get(h.header_len()..)?;
    Some(match h.packet_type() {
        P::PubAck => Packet::PubAck(Ack::decode_short(body, P::PubAck, v)?),
        P::PubRec => Packet::PubRec(Ack::decode_short(body, P::PubRec, v)?),
        P::PubRel => Packet::PubRel(Ack::decode_short(body, P::PubRel, v)?),
        P::PubComp => Packet::PubComp(Ack::decode_short(body, P::PubComp, v)?),
        P::Subscribe if cfg!(feature = "server-packets") => {
            Packet::Subscribe(Subscribe::decode_quick(body, v)?)
        }
        P::SubAck => Packet::SubAck(SubAck::decode_quick(body, v)?),
        P::PingReq if body.is_empty() => Packet::PingReq,
        P::PingResp if body.is_empty() => Packet::PingResp,
        _ => return None,
    })
}

/// Appends a UTF-8 Encoded String (length checked by the caller).
#[inline]
pub(crate) fn write_str(out: &mut Vec<u8>, s: &str) {
    write_bin(out, s.as_bytes());
}

/// Appends Binary Data (length checked by the caller).
#[inline]
pub(crate) fn write_bin(out: &mut Vec<u8>, b: &[u8]) {
    out.extend_from_slice(&(b.len() as u16).to_be_bytes());
    out.extend_from_slice(b);
}

/// Checks that binary data fits its two byte length.
pub(crate) fn check_bin(b: &[u8], field: &'static str) -> Result<(), UsageError> {
    if b.len() > usize::from(u16::MAX) {
        return Err(UsageError::BinaryTooLong {
            field,
            len: b.len(),
        });
    }
    Ok(())
}

/// Checks an outgoing reason code against Table 2-6.
pub(crate) fn check_reason(code: ReasonCode, packet: PacketType) -> Result<(), UsageError> {
    if code.allowed_in(packet) {
        Ok(())
    } else {
        Err(UsageError::InvalidReasonCode {
            packet,
            code: code as u8,
        })
    }
}

/// Reads a reason code byte that MQTT 5 allows in `packet`; `rule` is the packet's "MUST
/// use one of the ... Reason Codes" statement.
pub(crate) fn read_reason<T: Trace>(
    r: &mut Reader<'_, '_, T>,
    packet: PacketType,
    section: &'static str,
    rule: &'static str,
) -> Result<ReasonCode, DecodeError> {
    let m = reader::Meta::new("reason_code", "Reason Code", section);
    let start = r.pos();
    let b = r.take(1, &m)?[0];
    let code = ReasonCode::from_u8_in(b, packet).ok_or_else(|| {
        r.err_at(
            start,
            DecodeErrorKind::InvalidReasonCode { packet, code: b },
            rule,
        )
    })?;
    r.note(start, &m, || crate::dissect::Value::Named {
        code: b.into(),
        name: code.name_in(packet),
    });
    Ok(code)
}

/// Reads a Packet Identifier, which is never 0.
pub(crate) fn read_packet_id<T: Trace>(
    r: &mut Reader<'_, '_, T>,
    section: &'static str,
) -> Result<PacketId, DecodeError> {
    let start = r.pos();
    let id = r.u16(&reader::Meta::new(
        "packet_id",
        "Packet Identifier",
        section,
    ))?;
    let rule = if r.version.is_v5() {
        "MQTT-2.2.1-3"
    } else {
        "MQTT-2.3.1-1"
    };
    PacketId::new(id).ok_or_else(|| r.err_at(start, DecodeErrorKind::ZeroPacketId, rule))
}

/// The Packet Identifier and, in MQTT 5, the properties at the start of `body`, when both
/// are valid, and the bytes after them: the common head of the one-pass readers of
/// SUBSCRIBE and SUBACK.
#[inline(always)]
pub(crate) fn quick_id_and_props<'a, P: properties::PropertySet<'a>>(
    body: &'a [u8],
    v: ProtocolVersion,
) -> Option<(PacketId, properties::Props<'a, P>, &'a [u8])> {
    let (id, rest) = body.split_first_chunk::<2>()?;
    let id = PacketId::new(u16::from_be_bytes(*id))?;
    if !v.is_v5() {
        return Some((id, properties::Props::none(), rest));
    }
    let (props, _, used) = properties::quick_props::<P>(rest)?;
    Some((id, props, rest.get(used..)?))
}

/// A Remaining Length the Variable Byte Integer can hold, or the usage error for one it
/// cannot.
pub(crate) fn check_remaining_length(len: usize) -> Result<usize, UsageError> {
    if len > varint::MAX as usize {
        return Err(UsageError::PacketTooLarge {
            remaining_length: len,
        });
    }
    Ok(len)
}
