//! MQTT 5 properties (2.2.2): a validating pass over a property block, one value codec per
//! wire type, and a macro that declares each packet's property set.
//!
//! A packet's property set is declared once, as a struct with an `Option` per single-use
//! property and a `Vec` per repeatable one (User Property, and Subscription Identifier in
//! PUBLISH), so a property that the packet may not carry cannot be represented. Decoding
//! rejects a property the packet may not carry and a single-use property seen twice
//! (Protocol Error, 2.2.2.2); User Properties keep their order and may repeat names
//! [MQTT-3.3.2-17] [MQTT-3.3.2-18].
//!
//! # Decoded properties stay a validated raw block
//!
//! A packet holds its properties as a [`Props`], in one of two forms:
//!
//! - **raw**, what the decoder produces: the slice of the input the block covers, and
//!   nothing else. Before keeping it, decoding checks everything a receiver can check in
//!   the block: each identifier names a property this packet may carry, no single-use
//!   property repeats, strings are well-formed UTF-8 without U+0000 (a Response Topic
//!   without wildcards), Variable Byte Integers are minimal, values are in range (flags 0
//!   or 1, Topic Alias, Receive Maximum, Subscription Identifier not 0, ...). Errors are the
//!   same, at the same byte offsets and with the same rules, as for any other field.
//! - **typed**: the declared struct, boxed. A caller builds one to send, and
//!   `Props::to_mut` turns a raw block into one before editing it.
//!
//! Why raw: the typed set needs a box, and a vector for the User Properties, so decoding
//! it costs two allocations per packet, and most receivers read a property or two, if
//! any. Raw, decoding a PUBLISH with User Properties allocates nothing (a test counts the
//! allocations) and a packet whose properties nobody reads pays for the check only.
//!
//! The check runs in one of two passes over the same rules. The full pass reads the block
//! through the codec's reader, tracing every field for the dissector and naming the first
//! fault; the quick pass (`PropertySet::scan`) walks the bytes alone and only says yes
//! or no, and the decoder's one-pass packet readers use it, falling back to the full pass
//! to report a fault. A property test holds the two passes to the same verdict on
//! arbitrary blocks for every property set.
//!
//! Values are read on demand, by accessors named after the fields (`props.topic_alias()`,
//! `props.content_type()`, `props.user_properties()`), alike for both forms. What an
//! access costs on a raw block: a walk from the block's start, stepping over the other
//! properties by their wire type (a few instructions each); strings come out borrowed from
//! the input, checked once more as UTF-8 by the standard library's fast check (the crate
//! uses no `unsafe` to skip it); nothing else is checked again, and nothing is allocated.
//! Who reads many values many times can take the typed set once (`to_typed`, which
//! borrows the strings and allocates for repeated properties only).
//!
//! Encoding writes a raw block back exactly as it arrived, so `encode(decode(bytes))` is
//! the input byte for byte; a typed set is written in declaration order. Two sets compare
//! equal when their property values do, whatever their form.

use std::borrow::Cow;
use std::num::{NonZeroU16, NonZeroU32};

use super::error::{DecodeErrorKind, UsageError};
use super::reader::{Meta, Reader, Res, Trace};
use super::{varint, ProtocolVersion, QoS};
use crate::dissect::Value;

