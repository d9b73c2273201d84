//! MQTT 5 properties (2.2.2): one generic reader over a bounded sub-reader, one value codec
//! per wire type, and a macro that declares each packet's typed property set.
//!
//! A packet's property set is a struct with an `Option` per single-use property and a
//! `Vec` per repeatable one (User Property, and Subscription Identifier in PUBLISH), so a
//! property that the packet may not carry cannot be represented. Decoding rejects a
//! property the packet may not carry and a single-use property seen twice (Protocol
//! Error, 2.2.2.2); User Properties keep their order and may repeat names
//! [MQTT-3.3.2-17] [MQTT-3.3.2-18].

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

/// Every property MQTT 5 defines: identifier, label.
const TABLE: [(u8, &str); 27] = [
    (0x01, "Payload Format Indicator"),
    (0x02, "Message Expiry Interval"),
    (0x03, "Content Type"),
    (0x08, "Response Topic"),
    (0x09, "Correlation Data"),
    (0x0B, "Subscription Identifier"),
    (0x11, "Session Expiry Interval"),
    (0x12, "Assigned Client Identifier"),
    (0x13, "Server Keep Alive"),
    (0x15, "Authentication Method"),
    (0x16, "Authentication Data"),
    (0x17, "Request Problem Information"),
    (0x18, "Will Delay Interval"),
    (0x19, "Request Response Information"),
    (0x1A, "Response Information"),
    (0x1C, "Server Reference"),
    (0x1F, "Reason String"),
    (0x21, "Receive Maximum"),
    (0x22, "Topic Alias Maximum"),
    (0x23, "Topic Alias"),
    (0x24, "Maximum QoS"),
    (0x25, "Retain Available"),
    (0x26, "User Property"),
    (0x27, "Maximum Packet Size"),
    (0x28, "Wildcard Subscription Available"),
    (0x29, "Subscription Identifier Available"),
    (0x2A, "Shared Subscription Available"),
];

/// The specification's name of property `id`, or "unknown property".
pub fn property_label(id: u8) -> &'static str {
    TABLE
        .iter()
        .find(|(i, _)| *i == id)
        .map_or("unknown property", |(_, l)| l)
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

/// A packet's property set, allocated only when there is any: most packets carry no
/// properties, and then this is one null pointer instead of the whole set.
///
/// Reads and writes reach the set's fields directly (`props.topic_alias`,
/// `props.reason_string = Some(..)`): an empty set reads as all-absent, and the first
/// write allocates it. Two sets compare equal when their properties do.
pub struct Props<P>(pub(crate) Option<Box<P>>);

impl<P> Props<P> {
    /// An empty set, without allocating.
    pub const fn none() -> Self {
        Props(None)
    }
}

impl<P> Default for Props<P> {
    fn default() -> Self {
        Props(None)
    }
}

impl<P: Clone> Clone for Props<P> {
    fn clone(&self) -> Self {
        Props(self.0.clone())
    }
}

impl<P> From<P> for Props<P> {
    fn from(p: P) -> Self {
        Props(Some(Box::new(p)))
    }
}

pub(crate) use super::prop_codecs::{
    Bin, Flag, MaxQos, Pair, PropCodec, TopicUtf8, U16Nz, U32Nz, Utf8, VarIntNz, U16, U32,
};

/// A packet's property set, read one property at a time by [`read_properties`].
pub(crate) trait PropertySet<'a>: Default {
    /// Reads the value of property `id` whose identifier started at `id_start`.
    fn read_one<T: Trace>(&mut self, r: &mut Reader<'a, '_, T>, id: u8, id_start: usize)
        -> Res<()>;
    /// Bytes of all properties, without the Property Length.
    fn body_len(&self) -> usize;
    /// Writes all properties, without the Property Length.
    fn write_body(&self, out: &mut Vec<u8>);
    /// Checks every value the caller set.
    fn check(&self, version: ProtocolVersion) -> Result<(), UsageError>;
    /// True when no property is set.
    fn is_none(&self) -> bool;
}

/// Reads a Property Length and the properties it covers, allocating only when there are
/// any.
pub(crate) fn read_props<'a, T: Trace, P: PropertySet<'a>>(
    r: &mut Reader<'a, '_, T>,
) -> Res<Props<P>> {
    let p: P = read_properties(r)?;
    Ok(if p.is_none() {
        Props(None)
    } else {
        Props(Some(Box::new(p)))
    })
}

