//! What the publish form holds, how it becomes a [`Message`], and the history of what
//! was sent.

use mqttscope_proto::client::{Message, PublishStage};
use mqttscope_proto::codec::{Publish, QoS};

use crate::model::payload::{self, PayloadFormat};
use crate::state::settings::{non_empty, user_properties};

/// How many sent drafts the history keeps.
pub const HISTORY: usize = 50;

/// The publish form's content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublishDraft {
    /// Topic name.
    pub topic: String,
    /// Payload, written in `format`.
    pub payload: String,
    /// How the payload is written.
    pub format: PayloadFormat,
    /// QoS.
    pub qos: QoS,
    /// Retain flag.
    pub retain: bool,
    /// MQTT 5: Payload Format Indicator (UTF-8 text).
    pub utf8: bool,
    /// MQTT 5: Message Expiry Interval in seconds (0: none).
    pub expiry: u32,
    /// MQTT 5: Content Type.
    pub content_type: String,
    /// MQTT 5: Response Topic.
    pub response_topic: String,
    /// MQTT 5: Correlation Data (as text).
    pub correlation: String,
    /// MQTT 5: user properties.
    pub user_properties: Vec<(String, String)>,
}

impl Default for PublishDraft {
    fn default() -> Self {
        PublishDraft {
            topic: "mqttscope/test".to_owned(),
            payload: String::new(),
            format: PayloadFormat::Text,
            qos: QoS::AtMostOnce,
            retain: false,
            utf8: false,
            expiry: 0,
            content_type: String::new(),
            response_topic: String::new(),
            correlation: String::new(),
            user_properties: Vec::new(),
        }
    }
}

impl PublishDraft {
    /// The message to publish; `v5` adds the MQTT 5 properties. The error says what to fix.
    pub fn to_message(&self, v5: bool) -> Result<Message, String> {
        if self.topic.is_empty() {
            return Err("the topic is empty [MQTT-4.7.3-1]".to_owned());
        }
        let bytes = payload::encode(&self.payload, self.format).map_err(|e| e.to_string())?;
        let mut msg = Message::new(self.topic.clone(), bytes).with_qos(self.qos);
        msg.retain = self.retain;
        if v5 {
            let p = &mut msg.properties;
            p.payload_format_indicator = self.utf8.then_some(true);
            p.message_expiry_interval = (self.expiry != 0).then_some(self.expiry);
            p.content_type = non_empty(&self.content_type).map(Into::into);
            p.response_topic = non_empty(&self.response_topic).map(Into::into);
            p.correlation_data = non_empty(&self.correlation).map(|c| c.into_bytes().into());
            p.user_properties = user_properties(&self.user_properties);
        }
        Ok(msg)
    }
}

/// Adds `draft` to the front of `history` (moving an identical entry up), keeping at most
/// [`HISTORY`] entries.
pub fn remember(history: &mut Vec<PublishDraft>, draft: PublishDraft) {
    history.retain(|d| d != &draft);
    history.insert(0, draft);
    history.truncate(HISTORY);
}

/// A QoS 1/2 message that was in flight when the broker said it had no session: the
/// client did not send it again on its own (the broker may have it), so the user decides.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LostPublish {
    /// Unique in the connection, for the list's keys.
    pub id: u64,
    /// The message, ready to publish again.
    pub message: Message,
    /// How far it got.
    pub stage: PublishStage,
}

impl LostPublish {
    /// The message of a lost `publish` (full topic; a Topic Alias is not kept).
    pub fn new(id: u64, publish: Publish<'static>, stage: PublishStage) -> Self {
        let mut properties = publish.properties.into_inner();
        properties.topic_alias = None;
        let message = Message {
            topic: publish.topic.into_owned(),
            payload: publish.payload.into_owned(),
            qos: publish.qos_pid.qos(),
            retain: publish.retain,
            properties,
        };
        LostPublish { id, message, stage }
    }

    /// What happened to it, in words: "QoS 2 · the broker had it (PUBREC), PUBCOMP never
    /// came".
    pub fn describe(&self) -> String {
        let what = match self.stage {
            PublishStage::Sent => "sent, never acknowledged: the broker may not have it",
            PublishStage::Received => {
                "the broker had it (PUBREC) and may have delivered it; PUBCOMP never came"
            }
        };
        format!("QoS {} · {what}", self.message.qos as u8)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lost_publish_keeps_its_message_and_says_how_far_it_got() {
        let mut p = Publish::new("a/b", b"xy".to_vec());
        p.qos_pid = mqttscope_proto::codec::QosPid::ExactlyOnce(std::num::NonZeroU16::MIN);
        p.retain = true;
        p.properties.to_mut().topic_alias = std::num::NonZeroU16::new(3);
        p.properties.to_mut().content_type = Some("text/plain".into());
        let lost = LostPublish::new(1, p, PublishStage::Received);
        assert_eq!(lost.message.topic, "a/b");
        assert_eq!(lost.message.payload, b"xy");
        assert_eq!(
            (lost.message.qos, lost.message.retain),
            (QoS::ExactlyOnce, true)
        );
        assert_eq!(lost.message.properties.topic_alias, None);
        assert_eq!(
            lost.message.properties.content_type.as_deref(),
            Some("text/plain")
        );
        assert!(lost
            .describe()
            .starts_with("QoS 2 · the broker had it (PUBREC)"));
    }

    #[test]
    fn builds_a_message_with_v5_properties_only_in_v5() {
        let draft = PublishDraft {
            payload: "00 ff".to_owned(),
            format: PayloadFormat::Hex,
            qos: QoS::ExactlyOnce,
            retain: true,
            content_type: "application/octet-stream".to_owned(),
            user_properties: vec![("a".to_owned(), "1".to_owned())],
            ..Default::default()
        };
        let m = draft.to_message(true).unwrap();
        assert_eq!(m.payload, [0x00, 0xff]);
        assert_eq!((m.qos, m.retain), (QoS::ExactlyOnce, true));
        assert_eq!(
            m.properties.content_type.as_deref(),
            Some("application/octet-stream")
        );
        assert_eq!(m.properties.user_properties.len(), 1);
        let m3 = draft.to_message(false).unwrap();
        assert_eq!(m3.properties.content_type, None);
    }

    #[test]
    fn bad_payloads_and_empty_topics_are_refused_with_a_reason() {
        let bad_hex = PublishDraft {
            payload: "0g".to_owned(),
            format: PayloadFormat::Hex,
            ..Default::default()
        };
        assert!(bad_hex.to_message(true).is_err());
        let bad_json = PublishDraft {
            payload: "{\"a\":}".to_owned(),
            format: PayloadFormat::Json,
            ..Default::default()
        };
        let e = bad_json.to_message(true).unwrap_err();
        assert!(e.contains("column"), "{e}");
        let empty = PublishDraft {
            topic: String::new(),
            ..Default::default()
        };
        assert!(empty.to_message(true).unwrap_err().contains("MQTT-4.7.3-1"));
    }

    #[test]
    fn history_keeps_the_newest_first_without_duplicates() {
        let mut h = Vec::new();
        let a = PublishDraft::default();
        let b = PublishDraft {
            topic: "b".to_owned(),
            ..Default::default()
        };
        remember(&mut h, a.clone());
        remember(&mut h, b.clone());
        remember(&mut h, a.clone());
        assert_eq!(h, vec![a, b]);
        for k in 0..100 {
            remember(
                &mut h,
                PublishDraft {
                    topic: k.to_string(),
                    ..Default::default()
                },
            );
        }
        assert_eq!(h.len(), HISTORY);
        assert_eq!(h[0].topic, "99");
    }
}
