//! Reactive state that is not a component: signals arranged so that an update costs
//! what changed, not what exists.

pub mod range_flags;
