//! Why a payload did not decode, and where.

use std::fmt;

/// A payload that did not decode: the byte offset and what was wrong there.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    /// The offset in the payload of the byte where decoding stopped.
    pub offset: usize,
    /// What was wrong.
    pub kind: ErrorKind,
}

/// What was wrong with a payload.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The payload ended inside a value: it was cut short.
    Truncated,
    /// The bytes break the format; the text says what was expected.
    Invalid(String),
    /// Text that is not UTF-8.
    BadUtf8,
    /// A whole value was read and bytes are left over.
    TrailingBytes,
    /// Values nest deeper than [`crate::Limits::max_depth`].
    TooDeep {
        /// The limit.
        limit: usize,
    },
    /// More values than [`crate::Limits::max_nodes`].
    TooManyNodes {
        /// The limit.
        limit: usize,
    },
    /// More text and bytes than [`crate::Limits::max_bytes`].
    TooLarge {
        /// The limit.
        limit: usize,
    },
    /// A binary number decoder got a payload whose length is not a multiple of its width.
    WrongLength {
        /// The width of one number in bytes.
        width: usize,
        /// The payload's length.
        len: usize,
    },
    /// The value cannot be written in the target encoding (encoders only).
    Unencodable(String),
}

impl Error {
    pub(crate) fn new(offset: usize, kind: ErrorKind) -> Error {
        Error { offset, kind }
    }

    pub(crate) fn invalid(offset: usize, what: impl Into<String>) -> Error {
        Error::new(offset, ErrorKind::Invalid(what.into()))
    }

    pub(crate) fn truncated(offset: usize) -> Error {
        Error::new(offset, ErrorKind::Truncated)
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ErrorKind::Truncated => f.write_str("the payload ends inside a value"),
            ErrorKind::Invalid(what) => f.write_str(what),
            ErrorKind::BadUtf8 => f.write_str("text that is not UTF-8"),
            ErrorKind::TrailingBytes => f.write_str("bytes left after the value"),
            ErrorKind::TooDeep { limit } => write!(f, "nested deeper than {limit} levels"),
            ErrorKind::TooManyNodes { limit } => write!(f, "more than {limit} values"),
            ErrorKind::TooLarge { limit } => write!(f, "more than {limit} bytes of output"),
            ErrorKind::WrongLength { width, len } => write!(
                f,
                "{len} bytes is not a whole number of {width}-byte numbers"
            ),
            ErrorKind::Unencodable(what) => write!(f, "cannot encode {what}"),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "at byte {}: {}", self.offset, self.kind)
    }
}

impl std::error::Error for Error {}
