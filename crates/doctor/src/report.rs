//! What the doctor hands back: a [`Diagnosis`] with a [`Severity`] and the [`Action`]s
//! the page can offer as buttons.

use mqttscope_proto::ProtocolVersion;

use super::BrokerUrl;

/// How bad it is, for the page's colour and icon.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Severity {
    /// Nothing is wrong (a normal close, an accepted connection).
    Info,
    /// Probably passing: retrying as it is may work (busy server, lost network).
    Warning,
    /// It will fail again until something is changed (URL, credentials, broker).
    Error,
}

/// A setting the user may have to change; the page focuses its field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Setting {
    /// The broker URL.
    Url,
    /// User name and password.
    Credentials,
    /// The client identifier.
    ClientId,
    /// The keep alive interval.
    KeepAlive,
    /// The will message (topic, payload, QoS, retain, properties).
    Will,
    /// Enhanced authentication (MQTT 5 Authentication Method).
    Authentication,
    /// The largest packet accepted from the broker.
    ReceiveLimit,
}

/// Something the page can offer to do, as a button.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Connect again with the same settings.
    Retry,
    /// Put this URL into the broker field and connect (e.g. "Use ws://host:9001/mqtt").
    UseUrl {
        /// The button text.
        label: String,
        /// The `ws://` or `wss://` URL.
        url: String,
    },
    /// Open this page in a new tab (e.g. the broker's `https://` page, to accept its
    /// certificate), then retry.
    OpenPage {
        /// The button text.
        label: String,
        /// The `https://` URL.
        url: String,
    },
    /// Connect again speaking this MQTT version.
    SwitchVersion(ProtocolVersion),
    /// Change this setting before connecting again.
    Edit(Setting),
}

impl Action {
    /// "Use ws://host:9001/mqtt" for `url`.
    pub fn use_url(url: &BrokerUrl) -> Action {
        let url = url.ws_url();
        Action::UseUrl {
            label: format!("Use {url}"),
            url,
        }
    }

    /// "Open https://host:8884/ to trust its certificate" for `url`'s server.
    pub fn trust_certificate(url: &BrokerUrl) -> Action {
        let url = url.https_url();
        Action::OpenPage {
            label: format!("Open {url} to trust its certificate"),
            url,
        }
    }

    /// A button text for any action ("Retry", "Try MQTT 3.1.1", "Edit the will", …).
    pub fn label(&self) -> String {
        match self {
            Action::Retry => "Retry".to_string(),
            Action::UseUrl { label, .. } | Action::OpenPage { label, .. } => label.clone(),
            Action::SwitchVersion(v) => format!("Try MQTT {v}"),
            Action::Edit(s) => format!("Edit {}", s.noun()),
        }
    }
}

impl Setting {
    /// What the setting is called in a sentence ("the client id").
    pub const fn noun(self) -> &'static str {
        match self {
            Setting::Url => "the broker URL",
            Setting::Credentials => "user name and password",
            Setting::ClientId => "the client id",
            Setting::KeepAlive => "the keep alive",
            Setting::Will => "the will",
            Setting::Authentication => "the authentication method",
            Setting::ReceiveLimit => "the receive limit",
        }
    }
}

/// Why a connection failed, in words the user can act on. Plain text (no markup),
/// second person, naming the host, port and path that were tried.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnosis {
    /// How bad it is.
    pub severity: Severity,
    /// One line: what is wrong.
    pub title: String,
    /// A few sentences: why it happens and what to do.
    pub detail: String,
    /// Buttons to offer, most useful first (may be empty).
    pub actions: Vec<Action>,
}

impl Diagnosis {
    /// A diagnosis without actions.
    pub fn new(severity: Severity, title: impl Into<String>, detail: impl Into<String>) -> Self {
        Diagnosis {
            severity,
            title: title.into(),
            detail: detail.into(),
            actions: Vec::new(),
        }
    }

    /// Adds an action at the end.
    pub fn with(mut self, action: Action) -> Self {
        self.actions.push(action);
        self
    }

    /// Adds actions at the end.
    pub fn with_all(mut self, actions: impl IntoIterator<Item = Action>) -> Self {
        self.actions.extend(actions);
        self
    }
}

/// The other protocol versions, the likeliest to work first: 3.1.1 and 3.1 after 5.0;
/// 5.0 and 3.1 after 3.1.1; 3.1.1 and 5.0 after 3.1.
pub fn other_versions(v: ProtocolVersion) -> [ProtocolVersion; 2] {
    use ProtocolVersion as V;
    match v {
        V::V5 => [V::V3_1_1, V::V3_1],
        V::V3_1_1 => [V::V5, V::V3_1],
        V::V3_1 => [V::V3_1_1, V::V5],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_name_what_they_do() {
        let url = BrokerUrl::new(true, "Broker.example", 8884, "mqtt");
        let open = Action::trust_certificate(&url);
        assert_eq!(
            open.label(),
            "Open https://broker.example:8884/ to trust its certificate"
        );
        assert_eq!(
            Action::use_url(&url).label(),
            "Use wss://broker.example:8884/mqtt"
        );
        assert_eq!(
            Action::SwitchVersion(ProtocolVersion::V3_1_1).label(),
            "Try MQTT 3.1.1"
        );
        assert_eq!(
            Action::Edit(Setting::ClientId).label(),
            "Edit the client id"
        );
        assert_eq!(Action::Retry.label(), "Retry");
    }

    #[test]
    fn other_versions_never_repeat_the_one_tried() {
        use ProtocolVersion as V;
        for v in [V::V3_1, V::V3_1_1, V::V5] {
            let others = other_versions(v);
            assert!(!others.contains(&v));
            assert_ne!(others[0], others[1]);
        }
    }
}
