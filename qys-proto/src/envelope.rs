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

#[derive(Deserialize)]
#[serde(untagged)]
enum NumberOrText<'a> {
    Number(i64),
    Text(&'a str),
    Owned(String),
}

fn lenient_code<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    Ok(match Option::<NumberOrText<'de>>::deserialize(d)? {
        None => None,
        Some(NumberOrText::Number(n)) => Some(n),
        Some(NumberOrText::Text(s)) => s.trim().parse().ok(),
        Some(NumberOrText::Owned(s)) => s.trim().parse().ok(),
    })
}

fn lenient_response_code<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(match Option::<NumberOrText<'de>>::deserialize(d)? {
        None => None,
        Some(NumberOrText::Number(n)) => Some(format!("{n:08}")),
        Some(NumberOrText::Text(s)) => Some(s.to_owned()),
        Some(NumberOrText::Owned(s)) => Some(s),
    })
}

/// Judges an answer: the envelope first, whatever the HTTP status (auth failures arrive as
/// HTTP 441/442 with an envelope), then the status, then the shape of `result`.
pub(crate) fn parse_result<T: DeserializeOwned>(
    status: StatusCode,
    content_type: Option<&str>,
    body: &[u8],
) -> Result<T, Error> {
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
        DecodeError::new(path, message, body, Some(e.into_inner())).into()
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
