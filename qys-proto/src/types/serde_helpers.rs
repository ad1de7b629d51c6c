//! Serde helpers of the domain types: open string enums and comma-joined lists. Answers are
//! read with the loss-free readers of `crate::answer`.

/// Defines an enum of documented platform values that still accepts values it does not know:
/// they land in `Other(String)` and serialize back unchanged.
macro_rules! string_enum {
    ($(#[$meta:meta])* $vis:vis enum $name:ident { $( $(#[$vdoc:meta])* $variant:ident = $wire:literal, )* }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        $vis enum $name {
            $( $(#[$vdoc])* $variant, )*
            /// A value qys does not know yet, kept as sent.
            Other(String),
        }

        impl $name {
            /// The wire value.
            pub fn as_str(&self) -> &str {
                match self {
                    $( Self::$variant => $wire, )*
                    Self::Other(s) => s,
                }
            }
        }

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                match s {
                    $( $wire => Self::$variant, )*
                    other => Self::Other(other.to_owned()),
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
                Ok(Self::from(s.as_ref()))
            }
        }
    };
}
pub(crate) use string_enum;

/// Serializes a list as one comma-joined string (fields the platform documents as
/// "comma-separated").
pub(crate) fn comma_joined<S: serde::Serializer, T: std::fmt::Display>(
    items: &[T],
    s: S,
) -> Result<S::Ok, S::Error> {
    let mut out = String::new();
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&item.to_string());
    }
    s.serialize_str(&out)
}

/// Serializers for request fields the vendor SDK sends in another JSON type than their
/// value's (flags as text, whole numbers without a fraction). Answers are decoded by
/// [`crate::answer`].
pub(crate) mod lenient {
    /// Writes a flag as the text `"true"` or `"false"` (fields the vendor SDK sends as strings).
    pub(crate) fn opt_bool_as_text<S: serde::Serializer>(
        value: &Option<bool>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        match value {
            Some(true) => s.serialize_str("true"),
            Some(false) => s.serialize_str("false"),
            None => s.serialize_none(),
        }
    }

    /// Writes a number as the vendor Go SDK's `float64` fields go on the wire: a whole number
    /// without a fraction (`16`), any other with one (`10.5`).
    pub(crate) fn opt_number<S: serde::Serializer>(
        value: &Option<f64>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        match value {
            // Exact: whole values of this size convert to i64 and back without loss.
            Some(v) if v.fract() == 0.0 && v.abs() < 9.0e15 => s.serialize_i64(*v as i64),
            Some(v) => s.serialize_f64(*v),
            None => s.serialize_none(),
        }
    }
}
