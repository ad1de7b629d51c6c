//! Callbacks (webhooks) from the platform to your server: verify, decrypt and parse them in
//! one call, and answer them with the body each kind expects.
//!
//! Like the rest of this crate, this module does no I/O and reads no clock: hand it the
//! request your web framework received and the current time, get a typed [`Callback`] or a
//! typed error ([`Error::Callback`]).
//!
//! # The two shapes of callbacks
//!
//! - **Signed** callbacks carry the fields `signature`, `timestamp` and `content` (in the
//!   query string or the form body; both are read). `signature` must be
//!   `md5_hex(timestamp + key)`; `timestamp` (Unix milliseconds) must be within the
//!   verifier's window of `now_ms`; `content` is the event as JSON text, encrypted with
//!   AES-128 under the same key ([`Cipher::AesEcb`], [`Cipher::AesCbc`]) when the app's
//!   callback encryption is on, or in the clear ([`Cipher::Plain`]) in personal-signature
//!   authorization callbacks.
//! - **Unsigned** callbacks are plain `application/x-www-form-urlencoded` forms whose fields
//!   are the event (contract status, company and personal verification, image seal review).
//!   Anyone who knows the URL can forge one, so a verifier rejects them
//!   ([`CallbackErrorKind::Unsigned`]) unless told otherwise with
//!   [`CallbackVerifier::allow_unsigned`]. Treat an unsigned callback as a hint and re-read
//!   the state through the API.
//!
//! # What the signature does not cover
//!
//! The MD5 signature covers the timestamp and the key, not the content: a captured request
//! can have its content swapped while its signature stays valid. What limits that is the
//! freshness window (10 minutes by default) and, when encryption is on, that the content must
//! decrypt under the key. AES-ECB and AES-CBC are not authenticated encryption either, so keep
//! handlers idempotent (the platform retries anyway) and re-read important state.
//!
//! # Example
//!
//! ```
//! use qys_proto::callback::{
//!     Callback, CallbackRequest, CallbackVerifier, Cipher, ContractStatus, signed_callback_form,
//! };
//! use qys_proto::Secret;
//!
//! let key = Secret::new("5f6db7ec8325aAGF"); // callbackSecretKey of the app
//! let now_ms = 1_700_000_000_000;
//!
//! // What the platform sends (here made by `signed_callback_form`, for the example).
//! let body = signed_callback_form(
//!     &key,
//!     &Cipher::AesEcb,
//!     now_ms - 2_000,
//!     r#"{"contractId":"2591540368898105360","contractStatus":"COMPLETE","callbackType":"COMPLETE"}"#,
//! )?;
//!
//! // In your handler:
//! let verifier = CallbackVerifier::new(key); // AES-ECB, signatures required, 10 min window
//! let request = CallbackRequest::new(None, body.as_bytes());
//! let callback = verifier.verify(&request, now_ms)?;
//! match &callback {
//!     Callback::ContractStatus(event) => {
//!         assert_eq!(event.contract_id.as_str(), "2591540368898105360");
//!         assert_eq!(event.status, ContractStatus::Complete);
//!     }
//!     other => panic!("unexpected {other:?}"),
//! }
//! let reply = callback.reply();
//! assert_eq!(reply.body(), "success");
//! # Ok::<(), qys_proto::Error>(())
//! ```

use std::fmt;
use std::time::Duration;

use http::header::CONTENT_TYPE;
use http::{HeaderMap, HeaderValue, StatusCode};
use serde_json::{Map, Value};

use crate::credentials::Secret;
use crate::error::Error;
use crate::query::{parse_query_string, to_query_string};

mod crypto;
mod error;
mod events;
#[doc(hidden)]
pub mod fuzzing;

