//! Saved connections as JSON (for localStorage): an id, settings and subscriptions. The
//! password is saved only when the user ticked "remember".
//!
//! Each connection has a stable id, so that tabs open on the page merge their changes
//! connection by connection ([`crate::state::sync`]); entries saved before ids existed
//! get `legacy-<index>`, the same in every tab that reads them.

use mqttscope_proto::codec::{ProtocolVersion, QoS};

use crate::model::json::{self, Json};
use crate::model::payload::PayloadFormat;
use crate::state::connection::{SubStatus, SubscriptionEntry};
use crate::state::settings::{
    self, alias_policy_from_name, alias_policy_name, AuthMethod, ConnectionSettings, WillSettings,
};

/// The localStorage key (versioned, so a later format can migrate).
pub const STORAGE_KEY: &str = "mqttscope.connections.v1";

/// One saved connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Saved {
    /// Stable and unique among the saved connections.
    pub id: String,
    /// Its settings.
    pub settings: ConnectionSettings,
    /// Its subscriptions (status not saved).
    pub subscriptions: Vec<SubscriptionEntry>,
}

/// The saved id of the sandbox preset.
pub const SANDBOX_PRESET_ID: &str = "preset-sandbox";

/// The presets as saved connections: first the sandbox in the page, subscribed to
/// `home/#`, then the brokers of [`settings::presets`]. Their ids are fixed, so that two
/// tabs that both start from an empty storage save the same five connections, not ten
/// (the brokers keep the ids they had before the sandbox came first).
pub fn presets() -> Vec<Saved> {
    let sandbox = Saved {
        id: SANDBOX_PRESET_ID.to_owned(),
        settings: settings::sandbox_preset(),
        subscriptions: vec![SubscriptionEntry {
            id: 1,
            ..SubscriptionEntry::new("home/#")
        }],
    };
    let brokers = settings::presets()
        .into_iter()
        .enumerate()
        .map(|(k, settings)| Saved {
            id: format!("preset-{k}"),
            settings,
            subscriptions: Vec::new(),
        });
    std::iter::once(sandbox).chain(brokers).collect()
}

/// The saved connections as JSON text.
pub fn to_json(saved: &[Saved]) -> String {
    Json::Array(saved.iter().map(saved_json).collect()).compact()
}

/// One connection as it is stored: two connections with the same text need not be
/// written again (the status of subscriptions, and the password when it is not
/// remembered, are not part of it).
pub fn entry_text(saved: &Saved) -> String {
    saved_json(saved).compact()
}

/// What a stored text holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Stored {
    /// Every entry was read.
    Read(Vec<Saved>),
    /// Not JSON, not an array, or entries that cannot be read (the ones that can are
    /// here): the text must be kept somewhere before anything is written over it.
    Damaged(Vec<Saved>),
}

/// The saved connections in `text`; nothing in it can make this fail or panic.
pub fn read(text: &str) -> Stored {
    let Ok(Json::Array(items)) = json::parse(text) else {
        return Stored::Damaged(Vec::new());
    };
    let mut saved: Vec<Saved> = items.iter().enumerate().filter_map(read_saved).collect();
    unique_ids(&mut saved);
    if saved.len() == items.len() {
        Stored::Read(saved)
    } else {
        Stored::Damaged(saved)
    }
}

/// Makes ids unique: a repeated id (a hand-edited text) gets its position appended.
fn unique_ids(saved: &mut [Saved]) {
    for k in 1..saved.len() {
        let (before, rest) = saved.split_at_mut(k);
        if before.iter().any(|s| s.id == rest[0].id) {
            rest[0].id = format!("{}~{k}", rest[0].id);
        }
    }
}

fn s(v: &str) -> Json {
    Json::String(v.to_owned())
}

fn n(v: impl ToString) -> Json {
    Json::Number(v.to_string())
}

