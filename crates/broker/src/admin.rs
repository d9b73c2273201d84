//! Commands an operator (a UI's fault injection, a test) gives the broker beside the
//! protocol: refuse the next CONNECT or subscription with a chosen reason code, put a
//! retained message back (an undo of [`Broker::clear_retained`]).

use std::sync::Arc;

use mqttscope_proto::codec::PacketType;
use mqttscope_proto::ReasonCode;

use crate::info::RetainedInfo;
use crate::message::Message;
use crate::{Broker, BrokerError};

/// One-shot refusals armed by the operator.
#[derive(Debug, Default)]
pub(crate) struct Admin {
    /// The reason the next CONNECT is refused with.
    pub(crate) next_connect: Option<ReasonCode>,
    /// The reason the next subscription (one filter) is refused with.
    pub(crate) next_subscription: Option<ReasonCode>,
}

impl Broker {
    /// Refuses the next CONNECT, from any client, with `reason` (a CONNACK failure
    /// code; MQTT 3 clients get its 3.1.1 return code, or 3 Server unavailable when it
    /// has none). `None` disarms it.
    pub fn refuse_next_connect(&mut self, reason: Option<ReasonCode>) -> Result<(), BrokerError> {
        if let Some(r) = reason {
            if !r.is_error() || !r.allowed_in(PacketType::ConnAck) {
                return Err(BrokerError::ReasonNotAllowed(r));
            }
        }
        self.admin.next_connect = reason;
        Ok(())
    }

    /// The refusal [`Broker::refuse_next_connect`] armed, if it has not fired yet.
    pub fn next_connect_refusal(&self) -> Option<ReasonCode> {
        self.admin.next_connect
    }

    /// Refuses the next subscription (the next filter of any SUBSCRIBE) with `reason`
    /// (a SUBACK failure code; MQTT 3 clients get 0x80). `None` disarms it.
    pub fn refuse_next_subscription(
        &mut self,
        reason: Option<ReasonCode>,
    ) -> Result<(), BrokerError> {
        if let Some(r) = reason {
            if !r.is_error() || !r.allowed_in(PacketType::SubAck) {
                return Err(BrokerError::ReasonNotAllowed(r));
            }
        }
        self.admin.next_subscription = reason;
        Ok(())
    }

    /// The refusal [`Broker::refuse_next_subscription`] armed, if it has not fired yet.
    pub fn next_subscription_refusal(&self) -> Option<ReasonCode> {
        self.admin.next_subscription
    }

    /// Stores `message` as its topic's retained message (replacing any), as if it had
    /// been published with RETAIN 1 but without routing it: how a UI undoes
    /// [`Broker::clear_retained`]. An empty payload clears the topic. Refused when the
    /// store is full and the topic new.
    pub fn restore_retained(&mut self, message: RetainedInfo) -> Result<(), BrokerError> {
        let msg = Arc::new(Message {
            topic: message.topic,
            payload: message.payload,
            qos: message.qos,
            retain: true,
            props: message.properties,
            expires_at: None,
            publisher: None,
        });
        match self.retained.store(&msg, self.opts.max_retained_messages) {
            crate::retained::Stored::Full => Err(BrokerError::RetainedStoreFull),
            _ => Ok(()),
        }
    }
}