/// Property identifiers (Table 2-4).
#[allow(missing_docs)]
pub mod id {
    pub const PAYLOAD_FORMAT_INDICATOR: u8 = 0x01;
    pub const MESSAGE_EXPIRY_INTERVAL: u8 = 0x02;
    pub const CONTENT_TYPE: u8 = 0x03;
    pub const RESPONSE_TOPIC: u8 = 0x08;
    pub const CORRELATION_DATA: u8 = 0x09;
    pub const SUBSCRIPTION_IDENTIFIER: u8 = 0x0B;
    pub const SESSION_EXPIRY_INTERVAL: u8 = 0x11;
    pub const ASSIGNED_CLIENT_IDENTIFIER: u8 = 0x12;
    pub const SERVER_KEEP_ALIVE: u8 = 0x13;
    pub const AUTHENTICATION_METHOD: u8 = 0x15;
    pub const AUTHENTICATION_DATA: u8 = 0x16;
    pub const REQUEST_PROBLEM_INFORMATION: u8 = 0x17;
    pub const WILL_DELAY_INTERVAL: u8 = 0x18;
    pub const REQUEST_RESPONSE_INFORMATION: u8 = 0x19;
    pub const RESPONSE_INFORMATION: u8 = 0x1A;
    pub const SERVER_REFERENCE: u8 = 0x1C;
    pub const REASON_STRING: u8 = 0x1F;
    pub const RECEIVE_MAXIMUM: u8 = 0x21;
    pub const TOPIC_ALIAS_MAXIMUM: u8 = 0x22;
    pub const TOPIC_ALIAS: u8 = 0x23;
    pub const MAXIMUM_QOS: u8 = 0x24;
    pub const RETAIN_AVAILABLE: u8 = 0x25;
    pub const USER_PROPERTY: u8 = 0x26;
    pub const MAXIMUM_PACKET_SIZE: u8 = 0x27;
    pub const WILDCARD_SUBSCRIPTION_AVAILABLE: u8 = 0x28;
    pub const SUBSCRIPTION_IDENTIFIER_AVAILABLE: u8 = 0x29;
    pub const SHARED_SUBSCRIPTION_AVAILABLE: u8 = 0x2A;
}

/// How a property's value is laid out on the wire (2.2.2.2, Table 2-4).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Wire {
    /// One byte.
    Byte,
    /// A Two Byte Integer.
    TwoBytes,
    /// A Four Byte Integer.
    FourBytes,
    /// A Variable Byte Integer.
    VarInt,
    /// A UTF-8 Encoded String or Binary Data: two byte length, then the bytes.
    Prefixed,
    /// A UTF-8 String Pair: two length-prefixed strings.
    Pair,
}

/// Every property MQTT 5 defines: identifier, label, wire type.
const TABLE: [(u8, &str, Wire); 27] = [
    (0x01, "Payload Format Indicator", Wire::Byte),
    (0x02, "Message Expiry Interval", Wire::FourBytes),
    (0x03, "Content Type", Wire::Prefixed),
    (0x08, "Response Topic", Wire::Prefixed),
    (0x09, "Correlation Data", Wire::Prefixed),
    (0x0B, "Subscription Identifier", Wire::VarInt),
    (0x11, "Session Expiry Interval", Wire::FourBytes),
    (0x12, "Assigned Client Identifier", Wire::Prefixed),
    (0x13, "Server Keep Alive", Wire::TwoBytes),
    (0x15, "Authentication Method", Wire::Prefixed),
    (0x16, "Authentication Data", Wire::Prefixed),
    (0x17, "Request Problem Information", Wire::Byte),
    (0x18, "Will Delay Interval", Wire::FourBytes),
    (0x19, "Request Response Information", Wire::Byte),
    (0x1A, "Response Information", Wire::Prefixed),
    (0x1C, "Server Reference", Wire::Prefixed),
    (0x1F, "Reason String", Wire::Prefixed),
    (0x21, "Receive Maximum", Wire::TwoBytes),
    (0x22, "Topic Alias Maximum", Wire::TwoBytes),
    (0x23, "Topic Alias", Wire::TwoBytes),
    (0x24, "Maximum QoS", Wire::Byte),
    (0x25, "Retain Available", Wire::Byte),
    (0x26, "User Property", Wire::Pair),
    (0x27, "Maximum Packet Size", Wire::FourBytes),
    (0x28, "Wildcard Subscription Available", Wire::Byte),
    (0x29, "Subscription Identifier Available", Wire::Byte),
    (0x2A, "Shared Subscription Available", Wire::Byte),
];

/// The wire type of each identifier below 64 (all of them are), `None` where MQTT 5
/// defines no property.
const WIRES: [Option<Wire>; 64] = {
    let mut w = [None; 64];
    let mut i = 0;
    while i < TABLE.len() {
        w[TABLE[i].0 as usize] = Some(TABLE[i].2);
        i += 1;
    }
    w
};

/// The known identifiers as bits of a `u64`.
const KNOWN: u64 = {
    let mut bits = 0u64;
    let mut i = 0;
    while i < TABLE.len() {
        bits |= 1 << TABLE[i].0;
        i += 1;
    }
    bits
};