/// Reads a Property Length and the properties it covers into `P`.
pub(crate) fn read_properties<'a, T: Trace, P: PropertySet<'a>>(
    r: &mut Reader<'a, '_, T>,
) -> Res<P> {
    r.enter("properties");
    let len = r.varint(&Meta::new("length", "Property Length", "2.2.2.1"))?;
    let outer = r.limit(len as usize, "2.2.2.1")?;
    let mut props = P::default();
    while !r.is_empty() {
        let id_start = r.pos();
        let id = read_id(r)?;
        props.read_one(r, id, id_start)?;
    }
    r.restore_end(outer);
    r.leave();
    Ok(props)
}

/// Reads a property identifier (a Variable Byte Integer) without tracing it; the property
/// set traces it once it knows the property's name.
fn read_id<T: Trace>(r: &mut Reader<'_, '_, T>) -> Res<u8> {
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
        Ok(id) if TABLE.iter().any(|(i, _)| *i == id) => Ok(id),
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
pub(crate) fn not_allowed(id: u8, id_start: usize, context: &'static str) -> super::DecodeError {
    super::DecodeError::new(
        id_start,
        DecodeErrorKind::PropertyNotAllowed { id, context },
        "2.2.2.2",
    )
}

/// The error for a single-use property seen twice.
pub(crate) fn duplicate(id: u8, id_start: usize) -> super::DecodeError {
    super::DecodeError::new(
        id_start,
        DecodeErrorKind::DuplicateProperty { id },
        "2.2.2.2",
    )
}

/// Bytes of a property block including its Property Length.
pub(crate) fn block_len<'a, P: PropertySet<'a>>(p: &P) -> usize {
    let body = p.body_len();
    varint::len(body as u32) + body
}

/// Writes a property block including its Property Length.
pub(crate) fn write_block<'a, P: PropertySet<'a>>(p: &P, out: &mut Vec<u8>) {
    varint::write(out, p.body_len() as u32);
    p.write_body(out);
}

/// Declares a packet's property set.
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
            fn read_one<T: $crate::codec::reader::Trace>(
                &mut self,
                r: &mut $crate::codec::reader::Reader<'a, '_, T>,
                id: u8,
                id_start: usize,
            ) -> Result<(), $crate::codec::DecodeError> {
                use $crate::codec::properties::{self as p, id, PropCodec};
                use $crate::codec::reader::Meta;
                match id {
                    $( id::$id => {
                        if self.$field.is_some() {
                            return Err(p::duplicate(id, id_start));
                        }
                        r.enter(stringify!($field));
                        p::note_id(r, id_start, id, $section);
                        r.leave();
                        let m = Meta::new(stringify!($field), $label, $section);
                        self.$field = Some(<p::$Codec as PropCodec<'a, $Ty>>::read(r, &m, id)?);
                    } )*
                    $( id::$mid => {
                        r.enter(stringify!($mfield));
                        r.enter_index(self.$mfield.len());
                        p::note_id(r, id_start, id, $msection);
                        let m = Meta::new("value", $mlabel, $msection);
                        let v = <p::$MCodec as PropCodec<'a, $MTy>>::read(r, &m, id)?;
                        self.$mfield.push(v);
                        r.leave();
                        r.leave();
                    } )*
                    _ => return Err(p::not_allowed(id, id_start, $context)),
                }
                Ok(())
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

        impl<'a> std::ops::Deref for $crate::codec::properties::Props<$Name<'a>> {
            type Target = $Name<'a>;
            fn deref(&self) -> &$Name<'a> {
                static EMPTY: $Name<'static> = $Name::EMPTY;
                match &self.0 {
                    Some(p) => p,
                    None => &EMPTY,
                }
            }
        }

        impl<'a> std::ops::DerefMut for $crate::codec::properties::Props<$Name<'a>> {
            fn deref_mut(&mut self) -> &mut $Name<'a> {
                self.0.get_or_insert_with(Default::default)
            }
        }

        impl<'a> PartialEq for $crate::codec::properties::Props<$Name<'a>> {
            fn eq(&self, other: &Self) -> bool {
                **self == **other
            }
        }

        impl<'a> Eq for $crate::codec::properties::Props<$Name<'a>> {}

        impl<'a> std::fmt::Debug for $crate::codec::properties::Props<$Name<'a>> {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                (**self).fmt(f)
            }
        }

        impl<'a> $crate::codec::properties::Props<$Name<'a>> {
            /// Copies borrowed data so the set outlives its input.
            pub fn into_owned(self) -> $crate::codec::properties::Props<$Name<'static>> {
                $crate::codec::properties::Props(self.0.map(|p| Box::new(p.into_owned())))
            }

            /// The set itself (empty when none was allocated).
            pub fn into_inner(self) -> $Name<'a> {
                self.0.map(|p| *p).unwrap_or_default()
            }
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
