//! SUBSCRIBE (3.8): topic filters with their subscription options.

use std::borrow::Cow;
use std::num::NonZeroU32;

use super::error::{DecodeError, DecodeErrorKind, UsageError};
use super::properties::{prefixed_len, property_set, read_props, Props, UserProperty};
use super::reader::{Meta, Reader, Trace};
use super::string::{check_outgoing, validate_str, StrKind};
use super::topic::is_shared;
use super::{quick_id_and_props, read_packet_id, PacketId, PacketType, ProtocolVersion, QoS};
use crate::dissect::Value;

property_set! {
    /// Properties of SUBSCRIBE (3.8.2.1).
    SubscribeProperties in "SUBSCRIBE" {
        one
        /// Echoed in every PUBLISH this subscription matches; never 0.
        subscription_identifier: NonZeroU32 = SUBSCRIPTION_IDENTIFIER via VarIntNz, "Subscription Identifier", "3.8.2.1.2";
        many
        /// Name/value pairs, in order.
        user_properties: UserProperty<'a> = USER_PROPERTY via Pair, "User Property", "3.8.2.1.3";
    }
}

/// When the server sends retained messages for a new subscription (3.8.3.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum RetainHandling {
    /// 0: send retained messages at the time of the subscribe.
    #[default]
    SendAtSubscribe = 0,
    /// 1: send them only if the subscription did not exist yet.
    SendAtSubscribeIfNew = 1,
    /// 2: do not send them.
    DoNotSend = 2,
}

impl RetainHandling {
    fn name(self) -> &'static str {
        match self {
            RetainHandling::SendAtSubscribe => "Send retained messages at subscribe",
            RetainHandling::SendAtSubscribeIfNew => {
                "Send retained messages if the subscription is new"
            }
            RetainHandling::DoNotSend => "Do not send retained messages",
        }
    }
}

/// Subscription Options (3.8.3.1). MQTT 3 has only the QoS.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct SubscriptionOptions {
    /// The maximum QoS the server may use for matching messages.
    pub qos: QoS,
    /// Do not send this client's own publications back (MQTT 5).
    pub no_local: bool,
    /// Keep the RETAIN flag as published (MQTT 5).
    pub retain_as_published: bool,
    /// When to send retained messages (MQTT 5).
    pub retain_handling: RetainHandling,
}

impl SubscriptionOptions {
    fn to_byte(self) -> u8 {
        (self.qos as u8)
            | (u8::from(self.no_local) << 2)
            | (u8::from(self.retain_as_published) << 3)
            | ((self.retain_handling as u8) << 4)
    }

    fn is_v3(self) -> bool {
        !self.no_local
            && !self.retain_as_published
            && self.retain_handling == RetainHandling::SendAtSubscribe
    }
}

/// One topic filter and its options.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subscription<'a> {
    /// The Topic Filter (may be `$share/<name>/<filter>` in MQTT 5).
    pub filter: Cow<'a, str>,
    /// Its options.
    pub options: SubscriptionOptions,
}

impl<'a> Subscription<'a> {
    /// A subscription to `filter` at `qos` with default options.
    pub fn new(filter: impl Into<Cow<'a, str>>, qos: QoS) -> Self {
        Subscription {
            filter: filter.into(),
            options: SubscriptionOptions {
                qos,
                ..Default::default()
            },
        }
    }
}

/// A SUBSCRIBE packet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subscribe<'a> {
    /// Its Packet Identifier.
    pub packet_id: PacketId,
    /// MQTT 5 properties.
    pub properties: Props<'a, SubscribeProperties<'a>>,
    /// At least one subscription.
    pub subscriptions: Vec<Subscription<'a>>,
}

const FILTER: Meta = Meta::new("filter", "Topic Filter", "3.8.3");
const OPTIONS: Meta = Meta::new("options", "Subscription Options", "3.8.3.1");

impl<'a> Subscribe<'a> {
    pub(crate) fn decode<T: Trace>(r: &mut Reader<'a, '_, T>) -> Result<Self, DecodeError> {
        let packet_id = read_packet_id(r, "3.8.2")?;
        let properties = if r.version.is_v5() {
            read_props(r)?
        } else {
            Props::none()
        };
        if r.is_empty() {
            let rule = if r.version.is_v5() {
                "MQTT-3.8.3-2"
            } else {
                "MQTT-3.8.3-3"
            };
            return Err(r.err_at(
                r.pos(),
                DecodeErrorKind::EmptyPayload {
                    packet: PacketType::Subscribe,
                },
                rule,
            ));
        }
        let mut subscriptions = Vec::new();
        r.enter("subscriptions");
        while !r.is_empty() {
            r.enter_index(subscriptions.len());
            let filter = r.str(&FILTER, StrKind::TopicFilter)?;
            let options = read_options(r, is_shared(&filter))?;
            subscriptions.push(Subscription { filter, options });
            r.leave();
        }
        r.leave();
        Ok(Subscribe {
            packet_id,
            properties,
            subscriptions,
        })
    }

