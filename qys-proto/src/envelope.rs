//! The response envelope `{code, message, result, responseCode}` and how an answer is judged.

use http::StatusCode;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer};
use serde_json::value::RawValue;

use crate::error::{ApiError, DecodeError, Error, StatusError};

/// The `responseCode` of success.
pub const SUCCESS_RESPONSE_CODE: &str = "00000000";

/// The envelope as sent, with `result` left undecoded.
///
/// Both code families are optional because pages document either or both; they deserialize
/// from a number or a numeric string.
#[derive(Debug, Deserialize)]
pub struct RawEnvelope<'a> {
    /// The 4-digit family (`0` is success); gateway errors use the HTTP status here.
    #[serde(default, deserialize_with = "lenient_code")]
    pub code: Option<i64>,
    /// The 8-digit family (`"00000000"` is success).
    #[serde(
        default,
        rename = "responseCode",
        deserialize_with = "lenient_response_code"
    )]
    pub response_code: Option<String>,
    /// The message for people.
    #[serde(default)]
    pub message: Option<String>,
    /// The payload, undecoded.
    #[serde(default, borrow)]
    pub result: Option<&'a RawValue>,
}

impl RawEnvelope<'_> {
    /// Whether the envelope says success: `code == 0` or `responseCode == "00000000"`.
    pub fn is_success(&self) -> bool {
        self.code == Some(0) || self.response_code.as_deref() == Some(SUCCESS_RESPONSE_CODE)
    }

    /// Reads an envelope from a body, if the body is one: a JSON object with `code` or
    /// `responseCode`.
    pub fn from_body(body: &[u8]) -> Option<RawEnvelope<'_>> {
        let first = body.iter().find(|b| !b.is_ascii_whitespace())?;
        if *first != b'{' {
            return None;
        }
        let envelope: RawEnvelope<'_> = serde_json::from_slice(body).ok()?;
        (envelope.code.is_some() || envelope.response_code.is_some()).then_some(envelope)
    }
}

/// A code as sent: a whole number, a numeric text, or null/absent. Read with a visitor rather
/// than an untagged enum, which would buffer every value first.
enum Code<'a> {
    Number(i64),
    Text(std::borrow::Cow<'a, str>),
}

struct CodeVisitor;

impl<'de> serde::de::Visitor<'de> for CodeVisitor {
    type Value = Option<Code<'de>>;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a code as a number or a string")
    }

    fn visit_none<E: serde::de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }

    fn visit_i64<E: serde::de::Error>(self, n: i64) -> Result<Self::Value, E> {
        Ok(Some(Code::Number(n)))
    }

    fn visit_u64<E: serde::de::Error>(self, n: u64) -> Result<Self::Value, E> {
        i64::try_from(n)
            .map(|n| Some(Code::Number(n)))
            .map_err(|_| E::invalid_value(serde::de::Unexpected::Unsigned(n), &self))
    }

    fn visit_borrowed_str<E: serde::de::Error>(self, s: &'de str) -> Result<Self::Value, E> {
        Ok(Some(Code::Text(std::borrow::Cow::Borrowed(s))))
    }

    fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<Self::Value, E> {
        Ok(Some(Code::Text(std::borrow::Cow::Owned(s.to_owned()))))
    }

    fn visit_string<E: serde::de::Error>(self, s: String) -> Result<Self::Value, E> {
        Ok(Some(Code::Text(std::borrow::Cow::Owned(s))))
    }
}

fn code<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Code<'de>>, D::Error> {
    d.deserialize_option(CodeVisitor)
}

fn lenient_code<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    Ok(match code(d)? {
        None => None,
        Some(Code::Number(n)) => Some(n),
        Some(Code::Text(s)) => s.trim().parse().ok(),
    })
}

fn lenient_response_code<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(match code(d)? {
        None => None,
        Some(Code::Number(n)) => Some(format!("{n:08}")),
        Some(Code::Text(s)) => Some(s.into_owned()),
    })
}