pub use self::crypto::{Cipher, decrypt_content, encrypt_content, sign_timestamp};
pub use self::error::{CallbackError, CallbackErrorKind};
pub use self::events::{
    CallbackType, CompanyAuthAction, CompanyAuthEvent, CompanyAuthInfo, CompanyAuthStatus,
    ContractStatusEvent, PersonalAuthEvent, PersonalAuthStatus, PersonalSignAuthEvent,
    SealReviewEvent, SealReviewResult, SignAuthItem, SignAuthUserType,
};
use self::events::{Payload, printable_name};
/// Re-exported from [`crate::types`]: the same types the contract endpoints use.
pub use crate::types::{ContractStatus, TenantType};

/// The names of the fields of a signed callback.
pub mod fields {
    /// `md5_hex(timestamp + key)`.
    pub const SIGNATURE: &str = "signature";
    /// Unix milliseconds, decimal.
    pub const TIMESTAMP: &str = "timestamp";
    /// The event, as JSON text, encrypted and Base64-encoded when encryption is on.
    pub const CONTENT: &str = "content";
}

/// An incoming callback request, as a web framework received it: the query string, the body
/// and (optionally) the headers. The method is not looked at: the signature does not cover
/// it, and a redirect can turn the platform's POST into a GET.
///
/// `Debug` shows sizes only (the request carries the signature and the content).
#[derive(Clone, Copy)]
pub struct CallbackRequest<'a> {
    query: Option<&'a str>,
    body: &'a [u8],
    headers: Option<&'a HeaderMap>,
}

impl<'a> CallbackRequest<'a> {
    /// A request from its query string (without or with the leading `?`) and its body.
    ///
    /// Without headers, the body is read as JSON when it starts with `{`, and as a form
    /// otherwise.
    pub fn new(query: Option<&'a str>, body: &'a [u8]) -> Self {
        Self {
            query,
            body,
            headers: None,
        }
    }

    /// Adds the headers; the `Content-Type` then says how to read the body
    /// (`application/x-www-form-urlencoded`, `application/json`; other types are sniffed as
    /// without headers, except `multipart/form-data`, which is refused).
    #[must_use]
    pub fn with_headers(mut self, headers: &'a HeaderMap) -> Self {
        self.headers = Some(headers);
        self
    }

    /// A request from the head of an [`http::Request`] and the body bytes.
    pub fn from_parts(parts: &'a http::request::Parts, body: &'a [u8]) -> Self {
        Self::new(parts.uri.query(), body).with_headers(&parts.headers)
    }

    /// The first value of a parameter, from the query string, else from a form body.
    ///
    /// Not authenticated: use it to pick a key before verifying (e.g. a `company` parameter
    /// you appended to the callback URL, which the platform echoes), never to act on.
    pub fn param(&self, name: &str) -> Option<String> {
        let from_query = self
            .query
            .map(|q| parse_query_string(q.trim_start_matches('?')))
            .unwrap_or_default()
            .into_iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v);
        from_query.or_else(|| {
            let fields = self.body_fields().ok()?;
            fields
                .into_iter()
                .find(|(k, _)| k == name)
                .and_then(|(_, v)| match v {
                    Value::String(s) => Some(s),
                    Value::Null => None,
                    other => Some(other.to_string()),
                })
        })
    }

    fn content_type(&self) -> Option<String> {
        let value = self.headers?.get(CONTENT_TYPE)?.to_str().ok()?;
        let media = value.split(';').next().unwrap_or_default().trim();
        Some(media.to_ascii_lowercase())
    }

    /// The body's fields, in order.
    fn body_fields(&self) -> Result<Vec<(String, Value)>, CallbackError> {
        if self.body.is_empty() {
            return Ok(Vec::new());
        }
        let text = std::str::from_utf8(self.body).map_err(|_| {
            CallbackError::new(CallbackErrorKind::NotUtf8, "the request body is not UTF-8")
        })?;
        let text = text.trim_start_matches('\u{feff}');
        let content_type = self.content_type();
        match content_type.as_deref() {
            Some("application/x-www-form-urlencoded") => Ok(form_fields(text)),
            Some(t) if t == "application/json" || t.ends_with("+json") => {
                json_fields(text, "the request body")
            }
            Some(t) if t.starts_with("multipart/") => Err(CallbackError::malformed(
                "multipart bodies are not supported (the platform sends application/x-www-form-urlencoded)",
            )),
            _ if text.trim_start().starts_with('{') => json_fields(text, "the request body"),
            _ => Ok(form_fields(text)),
        }
    }

    /// Every field of the request: the query string's, then the body's. A field given twice
    /// must have the same value both times.
    fn fields(&self) -> Result<Map<String, Value>, CallbackError> {
        let mut map = Map::new();
        if let Some(query) = self.query {
            for (k, v) in form_fields(query.trim_start_matches('?')) {
                merge(&mut map, k, v)?;
            }
        }
        for (k, v) in self.body_fields()? {
            merge(&mut map, k, v)?;
        }
        Ok(map)
    }
}

