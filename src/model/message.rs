//! The rows the message list, the packet inspector and the exports share.

use std::sync::Arc;

use mqttscope_proto::client;
use mqttscope_proto::codec::{PacketType, Publish};
use mqttscope_proto::hex::to_hex;
use mqttscope_proto::QoS;

use super::payload::{classify, PayloadKind};
pub use super::shared::Payload;

/// What a packet row holds: a packet of a type, or bytes that do not decode as one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PacketKind {
    /// A packet of this type.
    Packet(PacketType),
    /// Bytes that are not a packet (the inspector shows where they break a rule).
    Malformed,
}

impl PacketKind {
    /// The kind of the packet whose first byte is `bytes[0]`; malformed when there is no
    /// first byte or its type nibble is reserved.
    pub fn of_bytes(bytes: &[u8]) -> Self {
        let kind = bytes.first().and_then(|b| PacketType::from_u8(b >> 4));
        kind.map_or(PacketKind::Malformed, PacketKind::Packet)
    }

    /// Its name as the inspector shows it: "CONNECT", "PUBLISH", …, or "MALFORMED".
    pub fn name(self) -> &'static str {
        match self {
            PacketKind::Packet(t) => t.name(),
            PacketKind::Malformed => "MALFORMED",
        }
    }

    /// Whether it is a PUBLISH or one of its acknowledgements (what "Hide PUBLISH" leaves
    /// out).
    pub fn is_publish_flow(self) -> bool {
        use PacketType as T;
        matches!(
            self,
            PacketKind::Packet(T::Publish | T::PubAck | T::PubRec | T::PubRel | T::PubComp)
        )
    }
}

/// Which way a message or packet went.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    /// From the broker to this client.
    In,
    /// From this client to the broker.
    Out,
}

impl Direction {
    /// "in" or "out", as the exports write it.
    pub const fn label(self) -> &'static str {
        match self {
            Direction::In => "in",
            Direction::Out => "out",
        }
    }
}

impl From<client::Direction> for Direction {
    fn from(d: client::Direction) -> Self {
        match d {
            client::Direction::Received => Direction::In,
            client::Direction::Sent => Direction::Out,
        }
    }
}

/// One application message, sent or received.
#[derive(Debug, Clone, PartialEq)]
pub struct MessageRow {
    /// Unique and increasing per connection.
    pub id: u64,
    /// Which way it went.
    pub direction: Direction,
    /// Wall clock, milliseconds since the Unix epoch.
    pub at_ms: f64,
    /// The topic (after Topic Alias resolution).
    pub topic: Arc<str>,
    /// The payload (shared with the PUBLISH's packet row, see [`Payload`]).
    pub payload: Payload,
    /// Its QoS.
    pub qos: QoS,
    /// The RETAIN flag.
    pub retain: bool,
    /// The DUP flag.
    pub dup: bool,
    /// The index of the local subscription it matched (for its colour), if any.
    pub subscription: Option<u32>,
    /// MQTT 5 properties as (label, value text) pairs, in order: `("Content Type",
    /// "application/json")`, and user properties as `("user: key", value)`.
    pub properties: Vec<(String, String)>,
}

impl MessageRow {
    /// A message with no content, for a list slot about to go away (the list shrank
    /// before the slot did).
    pub fn blank(id: u64) -> Self {
        MessageRow {
            id,
            direction: Direction::In,
            at_ms: 0.0,
            topic: Arc::from(""),
            payload: Payload::from(&[][..]),
            qos: QoS::AtMostOnce,
            retain: false,
            dup: false,
            subscription: None,
            properties: Vec::new(),
        }
    }

    /// The payload's size in bytes.
    pub fn size(&self) -> usize {
        self.payload.len()
    }

    /// The bytes this row holds: itself, its topic, its properties, and the whole buffer
    /// its payload is part of (shared with the PUBLISH's packet row, which counts it too:
    /// a budget of these weights bounds the memory held, whichever row goes first).
    pub fn weight(&self) -> usize {
        let props: usize = self
            .properties
            .iter()
            .map(|(k, v)| k.len() + v.len() + 48)
            .sum();
        ROW_BYTES + self.topic.len() + self.payload.buffer().len() + props
    }
}