/// The specification's name of property `id`, or "unknown property".
pub fn property_label(id: u8) -> &'static str {
    TABLE
        .iter()
        .find(|(i, _, _)| *i == id)
        .map_or("unknown property", |(_, l, _)| l)
}

/// The wire type of property `id`, if MQTT 5 defines it.
fn wire(id: u8) -> Option<Wire> {
    WIRES.get(usize::from(id)).copied().flatten()
}

/// A User Property (3.3.2.3.7 and elsewhere): a name/value string pair. Names may repeat
/// and order is kept.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct UserProperty<'a> {
    /// The name.
    pub name: Cow<'a, str>,
    /// The value.
    pub value: Cow<'a, str>,
}

impl<'a> UserProperty<'a> {
    /// A pair from anything string-like.
    pub fn new(name: impl Into<Cow<'a, str>>, value: impl Into<Cow<'a, str>>) -> Self {
        UserProperty {
            name: name.into(),
            value: value.into(),
        }
    }

    /// Copies borrowed data so the pair outlives its input.
    pub fn into_owned(self) -> UserProperty<'static> {
        UserProperty {
            name: Cow::Owned(self.name.into_owned()),
            value: Cow::Owned(self.value.into_owned()),
        }
    }
}

/// A packet's property set `P`: a block of the input the decoder validated, or a typed
/// set built by the caller. See the [module documentation](self) for the design.
///
/// Read values with the accessors named after the properties (`props.topic_alias()`,
/// `props.user_properties()`); edit with [`Props::to_mut`]; build one for sending from
/// its typed set with `From`. Neither an empty set nor a decoded one allocates.
pub struct Props<'a, P> {
    pub(crate) repr: Repr<'a, P>,
}

/// The two forms of a [`Props`].
pub(crate) enum Repr<'a, P> {
    /// A block the decoder validated: its bytes after the Property Length, as received.
    Raw(&'a [u8]),
    /// A set built by the caller, or copied out of a block to edit it.
    Typed(Box<P>),
}

impl<'a, P> Props<'a, P> {
    /// An empty set, without allocating.
    pub const fn none() -> Self {
        Props {
            repr: Repr::Raw(&[]),
        }
    }

    /// The property block as it was received (without its Property Length), when these
    /// properties were decoded and not edited since.
    pub fn as_raw(&self) -> Option<&'a [u8]> {
        match self.repr {
            Repr::Raw(b) => Some(b),
            Repr::Typed(_) => None,
        }
    }

    /// The typed set, when there is one (built by the caller, or edited).
    pub fn as_typed(&self) -> Option<&P> {
        match &self.repr {
            Repr::Raw(_) => None,
            Repr::Typed(p) => Some(p),
        }
    }

    /// A validated block.
    pub(crate) fn raw(block: &'a [u8]) -> Self {
        Props {
            repr: Repr::Raw(block),
        }
    }
}

impl<P> Default for Props<'_, P> {
    fn default() -> Self {
        Props::none()
    }
}

impl<P: Clone> Clone for Props<'_, P> {
    fn clone(&self) -> Self {
        Props {
            repr: match &self.repr {
                Repr::Raw(b) => Repr::Raw(b),
                Repr::Typed(p) => Repr::Typed(p.clone()),
            },
        }
    }
}

impl<P> From<P> for Props<'_, P> {
    fn from(p: P) -> Self {
        Props {
            repr: Repr::Typed(Box::new(p)),
        }
    }
}

/// The encoder's and the accessors' view, for the declared sets (bounded per method, the
/// trait being the crate's own).
impl<'a, P> Props<'a, P> {
    /// Checks every value the caller set (a decoded block was checked when decoded).
    pub(crate) fn check(&self, version: ProtocolVersion) -> Result<(), UsageError>
    where
        P: PropertySet<'a>,
    {
        match &self.repr {
            Repr::Raw(_) => Ok(()),
            Repr::Typed(p) => p.check(version),
        }
    }

