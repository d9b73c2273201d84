//! Small browser helpers shared by components.

use wasm_bindgen::JsCast;

use crate::model::filename::safe_file_name;

/// Offers `bytes` as a file download named `name`, made safe first
/// ([`safe_file_name`]: names come from topics and connection names).
pub fn download(name: &str, mime: &str, bytes: &[u8]) {
    let _ = try_download(&safe_file_name(name), mime, bytes);
}

fn try_download(name: &str, mime: &str, bytes: &[u8]) -> Option<()> {
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
    download_parts(name, mime, &parts)
}

/// Offers a file written in chunks (see [`crate::model::export`]): each chunk is copied
/// out of the wasm memory as soon as it is written, so the whole file is only ever held
/// by the browser's `Blob`.
pub fn download_chunked(name: &str, mime: &str, write: impl FnOnce(&mut dyn FnMut(&str))) {
    let parts = js_sys::Array::new();
    write(&mut |chunk| {
        parts.push(&js_sys::Uint8Array::from(chunk.as_bytes()));
    });
    let _ = download_parts(&safe_file_name(name), mime, &parts);
}

fn download_parts(name: &str, mime: &str, parts: &js_sys::Array) -> Option<()> {
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob = web_sys::Blob::new_with_u8_array_sequence_and_options(parts, &options).ok()?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).ok()?;
    let document = web_sys::window()?.document()?;
    let a: web_sys::HtmlAnchorElement = document.create_element("a").ok()?.dyn_into().ok()?;
    a.set_href(&url);
    a.set_download(name);
    a.click();
    let _ = web_sys::Url::revoke_object_url(&url);
    Some(())
}

/// A fresh SCRAM nonce: 18 bytes from the browser's cryptographic random source
/// (`crypto.getRandomValues`), in base64 (printable, no comma). `Math.random` is not a
/// cryptographic source, and a nonce must never repeat.
pub fn random_nonce() -> String {
    let mut bytes = [0u8; 18];
    let filled = web_sys::window()
        .and_then(|w| w.crypto().ok())
        .is_some_and(|c| c.get_random_values_with_u8_array(&mut bytes).is_ok());
    if !filled {
        // Without Web Crypto there is no safe nonce: an empty one makes SCRAM refuse to
        // start, and the user sees why.
        return String::new();
    }
    crate::model::base64::encode(&bytes)
}

#[wasm_bindgen::prelude::wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = console, js_name = error)]
    fn console_error(message: &str);
}

/// Puts each panic's message and place on the console: a panic is a bug, and that line
/// is what a bug report needs. Written here rather than taken from
/// `console_error_panic_hook`, whose addition, a JavaScript stack trace, names nothing in
/// a release build (wasm-opt strips the function names) and cost the first load about
/// half a kilobyte gzipped.
pub fn log_panics() {
    std::panic::set_hook(Box::new(|info| console_error(&info.to_string())));
}
