//! What CONNACK and DISCONNECT reason codes share: an [`Advice`] per code, made into a
//! [`Diagnosis`] with what the broker said and where it points.

use super::report::{Action, Diagnosis, Severity};
use super::text::{broker_says, quoted, reference_url};
use super::url::BrokerUrl;

/// What a reason code means for the user, before the broker's own words are added.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Advice {
    /// How bad it is.
    pub severity: Severity,
    /// One line: what happened.
    pub title: String,
    /// What to do about it.
    pub todo: &'static str,
    /// Buttons, most useful first.
    pub actions: Vec<Action>,
}

/// An advice that needs a change before the next try.
pub fn fix(title: impl Into<String>, todo: &'static str, actions: Vec<Action>) -> Advice {
    Advice {
        severity: Severity::Error,
        title: title.into(),
        todo,
        actions,
    }
}

/// An advice for something that may pass: the actions end with a retry.
pub fn wait(title: impl Into<String>, todo: &'static str, mut actions: Vec<Action>) -> Advice {
    actions.push(Action::Retry);
    Advice {
        severity: Severity::Warning,
        title: title.into(),
        todo,
        actions,
    }
}

/// The broker's words for a reason code.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Said<'a> {
    /// The Reason String property.
    pub reason: Option<&'a str>,
    /// The Server Reference property.
    pub reference: Option<&'a str>,
}

/// The diagnosis: `context` (which code, from whom) and the advice, then what the broker
/// said; a Server Reference that reads as a URL becomes the first action.
pub fn build(url: &BrokerUrl, advice: Advice, context: &str, said: Said<'_>) -> Diagnosis {
    let mut detail = format!("{context} {}", advice.todo);
    detail.push_str(&broker_says(said.reason));
    let mut actions = advice.actions;
    if let Some(r) = said.reference.map(str::trim).filter(|r| !r.is_empty()) {
        detail.push_str(&format!(" It points you to {}.", quoted(r)));
        if let Some(target) = reference_url(r, url).filter(|t| t != url) {
            actions.insert(0, Action::use_url(&target));
        }
    }
    Diagnosis {
        severity: advice.severity,
        title: advice.title,
        detail,
        actions,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::parse;

    #[test]
    fn a_reference_becomes_the_first_action() {
        let url = parse("wss://a.example:8884/mqtt").expect("valid");
        let advice = wait("Busy", "Wait.", Vec::new());
        let said = Said {
            reason: Some("full"),
            reference: Some(" b.example "),
        };
        let d = build(&url, advice, "CONNACK 0x89.", said);
        assert_eq!(
            d.detail,
            "CONNACK 0x89. Wait. The broker says: \"full\". It points you to \"b.example\"."
        );
        let b = parse("wss://b.example:8884/mqtt").expect("valid");
        assert_eq!(d.actions, [Action::use_url(&b), Action::Retry]);
    }

    #[test]
    fn a_reference_to_the_same_server_or_garbage_adds_no_button() {
        let url = parse("wss://a.example:8884/mqtt").expect("valid");
        for r in ["a.example", "!!!", ""] {
            let said = Said {
                reason: None,
                reference: Some(r),
            };
            let d = build(&url, fix("No", "Fix it.", Vec::new()), "X.", said);
            assert!(d.actions.is_empty(), "{r}: {:?}", d.actions);
        }
    }
}