impl<'a, B: AsRef<[u8]>> From<&'a http::Request<B>> for CallbackRequest<'a> {
    fn from(request: &'a http::Request<B>) -> Self {
        Self::new(request.uri().query(), request.body().as_ref()).with_headers(request.headers())
    }
}

impl fmt::Debug for CallbackRequest<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CallbackRequest")
            .field("query_len", &self.query.map(str::len))
            .field("body_len", &self.body.len())
            .field("content_type", &self.content_type())
            .finish()
    }
}

/// Form pairs; whitespace around the whole text (a trailing newline) is not part of it.
fn form_fields(text: &str) -> Vec<(String, Value)> {
    parse_query_string(text.trim())
        .into_iter()
        .map(|(k, v)| (k, Value::String(v)))
        .collect()
}

fn json_fields(text: &str, what: &str) -> Result<Vec<(String, Value)>, CallbackError> {
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(map)) => Ok(map.into_iter().collect()),
        Ok(_) => Err(CallbackError::malformed(format!(
            "{what} is JSON but not an object"
        ))),
        // serde_json's message may quote the input; only its position is kept.
        Err(e) => Err(CallbackError::malformed(format!(
            "{what} is not valid JSON (line {}, column {})",
            e.line(),
            e.column()
        ))),
    }
}

fn merge(map: &mut Map<String, Value>, key: String, value: Value) -> Result<(), CallbackError> {
    match map.get(&key) {
        Some(existing) if *existing != value => Err(CallbackError::malformed(format!(
            "the field `{}` is given twice with different values",
            printable_name(&key)
        ))),
        Some(_) => Ok(()),
        None => {
            map.insert(key, value);
            Ok(())
        }
    }
}

/// The event of a decoded `content`: a JSON object, or (tolerated) a form string.
fn content_fields(text: &str) -> Result<Map<String, Value>, CallbackError> {
    let text = text.trim_start_matches('\u{feff}').trim();
    let pairs = if text.starts_with('{') {
        json_fields(text, "the content")?
    } else if text.contains('=') {
        form_fields(text)
    } else {
        return Err(CallbackError::malformed(
            "the content is neither a JSON object nor a form",
        ));
    };
    let mut map = Map::new();
    for (k, v) in pairs {
        merge(&mut map, k, v)?;
    }
    Ok(map)
}

/// Verifies, decrypts and parses callbacks for one key.
///
/// Defaults: content encrypted with [`Cipher::AesEcb`], signatures required, a freshness
/// window of [`CallbackVerifier::DEFAULT_WINDOW`] (10 minutes) either side of `now_ms`.
///
/// One verifier per callback URL: contract callbacks (encrypted when the app's callback
/// encryption is on) and personal-signature authorization callbacks (signed, content in the
/// clear) need different settings.
///
/// `Debug` does not show the key or the IV.
#[derive(Clone)]
pub struct CallbackVerifier {
    key: Secret,
    cipher: Cipher,
    window: Duration,
    allow_unsigned: bool,
}