/// The envelope with `result` decoded straight into `T`, in the same pass as the rest.
#[derive(Deserialize)]
#[serde(bound(deserialize = "T: DeserializeOwned"))]
struct TypedEnvelope<T> {
    #[serde(default, deserialize_with = "lenient_code")]
    code: Option<i64>,
    #[serde(
        default,
        rename = "responseCode",
        deserialize_with = "lenient_response_code"
    )]
    response_code: Option<String>,
    #[serde(default)]
    message: Option<String>,
    #[serde(default)]
    result: Slot<T>,
}

/// A `result` that may be absent (`null` present is given to `T`, as the two-pass path does).
#[derive(Default)]
enum Slot<T> {
    #[default]
    Missing,
    Present(T),
}

impl<'de, T: DeserializeOwned> Deserialize<'de> for Slot<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        T::deserialize(d).map(Self::Present)
    }
}

/// The one-pass path: `None` whenever it cannot answer exactly as the two-pass path of
/// [`parse_result`] would (any deserialization failure, or a body that is not an envelope), so
/// that errors keep their JSON path and wording; `Some` only with the same answer.
fn parse_one_pass<T: DeserializeOwned>(
    status: StatusCode,
    content_type: Option<&str>,
    body: &[u8],
) -> Option<Result<T, Error>> {
    let first = body.iter().find(|b| !b.is_ascii_whitespace())?;
    if *first != b'{' {
        return None;
    }
    let envelope: TypedEnvelope<T> = serde_json::from_slice(body).ok()?;
    if envelope.code.is_none() && envelope.response_code.is_none() {
        return None;
    }
    let success = envelope.code == Some(0)
        || envelope.response_code.as_deref() == Some(SUCCESS_RESPONSE_CODE);
    if !success {
        return Some(Err(ApiError::new(
            status,
            envelope.code,
            envelope.response_code,
            envelope.message.unwrap_or_default(),
        )
        .into()));
    }
    if !status.is_success() {
        return Some(Err(StatusError::new(
            status,
            content_type.map(str::to_owned),
            body,
        )
        .into()));
    }
    match envelope.result {
        Slot::Present(result) => Some(Ok(result)),
        Slot::Missing => serde_json::from_str("null").ok().map(Ok),
    }
}

/// Judges an answer: the envelope first, whatever the HTTP status (auth failures arrive as
/// HTTP 441/442 with an envelope), then the status, then the shape of `result`.
///
/// Answers that decode are read in one pass ([`parse_one_pass`]); the rest, mostly errors, in
/// two: the envelope with `result` kept raw, then `result` with its JSON path tracked.
pub(crate) fn parse_result<T: DeserializeOwned>(
    status: StatusCode,
    content_type: Option<&str>,
    body: &[u8],
) -> Result<T, Error> {
    if let Some(answer) = parse_one_pass(status, content_type, body) {
        return answer;
    }
    let Some(envelope) = RawEnvelope::from_body(body) else {
        if !status.is_success() {
            return Err(StatusError::new(status, content_type.map(str::to_owned), body).into());
        }
        let detail = match serde_json::from_slice::<serde::de::IgnoredAny>(body) {
            Err(e) if e.is_eof() => "the body ends before the JSON does (truncated)",
            Err(_) => "the body is not JSON",
            Ok(_) => "the JSON has no `code` or `responseCode`",
        };
        return Err(DecodeError::new(".", detail, body, None).into());
    };
    if !envelope.is_success() {
        return Err(ApiError::new(
            status,
            envelope.code,
            envelope.response_code,
            envelope.message.unwrap_or_default(),
        )
        .into());
    }
    if !status.is_success() {
        return Err(StatusError::new(status, content_type.map(str::to_owned), body).into());
    }
    let raw = envelope.result.map_or("null", RawValue::get);
    let mut de = serde_json::Deserializer::from_str(raw);
    serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = format!("result{}", display_path(&e.path().to_string()));
        let message = e.inner().to_string();
        DecodeError::new(path, message, body, Some(e.into_inner()))
            .accepted_with(raw)
            .into()
    })
}

