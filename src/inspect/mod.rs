//! The inspector: the packet detail (a packet byte by byte: [`PacketDetail`]) and the hex
//! pad ([`HexPad`]), in a wasm module of their own (`src/bin/mqttscope-inspect.rs`) which
//! the client page loads the first time either is shown. The dissector, the examples, the field
//! tree and the hex view weighed 32.6 kB gzipped of the page's first load (measured with
//! `bench/app/sizes.mjs`); the page now fetches them on demand.
//!
//! Unlike the payload frame, the inspector draws into the page's own document: the page
//! gives the module an element ([`host`]'s `InspectorHost`), and the module mounts its view
//! there, so that styles, focus, keyboard and layout are the page's. That is sound because
//! each module attaches its event listeners to its own elements (Leptos without its
//! `delegation` feature), so neither sees the other's events.
//!
//! - [`loader`] is the page's side: it loads the module and calls its three exports.
//! - [`mounts`] is the module's side: the views it has mounted, by the page's host id.
//!
//! [`PacketDetail`]: crate::components::packet_detail::PacketDetail
//! [`HexPad`]: crate::components::hex_pad::HexPad
//! [`host`]: crate::components::inspector_host

pub mod loader;
pub mod mounts;
