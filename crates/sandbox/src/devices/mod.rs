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

/// A number with one decimal, as the devices' JSON carries it. Written from its tenths as
/// integers: `{:.1}` would link core's float formatting, about 9 kB of the sandbox's wasm
/// for the thermostat's three readings.
pub(crate) fn one_decimal(x: f64) -> String {
    let tenths = (x * 10.0).round() as i64;
    let sign = if tenths < 0 { "-" } else { "" };
    let t = tenths.unsigned_abs();
    format!("{sign}{}.{}", t / 10, t % 10)
}

#[cfg(test)]
mod tests {
    use super::one_decimal;

    #[test]
    fn one_decimal_rounds_to_tenths_as_float_formatting_does() {
        for x in [
            21.456,
            21.45,
            0.0,
            0.04,
            -0.04,
            -3.25,
            99.95,
            100.0,
            -12.34,
            1e6 + 0.06,
        ] {
            let float = format!("{:.1}", (x * 10.0_f64).round() / 10.0);
            let want = if float == "-0.0" {
                "0.0".to_owned()
            } else {
                float
            };
            assert_eq!(one_decimal(x), want, "{x}");
        }
        // Never "-0.0": a reading just below zero is zero.
        assert_eq!(one_decimal(-0.04), "0.0");
    }
}
