//! The sans-IO check: a wasm module built from the core must import nothing from the host.
//!
//! A tiny reader of the WebAssembly binary format (magic, version, then sections of
//! `id, LEB128 size, payload`) that lists the import section (id 2) and the export section
//! (id 7). Anything the core reached for at run time (a clock, randomness, `console.log`,
//! a wasm-bindgen shim) would show up as an import.

use std::fmt;
use std::path::Path;

/// The first four bytes of every wasm module: `\0asm`.
const MAGIC: &[u8; 4] = b"\0asm";
/// The only binary format version (1, little-endian).
const VERSION: &[u8; 4] = &[1, 0, 0, 0];
/// Section ids.
const IMPORT_SECTION: u8 = 2;
const EXPORT_SECTION: u8 = 7;

/// One entry of the import or export section.
#[derive(Debug, PartialEq, Eq)]
pub struct Entry {
    /// The import's module (`env`, `__wbindgen_placeholder__`, ...); empty for an export.
    pub module: String,
    /// The field name.
    pub name: String,
    /// `func`, `table`, `memory`, `global` or `tag`.
    pub kind: &'static str,
}

impl fmt::Display for Entry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.module.is_empty() {
            write!(f, "{} ({})", self.name, self.kind)
        } else {
            write!(f, "{}.{} ({})", self.module, self.name, self.kind)
        }
    }
}

/// What the check reads from a module.
#[derive(Debug, Default)]
pub struct Module {
    /// The import section, in order.
    pub imports: Vec<Entry>,
    /// The export section, in order.
    pub exports: Vec<Entry>,
}

/// Reads `path`, prints its exports and fails if it imports anything or exports no
/// function (an empty module would pass the import check without proving anything).
pub fn check(path: &Path) -> Result<(), String> {
    let bytes = std::fs::read(path).map_err(|e| format!("reading {}: {e}", path.display()))?;
    let module = parse(&bytes).map_err(|e| format!("{}: {e}", path.display()))?;
    let functions = module.exports.iter().filter(|e| e.kind == "func").count();
    println!(
        "{}: {} bytes, {functions} exported functions:",
        path.display(),
        bytes.len()
    );
    for export in &module.exports {
        println!("  export {export}");
    }
    if functions == 0 {
        return Err("the module exports no function, so the import check proves nothing".into());
    }
    if !module.imports.is_empty() {
        let list: Vec<String> = module
            .imports
            .iter()
            .map(|i| format!("  import {i}"))
            .collect();
        return Err(format!(
            "the core must not import anything from the host, but the module imports:\n{}",
            list.join("\n")
        ));
    }
    println!("imports: none (the core is sans-IO)");
    Ok(())
}

/// Parses the import and export sections of a wasm binary; other sections are skipped.
pub fn parse(bytes: &[u8]) -> Result<Module, String> {
    let mut r = Reader { bytes, pos: 0 };
    if r.take(4)? != MAGIC {
        return Err("not a wasm module (bad magic)".into());
    }
    if r.take(4)? != VERSION {
        return Err("unsupported wasm binary version".into());
    }
    let mut module = Module::default();
    while !r.at_end() {
        let id = r.byte()?;
        let size = r.u32()? as usize;
        let mut section = Reader {
            bytes: r.take(size)?,
            pos: 0,
        };
        match id {
            IMPORT_SECTION => module.imports = section.vec(Reader::import)?,
            EXPORT_SECTION => module.exports = section.vec(Reader::export)?,
            _ => {}
        }
    }
    Ok(module)
}

