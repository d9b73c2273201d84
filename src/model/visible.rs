//! Text from the network (topics, property values) made safe to read: characters that
//! are invisible or that reorder what is around them are shown as visible markers.
//!
//! A topic is arbitrary UTF-8. A right-to-left override (U+202E) in it would reverse the
//! rest of the line it is drawn on, flags and sizes included, and a zero-width space
//! makes two different topics look the same. An inspector must show what is there, so
//! each such character becomes `⟨U+202E⟩`.

use std::borrow::Cow;
use std::fmt::Write as _;

/// True for the characters [`visible`] replaces: control characters (C0, DEL, C1),
/// bidirectional formatting (U+061C, U+200E, U+200F, U+202A to U+202E, U+2066 to
/// U+2069), line and paragraph separators, zero-width and other invisible formatting
/// characters (soft hyphen, U+200B to U+200D, U+2060 to U+206F, the byte order mark,
/// interlinear annotations, tags) and the Hangul fillers, which draw as blank space.
pub fn is_hidden(c: char) -> bool {
    matches!(
        c,
        '\0'..='\u{1f}'
            | '\u{7f}'..='\u{9f}'
            | '\u{ad}'
            | '\u{61c}'
            | '\u{115f}'
            | '\u{1160}'
            | '\u{180e}'
            | '\u{200b}'..='\u{200f}'
            | '\u{2028}'..='\u{202e}'
            | '\u{2060}'..='\u{206f}'
            | '\u{3164}'
            | '\u{feff}'
            | '\u{ffa0}'
            | '\u{fff9}'..='\u{fffb}'
            | '\u{e0000}'..='\u{e007f}'
    )
}

/// `text` with every hidden character ([`is_hidden`]) replaced by a marker naming its
/// code point, `⟨U+202E⟩`; borrowed when there is none (the common case).
pub fn visible(text: &str) -> Cow<'_, str> {
    let Some(first) = text.find(is_hidden) else {
        return Cow::Borrowed(text);
    };
    let mut out = String::with_capacity(text.len() + 16);
    out.push_str(&text[..first]);
    for c in text[first..].chars() {
        if is_hidden(c) {
            let _ = write!(out, "⟨U+{:04X}⟩", u32::from(c));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_is_borrowed_unchanged() {
        for t in ["a/b/c", "", "日本/été/😀", "$SYS/broker", "a b"] {
            assert!(matches!(visible(t), Cow::Borrowed(s) if s == t), "{t}");
        }
    }

    #[test]
    fn bidirectional_controls_become_markers() {
        assert_eq!(
            visible("invoice/\u{202e}fdp.exe"),
            "invoice/⟨U+202E⟩fdp.exe"
        );
        let all = [
            '\u{202a}', '\u{202b}', '\u{202c}', '\u{202d}', '\u{202e}', '\u{2066}', '\u{2067}',
            '\u{2068}', '\u{2069}', '\u{200e}', '\u{200f}', '\u{61c}',
        ];
        for c in all {
            let shown = visible(&format!("a{c}b")).into_owned();
            assert_eq!(shown, format!("a⟨U+{:04X}⟩b", u32::from(c)));
            assert!(!shown.contains(c));
        }
    }

    #[test]
    fn controls_and_invisible_characters_become_markers() {
        assert_eq!(visible("a\nb\0c\u{7f}"), "a⟨U+000A⟩b⟨U+0000⟩c⟨U+007F⟩");
        assert_eq!(visible("x\u{85}\u{2028}"), "x⟨U+0085⟩⟨U+2028⟩");
        assert_eq!(visible("a\u{200b}"), "a⟨U+200B⟩");
        assert_eq!(visible("\u{feff}t"), "⟨U+FEFF⟩t");
        assert_eq!(visible("t\u{e0041}"), "t⟨U+E0041⟩");
        assert_eq!(visible("sh\u{ad}y"), "sh⟨U+00AD⟩y");
    }

    #[test]
    fn no_shown_text_keeps_a_hidden_character() {
        let every: String = (0..0x11_0000u32).filter_map(char::from_u32).collect();
        assert!(!visible(&every).chars().any(is_hidden));
    }

    #[test]
    fn the_inspector_already_escapes_them_in_string_values() {
        // The dissector shows a UTF-8 string field with `{:?}`, which escapes every
        // control and formatting character, so a topic in the packet inspector cannot
        // reorder its row either.
        let value = mqttscope_proto::dissect::Value::Text("a\u{202e}b\u{200b}\n".into());
        assert!(!value.to_string().chars().any(is_hidden), "{value}");
    }
}