    /// Bytes of the block including its Property Length.
    pub(crate) fn block_len(&self) -> usize
    where
        P: PropertySet<'a>,
    {
        let body = match &self.repr {
            Repr::Raw(b) => b.len(),
            Repr::Typed(p) => p.body_len(),
        };
        varint::len(body as u32) + body
    }

    /// Writes the block including its Property Length: a decoded block as it came.
    pub(crate) fn write_block(&self, out: &mut Vec<u8>)
    where
        P: PropertySet<'a>,
    {
        match &self.repr {
            Repr::Raw(b) => {
                varint::write(out, b.len() as u32);
                out.extend_from_slice(b);
            }
            Repr::Typed(p) => {
                varint::write(out, p.body_len() as u32);
                p.write_body(out);
            }
        }
    }

    /// True when no property is set.
    pub(crate) fn is_none(&self) -> bool
    where
        P: PropertySet<'a>,
    {
        match &self.repr {
            Repr::Raw(b) => b.is_empty(),
            Repr::Typed(p) => p.is_none(),
        }
    }

    /// The typed set, borrowing strings from the block.
    pub(crate) fn typed_copy(&self) -> P
    where
        P: PropertySet<'a> + Clone,
    {
        match self.repr {
            Repr::Raw(b) => P::from_block(Block(b)),
            Repr::Typed(ref p) => (**p).clone(),
        }
    }

    /// The typed set, for editing: a raw block is copied into one first.
    pub(crate) fn typed_mut(&mut self) -> &mut P
    where
        P: PropertySet<'a>,
    {
        if let Repr::Raw(b) = self.repr {
            self.repr = Repr::Typed(Box::new(P::from_block(Block(b))));
        }
        match &mut self.repr {
            Repr::Typed(p) => p,
            Repr::Raw(_) => unreachable!("a raw block was just replaced"),
        }
    }

    /// The typed set, consuming the wrapper.
    pub(crate) fn into_typed(self) -> P
    where
        P: PropertySet<'a>,
    {
        match self.repr {
            Repr::Raw(b) => P::from_block(Block(b)),
            Repr::Typed(p) => *p,
        }
    }
}

/// A property block the decoder validated, walked one property at a time.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Block<'a>(pub(crate) &'a [u8]);

impl<'a> Block<'a> {
    /// The block's properties in order: identifier and value bytes (length prefixes
    /// included).
    pub(crate) fn entries(self) -> Entries<'a> {
        Entries(self.0)
    }

    /// The value bytes of the first property `id`.
    #[inline]
    pub(crate) fn find(self, id: u8) -> Option<&'a [u8]> {
        self.entries().find(|e| e.0 == id).map(|e| e.1)
    }

    /// The value bytes of every property `id`, in order.
    pub(crate) fn values(self, id: u8) -> impl Iterator<Item = &'a [u8]> {
        self.entries().filter(move |e| e.0 == id).map(|e| e.1)
    }
}

/// The properties of a [`Block`]. A block that is not well-formed (which the decoder
/// never produces) just ends early.
#[derive(Debug, Clone)]
pub(crate) struct Entries<'a>(&'a [u8]);

