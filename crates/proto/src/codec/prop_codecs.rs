//! One value codec per wire type of MQTT 5 property (2.2.2.2): how a value is read (with
//! its range checks), measured, written, and checked before sending, and how it is handed
//! out by an accessor: from a typed set ([`PropCodec::view`]) or from a block the decoder
//! already validated ([`PropView::parse`], which checks nothing but that the bytes are
//! there). The property sets of [`super::properties`] name these per field.

use std::borrow::Cow;
use std::num::{NonZeroU16, NonZeroU32};

use super::error::{DecodeErrorKind, UsageError};
use super::properties::{id, prefixed_len, UserProperty};
use super::reader::{Meta, Reader, Res, Trace};
use super::string::{check_outgoing, validate_str, StrKind};
use super::{varint, ProtocolVersion, QoS};

/// How an accessor hands out one wire type of property value, and how it reads one from a
/// validated block.
pub(crate) trait PropView {
    /// The value as handed out, borrowing for `'s`.
    type Ref<'s>;
    /// The value whose bytes (length prefixes included) are exactly `b`, from a block the
    /// decoder validated; `None` only if `b` is not such a value.
    fn parse(b: &[u8]) -> Option<Self::Ref<'_>>;
    /// The size of the value at the start of `b` when it passes every check
    /// [`PropCodec::read`] makes (an MQTT 5 block); `None` when it does not or is cut short,
    /// and the full reader then says why.
    fn valid_len(b: &[u8]) -> Option<usize>;
}

/// How one wire type of property value is read, measured, written and checked.
pub(crate) trait PropCodec<'a, V>: PropView {
    /// Reads and checks a value, tracing it.
    fn read<T: Trace>(r: &mut Reader<'a, '_, T>, m: &Meta, id: u8) -> Res<V>;
    /// A typed value, as handed out.
    fn view(v: &V) -> Self::Ref<'_>;
    /// A typed value from one handed out, borrowing the same bytes.
    fn own(r: Self::Ref<'a>) -> V;
    fn len(v: &V) -> usize;
    fn write(v: &V, out: &mut Vec<u8>);
    fn check(_v: &V, _name: &'static str, _version: ProtocolVersion) -> Result<(), UsageError> {
        Ok(())
    }
}

fn bad_value(start: usize, id: u8, value: u32, rule: &'static str) -> super::DecodeError {
    super::DecodeError::new(
        start,
        DecodeErrorKind::InvalidPropertyValue { id, value },
        rule,
    )
}

/// A Byte that must be 0 or 1.
pub(crate) struct Flag;
impl PropView for Flag {
    type Ref<'s> = bool;
    fn parse(b: &[u8]) -> Option<bool> {
        match b {
            [0] => Some(false),
            [1] => Some(true),
            _ => None,
        }
    }
    #[inline]
    fn valid_len(b: &[u8]) -> Option<usize> {
        b.first().filter(|&&v| v <= 1).map(|_| 1)
    }
}
impl<'a> PropCodec<'a, bool> for Flag {
    fn view(v: &bool) -> bool {
        *v
    }
    fn own(r: bool) -> bool {
        r
    }
    fn read<T: Trace>(r: &mut Reader<'a, '_, T>, m: &Meta, id: u8) -> Res<bool> {
        let start = r.pos();
        let b = r.u8(m)?;
        if b > 1 {
            return Err(bad_value(start, id, b.into(), m.section));
        }
        Ok(b == 1)
    }
    fn len(_: &bool) -> usize {
        1
    }
    fn write(v: &bool, out: &mut Vec<u8>) {
        out.push(u8::from(*v));
    }
}

