//! MessagePack: rmp's `Marker` names each type byte; lengths and data are read here, so
//! every node's byte range is known.

use rmp::Marker;

use crate::budget::Budget;
use crate::error::{Error, ErrorKind};
use crate::value::{Node, Tag, Value};

/// Decodes one MessagePack value filling the payload.
pub(crate) fn decode(payload: &[u8], b: &mut Budget) -> Result<Node, Error> {
    let mut r = Reader { s: payload, i: 0 };
    let node = value(&mut r, b, 0)?;
    if r.i < payload.len() {
        return Err(Error::new(r.i, ErrorKind::TrailingBytes));
    }
    Ok(node)
}

struct Reader<'a> {
    s: &'a [u8],
    i: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], Error> {
        let end = self.i.checked_add(n).filter(|&e| e <= self.s.len());
        let end = end.ok_or_else(|| Error::truncated(self.i))?;
        let out = &self.s[self.i..end];
        self.i = end;
        Ok(out)
    }

    /// A big-endian unsigned number of `n` (1, 2, 4 or 8) bytes.
    fn uint(&mut self, n: usize) -> Result<u64, Error> {
        Ok(self
            .take(n)?
            .iter()
            .fold(0u64, |a, &x| (a << 8) | u64::from(x)))
    }

    fn int(&mut self, n: usize) -> Result<i64, Error> {
        let shift = 64 - 8 * n as u32;
        Ok(((self.uint(n)? << shift) as i64) >> shift)
    }

    fn len(&mut self, n: usize) -> Result<usize, Error> {
        Ok(self.uint(n)? as usize)
    }
}

fn value(r: &mut Reader<'_>, b: &mut Budget, depth: usize) -> Result<Node, Error> {
    let start = r.i;
    b.node(start)?;
    let marker = Marker::from_u8(r.take(1)?[0]);
    let v = match marker {
        Marker::Null => Value::Null,
        Marker::True => Value::Bool(true),
        Marker::False => Value::Bool(false),
        Marker::FixPos(n) => Value::Integer(n.into()),
        Marker::FixNeg(n) => Value::Integer(n.into()),
        Marker::U8 => Value::Integer(r.uint(1)?.into()),
        Marker::U16 => Value::Integer(r.uint(2)?.into()),
        Marker::U32 => Value::Integer(r.uint(4)?.into()),
        Marker::U64 => Value::Integer(r.uint(8)?.into()),
        Marker::I8 => Value::Integer(r.int(1)?.into()),
        Marker::I16 => Value::Integer(r.int(2)?.into()),
        Marker::I32 => Value::Integer(r.int(4)?.into()),
        Marker::I64 => Value::Integer(r.int(8)?.into()),
        Marker::F32 => Value::Float(f32::from_bits(r.uint(4)? as u32).into()),
        Marker::F64 => Value::Float(f64::from_bits(r.uint(8)?)),
        Marker::FixStr(n) => text(r, b, n.into(), start)?,
        Marker::Str8 => {
            let n = r.len(1)?;
            text(r, b, n, start)?
        }
        Marker::Str16 => {
            let n = r.len(2)?;
            text(r, b, n, start)?
        }
        Marker::Str32 => {
            let n = r.len(4)?;
            text(r, b, n, start)?
        }
        Marker::Bin8 => {
            let n = r.len(1)?;
            bytes(r, b, n, start)?
        }
        Marker::Bin16 => {
            let n = r.len(2)?;
            bytes(r, b, n, start)?
        }
        Marker::Bin32 => {
            let n = r.len(4)?;
            bytes(r, b, n, start)?
        }
        Marker::FixArray(n) => array(r, b, n.into(), depth, start)?,
        Marker::Array16 => {
            let n = r.len(2)?;
            array(r, b, n, depth, start)?
        }
        Marker::Array32 => {
            let n = r.len(4)?;
            array(r, b, n, depth, start)?
        }
        Marker::FixMap(n) => map(r, b, n.into(), depth, start)?,
        Marker::Map16 => {
            let n = r.len(2)?;
            map(r, b, n, depth, start)?
        }
        Marker::Map32 => {
            let n = r.len(4)?;
            map(r, b, n, depth, start)?
        }
        Marker::FixExt1 => ext(r, b, 1)?,
        Marker::FixExt2 => ext(r, b, 2)?,
        Marker::FixExt4 => ext(r, b, 4)?,
        Marker::FixExt8 => ext(r, b, 8)?,
        Marker::FixExt16 => ext(r, b, 16)?,
        Marker::Ext8 => {
            let n = r.len(1)?;
            ext(r, b, n)?
        }
        Marker::Ext16 => {
            let n = r.len(2)?;
            ext(r, b, n)?
        }
        Marker::Ext32 => {
            let n = r.len(4)?;
            ext(r, b, n)?
        }
        Marker::Reserved => return Err(Error::invalid(start, "a type byte (0xc1 is never used)")),
    };
    Ok(Node::new(v, start..r.i))
}

fn text(r: &mut Reader<'_>, b: &mut Budget, n: usize, start: usize) -> Result<Value, Error> {
    b.bytes(n, start)?;
    let at = r.i;
    let raw = r.take(n)?;
    let s = std::str::from_utf8(raw)
        .map_err(|e| Error::new(at + e.valid_up_to(), ErrorKind::BadUtf8))?;
    Ok(Value::Text(s.to_string()))
}

fn bytes(r: &mut Reader<'_>, b: &mut Budget, n: usize, start: usize) -> Result<Value, Error> {
    b.bytes(n, start)?;
    Ok(Value::Bytes(r.take(n)?.to_vec()))
}

fn array(
    r: &mut Reader<'_>,
    b: &mut Budget,
    n: usize,
    depth: usize,
    start: usize,
) -> Result<Value, Error> {
    b.depth(depth + 1, start)?;
    // No capacity from the declared length: it may be a lie.
    let mut items = Vec::new();
    for _ in 0..n {
        items.push(value(r, b, depth + 1)?);
    }
    Ok(Value::Array(items))
}

fn map(
    r: &mut Reader<'_>,
    b: &mut Budget,
    n: usize,
    depth: usize,
    start: usize,
) -> Result<Value, Error> {
    b.depth(depth + 1, start)?;
    let mut entries = Vec::new();
    for _ in 0..n {
        let k = value(r, b, depth + 1)?;
        entries.push((k, value(r, b, depth + 1)?));
    }
    Ok(Value::Map(entries))
}

fn ext(r: &mut Reader<'_>, b: &mut Budget, n: usize) -> Result<Value, Error> {
    let ty = r.int(1)? as i8;
    let at = r.i;
    b.node(at)?;
    b.bytes(n, at)?;
    let data = Node::new(Value::Bytes(r.take(n)?.to_vec()), at..at + n);
    Ok(Value::Tagged(Tag::MsgPackExt(ty), Box::new(data)))
}
