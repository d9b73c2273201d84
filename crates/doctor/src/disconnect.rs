//! A DISCONNECT from the broker (MQTT 5): every reason code a server may send, each
//! with what to do.

use mqttscope_proto::codec::PacketType;
use mqttscope_proto::{ProtocolVersion, ReasonCode};

use super::reasons::{build, fix, wait, Advice, Said};
use super::report::{Action, Diagnosis, Setting, Severity};
use super::url::BrokerUrl;

/// The title for a code that has no advice of its own.
pub const GENERIC_TITLE: &str = "The broker closed the connection";

/// Why the broker at `url` sent DISCONNECT with reason `code`.
pub fn server_disconnect(url: &BrokerUrl, code: u8, said: Said<'_>) -> Diagnosis {
    let reason = ReasonCode::from_u8(code);
    let at = url.host_port();
    let context = match reason {
        Some(r) => format!(
            "The broker at {at} sent DISCONNECT 0x{code:02X} {}.",
            r.name_in(PacketType::Disconnect)
        ),
        None => format!("The broker at {at} sent DISCONNECT with unknown code 0x{code:02X}."),
    };
    let advice = reason
        .and_then(advice)
        .unwrap_or_else(|| wait(GENERIC_TITLE, "The packet log may show why.", Vec::new()));
    build(url, advice, &context, said)
}