impl CallbackVerifier {
    /// The default freshness window: 10 minutes, the platform's own nonce window for API
    /// requests.
    ///
    /// ⚠ The platform retries failed callbacks after 5 minutes, then hours apart; whether a
    /// retry carries a new timestamp is not documented. If retries are rejected as
    /// [`CallbackErrorKind::StaleTimestamp`], widen the window with
    /// [`with_window`](Self::with_window).
    pub const DEFAULT_WINDOW: Duration = Duration::from_secs(600);

    /// A verifier for `key`, the app's `callbackSecretKey` (for AES, 16 characters).
    ///
    /// ⚠ For personal-signature authorization callbacks the vendor does not say whether the
    /// key is the `callbackSecretKey` or the AppSecret; it is whatever you pass here.
    pub fn new(key: impl Into<Secret>) -> Self {
        Self {
            key: key.into(),
            cipher: Cipher::AesEcb,
            window: Self::DEFAULT_WINDOW,
            allow_unsigned: false,
        }
    }

    /// Chooses how `content` is protected (default [`Cipher::AesEcb`]). With an AES cipher, a
    /// signed callback must carry `content` (a signed callback with plain fields instead is
    /// refused, so the signature of a captured request cannot vouch for forged fields); with
    /// [`Cipher::Plain`], `content` is read as JSON and a signed callback without it carries
    /// the event in its other fields.
    #[must_use]
    pub fn with_cipher(mut self, cipher: Cipher) -> Self {
        self.cipher = cipher;
        self
    }

    /// Sets how far `timestamp` may be from `now_ms`, either way (default
    /// [`DEFAULT_WINDOW`](Self::DEFAULT_WINDOW)). `Duration::MAX` turns the check off.
    #[must_use]
    pub fn with_window(mut self, window: Duration) -> Self {
        self.window = window;
        self
    }

    /// Whether callbacks without `signature` are accepted (default `false`). The platform
    /// does not sign contract, verification and seal callbacks unless encryption is on, so
    /// receiving those needs `true`; such callbacks are then not authenticated at all.
    #[must_use]
    pub fn allow_unsigned(mut self, allow: bool) -> Self {
        self.allow_unsigned = allow;
        self
    }

    /// The cipher.
    pub fn cipher(&self) -> &Cipher {
        &self.cipher
    }

    /// The freshness window.
    pub fn window(&self) -> Duration {
        self.window
    }

    /// Whether unsigned callbacks are accepted.
    pub fn allows_unsigned(&self) -> bool {
        self.allow_unsigned
    }

    /// Verifies, decrypts and parses a callback received at `now_ms` (Unix milliseconds).
    ///
    /// 1. The fields are read from the query string and the body (a form, or a JSON object);
    ///    a field given in both places must have the same value.
    /// 2. With `signature`: `timestamp` must be there, the signature must match (constant
    ///    time), and the timestamp (milliseconds; 10-digit seconds are accepted) must be within
    ///    the window. Without: refused unless [`allow_unsigned`](Self::allow_unsigned).
    /// 3. With `content`: decoded with the [`Cipher`] and read as a JSON object (or a form
    ///    string); the request's other fields are not part of the event. Without: the other
    ///    fields are the event.
    /// 4. The event's kind is told by its fields (see [`Callback`]).
    ///
    /// # Errors
    /// [`Error::Callback`], whose [`CallbackErrorKind`] says why:
    /// `Unsigned`, `MissingField`, `BadSignature`, `BadTimestamp`, `StaleTimestamp`,
    /// `BadKey`, `BadBase64`, `BadCiphertext`, `BadPadding`, `NotUtf8`, `Malformed`.
    pub fn verify(&self, request: &CallbackRequest<'_>, now_ms: u64) -> Result<Callback, Error> {
        self.verify_inner(request, now_ms).map_err(Error::from)
    }