    /// A SUBSCRIBE read in one pass, without a [`Reader`], when valid; `None` for
    /// anything else, which [`Subscribe::decode`] reads or reports.
    #[inline]
    pub(crate) fn decode_quick(body: &'a [u8], v: ProtocolVersion) -> Option<Self> {
        let (packet_id, properties, mut rest) = quick_id_and_props::<SubscribeProperties>(body, v)?;
        // At least one filter [MQTT-3.8.3-2].
        if rest.is_empty() {
            return None;
        }
        let mut subscriptions = Vec::with_capacity(count_filters(rest));
        while let Some(n) = prefixed_len(rest) {
            let filter = validate_str(rest.get(2..n)?, StrKind::TopicFilter, v).ok()?;
            let options = options(*rest.get(n)?, v, is_shared(filter)).ok()?;
            subscriptions.push(Subscription {
                filter: Cow::Borrowed(filter),
                options,
            });
            rest = &rest[n + 1..];
        }
        rest.is_empty().then_some(Subscribe {
            packet_id,
            properties,
            subscriptions,
        })
    }

    pub(crate) fn body_len(&self, v: ProtocolVersion) -> Result<usize, UsageError> {
        if self.subscriptions.is_empty() {
            return Err(UsageError::EmptyPayload {
                packet: PacketType::Subscribe,
            });
        }
        let mut n = 2;
        for s in &self.subscriptions {
            check_outgoing(&s.filter, StrKind::TopicFilter, "topic filter", v)?;
            if !v.is_v5() && !s.options.is_v3() {
                return Err(UsageError::NotInVersion {
                    what: "No Local, Retain As Published and Retain Handling",
                });
            }
            if v.is_v5() && s.options.no_local && is_shared(&s.filter) {
                return Err(UsageError::NoLocalOnSharedSubscription);
            }
            n += 3 + s.filter.len();
        }
        if v.is_v5() {
            self.properties.check(v)?;
            n += self.properties.block_len();
        } else if !self.properties.is_empty() {
            return Err(UsageError::NotInVersion {
                what: "SUBSCRIBE properties",
            });
        }
        Ok(n)
    }

    pub(crate) fn write_body(&self, v: ProtocolVersion, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.packet_id.get().to_be_bytes());
        if v.is_v5() {
            self.properties.write_block(out);
        }
        for s in &self.subscriptions {
            super::write_str(out, &s.filter);
            out.push(s.options.to_byte());
        }
    }

    /// Copies borrowed data so the packet outlives its input.
    pub fn into_owned(self) -> Subscribe<'static> {
        Subscribe {
            packet_id: self.packet_id,
            properties: self.properties.into_owned(),
            subscriptions: self
                .subscriptions
                .into_iter()
                .map(|s| Subscription {
                    filter: Cow::Owned(s.filter.into_owned()),
                    options: s.options,
                })
                .collect(),
        }
    }
}

/// The number of filters (a length-prefixed string and an options byte each) in `b`, as
/// far as they are there: the capacity to allocate once.
fn count_filters(mut b: &[u8]) -> usize {
    let mut n = 0;
    while let Some(len) = prefixed_len(b) {
        n += 1;
        b = b.get(len + 1..).unwrap_or_default();
    }
    n
}

/// Reads the options byte. MQTT 3.1.1: bits 2 to 7 reserved and QoS 3 malformed
/// [MQTT-3.8.3-4]. MQTT 5: bits 6 and 7 reserved [MQTT-3.8.3-5], QoS 3 and Retain
/// Handling 3 are errors (3.8.3.1), No Local on a shared subscription is a Protocol Error
/// [MQTT-3.8.3-4].
fn read_options<T: Trace>(
    r: &mut Reader<'_, '_, T>,
    shared: bool,
) -> Result<SubscriptionOptions, DecodeError> {
    let at = r.pos();
    let b = r.take(1, &OPTIONS)?[0];
    let o =
        options(b, r.version, shared).map_err(|(kind, rule)| DecodeError::new(at, kind, rule))?;
    if T::ON {
        trace_options(r, at, b, o);
    }
    Ok(o)
}

