//! Names as JavaScript strings, made once, and texts built without `format!`.

use std::cell::RefCell;
use std::thread::LocalKey;

use wasm_bindgen::JsValue;

/// JavaScript strings made from texts of the program, by the text's address: a few dozen
/// property names and event types, so a scan beats a hash map, in time and in size.
type Texts = RefCell<Vec<(*const u8, JsValue)>>;

thread_local! {
    /// [`text`]'s strings.
    static TEXTS: Texts = const { RefCell::new(Vec::new()) };
    /// [`camel_text`]'s strings, by the snake_case name they were made from.
    static CAMEL_TEXTS: Texts = const { RefCell::new(Vec::new()) };
}

/// The string `texts` holds for `s`, made by `make` the first time.
fn made_once(
    texts: &'static LocalKey<Texts>,
    s: &'static str,
    make: impl FnOnce() -> JsValue,
) -> JsValue {
    texts.with(|t| {
        let mut t = t.borrow_mut();
        if let Some((_, v)) = t.iter().find(|(at, _)| *at == s.as_ptr()) {
            return v.clone();
        }
        let v = make();
        t.push((s.as_ptr(), v.clone()));
        v
    })
}

/// `s` as a JavaScript string. Made once per text and then looked up: a property name
/// decoded out of wasm memory for every message was a fifth of the client's receive
/// path's time.
pub fn text(s: &'static str) -> JsValue {
    made_once(&TEXTS, s, || JsValue::from_str(s))
}

/// `snake` in camelCase ([`camel`]) as a JavaScript string, made once per name.
pub fn camel_text(snake: &'static str) -> JsValue {
    made_once(&CAMEL_TEXTS, snake, || JsValue::from_str(&camel(snake)))
}

/// `some_name` as `someName`.
pub fn camel(snake: &str) -> String {
    let mut out = String::with_capacity(snake.len());
    let mut upper = false;
    for c in snake.chars() {
        if c == '_' {
            upper = true;
        } else if std::mem::take(&mut upper) {
            out.push(c.to_ascii_uppercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// `i` in decimal, without the formatting machinery.
pub fn index(i: usize) -> String {
    let mut digits = Vec::new();
    let mut n = i;
    loop {
        digits.push(b'0' + (n % 10) as u8);
        n /= 10;
        if n == 0 {
            break;
        }
    }
    digits.reverse();
    String::from_utf8(digits).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::{camel, index};

    #[test]
    fn indexes_are_written_in_decimal() {
        assert_eq!(index(0), "0");
        assert_eq!(index(7), "7");
        assert_eq!(index(1204), "1204");
    }

    #[test]
    fn snake_case_becomes_camel_case() {
        assert_eq!(camel("message_expiry_interval"), "messageExpiryInterval");
        assert_eq!(
            camel("subscription_identifiers_available"),
            "subscriptionIdentifiersAvailable"
        );
        assert_eq!(camel("qos"), "qos");
    }
}
