//! The payload frame's components, one per file.

pub mod chart_panel;
pub mod decoded_tree;
pub mod decoder_bar;
pub mod diff_panel;
pub mod message_picker;
pub mod payload_bytes;
pub mod payload_frame;
pub mod rule_list;
pub mod schema_files;
