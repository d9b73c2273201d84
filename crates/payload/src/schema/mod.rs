//! Protobuf with the user's schema: `.proto` text compiled in process, then payloads decoded
//! by message type with a byte range for every field.
//!
//! The `.proto` files are compiled by `protox` (a pure-Rust protobuf compiler: it runs in the
//! browser, where no `protoc` exists) into a `prost-reflect` descriptor pool, which knows every
//! message, field, enum and import. Decoding walks the wire bytes with those descriptors
//! ([`walk`]) rather than through `prost-reflect`'s dynamic messages, because those keep no
//! byte positions, and a viewer must light up the bytes a field came from. Encoding from JSON
//! ([`crate::encode::json_to_protobuf`]) goes through `prost-reflect`, which implements the
//! canonical protobuf JSON mapping.
//!
//! No file system here: [`Schema::compile`] takes a callback that returns a file's text by
//! name (the CLI reads files beside the main one; the page, the files the user loaded).

pub(crate) mod walk;

use std::collections::BTreeMap;
use std::fmt;
use std::sync::{Arc, Mutex};

use miette::Diagnostic;
use prost_reflect::{DescriptorPool, MessageDescriptor};
use protox::file::{File, FileResolver, GoogleFileResolver};

/// Compiled `.proto` files: every message type they declare, and those they import.
#[derive(Clone, Debug)]
pub struct Schema {
    pool: DescriptorPool,
}

/// One message type of a [`Schema`]: what a payload is decoded as.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MessageType(pub(crate) MessageDescriptor);

/// A schema that did not compile, or a type it does not have.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SchemaError {
    /// The file the fault is in, when there is one.
    pub file: Option<String>,
    /// The 1-based line and column of the fault in that file, when known.
    pub at: Option<(usize, usize)>,
    /// What is wrong.
    pub message: String,
}

/// The files handed to protox, kept so that an error's offset can become a line and column.
type Sources = Arc<Mutex<BTreeMap<String, String>>>;

/// Serves files by name from the caller's callback; the well-known `google/protobuf/*.proto`
/// imports come with protox.
struct Resolver<F> {
    open: F,
    google: GoogleFileResolver,
    seen: Sources,
}

impl<F: Fn(&str) -> Option<String>> FileResolver for Resolver<F> {
    fn open_file(&self, name: &str) -> Result<File, protox::Error> {
        if let Ok(file) = self.google.open_file(name) {
            return Ok(file);
        }
        let text = (self.open)(name).ok_or_else(|| protox::Error::file_not_found(name))?;
        if let Ok(mut seen) = self.seen.lock() {
            seen.insert(name.to_string(), text.clone());
        }
        File::from_source(name, &text)
    }
}

impl Schema {
    /// Compiles the file `main` and what it imports; `open` returns a file's text by the
    /// name an `import` statement (or `main`) gives, or `None` when there is no such file.
    pub fn compile(
        main: &str,
        open: impl Fn(&str) -> Option<String> + 'static,
    ) -> Result<Schema, SchemaError> {
        let seen = Sources::default();
        let resolver = Resolver {
            open,
            google: GoogleFileResolver::new(),
            seen: seen.clone(),
        };
        let mut compiler = protox::Compiler::with_file_resolver(resolver);
        compiler.include_imports(true);
        match compiler.open_file(main) {
            Ok(_) => Ok(Schema {
                pool: compiler.descriptor_pool(),
            }),
            Err(e) => Err(SchemaError::from_protox(&e, &seen)),
        }
    }

    /// Compiles one `.proto` file given as text, which imports nothing but the well-known
    /// types.
    pub fn from_source(name: &str, text: &str) -> Result<Schema, SchemaError> {
        let (name, text) = (name.to_string(), text.to_string());
        let main = name.clone();
        Schema::compile(&main, move |n| (n == name).then(|| text.clone()))
    }

    /// The message type of this full name (`package.Message`, or `Message` without a
    /// package; a leading dot is allowed). The error lists the types there are.
    pub fn message(&self, name: &str) -> Result<MessageType, SchemaError> {
        let name = name.trim_start_matches('.');
        self.pool
            .get_message_by_name(name)
            .map(MessageType)
            .ok_or_else(|| SchemaError {
                file: None,
                at: None,
                message: format!(
                    "no message type `{name}` in the schema (it has: {})",
                    self.message_names().join(", ")
                ),
            })
    }

    /// The full names of every message type the schema's own files declare (not those of
    /// the well-known imports), nested types included, in declaration order.
    pub fn message_names(&self) -> Vec<String> {
        self.pool
            .all_messages()
            .filter(|m| {
                !m.parent_file()
                    .package_name()
                    .starts_with("google.protobuf")
            })
            .filter(|m| !m.is_map_entry())
            .map(|m| m.full_name().to_string())
            .collect()
    }
}

impl MessageType {
    /// The type's full name: `package.Message`.
    pub fn full_name(&self) -> &str {
        self.0.full_name()
    }
}

impl SchemaError {
    fn from_protox(e: &protox::Error, seen: &Sources) -> SchemaError {
        let file = e.file().map(str::to_string);
        let offset = e.labels().and_then(|mut l| l.next()).map(|l| l.offset());
        let at = match (&file, offset, seen.lock()) {
            (Some(f), Some(offset), Ok(seen)) => seen.get(f).map(|text| line_col(text, offset)),
            _ => None,
        };
        SchemaError {
            file,
            at,
            message: e.to_string(),
        }
    }
}

/// The 1-based line and column (in characters) of byte `offset` of `text`.
fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = text.get(..offset.min(text.len())).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
    (line, col)
}

impl fmt::Display for SchemaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.file, self.at) {
            (Some(file), Some((line, col))) => write!(f, "{file}:{line}:{col}: {}", self.message),
            (Some(file), None) if !self.message.contains(file.as_str()) => {
                write!(f, "{file}: {}", self.message)
            }
            _ => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for SchemaError {}

#[cfg(test)]
mod tests;