fn obj(fields: Vec<(&str, Json)>) -> Json {
    Json::Object(fields.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
}

fn pairs(p: &[(String, String)]) -> Json {
    Json::Array(
        p.iter()
            .map(|(k, v)| Json::Array(vec![s(k), s(v)]))
            .collect(),
    )
}

fn saved_json(saved: &Saved) -> Json {
    let c = &saved.settings;
    let password = if c.remember_password {
        &c.password[..]
    } else {
        ""
    };
    obj(vec![
        ("id", s(&saved.id)),
        ("name", s(&c.name)),
        ("colour", n(c.colour)),
        ("url", s(&c.url)),
        ("client_id", s(&c.client_id)),
        ("username", s(&c.username)),
        ("password", s(password)),
        ("remember_password", Json::Bool(c.remember_password)),
        ("version", n(c.version as u8)),
        ("keep_alive", n(c.keep_alive)),
        ("clean_start", Json::Bool(c.clean_start)),
        ("session_expiry", n(c.session_expiry)),
        ("receive_maximum", n(c.receive_maximum)),
        ("maximum_packet_size", n(c.maximum_packet_size)),
        ("memory_budget_mib", n(c.memory_budget_mib)),
        ("topic_alias_maximum", n(c.topic_alias_maximum)),
        ("topic_alias", s(alias_policy_name(c.topic_alias))),
        (
            "request_response_information",
            Json::Bool(c.request_response_information),
        ),
        (
            "request_problem_information",
            Json::Bool(c.request_problem_information),
        ),
        ("user_properties", pairs(&c.user_properties)),
        ("will", c.will.as_ref().map_or(Json::Null, will_json)),
        ("auth_method", s(c.auth_method.label())),
        ("auto_reconnect", Json::Bool(c.auto_reconnect)),
        (
            "subscriptions",
            Json::Array(saved.subscriptions.iter().map(sub_json).collect()),
        ),
    ])
}

fn will_json(w: &WillSettings) -> Json {
    obj(vec![
        ("topic", s(&w.topic)),
        ("payload", s(&w.payload)),
        ("format", s(w.format.label())),
        ("qos", n(w.qos as u8)),
        ("retain", Json::Bool(w.retain)),
        ("delay_interval", n(w.delay_interval)),
        ("message_expiry", n(w.message_expiry)),
        ("content_type", s(&w.content_type)),
        ("response_topic", s(&w.response_topic)),
        ("payload_is_utf8", Json::Bool(w.payload_is_utf8)),
        ("user_properties", pairs(&w.user_properties)),
    ])
}

fn sub_json(sub: &SubscriptionEntry) -> Json {
    obj(vec![
        ("filter", s(&sub.filter)),
        ("qos", n(sub.qos as u8)),
        ("no_local", Json::Bool(sub.no_local)),
        ("retain_as_published", Json::Bool(sub.retain_as_published)),
        ("retain_handling", n(sub.retain_handling)),
        ("identifier", sub.identifier.map_or(Json::Null, n)),
        ("colour", n(sub.colour)),
        ("alias", s(&sub.alias)),
    ])
}

/// Field access on a JSON object.
struct Fields<'a>(&'a [(String, Json)]);

impl Fields<'_> {
    fn get(&self, key: &str) -> Option<&Json> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    fn str(&self, key: &str) -> Option<String> {
        match self.get(key)? {
            Json::String(v) => Some(v.clone()),
            _ => None,
        }
    }

    fn bool(&self, key: &str) -> Option<bool> {
        match self.get(key)? {
            Json::Bool(v) => Some(*v),
            _ => None,
        }
    }

    fn num<T: std::str::FromStr>(&self, key: &str) -> Option<T> {
        match self.get(key)? {
            Json::Number(v) => v.parse().ok(),
            _ => None,
        }
    }

    fn pairs(&self, key: &str) -> Vec<(String, String)> {
        let Some(Json::Array(items)) = self.get(key) else {
            return Vec::new();
        };
        items
            .iter()
            .filter_map(|item| match item {
                Json::Array(kv) => match kv.as_slice() {
                    [Json::String(k), Json::String(v)] => Some((k.clone(), v.clone())),
                    _ => None,
                },
                _ => None,
            })
            .collect()
    }
}

fn fields(v: &Json) -> Option<Fields<'_>> {
    match v {
        Json::Object(f) => Some(Fields(f)),
        _ => None,
    }
}

fn qos(v: Option<u8>) -> QoS {
    v.and_then(QoS::from_u8).unwrap_or(QoS::AtMostOnce)
}

