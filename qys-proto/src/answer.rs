//! Reading the platform's answers without losing anything.
//!
//! Every result type keeps the fields it does not know in a flattened `extra` map and
//! implements `Serialize`, so encoding a decoded answer gives back every field the platform
//! sent. The readers here are lenient where the platform varies (numbers and flags as JSON
//! numbers or strings, `null` for anything optional, lists as `null`) and strict where
//! leniency would guess: a value of no recognisable form is a decode error, never a silent
//! `None`. A decode error of a success envelope keeps the whole `result` (see
//! [`crate::DecodeError::result`]), so a strict reader loses nothing either.
//!
//! Numbers and flags are written back in their canonical JSON form (`"12"` read as a number
//! is written `12`); IDs are written as strings.

use serde::de::{self, DeserializeOwned, Deserializer, Unexpected, Visitor};
use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Serialize};

/// The fields of an answer qys does not know, as sent.
pub(crate) type Extra = serde_json::Map<String, serde_json::Value>;

/// One JSON scalar as sent (objects and lists are refused by [`Scalar`]'s readers).
enum Scalar {
    Null,
    Bool(bool),
    Int(i128),
    Float(f64),
    Text(String),
}

struct ScalarVisitor;

impl<'de> Visitor<'de> for ScalarVisitor {
    type Value = Scalar;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a number, a string, a boolean or null")
    }
    fn visit_unit<E: de::Error>(self) -> Result<Scalar, E> {
        Ok(Scalar::Null)
    }
    fn visit_none<E: de::Error>(self) -> Result<Scalar, E> {
        Ok(Scalar::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Scalar, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Scalar, E> {
        Ok(Scalar::Bool(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Scalar, E> {
        Ok(Scalar::Int(v.into()))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Scalar, E> {
        Ok(Scalar::Int(v.into()))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Scalar, E> {
        Ok(Scalar::Float(v))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Scalar, E> {
        Ok(Scalar::Text(v.to_owned()))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Scalar, E> {
        Ok(Scalar::Text(v))
    }
}

fn scalar<'de, D: Deserializer<'de>>(d: D) -> Result<Scalar, D::Error> {
    d.deserialize_option(ScalarVisitor)
}

/// The error for a scalar of no recognisable form.
fn unexpected<E: de::Error>(s: &Scalar, expected: &str) -> E {
    let what = match s {
        Scalar::Null => Unexpected::Unit,
        Scalar::Bool(b) => Unexpected::Bool(*b),
        Scalar::Int(i) => i64::try_from(*i).map_or(Unexpected::Other("a large integer"), |i| {
            Unexpected::Signed(i)
        }),
        Scalar::Float(f) => Unexpected::Float(*f),
        Scalar::Text(t) => Unexpected::Str(t),
    };
    E::invalid_value(what, &expected)
}

/// A flag: `true`/`false`, `1`/`0`, or those as text; `null` and `""` are `None`.
///
/// # Errors
/// Any other value.
pub(crate) fn opt_bool<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    let s = scalar(d)?;
    match &s {
        Scalar::Null => Ok(None),
        Scalar::Bool(b) => Ok(Some(*b)),
        Scalar::Int(0) => Ok(Some(false)),
        Scalar::Int(1) => Ok(Some(true)),
        Scalar::Text(t) => match t.trim() {
            "" => Ok(None),
            "true" | "1" => Ok(Some(true)),
            "false" | "0" => Ok(Some(false)),
            _ => Err(unexpected(&s, "a boolean")),
        },
        _ => Err(unexpected(&s, "a boolean")),
    }
}

/// An integer in `T`'s range, or one in a string (an integral fraction such as `3.0` too);
/// `null` and `""` are `None`.
fn opt_int<'de, D: Deserializer<'de>, T: TryFrom<i128>>(
    d: D,
    expected: &str,
) -> Result<Option<T>, D::Error> {
    let s = scalar(d)?;
    let n = match &s {
        Scalar::Null => return Ok(None),
        Scalar::Int(i) => Some(*i),
        // Integral and within i64: exact in f64 only up to 2^53, which is all a float can say.
        Scalar::Float(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => Some(*f as i128),
        Scalar::Text(t) if t.trim().is_empty() => return Ok(None),
        Scalar::Text(t) => t.trim().parse::<i128>().ok(),
        _ => None,
    };
    n.and_then(|n| T::try_from(n).ok())
        .map(Some)
        .ok_or_else(|| unexpected(&s, expected))
}

/// A signed 64-bit integer, or one in a string; `null` and `""` are `None`.
///
/// # Errors
/// Any other value, or one out of range.
pub(crate) fn opt_i64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    opt_int(d, "an integer")
}

/// A non-negative 64-bit integer, or one in a string; `null` and `""` are `None`.
///
/// # Errors
/// Any other value, or one out of range.
pub(crate) fn opt_u64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    opt_int(d, "a non-negative integer")
}

/// A number, or one in a string; `null` and `""` are `None`.
///
/// # Errors
/// Any other value.
pub(crate) fn opt_f64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
    let s = scalar(d)?;
    match &s {
        Scalar::Null => Ok(None),
        Scalar::Int(i) => Ok(Some(*i as f64)),
        Scalar::Float(f) => Ok(Some(*f)),
        Scalar::Text(t) if t.trim().is_empty() => Ok(None),
        Scalar::Text(t) => t
            .trim()
            .parse::<f64>()
            .ok()
            .filter(|f| f.is_finite())
            .map(Some)
            .ok_or_else(|| unexpected(&s, "a number")),
        Scalar::Bool(_) => Err(unexpected(&s, "a number")),
    }
}

/// Text that may come as a number (ID-like fields typed as text): the decimal text of an
/// integer, never through `f64`; `null` is `None`.
///
/// # Errors
/// A boolean or a fraction.
pub(crate) fn opt_text<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    let s = scalar(d)?;
    match s {
        Scalar::Null => Ok(None),
        Scalar::Text(t) => Ok(Some(t)),
        Scalar::Int(i) => Ok(Some(i.to_string())),
        other => Err(unexpected(&other, "a string or an integer")),
    }
}

/// A list, with `null` read as empty.
///
/// # Errors
/// Anything but a list or `null`, or an element that does not decode.
pub(crate) fn vec<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    d: D,
) -> Result<Vec<T>, D::Error> {
    Ok(Option::<Vec<T>>::deserialize(d)?.unwrap_or_default())
}

// --- answers that are one value ------------------------------------------------------------------

/// Where a one-value answer ([`crate::api::org_types::Link`], tickets, created IDs) carried
/// its value, so that it is written back the same way.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) enum Carrier {
    /// The `result` was the value itself.
    Bare,
    /// The value was the object's field of this name.
    Field(String),
    /// Built by qys rather than read: written under the type's first field name.
    #[default]
    Built,
}

/// Reads a one-value answer: the value itself, or an object whose first non-empty field among
/// `keys` holds it (the object's other fields are returned as extra).
///
/// # Errors
/// `what` when no field holds a value, or the value does not decode as `T`.
pub(crate) fn read_one<'de, D: Deserializer<'de>, T: DeserializeOwned>(
    d: D,
    keys: &[&str],
    what: &str,
) -> Result<(T, Carrier, Extra), D::Error> {
    let found = |v: &serde_json::Value| !v.is_null() && v.as_str() != Some("");
    match serde_json::Value::deserialize(d)? {
        serde_json::Value::Object(mut map) => {
            let Some(key) = keys.iter().find(|k| map.get(**k).is_some_and(found)) else {
                return Err(de::Error::custom(format_args!(
                    "the answer carries no {what}"
                )));
            };
            let value = map.remove(*key).unwrap_or_default();
            let value = T::deserialize(value).map_err(de::Error::custom)?;
            Ok((value, Carrier::Field((*key).to_owned()), map))
        }
        bare if found(&bare) => T::deserialize(bare)
            .map(|v| (v, Carrier::Bare, Extra::new()))
            .map_err(de::Error::custom),
        _ => Err(de::Error::custom(format_args!(
            "the answer carries no {what}"
        ))),
    }
}

/// Writes a one-value answer back as it came (see [`read_one`]); `default_key` names the field
/// of a value qys built.
///
/// # Errors
/// The serializer's.
pub(crate) fn write_one<S: Serializer, T: Serialize>(
    s: S,
    value: &T,
    carrier: &Carrier,
    extra: &Extra,
    default_key: &str,
) -> Result<S::Ok, S::Error> {
    let key = match carrier {
        Carrier::Bare if extra.is_empty() => return value.serialize(s),
        Carrier::Field(key) => key.as_str(),
        Carrier::Bare | Carrier::Built => default_key,
    };
    let mut map = s.serialize_map(Some(extra.len() + 1))?;
    map.serialize_entry(key, value)?;
    for (k, v) in extra {
        map.serialize_entry(k, v)?;
    }
    map.end()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Deserialize, Debug)]
    struct Flags {
        #[serde(default, deserialize_with = "opt_bool")]
        b: Option<bool>,
        #[serde(default, deserialize_with = "opt_i64")]
        i: Option<i64>,
        #[serde(default, deserialize_with = "opt_u64")]
        u: Option<u64>,
        #[serde(default, deserialize_with = "opt_f64")]
        f: Option<f64>,
        #[serde(default, deserialize_with = "opt_text")]
        t: Option<String>,
    }

    fn read(json: &str) -> Result<Flags, serde_json::Error> {
        serde_json::from_str(json)
    }

    #[test]
    fn scalars_are_read_in_either_form_and_garbage_is_an_error() {
        let f = read(
            r#"{"b":"1","i":"-5","u":18446744073709551615,"f":"2.50","t":2591540368898105360}"#,
        )
        .unwrap();
        assert_eq!(f.b, Some(true));
        assert_eq!(f.i, Some(-5));
        assert_eq!(f.u, Some(u64::MAX));
        assert_eq!(f.f, Some(2.5));
        assert_eq!(f.t.as_deref(), Some("2591540368898105360"));
        let f = read(r#"{"b":null,"i":"","u":null,"f":"","t":null}"#).unwrap();
        assert!(f.b.is_none() && f.i.is_none() && f.u.is_none() && f.f.is_none());
        for bad in [
            r#"{"b":"yes"}"#,
            r#"{"b":2}"#,
            r#"{"i":"five"}"#,
            r#"{"i":1.5}"#,
            r#"{"u":-1}"#,
            r#"{"f":"NaN"}"#,
            r#"{"t":true}"#,
            r#"{"i":[1]}"#,
        ] {
            assert!(read(bad).is_err(), "{bad}");
        }
    }
}
