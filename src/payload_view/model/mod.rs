//! The payload frame's plain logic: rules, schemas, the decoder's choice, tree rows and diffs.

pub mod choice;
pub mod diff;
pub mod rows;
pub mod rules;
pub mod schemas;
pub mod series;
