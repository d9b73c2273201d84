//! Property test: hostile bytes never panic the broker nor grow it past its limits.

use proptest::prelude::*;

use super::*;
use mqttscope_proto::codec::Will;

const TOPICS: [&str; 8] = [
    "a",
    "a/b",
    "$SYS/x",
    "a/+",
    "#",
    "",
    "$share/g/a",
    "b/c/d/e",
];

fn version() -> impl Strategy<Value = ProtocolVersion> {
    prop::sample::select(vec![V3, V4, V5])
}

fn qos_pid(q: u8, id: u16) -> QosPid {
    match (q % 3, PacketId::new(id)) {
        (1, Some(id)) => QosPid::AtLeastOnce(id),
        (2, Some(id)) => QosPid::ExactlyOnce(id),
        _ => QosPid::AtMostOnce,
    }
}

/// A CONNECT with assorted flags, properties and will.
fn connect(
    v: ProtocolVersion,
    id: String,
    clean: bool,
    ka: u8,
    will: bool,
    expiry: u32,
    alias_max: u16,
) -> Packet<'static> {
    let mut c = Connect::new(v, id);
    (c.clean_start, c.keep_alive) = (clean, u16::from(ka % 4));
    if v.is_v5() {
        let p = c.properties.to_mut();
        p.session_expiry_interval = Some(expiry % 8);
        p.topic_alias_maximum = Some(alias_max % 3);
        p.receive_maximum = NonZeroU16::new(alias_max % 4 + 1);
    }
    if will {
        c.will = Some(Will {
            topic: "w".into(),
            payload: b"x".to_vec().into(),
            qos: QoS::AtLeastOnce,
            retain: true,
            properties: Default::default(),
        });
    }
    Packet::Connect(Box::new(c))
}

/// A PUBLISH with an assorted topic, QoS, retain and MQTT 5 properties.
fn publish_any(
    topic: &str,
    q: u8,
    id: u16,
    retain: bool,
    payload: Vec<u8>,
    alias: u16,
    expiry: u8,
) -> Packet<'static> {
    let mut p = Publish::new(topic.to_owned(), payload);
    (p.qos_pid, p.retain) = (qos_pid(q, id), retain);
    let props = p.properties.to_mut();
    props.topic_alias = NonZeroU16::new(alias % 4);
    props.message_expiry_interval = (expiry > 0).then_some(u32::from(expiry % 5));
    Packet::Publish(p)
}

/// One packet's bytes in `v` (an unencodable combination falls back to PINGREQ).
fn packet(v: ProtocolVersion) -> impl Strategy<Value = Vec<u8>> {
    let topic = prop::sample::select(TOPICS.to_vec());
    let id = 0u16..4;
    prop_oneof![
        (
            "[a-c]{0,2}",
            any::<bool>(),
            any::<u8>(),
            any::<bool>(),
            any::<u32>(),
            any::<u16>()
        )
            .prop_map(move |(i, c, k, w, e, a)| enc_or_ping(v, connect(v, i, c, k, w, e, a))),
        (
            topic.clone(),
            any::<u8>(),
            id.clone(),
            any::<bool>(),
            prop::collection::vec(any::<u8>(), 0..8),
            any::<u16>(),
            any::<u8>()
        )
            .prop_map(move |(t, q, i, r, p, a, e)| enc_or_ping(
                v,
                publish_any(t, q, i, r, p, a, e)
            )),
        (topic.clone(), 0u8..3, 1u16..4).prop_map(move |(t, q, i)| enc_or_ping(
            v,
            subscribe(i, &[(t, QoS::from_u8(q).unwrap_or_default())])
        )),
        (topic, 1u16..4).prop_map(move |(t, i)| enc_or_ping(v, unsubscribe(i, &[t]))),
        (4u8..8, 1u16..4).prop_map(|(t, i)| vec![
            t << 4 | if t == 6 { 2 } else { 0 },
            2,
            0,
            i as u8
        ]),
        Just(vec![0xc0, 0x00]),
        Just(vec![0xe0, 0x00]),
        Just(vec![0xe0, 0x01, 0x04]),
    ]
}

