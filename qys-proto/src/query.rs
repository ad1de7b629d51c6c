//! Query strings and form fields from serde values: UTF-8, percent-encoded per pair.
//!
//! Request structs derive `Serialize`; their JSON object is flattened here into pairs:
//! strings as they are, numbers and booleans in decimal text, lists comma-joined (as the
//! platform's GET endpoints expect), nested objects as JSON text. `null`s are left out.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use serde::Serialize;
use serde_json::Value;

use crate::error::{BuildError, BuildErrorKind};

/// Everything but the RFC 3986 unreserved characters is encoded.
const QUERY: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Percent-encodes one key or value (UTF-8; `+` and space become `%2B` and `%20`).
pub fn encode(component: &str) -> impl std::fmt::Display + '_ {
    utf8_percent_encode(component, QUERY)
}

/// How lists become text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Lists {
    /// `a,b,c` (query strings).
    CommaJoined,
    /// `["a","b","c"]` (multipart text parts, as the vendor SDKs send them).
    Json,
}

/// The fields of a serialized struct as (name, text) pairs, in field-name order.
pub(crate) fn pairs<T: Serialize + ?Sized>(
    value: &T,
    lists: Lists,
) -> Result<Vec<(String, String)>, BuildError> {
    let value = serde_json::to_value(value)
        .map_err(|e| BuildError::new(BuildErrorKind::Serialize, e.to_string()))?;
    let Value::Object(map) = value else {
        return Err(BuildError::new(
            BuildErrorKind::Serialize,
            "a request must serialize to an object",
        ));
    };
    let mut out = Vec::with_capacity(map.len());
    for (key, value) in map {
        let text = match value {
            Value::Null => continue,
            Value::String(s) => s,
            Value::Bool(b) => b.to_string(),
            Value::Number(n) => n.to_string(),
            Value::Array(items) if lists == Lists::CommaJoined => {
                let mut joined = String::new();
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        joined.push(',');
                    }
                    match item {
                        Value::String(s) => joined.push_str(s),
                        other => joined.push_str(&other.to_string()),
                    }
                }
                joined
            }
            other => other.to_string(),
        };
        out.push((key, text));
    }
    Ok(out)
}

/// A query string (without `?`) from pairs.
pub fn to_query_string<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> String {
    let mut out = String::with_capacity(128);
    for (key, value) in pairs {
        if !out.is_empty() {
            out.push('&');
        }
        // Pieces straight into `out`: no formatter, no temporary string per component.
        out.extend(utf8_percent_encode(key, QUERY));
        out.push('=');
        out.extend(utf8_percent_encode(value, QUERY));
    }
    out
}

/// Splits a query string back into decoded pairs (for the sandbox and tests).
pub fn parse_query_string(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (decode(k), decode(v))
        })
        .collect()
}

fn decode(s: &str) -> String {
    let s = s.replace('+', " ");
    percent_encoding::percent_decode_str(&s)
        .decode_utf8_lossy()
        .into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Q {
        company_name: String,
        select_offset: u32,
        items: Vec<&'static str>,
        missing: Option<String>,
        flag: bool,
    }

    #[test]
    fn chinese_and_reserved_characters_round_trip() {
        let q = Q {
            company_name: "契约锁 科技&有限=公司+".into(),
            select_offset: 0,
            items: vec!["CONTRACT", "SIGNLOG"],
            missing: None,
            flag: true,
        };
        let p = pairs(&q, Lists::CommaJoined).unwrap();
        let s = to_query_string(p.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        assert_eq!(
            s,
            "companyName=%E5%A5%91%E7%BA%A6%E9%94%81%20%E7%A7%91%E6%8A%80%26%E6%9C%89%E9%99%90%3D%E5%85%AC%E5%8F%B8%2B&flag=true&items=CONTRACT%2CSIGNLOG&selectOffset=0"
        );
        assert_eq!(parse_query_string(&s), p);
    }
}
