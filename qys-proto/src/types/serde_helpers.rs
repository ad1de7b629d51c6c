//! Serde helpers of the domain types: open string enums, comma-joined lists, and lenient
//! readers for fields the platform sends in more than one JSON type.

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

/// Lenient deserializers for response fields the platform sends in more than one JSON type
/// (numbers and booleans as strings, lists as `null`).
pub(crate) mod lenient {
    use serde::{Deserialize, Deserializer};

    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Loose {
        Bool(bool),
        Int(i64),
        Float(f64),
        Text(String),
    }

    /// `true`, `"true"`, `1`, `"1"` (and their opposites); `null` or other text is `None`.
    pub(crate) fn opt_bool<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
        Ok(match Option::<Loose>::deserialize(d)? {
            Some(Loose::Bool(b)) => Some(b),
            Some(Loose::Int(i)) => Some(i != 0),
            Some(Loose::Float(f)) => Some(f != 0.0),
            Some(Loose::Text(s)) => match s.trim() {
                "true" | "1" => Some(true),
                "false" | "0" => Some(false),
                _ => None,
            },
            None => None,
        })
    }

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

    /// An integer, or an integer in a string; `null` or other text is `None`.
    pub(crate) fn opt_i64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
        Ok(match Option::<Loose>::deserialize(d)? {
            Some(Loose::Int(i)) => Some(i),
            Some(Loose::Text(s)) => s.trim().parse().ok(),
            _ => None,
        })
    }

    /// A number, or a number in a string; `null` or other text is `None`.
    pub(crate) fn opt_f64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
        Ok(match Option::<Loose>::deserialize(d)? {
            Some(Loose::Int(i)) => Some(i as f64),
            Some(Loose::Float(f)) => Some(f),
            Some(Loose::Text(s)) => s.trim().parse().ok(),
            _ => None,
        })
    }

    /// A list, with `null` read as empty.
    pub(crate) fn vec<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
        d: D,
    ) -> Result<Vec<T>, D::Error> {
        Ok(Option::<Vec<T>>::deserialize(d)?.unwrap_or_default())
    }

    /// A person as responses carry it: `contactType` may be missing (it is then empty) and
    /// the contact may come as `mobile`; an object with no contact at all is `None`.
    pub(crate) fn opt_user<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<crate::types::User>, D::Error> {
        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct Loose {
            #[serde(default)]
            contact: Option<String>,
            #[serde(default)]
            mobile: Option<String>,
            #[serde(default)]
            contact_type: Option<crate::types::ContactType>,
            #[serde(default)]
            name: Option<String>,
        }
        let Some(u) = Option::<Loose>::deserialize(d)? else {
            return Ok(None);
        };
        let Some(contact) = u.contact.or(u.mobile) else {
            return Ok(None);
        };
        Ok(Some(crate::types::User {
            contact,
            contact_type: u
                .contact_type
                .unwrap_or_else(|| crate::types::ContactType::Other(String::new())),
            name: u.name,
        }))
    }

    /// A list of persons as responses carry them (see [`opt_user`]).
    pub(crate) fn users<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Vec<crate::types::User>, D::Error> {
        #[derive(Deserialize)]
        struct One(#[serde(deserialize_with = "opt_user")] Option<crate::types::User>);
        let list: Vec<One> = vec(d)?;
        Ok(list.into_iter().filter_map(|o| o.0).collect())
    }
}
