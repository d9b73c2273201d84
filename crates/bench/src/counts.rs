//! Packets seen per MQTT packet type: what every run returns and the bench asserts.

use std::fmt;

/// Counts indexed by the packet type number (1 = CONNECT .. 15 = AUTH).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TypeCounts([u64; 16]);

/// Lower-case names of the packet types, by number.
const NAMES: [&str; 16] = [
    "reserved",
    "connect",
    "connack",
    "publish",
    "puback",
    "pubrec",
    "pubrel",
    "pubcomp",
    "subscribe",
    "suback",
    "unsubscribe",
    "unsuback",
    "pingreq",
    "pingresp",
    "disconnect",
    "auth",
];

impl TypeCounts {
    /// All zero.
    pub const fn new() -> Self {
        TypeCounts([0; 16])
    }

    /// The same counts with `count` packets of type `ty`.
    pub const fn with(mut self, ty: u8, count: u64) -> Self {
        self.0[ty as usize] = count;
        self
    }

    /// Counts one packet of type `ty` (0..=15).
    #[inline(always)]
    pub fn add(&mut self, ty: u8) {
        self.0[usize::from(ty & 0x0f)] += 1;
    }

    /// All packets.
    pub fn total(&self) -> u64 {
        self.0.iter().sum()
    }

    /// The counts as a JSON object of the non-zero types: `{"publish":80000,...}`.
    pub fn to_json(self) -> String {
        let fields: Vec<String> = (0..16)
            .filter(|&t| self.0[t] != 0)
            .map(|t| format!("\"{}\":{}", NAMES[t], self.0[t]))
            .collect();
        format!("{{{}}}", fields.join(","))
    }

    /// Fails unless `self` equals `expected`.
    pub fn check(self, expected: Self, what: &str) -> Result<(), String> {
        if self == expected {
            Ok(())
        } else {
            Err(format!("{what}: counted {self}, expected {expected}"))
        }
    }
}

impl fmt::Display for TypeCounts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_json())
    }
}