/// The options byte `b` of a filter that is `shared` or not, checked as [`read_options`]
/// says; an error is a kind and a rule.
#[inline]
fn options(
    b: u8,
    v: ProtocolVersion,
    shared: bool,
) -> Result<SubscriptionOptions, (DecodeErrorKind, &'static str)> {
    let v5 = v.is_v5();
    let fail = |kind, rule| Err((kind, rule));
    let reserved = if v5 { 0xc0 } else { 0xfc };
    if b & reserved != 0 {
        return fail(
            DecodeErrorKind::ReservedBitSet {
                field: "Subscription Options",
            },
            if v5 { "MQTT-3.8.3-5" } else { "MQTT-3.8.3-4" },
        );
    }
    let Some(qos) = QoS::from_u8(b & 0b11) else {
        return fail(
            DecodeErrorKind::InvalidQos,
            if v5 { "3.8.3.1" } else { "MQTT-3.8.3-4" },
        );
    };
    let retain_handling = match (b >> 4) & 0b11 {
        0 => RetainHandling::SendAtSubscribe,
        1 => RetainHandling::SendAtSubscribeIfNew,
        2 => RetainHandling::DoNotSend,
        _ => return fail(DecodeErrorKind::InvalidRetainHandling, "3.8.3.1"),
    };
    let o = SubscriptionOptions {
        qos,
        no_local: b & 0x04 != 0,
        retain_as_published: b & 0x08 != 0,
        retain_handling,
    };
    if o.no_local && shared {
        return fail(DecodeErrorKind::NoLocalOnSharedSubscription, "MQTT-3.8.3-4");
    }
    Ok(o)
}