fn read_saved((index, v): (usize, &Json)) -> Option<Saved> {
    let f = fields(v)?;
    let id = f
        .str("id")
        .filter(|id| !id.is_empty())
        .unwrap_or_else(|| format!("legacy-{index}"));
    let d = ConnectionSettings::default();
    let settings = ConnectionSettings {
        name: f.str("name").unwrap_or(d.name),
        colour: f.num("colour").unwrap_or(0),
        url: f.str("url")?,
        client_id: f.str("client_id").unwrap_or_default(),
        username: f.str("username").unwrap_or_default(),
        password: f.str("password").unwrap_or_default(),
        remember_password: f.bool("remember_password").unwrap_or(false),
        version: f
            .num("version")
            .and_then(ProtocolVersion::from_level)
            .unwrap_or(d.version),
        keep_alive: f.num("keep_alive").unwrap_or(d.keep_alive),
        clean_start: f.bool("clean_start").unwrap_or(d.clean_start),
        session_expiry: f.num("session_expiry").unwrap_or(0),
        receive_maximum: f.num("receive_maximum").unwrap_or(0),
        maximum_packet_size: f.num("maximum_packet_size").unwrap_or(0),
        memory_budget_mib: f.num("memory_budget_mib").unwrap_or(0),
        topic_alias_maximum: f.num("topic_alias_maximum").unwrap_or(0),
        topic_alias: alias_policy_from_name(&f.str("topic_alias").unwrap_or_default()),
        request_response_information: f.bool("request_response_information").unwrap_or(false),
        request_problem_information: f.bool("request_problem_information").unwrap_or(true),
        user_properties: f.pairs("user_properties"),
        will: f.get("will").and_then(read_will),
        auth_method: AuthMethod::from_label(&f.str("auth_method").unwrap_or_default()),
        auto_reconnect: f.bool("auto_reconnect").unwrap_or(true),
    };
    let subscriptions = match f.get("subscriptions") {
        Some(Json::Array(items)) => items.iter().enumerate().filter_map(read_sub).collect(),
        _ => Vec::new(),
    };
    Some(Saved {
        id,
        settings,
        subscriptions,
    })
}

fn read_will(v: &Json) -> Option<WillSettings> {
    let f = fields(v)?;
    let format = f.str("format").unwrap_or_default();
    Some(WillSettings {
        topic: f.str("topic")?,
        payload: f.str("payload").unwrap_or_default(),
        format: PayloadFormat::all()
            .into_iter()
            .find(|p| p.label() == format)
            .unwrap_or(PayloadFormat::Text),
        qos: qos(f.num("qos")),
        retain: f.bool("retain").unwrap_or(false),
        delay_interval: f.num("delay_interval").unwrap_or(0),
        message_expiry: f.num("message_expiry").unwrap_or(0),
        content_type: f.str("content_type").unwrap_or_default(),
        response_topic: f.str("response_topic").unwrap_or_default(),
        payload_is_utf8: f.bool("payload_is_utf8").unwrap_or(false),
        user_properties: f.pairs("user_properties"),
    })
}

fn read_sub((k, v): (usize, &Json)) -> Option<SubscriptionEntry> {
    let f = fields(v)?;
    Some(SubscriptionEntry {
        id: k as u32 + 1,
        filter: f.str("filter")?,
        qos: qos(f.num("qos")),
        no_local: f.bool("no_local").unwrap_or(false),
        retain_as_published: f.bool("retain_as_published").unwrap_or(false),
        retain_handling: f.num::<u8>("retain_handling").unwrap_or(0).min(2),
        identifier: f.num("identifier"),
        colour: f.num("colour").unwrap_or(0),
        alias: f.str("alias").unwrap_or_default(),
        status: SubStatus::Pending,
    })
}

#[cfg(test)]
mod tests {
    use mqttscope_proto::client::TopicAliasPolicy;

    use super::*;

    /// What `text` holds, which must be readable in full.
    fn from_json(text: &str) -> Vec<Saved> {
        match read(text) {
            Stored::Read(saved) => saved,
            Stored::Damaged(_) => panic!("damaged: {text}"),
        }
    }

