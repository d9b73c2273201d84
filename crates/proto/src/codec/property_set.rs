//! `property_set!`: declares a packet's property set (see the parent module), and
//! `prop_view!`, the type an accessor hands a value out as.

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