impl<'a> Iterator for Entries<'a> {
    type Item = (u8, &'a [u8]);

    #[inline]
    fn next(&mut self) -> Option<(u8, &'a [u8])> {
        let (&id, rest) = self.0.split_first()?;
        let (value, rest) = rest.split_at_checked(value_len(id, rest)?)?;
        self.0 = rest;
        Some((id, value))
    }
}

/// The size of the value of property `id` at the start of `rest`.
#[inline]
fn value_len(id: u8, rest: &[u8]) -> Option<usize> {
    Some(match wire(id)? {
        Wire::Byte => 1,
        Wire::TwoBytes => 2,
        Wire::FourBytes => 4,
        Wire::VarInt => 1 + rest.iter().take(4).position(|b| b & 0x80 == 0)?,
        Wire::Prefixed => prefixed_len(rest)?,
        Wire::Pair => {
            let name = prefixed_len(rest)?;
            name + prefixed_len(rest.get(name..)?)?
        }
    })
}

/// The size of a length-prefixed string or binary at the start of `b`, prefix included.
#[inline]
pub(crate) fn prefixed_len(b: &[u8]) -> Option<usize> {
    match b {
        [hi, lo, ..] => Some(2 + usize::from(u16::from_be_bytes([*hi, *lo]))),
        _ => None,
    }
}

pub(crate) use super::prop_codecs::{
    Bin, Flag, MaxQos, Pair, PropCodec, PropView, TopicUtf8, U16Nz, U32Nz, Utf8, VarIntNz, U16, U32,
};

/// A packet's typed property set, as [`property_set!`] declares it.
pub(crate) trait PropertySet<'a>: Sized {
    /// Checks the properties up to the reader's limit, tracing each, and returns the
    /// identifiers seen as bits of a `u64`.
    fn validate<T: Trace>(r: &mut Reader<'a, '_, T>) -> Res<u64>;
    /// The quick form of [`PropertySet::validate`] over a whole block: the same checks in
    /// one pass over the bytes, without tracing or saying what is wrong. `Some` exactly
    /// when `validate` accepts the block (a property test holds the two together), `None`
    /// otherwise, and then `validate` names the fault.
    fn scan(b: &[u8]) -> Option<u64>;
    /// The set a validated block holds, borrowing its strings.
    fn from_block(b: Block<'a>) -> Self;
    /// Bytes of all properties, without the Property Length.
    fn body_len(&self) -> usize;
    /// Writes all properties, without the Property Length.
    fn write_body(&self, out: &mut Vec<u8>);
    /// Checks every value the caller set.
    fn check(&self, version: ProtocolVersion) -> Result<(), UsageError>;
    /// True when no property is set.
    fn is_none(&self) -> bool;
}

/// Reads a Property Length and checks the properties it covers, keeping them as a raw
/// block: nothing is allocated.
#[inline]
pub(crate) fn read_props<'a, T: Trace, P: PropertySet<'a>>(
    r: &mut Reader<'a, '_, T>,
) -> Res<Props<'a, P>> {
    read_props_seen(r).map(|(p, _)| p)
}

/// [`read_props`], also returning the identifiers seen as bits of a `u64` (bit `id`), so
/// a decoder can tell whether a property is there without walking the block again.
#[inline]
pub(crate) fn read_props_seen<'a, T: Trace, P: PropertySet<'a>>(
    r: &mut Reader<'a, '_, T>,
) -> Res<(Props<'a, P>, u64)> {
    r.enter("properties");
    let len = r.varint(&Meta::new("length", "Property Length", "2.2.2.1"))?;
    let outer = r.limit(len as usize, "2.2.2.1")?;
    let start = r.pos();
    // The quick pass decides valid blocks; a fault, or a trace, takes the full one.
    let quick = if T::ON || !cfg!(feature = "fast-paths") {
        None
    } else {
        P::scan(r.rest())
    };
    let seen = match quick {
        Some(seen) => {
            r.skip(r.remaining());
            seen
        }
        None => P::validate(r)?,
    };
    let block = r.since(start);
    r.restore_end(outer);
    r.leave();
    Ok((Props::raw(block), seen))
}

/// The Property Length and the block at the start of `b`, when both are valid (the quick
/// pass, for the one-pass packet readers): the properties, the identifiers they hold as
/// bits of a `u64`, and the bytes used. `None` for anything else, which [`read_props`]
/// reports.
#[inline(always)]
pub(crate) fn quick_props<'a, P: PropertySet<'a>>(
    b: &'a [u8],
) -> Option<(Props<'a, P>, u64, usize)> {
    // The common lengths (under 128) first; a longer one must be minimal [MQTT-1.5.5-1].
    let (len, n) = match *b.first()? {
        len @ 0..0x80 => (usize::from(len), 1),
        _ => match varint::parse(b.get(..4).unwrap_or(b), ProtocolVersion::V5) {
            Ok(Some((len, n))) => (len as usize, n),
            _ => return None,
        },
    };
    let block = b.get(n..n.checked_add(len)?)?;
    let seen = if block.is_empty() { 0 } else { P::scan(block)? };
    Some((Props::raw(block), seen, n + len))
}