    fn sample() -> Saved {
        let settings = ConnectionSettings {
            name: "a \"quoted\" name".to_owned(),
            password: "hunter2".to_owned(),
            version: ProtocolVersion::V3_1_1,
            user_properties: vec![("k".to_owned(), "v".to_owned())],
            will: Some(WillSettings {
                topic: "dead/me".to_owned(),
                payload: "bye".to_owned(),
                qos: QoS::AtLeastOnce,
                ..Default::default()
            }),
            auth_method: AuthMethod::ScramSha512,
            topic_alias: TopicAliasPolicy::Lru,
            ..Default::default()
        };
        let sub = SubscriptionEntry {
            id: 1,
            filter: "a/+/#".to_owned(),
            qos: QoS::ExactlyOnce,
            no_local: true,
            retain_as_published: true,
            retain_handling: 2,
            identifier: Some(7),
            colour: 3,
            alias: "everything".to_owned(),
            status: SubStatus::Pending,
        };
        Saved {
            id: "c1".to_owned(),
            settings,
            subscriptions: vec![sub],
        }
    }

    #[test]
    fn round_trips_without_the_password_unless_remembered() {
        let saved = sample();
        let text = to_json(std::slice::from_ref(&saved));
        assert!(!text.contains("hunter2"), "{text}");
        let back = from_json(&text);
        let mut expected = saved.clone();
        expected.settings.password.clear();
        assert_eq!(back, vec![expected]);
    }

    #[test]
    fn a_remembered_password_is_kept() {
        let mut saved = sample();
        saved.settings.remember_password = true;
        let back = from_json(&to_json(std::slice::from_ref(&saved)));
        assert_eq!(back[0].settings.password, "hunter2");
    }

    #[test]
    fn the_will_keeps_its_payload_format() {
        for format in PayloadFormat::all() {
            let mut saved = sample();
            let will = saved.settings.will.as_mut().unwrap();
            (will.payload, will.format) = ("6869".to_owned(), format);
            let back = from_json(&to_json(std::slice::from_ref(&saved)));
            let will = back[0].settings.will.as_ref().unwrap();
            assert_eq!(will.format, format);
            assert_eq!(will.payload, "6869");
        }
    }

    #[test]
    fn unreadable_text_is_damaged_and_partial_entries_are_skipped() {
        for garbage in ["not json", "{}", "", "[1, 2", "\"[]\"", "null"] {
            assert_eq!(read(garbage), Stored::Damaged(Vec::new()), "{garbage:?}");
        }
        let text = r#"[{"name":"x"},{"url":"ws://h:1","version":9,"keep_alive":"x"}]"#;
        let Stored::Damaged(back) = read(text) else {
            panic!("an unreadable entry must make the text damaged");
        };
        assert_eq!(back.len(), 1);
        assert_eq!(back[0].settings.url, "ws://h:1");
        assert_eq!(back[0].settings.version, ProtocolVersion::V5);
        assert_eq!(back[0].settings.keep_alive, 60);
        assert_eq!(back[0].settings.topic_alias, TopicAliasPolicy::Off);
    }

    #[test]
    fn entries_without_an_id_get_one_from_their_place_and_ids_are_unique() {
        let text = r#"[{"url":"ws://a"},{"id":"x","url":"ws://b"},{"id":"x","url":"ws://c"},{"id":"","url":"ws://d"}]"#;
        let ids: Vec<_> = from_json(text).into_iter().map(|s| s.id).collect();
        assert_eq!(ids, ["legacy-0", "x", "x~2", "legacy-3"]);
        // Written back, they keep those ids.
        let again = from_json(&to_json(&from_json(text)));
        assert_eq!(again, from_json(text));
    }

    #[test]
    fn the_entry_text_leaves_out_what_is_not_saved() {
        let a = sample();
        let mut b = sample();
        b.settings.password = "other".to_owned();
        b.subscriptions[0].status = SubStatus::Granted(QoS::AtMostOnce);
        b.subscriptions[0].id = 9;
        assert_eq!(entry_text(&a), entry_text(&b));
        b.settings.name = "renamed".to_owned();
        assert_ne!(entry_text(&a), entry_text(&b));
    }

    #[test]
    fn the_sandbox_preset_comes_first_subscribed_to_home_and_survives_a_save() {
        let presets = presets();
        assert_eq!(presets[0].id, SANDBOX_PRESET_ID);
        assert_eq!(presets[0].settings.url, "sandbox://home");
        assert_eq!(presets[0].subscriptions[0].filter, "home/#");
        let ids: Vec<&str> = presets[1..].iter().map(|p| p.id.as_str()).collect();
        assert_eq!(ids, ["preset-0", "preset-1", "preset-2", "preset-3"]);
        assert_eq!(read(&to_json(&presets)), Stored::Read(presets));
    }
}
