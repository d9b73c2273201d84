//! The `.proto` files a user loaded, compiled together: every file may import the others.

use mqttscope_payload::{MessageType, Schema, SchemaError};

/// The files, by name, and what they compiled to.
#[derive(Clone, Debug, Default)]
pub struct Schemas {
    files: Vec<(String, String)>,
    compiled: Vec<Schema>,
    errors: Vec<SchemaError>,
}

impl Schemas {
    /// Compiles `files` (name, text): each file with the others as its imports.
    pub fn new(files: Vec<(String, String)>) -> Schemas {
        let mut compiled = Vec::new();
        let mut errors = Vec::new();
        for (name, _) in &files {
            let all = files.clone();
            let open = move |n: &str| all.iter().find(|(f, _)| f == n).map(|(_, t)| t.clone());
            match Schema::compile(name, open) {
                Ok(s) => compiled.push(s),
                Err(e) => errors.push(e),
            }
        }
        Schemas {
            files,
            compiled,
            errors,
        }
    }

    /// The files, by name, with their text.
    pub fn files(&self) -> &[(String, String)] {
        &self.files
    }

    /// Adds or replaces a file, compiling again.
    pub fn with_file(&self, name: &str, text: &str) -> Schemas {
        let mut files: Vec<_> = self
            .files
            .iter()
            .filter(|(n, _)| n != name)
            .cloned()
            .collect();
        files.push((name.to_string(), text.to_string()));
        Schemas::new(files)
    }

    /// Removes a file, compiling again.
    pub fn without_file(&self, name: &str) -> Schemas {
        Schemas::new(
            self.files
                .iter()
                .filter(|(n, _)| n != name)
                .cloned()
                .collect(),
        )
    }

    /// What did not compile.
    pub fn errors(&self) -> &[SchemaError] {
        &self.errors
    }

    /// Every message type of every file that compiled, without repeats.
    pub fn type_names(&self) -> Vec<String> {
        let mut names: Vec<String> = self
            .compiled
            .iter()
            .flat_map(Schema::message_names)
            .collect();
        names.sort();
        names.dedup();
        names
    }

    /// The message type of this full name.
    pub fn message(&self, name: &str) -> Option<MessageType> {
        self.compiled.iter().find_map(|s| s.message(name).ok())
    }

    /// The files as text for localStorage: for each, its name, a line feed, its length in
    /// bytes, a line feed, then its text.
    pub fn to_text(&self) -> String {
        self.files
            .iter()
            .map(|(n, t)| format!("{n}\n{}\n{t}", t.len()))
            .collect()
    }

    /// Files read back from [`Schemas::to_text`]; what does not parse is dropped.
    pub fn from_text(mut text: &str) -> Schemas {
        let mut files = Vec::new();
        while let Some((name, rest)) = text.split_once('\n') {
            let Some((len, rest)) = rest.split_once('\n') else {
                break;
            };
            let Some(body) = len.parse::<usize>().ok().and_then(|n| rest.get(..n)) else {
                break;
            };
            files.push((name.to_string(), body.to_string()));
            text = &rest[body.len()..];
        }
        Schemas::new(files)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: &str =
        "syntax = \"proto3\";\npackage a;\nimport \"b.proto\";\nmessage A { b.B inner = 1; }\n";
    const B: &str = "syntax = \"proto3\";\npackage b;\nmessage B { string s = 1; }\n";

    #[test]
    fn files_import_each_other_and_round_trip() {
        let s = Schemas::default()
            .with_file("a.proto", A)
            .with_file("b.proto", B);
        assert!(s.errors().is_empty(), "{:?}", s.errors());
        assert_eq!(s.type_names(), ["a.A", "b.B"]);
        assert!(s.message("a.A").is_some());
        let back = Schemas::from_text(&s.to_text());
        assert_eq!(back.files(), s.files());
        assert_eq!(back.type_names(), s.type_names());
        let broken = s.with_file("b.proto", "message {");
        assert_eq!(broken.errors().len(), 2, "b fails, and a with it");
        assert!(broken
            .without_file("a.proto")
            .without_file("b.proto")
            .type_names()
            .is_empty());
    }
}