/// What a row costs besides what it points to.
const ROW_BYTES: usize = std::mem::size_of::<MessageRow>() + 64;

/// One MQTT packet, sent or received, for the inspector.
#[derive(Debug, Clone, PartialEq)]
pub struct PacketRow {
    /// Unique and increasing per connection.
    pub id: u64,
    /// Which way it went.
    pub direction: Direction,
    /// Wall clock, milliseconds since the Unix epoch.
    pub at_ms: f64,
    /// The packet's exact bytes.
    pub bytes: Arc<[u8]>,
    /// A packet of which type, or bytes that do not decode.
    pub kind: PacketKind,
    /// Offsets inside `bytes` where a WebSocket frame ended, increasing, never the
    /// packet's own end (see [`super::frames::FrameMap::take_packet`]).
    pub frame_ends: Vec<usize>,
    /// A protocol violation by the broker, with its rule id.
    pub violation: Option<String>,
}

impl PacketRow {
    /// The bytes this row holds: itself, the packet (see [`MessageRow::weight`]), its
    /// frame map, and room for a violation's text.
    pub fn weight(&self) -> usize {
        ROW_BYTES + self.bytes.len() + 8 * self.frame_ends.len() + 256
    }

    /// A packet with no content, for a list slot about to go away.
    pub fn blank(id: u64) -> Self {
        PacketRow {
            id,
            direction: Direction::In,
            at_ms: 0.0,
            bytes: Arc::from(&[][..]),
            kind: PacketKind::Malformed,
            frame_ends: Vec::new(),
            violation: None,
        }
    }
}

/// A [`MessageRow`] for a decoded PUBLISH: topic, payload, QoS, flags and properties
/// from the packet, `subscription` left `None` for the caller to fill.
pub fn message_from_publish(
    p: &Publish<'_>,
    id: u64,
    direction: Direction,
    at_ms: f64,
) -> MessageRow {
    message_sharing(p, Payload::from(&*p.payload), id, direction, at_ms)
}

/// A [`MessageRow`] for a decoded PUBLISH whose payload is `payload` (the tail of the
/// packet's bytes, held once for the packet row and the message row).
pub fn message_sharing(
    p: &Publish<'_>,
    payload: Payload,
    id: u64,
    direction: Direction,
    at_ms: f64,
) -> MessageRow {
    MessageRow {
        id,
        direction,
        at_ms,
        topic: Arc::from(&*p.topic),
        payload,
        qos: p.qos_pid.qos(),
        retain: p.retain,
        dup: p.dup,
        subscription: None,
        properties: publish_properties(p),
    }
}

/// A PUBLISH's MQTT 5 properties as (label, value text) pairs in the order the
/// specification lists them, each Subscription Identifier as its own pair and user
/// properties last as `("user: name", value)` in their own order. Correlation Data shows
/// as text when it is printable UTF-8, otherwise as hex.
pub fn publish_properties(p: &Publish<'_>) -> Vec<(String, String)> {
    let props = &p.properties;
    let mut out = Vec::new();
    let mut add = |label: &str, value: String| out.push((label.to_string(), value));
    if let Some(utf8) = props.payload_format_indicator() {
        let v = if utf8 { "1 (UTF-8)" } else { "0 (bytes)" };
        add("Payload Format Indicator", v.to_string());
    }
    if let Some(s) = props.message_expiry_interval() {
        add("Message Expiry Interval", format!("{s} s"));
    }
    if let Some(a) = props.topic_alias() {
        add("Topic Alias", a.to_string());
    }
    if let Some(t) = props.response_topic() {
        add("Response Topic", t.to_string());
    }
    if let Some(d) = props.correlation_data() {
        add("Correlation Data", bytes_text(d));
    }
    if let Some(t) = props.content_type() {
        add("Content Type", t.to_string());
    }
    for s in props.subscription_identifiers() {
        add("Subscription Identifier", s.to_string());
    }
    for (name, value) in props.user_properties() {
        add(&format!("user: {name}"), value.to_string());
    }
    out
}

