//! Names for downloaded files. A name can come from a topic or a connection name, which
//! are anybody's text; the saved file must land where the browser puts downloads, under
//! a name every common file system accepts and that does not pretend to be something
//! else (a right-to-left override can turn `txt.exe` into what reads as `exe.txt`).

use crate::model::visible::is_hidden;

/// The longest name [`safe_file_name`] returns, in characters. It is also held to
/// 200 bytes of UTF-8, under the 255 bytes most file systems allow.
pub const MAX_CHARS: usize = 100;

/// The most bytes of UTF-8 a name may take.
const MAX_BYTES: usize = 200;

/// What a name that is left empty becomes.
const FALLBACK: &str = "download";

/// Names Windows reserves for devices, with any extension.
const RESERVED: [&str; 22] = [
    "CON", "PRN", "AUX", "NUL", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8",
    "COM9", "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9",
];

/// `name` made safe to save: path separators, the characters Windows reserves
/// (`<>:"/\|?*`), control characters and invisible or bidirectional formatting
/// characters become `_`; leading dots and spaces and trailing dots and spaces go; a
/// device name (`CON`, `nul.txt`) gets a `_` in front; the result is cut to
/// [`MAX_CHARS`] characters keeping a short extension, and is never empty.
pub fn safe_file_name(name: &str) -> String {
    let replaced: String = name
        .chars()
        .map(|c| if is_unsafe(c) { '_' } else { c })
        .collect();
    let trimmed = replaced
        .trim_start_matches(['.', ' '])
        .trim_end_matches(['.', ' ']);
    let mut out = bounded(trimmed);
    if out.is_empty() {
        out = FALLBACK.to_owned();
    }
    if is_device_name(&out) {
        out.insert(0, '_');
    }
    out
}

fn is_unsafe(c: char) -> bool {
    matches!(c, '<' | '>' | ':' | '"' | '/' | '\\' | '|' | '?' | '*') || is_hidden(c)
}

/// `name` cut to the bounds, keeping its extension when it has a short one.
fn bounded(name: &str) -> String {
    if name.chars().count() <= MAX_CHARS && name.len() <= MAX_BYTES {
        return name.to_owned();
    }
    let ext = name
        .rfind('.')
        .map(|dot| &name[dot..])
        .filter(|ext| ext.chars().count() <= 10 && ext.len() > 1);
    let ext = ext.unwrap_or("");
    let room = MAX_CHARS - ext.chars().count();
    let mut stem = String::new();
    for c in name.chars().take(room) {
        if stem.len() + c.len_utf8() + ext.len() > MAX_BYTES {
            break;
        }
        stem.push(c);
    }
    let stem = stem.trim_end_matches(['.', ' ']);
    format!("{stem}{ext}")
}

fn is_device_name(name: &str) -> bool {
    let stem = name.split('.').next().unwrap_or(name).trim_end();
    RESERVED.iter().any(|r| r.eq_ignore_ascii_case(stem))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinary_names_are_kept() {
        for name in [
            "mqttscope-home.messages.json",
            "sensors_temp.bin",
            "été.csv",
        ] {
            assert_eq!(safe_file_name(name), name);
        }
    }

    #[test]
    fn separators_and_reserved_characters_are_replaced() {
        assert_eq!(safe_file_name("../../etc/passwd"), "_.._etc_passwd");
        assert_eq!(safe_file_name("a\\b/c"), "a_b_c");
        assert_eq!(safe_file_name("a<b>c:d\"e|f?g*h"), "a_b_c_d_e_f_g_h");
    }

    #[test]
    fn controls_and_bidirectional_characters_are_replaced() {
        assert_eq!(safe_file_name("report\u{202e}txt.exe"), "report_txt.exe");
        assert_eq!(safe_file_name("a\nb\0c\u{7f}d\u{200b}"), "a_b_c_d_");
    }

    #[test]
    fn leading_dots_and_trailing_dots_and_spaces_go() {
        assert_eq!(safe_file_name(".bashrc"), "bashrc");
        assert_eq!(safe_file_name(" ..  .hidden. . "), "hidden");
        assert_eq!(safe_file_name("..."), FALLBACK);
        assert_eq!(safe_file_name(""), FALLBACK);
    }

    #[test]
    fn device_names_are_prefixed() {
        assert_eq!(safe_file_name("CON"), "_CON");
        assert_eq!(safe_file_name("nul.bin"), "_nul.bin");
        assert_eq!(safe_file_name("com1 .txt"), "_com1 .txt");
        assert_eq!(safe_file_name("console.bin"), "console.bin");
    }

    #[test]
    fn long_names_are_cut_keeping_the_extension() {
        let long = format!("{}.bin", "t/".repeat(500));
        let safe = safe_file_name(&long);
        assert_eq!(safe.chars().count(), MAX_CHARS);
        assert!(safe.ends_with("_.bin"), "{safe}");
        let wide = format!("{}.json", "日".repeat(300));
        let safe = safe_file_name(&wide);
        assert!(
            safe.len() <= MAX_BYTES && safe.ends_with("日.json"),
            "{safe}"
        );
        let no_ext = "x".repeat(300);
        assert_eq!(safe_file_name(&no_ext), "x".repeat(MAX_CHARS));
    }

    #[test]
    fn nothing_unsafe_survives() {
        let every: String = (0..0x3000u32).filter_map(char::from_u32).collect();
        let safe = safe_file_name(&every);
        assert!(!safe.chars().any(is_unsafe));
        assert!(safe.chars().count() <= MAX_CHARS && safe.len() <= MAX_BYTES);
        assert!(!safe.starts_with('.'));
    }
}
