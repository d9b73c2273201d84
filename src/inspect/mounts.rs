//! The module's side of the inspector: what it has mounted into the page's hosts, by host
//! id, so that showing something else in a host, or the host going away, unmounts what was
//! there (its reactive owner disposed, its nodes removed).

use std::any::Any;
use std::cell::RefCell;

use leptos::mount::mount_to;
use leptos::prelude::*;
use web_sys::HtmlElement;

use crate::components::hex_pad::HexPad;
use crate::components::packet_detail::PacketDetail;
use crate::model::packet_feed::decode;

thread_local! {
    /// The mounted views by host id; each an `UnmountHandle`, which unmounts when dropped.
    static MOUNTS: RefCell<Vec<(u32, Box<dyn Any>)>> = const { RefCell::new(Vec::new()) };
}

/// Shows the packet `encoded` by [`crate::model::packet_feed`] in host `id`, element `host`.
pub fn show_packet(id: u32, host: HtmlElement, encoded: &[u8]) {
    match decode(encoded) {
        Some((row, version)) => mount(id, host, move || {
            let version = Signal::stored(version);
            view! { <PacketDetail row version /> }
        }),
        None => mount(id, host, || {
            view! { <p class="banner" role="alert">"The inspector could not read this packet."</p> }
        }),
    }
}

/// Shows the hex pad in host `id`, element `host`.
pub fn show_hex_pad(id: u32, host: HtmlElement) {
    mount(id, host, HexPad);
}

/// Unmounts what host `id` shows, if anything.
pub fn clear(id: u32) {
    let old = MOUNTS.with(|m| {
        let mut m = m.borrow_mut();
        let at = m.iter().position(|(i, _)| *i == id)?;
        Some(m.swap_remove(at))
    });
    // Dropped outside the borrow: unmounting runs cleanups, which may show or clear too.
    drop(old);
}

fn mount<F, N>(id: u32, host: HtmlElement, view: F)
where
    F: FnOnce() -> N + 'static,
    N: IntoView + 'static,
{
    clear(id);
    let handle = mount_to(host, view);
    MOUNTS.with(|m| m.borrow_mut().push((id, Box::new(handle))));
}
