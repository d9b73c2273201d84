//! The living-room thermostat: a temperature drifting around its set point, every 2 s.

use std::time::Duration;

use mqttscope_proto::client::Message;

use super::{one_decimal, Device};
use crate::rng::Rng;

/// Where it publishes.
pub const TOPIC: &str = "home/livingroom/temperature";

/// A thermostat whose reading wanders (a seeded random walk pulled towards the set point).
#[derive(Debug, Clone)]
pub struct Thermostat {
    rng: Rng,
    temperature: f64,
    humidity: f64,
    setpoint: f64,
}

impl Thermostat {
    /// A thermostat set to 21 °C, its noise drawn from `rng`.
    pub fn new(mut rng: Rng) -> Self {
        let temperature = 20.0 + rng.unit() * 2.0;
        let humidity = 40.0 + rng.unit() * 10.0;
        Thermostat {
            rng,
            temperature,
            humidity,
            setpoint: 21.0,
        }
    }

    /// The current reading in °C.
    pub fn temperature(&self) -> f64 {
        self.temperature
    }

    /// The next reading: a step towards the set point plus noise, kept in 10..=30 °C.
    fn step(&mut self) {
        let pull = (self.setpoint - self.temperature) * 0.1;
        self.temperature = (self.temperature + pull + self.rng.signed() * 0.2).clamp(10.0, 30.0);
        self.humidity = (self.humidity + self.rng.signed() * 0.5).clamp(30.0, 70.0);
    }

    /// The reading as JSON.
    pub fn payload(&self) -> String {
        format!(
            r#"{{"temperature":{},"unit":"C","humidity":{},"setpoint":{}}}"#,
            one_decimal(self.temperature),
            one_decimal(self.humidity),
            one_decimal(self.setpoint)
        )
    }
}

impl Device for Thermostat {
    fn client_id(&self) -> &'static str {
        "sandbox-thermostat"
    }

    fn period(&self) -> Duration {
        Duration::from_secs(2)
    }

    fn tick(&mut self) -> Vec<Message> {
        self.step();
        vec![Message::new(TOPIC, self.payload())]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn publishes_json_on_its_topic_every_two_seconds() {
        let mut t = Thermostat::new(Rng::new(1));
        assert_eq!(t.period(), Duration::from_secs(2));
        let out = t.tick();
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].topic, TOPIC);
        let text = String::from_utf8(out[0].payload.clone()).unwrap();
        assert!(text.starts_with(r#"{"temperature":"#), "{text}");
        assert!(text.contains(r#""unit":"C""#), "{text}");
    }

    #[test]
    fn drifts_plausibly_and_is_the_same_for_the_same_seed() {
        let readings = |seed| {
            let mut t = Thermostat::new(Rng::new(seed));
            (0..500)
                .map(|_| {
                    t.tick();
                    t.temperature()
                })
                .collect::<Vec<_>>()
        };
        let a = readings(3);
        assert_eq!(a, readings(3));
        assert_ne!(a, readings(4));
        assert!(a.iter().all(|x| (17.0..25.0).contains(x)), "{a:?}");
        assert!(a.windows(2).all(|w| (w[1] - w[0]).abs() < 0.5));
        assert!(a.windows(2).any(|w| w[0] != w[1]), "it moves");
    }
}
