//! Why a callback was rejected.

/// What was wrong with a callback.
///
/// Every kind means "do not act on this request". The platform retries callbacks that are not
/// answered with a 2xx status, so answering a rejected callback with 400 (or 401 for the
/// signature kinds) lets a genuine callback that failed for a transient reason come back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CallbackErrorKind {
    /// A field the callback needs is absent or empty (the field's wire name).
    MissingField(&'static str),
    /// The request carries no `signature` and the verifier requires one
    /// (see [`CallbackVerifier::allow_unsigned`](super::CallbackVerifier::allow_unsigned)).
    Unsigned,
    /// `signature` is not `md5_hex(timestamp + key)` (or not 32 hex digits at all).
    BadSignature,
    /// `timestamp` is not a decimal number of Unix milliseconds (or seconds).
    BadTimestamp,
    /// `timestamp` is further from the verifier's clock than its window allows, in either
    /// direction: a replayed or a forged-ahead callback, or a clock out of sync.
    StaleTimestamp,
    /// `content` is not Base64.
    BadBase64,
    /// The decoded ciphertext is empty or not a whole number of 16-byte AES blocks.
    BadCiphertext,
    /// The decrypted text does not end in valid PKCS#7 padding: a wrong key, a wrong mode or
    /// IV, or tampered content.
    BadPadding,
    /// The key cannot be an AES-128 key (it must be 16 bytes of UTF-8), or a CBC IV is not
    /// 16 bytes.
    BadKey,
    /// A body, a query string or a decrypted content is not UTF-8.
    NotUtf8,
    /// The request or its content does not have the shape of a callback: not a form or a JSON
    /// object, a field given twice with different values, a field of the wrong type, an
    /// unsupported body type.
    Malformed,
}

impl CallbackErrorKind {
    /// Whether the kind says the request failed authentication (signature, freshness,
    /// decryption) rather than parsing.
    pub fn is_authentication(self) -> bool {
        matches!(
            self,
            Self::Unsigned
                | Self::BadSignature
                | Self::BadTimestamp
                | Self::StaleTimestamp
                | Self::BadBase64
                | Self::BadCiphertext
                | Self::BadPadding
        )
    }
}

/// A callback was rejected: it is not authentic, not fresh, or not understood.
///
/// The message names fields and sizes, never the key, the signature value, nor any byte of
/// the (decrypted) content.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("callback rejected: {message}")]
pub struct CallbackError {
    kind: CallbackErrorKind,
    message: String,
}

impl CallbackError {
    /// A callback error of `kind` with a message for people (which must not contain secrets).
    pub fn new(kind: CallbackErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
        }
    }

    /// What was wrong.
    pub fn kind(&self) -> CallbackErrorKind {
        self.kind
    }

    /// The message for people.
    pub fn message(&self) -> &str {
        &self.message
    }

    pub(crate) fn missing(field: &'static str) -> Self {
        Self::new(
            CallbackErrorKind::MissingField(field),
            format!("the field `{field}` is missing or empty"),
        )
    }

    pub(crate) fn malformed(message: impl Into<String>) -> Self {
        Self::new(CallbackErrorKind::Malformed, message)
    }
}