    /// [`verify`](Self::verify) and the answer to send, in one call: the verified callback and
    /// its [`Callback::reply`] (HTTP 200), or the error and HTTP 400 with the error's text
    /// (`text/plain`; it names what failed, never the key). A receiver only has to send the
    /// response and act on the callback.
    ///
    /// ```
    /// use qys_proto::callback::{CallbackRequest, CallbackVerifier};
    ///
    /// let verifier = CallbackVerifier::new("0123456789abcdef");
    /// let (outcome, response) = verifier.respond(&CallbackRequest::new(None, b"x=1"), 0);
    /// assert!(outcome.is_err());
    /// assert_eq!(response.status(), 400);
    /// ```
    pub fn respond(
        &self,
        request: &CallbackRequest<'_>,
        now_ms: u64,
    ) -> (Result<Callback, Error>, http::Response<String>) {
        match self.verify(request, now_ms) {
            Ok(callback) => {
                let response = callback.reply().into_response();
                (Ok(callback), response)
            }
            Err(error) => {
                let mut response = http::Response::new(format!("{error}\n"));
                *response.status_mut() = StatusCode::BAD_REQUEST;
                response.headers_mut().insert(
                    CONTENT_TYPE,
                    HeaderValue::from_static("text/plain;charset=UTF-8"),
                );
                (Err(error), response)
            }
        }
    }

    fn verify_inner(
        &self,
        request: &CallbackRequest<'_>,
        now_ms: u64,
    ) -> Result<Callback, CallbackError> {
        let mut outer = Payload::new(request.fields()?);
        let signed = match outer.text(fields::SIGNATURE) {
            Some(signature) => {
                let timestamp = outer
                    .text(fields::TIMESTAMP)
                    .ok_or_else(|| CallbackError::missing(fields::TIMESTAMP))?;
                crypto::check_signature(&self.key, &timestamp, &signature)?;
                self.check_fresh(&timestamp, now_ms)?;
                true
            }
            None if self.allow_unsigned => false,
            None => {
                return Err(CallbackError::new(
                    CallbackErrorKind::Unsigned,
                    "the callback has no signature; unsigned callbacks are refused unless the verifier allows them",
                ));
            }
        };
        let payload = match outer.text(fields::CONTENT) {
            Some(content) => content_fields(&crypto::decrypt(&self.key, &self.cipher, &content)?)?,
            None if signed && self.cipher.is_encrypted() => {
                return Err(CallbackError::missing(fields::CONTENT));
            }
            None => outer.rest(),
        };
        events::classify(payload)
    }

    fn check_fresh(&self, timestamp: &str, now_ms: u64) -> Result<(), CallbackError> {
        let bad = || {
            CallbackError::new(
                CallbackErrorKind::BadTimestamp,
                "the timestamp is not a decimal number of Unix milliseconds",
            )
        };
        if timestamp.is_empty() || !timestamp.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        let n: u64 = timestamp.parse().map_err(|_| bad())?;
        // Below 10^11 it cannot be milliseconds of this era (that is March 1973): seconds.
        let ms = if n < 100_000_000_000 {
            n.saturating_mul(1000)
        } else {
            n
        };
        let window = u64::try_from(self.window.as_millis()).unwrap_or(u64::MAX);
        let (distance, direction) = if ms >= now_ms {
            (ms - now_ms, "ahead of")
        } else {
            (now_ms - ms, "behind")
        };
        if distance > window {
            return Err(CallbackError::new(
                CallbackErrorKind::StaleTimestamp,
                format!(
                    "the timestamp is {distance} ms {direction} the receiver's clock, outside the {window} ms window (a replay, or clocks out of sync)"
                ),
            ));
        }
        Ok(())
    }
}

impl fmt::Debug for CallbackVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CallbackVerifier")
            .field("key", &self.key)
            .field("cipher", &self.cipher)
            .field("window", &self.window)
            .field("allow_unsigned", &self.allow_unsigned)
            .finish()
    }
}