/// Maximum QoS: a Byte that must be 0 or 1 (3.2.2.3.4).
pub(crate) struct MaxQos;
impl PropView for MaxQos {
    type Ref<'s> = QoS;
    fn parse(b: &[u8]) -> Option<QoS> {
        match b {
            [0] => Some(QoS::AtMostOnce),
            [1] => Some(QoS::AtLeastOnce),
            _ => None,
        }
    }
    #[inline]
    fn valid_len(b: &[u8]) -> Option<usize> {
        Flag::valid_len(b)
    }
}
impl<'a> PropCodec<'a, QoS> for MaxQos {
    fn view(v: &QoS) -> QoS {
        *v
    }
    fn own(r: QoS) -> QoS {
        r
    }
    fn read<T: Trace>(r: &mut Reader<'a, '_, T>, m: &Meta, id: u8) -> Res<QoS> {
        let start = r.pos();
        let b = r.u8(m)?;
        match b {
            0 => Ok(QoS::AtMostOnce),
            1 => Ok(QoS::AtLeastOnce),
            _ => Err(bad_value(start, id, b.into(), m.section)),
        }
    }
    fn len(_: &QoS) -> usize {
        1
    }
    fn write(v: &QoS, out: &mut Vec<u8>) {
        out.push(*v as u8);
    }
    fn check(v: &QoS, name: &'static str, _: ProtocolVersion) -> Result<(), UsageError> {
        match v {
            QoS::ExactlyOnce => Err(UsageError::InvalidPropertyValue { property: name }),
            _ => Ok(()),
        }
    }
}

