//! The broker pane's components, one per file.

pub mod broker_packets;
pub mod broker_pane;
pub mod client_row;
pub mod client_table;
pub mod code_select;
pub mod device_list;
pub mod event_log;
pub mod fault_bar;
pub mod held_list;
pub mod offline_sessions;
pub mod retained_list;
