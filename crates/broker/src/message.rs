//! An application message as the broker holds it: shared by every session it is routed
//! to, and turned into a PUBLISH per receiver.

use std::num::NonZeroU32;
use std::time::Duration;

use mqttscope_proto::client::Instant;
use mqttscope_proto::codec::{Publish, PublishProperties, QosPid};
use mqttscope_proto::QoS;

/// A published message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Message {
    pub topic: String,
    pub payload: Vec<u8>,
    pub qos: QoS,
    pub retain: bool,
    /// The properties forwarded unchanged: Payload Format Indicator, Content Type,
    /// Response Topic, Correlation Data, User Properties in order [MQTT-3.3.2-4]
    /// [MQTT-3.3.2-15] [MQTT-3.3.2-16] [MQTT-3.3.2-17] [MQTT-3.3.2-18] [MQTT-3.3.2-20].
    pub props: PublishProperties<'static>,
    /// When its Message Expiry Interval runs out.
    pub expires_at: Option<Instant>,
    /// The client id of its publisher, for No Local.
    pub publisher: Option<String>,
}

impl Message {
    /// The message a client published (its topic resolved from any alias).
    pub(crate) fn from_publish(p: &Publish<'_>, topic: String, now: Instant, from: &str) -> Self {
        let q = &p.properties;
        let props = PublishProperties {
            payload_format_indicator: q.payload_format_indicator(),
            content_type: q.content_type().map(|s| s.to_owned().into()),
            response_topic: q.response_topic().map(|s| s.to_owned().into()),
            correlation_data: q.correlation_data().map(|s| s.to_vec().into()),
            user_properties: q
                .user_properties()
                .map(|(k, v)| mqttscope_proto::codec::UserProperty::new(k.to_owned(), v.to_owned()))
                .collect(),
            ..PublishProperties::default()
        };
        Message {
            topic,
            payload: p.payload.to_vec(),
            qos: p.qos_pid.qos(),
            retain: p.retain,
            props,
            expires_at: expiry(q.message_expiry_interval(), now),
            publisher: Some(from.to_owned()),
        }
    }

    /// True once its expiry has passed.
    pub(crate) fn expired(&self, now: Instant) -> bool {
        self.expires_at.is_some_and(|at| at <= now)
    }

    /// Seconds left of its expiry interval, rounded up [MQTT-3.3.2-6].
    pub(crate) fn remaining_expiry(&self, now: Instant) -> Option<u32> {
        let left = self.expires_at?.saturating_since(now).as_millis();
        Some(u32::try_from(left.div_ceil(1000)).unwrap_or(u32::MAX))
    }

    /// The PUBLISH that delivers it: `qos_pid`, `retain`, the subscription identifiers;
    /// properties only for MQTT 5.
    pub(crate) fn to_publish(&self, d: Delivery<'_>, now: Instant) -> Publish<'static> {
        let properties = if d.v5 {
            let mut props = self.props.clone();
            props.message_expiry_interval = self.remaining_expiry(now);
            props.subscription_identifiers = d.sub_ids.to_vec();
            props.into()
        } else {
            Default::default()
        };
        Publish {
            dup: d.dup,
            qos_pid: d.qos_pid,
            retain: d.retain,
            topic: self.topic.clone().into(),
            properties,
            payload: self.payload.clone().into(),
        }
    }
}

/// How one copy of a message goes out.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Delivery<'a> {
    pub qos_pid: QosPid,
    pub retain: bool,
    pub dup: bool,
    pub sub_ids: &'a [NonZeroU32],
    pub v5: bool,
}

/// The instant an expiry interval of `secs` from `now` ends.
pub(crate) fn expiry(secs: Option<u32>, now: Instant) -> Option<Instant> {
    secs.map(|s| now + Duration::from_secs(u64::from(s)))
}
