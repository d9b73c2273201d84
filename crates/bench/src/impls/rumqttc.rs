//! rumqttc 0.25's codecs: `mqttbytes::v4` (MQTT 3.1.1) and `v5::mqttbytes::v5` (MQTT 5).

use std::hint::black_box;

use bytes::BytesMut;
use rumqttc::mqttbytes::{self, v4};
use rumqttc::v5::mqttbytes::{self as mqttbytes5, v5};

use super::MAX_PACKET;
use crate::counts::TypeCounts;

/// Decodes MQTT 3.1.1 `data` fed in `chunk`-byte slices, the way rumqttc's network loop
/// does: append to a `BytesMut`, then `Packet::read` until it wants more bytes.
pub fn decode_v4(data: &[u8], chunk: usize) -> Result<TypeCounts, String> {
    let mut buf = BytesMut::with_capacity(2 * chunk);
    let mut counts = TypeCounts::new();
    for c in data.chunks(chunk) {
        buf.extend_from_slice(c);
        loop {
            match v4::Packet::read(&mut buf, MAX_PACKET) {
                Ok(p) => {
                    counts.add(v4_type(&p));
                    black_box(&p);
                }
                Err(mqttbytes::Error::InsufficientBytes(_)) => break,
                Err(e) => return Err(e.to_string()),
            }
        }
    }
    leftover(&buf, counts)
}

/// Decodes MQTT 5 `data` like [`decode_v4`].
pub fn decode_v5(data: &[u8], chunk: usize) -> Result<TypeCounts, String> {
    let mut buf = BytesMut::with_capacity(2 * chunk);
    let mut counts = TypeCounts::new();
    for c in data.chunks(chunk) {
        buf.extend_from_slice(c);
        loop {
            match v5::Packet::read(&mut buf, Some(MAX_PACKET as u32)) {
                Ok(p) => {
                    counts.add(v5_type(&p));
                    black_box(&p);
                }
                Err(mqttbytes5::Error::InsufficientBytes(_)) => break,
                Err(e) => return Err(e.to_string()),
            }
        }
    }
    leftover(&buf, counts)
}

fn leftover(buf: &BytesMut, counts: TypeCounts) -> Result<TypeCounts, String> {
    match buf.len() {
        0 => Ok(counts),
        n => Err(format!("{n} bytes left over at the end")),
    }
}

/// W2's packets as rumqttc v4 objects (owned topic `String`, payload `Bytes`).
pub fn w2_packets(payloads: &[[u8; 32]]) -> Vec<v4::Packet> {
    payloads
        .iter()
        .map(|p| {
            v4::Packet::Publish(v4::Publish::new(
                crate::workloads::W1_TOPIC,
                mqttbytes::QoS::AtMostOnce,
                p.to_vec(),
            ))
        })
        .collect()
}

/// Encodes `packets` with `Packet::write`, appending to `out`.
pub fn encode_v4(packets: &[v4::Packet], out: &mut BytesMut) -> Result<TypeCounts, String> {
    let mut counts = TypeCounts::new();
    for p in packets {
        p.write(out, MAX_PACKET).map_err(|e| e.to_string())?;
        counts.add(v4_type(p));
    }
    Ok(counts)
}

fn v4_type(p: &v4::Packet) -> u8 {
    use v4::Packet as P;
    match p {
        P::Connect(_) => 1,
        P::ConnAck(_) => 2,
        P::Publish(_) => 3,
        P::PubAck(_) => 4,
        P::PubRec(_) => 5,
        P::PubRel(_) => 6,
        P::PubComp(_) => 7,
        P::Subscribe(_) => 8,
        P::SubAck(_) => 9,
        P::Unsubscribe(_) => 10,
        P::UnsubAck(_) => 11,
        P::PingReq => 12,
        P::PingResp => 13,
        P::Disconnect => 14,
    }
}

fn v5_type(p: &v5::Packet) -> u8 {
    use v5::Packet as P;
    match p {
        P::Connect(..) => 1,
        P::ConnAck(_) => 2,
        P::Publish(_) => 3,
        P::PubAck(_) => 4,
        P::PubRec(_) => 5,
        P::PubRel(_) => 6,
        P::PubComp(_) => 7,
        P::Subscribe(_) => 8,
        P::SubAck(_) => 9,
        P::Unsubscribe(_) => 10,
        P::UnsubAck(_) => 11,
        P::PingReq(_) => 12,
        P::PingResp(_) => 13,
        P::Disconnect(_) => 14,
        P::Auth(_) => 15,
    }
}
