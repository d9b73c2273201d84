//! The app's state: the workspace store and its connections (provided by context), the
//! settings and what is saved, and how driver reports and user actions change it.

pub mod actions;
pub mod checkup;
pub mod connection;
pub mod embed;
pub mod feed;
pub mod kept;
pub mod persist;
pub mod publish;
pub mod reports;
pub mod settings;
pub mod storage;
pub mod subscriptions;
pub mod sync;
pub mod tabs;
pub mod workspace;