/// A big-endian integer codec: `$codec` for `$int`, `$n` bytes on the wire, read with
/// `Reader::$read`. The four fixed-size integer wire types differ only in these.
macro_rules! int_codec {
    ($(#[$doc:meta])* $codec:ident, $int:ty, $n:literal, $read:ident) => {
        $(#[$doc])*
        pub(crate) struct $codec;
        impl PropView for $codec {
            type Ref<'s> = $int;
            fn parse(b: &[u8]) -> Option<$int> {
                Some(<$int>::from_be_bytes(*b.first_chunk::<$n>()?))
            }
            #[inline]
            fn valid_len(b: &[u8]) -> Option<usize> {
                b.first_chunk::<$n>().map(|_| $n)
            }
        }
        impl<'a> PropCodec<'a, $int> for $codec {
            fn view(v: &$int) -> $int {
                *v
            }
            fn own(r: $int) -> $int {
                r
            }
            fn read<T: Trace>(r: &mut Reader<'a, '_, T>, m: &Meta, _: u8) -> Res<$int> {
                r.$read(m)
            }
            fn len(_: &$int) -> usize {
                $n
            }
            fn write(v: &$int, out: &mut Vec<u8>) {
                out.extend_from_slice(&v.to_be_bytes());
            }
        }
    };
}

/// The same for an integer that must not be 0: `$codec` for `$nz` (a `NonZero` type),
/// parsed as `$plain`; a 0 is refused naming the rule `$rule(id, meta)` gives.
macro_rules! nonzero_int_codec {
    ($(#[$doc:meta])* $codec:ident, $nz:ty, $plain:ident, $n:literal, $read:ident, $rule:expr) => {
        $(#[$doc])*
        pub(crate) struct $codec;
        impl PropView for $codec {
            type Ref<'s> = $nz;
            fn parse(b: &[u8]) -> Option<$nz> {
                <$nz>::new($plain::parse(b)?)
            }
            #[inline]
            fn valid_len(b: &[u8]) -> Option<usize> {
                b.first_chunk::<$n>().filter(|v| **v != [0; $n]).map(|_| $n)
            }
        }
        impl<'a> PropCodec<'a, $nz> for $codec {
            fn view(v: &$nz) -> $nz {
                *v
            }
            fn own(r: $nz) -> $nz {
                r
            }
            fn read<T: Trace>(r: &mut Reader<'a, '_, T>, m: &Meta, id: u8) -> Res<$nz> {
                let start = r.pos();
                let v = r.$read(m)?;
                <$nz>::new(v).ok_or_else(|| bad_value(start, id, 0, $rule(id, m)))
            }
            fn len(_: &$nz) -> usize {
                $n
            }
            fn write(v: &$nz, out: &mut Vec<u8>) {
                out.extend_from_slice(&v.get().to_be_bytes());
            }
        }
    };
}

int_codec!(
    /// A Two Byte Integer.
    U16, u16, 2, u16
);
nonzero_int_codec!(
    /// A Two Byte Integer that must not be 0 (Receive Maximum, Topic Alias [MQTT-3.3.2-8]).
    U16Nz, NonZeroU16, U16, 2, u16, nonzero_rule
);
int_codec!(
    /// A Four Byte Integer.
    U32, u32, 4, u32
);
nonzero_int_codec!(
    /// A Four Byte Integer that must not be 0 (Maximum Packet Size).
    U32Nz, NonZeroU32, U32, 4, u32, section_rule
);

/// The rule a 0 breaks: Topic Alias has its own statement, the others their section.
fn nonzero_rule(id: u8, m: &Meta) -> &'static str {
    match id {
        id::TOPIC_ALIAS => "MQTT-3.3.2-8",
        _ => m.section,
    }
}

/// The property's section, as the rule a bad value breaks.
fn section_rule(_: u8, m: &Meta) -> &'static str {
    m.section
}

/// A Variable Byte Integer that must not be 0 (Subscription Identifier, 3.8.2.1.2).
pub(crate) struct VarIntNz;
impl PropView for VarIntNz {
    type Ref<'s> = NonZeroU32;
    fn parse(b: &[u8]) -> Option<NonZeroU32> {
        match varint::parse(b, ProtocolVersion::V5) {
            Ok(Some((v, n))) if n == b.len() => NonZeroU32::new(v),
            _ => None,
        }
    }
    #[inline]
    fn valid_len(b: &[u8]) -> Option<usize> {
        match varint::parse(b.get(..4).unwrap_or(b), ProtocolVersion::V5) {
            Ok(Some((v, n))) if v != 0 => Some(n),
            _ => None,
        }
    }
}
impl<'a> PropCodec<'a, NonZeroU32> for VarIntNz {
    fn view(v: &NonZeroU32) -> NonZeroU32 {
        *v
    }
    fn own(r: NonZeroU32) -> NonZeroU32 {
        r
    }
    fn read<T: Trace>(r: &mut Reader<'a, '_, T>, m: &Meta, id: u8) -> Res<NonZeroU32> {
        let start = r.pos();
        let v = r.varint(m)?;
        NonZeroU32::new(v).ok_or_else(|| bad_value(start, id, 0, m.section))
    }
    fn len(v: &NonZeroU32) -> usize {
        varint::len(v.get())
    }
    fn write(v: &NonZeroU32, out: &mut Vec<u8>) {
        varint::write(out, v.get());
    }
    fn check(v: &NonZeroU32, name: &'static str, _: ProtocolVersion) -> Result<(), UsageError> {
        if v.get() > varint::MAX {
            return Err(UsageError::InvalidPropertyValue { property: name });
        }
        Ok(())
    }
}

/// The size of a length-prefixed string of `kind` at the start of `b`, when it is valid.
#[inline(always)]
fn valid_str_len(b: &[u8], kind: StrKind) -> Option<usize> {
    let n = prefixed_len(b)?;
    let s = b.get(2..n)?;
    validate_str(s, kind, ProtocolVersion::V5).ok().map(|_| n)
}

/// A UTF-8 Encoded String.
pub(crate) struct Utf8;
impl PropView for Utf8 {
    type Ref<'s> = &'s str;
    fn parse(b: &[u8]) -> Option<&str> {
        std::str::from_utf8(b.get(2..)?).ok()
    }
    #[inline(always)]
    fn valid_len(b: &[u8]) -> Option<usize> {
        valid_str_len(b, StrKind::Plain)
    }
}
impl<'a> PropCodec<'a, Cow<'a, str>> for Utf8 {
    fn view<'s>(v: &'s Cow<'a, str>) -> &'s str {
        v
    }
    fn own(r: &'a str) -> Cow<'a, str> {
        Cow::Borrowed(r)
    }
    fn read<T: Trace>(r: &mut Reader<'a, '_, T>, m: &Meta, _: u8) -> Res<Cow<'a, str>> {
        r.str(m, StrKind::Plain)
    }
    fn len(v: &Cow<'a, str>) -> usize {
        2 + v.len()
    }
    fn write(v: &Cow<'a, str>, out: &mut Vec<u8>) {
        super::write_str(out, v);
    }
    fn check(
        v: &Cow<'a, str>,
        name: &'static str,
        version: ProtocolVersion,
    ) -> Result<(), UsageError> {
        check_outgoing(v, StrKind::Plain, name, version)
    }
}

/// A Response Topic: a Topic Name, so no wildcards [MQTT-3.3.2-14].
pub(crate) struct TopicUtf8;
impl PropView for TopicUtf8 {
    type Ref<'s> = &'s str;
    fn parse(b: &[u8]) -> Option<&str> {
        Utf8::parse(b)
    }
    #[inline]
    fn valid_len(b: &[u8]) -> Option<usize> {
        valid_str_len(b, StrKind::TopicName)
    }
}
impl<'a> PropCodec<'a, Cow<'a, str>> for TopicUtf8 {
    fn view<'s>(v: &'s Cow<'a, str>) -> &'s str {
        v
    }
    fn own(r: &'a str) -> Cow<'a, str> {
        Cow::Borrowed(r)
    }
    fn read<T: Trace>(r: &mut Reader<'a, '_, T>, m: &Meta, _: u8) -> Res<Cow<'a, str>> {
        r.str(m, StrKind::TopicName).map_err(|mut e| {
            if e.kind == DecodeErrorKind::WildcardInTopicName {
                e.rule = "MQTT-3.3.2-14";
            }
            e
        })
    }
    fn len(v: &Cow<'a, str>) -> usize {
        2 + v.len()
    }
    fn write(v: &Cow<'a, str>, out: &mut Vec<u8>) {
        super::write_str(out, v);
    }
    fn check(
        v: &Cow<'a, str>,
        name: &'static str,
        version: ProtocolVersion,
    ) -> Result<(), UsageError> {
        check_outgoing(v, StrKind::TopicName, name, version)
    }
}

