//! The parts of packets that both the client's options and the dissector's `encode` read:
//! a will and a subscription.

use mqttscope_proto::codec::{Subscription, SubscriptionOptions, Will};
use mqttscope_proto::QoS;
use wasm_bindgen::JsValue;

use crate::fault::Fault;
use crate::read::{FromJs, Reader};

impl FromJs for Will<'static> {
    /// `{ topic, payload, qos, retain, properties }`; the payload is empty when absent.
    fn from_js(v: &JsValue, field: &str) -> Result<Self, Fault> {
        let mut r = Reader::new(v, field)?;
        let will = Will {
            topic: r.req("topic")?,
            payload: r.opt("payload")?.unwrap_or_default(),
            qos: r.or("qos", QoS::AtMostOnce)?,
            retain: r.or("retain", false)?,
            properties: r.or("properties", Default::default())?,
        };
        r.finish()?;
        Ok(will)
    }
}

impl FromJs for Subscription<'static> {
    /// `{ filter, qos, noLocal, retainAsPublished, retainHandling }`.
    fn from_js(v: &JsValue, field: &str) -> Result<Self, Fault> {
        let mut r = Reader::new(v, field)?;
        let s = Subscription {
            filter: r.req("filter")?,
            options: SubscriptionOptions {
                qos: r.or("qos", QoS::AtMostOnce)?,
                no_local: r.or("noLocal", false)?,
                retain_as_published: r.or("retainAsPublished", false)?,
                retain_handling: r.or("retainHandling", Default::default())?,
            },
        };
        r.finish()?;
        Ok(s)
    }
}