fn enc_or_ping(v: ProtocolVersion, p: Packet<'_>) -> Vec<u8> {
    let mut out = Vec::new();
    p.encode(v, &mut out)
        .map_or_else(|_| vec![0xc0, 0x00], |_| out)
}

/// A packet, sometimes with one byte changed or cut short.
fn mutated(v: ProtocolVersion) -> impl Strategy<Value = Vec<u8>> {
    (packet(v), any::<u8>(), any::<usize>(), 0u8..4).prop_map(|(mut b, x, at, how)| {
        let at = at % b.len().max(1);
        match how {
            0 if !b.is_empty() => b[at] ^= x,
            1 => b.truncate(at),
            _ => {}
        }
        b
    })
}

#[derive(Debug, Clone)]
enum Op {
    Bytes(usize, Vec<u8>, usize),
    Accept(usize),
    Close(usize),
    Sleep(u16),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        6 => (0usize..3, version().prop_flat_map(|v| prop::collection::vec(mutated(v), 1..4)), 1usize..9)
            .prop_map(|(c, ps, cut)| Op::Bytes(c, ps.concat(), cut)),
        1 => (0usize..3).prop_map(Op::Accept),
        1 => (0usize..3).prop_map(Op::Close),
        1 => any::<u16>().prop_map(Op::Sleep),
    ]
}

fn small_limits(o: &mut BrokerOptions) {
    o.max_connections = 2;
    o.max_sessions = 2;
    o.max_queued_messages = 3;
    o.max_retained_messages = 2;
    o.max_subscriptions_per_session = 3;
    o.max_packet_size = 256;
    o.receive_maximum = 2;
    o.topic_alias_maximum = 2;
    o.max_topic_depth = 3;
    o.assign_topic_aliases = true;
}

/// The limits hold.
fn check_bounds(n: &Net) -> Result<(), TestCaseError> {
    let b = &n.broker;
    prop_assert!(b.connection_count() <= 2 && b.session_count() <= 2 && b.retained_count() <= 2);
    for s in b.sessions() {
        prop_assert!(
            s.queued <= 3 && s.subscriptions.len() <= 3 && s.inbound_qos2 <= 2,
            "{s:?}"
        );
        prop_assert!(s.in_flight <= 20, "{s:?}");
    }
    prop_assert!(b.subscription_count() <= 6);
    prop_assert!(b.share_cursor.len() <= b.subscription_count());
    prop_assert!(b.timer_count() <= 2 * 2 + 2 * 2);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// Whatever arrives on several connections, in whatever pieces and at whatever times,
    /// the broker does not panic, stays within its limits, and sends nothing on a
    /// connection after closing it.
    #[test]
    fn arbitrary_bytes_from_several_connections_never_panic_and_stay_bounded(ops in prop::collection::vec(op(), 1..40)) {
        let mut n = Net::new(small_limits);
        for c in 0..2 {
            n.open(c);
        }
        for op in ops {
            match op {
                Op::Bytes(c, bytes, cut) => {
                    for chunk in bytes.chunks(cut) {
                        n.feed(ConnId(c as u64), chunk);
                    }
                }
                Op::Accept(c) => {
                    n.closed.retain(|&x| x != ConnId(c as u64));
                    let _ = n.broker.accept(ConnId(c as u64), n.now);
                    n.drain();
                }
                Op::Close(c) => {
                    n.broker.handle_closed(ConnId(c as u64), n.now);
                    n.drain();
                }
                Op::Sleep(ms) => n.sleep(u64::from(ms) * 10),
            }
            prop_assert!(n.late.is_empty(), "sent after Close on {:?}", n.late);
            n.sent.clear();
            check_bounds(&n)?;
        }
    }
}
