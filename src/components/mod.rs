//! The page's components, one per file, named after it. They draw the plain data of
//! [`crate::hexpad`], [`crate::model`] and [`crate::state`] and turn events into state
//! changes.

/// A text setting of the draft: its signal and its setter.
macro_rules! text {
    ($draft:ident . $field:ident) => {
        (
            Signal::derive(move || $draft.with(|d| d.$field.clone())),
            Callback::new(move |v: String| $draft.update(|d| d.$field = v)),
        )
    };
}

/// A numeric setting of the draft.
macro_rules! number {
    ($draft:ident . $field:ident : $ty:ty) => {
        (
            Signal::derive(move || $draft.with(|d| d.$field as u64)),
            Callback::new(move |v: u64| $draft.update(|d| d.$field = v as $ty)),
        )
    };
}

/// A boolean setting of the draft.
macro_rules! flag {
    ($draft:ident . $field:ident) => {
        (
            Signal::derive(move || $draft.with(|d| d.$field)),
            Callback::new(move |v: bool| $draft.update(|d| d.$field = v)),
        )
    };
}

pub mod auth_select;
pub mod broker_frame;
pub mod check_field;
pub mod client_page;
pub mod connect_form;
pub mod connection_bar;
pub mod connection_item;
pub mod connection_list;
pub mod doctor_panel;
pub mod error_banner;
pub mod example_picker;
pub mod export_menu;
pub mod field_row;
pub mod field_tree;
pub mod hex_input;
pub mod hex_pad;
pub mod hex_row;
pub mod hex_view;
pub mod inspector_host;
pub mod json_tree;
pub mod lost_publishes;
pub mod message_detail;
pub mod message_line;
pub mod message_list;
pub mod number_field;
pub mod packet_detail;
pub mod packet_line;
pub mod packet_log;
pub mod pair_editor;
pub mod payload_editor;
pub mod publish_history;
pub mod publish_panel;
pub mod qos_select;
pub mod storage_notice;
pub mod subscription_panel;
pub mod subscription_row;
pub mod text_field;
pub mod topic_history;
pub mod topic_line;
pub mod topic_tree_view;
pub mod v5_settings;
pub mod version_picker;
pub mod version_select;
pub mod view_tabs;
pub mod will_editor;
pub mod windowed_list;
