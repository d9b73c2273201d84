//! Bounds on what one payload may decode to.

use crate::error::{Error, ErrorKind};

/// Bounds on one decoding: nesting depth, number of values and bytes of text and bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// How deep arrays, maps and tags may nest (the top level is depth 0).
    pub max_depth: usize,
    /// How many values (nodes) one payload may decode to.
    pub max_nodes: usize,
    /// How many bytes of text and bytes the tree may hold in all.
    pub max_bytes: usize,
}

impl Default for Limits {
    /// 64 levels, a million values, 64 MiB.
    fn default() -> Limits {
        Limits {
            max_depth: 64,
            max_nodes: 1_000_000,
            max_bytes: 64 << 20,
        }
    }
}

/// What one decoding has used of its [`Limits`].
#[derive(Clone, Debug)]
pub(crate) struct Budget {
    pub(crate) limits: Limits,
    nodes: usize,
    bytes: usize,
}

impl Budget {
    pub(crate) fn new(limits: &Limits) -> Budget {
        Budget {
            limits: *limits,
            nodes: 0,
            bytes: 0,
        }
    }

    /// Counts one node read at `offset`.
    pub(crate) fn node(&mut self, offset: usize) -> Result<(), Error> {
        self.nodes += 1;
        if self.nodes > self.limits.max_nodes {
            let limit = self.limits.max_nodes;
            return Err(Error::new(offset, ErrorKind::TooManyNodes { limit }));
        }
        Ok(())
    }

    /// Counts `n` bytes of text or bytes read at `offset`.
    pub(crate) fn bytes(&mut self, n: usize, offset: usize) -> Result<(), Error> {
        self.bytes = self.bytes.saturating_add(n);
        if self.bytes > self.limits.max_bytes {
            let limit = self.limits.max_bytes;
            return Err(Error::new(offset, ErrorKind::TooLarge { limit }));
        }
        Ok(())
    }

    /// Checks that a container at `depth`, read at `offset`, is allowed.
    pub(crate) fn depth(&self, depth: usize, offset: usize) -> Result<(), Error> {
        if depth > self.limits.max_depth {
            let limit = self.limits.max_depth;
            return Err(Error::new(offset, ErrorKind::TooDeep { limit }));
        }
        Ok(())
    }
}
