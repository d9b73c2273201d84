//! The core's [`ClientOptions`] from the object the package's JavaScript hands over
//! (`npm/client/driver.js` turns the user's options into it: text to bytes, seconds and
//! milliseconds as the core counts them, a random seed for the reconnect jitter).

use std::num::{NonZeroU16, NonZeroU32};
use std::time::Duration;

use mqttscope_proto::client::{ClientOptions, ReconnectPolicy};
use mqttscope_proto::codec::{Subscription, SubscriptionOptions, Will};
use mqttscope_proto::{ProtocolVersion, QoS};
use wasm_bindgen::JsValue;

use crate::js::{Fault, FromJs, Reader};

/// Reads the options object at `options`.
pub fn client_options(v: &JsValue) -> Result<ClientOptions, Fault> {
    let mut r = Reader::new(v, "options")?;
    let defaults = ClientOptions::default();
    let level: u16 = r.req("version")?;
    let version = ProtocolVersion::from_level(level as u8)
        .filter(|_| level <= 5)
        .ok_or_else(|| Fault::new("options.version", "3, 4 or 5"))?;
    let opts = ClientOptions {
        version,
        client_id: r.or("clientId", String::new())?,
        clean_start: r.or("cleanStart", true)?,
        keep_alive: r.or("keepAlive", defaults.keep_alive)?,
        username: r.opt("username")?,
        password: r.opt("password")?,
        will: r.opt("will")?,
        properties: r.or("properties", Default::default())?,
        receive_limit: r.or("receiveLimit", defaults.receive_limit as u32)? as usize,
        connect_timeout: r
            .opt("connectTimeout")?
            .map_or(defaults.connect_timeout, millis),
        reconnect: r.opt("reconnect")?,
        max_in_flight: r.opt::<NonZeroU16>("maxInFlight")?.map(NonZeroU16::get),
        max_queued: r
            .opt::<NonZeroU32>("maxQueued")?
            .map_or(defaults.max_queued, |n| n.get() as usize),
        ..defaults
    };
    r.finish()?;
    Ok(opts)
}

/// `ms` milliseconds.
fn millis(ms: u32) -> Duration {
    Duration::from_millis(u64::from(ms))
}

impl FromJs for Will<'static> {
    /// `{ topic, payload, qos, retain, properties }`.
    fn from_js(v: &JsValue, field: &str) -> Result<Self, Fault> {
        let mut r = Reader::new(v, field)?;
        let will = Will {
            topic: r.req("topic")?,
            payload: r.req("payload")?,
            qos: r.or("qos", QoS::AtMostOnce)?,
            retain: r.or("retain", false)?,
            properties: r
                .opt::<mqttscope_proto::codec::WillProperties>("properties")?
                .map(Into::into)
                .unwrap_or_default(),
        };
        r.finish()?;
        Ok(will)
    }
}

impl FromJs for ReconnectPolicy {
    /// `{ initialDelay, maxDelay, seed, resubscribe }`, delays in milliseconds.
    fn from_js(v: &JsValue, field: &str) -> Result<Self, Fault> {
        let mut r = Reader::new(v, field)?;
        let d = ReconnectPolicy::default();
        let p = ReconnectPolicy {
            initial_delay: r.opt("initialDelay")?.map_or(d.initial_delay, millis),
            max_delay: r.opt("maxDelay")?.map_or(d.max_delay, millis),
            seed: r.opt::<u32>("seed")?.map_or(d.seed, u64::from),
            resubscribe: r.or("resubscribe", d.resubscribe)?,
        };
        r.finish()?;
        Ok(p)
    }
}

impl FromJs for Subscription<'static> {
    /// `{ filter, qos, noLocal, retainAsPublished, retainHandling }`.
    fn from_js(v: &JsValue, field: &str) -> Result<Self, Fault> {
        let mut r = Reader::new(v, field)?;
        let filter: String = r.req("filter")?;
        let options = SubscriptionOptions {
            qos: r.or("qos", QoS::AtMostOnce)?,
            no_local: r.or("noLocal", false)?,
            retain_as_published: r.or("retainAsPublished", false)?,
            retain_handling: retain_handling(
                r.opt("retainHandling")?,
                &r.path_of("retainHandling"),
            )?,
        };
        r.finish()?;
        Ok(Subscription {
            filter: filter.into(),
            options,
        })
    }
}

/// Retain Handling 0, 1 or 2 (3.8.3.1).
fn retain_handling(
    v: Option<u16>,
    field: &str,
) -> Result<mqttscope_proto::codec::RetainHandling, Fault> {
    use mqttscope_proto::codec::RetainHandling as R;
    match v.unwrap_or(0) {
        0 => Ok(R::SendAtSubscribe),
        1 => Ok(R::SendAtSubscribeIfNew),
        2 => Ok(R::DoNotSend),
        _ => Err(Fault::new(field, "0, 1 or 2")),
    }
}
