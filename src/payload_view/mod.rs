//! The payload frame: one message's payload decoded, in a page of its own (`payload.html`,
//! shown in a frame of the message detail when its Decoded view is chosen).
//!
//! It shows the decoded tree beside the bytes, lighting up the bytes a value came from; the
//! decoder is chosen by the connection's per-topic rules, most specific filter first, else
//! detected (Content Type, Payload Format Indicator, topic, content) with how sure that is,
//! and can be switched without touching the bytes. Protobuf schemas (`.proto` files) are
//! compiled here, in the browser. A Sparkplug B message is read after the earlier messages
//! of its edge node, so that metrics sent by alias get their names and sequence gaps show;
//! and what changed since the topic's previous message is listed.
//!
//! It is its own wasm module (`src/bin/mqttscope-payload.rs`), loaded only when the view is
//! chosen, so the client page's first load carries none of the decoders; it reads the
//! page's messages through the one export of [`crate::state::feed`], and keeps the rules
//! and schemas in localStorage, by the connection's broker address.

pub mod births;
pub mod charts;
pub mod components;
pub mod host;
pub mod model;
pub mod reading;
pub mod uplot;

use std::ops::Range;

use leptos::prelude::*;

use mqttscope_payload::sparkplug::Topic;

use crate::model::feed::FedMessage;
use host::Params;
use model::rules::Rules;
use model::schemas::Schemas;
use model::series::Series;

/// The frame's state, shared by its components through the context.
#[derive(Clone, Copy)]
pub struct Frame {
    /// Which message, from the frame's address.
    pub params: StoredValue<Option<Params>>,
    /// The message, as the page gave it.
    pub message: StoredValue<Option<FedMessage>>,
    /// The decoder the user picked (`None`: by rule or detection).
    pub picked: RwSignal<Option<String>>,
    /// The message the user picked to compare with (`None`: the topic's previous one).
    pub against: RwSignal<Option<f64>>,
    /// The connection's rules.
    pub rules: RwSignal<Rules>,
    /// The connection's schemas, compiled.
    pub schemas: RwSignal<Schemas>,
    /// The bytes lit up: those of the value under the pointer.
    pub lit: RwSignal<Option<Range<usize>>>,
    /// A notice for the user (a rule refused, storage full).
    pub notice: RwSignal<Option<String>>,
    /// The charted series.
    pub charts: StoredValue<Vec<Series>>,
    /// Bumped when the series changed.
    pub chart_tick: RwSignal<u64>,
}

impl Frame {
    /// The frame of the address it was opened at, with its message and what localStorage
    /// keeps for the connection.
    pub fn open() -> Frame {
        let params = host::params();
        let message = params.as_ref().and_then(host::message);
        let key = params.as_ref().map(|p| p.key.clone()).unwrap_or_default();
        Frame {
            params: StoredValue::new(params),
            message: StoredValue::new(message),
            picked: RwSignal::new(None),
            against: RwSignal::new(None),
            rules: RwSignal::new(Rules::from_text(&host::load("rules", &key))),
            schemas: RwSignal::new(Schemas::from_text(&host::load("schemas", &key))),
            lit: RwSignal::new(None),
            notice: RwSignal::new(None),
            charts: StoredValue::new(Vec::new()),
            chart_tick: RwSignal::new(0),
        }
    }

    /// Charts stable path `path` of the messages of `topic` (from the page's history on),
    /// unless it is charted already. A value of a Sparkplug B message is charted over its
    /// device's (or edge node's) messages of every type, read from its edge node's last
    /// birth through a session, so that values sent by alias count too.
    pub fn add_series(self, topic: &str, path: &str, sparkplug: bool) {
        let spb = Topic::parse(topic).filter(|t| sparkplug && t.kind.is_protobuf());
        let mut series = match &spb {
            Some(t) => Series::sparkplug(t, path),
            None => Series::new(topic, path),
        };
        let known = self.charts.with_value(|c| {
            c.iter()
                .any(|s| s.filter == series.filter && s.path == path)
        });
        if known {
            return;
        }
        if let (Some(t), Some(p)) = (&spb, self.params.get_value()) {
            series.read_up_to = births::since_birth(p.conn, t, f64::INFINITY);
        }
        self.charts.update_value(|c| c.push(series));
        self.refresh_charts();
    }

    /// Stops charting series `index`.
    pub fn remove_series(self, index: usize) {
        self.charts.update_value(|c| {
            if index < c.len() {
                c.remove(index);
            }
        });
        self.chart_tick.update(|t| *t += 1);
    }

    /// Reads the messages that came since the last time into the series.
    pub fn refresh_charts(self) {
        let Some(params) = self.params.get_value() else {
            return;
        };
        let rules = self.rules.get_untracked();
        let changed = self.schemas.with_untracked(|schemas| {
            self.charts
                .try_update_value(|c| charts::refresh(&params, c, &rules, schemas))
                .unwrap_or(false)
        });
        if changed {
            self.chart_tick.update(|t| *t += 1);
        }
    }

    fn key(self) -> String {
        self.params
            .with_value(|p| p.as_ref().map(|p| p.key.clone()).unwrap_or_default())
    }

    fn keep(self, kind: &str, text: &str) {
        if let Err(e) = host::save(kind, &self.key(), text) {
            self.notice.set(Some(format!("Not saved: {e}")));
        }
    }

    /// Sets the rule of `filter` and saves the rules.
    pub fn set_rule(self, filter: &str, decoder: &str) {
        let mut rules = self.rules.get_untracked();
        match rules.set(filter, decoder) {
            Ok(()) => {
                self.keep("rules", &rules.to_text());
                self.rules.set(rules);
                self.picked.set(None);
                self.notice.set(None);
            }
            Err(e) => self.notice.set(Some(e)),
        }
    }

    /// Removes the rule of `filter` and saves the rules.
    pub fn remove_rule(self, filter: &str) {
        self.rules.update(|r| r.remove(filter));
        self.keep("rules", &self.rules.with_untracked(Rules::to_text));
    }

    /// Adds (or replaces) a `.proto` file and saves the schemas.
    pub fn add_schema(self, name: &str, text: &str) {
        let schemas = self.schemas.with_untracked(|s| s.with_file(name, text));
        self.keep("schemas", &schemas.to_text());
        self.schemas.set(schemas);
    }

    /// Removes a `.proto` file and saves the schemas.
    pub fn remove_schema(self, name: &str) {
        let schemas = self.schemas.with_untracked(|s| s.without_file(name));
        self.keep("schemas", &schemas.to_text());
        self.schemas.set(schemas);
    }
}

/// The frame of the context.
pub fn use_frame() -> Frame {
    expect_context::<Frame>()
}
