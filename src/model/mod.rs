//! The plain logic behind the client's pages: message and packet rows and their bounded
//! history, payload formats and previews, the topic tree, message filters, exports, and
//! the small JSON, Base64 and time helpers they need. No browser API and no extra crate,
//! so all of it tests natively and adds little to the wasm.
//!
//! - [`message`]: [`message::MessageRow`] and [`message::PacketRow`], the rows the views
//!   and exports share.
//! - [`ring`]: [`ring::Ring`], a bounded history that counts what it dropped.
//! - [`payload`]: the publish editor's formats (text, JSON, hex, Base64) and the viewer's
//!   classification, one-line previews and sizes.
//! - [`filter`]: topic and payload filters for the message list.
//! - [`listing`]: the window of filtered messages the list draws, and its counts.
//! - [`match_index`]: which messages pass the filter, updated as they arrive.
//! - [`visible`]: topics with their invisible and bidirectional characters made visible.
//! - [`filename`]: safe names for downloaded files.
//! - [`topic_tree`]: the tree of topics seen, with counts and last values.
//! - [`export`]: messages as JSON or CSV, packets as JSON.
//! - [`frames`]: where WebSocket frames ended inside each received packet.
//! - [`viewport`]: which rows of a long list to draw.
//! - [`json`], [`base64`], [`time`]: the formats underneath.

pub mod base64;
pub mod export;
pub mod feed;
pub mod filename;
pub mod filter;
pub mod frames;
pub mod json;
pub mod listing;
pub mod match_index;
pub mod message;
pub mod packet_feed;
pub mod payload;
pub mod ring;
pub mod shared;
pub mod time;
pub mod topic_tree;
pub mod viewport;
pub mod visible;