fn trace_options<T: Trace>(r: &mut Reader<'_, '_, T>, at: usize, b: u8, o: SubscriptionOptions) {
    r.enter("options");
    if r.version.is_v5() {
        r.note_bits(
            at,
            0xc0,
            &Meta::new("reserved", "Reserved", "3.8.3.1"),
            || Value::Bits {
                value: b >> 6,
                width: 2,
            },
        );
        let rh = o.retain_handling;
        r.note_bits(
            at,
            0x30,
            &Meta::new("retain_handling", "Retain Handling", "3.8.3.1"),
            || Value::Named {
                code: rh as u64,
                name: rh.name(),
            },
        );
        r.note_bits(
            at,
            0x08,
            &Meta::new("retain_as_published", "Retain As Published", "3.8.3.1"),
            || Value::Bool(o.retain_as_published),
        );
        r.note_bits(
            at,
            0x04,
            &Meta::new("no_local", "No Local", "3.8.3.1"),
            || Value::Bool(o.no_local),
        );
    } else {
        r.note_bits(
            at,
            0xfc,
            &Meta::new("reserved", "Reserved", "3.8.3.1"),
            || Value::Bits {
                value: b >> 2,
                width: 6,
            },
        );
    }
    let q = o.qos;
    r.note_bits(
        at,
        0x03,
        &Meta::new("qos", "Maximum QoS", "3.8.3.1"),
        || Value::Named {
            code: q as u64,
            name: super::header::qos_name(q),
        },
    );
    r.leave();
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codec::{Packet, ReasonCode};
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    const V5: ProtocolVersion = ProtocolVersion::V5;
    const V4: ProtocolVersion = ProtocolVersion::V3_1_1;

    fn sub(bytes: &[u8], v: ProtocolVersion) -> Result<Subscribe<'_>, DecodeError> {
        match Packet::decode_exact(bytes, v)? {
            Packet::Subscribe(s) => Ok(s),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn v311_subscribe_round_trips() {
        let bytes = [
            0x82, 0x0c, 0x00, 0x01, 0x00, 0x03, b'a', b'/', b'#', 0x01, 0x00, 0x01, b'+', 0x02,
        ];
        let s = sub(&bytes, V4).unwrap();
        assert_eq!(
            s.subscriptions,
            [
                Subscription::new("a/#", QoS::AtLeastOnce),
                Subscription::new("+", QoS::ExactlyOnce)
            ]
        );
        let mut out = Vec::new();
        Packet::Subscribe(s).encode(V4, &mut out).unwrap();
        assert_eq!(out, bytes);
    }

    #[test]
    fn empty_subscribe_is_a_protocol_violation() {
        let err = sub(&[0x82, 0x02, 0x00, 0x01], V4).unwrap_err();
        assert_eq!((err.offset, err.rule), (4, "MQTT-3.8.3-3"));
        let err = sub(&[0x82, 0x03, 0x00, 0x01, 0x00], V5).unwrap_err();
        assert_eq!(err.rule, "MQTT-3.8.3-2");
    }

    /// 3.1.1: [MQTT-3.8.3-4]
    #[test]
    fn v311_reserved_option_bits_and_qos_3() {
        let err = sub(&[0x82, 0x06, 0x00, 0x01, 0x00, 0x01, b'a', 0x04], V4).unwrap_err();
        assert_eq!((err.offset, err.rule), (7, "MQTT-3.8.3-4"));
        let err = sub(&[0x82, 0x06, 0x00, 0x01, 0x00, 0x01, b'a', 0x03], V4).unwrap_err();
        assert_eq!(err.kind, DecodeErrorKind::InvalidQos);
    }

    /// [MQTT-3.8.3-5]
    #[test]
    fn v5_options_bits() {
        // 0x2d: Retain Handling 2, Retain As Published, No Local, QoS 1.
        let s = sub(&[0x82, 0x07, 0x00, 0x01, 0x00, 0x00, 0x01, b'a', 0x2d], V5).unwrap();
        let o = s.subscriptions[0].options;
        assert_eq!(
            (o.qos, o.no_local, o.retain_as_published, o.retain_handling),
            (QoS::AtLeastOnce, true, true, RetainHandling::DoNotSend)
        );
        let err = sub(&[0x82, 0x07, 0x00, 0x01, 0x00, 0x00, 0x01, b'a', 0x30], V5).unwrap_err();
        assert_eq!(
            (err.offset, err.kind.clone()),
            (8, DecodeErrorKind::InvalidRetainHandling)
        );
        let err = sub(&[0x82, 0x07, 0x00, 0x01, 0x00, 0x00, 0x01, b'a', 0x40], V5).unwrap_err();
        assert_eq!(err.rule, "MQTT-3.8.3-5");
    }

    #[test]
    fn no_local_on_shared_subscription_is_a_protocol_error() {
        let mut b = vec![0x82, 0x00, 0x00, 0x01, 0x00, 0x00, 0x0a];
        b.extend_from_slice(b"$share/g/a");
        b.push(0x04);
        b[1] = (b.len() - 2) as u8;
        let err = sub(&b, V5).unwrap_err();
        assert_eq!(
            (err.kind.clone(), err.rule),
            (DecodeErrorKind::NoLocalOnSharedSubscription, "MQTT-3.8.3-4")
        );
        assert_eq!(err.reason_code(), ReasonCode::ProtocolError);
        let mut s = Subscription::new("$share/g/a", QoS::AtMostOnce);
        s.options.no_local = true;
        let p = Packet::Subscribe(Subscribe {
            packet_id: PacketId::new(1).unwrap(),
            properties: Default::default(),
            subscriptions: vec![s],
        });
        assert_eq!(
            p.encode(V5, &mut Vec::new()),
            Err(UsageError::NoLocalOnSharedSubscription)
        );
    }

    #[test]
    fn invalid_filters_are_refused_with_their_offset() {
        let err = sub(
            &[0x82, 0x08, 0x00, 0x01, 0x00, 0x03, b'a', b'#', b'b', 0x00],
            V4,
        )
        .unwrap_err();
        assert_eq!((err.offset, err.rule), (7, "MQTT-4.7.1-2"));
        let err = sub(
            &[
                0x82, 0x09, 0x00, 0x01, 0x00, 0x00, 0x03, b'a', b'+', b'b', 0x00,
            ],
            V5,
        )
        .unwrap_err();
        assert_eq!((err.offset, err.rule), (8, "MQTT-4.7.1-2"));
    }

    #[test]
    fn subscription_identifier_zero_is_a_protocol_error() {
        let err = sub(
            &[
                0x82, 0x09, 0x00, 0x01, 0x02, 0x0b, 0x00, 0x00, 0x01, b'a', 0x00,
            ],
            V5,
        )
        .unwrap_err();
        assert_eq!(
            err.kind,
            DecodeErrorKind::InvalidPropertyValue { id: 0x0b, value: 0 }
        );
    }

    #[test]
    fn v5_options_cannot_be_sent_in_v3() {
        let mut s = Subscription::new("a", QoS::AtMostOnce);
        s.options.retain_as_published = true;
        let p = Packet::Subscribe(Subscribe {
            packet_id: PacketId::new(1).unwrap(),
            properties: Default::default(),
            subscriptions: vec![s],
        });
        assert!(matches!(
            p.encode(V4, &mut Vec::new()),
            Err(UsageError::NotInVersion { .. })
        ));
    }
}