/// A signed callback form body, `content=…&signature=…&timestamp=…`, as the platform sends it
/// when encryption is on: `payload` (the event's JSON text) encrypted with `cipher` (or left
/// in the clear with [`Cipher::Plain`]), signed at `timestamp_ms`. For tests of receivers and fuzzing (qys-sandbox has its own
/// producer, so that it checks this module rather than mirroring it).
///
/// # Errors
/// [`CallbackErrorKind::BadKey`] when `cipher` is AES and the key is not 16 bytes.
pub fn signed_callback_form(
    key: &Secret,
    cipher: &Cipher,
    timestamp_ms: u64,
    payload: &str,
) -> Result<String, Error> {
    let content = encrypt_content(key, cipher, payload)?;
    let timestamp = timestamp_ms.to_string();
    let signature = sign_timestamp(key, &timestamp);
    Ok(to_query_string([
        (fields::CONTENT, content.as_str()),
        (fields::SIGNATURE, signature.as_str()),
        (fields::TIMESTAMP, timestamp.as_str()),
    ]))
}

/// A verified callback, by kind. The kind is told by the fields:
///
/// | kind | fields |
/// | --- | --- |
/// | [`ContractStatus`](Self::ContractStatus) | `contractId` and `contractStatus` |
/// | [`SealReview`](Self::SealReview) | `applyId` and `result` |
/// | [`PersonalSignAuth`](Self::PersonalSignAuth) | `item` (`AUTHORIZE`/`DEAUTHORIZE`, or with `user` or `assignee`) |
/// | [`CompanyAuth`](Self::CompanyAuth) | `requestId`, `actionEvent` or `authInfo` |
/// | [`PersonalAuth`](Self::PersonalAuth) | `authId`, or `mode` and `status` |
/// | [`Unknown`](Self::Unknown) | anything else |
///
/// Fields qys does not know are kept in each event's `extra`; values it does not know are
/// kept in the enums' `Other` variants. Nothing is rejected for being new.
///
/// `Serialize` writes the payload back as a JSON object of the platform's field names, every
/// field that came in included (a value may change form: `"1"` becomes `1` where qys reads a
/// number); [`kind`](Self::kind) names the event.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(untagged)]
#[non_exhaustive]
pub enum Callback {
    /// A contract changed state.
    ContractStatus(ContractStatusEvent),
    /// A company verification progressed or ended.
    CompanyAuth(CompanyAuthEvent),
    /// A personal verification ended or awaits review.
    PersonalAuth(PersonalAuthEvent),
    /// An image seal was reviewed.
    SealReview(SealReviewEvent),
    /// A personal-signature authorization was given or withdrawn.
    PersonalSignAuth(PersonalSignAuthEvent),
    /// A callback of a kind qys does not know, with all its fields.
    Unknown(Map<String, Value>),
}

impl Callback {
    /// The event's kind: `contractStatus`, `companyAuth`, `personalAuth`, `sealReview`,
    /// `personalSignAuth` or `unknown`.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::ContractStatus(_) => "contractStatus",
            Self::CompanyAuth(_) => "companyAuth",
            Self::PersonalAuth(_) => "personalAuth",
            Self::SealReview(_) => "sealReview",
            Self::PersonalSignAuth(_) => "personalSignAuth",
            Self::Unknown(_) => "unknown",
        }
    }

    /// The answer the platform expects for this kind (see [`Reply`] for each).
    pub fn reply(&self) -> Reply {
        match self {
            Self::CompanyAuth(_) | Self::PersonalAuth(_) => Reply::CODE_ZERO,
            Self::SealReview(_) => Reply::RESPONSE_CODE_SUCCESS,
            Self::ContractStatus(_) | Self::PersonalSignAuth(_) | Self::Unknown(_) => {
                Reply::SUCCESS
            }
        }
    }
}

/// The answer to a callback: HTTP 200 with a small body. Anything else makes the platform
/// retry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Reply {
    content_type: &'static str,
    body: &'static str,
}

