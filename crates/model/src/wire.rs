//! Enums whose values cross a boundary as text (JSON, a form field, an SQLite column, an IPC
//! header): each variant's wire name is written once, and the same name is used to write it and
//! to read it back. Reading an unknown name is an error, never a default.

/// Declares a fieldless enum with its wire names: `ALL`, `as_str`, `parse`, `Display`, and
/// serde by wire name. Hand-written serde rather than the derive: the derive's visitors cost
/// kilobytes of the UI's wasm per enum (measured on `ErrorCode`).
macro_rules! wire_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $wire:literal ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        $vis enum $name {
            $( $(#[$vmeta])* $variant ),+
        }

        impl $name {
            /// Every variant, in declaration order.
            pub const ALL: &'static [Self] = &[$( Self::$variant ),+];

            /// The wire name; it never changes once shipped.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $( Self::$variant => $wire ),+
                }
            }

            /// The variant with this wire name, if any.
            pub fn parse(text: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|v| v.as_str() == text)
            }
        }

        #[cfg(feature = "openapi")]
        impl ::utoipa::PartialSchema for $name {
            fn schema() -> ::utoipa::openapi::RefOr<::utoipa::openapi::schema::Schema> {
                ::utoipa::openapi::schema::ObjectBuilder::new()
                    .schema_type(::utoipa::openapi::schema::Type::String)
                    .enum_values(Some([$( $wire ),+]))
                    .into()
            }
        }

        #[cfg(feature = "openapi")]
        impl ::utoipa::ToSchema for $name {}

        $crate::wire::wire_text!($name);
    };
}

/// `Display` and serde by wire name for a type with `as_str` and `parse` (an enum whose variants
/// hold other wire enums, or one declared by [`wire_enum!`]).
macro_rules! wire_text {
    ($name:ident) => {
        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let text = <::std::string::String>::deserialize(d)?;
                Self::parse(&text).ok_or_else(|| {
                    ::serde::de::Error::custom(concat!("unknown ", stringify!($name)))
                })
            }
        }
    };
}

pub(crate) use {wire_enum, wire_text};

#[cfg(test)]
mod tests {
    wire_enum! {
        enum Sample {
            One = "one",
            TwoWords = "two_words",
        }
    }

    #[test]
    fn names_round_trip_and_unknown_names_are_refused() {
        for v in Sample::ALL {
            assert_eq!(Sample::parse(v.as_str()), Some(*v));
            let json = serde_json::to_string(v).expect("json");
            assert_eq!(json, format!("\"{v}\""));
            assert_eq!(serde_json::from_str::<Sample>(&json).expect("back"), *v);
        }
        assert_eq!(Sample::parse("three"), None);
        assert!(serde_json::from_str::<Sample>("\"three\"").is_err());
        assert!(serde_json::from_str::<Sample>("1").is_err());
    }
}