/// Binary Data.
pub(crate) struct Bin;
impl PropView for Bin {
    type Ref<'s> = &'s [u8];
    fn parse(b: &[u8]) -> Option<&[u8]> {
        b.get(2..)
    }
    #[inline]
    fn valid_len(b: &[u8]) -> Option<usize> {
        prefixed_len(b).filter(|&n| n <= b.len())
    }
}
impl<'a> PropCodec<'a, Cow<'a, [u8]>> for Bin {
    fn view<'s>(v: &'s Cow<'a, [u8]>) -> &'s [u8] {
        v
    }
    fn own(r: &'a [u8]) -> Cow<'a, [u8]> {
        Cow::Borrowed(r)
    }
    fn read<T: Trace>(r: &mut Reader<'a, '_, T>, m: &Meta, _: u8) -> Res<Cow<'a, [u8]>> {
        r.bin(m)
    }
    fn len(v: &Cow<'a, [u8]>) -> usize {
        2 + v.len()
    }
    fn write(v: &Cow<'a, [u8]>, out: &mut Vec<u8>) {
        super::write_bin(out, v);
    }
    fn check(v: &Cow<'a, [u8]>, name: &'static str, _: ProtocolVersion) -> Result<(), UsageError> {
        super::check_bin(v, name)
    }
}

/// A UTF-8 String Pair (User Property).
pub(crate) struct Pair;
/// Handed out as a `(name, value)` pair of `&str`.
impl PropView for Pair {
    type Ref<'s> = (&'s str, &'s str);
    fn parse(b: &[u8]) -> Option<(&str, &str)> {
        let (name, value) = b.split_at_checked(prefixed_len(b)?)?;
        Some((Utf8::parse(name)?, Utf8::parse(value)?))
    }
    #[inline(always)]
    fn valid_len(b: &[u8]) -> Option<usize> {
        let name = Utf8::valid_len(b)?;
        Some(name + Utf8::valid_len(b.get(name..)?)?)
    }
}
impl<'a> PropCodec<'a, UserProperty<'a>> for Pair {
    fn view<'s>(v: &'s UserProperty<'a>) -> (&'s str, &'s str) {
        (&v.name, &v.value)
    }
    fn own((name, value): (&'a str, &'a str)) -> UserProperty<'a> {
        UserProperty::new(name, value)
    }
    fn read<T: Trace>(r: &mut Reader<'a, '_, T>, m: &Meta, _: u8) -> Res<UserProperty<'a>> {
        let name = r.str(
            &Meta::new("name", "User Property name", m.section),
            StrKind::Plain,
        )?;
        let value = r.str(
            &Meta::new("value", "User Property value", m.section),
            StrKind::Plain,
        )?;
        Ok(UserProperty { name, value })
    }
    fn len(v: &UserProperty<'a>) -> usize {
        4 + v.name.len() + v.value.len()
    }
    fn write(v: &UserProperty<'a>, out: &mut Vec<u8>) {
        super::write_str(out, &v.name);
        super::write_str(out, &v.value);
    }
    fn check(
        v: &UserProperty<'a>,
        name: &'static str,
        version: ProtocolVersion,
    ) -> Result<(), UsageError> {
        check_outgoing(&v.name, StrKind::Plain, name, version)?;
        check_outgoing(&v.value, StrKind::Plain, name, version)
    }
}