/// A cursor over a byte slice; every read checks bounds.
struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn at_end(&self) -> bool {
        self.pos >= self.bytes.len()
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8], String> {
        let end = self
            .pos
            .checked_add(n)
            .filter(|&end| end <= self.bytes.len());
        let end = end.ok_or_else(|| format!("truncated at byte {}", self.pos))?;
        let slice = &self.bytes[self.pos..end];
        self.pos = end;
        Ok(slice)
    }

    fn byte(&mut self) -> Result<u8, String> {
        Ok(self.take(1)?[0])
    }

    /// An unsigned LEB128 number of at most 64 bits (also skips signed ones).
    fn leb(&mut self) -> Result<u64, String> {
        let mut value = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.byte()?;
            value |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Ok(value);
            }
        }
        Err(format!("LEB128 number too long at byte {}", self.pos))
    }

    fn u32(&mut self) -> Result<u32, String> {
        let at = self.pos;
        u32::try_from(self.leb()?).map_err(|_| format!("number too large at byte {at}"))
    }

    /// A length-prefixed UTF-8 name.
    fn name(&mut self) -> Result<String, String> {
        let len = self.u32()? as usize;
        let bytes = self.take(len)?;
        String::from_utf8(bytes.to_vec())
            .map_err(|_| format!("invalid UTF-8 name before byte {}", self.pos))
    }

    /// A count followed by that many items.
    fn vec<T>(&mut self, item: fn(&mut Self) -> Result<T, String>) -> Result<Vec<T>, String> {
        let count = self.u32()?;
        (0..count).map(|_| item(self)).collect()
    }

    fn import(&mut self) -> Result<Entry, String> {
        let module = self.name()?;
        let name = self.name()?;
        let kind = self.import_desc()?;
        Ok(Entry { module, name, kind })
    }

    fn export(&mut self) -> Result<Entry, String> {
        let name = self.name()?;
        let kind = kind_name(self.byte()?)?;
        self.leb()?; // the index
        Ok(Entry {
            module: String::new(),
            name,
            kind,
        })
    }

    /// Skips an import description and names its kind.
    fn import_desc(&mut self) -> Result<&'static str, String> {
        let kind = kind_name(self.byte()?)?;
        match kind {
            "func" => self.leb().map(drop)?,
            "table" => {
                self.ref_type()?;
                self.limits()?;
            }
            "memory" => self.limits()?,
            "global" => {
                self.ref_type()?; // a value type; reference types are the longest form
                self.byte()?; // mutability
            }
            _ => {
                self.byte()?; // tag attribute
                self.leb()?; // type index
            }
        }
        Ok(kind)
    }

    /// A value or reference type: one byte, or `0x63`/`0x64` and a heap type.
    fn ref_type(&mut self) -> Result<(), String> {
        if matches!(self.byte()?, 0x63 | 0x64) {
            self.leb()?;
        }
        Ok(())
    }

    /// Table or memory limits: flags, minimum, maximum when flag bit 0 is set, page size
    /// when flag bit 3 is set.
    fn limits(&mut self) -> Result<(), String> {
        let flags = self.byte()?;
        self.leb()?;
        if flags & 0x01 != 0 {
            self.leb()?;
        }
        if flags & 0x08 != 0 {
            self.leb()?;
        }
        Ok(())
    }
}

/// The name of an import or export kind byte.
fn kind_name(byte: u8) -> Result<&'static str, String> {
    match byte {
        0 => Ok("func"),
        1 => Ok("table"),
        2 => Ok("memory"),
        3 => Ok("global"),
        4 => Ok("tag"),
        other => Err(format!("unknown import/export kind {other:#04x}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A module with one type `() -> ()`, one import `env.now` of that type, and one export
    /// `run` of function 1 (the import is function 0), with a custom section first.
    fn module_with_one_import() -> Vec<u8> {
        let mut m = b"\0asm\x01\0\0\0".to_vec();
        m.extend([0, 5, 4, b'n', b'o', b't', b'e']); // custom section "note"
        m.extend([1, 4, 1, 0x60, 0, 0]); // type section: one func type () -> ()
        m.extend([2, 11, 1, 3, b'e', b'n', b'v', 3, b'n', b'o', b'w', 0, 0]); // import section
        m.extend([7, 7, 1, 3, b'r', b'u', b'n', 0, 1]); // export section
        m
    }

    #[test]
    fn lists_the_one_import_and_the_export() {
        let module = parse(&module_with_one_import()).unwrap();
        let import = Entry {
            module: "env".into(),
            name: "now".into(),
            kind: "func",
        };
        assert_eq!(module.imports, [import]);
        assert_eq!(module.exports.len(), 1);
        assert_eq!(module.exports[0].to_string(), "run (func)");
    }

    #[test]
    fn a_module_without_import_section_has_no_imports() {
        let mut m = b"\0asm\x01\0\0\0".to_vec();
        m.extend([1, 4, 1, 0x60, 0, 0]);
        let module = parse(&m).unwrap();
        assert!(module.imports.is_empty() && module.exports.is_empty());
    }

    #[test]
    fn memory_and_table_imports_are_skipped_correctly() {
        let mut m = b"\0asm\x01\0\0\0".to_vec();
        // memory "m"."a" with min 1 max 2; table "m"."b" funcref min 0; global "m"."c" i32.
        let section = [
            3, 1, b'm', 1, b'a', 2, 1, 1, 2, 1, b'm', 1, b'b', 1, 0x70, 0, 0,
        ];
        let global = [1, b'm', 1, b'c', 3, 0x7f, 0];
        m.push(2);
        m.push((section.len() + global.len()) as u8);
        m.extend(section);
        m.extend(global);
        let kinds: Vec<&str> = parse(&m).unwrap().imports.iter().map(|i| i.kind).collect();
        assert_eq!(kinds, ["memory", "table", "global"]);
    }

    #[test]
    fn truncated_and_foreign_input_is_an_error() {
        let m = module_with_one_import();
        assert!(parse(&m[..m.len() - 3]).is_err());
        assert!(parse(b"\x7fELF\x02\x01\x01\0").is_err());
        assert!(parse(b"\0as").is_err());
    }
}
