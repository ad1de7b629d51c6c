//! An entry point for fuzzers (cargo-fuzz, AFL): not part of the API.

use http::HeaderMap;
use http::header::{CONTENT_TYPE, HeaderValue};

use super::{CallbackRequest, CallbackVerifier, Cipher, signed_callback_form};
use crate::credentials::Secret;

/// The key the fuzz entry point verifies with.
const KEY: &str = "5f6db7ec8325aAGF";
/// The clock of the fuzz entry point.
const NOW_MS: u64 = 1_700_000_000_000;

/// Runs one fuzz case through [`CallbackVerifier::verify`]; it must return, never panic.
///
/// The first byte chooses the set-up: bits 0–1 the cipher (plain, ECB, CBC, CBC), bit 2
/// whether unsigned callbacks are allowed, bits 3–4 the `Content-Type` (none, form, JSON,
/// multipart), bit 5 whether the rest is wrapped in a validly signed and encrypted callback
/// (so that the payload parser is reached). The rest is split at the first `0xFF` byte into
/// a query string (lossy UTF-8) and a body.
pub fn fuzz_callback(data: &[u8]) {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let (query, body) = match rest.iter().position(|&b| b == 0xFF) {
        Some(i) => (&rest[..i], &rest[i + 1..]),
        None => (&[][..], rest),
    };
    let query = String::from_utf8_lossy(query);
    let key = Secret::new(KEY);
    let cipher = match mode & 3 {
        0 => Cipher::Plain,
        1 => Cipher::AesEcb,
        _ => Cipher::AesCbc {
            iv: *b"0123456789abcdef",
        },
    };
    let verifier = CallbackVerifier::new(key.clone())
        .with_cipher(cipher.clone())
        .allow_unsigned(mode & 4 != 0);
    let mut headers = HeaderMap::new();
    let content_type = match (mode >> 3) & 3 {
        1 => Some("application/x-www-form-urlencoded"),
        2 => Some("application/json"),
        3 => Some("multipart/form-data; boundary=x"),
        _ => None,
    };
    if let Some(ct) = content_type {
        headers.insert(CONTENT_TYPE, HeaderValue::from_static(ct));
    }
    if mode & 0x20 != 0 {
        let payload = String::from_utf8_lossy(body);
        if let Ok(form) = signed_callback_form(&key, &cipher, NOW_MS, &payload) {
            let form_headers = {
                let mut h = HeaderMap::new();
                h.insert(
                    CONTENT_TYPE,
                    HeaderValue::from_static("application/x-www-form-urlencoded"),
                );
                h
            };
            let request =
                CallbackRequest::new(Some(&query), form.as_bytes()).with_headers(&form_headers);
            let _ = verifier.verify(&request, NOW_MS);
        }
    } else {
        let request = CallbackRequest::new(Some(&query), body).with_headers(&headers);
        let _ = verifier.verify(&request, NOW_MS);
        let _ = request.param("company");
    }
}
