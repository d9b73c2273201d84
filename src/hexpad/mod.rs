//! The hex pad's logic, free of any browser API so that it tests natively:
//! [`parse`] reads pasted hex, [`model`] turns bytes into tree rows, hex rows and
//! highlights, [`examples`] builds the example packets with the codec.

pub mod examples;
pub mod model;
pub mod parse;
