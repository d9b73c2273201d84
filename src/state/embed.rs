//! The page embedded by `<mqtt-scope>` (the npm package's `mqttscope/elements`): its
//! connections come in the frame's address, `#embed=` and the saved-connections JSON
//! ([`crate::state::persist`]) URL-encoded, and are connected at once. They are not saved,
//! and the saved ones are not shown: the embedding page owns the connections, and the
//! app's own storage on that origin stays as it was.

use crate::state::persist::{self, Saved, Stored};

/// What comes before the JSON in the address.
const PREFIX: &str = "#embed=";

/// The connections an embedding page gave in `hash` (`location.hash`), if it gave any that
/// can be read.
pub fn preset(hash: &str) -> Option<Vec<Saved>> {
    let text = percent_decode(hash.strip_prefix(PREFIX)?)?;
    let (Stored::Read(saved) | Stored::Damaged(saved)) = persist::read(&text);
    (!saved.is_empty()).then_some(saved)
}

/// `s` with its `%XX` escapes decoded; `None` for a broken escape or bytes that are not
/// UTF-8.
fn percent_decode(s: &str) -> Option<String> {
    let mut out = Vec::with_capacity(s.len());
    let mut bytes = s.bytes();
    while let Some(b) = bytes.next() {
        if b != b'%' {
            out.push(b);
            continue;
        }
        let hex = [bytes.next()?, bytes.next()?];
        out.push(u8::from_str_radix(std::str::from_utf8(&hex).ok()?, 16).ok()?);
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_gives_its_connections() {
        let json = r#"[{"id":"embed","name":"Plant","url":"ws://127.0.0.1:9001","version":4,"subscriptions":[{"filter":"home/#","qos":1}]}]"#;
        let hash = format!("#embed={}", json.replace('#', "%23").replace(' ', "%20"));
        let saved = preset(&hash).unwrap();
        assert_eq!(saved.len(), 1);
        assert_eq!(saved[0].settings.url, "ws://127.0.0.1:9001");
        assert_eq!(saved[0].settings.name, "Plant");
        assert_eq!(saved[0].subscriptions[0].filter, "home/#");
    }

    #[test]
    fn anything_else_gives_nothing() {
        assert_eq!(preset("#client"), None);
        assert_eq!(preset("#embed="), None);
        assert_eq!(preset("#embed=%5B%5D"), None, "no connection");
        assert_eq!(preset("#embed=%5"), None, "a broken escape");
        assert_eq!(preset("#embed=%ff"), None, "not UTF-8");
        assert_eq!(preset("#embed=[{\"name\":\"no url\"}]"), None);
    }

    #[test]
    fn escapes_decode_to_utf8() {
        assert_eq!(percent_decode("a%2Fb%20%C3%A9").as_deref(), Some("a/b é"));
    }
}