impl Reply {
    /// `success` as text: what the vendor's own receivers answer to (encrypted) contract
    /// callbacks. ⚠ The contract-callback page documents no body; the vendor SDK samples are
    /// the only source. Also used for personal-signature authorization callbacks, where any
    /// status below 400 is success, and for unknown kinds.
    pub const SUCCESS: Self = Self {
        content_type: "text/plain;charset=UTF-8",
        body: "success",
    };

    /// `{"code":0}`: what the company and personal verification callbacks require (a non-zero
    /// code counts as a failure).
    pub const CODE_ZERO: Self = Self {
        content_type: "application/json;charset=UTF-8",
        body: r#"{"code":0}"#,
    };

    /// `{"responseCode":"00000000"}` for image seal review callbacks. ⚠ The page literally
    /// shows `{"responseCode":00000000}`, which is not JSON (strict parsers refuse the leading
    /// zeros); the quoted form is valid JSON and reads as the same code whether the platform
    /// compares it as text or as a number.
    pub const RESPONSE_CODE_SUCCESS: Self = Self {
        content_type: "application/json;charset=UTF-8",
        body: r#"{"responseCode":"00000000"}"#,
    };

    /// The HTTP status: always 200.
    pub fn status(&self) -> StatusCode {
        StatusCode::OK
    }

