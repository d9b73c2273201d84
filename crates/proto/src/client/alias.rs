//! Outbound Topic Aliases: an LRU map from topic to alias, within the server's Topic
//! Alias Maximum (none when it is absent or 0 [MQTT-3.2.2-18]); alias 0 is never used
//! [MQTT-3.3.2-8]. The map lives for one connection only [MQTT-3.3.2-7].

use std::collections::HashMap;
use std::num::NonZeroU16;

/// Whether the client assigns Topic Aliases to what it publishes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TopicAliasPolicy {
    /// Never (a caller may still set `topic_alias` on a message itself).
    #[default]
    Off,
    /// Give each topic an alias, reusing the least recently used one when the server's
    /// maximum is reached.
    Lru,
}

/// The aliases of one connection.
#[derive(Debug, Default)]
pub(crate) struct OutboundAliases {
    max: u16,
    by_topic: HashMap<String, (NonZeroU16, u64)>,
    tick: u64,
}

/// What to put in a PUBLISH.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AliasUse {
    /// Send the topic and set this alias (a new or rebound mapping).
    Bind(NonZeroU16),
    /// Send an empty topic with this alias.
    Reuse(NonZeroU16),
}

impl OutboundAliases {
    /// Starts a connection whose server accepts aliases up to `max`.
    pub fn reset(&mut self, max: u16) {
        self.max = max;
        self.by_topic.clear();
        self.tick = 0;
    }

    /// The alias to use for `topic`, if any.
    pub fn assign(&mut self, topic: &str) -> Option<AliasUse> {
        self.tick += 1;
        let tick = self.tick;
        if let Some((alias, used)) = self.by_topic.get_mut(topic) {
            *used = tick;
            return Some(AliasUse::Reuse(*alias));
        }
        let alias = self.free_alias()?;
        self.by_topic.insert(topic.to_owned(), (alias, tick));
        Some(AliasUse::Bind(alias))
    }

    /// A never-used alias, or the least recently used one (unbinding its topic).
    fn free_alias(&mut self) -> Option<NonZeroU16> {
        if self.max == 0 {
            return None;
        }
        if self.by_topic.len() < usize::from(self.max) {
            return NonZeroU16::new(self.by_topic.len() as u16 + 1);
        }
        let oldest = self
            .by_topic
            .iter()
            .min_by_key(|(_, (_, used))| *used)
            .map(|(t, (a, _))| (t.clone(), *a))?;
        self.by_topic.remove(&oldest.0);
        Some(oldest.1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    fn a(n: u16) -> NonZeroU16 {
        NonZeroU16::new(n).unwrap()
    }

    #[test]
    fn binds_then_reuses_then_evicts_the_least_recent() {
        let mut m = OutboundAliases::default();
        m.reset(2);
        assert_eq!(m.assign("x"), Some(AliasUse::Bind(a(1))));
        assert_eq!(m.assign("y"), Some(AliasUse::Bind(a(2))));
        assert_eq!(m.assign("x"), Some(AliasUse::Reuse(a(1))));
        // "y" is the least recently used: "z" takes its alias.
        assert_eq!(m.assign("z"), Some(AliasUse::Bind(a(2))));
        assert_eq!(m.assign("y"), Some(AliasUse::Bind(a(1))));
    }

    #[test]
    fn no_aliases_when_the_server_allows_none() {
        let mut m = OutboundAliases::default();
        m.reset(0);
        assert_eq!(m.assign("x"), None);
    }
}
