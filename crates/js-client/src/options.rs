//! The core's [`ClientOptions`] from the object the package's JavaScript hands over
//! (`npm/client/driver.js` turns the user's options into it: text to bytes, seconds and
//! milliseconds as the core counts them, a random seed for the reconnect jitter).

use std::num::{NonZeroU16, NonZeroU32};
use std::time::Duration;

use mqttscope_js_glue::{Fault, FromJs, Reader};
use mqttscope_proto::client::{ClientOptions, ReconnectPolicy};
use mqttscope_proto::codec::ConnectProperties;
use mqttscope_proto::ProtocolVersion;
use wasm_bindgen::JsValue;

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
        properties: r
            .opt_with("properties", connect_properties)?
            .unwrap_or_default(),
        receive_limit: r.or("receiveLimit", defaults.receive_limit as u32)? as usize,
        connect_timeout: r
            .opt("connectTimeout")?
            .map_or(defaults.connect_timeout, millis),
        reconnect: r.opt_with("reconnect", reconnect_policy)?,
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

/// `{ initialDelay, maxDelay, seed, resubscribe }`, delays in milliseconds.
fn reconnect_policy(v: &JsValue, field: &str) -> Result<ReconnectPolicy, Fault> {
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

/// CONNECT's properties, without an Authentication Method or Data: enhanced
/// authentication needs AUTH exchanges this package does not offer, and a method sent
/// without them would leave the broker's challenge unanswered.
fn connect_properties(v: &JsValue, field: &str) -> Result<ConnectProperties<'static>, Fault> {
    let props = ConnectProperties::from_js(v, field)?;
    let auth = match (&props.authentication_method, &props.authentication_data) {
        (Some(_), _) => Some("authenticationMethod"),
        (None, Some(_)) => Some("authenticationData"),
        (None, None) => None,
    };
    match auth {
        Some(key) => Err(Fault {
            field: [field, ".", key].concat(),
            message: "MQTT 5 enhanced authentication (AUTH) is not supported here".to_owned(),
        }),
        None => Ok(props),
    }
}
