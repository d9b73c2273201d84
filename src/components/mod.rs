//! The page's components, one per file, named after it. They draw the plain data of
//! [`crate::hexpad`] and turn events into signal updates.

pub mod error_banner;
pub mod example_picker;
pub mod field_row;
pub mod field_tree;
pub mod hex_input;
pub mod hex_pad;
pub mod hex_row;
pub mod hex_view;
pub mod version_picker;