fn display_path(path: &str) -> String {
    if path == "." || path.is_empty() {
        String::new()
    } else {
        format!(".{path}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorCode;

    #[derive(Debug, Deserialize, PartialEq)]
    struct T {
        ticket: String,
    }

    fn parse(status: u16, body: &str) -> Result<T, Error> {
        parse_result(
            StatusCode::from_u16(status).unwrap(),
            Some("application/json"),
            body.as_bytes(),
        )
    }

    #[test]
    fn success_in_either_family() {
        assert_eq!(
            parse(200, r#"{"code":0,"result":{"ticket":"a"}}"#)
                .unwrap()
                .ticket,
            "a"
        );
        assert_eq!(
            parse(
                200,
                r#"{"responseCode":"00000000","result":{"ticket":"b"}}"#
            )
            .unwrap()
            .ticket,
            "b"
        );
        assert_eq!(
            parse(
                200,
                r#"{"code":"0","message":null,"result":{"ticket":"c"}}"#
            )
            .unwrap()
            .ticket,
            "c"
        );
    }

    #[test]
    fn codes_are_read_leniently() {
        for body in [
            r#"{"code":null,"responseCode":0,"result":{"ticket":"d"}}"#,
            r#"{"code":" 0 ","result":{"ticket":"d"}}"#,
            r#"{"code":"\u0030","result":{"ticket":"d"}}"#,
            r#"{"responseCode":"0000\u0030000","result":{"ticket":"d"}}"#,
        ] {
            assert_eq!(parse(200, body).unwrap().ticket, "d", "{body}");
        }
        let e = parse(
            200,
            r#"{"code":18446744073709551615,"result":{"ticket":"d"}}"#,
        );
        assert!(matches!(e, Err(Error::Decode(_))), "{e:?}");
        let e = parse(200, r#"{"code":1.5,"result":{"ticket":"d"}}"#);
        assert!(matches!(e, Err(Error::Decode(_))), "{e:?}");
        // An error envelope whose result happens to fit the type is still the error.
        let e = parse(200, r#"{"code":1005,"result":{"ticket":"d"}}"#).unwrap_err();
        assert_eq!(e.as_api().map(ApiError::code), Some(Some(1005)));
        // A success envelope on a non-2xx status is a status error, whatever the result.
        assert!(matches!(
            parse(500, r#"{"code":0,"result":{"ticket":"d"}}"#),
            Err(Error::Status(_))
        ));
    }

    #[test]
    fn gateway_auth_errors_keep_both_codes_and_the_status() {
        let e = parse(
            442,
            r#"{"message":"INVALID TOKEN","code":442,"responseCode":"11990442"}"#,
        )
        .unwrap_err();
        let api = e.as_api().unwrap();
        assert_eq!(api.kind(), ErrorCode::InvalidToken);
        assert_eq!(api.http_status(), 442);
        assert_eq!(api.code(), Some(442));
        assert_eq!(api.response_code(), Some("11990442"));
        assert_eq!(api.message(), "INVALID TOKEN");
    }

    #[test]
    fn other_shapes_get_their_own_errors() {
        assert!(matches!(
            parse(502, "<html><body>502 Bad Gateway</body></html>"),
            Err(Error::Status(_))
        ));
        let e = parse(200, r#"{"code":0,"result":{"tick"#).unwrap_err();
        assert!(
            matches!(&e, Error::Decode(d) if d.path() == "." && e.to_string().contains("truncated")),
            "{e}"
        );
        let e = parse(200, r#"{"code":0,"result":{"ticket":5}}"#).unwrap_err();
        assert!(
            matches!(&e, Error::Decode(d) if d.path() == "result.ticket"),
            "{e}"
        );
        let e = parse(200, r#"{"code":0}"#).unwrap_err();
        assert!(
            matches!(&e, Error::Decode(d) if d.path() == "result"),
            "{e}"
        );
        let e = parse(200, r#"[0,"x",null,null]"#).unwrap_err();
        assert!(matches!(&e, Error::Decode(_)), "{e}");
        let e = parse(
            200,
            r#"{"responseCode":"11990005","message":"缺少参数 user"}"#,
        )
        .unwrap_err();
        assert_eq!(e.code(), Some(ErrorCode::InvalidParam));
        let e = parse(200, r#"{"code":1605,"message":"COMPANY ALREADY AUTHED"}"#).unwrap_err();
        assert_eq!(e.code(), Some(ErrorCode::CompanyAlreadyAuthed));
    }
}
