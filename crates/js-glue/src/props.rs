//! MQTT 5 property sets as plain objects: `{ contentType: "text/plain", userProperties:
//! [["unit", "%"]] }`, keyed by the codec's field names in camelCase.
//!
//! Each set is listed once, by its fields in the codec (`one` may appear once, `many`
//! repeats, in order), and is read and written whole: what a side may not send (a
//! Subscription Identifier in a client's PUBLISH, [MQTT-3.3.4-6]) is refused by the one
//! that sends, with its rule, not by leaving the key out. A key the set does not have is
//! a fault, so a property is never dropped silently.

use mqttscope_proto::codec::{
    AckProperties, AuthProperties, ConnAckProperties, ConnectProperties, DisconnectProperties,
    Props, PublishProperties, SubAckProperties, SubscribeProperties, UnsubAckProperties,
    UnsubscribeProperties, WillProperties,
};
use wasm_bindgen::JsValue;

use crate::fault::Fault;
use crate::read::{FromJs, Reader};
use crate::text::{camel, camel_text};
use crate::write::{ToJs, Writer};

macro_rules! property_sets {
    ($($Set:ident { one: $($one:ident)*; many: $($many:ident)*; })*) => {$(
        impl ToJs for $Set<'_> {
            /// An object with a key per property that is present.
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

        impl FromJs for $Set<'static> {
            /// Unknown keys are faults.
            fn from_js(v: &JsValue, field: &str) -> Result<Self, Fault> {
                let mut r = Reader::new(v, field)?;
                let set = $Set {
                    $( $one: r.opt(&camel(stringify!($one)))?, )*
                    $( $many: r.opt(&camel(stringify!($many)))?.unwrap_or_default(), )*
                };
                r.finish()?;
                Ok(set)
            }
        }

        impl FromJs for Props<'static, $Set<'static>> {
            fn from_js(v: &JsValue, field: &str) -> Result<Self, Fault> {
                $Set::from_js(v, field).map(Props::from)
            }
        }
    )*};
}

property_sets! {
    ConnectProperties {
        one: session_expiry_interval receive_maximum maximum_packet_size topic_alias_maximum
            request_response_information request_problem_information authentication_method
            authentication_data;
        many: user_properties;
    }
    WillProperties {
        one: will_delay_interval payload_format_indicator message_expiry_interval content_type
            response_topic correlation_data;
        many: user_properties;
    }
    ConnAckProperties {
        one: session_expiry_interval receive_maximum maximum_qos retain_available
            maximum_packet_size assigned_client_identifier topic_alias_maximum reason_string
            wildcard_subscription_available subscription_identifiers_available
            shared_subscription_available server_keep_alive response_information
            server_reference authentication_method authentication_data;
        many: user_properties;
    }
    PublishProperties {
        one: payload_format_indicator message_expiry_interval topic_alias response_topic
            correlation_data content_type;
        many: user_properties subscription_identifiers;
    }
    AckProperties { one: reason_string; many: user_properties; }
    SubscribeProperties { one: subscription_identifier; many: user_properties; }
    SubAckProperties { one: reason_string; many: user_properties; }
    UnsubscribeProperties { one: ; many: user_properties; }
    UnsubAckProperties { one: reason_string; many: user_properties; }
    DisconnectProperties { one: session_expiry_interval reason_string server_reference; many: user_properties; }
    AuthProperties {
        one: authentication_method authentication_data reason_string;
        many: user_properties;
    }
}
