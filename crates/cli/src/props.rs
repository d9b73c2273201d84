//! `-D <command> <name> <value>`: MQTT 5 properties from the command line.

use std::num::{NonZeroU16, NonZeroU32};

use mqttscope_proto::codec::{
    ConnectProperties, PublishProperties, SubscribeProperties, UserProperty,
};

/// One `-D` argument.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PropertyArg {
    /// `connect`, `publish` or `subscribe`.
    pub command: String,
    /// The property name, mosquitto style (`message-expiry-interval`).
    pub name: String,
    /// One value, or two for `user-property`.
    pub values: Vec<String>,
}

/// Splits the flat `-D` values into properties.
pub fn parse_all(raw: &[String]) -> Result<Vec<PropertyArg>, String> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < raw.len() {
        let n = if raw.get(i + 1).map(String::as_str) == Some("user-property") {
            4
        } else {
            3
        };
        let part = raw
            .get(i..i + n)
            .ok_or("-D needs a command, a name and a value")?;
        out.push(PropertyArg {
            command: part[0].clone(),
            name: part[1].clone(),
            values: part[2..].to_vec(),
        });
        i += n;
    }
    Ok(out)
}

fn num<T: std::str::FromStr>(p: &PropertyArg) -> Result<T, String> {
    p.values[0]
        .parse()
        .map_err(|_| format!("{}: {:?} is not a valid number", p.name, p.values[0]))
}

fn nz16(p: &PropertyArg) -> Result<NonZeroU16, String> {
    NonZeroU16::new(num(p)?).ok_or_else(|| format!("{} must not be 0", p.name))
}

fn nz32(p: &PropertyArg) -> Result<NonZeroU32, String> {
    NonZeroU32::new(num(p)?).ok_or_else(|| format!("{} must not be 0", p.name))
}

fn flag(p: &PropertyArg) -> Result<bool, String> {
    match p.values[0].as_str() {
        "0" => Ok(false),
        "1" => Ok(true),
        v => Err(format!("{}: {v:?} must be 0 or 1", p.name)),
    }
}

fn user(p: &PropertyArg) -> UserProperty<'static> {
    UserProperty::new(
        p.values[0].clone(),
        p.values.get(1).cloned().unwrap_or_default(),
    )
}

fn unknown(p: &PropertyArg) -> String {
    format!("unknown {} property {:?}", p.command, p.name)
}

impl PropertyArg {
    /// Applies a `connect` property.
    pub fn apply_connect(&self, c: &mut ConnectProperties<'static>) -> Result<(), String> {
        if self.command != "connect" {
            return Ok(());
        }
        match self.name.as_str() {
            "session-expiry-interval" => c.session_expiry_interval = Some(num(self)?),
            "receive-maximum" => c.receive_maximum = Some(nz16(self)?),
            "maximum-packet-size" => c.maximum_packet_size = Some(nz32(self)?),
            "topic-alias-maximum" => c.topic_alias_maximum = Some(num(self)?),
            "request-problem-information" => c.request_problem_information = Some(flag(self)?),
            "request-response-information" => c.request_response_information = Some(flag(self)?),
            "authentication-method" => {
                c.authentication_method = Some(self.values[0].clone().into())
            }
            "user-property" => c.user_properties.push(user(self)),
            _ => return Err(unknown(self)),
        }
        Ok(())
    }

    /// Applies a `publish` property.
    pub fn apply_publish(&self, p: &mut PublishProperties<'static>) -> Result<(), String> {
        if self.command != "publish" {
            return Ok(());
        }
        match self.name.as_str() {
            "payload-format-indicator" => p.payload_format_indicator = Some(flag(self)?),
            "message-expiry-interval" => p.message_expiry_interval = Some(num(self)?),
            "content-type" => p.content_type = Some(self.values[0].clone().into()),
            "response-topic" => p.response_topic = Some(self.values[0].clone().into()),
            "correlation-data" => {
                p.correlation_data = Some(self.values[0].clone().into_bytes().into())
            }
            "topic-alias" => p.topic_alias = Some(nz16(self)?),
            "user-property" => p.user_properties.push(user(self)),
            _ => return Err(unknown(self)),
        }
        Ok(())
    }

    /// Applies a `subscribe` property.
    pub fn apply_subscribe(&self, s: &mut SubscribeProperties<'static>) -> Result<(), String> {
        if self.command != "subscribe" {
            return Ok(());
        }
        match self.name.as_str() {
            "subscription-identifier" => s.subscription_identifier = Some(nz32(self)?),
            "user-property" => s.user_properties.push(user(self)),
            _ => return Err(unknown(self)),
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(s: &str) -> Vec<String> {
        s.split(' ').map(String::from).collect()
    }

    #[test]
    fn user_property_takes_two_values() {
        let parsed = parse_all(&args(
            "publish user-property k v connect session-expiry-interval 60",
        ))
        .unwrap();
        assert_eq!(parsed.len(), 2);
        assert_eq!(parsed[0].values, ["k", "v"]);
        let mut c = ConnectProperties::default();
        parsed[1].apply_connect(&mut c).unwrap();
        assert_eq!(c.session_expiry_interval, Some(60));
    }

    #[test]
    fn bad_values_are_named() {
        let p = &parse_all(&args("connect receive-maximum 0")).unwrap()[0];
        assert_eq!(
            p.apply_connect(&mut ConnectProperties::default()),
            Err("receive-maximum must not be 0".into())
        );
        let p = &parse_all(&args("publish colour red")).unwrap()[0];
        assert!(p
            .apply_publish(&mut PublishProperties::default())
            .unwrap_err()
            .contains("unknown publish property"));
    }
}
