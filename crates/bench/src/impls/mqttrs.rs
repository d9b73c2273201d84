//! mqttrs 0.4 (MQTT 3.1.1 only): zero-copy `decode_slice` and `encode_slice`.

use std::hint::black_box;

use bytes::{Buf, BytesMut};
use mqttrs::{Packet, PacketType, Publish, QosPid};

use crate::counts::TypeCounts;

/// Decodes `data` fed in `chunk`-byte slices: append to a `BytesMut`, borrow each
/// complete packet in place with `decode_slice`, then `advance` past it.
///
/// `decode_slice` does not say how many bytes it used, so the loop reads the fixed
/// header's Remaining Length itself ([`frame_len`], a few instructions per packet) and
/// hands `decode_slice` exactly one packet.
pub fn decode(data: &[u8], chunk: usize) -> Result<TypeCounts, String> {
    let mut buf = BytesMut::with_capacity(2 * chunk);
    let mut counts = TypeCounts::new();
    for c in data.chunks(chunk) {
        buf.extend_from_slice(c);
        while let Some(len) = frame_len(&buf)? {
            match mqttrs::decode_slice(&buf[..len]) {
                Ok(Some(p)) => {
                    counts.add(packet_type(&p));
                    black_box(&p);
                }
                Ok(None) => return Err("decode_slice wanted more of a whole packet".into()),
                Err(e) => return Err(format!("{e:?}")),
            }
            buf.advance(len);
        }
    }
    match buf.len() {
        0 => Ok(counts),
        n => Err(format!("{n} bytes left over at the end")),
    }
}

/// The size of the complete packet at the start of `buf`, or `None` if it is not all
/// there yet.
fn frame_len(buf: &[u8]) -> Result<Option<usize>, String> {
    let mut len = 0usize;
    for i in 0..4 {
        let Some(&b) = buf.get(1 + i) else {
            return Ok(None);
        };
        len |= usize::from(b & 0x7f) << (7 * i);
        if b & 0x80 == 0 {
            let total = 2 + i + len;
            return Ok((buf.len() >= total).then_some(total));
        }
    }
    Err("Remaining Length longer than 4 bytes".into())
}

/// W2's packets as mqttrs objects, borrowing topic and payload.
pub fn w2_packets(payloads: &[[u8; 32]]) -> Vec<Packet<'_>> {
    payloads
        .iter()
        .map(|p| {
            Packet::Publish(Publish {
                dup: false,
                qospid: QosPid::AtMostOnce,
                retain: false,
                topic_name: crate::workloads::W1_TOPIC,
                payload: &p[..],
            })
        })
        .collect()
}

/// Encodes `packets` with `encode_slice` into the front of `out` (preallocated, as
/// `encode_slice` writes to a slice); returns the counts and the bytes written.
pub fn encode(packets: &[Packet<'_>], out: &mut [u8]) -> Result<(TypeCounts, usize), String> {
    let mut counts = TypeCounts::new();
    let mut at = 0;
    for p in packets {
        at += mqttrs::encode_slice(p, &mut out[at..]).map_err(|e| format!("{e:?}"))?;
        counts.add(packet_type(p));
    }
    Ok((counts, at))
}

fn packet_type(p: &Packet<'_>) -> u8 {
    use PacketType as T;
    match p.get_type() {
        T::Connect => 1,
        T::Connack => 2,
        T::Publish => 3,
        T::Puback => 4,
        T::Pubrec => 5,
        T::Pubrel => 6,
        T::Pubcomp => 7,
        T::Subscribe => 8,
        T::Suback => 9,
        T::Unsubscribe => 10,
        T::Unsuback => 11,
        T::Pingreq => 12,
        T::Pingresp => 13,
        T::Disconnect => 14,
    }
}
