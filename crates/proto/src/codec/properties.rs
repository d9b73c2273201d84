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
    let quick = if T::ON { None } else { P::scan(r.rest()) };
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

/// The type an accessor hands a value of wire codec `$codec` out as (borrowing from the
/// set); [`PropView::Ref`] of the codec, spelled out for the public signatures.
macro_rules! prop_view {
    (Flag) => {
        bool
    };
    (MaxQos) => {
        $crate::codec::QoS
    };
    (U16) => {
        u16
    };
    (U16Nz) => {
        ::std::num::NonZeroU16
    };
    (U32) => {
        u32
    };
    (U32Nz) => {
        ::std::num::NonZeroU32
    };
    (VarIntNz) => {
        ::std::num::NonZeroU32
    };
    (Utf8) => {
        &str
    };
    (TopicUtf8) => {
        &str
    };
    (Bin) => {
        &[u8]
    };
    (Pair) => {
        (&str, &str)
    };
}
pub(crate) use prop_view;

/// Declares a packet's property set: the typed struct, its [`PropertySet`] impl (the
/// validating pass, reading a block into the struct, encoding) and, on its [`Props`], one
/// accessor per property.
///
/// `one` fields may appear once (`Option`), `many` fields repeat (`Vec`, order kept).
/// Each field names its identifier, its value codec and its spec section.
macro_rules! property_set {
    (
        $(#[$doc:meta])*
        $Name:ident in $context:literal {
            $( one $(#[$fdoc:meta])* $field:ident: $Ty:ty = $id:ident via $Codec:ident, $label:literal, $section:literal; )*
            $( many $(#[$mdoc:meta])* $mfield:ident: $MTy:ty = $mid:ident via $MCodec:ident, $mlabel:literal, $msection:literal; )*
        }
    ) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Default, PartialEq, Eq)]
        pub struct $Name<'a> {
            $( $(#[$fdoc])* pub $field: Option<$Ty>, )*
            $( $(#[$mdoc])* pub $mfield: Vec<$MTy>, )*
        }

        impl<'a> $crate::codec::properties::PropertySet<'a> for $Name<'a> {
            fn validate<T: $crate::codec::reader::Trace>(
                r: &mut $crate::codec::reader::Reader<'a, '_, T>,
            ) -> Result<u64, $crate::codec::DecodeError> {
                use $crate::codec::properties::{self as p, id, PropCodec};
                use $crate::codec::reader::Meta;
                let mut seen = 0u64;
                // The number of each repeatable property so far, for the trace's indexes.
                $( let mut $mfield = 0usize; )*
                while !r.is_empty() {
                    let id_start = r.pos();
                    let id = p::read_id(r)?;
                    // `read_id` returns only identifiers MQTT 5 defines, all below 64.
                    let bit = 1u64 << (id & 63);
                    match id {
                        $( id::$id => {
                            // A single-use property seen twice is a Protocol Error (2.2.2.2).
                            if seen & bit != 0 {
                                return Err(p::duplicate(id, id_start));
                            }
                            r.enter(stringify!($field));
                            p::note_id(r, id_start, id, $section);
                            r.leave();
                            let m = Meta::new(stringify!($field), $label, $section);
                            <p::$Codec as PropCodec<'a, $Ty>>::read(r, &m, id)?;
                        } )*
                        $( id::$mid => {
                            r.enter(stringify!($mfield));
                            r.enter_index($mfield);
                            p::note_id(r, id_start, id, $msection);
                            let m = Meta::new("value", $mlabel, $msection);
                            <p::$MCodec as PropCodec<'a, $MTy>>::read(r, &m, id)?;
                            $mfield += 1;
                            r.leave();
                            r.leave();
                        } )*
                        _ => return Err(p::not_allowed(id, id_start, $context)),
                    }
                    seen |= bit;
                }
                Ok(seen)
            }

            #[inline]
            fn scan(mut b: &[u8]) -> Option<u64> {
                use $crate::codec::properties::{self as p, id, PropView};
                let mut seen = 0u64;
                while let Some((&id, rest)) = b.split_first() {
                    // Only identifiers of this set match, all below 64; a single-use one
                    // matches once (2.2.2.2).
                    let bit = 1u64 << (id & 63);
                    let len = match id {
                        $( id::$id if seen & bit == 0 => <p::$Codec as PropView>::valid_len(rest)?, )*
                        $( id::$mid => <p::$MCodec as PropView>::valid_len(rest)?, )*
                        _ => return None,
                    };
                    seen |= bit;
                    b = rest.get(len..)?;
                }
                Some(seen)
            }

            fn from_block(b: $crate::codec::properties::Block<'a>) -> Self {
                use $crate::codec::properties::{self as p, id, PropCodec, PropView};
                let mut set = Self::default();
                for (id, v) in b.entries() {
                    match id {
                        $( id::$id => {
                            set.$field = <p::$Codec as PropView>::parse(v)
                                .map(<p::$Codec as PropCodec<'a, $Ty>>::own);
                        } )*
                        $( id::$mid => {
                            set.$mfield.extend(
                                <p::$MCodec as PropView>::parse(v)
                                    .map(<p::$MCodec as PropCodec<'a, $MTy>>::own),
                            );
                        } )*
                        _ => {}
                    }
                }
                set
            }

            fn body_len(&self) -> usize {
                use $crate::codec::properties::{self as p, PropCodec};
                let mut n = 0;
                $( if let Some(v) = &self.$field { n += 1 + <p::$Codec as PropCodec<'a, $Ty>>::len(v); } )*
                $( for v in &self.$mfield { n += 1 + <p::$MCodec as PropCodec<'a, $MTy>>::len(v); } )*
                n
            }

            fn write_body(&self, out: &mut Vec<u8>) {
                use $crate::codec::properties::{self as p, id, PropCodec};
                $( if let Some(v) = &self.$field {
                    out.push(id::$id);
                    <p::$Codec as PropCodec<'a, $Ty>>::write(v, out);
                } )*
                $( for v in &self.$mfield {
                    out.push(id::$mid);
                    <p::$MCodec as PropCodec<'a, $MTy>>::write(v, out);
                } )*
            }

            fn is_none(&self) -> bool {
                self.is_empty()
            }

            fn check(&self, version: $crate::codec::ProtocolVersion) -> Result<(), $crate::codec::UsageError> {
                use $crate::codec::properties::{self as p, PropCodec};
                $( if let Some(v) = &self.$field { <p::$Codec as PropCodec<'a, $Ty>>::check(v, $label, version)?; } )*
                $( for v in &self.$mfield { <p::$MCodec as PropCodec<'a, $MTy>>::check(v, $mlabel, version)?; } )*
                Ok(())
            }
        }

        impl $Name<'static> {
            /// The set with nothing in it.
            pub const EMPTY: $Name<'static> = $Name { $( $field: None, )* $( $mfield: Vec::new(), )* };
        }

        impl<'a> $Name<'a> {
            /// True when no property is set.
            pub fn is_empty(&self) -> bool {
                true $( && self.$field.is_none() )* $( && self.$mfield.is_empty() )*
            }

            /// Copies borrowed data so the set outlives its input.
            pub fn into_owned(self) -> $Name<'static> {
                $Name {
                    $( $field: self.$field.map($crate::codec::properties::IntoOwned::into_owned), )*
                    $( $mfield: self.$mfield.into_iter().map($crate::codec::properties::IntoOwned::into_owned).collect(), )*
                }
            }
        }

        impl<'a> $crate::codec::properties::Props<'a, $Name<'a>> {
            $(
                $(#[$fdoc])*
                ///
                /// On a decoded block this walks the block; it never allocates.
                #[inline]
                pub fn $field(&self) -> Option<$crate::codec::properties::prop_view!($Codec)> {
                    use $crate::codec::properties::{self as p, id, Block, PropCodec, PropView, Repr};
                    match &self.repr {
                        Repr::Raw(b) => Block(b).find(id::$id).and_then(<p::$Codec as PropView>::parse),
                        Repr::Typed(s) => s.$field.as_ref().map(|v| <p::$Codec as PropCodec<'a, $Ty>>::view(v)),
                    }
                }
            )*

            $(
                $(#[$mdoc])*
                ///
                /// On a decoded block this walks the block; it never allocates.
                pub fn $mfield(&self) -> impl Iterator<Item = $crate::codec::properties::prop_view!($MCodec)> + use<'_, 'a> {
                    use $crate::codec::properties::{self as p, id, Block, PropCodec, PropView, Repr};
                    let (typed, raw): (&[$MTy], &[u8]) = match &self.repr {
                        Repr::Raw(b) => (&[], *b),
                        Repr::Typed(s) => (&s.$mfield, &[]),
                    };
                    typed
                        .iter()
                        .map(|v| <p::$MCodec as PropCodec<'a, $MTy>>::view(v))
                        .chain(Block(raw).values(id::$mid).filter_map(<p::$MCodec as PropView>::parse))
                }
            )*

            /// True when no property is set.
            pub fn is_empty(&self) -> bool {
                self.is_none()
            }

            /// The typed set, borrowing strings from a decoded block (only repeated
            /// properties allocate); a clone of a typed one.
            pub fn to_typed(&self) -> $Name<'a> {
                self.typed_copy()
            }

            /// The typed set, to edit: a decoded block is first copied into one (encoded
            /// afterwards in declaration order).
            pub fn to_mut(&mut self) -> &mut $Name<'a> {
                self.typed_mut()
            }

            /// The typed set itself.
            pub fn into_inner(self) -> $Name<'a> {
                self.into_typed()
            }

            /// Copies borrowed data so the set outlives its input.
            pub fn into_owned(self) -> $crate::codec::properties::Props<'static, $Name<'static>> {
                if self.is_none() {
                    return $crate::codec::properties::Props::none();
                }
                self.into_typed().into_owned().into()
            }
        }

        impl<'a> PartialEq for $crate::codec::properties::Props<'a, $Name<'a>> {
            fn eq(&self, other: &Self) -> bool {
                if let (Some(a), Some(b)) = (self.as_raw(), other.as_raw()) {
                    if a == b {
                        return true;
                    }
                }
                true $( && self.$field() == other.$field() )*
                    $( && self.$mfield().eq(other.$mfield()) )*
            }
        }

        impl<'a> Eq for $crate::codec::properties::Props<'a, $Name<'a>> {}

        impl<'a> std::fmt::Debug for $crate::codec::properties::Props<'a, $Name<'a>> {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.debug_struct(stringify!($Name))
                    $( .field(stringify!($field), &self.$field()) )*
                    $( .field(stringify!($mfield), &self.$mfield().collect::<Vec<_>>()) )*
                    .finish()
            }
        }
    };
}
pub(crate) use property_set;

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
mod tests {
    use super::*;
    use crate::codec::reader::NoTrace;
    use crate::codec::{
        AckProperties, AuthProperties, ConnAckProperties, ConnectProperties, DisconnectProperties,
        Packet, Publish, PublishProperties, SubAckProperties, SubscribeProperties,
        UnsubAckProperties, UnsubscribeProperties, WillProperties,
    };
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    /// What the full pass says of `block`: the identifiers seen, or the error.
    fn validate<'a, P: PropertySet<'a>>(block: &'a [u8]) -> Res<u64> {
        let mut tr = NoTrace;
        let mut r = Reader::new(block, 0, block.len(), ProtocolVersion::V5, &mut tr);
        P::validate(&mut r)
    }

    /// Both passes over `block`, for every property set: same verdict, same identifiers.
    fn check_every_set(block: &[u8]) -> Result<(), String> {
        fn one<'a, P: PropertySet<'a>>(block: &'a [u8], name: &str) -> Result<(), String> {
            let full = validate::<P>(block).ok();
            let quick = P::scan(block);
            if full == quick {
                Ok(())
            } else {
                Err(format!(
                    "{name}: full {full:?}, quick {quick:?} on {block:02x?}"
                ))
            }
        }
        one::<PublishProperties>(block, "PUBLISH")?;
        one::<AckProperties>(block, "ack")?;
        one::<ConnectProperties>(block, "CONNECT")?;
        one::<WillProperties>(block, "will")?;
        one::<ConnAckProperties>(block, "CONNACK")?;
        one::<SubscribeProperties>(block, "SUBSCRIBE")?;
        one::<SubAckProperties>(block, "SUBACK")?;
        one::<UnsubscribeProperties>(block, "UNSUBSCRIBE")?;
        one::<UnsubAckProperties>(block, "UNSUBACK")?;
        one::<DisconnectProperties>(block, "DISCONNECT")?;
        one::<AuthProperties>(block, "AUTH")
    }

    #[test]
    fn quick_and_full_passes_agree_on_edge_values() {
        let cases: [&[u8]; 14] = [
            &[],
            &[0x01, 0x01],
            &[0x01, 0x02],
            &[0x23, 0x00, 0x00],
            &[0x23, 0x00],
            &[0x0b, 0x80, 0x00],
            &[0x0b, 0xff, 0xff, 0xff, 0x7f],
            &[0x0b, 0xff, 0xff, 0xff, 0xff, 0x01],
            &[0x08, 0x00, 0x01, b'#'],
            &[0x08, 0x00, 0x00],
            &[0x26, 0x00, 0x01, b'k', 0x00, 0x01, 0x00],
            &[0x26, 0x00, 0x01, b'k', 0x00, 0x02, 0xc3],
            &[0x81, 0x00, 0x00],
            &[0x02, 0, 0, 0, 1, 0x02, 0, 0, 0, 2],
        ];
        for block in cases {
            check_every_set(block).unwrap();
        }
    }

    /// Every PUBLISH property set, User Properties with a repeated name in between.
    fn full_publish_set() -> PublishProperties<'static> {
        PublishProperties {
            payload_format_indicator: Some(true),
            message_expiry_interval: Some(3600),
            topic_alias: NonZeroU16::new(7),
            response_topic: Some("replies/7".into()),
            correlation_data: Some(b"\x00req".as_slice().into()),
            content_type: Some("application/json".into()),
            user_properties: vec![
                UserProperty::new("k", "1"),
                UserProperty::new("unit", "celsius"),
                UserProperty::new("k", "2"),
            ],
            subscription_identifiers: vec![NonZeroU32::MIN, NonZeroU32::new(268_435_455).unwrap()],
        }
    }

    fn publish_with(props: PublishProperties<'static>) -> Vec<u8> {
        let mut p = Publish::new("t", b"{}".as_slice());
        p.properties = props.into();
        let mut out = Vec::new();
        Packet::Publish(p)
            .encode(ProtocolVersion::V5, &mut out)
            .unwrap();
        out
    }

    fn decode_publish(bytes: &[u8]) -> Publish<'_> {
        match Packet::decode_exact(bytes, ProtocolVersion::V5) {
            Ok(Packet::Publish(p)) => p,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn accessors_read_a_decoded_block_as_the_typed_set_holds_it() {
        let typed = full_publish_set();
        let bytes = publish_with(typed.clone());
        let p = decode_publish(&bytes);
        let (raw, built) = (&p.properties, Props::from(typed.clone()));
        // Decoded: the block itself, borrowed from the input.
        let block = raw.as_raw().unwrap();
        assert!(bytes.as_ptr_range().contains(&block.as_ptr()));
        assert!(raw.as_typed().is_none() && built.as_raw().is_none());
        for props in [raw, &built] {
            assert_eq!(props.payload_format_indicator(), Some(true));
            assert_eq!(props.message_expiry_interval(), Some(3600));
            assert_eq!(props.topic_alias(), NonZeroU16::new(7));
            assert_eq!(props.response_topic(), Some("replies/7"));
            assert_eq!(props.correlation_data(), Some(b"\x00req".as_slice()));
            assert_eq!(props.content_type(), Some("application/json"));
            assert_eq!(
                props.user_properties().collect::<Vec<_>>(),
                [("k", "1"), ("unit", "celsius"), ("k", "2")]
            );
            assert_eq!(
                props.subscription_identifiers().collect::<Vec<_>>(),
                typed.subscription_identifiers
            );
            assert!(!props.is_empty());
        }
        assert_eq!(raw.to_typed(), typed);
        assert_eq!(raw.clone().into_inner(), typed);
        assert_eq!(raw.clone().into_owned().as_typed(), Some(&typed));
        // Equal by value whatever the form, and shown alike.
        assert_eq!(*raw, built);
        assert_eq!(format!("{raw:?}"), format!("{built:?}"));
    }

    #[test]
    fn an_empty_block_reads_as_nothing() {
        let p = decode_publish(&[0x30, 0x04, 0x00, 0x01, b't', 0x00]);
        assert!(p.properties.is_empty());
        assert_eq!(p.properties.topic_alias(), None);
        assert_eq!(p.properties.user_properties().count(), 0);
        assert_eq!(p.properties, Props::none());
        assert_eq!(p.properties, Props::from(PublishProperties::default()));
    }

    #[test]
    fn a_decoded_block_is_written_back_as_it_came_until_edited() {
        // A User Property before the Topic Alias: not the order a typed set writes.
        let bytes = [
            0x30, 0x10, 0x00, 0x01, b't', 0x0a, 0x26, 0x00, 0x01, b'k', 0x00, 0x01, b'v', 0x23,
            0x00, 0x05, b'h', b'i',
        ];
        let mut p = decode_publish(&bytes);
        let mut out = Vec::new();
        Packet::Publish(p.clone())
            .encode(ProtocolVersion::V5, &mut out)
            .unwrap();
        assert_eq!(out, bytes);
        // Editing copies the block into a typed set, written in declaration order.
        p.properties.to_mut().content_type = Some("text/plain".into());
        assert!(p.properties.as_raw().is_none());
        assert_eq!(p.properties.topic_alias(), NonZeroU16::new(5));
        assert_eq!(p.properties.content_type(), Some("text/plain"));
        out.clear();
        Packet::Publish(p)
            .encode(ProtocolVersion::V5, &mut out)
            .unwrap();
        let mut expected = vec![0x30, 0x1d, 0x00, 0x01, b't', 0x17, 0x23, 0x00, 0x05, 0x03];
        expected.extend_from_slice(b"\x00\x0atext/plain");
        expected.extend_from_slice(&[0x26, 0x00, 0x01, b'k', 0x00, 0x01, b'v', b'h', b'i']);
        assert_eq!(out, expected);
    }

    #[cfg(not(target_arch = "wasm32"))]
    mod agreement {
        use proptest::prelude::*;

        use super::*;

        /// A length-prefixed string, mostly clean, over the bytes that matter.
        fn text() -> impl Strategy<Value = Vec<u8>> {
            let byte = prop_oneof![
                16 => Just(b'a'),
                1 => Just(0u8),
                1 => Just(b'+'),
                1 => Just(b'#'),
                1 => Just(0xc3),
                1 => Just(0xa9),
                1 => Just(0xff),
            ];
            prop::collection::vec(byte, 0..12).prop_map(|s| {
                let mut v = (s.len() as u16).to_be_bytes().to_vec();
                v.extend(s);
                v
            })
        }

        /// A value for property `id`: mostly of its wire type, sometimes anything.
        fn value(id: u8) -> BoxedStrategy<Vec<u8>> {
            let small = prop_oneof![Just(0u8), Just(1), Just(2), Just(0x80), any::<u8>()];
            let typed = match wire(id) {
                Some(Wire::Byte) => small.prop_map(|b| vec![b]).boxed(),
                Some(Wire::TwoBytes) => prop::collection::vec(small, 2).boxed(),
                Some(Wire::FourBytes) => prop::collection::vec(small, 4).boxed(),
                Some(Wire::VarInt) => prop_oneof![
                    (0u32..=varint::MAX).prop_map(|n| {
                        let mut v = Vec::new();
                        varint::write(&mut v, n >> (n % 28));
                        v
                    }),
                    prop::collection::vec(small, 1..6),
                ]
                .boxed(),
                Some(Wire::Prefixed) => text().boxed(),
                Some(Wire::Pair) | None => {
                    (text(), text()).prop_map(|(a, b)| [a, b].concat()).boxed()
                }
            };
            prop_oneof![
                16 => typed,
                1 => prop::collection::vec(any::<u8>(), 0..6),
            ]
            .boxed()
        }

        /// A block of up to five properties, mostly ones that PUBLISH, CONNECT or CONNACK
        /// may carry (so that many blocks are valid in one of them), sometimes any.
        fn block() -> impl Strategy<Value = Vec<u8>> {
            let publish = vec![0x01, 0x02, 0x03, 0x08, 0x09, 0x0b, 0x23, 0x26];
            let connect = vec![0x11, 0x15, 0x16, 0x17, 0x19, 0x21, 0x22, 0x26, 0x27];
            let connack = vec![0x11, 0x12, 0x13, 0x1a, 0x1c, 0x1f, 0x24, 0x25, 0x28, 0x2a];
            let all = TABLE.iter().map(|t| t.0).collect::<Vec<_>>();
            let ids = prop_oneof![Just(publish), Just(connect), Just(connack), Just(all)];
            ids.prop_flat_map(|ids| {
                let id = prop_oneof![
                    16 => prop::sample::select(ids),
                    1 => any::<u8>(),
                ];
                let property =
                    id.prop_flat_map(|id| value(id).prop_map(move |v| [vec![id], v].concat()));
                prop::collection::vec(property, 0..6).prop_map(|props| props.concat())
            })
        }

        proptest! {
            #![proptest_config(crate::codec::tests::properties_config())]

            /// The quick pass accepts exactly the blocks the full pass accepts, in every
            /// property set.
            #[test]
            fn quick_pass_accepts_what_the_full_pass_accepts(b in block()) {
                check_every_set(&b).map_err(TestCaseError::fail)?;
            }
        }
    }
}
