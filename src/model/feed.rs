//! The messages the client page hands to the payload frame (`payload.html`, a module of its
//! own): a compact binary encoding, written here by the page and read by the frame, so that
//! the page's first load carries no object-building glue for it.
//!
//! Each message: id and time (f64, little-endian), a flags byte (QoS in bits 0-1, RETAIN in
//! bit 2, sent by this client in bit 3), the topic and the payload (u32 length, then bytes),
//! then the properties (u16 count, then each label and value as u16 length and UTF-8).

use crate::model::message::{Direction, MessageRow};

/// One message as the frame reads it.
#[derive(Clone, Debug, PartialEq)]
pub struct FedMessage {
    /// The page's message id (increasing per connection).
    pub id: f64,
    /// Wall clock, milliseconds since the Unix epoch.
    pub at_ms: f64,
    /// QoS 0, 1 or 2.
    pub qos: u8,
    /// The RETAIN flag.
    pub retain: bool,
    /// Sent by this client rather than received.
    pub sent: bool,
    /// The topic.
    pub topic: String,
    /// The payload.
    pub payload: Vec<u8>,
    /// The MQTT 5 properties as the page shows them: (label, value).
    pub properties: Vec<(String, String)>,
}

impl FedMessage {
    /// A property's value by its label (`Content Type`).
    pub fn property(&self, label: &str) -> Option<&str> {
        self.properties
            .iter()
            .find(|(k, _)| k == label)
            .map(|(_, v)| v.as_str())
    }
}

/// Appends `row` to `out`.
pub fn encode(row: &MessageRow, out: &mut Vec<u8>) {
    out.extend_from_slice(&(row.id as f64).to_le_bytes());
    out.extend_from_slice(&row.at_ms.to_le_bytes());
    let sent = u8::from(row.direction == Direction::Out) << 3;
    out.push(row.qos as u8 | u8::from(row.retain) << 2 | sent);
    long(out, row.topic.as_bytes());
    long(out, &row.payload);
    let props = &row.properties[..row.properties.len().min(usize::from(u16::MAX))];
    out.extend_from_slice(&(props.len() as u16).to_le_bytes());
    for (k, v) in props {
        short(out, k.as_bytes());
        short(out, v.as_bytes());
    }
}

fn long(out: &mut Vec<u8>, b: &[u8]) {
    out.extend_from_slice(&(b.len() as u32).to_le_bytes());
    out.extend_from_slice(b);
}

fn short(out: &mut Vec<u8>, b: &[u8]) {
    let b = &b[..b.len().min(usize::from(u16::MAX))];
    out.extend_from_slice(&(b.len() as u16).to_le_bytes());
    out.extend_from_slice(b);
}

/// Reads the messages of `bytes`; `None` if they are cut short.
pub fn decode(mut bytes: &[u8]) -> Option<Vec<FedMessage>> {
    let mut out = Vec::new();
    while !bytes.is_empty() {
        out.push(message(&mut bytes)?);
    }
    Some(out)
}

/// The next `n` bytes of `bytes`, which move past them; `None` if fewer are left.
pub(super) fn take<'a>(bytes: &mut &'a [u8], n: usize) -> Option<&'a [u8]> {
    let (head, tail) = bytes.split_at_checked(n)?;
    *bytes = tail;
    Some(head)
}

/// The next little-endian f64 of `bytes`.
pub(super) fn f64_of(bytes: &mut &[u8]) -> Option<f64> {
    Some(f64::from_le_bytes(take(bytes, 8)?.try_into().ok()?))
}

/// The next little-endian unsigned number of `width` bytes of `bytes`.
pub(super) fn len_of(bytes: &mut &[u8], width: usize) -> Option<usize> {
    let raw = take(bytes, width)?;
    Some(
        raw.iter()
            .rev()
            .fold(0usize, |a, &b| (a << 8) | usize::from(b)),
    )
}

fn text_of(bytes: &mut &[u8], width: usize) -> Option<String> {
    let n = len_of(bytes, width)?;
    Some(String::from_utf8_lossy(take(bytes, n)?).into_owned())
}

fn message(bytes: &mut &[u8]) -> Option<FedMessage> {
    let id = f64_of(bytes)?;
    let at_ms = f64_of(bytes)?;
    let flags = *take(bytes, 1)?.first()?;
    let topic = text_of(bytes, 4)?;
    let n = len_of(bytes, 4)?;
    let payload = take(bytes, n)?.to_vec();
    let count = len_of(bytes, 2)?;
    let mut properties = Vec::with_capacity(count);
    for _ in 0..count {
        properties.push((text_of(bytes, 2)?, text_of(bytes, 2)?));
    }
    Some(FedMessage {
        id,
        at_ms,
        qos: flags & 3,
        retain: flags & 4 != 0,
        sent: flags & 8 != 0,
        topic,
        payload,
        properties,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use mqttscope_proto::codec::QoS;

    #[test]
    fn messages_round_trip() {
        let mut row = MessageRow::blank(0);
        row.id = 42;
        row.at_ms = 1_700_000_000_123.0;
        row.topic = "spBv1.0/g/NDATA/n".into();
        row.payload = (&[0u8, 1, 255][..]).into();
        row.qos = QoS::ExactlyOnce;
        row.retain = true;
        row.direction = Direction::Out;
        row.properties = vec![("Content Type".into(), "application/cbor".into())];
        let mut bytes = Vec::new();
        encode(&row, &mut bytes);
        encode(&MessageRow::blank(0), &mut bytes);
        let back = decode(&bytes).unwrap();
        assert_eq!(back.len(), 2);
        let m = &back[0];
        assert_eq!(
            (m.id, m.at_ms, m.qos, m.retain, m.sent),
            (42.0, 1_700_000_000_123.0, 2, true, true)
        );
        assert_eq!(
            (m.topic.as_str(), m.payload.as_slice()),
            ("spBv1.0/g/NDATA/n", &[0u8, 1, 255][..])
        );
        assert_eq!(m.property("Content Type"), Some("application/cbor"));
        assert_eq!(decode(&bytes[..bytes.len() - 1]), None, "cut short");
    }
}
