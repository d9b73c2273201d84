//! The simulated smart home: small plain types that decide what each device publishes,
//! with no client, no clock and no I/O in them ([`crate::link`] runs them over a
//! [`mqttscope_proto::client::Client`]).

use std::time::Duration;

use mqttscope_proto::client::Message;

pub mod lights;
pub mod security;
pub mod thermostat;

pub use lights::Lights;
pub use security::Security;
pub use thermostat::Thermostat;

/// A device: its identity, what it subscribes to and what it publishes.
pub trait Device {
    /// Its MQTT client id.
    fn client_id(&self) -> &'static str;

    /// Its will, published by the broker when its connection is lost.
    fn will(&self) -> Option<Message> {
        None
    }

    /// The topic filters it subscribes to once connected.
    fn subscriptions(&self) -> &'static [&'static str] {
        &[]
    }

    /// What it publishes as soon as it is connected (retained state, say).
    fn on_connected(&mut self) -> Vec<Message> {
        Vec::new()
    }

    /// A message arrived on one of its subscriptions: what it publishes in answer.
    fn on_message(&mut self, _topic: &str, _payload: &[u8]) -> Vec<Message> {
        Vec::new()
    }

    /// How often [`Device::tick`] runs.
    fn period(&self) -> Duration;

    /// What it publishes every period.
    fn tick(&mut self) -> Vec<Message>;
}

/// The devices of `sandbox://home`, their values drawn from `seed`.
pub fn home(seed: u64) -> Vec<Box<dyn Device>> {
    let mut rng = crate::rng::Rng::new(seed);
    vec![
        Box::new(Thermostat::new(rng.fork())),
        Box::new(Lights::new(70)),
        Box::new(Security::new(rng.fork())),
    ]
}

/// A number with one decimal, as the devices' JSON carries it.
pub(crate) fn one_decimal(x: f64) -> String {
    format!("{:.1}", (x * 10.0).round() / 10.0)
}