/// Reads a property identifier (a Variable Byte Integer) without tracing it; the property
/// set traces it once it knows the property's name. Every identifier MQTT 5 defines is a
/// single byte, which is the fast path; anything else is an error found by the full path.
#[inline(always)]
pub(crate) fn read_id<T: Trace>(r: &mut Reader<'_, '_, T>) -> Res<u8> {
    match r.peek() {
        Some(id) if id < 64 && KNOWN & (1 << id) != 0 => {
            r.skip(1);
            Ok(id)
        }
        _ => read_id_full(r),
    }
}

/// [`read_id`] for a multi-byte or unknown identifier, or a block cut short.
#[cold]
#[inline(never)]
fn read_id_full<T: Trace>(r: &mut Reader<'_, '_, T>) -> Res<u8> {
    let start = r.pos();
    let rest = r.remaining();
    let m = Meta::new("id", "Property Identifier", "2.2.2.2");
    let head = r.take(rest.min(4), &m)?;
    let (value, len) = match varint::parse(head, r.version) {
        Ok(Some(ok)) => ok,
        Ok(None) => {
            return Err(super::DecodeError::new(
                start + head.len(),
                too_short(),
                "2.2.2.2",
            ))
        }
        Err((at, kind, rule)) => return Err(super::DecodeError::new(start + at, kind, rule)),
    };
    r.rewind_to(start + len);
    match u8::try_from(value) {
        Ok(id) if wire(id).is_some() => Ok(id),
        _ => Err(super::DecodeError::new(
            start,
            DecodeErrorKind::UnknownProperty { id: value },
            "2.2.2.2",
        )),
    }
}

fn too_short() -> DecodeErrorKind {
    DecodeErrorKind::UnexpectedEnd {
        field: "Property Identifier",
        wanted: 1,
        available: 0,
    }
}

/// Records a property identifier field at `start..`, inside the property's group.
pub(crate) fn note_id<T: Trace>(
    r: &mut Reader<'_, '_, T>,
    start: usize,
    id: u8,
    section: &'static str,
) {
    r.note(
        start,
        &Meta::new("id", "Property Identifier", section),
        || Value::Named {
            code: id.into(),
            name: property_label(id),
        },
    );
}

/// The error for a property this packet may not carry.
#[cold]
pub(crate) fn not_allowed(id: u8, id_start: usize, context: &'static str) -> super::DecodeError {
    super::DecodeError::new(
        id_start,
        DecodeErrorKind::PropertyNotAllowed { id, context },
        "2.2.2.2",
    )
}

/// The error for a single-use property seen twice.
#[cold]
pub(crate) fn duplicate(id: u8, id_start: usize) -> super::DecodeError {
    super::DecodeError::new(
        id_start,
        DecodeErrorKind::DuplicateProperty { id },
        "2.2.2.2",
    )
}

// The `property_set!` macro that declares each packet's property set, and `prop_view!`.
#[path = "property_set.rs"]
mod set;
pub(crate) use set::{prop_view, property_set};

/// Detaches a value from the buffer it was decoded from.
pub trait IntoOwned {
    /// The same value with a `'static` lifetime.
    type Owned;
    /// Copies whatever is borrowed.
    fn into_owned(self) -> Self::Owned;
}

macro_rules! owned_as_is {
    ($($t:ty),*) => { $( impl IntoOwned for $t { type Owned = $t; fn into_owned(self) -> $t { self } } )* };
}
owned_as_is!(bool, u16, u32, NonZeroU16, NonZeroU32, QoS);

impl IntoOwned for Cow<'_, str> {
    type Owned = Cow<'static, str>;
    fn into_owned(self) -> Cow<'static, str> {
        Cow::Owned(Cow::into_owned(self))
    }
}

impl IntoOwned for Cow<'_, [u8]> {
    type Owned = Cow<'static, [u8]>;
    fn into_owned(self) -> Cow<'static, [u8]> {
        Cow::Owned(Cow::into_owned(self))
    }
}

impl IntoOwned for UserProperty<'_> {
    type Owned = UserProperty<'static>;
    fn into_owned(self) -> UserProperty<'static> {
        UserProperty::into_owned(self)
    }
}

#[cfg(test)]
#[path = "properties_tests.rs"]
mod tests;