/// Bytes as text when they are printable UTF-8, otherwise as hex pairs.
fn bytes_text(bytes: &[u8]) -> String {
    match classify(bytes) {
        PayloadKind::Text | PayloadKind::Json => String::from_utf8_lossy(bytes).into_owned(),
        PayloadKind::Empty => String::new(),
        PayloadKind::Binary => to_hex(bytes),
    }
}

#[cfg(test)]
mod tests {
    use std::num::{NonZeroU16, NonZeroU32};

    use mqttscope_proto::codec::{Packet, ProtocolVersion, QosPid, UserProperty};

    use super::*;

    fn labels(row: &MessageRow) -> Vec<(&str, &str)> {
        row.properties
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect()
    }

    #[test]
    fn plain_publish_fills_the_row() {
        let bytes = [0x3b, 0x08, 0x00, 0x03, b'a', b'/', b'b', 0x00, 0x07, b'!'];
        let Ok(Packet::Publish(p)) = Packet::decode_exact(&bytes, ProtocolVersion::V3_1_1) else {
            panic!("a QoS 1 PUBLISH");
        };
        let row = message_from_publish(&p, 7, Direction::In, 1.5);
        assert_eq!((row.id, row.direction, row.at_ms), (7, Direction::In, 1.5));
        assert_eq!(
            (&*row.topic, &*row.payload, row.size()),
            ("a/b", &b"!"[..], 1)
        );
        assert_eq!(
            (row.qos, row.retain, row.dup),
            (QoS::AtLeastOnce, true, true)
        );
        assert_eq!((row.subscription, row.properties.len()), (None, 0));
    }

    #[test]
    fn properties_become_labelled_text_in_order() {
        let mut p = Publish::new("t", &b"{}"[..]);
        p.qos_pid = QosPid::ExactlyOnce(NonZeroU16::MIN);
        let props = p.properties.to_mut();
        props.payload_format_indicator = Some(true);
        props.message_expiry_interval = Some(60);
        props.topic_alias = NonZeroU16::new(3);
        props.response_topic = Some("reply/to".into());
        props.correlation_data = Some(vec![0x00, 0xff].into());
        props.content_type = Some("application/json".into());
        props.subscription_identifiers = vec![NonZeroU32::MIN, NonZeroU32::new(9).unwrap()];
        props.user_properties = vec![UserProperty::new("k", "1"), UserProperty::new("k", "2")];
        let row = message_from_publish(&p, 1, Direction::Out, 0.0);
        assert_eq!(row.qos, QoS::ExactlyOnce);
        assert_eq!(
            labels(&row),
            [
                ("Payload Format Indicator", "1 (UTF-8)"),
                ("Message Expiry Interval", "60 s"),
                ("Topic Alias", "3"),
                ("Response Topic", "reply/to"),
                ("Correlation Data", "00 ff"),
                ("Content Type", "application/json"),
                ("Subscription Identifier", "1"),
                ("Subscription Identifier", "9"),
                ("user: k", "1"),
                ("user: k", "2"),
            ]
        );
    }

    #[test]
    fn printable_correlation_data_reads_as_text() {
        let mut p = Publish::new("t", &b""[..]);
        p.properties.to_mut().correlation_data = Some(b"req-1".to_vec().into());
        p.properties.to_mut().payload_format_indicator = Some(false);
        let row = message_from_publish(&p, 1, Direction::Out, 0.0);
        assert_eq!(
            labels(&row),
            [
                ("Payload Format Indicator", "0 (bytes)"),
                ("Correlation Data", "req-1")
            ]
        );
        assert_eq!(bytes_text(b""), "");
    }

    #[test]
    fn directions() {
        assert_eq!(Direction::from(client::Direction::Received).label(), "in");
        assert_eq!(Direction::from(client::Direction::Sent).label(), "out");
    }
}