/// The advice for a code a server may send in DISCONNECT; `None` for the others.
pub fn advice(code: ReasonCode) -> Option<Advice> {
    use ReasonCode as R;
    let retry = || vec![Action::Retry];
    Some(match code {
        R::Success => Advice {
            severity: Severity::Info,
            title: "The broker ended the connection normally".into(),
            todo: "Connect again when you want to.",
            actions: retry(),
        },
        R::UnspecifiedError => wait(
            "The broker disconnected you without saying why",
            "Its log may say more.",
            Vec::new(),
        ),
        R::MalformedPacket => fix(
            "The broker could not read a packet you sent",
            "If you sent raw bytes from the hex pad, check them; otherwise the broker may \
             half support MQTT 5: try MQTT 3.1.1.",
            vec![
                Action::SwitchVersion(ProtocolVersion::V3_1_1),
                Action::Retry,
            ],
        ),
        R::ProtocolError => fix(
            "The broker says you broke a protocol rule",
            "It did not expect a packet or property you sent (for example a topic alias or \
             an AUTH); the packet log shows the last packets.",
            retry(),
        ),
        R::ImplementationSpecificError => fix(
            "The broker refused something you sent",
            "It was valid, but this broker does not accept it; its reason string or log \
             says what.",
            retry(),
        ),
        R::NotAuthorized => fix(
            "You are not authorized to do that",
            "A publish or subscribe was not allowed for you. Check the broker's access rules \
             for your user and topics.",
            vec![Action::Edit(Setting::Credentials), Action::Retry],
        ),
        R::ServerBusy => wait("The broker is busy", "Retry later.", Vec::new()),
        R::ServerShuttingDown => wait(
            "The broker is shutting down",
            "Retry when it is back.",
            Vec::new(),
        ),
        R::KeepAliveTimeout => wait(
            "The broker heard nothing from you for too long",
            "It expects a packet within 1.5 times the keep alive. Browsers slow down timers \
             in background tabs, so pings can be late: keep this tab visible, or use a \
             longer keep alive.",
            vec![Action::Edit(Setting::KeepAlive)],
        ),
        R::SessionTakenOver => wait(
            "Another client took over your session",
            "A client connected with the same client id, so the broker dropped this \
             connection. Another tab may be using it; choose a different client id. \
             mqttscope does not reconnect on its own after this: two clients with one id \
             would take the session from each other forever.",
            vec![Action::Edit(Setting::ClientId)],
        ),
        R::TopicFilterInvalid => fix(
            "The broker rejected a topic filter",
            "A subscription's filter is well formed but not accepted here (not allowed for \
             you, or a form this broker does not support).",
            retry(),
        ),
        R::TopicNameInvalid => fix(
            "The broker rejected a topic name",
            "A publish topic is well formed but not accepted here (not allowed for you, or \
             reserved, like topics starting with $).",
            retry(),
        ),
        R::ReceiveMaximumExceeded => fix(
            "Too many of your messages were unacknowledged at once",
            "You had more QoS 1 or 2 publishes in flight than the broker's Receive \
             Maximum. mqttscope keeps to it, so look for raw packets sent from the hex pad.",
            retry(),
        ),
        R::TopicAliasInvalid => fix(
            "The broker rejected a topic alias",
            "Turn topic aliases off and publish again.",
            retry(),
        ),
        R::PacketTooLarge => fix(
            "You sent a packet larger than the broker accepts",
            "Send a smaller payload or fewer properties.",
            retry(),
        ),
        R::MessageRateTooHigh => wait(
            "You are publishing too fast",
            "Slow down and retry.",
            Vec::new(),
        ),
        R::QuotaExceeded => wait(
            "A quota of the broker is used up",
            "An implementation or administrative limit was reached. Wait, or publish less.",
            Vec::new(),
        ),
        R::AdministrativeAction => wait(
            "An administrator disconnected you",
            "Ask the broker's administrator if it happens again.",
            Vec::new(),
        ),
        R::PayloadFormatInvalid => fix(
            "A payload did not match its format",
            "A publish said its payload is UTF-8 text (Payload Format Indicator 1) but it \
             was not. Fix the payload or clear the indicator.",
            retry(),
        ),
        R::RetainNotSupported => fix(
            "The broker does not support retained messages",
            "Publish without the retain flag.",
            retry(),
        ),
        R::QosNotSupported => fix(
            "The broker does not support that QoS",
            "Publish with a lower QoS; the broker announced its maximum when you connected.",
            retry(),
        ),
        R::UseAnotherServer => wait(
            "The broker sends you to another server for now",
            "Connect to the server it names.",
            Vec::new(),
        ),
        R::ServerMoved => fix(
            "The broker has moved",
            "Connect to the server it names, and update your saved URL.",
            vec![Action::Edit(Setting::Url)],
        ),
        R::SharedSubscriptionsNotSupported => fix(
            "The broker does not support shared subscriptions",
            "Subscribe without $share/.",
            retry(),
        ),
        R::ConnectionRateExceeded => wait(
            "You are connecting too often",
            "Wait a little before connecting again.",
            Vec::new(),
        ),
        R::MaximumConnectTime => wait(
            "Your allowed connection time is over",
            "The broker limits how long a connection may last. Connect again.",
            Vec::new(),
        ),
        R::SubscriptionIdentifiersNotSupported => fix(
            "The broker does not support subscription identifiers",
            "Subscribe without a subscription identifier.",
            retry(),
        ),
        R::WildcardSubscriptionsNotSupported => fix(
            "The broker does not support wildcard subscriptions",
            "Subscribe to exact topics, without + or #.",
            retry(),
        ),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::parse;

    fn url() -> BrokerUrl {
        parse("ws://h:9001/mqtt").expect("valid")
    }

    #[test]
    fn every_server_code_has_its_own_text() {
        let mut titles = Vec::new();
        let server_codes = (0..=255u8)
            .filter_map(ReasonCode::from_u8)
            .filter(|c| c.allowed_in(PacketType::Disconnect))
            .filter(|c| *c != ReasonCode::DisconnectWithWill);
        for code in server_codes {
            let d = server_disconnect(&url(), code as u8, Said::default());
            assert_ne!(d.title, GENERIC_TITLE, "{code}");
            assert!(d.detail.contains("h:9001"), "{code}");
            titles.push(d.title);
        }
        let count = titles.len();
        titles.sort_unstable();
        titles.dedup();
        assert_eq!(titles.len(), count, "titles repeat");
    }

    #[test]
    fn unknown_and_client_only_codes_get_the_generic_text() {
        for code in [0x04, 0x03, 0x86, 0xFF] {
            let d = server_disconnect(&url(), code, Said::default());
            assert_eq!(d.title, GENERIC_TITLE, "{code:#x}");
        }
        let d = server_disconnect(&url(), 0x03, Said::default());
        assert!(d.detail.contains("unknown code 0x03"), "{}", d.detail);
    }

    #[test]
    fn a_takeover_names_the_client_id_and_the_reason() {
        let said = Said {
            reason: Some("duplicate id"),
            reference: None,
        };
        let d = server_disconnect(&url(), 0x8E, said);
        assert!(d
            .detail
            .starts_with("The broker at h:9001 sent DISCONNECT 0x8E Session"));
        assert!(
            d.detail.ends_with("The broker says: \"duplicate id\"."),
            "{}",
            d.detail
        );
        assert_eq!(d.actions, [Action::Edit(Setting::ClientId), Action::Retry]);
        let d = server_disconnect(&url(), 0x00, Said::default());
        assert!(
            d.detail.contains("0x00 Normal disconnection"),
            "{}",
            d.detail
        );
        assert_eq!(d.severity, Severity::Info);
    }
}
