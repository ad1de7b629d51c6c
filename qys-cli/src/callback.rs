//! `qys callback verify`: verify, decrypt and parse a callback request from a file or stdin,
//! and print the typed event as JSON.

use std::path::PathBuf;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use clap::Args;
use http::HeaderMap;
use qys_blocking::Secret;
use qys_proto::callback::{CallbackRequest, CallbackVerifier, Cipher};
use serde_json::json;

use crate::fail::Failure;
use crate::output::{print_json, read_input};

/// The largest callback request read (the platform's are a few kilobytes).
const MAX_INPUT: u64 = 4 * 1024 * 1024;

/// `qys callback verify`.
#[derive(Debug, Args)]
pub(crate) struct VerifyCommand {
    /// The app's callbackSecretKey (16 characters for AES). Prefer --key-env: a key on the
    /// command line is visible to other users of the machine.
    #[arg(
        long,
        value_name = "KEY",
        env = "QYS_CALLBACK_KEY",
        hide_env_values = true,
        required_unless_present = "key_env"
    )]
    key: Option<String>,
    /// Reads the key from this environment variable instead.
    #[arg(long, value_name = "VAR", conflicts_with = "key")]
    key_env: Option<String>,
    /// The content is AES-128-CBC (encryptType AES_CBC) instead of ECB.
    #[arg(long, conflicts_with = "plain")]
    cbc: bool,
    /// The CBC IV, 16 characters (default: the key's 16 bytes, as the qys sandbox does; the
    /// platform does not document it).
    #[arg(long, value_name = "IV", requires = "cbc")]
    iv: Option<String>,
    /// The content is JSON in the clear (personal-signature authorization callbacks).
    #[arg(long)]
    plain: bool,
    /// Accepts a callback without a signature (the platform does not sign contract and
    /// verification callbacks unless encryption is on). Such a callback is not authenticated.
    #[arg(long)]
    allow_unsigned: bool,
    /// How far the timestamp may be from now, in seconds (default 600).
    #[arg(long, value_name = "SECONDS", conflicts_with = "any_age")]
    max_age: Option<u64>,
    /// Skips the freshness check: for a callback copied from a log.
    #[arg(long)]
    any_age: bool,
    /// The query string the request arrived with (when the input is only the body).
    #[arg(long, value_name = "QUERY")]
    query: Option<String>,
    /// The request: a raw HTTP request (request line, headers, blank line, form body) or just
    /// the body (a form or a JSON object); `-` or nothing for stdin.
    #[arg(value_name = "FILE")]
    input: Option<PathBuf>,
}

impl VerifyCommand {
    /// Verifies the callback and prints `{kind, event, reply}`.
    pub(crate) fn run(&self) -> Result<(), Failure> {
        let key = match (&self.key, &self.key_env) {
            (Some(k), _) => k.clone(),
            (None, Some(var)) => std::env::var(var)
                .map_err(|_| Failure::usage(format!("the variable {var} is not set")))?,
            (None, None) => return Err(Failure::usage("give the key with --key or --key-env")),
        };
        let cipher = if self.plain {
            Cipher::Plain
        } else if self.cbc {
            Cipher::cbc(self.iv.as_deref().unwrap_or(&key))
                .map_err(|e| Failure::usage(format!("--iv: {e}")))?
        } else {
            Cipher::AesEcb
        };
        if cipher.is_encrypted() && key.len() != 16 {
            return Err(Failure::usage(format!(
                "an AES-128 callback key has 16 bytes, this one has {} (use --plain for callbacks in the clear)",
                key.len()
            )));
        }
        let window = match (self.any_age, self.max_age) {
            (true, _) => Duration::MAX,
            (false, Some(s)) => Duration::from_secs(s),
            (false, None) => CallbackVerifier::DEFAULT_WINDOW,
        };
        let verifier = CallbackVerifier::new(Secret::new(key))
            .with_cipher(cipher)
            .with_window(window)
            .allow_unsigned(self.allow_unsigned);

        let input = read_input(self.input.as_deref(), MAX_INPUT, "the callback request")?;
        let parsed = RawRequest::parse(&input)?;
        let query = self.query.as_deref().or(parsed.query.as_deref());
        let mut request = CallbackRequest::new(query, parsed.body);
        if let Some(headers) = &parsed.headers {
            request = request.with_headers(headers);
        }
        let now_ms = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX));
        let callback = verifier.verify(&request, now_ms)?;
        let reply = callback.reply();
        print_json(&json!({
            "kind": callback.kind(),
            "event": callback,
            "reply": {"contentType": reply.content_type(), "body": reply.body()},
        }))
    }
}

