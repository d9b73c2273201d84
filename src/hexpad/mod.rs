//! The hex pad's logic, free of any browser API so that it tests natively:
//! [`parse`] reads pasted hex, [`model`] dissects the bytes and works out highlights,
//! [`rows`] lays them out as tree rows and hex lines, [`keys`] moves the keyboard cursor
//! and focus, [`examples`] builds the example packets with the codec.

pub mod examples;
#[cfg(test)]
mod examples_built;
pub mod keys;
pub mod model;
pub mod parse;
pub mod rows;
