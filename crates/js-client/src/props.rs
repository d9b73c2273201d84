//! MQTT 5 property sets as plain objects: `{ contentType: "text/plain", userProperties:
//! [["unit", "%"]] }`, keyed by the codec's field names in camelCase.
//!
//! Only the sets a client sends (CONNECT, will, PUBLISH, SUBSCRIBE) are read, and only
//! those it receives and reports (PUBLISH, CONNACK, DISCONNECT) are written, so the
//! module holds no code for the others. A key the set does not have is a fault, so a
//! property is never dropped silently.

use mqttscope_proto::codec::{
    ConnAckProperties, ConnectProperties, DisconnectProperties, Props, PublishProperties,
    SubscribeProperties, WillProperties,
};
use wasm_bindgen::JsValue;

use crate::js::{camel, camel_text, Fault, FromJs, Reader, ToJs, Writer};

/// Reads a property set from an object, one key per field.
macro_rules! read_sets {
    ($($Set:ident { one: $($one:ident)*; many: $($many:ident)*; })*) => {$(
        impl FromJs for $Set<'static> {
            /// Unknown keys are faults. (What a client may not send, such as a
            /// Subscription Identifier in PUBLISH, is not read: it is an unknown key.)
            #[allow(clippy::needless_update)]
            fn from_js(v: &JsValue, field: &str) -> Result<Self, Fault> {
                let mut r = Reader::new(v, field)?;
                let set = $Set {
                    $( $one: r.opt(&camel(stringify!($one)))?, )*
                    $( $many: r.opt(&camel(stringify!($many)))?.unwrap_or_default(), )*
                    ..Default::default()
                };
                r.finish()?;
                Ok(set)
            }
        }
    )*};
}

/// Writes a property set as an object with a key per property present.
macro_rules! write_sets {
    ($($Set:ident { one: $($one:ident)*; many: $($many:ident)*; })*) => {$(
        impl ToJs for $Set<'_> {
            fn to_js(&self) -> JsValue {
                let w = Writer::new();
                $( if let Some(v) = self.$one.as_ref() { w.set_js(&camel_text(stringify!($one)), v); } )*
                $( if !self.$many.is_empty() { w.set_js(&camel_text(stringify!($many)), &self.$many); } )*
                w.done()
            }
        }

        impl ToJs for Props<'_, $Set<'_>> {
            /// The properties as an object (empty when there are none).
            fn to_js(&self) -> JsValue {
                self.to_typed().to_js()
            }
        }
    )*};
}

read_sets! {
    ConnectProperties {
        one: session_expiry_interval receive_maximum maximum_packet_size topic_alias_maximum
            request_response_information request_problem_information;
        many: user_properties;
    }
    WillProperties {
        one: will_delay_interval payload_format_indicator message_expiry_interval content_type
            response_topic correlation_data;
        many: user_properties;
    }
    PublishProperties {
        one: payload_format_indicator message_expiry_interval topic_alias response_topic
            correlation_data content_type;
        many: user_properties;
    }
    SubscribeProperties { one: subscription_identifier; many: user_properties; }
}

write_sets! {
    ConnAckProperties {
        one: session_expiry_interval receive_maximum maximum_qos retain_available
            maximum_packet_size assigned_client_identifier topic_alias_maximum reason_string
            wildcard_subscription_available subscription_identifiers_available
            shared_subscription_available server_keep_alive response_information
            server_reference;
        many: user_properties;
    }
    PublishProperties {
        one: payload_format_indicator message_expiry_interval topic_alias response_topic
            correlation_data content_type;
        many: user_properties subscription_identifiers;
    }
    DisconnectProperties { one: session_expiry_interval reason_string server_reference; many: user_properties; }
}

impl<T: ToJs> ToJs for Option<T> {
    fn to_js(&self) -> JsValue {
        self.as_ref().map_or(JsValue::UNDEFINED, ToJs::to_js)
    }
}