/// A callback request as given: a whole HTTP request, or only its body.
#[derive(Debug)]
struct RawRequest<'a> {
    query: Option<String>,
    headers: Option<HeaderMap>,
    body: &'a [u8],
}

impl<'a> RawRequest<'a> {
    /// Reads `METHOD TARGET HTTP/x.y`, the header lines and the body after the blank line;
    /// anything that does not start with a request line is the body alone.
    fn parse(input: &'a [u8]) -> Result<Self, Failure> {
        let line_end = input
            .iter()
            .position(|&b| b == b'\n')
            .unwrap_or(input.len());
        let first = String::from_utf8_lossy(&input[..line_end]);
        let mut words = first.trim_end().split(' ');
        let (Some(method), Some(target), Some(version), None) =
            (words.next(), words.next(), words.next(), words.next())
        else {
            return Ok(Self::body_only(input));
        };
        if !version.starts_with("HTTP/")
            || method.is_empty()
            || !method.bytes().all(|b| b.is_ascii_uppercase())
        {
            return Ok(Self::body_only(input));
        }
        let query = target.split_once('?').map(|(_, q)| q.to_owned());
        let mut headers = HeaderMap::new();
        let mut at = line_end + 1;
        loop {
            let rest = input.get(at..).unwrap_or_default();
            let end = rest.iter().position(|&b| b == b'\n').ok_or_else(|| {
                Failure::usage("the HTTP request has no blank line after its headers")
            })?;
            let line = &rest[..end];
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            at += end + 1;
            if line.is_empty() {
                break;
            }
            let text = std::str::from_utf8(line)
                .map_err(|_| Failure::usage("a header line of the HTTP request is not UTF-8"))?;
            let (name, value) = text
                .split_once(':')
                .ok_or_else(|| Failure::usage("a header line of the HTTP request has no `:`"))?;
            let name = http::HeaderName::from_bytes(name.trim().as_bytes())
                .map_err(|_| Failure::usage("a header name of the HTTP request is invalid"))?;
            let value = http::HeaderValue::from_str(value.trim())
                .map_err(|_| Failure::usage("a header value of the HTTP request is invalid"))?;
            headers.append(name, value);
        }
        Ok(Self {
            query,
            headers: Some(headers),
            body: input.get(at..).unwrap_or_default(),
        })
    }

    fn body_only(input: &'a [u8]) -> Self {
        Self {
            query: None,
            headers: None,
            body: input,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_http_requests_and_bare_bodies() {
        let raw = b"POST /cb?company=x HTTP/1.1\r\nHost: h\r\nContent-Type: application/x-www-form-urlencoded\r\n\r\ncontent=a&signature=b";
        let r = RawRequest::parse(raw).unwrap();
        assert_eq!(r.query.as_deref(), Some("company=x"));
        assert_eq!(r.body, b"content=a&signature=b");
        assert_eq!(
            r.headers.unwrap()["content-type"],
            "application/x-www-form-urlencoded"
        );
        let bare = b"content=a&signature=b&timestamp=1";
        let r = RawRequest::parse(bare).unwrap();
        assert!(r.headers.is_none() && r.query.is_none());
        assert_eq!(r.body, bare);
        let json = br#"{"contractId":"1"}"#;
        assert_eq!(RawRequest::parse(json).unwrap().body, json);
        assert!(RawRequest::parse(b"POST / HTTP/1.1\r\nHost: h\r\n").is_err());
    }
}
