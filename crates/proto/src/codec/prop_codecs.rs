//! One value codec per wire type of MQTT 5 property (2.2.2.2): how a value is read (with
//! its range checks), measured, written, and checked before sending. The property sets of
//! [`super::properties`] name these per field.

use std::borrow::Cow;
use std::num::{NonZeroU16, NonZeroU32};

use super::error::{DecodeErrorKind, UsageError};
use super::properties::{id, UserProperty};
use super::reader::{Meta, Reader, Res, Trace};
use super::string::{check_outgoing, StrKind};
use super::{varint, ProtocolVersion, QoS};

/// How one wire type of property value is read, measured, written and checked.
pub(crate) trait PropCodec<'a, V> {
    fn read<T: Trace>(r: &mut Reader<'a, '_, T>, m: &Meta, id: u8) -> Res<V>;
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
impl<'a> PropCodec<'a, bool> for Flag {
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
impl<'a> PropCodec<'a, QoS> for MaxQos {
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

/// A Two Byte Integer.
pub(crate) struct U16;
impl<'a> PropCodec<'a, u16> for U16 {
    fn read<T: Trace>(r: &mut Reader<'a, '_, T>, m: &Meta, _: u8) -> Res<u16> {
        r.u16(m)
    }
    fn len(_: &u16) -> usize {
        2
    }
    fn write(v: &u16, out: &mut Vec<u8>) {
        out.extend_from_slice(&v.to_be_bytes());
    }
}

/// A Two Byte Integer that must not be 0 (Receive Maximum, Topic Alias [MQTT-3.3.2-8]).
pub(crate) struct U16Nz;
impl<'a> PropCodec<'a, NonZeroU16> for U16Nz {
    fn read<T: Trace>(r: &mut Reader<'a, '_, T>, m: &Meta, id: u8) -> Res<NonZeroU16> {
        let start = r.pos();
        let v = r.u16(m)?;
        NonZeroU16::new(v).ok_or_else(|| bad_value(start, id, 0, nonzero_rule(id, m)))
    }
    fn len(_: &NonZeroU16) -> usize {
        2
    }
    fn write(v: &NonZeroU16, out: &mut Vec<u8>) {
        out.extend_from_slice(&v.get().to_be_bytes());
    }
}

fn nonzero_rule(id: u8, m: &Meta) -> &'static str {
    match id {
        id::TOPIC_ALIAS => "MQTT-3.3.2-8",
        _ => m.section,
    }
}

/// A Four Byte Integer.
pub(crate) struct U32;
impl<'a> PropCodec<'a, u32> for U32 {
    fn read<T: Trace>(r: &mut Reader<'a, '_, T>, m: &Meta, _: u8) -> Res<u32> {
        r.u32(m)
    }
    fn len(_: &u32) -> usize {
        4
    }
    fn write(v: &u32, out: &mut Vec<u8>) {
        out.extend_from_slice(&v.to_be_bytes());
    }
}

/// A Four Byte Integer that must not be 0 (Maximum Packet Size).
pub(crate) struct U32Nz;
impl<'a> PropCodec<'a, NonZeroU32> for U32Nz {
    fn read<T: Trace>(r: &mut Reader<'a, '_, T>, m: &Meta, id: u8) -> Res<NonZeroU32> {
        let start = r.pos();
        let v = r.u32(m)?;
        NonZeroU32::new(v).ok_or_else(|| bad_value(start, id, 0, m.section))
    }
    fn len(_: &NonZeroU32) -> usize {
        4
    }
    fn write(v: &NonZeroU32, out: &mut Vec<u8>) {
        out.extend_from_slice(&v.get().to_be_bytes());
    }
}

/// A Variable Byte Integer that must not be 0 (Subscription Identifier, 3.8.2.1.2).
pub(crate) struct VarIntNz;
impl<'a> PropCodec<'a, NonZeroU32> for VarIntNz {
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

/// A UTF-8 Encoded String.
pub(crate) struct Utf8;
impl<'a> PropCodec<'a, Cow<'a, str>> for Utf8 {
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
impl<'a> PropCodec<'a, Cow<'a, str>> for TopicUtf8 {
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
impl<'a> PropCodec<'a, Cow<'a, [u8]>> for Bin {
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
impl<'a> PropCodec<'a, UserProperty<'a>> for Pair {
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
