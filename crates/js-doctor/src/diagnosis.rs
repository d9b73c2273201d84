//! The doctor's [`Diagnosis`] as a plain object: `{ severity, title, text, actions,
//! settings }`.

use mqttscope_doctor::{Action, Diagnosis, Setting, Severity};
use mqttscope_js_glue::Writer;
use wasm_bindgen::JsValue;

/// The diagnosis as `{ severity, title, text, actions, settings }`.
pub fn to_js(d: &Diagnosis) -> JsValue {
    let actions: Vec<JsValue> = d.actions.iter().map(action).collect();
    let w = Writer::new();
    w.set("severity", severity(d.severity))
        .set("title", &*d.title)
        .set("text", &*d.detail)
        .set("actions", actions)
        .set("settings", settings(&d.actions));
    w.done()
}

fn severity(s: Severity) -> &'static str {
    match s {
        Severity::Info => "info",
        Severity::Warning => "warning",
        Severity::Error => "error",
    }
}

/// `{ kind, label }` and the action's own key: `url` (`useUrl`, `openPage`), `version`
/// (`switchVersion`, a protocol level) or `setting` (`edit`).
fn action(a: &Action) -> JsValue {
    let kind = match a {
        Action::Retry => "retry",
        Action::UseUrl { .. } => "useUrl",
        Action::OpenPage { .. } => "openPage",
        Action::SwitchVersion(_) => "switchVersion",
        Action::Edit(_) => "edit",
    };
    let w = Writer::new();
    w.set("kind", kind).set("label", &*a.label());
    match a {
        Action::Retry => {}
        Action::UseUrl { url, .. } | Action::OpenPage { url, .. } => {
            w.set("url", &**url);
        }
        Action::SwitchVersion(v) => {
            w.set("version", f64::from(v.level()));
        }
        Action::Edit(s) => {
            w.set("setting", setting(*s));
        }
    }
    w.done()
}

/// The client's settings the actions ask to change, once each, in order: the `edit`
/// actions' settings, and `version` for a `switchVersion`.
fn settings(actions: &[Action]) -> Vec<&'static str> {
    let mut out = Vec::new();
    for a in actions {
        let name = match a {
            Action::Edit(s) => setting(*s),
            Action::SwitchVersion(_) => "version",
            _ => continue,
        };
        if !out.contains(&name) {
            out.push(name);
        }
    }
    out
}

/// A setting by the client's option name where it has one.
fn setting(s: Setting) -> &'static str {
    match s {
        Setting::Url => "url",
        Setting::Credentials => "credentials",
        Setting::ClientId => "clientId",
        Setting::KeepAlive => "keepAlive",
        Setting::Will => "will",
        Setting::Authentication => "authentication",
        Setting::ReceiveLimit => "receiveLimit",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mqttscope_proto::ProtocolVersion as V;

    #[test]
    fn settings_follow_the_actions_once_each() {
        let actions = [
            Action::Edit(Setting::Credentials),
            Action::Retry,
            Action::SwitchVersion(V::V3_1_1),
            Action::SwitchVersion(V::V3_1),
            Action::Edit(Setting::Credentials),
            Action::Edit(Setting::ReceiveLimit),
        ];
        assert_eq!(
            settings(&actions),
            ["credentials", "version", "receiveLimit"]
        );
        assert!(settings(&[Action::Retry]).is_empty());
    }
}