    /// The `Content-Type`.
    pub fn content_type(&self) -> &'static str {
        self.content_type
    }

    /// The body.
    pub fn body(&self) -> &'static str {
        self.body
    }

    /// The reply as an [`http::Response`] with any body type that can be made from a string
    /// (`String`, `Vec<u8>`, `Bytes`, most frameworks' body types).
    pub fn into_response<B: From<&'static str>>(self) -> http::Response<B> {
        let mut response = http::Response::new(B::from(self.body));
        response
            .headers_mut()
            .insert(CONTENT_TYPE, HeaderValue::from_static(self.content_type));
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn respond_answers_the_reply_or_400_with_the_error() {
        let key = Secret::new("5f6db7ec8325aAGF");
        let verifier = CallbackVerifier::new(key.clone());
        let now_ms = 1_700_000_000_000;
        let body = signed_callback_form(
            &key,
            &Cipher::AesEcb,
            now_ms,
            r#"{"contractId":"1","contractStatus":"COMPLETE","callbackType":"COMPLETE"}"#,
        )
        .unwrap();
        let (outcome, response) =
            verifier.respond(&CallbackRequest::new(None, body.as_bytes()), now_ms);
        let callback = outcome.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(response.body(), callback.reply().body());
        assert_eq!(
            response.headers()[CONTENT_TYPE],
            callback.reply().content_type()
        );
        // Too late: 400 with the typed error's text, which never holds the key.
        let late = now_ms + 3_600_000;
        let (outcome, response) =
            verifier.respond(&CallbackRequest::new(None, body.as_bytes()), late);
        let error = outcome.unwrap_err();
        assert!(
            matches!(&error, Error::Callback(c) if c.kind() == CallbackErrorKind::StaleTimestamp),
            "{error:?}"
        );
        assert_eq!(response.status(), StatusCode::BAD_REQUEST);
        assert_eq!(response.body(), &format!("{error}\n"));
        assert_eq!(response.headers()[CONTENT_TYPE], "text/plain;charset=UTF-8");
        assert!(!response.body().contains("5f6db7ec8325aAGF"));
    }

    /// `actual` holds every field of `sent` and no other: values compared as text, JSON text
    /// holding an object compared as that object.
    fn same_fields(sent: &serde_json::Value, actual: &serde_json::Value) {
        use serde_json::Value;
        fn object(v: &Value) -> Option<serde_json::Map<String, Value>> {
            match v {
                Value::Object(m) => Some(m.clone()),
                Value::String(s) => serde_json::from_str(s).ok(),
                _ => None,
            }
        }
        fn text(v: &Value) -> String {
            match v {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            }
        }
        let (sent, actual) = (object(sent).unwrap(), object(actual).unwrap());
        let names = |m: &serde_json::Map<String, Value>| m.keys().cloned().collect::<Vec<_>>();
        assert_eq!(names(&sent), names(&actual), "{actual:?}");
        for (name, value) in &sent {
            match object(value) {
                Some(_) => same_fields(value, &actual[name]),
                None => assert_eq!(text(value), text(&actual[name]), "{name}"),
            }
        }
    }

    #[test]
    fn every_event_encodes_back_to_every_field_it_came_with() {
        use serde_json::json;
        let samples = [
            json!({"contractId": "1", "contractStatus": "COMPLETE", "callbackType": "SEAL",
                "tenantType": "COMPANY", "tenantName": "某公司", "contact": "13800000000",
                "tenantId": 9, "businessData": "b", "bizId": "z", "newField": {"a": [1]}}),
            json!({"status": "1", "actionEvent": 7, "requestId": "r",
                "authInfo": r#"{"name":"某公司","registerNo":"91","later":"x"}"#, "top": "y"}),
            json!({"mode": "BANK", "status": "1", "authId": "a", "more": 2}),
            json!({"applyId": "9", "result": "REJECT", "ext": "e",
                "detail": r#"{"sealType":"LP","sealName":"n","rejectReason":"blurred","new":1}"#}),
            json!({"applyId": "9", "result": "PASS", "detail": {"sealId": 55, "sealType": "X"}}),
            json!({"applyId": "9", "result": "LATER", "rejectReason": "r"}),
            json!({"item": "AUTHORIZE", "user": "138", "userType": "MOBLIE", "companyId": "3",
                "companyName": "c", "assignee": "a", "authDeadline": "2026-12-31",
                "remark": "r", "deauthorizeDate": "d", "x": true}),
            json!({"whatever": "1", "n": 2}),
        ];
        for sample in samples {
            let event = events::classify(sample.as_object().unwrap().clone()).unwrap();
            same_fields(&sample, &serde_json::to_value(&event).unwrap());
        }
    }

    #[test]
    fn debug_never_shows_key_iv_or_payload() {
        let v = CallbackVerifier::new("5f6db7ec8325aAGF").with_cipher(Cipher::AesCbc {
            iv: *b"IVIVIVIVIVIVIVIV",
        });
        let shown = format!("{v:?}");
        assert!(!shown.contains("5f6db7ec8325aAGF"), "{shown}");
        assert!(!shown.contains("IVIV"), "{shown}");
        let req = CallbackRequest::new(Some("signature=abcdef"), b"content=secret-stuff");
        let shown = format!("{req:?}");
        assert!(
            !shown.contains("abcdef") && !shown.contains("secret-stuff"),
            "{shown}"
        );
    }

    #[test]
    fn seconds_timestamps_are_accepted_and_junk_is_typed() {
        let v = CallbackVerifier::new("k");
        let now = 1_700_000_000_000;
        assert!(v.check_fresh("1700000000", now).is_ok());
        assert!(v.check_fresh("1700000599999", now).is_ok());
        assert_eq!(
            v.check_fresh("1700000600001", now).unwrap_err().kind(),
            CallbackErrorKind::StaleTimestamp
        );
        for junk in [
            "",
            "-1",
            "1.5e12",
            " 1700000000000",
            "99999999999999999999999",
        ] {
            assert_eq!(
                v.check_fresh(junk, now).unwrap_err().kind(),
                CallbackErrorKind::BadTimestamp,
                "{junk}"
            );
        }
        assert!(v.with_window(Duration::MAX).check_fresh("1", now).is_ok());
    }

    #[test]
    fn reply_builds_a_response() {
        let r: http::Response<String> = Reply::CODE_ZERO.into_response();
        assert_eq!(r.status(), 200);
        assert_eq!(
            r.headers()["content-type"],
            "application/json;charset=UTF-8"
        );
        assert_eq!(r.body(), r#"{"code":0}"#);
    }
}
