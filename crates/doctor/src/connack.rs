//! CONNACK refusals: every MQTT 5 CONNACK reason code and MQTT 3 return codes 1 to 5,
//! each with what to do.

use mqttscope_proto::{ProtocolVersion, ReasonCode};

use super::reasons::{build, fix, wait, Advice, Said};
use super::report::{other_versions, Action, Diagnosis, Setting, Severity};
use super::url::BrokerUrl;

/// The title for a code that has no advice of its own.
pub const GENERIC_TITLE: &str = "The broker refused the connection";

/// Why the broker at `url` refused the connection with CONNACK `code` (an MQTT 3 return
/// code when `version` is 3.x, an MQTT 5 reason code otherwise).
pub fn connack(url: &BrokerUrl, code: u8, version: ProtocolVersion, said: Said<'_>) -> Diagnosis {
    let reason = if version.is_v5() {
        ReasonCode::from_u8(code)
    } else {
        ReasonCode::from_v3_connack(code)
    };
    let context = context(url, code, version, reason);
    if reason == Some(ReasonCode::Success) {
        let title = "The broker accepted the connection";
        return Diagnosis::new(Severity::Info, title, context);
    }
    let advice = reason
        .and_then(|r| advice(r, version))
        .unwrap_or_else(generic);
    build(url, advice, &context, said)
}

/// "The broker at host:port answered CONNACK 0x86 (Bad User Name or Password)."
fn context(url: &BrokerUrl, code: u8, v: ProtocolVersion, reason: Option<ReasonCode>) -> String {
    let at = url.host_port();
    match reason {
        Some(r) if v.is_v5() => format!("The broker at {at} answered CONNACK {r}."),
        Some(r) => format!(
            "The broker at {at} answered CONNACK return code {code} ({}).",
            r.v3_connack_name()
        ),
        None => format!(
            "The broker at {at} answered CONNACK with code 0x{code:02X}, which MQTT {v} does \
             not define for CONNACK."
        ),
    }
}

fn generic() -> Advice {
    fix(GENERIC_TITLE, "Its log may say why.", vec![Action::Retry])
}

/// The advice for a code CONNACK may carry; `None` for the others.
pub fn advice(code: ReasonCode, version: ProtocolVersion) -> Option<Advice> {
    use ReasonCode as R;
    let edit = |s| vec![Action::Edit(s)];
    let switch = || other_versions(version).map(Action::SwitchVersion).to_vec();
    let v311 = || vec![Action::SwitchVersion(ProtocolVersion::V3_1_1)];
    Some(match code {
        R::UnspecifiedError => wait(
            "The broker refused the connection without saying why",
            "Brokers send this when no other code fits, for example when a plugin rejected \
             you; the broker's log says more.",
            Vec::new(),
        ),
        R::MalformedPacket => fix(
            "The broker could not read your CONNECT",
            "It found the packet malformed. That usually means it half supports MQTT 5: \
             try MQTT 3.1.1.",
            v311(),
        ),
        R::ProtocolError => fix(
            "The broker says your CONNECT broke a protocol rule",
            "Some brokers reject MQTT 5 properties they do not support. Remove optional \
             properties (will delay, authentication, user properties) or try MQTT 3.1.1.",
            v311(),
        ),
        R::ImplementationSpecificError => fix(
            "The broker refused the connection for a reason of its own",
            "Your CONNECT was valid, but this broker does not accept it; its reason string \
             or log says why.",
            vec![Action::Retry],
        ),
        R::UnsupportedProtocolVersion => fix(
            format!("The broker does not speak MQTT {version}"),
            "Connect with another version: nearly every broker speaks 3.1.1, newer ones \
             also 5.0.",
            switch(),
        ),
        R::ClientIdentifierNotValid => fix(
            "The broker rejected your client id",
            "Use 1 to 23 letters and digits, which every broker accepts, or leave it empty \
             with clean start so that the broker assigns one (MQTT 3.1.1 needs clean start \
             for that). The id may also be reserved or in use on this broker.",
            edit(Setting::ClientId),
        ),
        R::BadUserNameOrPassword => fix(
            "The broker rejected your user name or password",
            "Check both; they are case sensitive. Some brokers want a token as the password, \
             or a password only together with a user name.",
            edit(Setting::Credentials),
        ),
        R::NotAuthorized => fix(
            "You are not authorized to connect",
            "Check your user name and password. If you sent none, the broker may not allow \
             anonymous clients; its access rules may also restrict this client id.",
            edit(Setting::Credentials),
        ),
        R::ServerUnavailable => wait(
            "The MQTT service is unavailable",
            "The broker is up but not taking MQTT connections now: starting, overloaded, or \
             missing a backend it needs. Retry in a moment.",
            Vec::new(),
        ),
        R::ServerBusy => wait("The broker is busy", "Retry later.", Vec::new()),
        R::Banned => fix(
            "This client is banned",
            "An administrator banned this client (its id, user or address). Retrying will \
             not help; ask the broker's administrator.",
            Vec::new(),
        ),
        R::BadAuthenticationMethod => fix(
            "The broker does not support your authentication method",
            "Your CONNECT names an enhanced authentication method this broker does not \
             support or does not expect for you. Remove it, or use the one the broker wants.",
            edit(Setting::Authentication),
        ),
        R::TopicNameInvalid => fix(
            "The broker rejected your will topic",
            "The will topic is well formed but not accepted here (not allowed for you, or \
             reserved, like topics starting with $). Change it or remove the will.",
            edit(Setting::Will),
        ),
        R::PacketTooLarge => fix(
            "Your CONNECT is larger than the broker accepts",
            "The will payload or the properties make it too big. Shorten the will payload \
             or remove properties.",
            edit(Setting::Will),
        ),
        R::QuotaExceeded => wait(
            "A quota of the broker is used up",
            "An implementation or administrative limit was reached, such as the number of \
             connections for your account. Close other connections or wait.",
            Vec::new(),
        ),
        R::PayloadFormatInvalid => fix(
            "The broker rejected your will payload's format",
            "The will says its payload is UTF-8 text (Payload Format Indicator 1) but it is \
             not. Fix the payload or clear the indicator.",
            edit(Setting::Will),
        ),
        R::RetainNotSupported => fix(
            "The broker does not support retained messages",
            "Your will is marked retained. Clear the will's retain flag.",
            edit(Setting::Will),
        ),
        R::QosNotSupported => fix(
            "The broker does not support your will's QoS",
            "Lower the will's QoS; this broker's maximum is 0 or 1.",
            edit(Setting::Will),
        ),
        R::UseAnotherServer => wait(
            "The broker sends you to another server for now",
            "Connect to the server it names.",
            Vec::new(),
        ),
        R::ServerMoved => fix(
            "The broker has moved",
            "Connect to the server it names, and update your saved URL.",
            edit(Setting::Url),
        ),
        R::ConnectionRateExceeded => wait(
            "You are connecting too often",
            "The broker limits how fast a client may connect. Wait a little, and check that \
             no other tab or client reconnects in a loop with the same settings.",
            Vec::new(),
        ),
        _ => return None,
    })
}

#[cfg(test)]
#[path = "connack_tests.rs"]
mod tests;
