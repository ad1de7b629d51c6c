//! The gateway's authentication: the sandbox's own, independent check of a request's
//! signing headers (it never calls qys-proto's signer or verifier, so that the two check each
//! other). The server runs it before routing; [`check`] exposes it for tests of other
//! clients.
//!
//! The rules, in the order they are checked:
//!
//! 1. a required header is missing or blank → HTTP 441 `HEADER REQUIRED,<header>`
//!    ([`Rejection::MissingHeader`]). `/saas/...` paths need `x-qys-open-agentaccesstoken`,
//!    `x-qys-open-agentsignature`, `x-qys-open-timestamp`, `x-qys-open-nonce`, and when
//!    `x-qys-open-accesstoken` is sent, `x-qys-open-signature` too; every other path needs
//!    `x-qys-open-accesstoken`, `x-qys-open-timestamp`, `x-qys-open-nonce`,
//!    `x-qys-open-signature`;
//! 2. a token is not the app's (or agent's) → HTTP 442 `INVALID TOKEN`
//!    ([`Rejection::UnknownToken`]);
//! 3. a signature is not `md5_hex(token + secret + timestamp + nonce)` over the header bytes
//!    as sent (lowercase hex) → HTTP 443 `INVALID SIGNATURE` ([`Rejection::BadSignature`]);
//! 4. the timestamp is not a decimal number of Unix milliseconds, or further than the window
//!    (default 15 minutes) from the gateway's clock, either way → HTTP 444 `TIMESTAMP EXPIRED`
//!    ([`Rejection::StaleTimestamp`]);
//! 5. the nonce was already accepted with the same (agent or app) token within
//!    [`NONCE_TTL`] → HTTP 446 `NONCE REPLAYED` ([`Rejection::ReplayedNonce`]).
//!
//! 441 and 442 are the platform's documented answers; 443, 444 and 446 are qys's choice (the
//! vendor documents no code for them). Every rejection answers the envelope
//! `{"code": <status>, "responseCode": "11990<status>", "message": "<text>"}`.

use std::collections::{HashSet, VecDeque};
use std::fmt;
use std::time::Duration;

use http::HeaderMap;
use md5::{Digest, Md5};
use qys_proto::Credentials;
use qys_proto::headers::{
    ACCESS_TOKEN, AGENT_ACCESS_TOKEN, AGENT_SIGNATURE, NONCE, SIGNATURE, TIMESTAMP,
};
use subtle::ConstantTimeEq;

use crate::reply::Failure;

/// How long a nonce stays used.
pub const NONCE_TTL: Duration = Duration::from_secs(10 * 60);
/// The most nonces remembered; beyond it the oldest are forgotten first.
pub(crate) const NONCE_CAP: usize = 200_000;

/// The keys and the timestamp window the gateway checks against. `Debug` hides the secrets.
#[derive(Debug, Clone)]
pub struct GatewayKeys {
    app: Credentials,
    agent: Credentials,
    window: Duration,
}

impl GatewayKeys {
    /// The app's and the SaaS agent's credentials, with the default window
    /// ([`DEFAULT_TIMESTAMP_WINDOW`](crate::DEFAULT_TIMESTAMP_WINDOW), 15 minutes).
    pub fn new(app: Credentials, agent: Credentials) -> Self {
        Self {
            app,
            agent,
            window: crate::DEFAULT_TIMESTAMP_WINDOW,
        }
    }

    /// How far a request's timestamp may be from the gateway's clock, either way.
    #[must_use]
    pub fn with_window(mut self, window: Duration) -> Self {
        self.window = window;
        self
    }

    /// The timestamp window.
    pub fn window(&self) -> Duration {
        self.window
    }
}

/// Why the gateway refused a request, with the answer it gives.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Rejection {
    /// A required header is missing or blank (441); the header's name.
    MissingHeader(&'static str),
    /// The app or agent token is not this gateway's (442).
    UnknownToken,
    /// A signature does not match (443).
    BadSignature,
    /// The timestamp is not a number of milliseconds (`timestamp: None`) or lies outside the
    /// window around `now_ms` (444).
    StaleTimestamp {
        /// The timestamp sent, when it was a number.
        timestamp: Option<u64>,
        /// The gateway's clock.
        now_ms: u64,
        /// The window.
        window: Duration,
    },
    /// The nonce was already used with this token within [`NONCE_TTL`] (446).
    ReplayedNonce,
}

impl Rejection {
    /// The HTTP status, which is also the envelope's `code`: 441, 442, 443, 444 or 446.
    pub fn status(&self) -> u16 {
        match self {
            Self::MissingHeader(_) => 441,
            Self::UnknownToken => 442,
            Self::BadSignature => 443,
            Self::StaleTimestamp { .. } => 444,
            Self::ReplayedNonce => 446,
        }
    }

    /// The envelope's `responseCode`: `11990` followed by the status.
    pub fn response_code(&self) -> &'static str {
        match self {
            Self::MissingHeader(_) => "11990441",
            Self::UnknownToken => "11990442",
            Self::BadSignature => "11990443",
            Self::StaleTimestamp { .. } => "11990444",
            Self::ReplayedNonce => "11990446",
        }
    }
}

impl fmt::Display for Rejection {
    /// The envelope's `message`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::MissingHeader(name) => write!(f, "HEADER REQUIRED,{name}"),
            Self::UnknownToken => f.write_str("INVALID TOKEN"),
            Self::BadSignature => f.write_str("INVALID SIGNATURE"),
            Self::StaleTimestamp {
                timestamp: None, ..
            } => f.write_str(
                "TIMESTAMP EXPIRED: x-qys-open-timestamp is not a number of milliseconds",
            ),
            Self::StaleTimestamp {
                timestamp: Some(ts),
                now_ms,
                window,
            } => write!(
                f,
                "TIMESTAMP EXPIRED: {ts} is {} s away from the gateway's clock (window {} s)",
                ts.abs_diff(*now_ms) / 1000,
                window.as_secs()
            ),
            Self::ReplayedNonce => f.write_str(
                "NONCE REPLAYED: this x-qys-open-nonce was used within the last 10 minutes",
            ),
        }
    }
}

impl std::error::Error for Rejection {}

impl From<Rejection> for Failure {
    fn from(r: Rejection) -> Self {
        Self::gateway(r.status(), r.response_code(), r.to_string())
    }
}

/// The nonces seen in the last ten minutes, per token, kept as 16-byte digests of
/// (token, nonce) so that memory stays bounded whatever clients send: at most [`NONCE_CAP`]
/// entries of a few dozen bytes.
#[derive(Debug, Default)]
pub(crate) struct NonceStore {
    seen: HashSet<[u8; 16]>,
    /// When each was recorded (the sandbox clock's time since the epoch), oldest first.
    order: VecDeque<(Duration, [u8; 16])>,
}

fn nonce_key(token: &[u8], nonce: &[u8]) -> [u8; 16] {
    let mut md5 = Md5::new();
    md5.update((token.len() as u64).to_be_bytes());
    md5.update(token);
    md5.update(nonce);
    md5.finalize().into()
}

impl NonceStore {
    /// Records `nonce` for `token`; false when it was already seen within [`NONCE_TTL`].
    pub(crate) fn record(&mut self, token: &[u8], nonce: &[u8], now: Duration) -> bool {
        while let Some((at, _)) = self.order.front() {
            if now.saturating_sub(*at) < NONCE_TTL && self.order.len() < NONCE_CAP {
                break;
            }
            if let Some((_, key)) = self.order.pop_front() {
                self.seen.remove(&key);
            }
        }
        let key = nonce_key(token, nonce);
        if !self.seen.insert(key) {
            return false;
        }
        self.order.push_back((now, key));
        true
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.seen.len()
    }
}

fn header<'a>(headers: &'a HeaderMap, name: &'static str) -> Result<&'a [u8], Rejection> {
    match headers.get(name) {
        Some(v) if !v.as_bytes().iter().all(u8::is_ascii_whitespace) => Ok(v.as_bytes()),
        _ => Err(Rejection::MissingHeader(name)),
    }
}

fn check_signature(
    credentials: &Credentials,
    timestamp: &[u8],
    nonce: &[u8],
    given: &[u8],
) -> Result<(), Rejection> {
    let mut md5 = Md5::new();
    md5.update(credentials.token().as_bytes());
    md5.update(credentials.secret().expose().as_bytes());
    md5.update(timestamp);
    md5.update(nonce);
    let expected = hex::encode(md5.finalize());
    if bool::from(expected.as_bytes().ct_eq(given)) {
        Ok(())
    } else {
        Err(Rejection::BadSignature)
    }
}

fn same_token(credentials: &Credentials, given: &[u8]) -> bool {
    bool::from(credentials.token().as_bytes().ct_eq(given))
}

fn check_timestamp(timestamp: &[u8], now_ms: u64, window: Duration) -> Result<(), Rejection> {
    let window_ms = u64::try_from(window.as_millis()).unwrap_or(u64::MAX);
    let parsed = std::str::from_utf8(timestamp)
        .ok()
        .and_then(|s| s.trim().parse::<u64>().ok());
    match parsed {
        Some(ts) if ts.abs_diff(now_ms) <= window_ms => Ok(()),
        timestamp => Err(Rejection::StaleTimestamp {
            timestamp,
            now_ms,
            window,
        }),
    }
}

/// What [`verify`] admitted: the token the nonce belongs to, and the nonce.
struct Admitted<'h> {
    token: &'h [u8],
    nonce: &'h [u8],
}

/// Checks rules 1 to 4 (everything but the nonce).
fn verify<'h>(
    headers: &'h HeaderMap,
    path: &str,
    keys: &GatewayKeys,
    now_ms: u64,
) -> Result<Admitted<'h>, Rejection> {
    let (token, timestamp, nonce) = if path.starts_with("/saas/") {
        let agent_token = header(headers, AGENT_ACCESS_TOKEN)?;
        let agent_signature = header(headers, AGENT_SIGNATURE)?;
        let timestamp = header(headers, TIMESTAMP)?;
        let nonce = header(headers, NONCE)?;
        // Acting for a tenant: the app pair must be complete and right too.
        let app = match headers.get(ACCESS_TOKEN) {
            Some(_) => Some((header(headers, ACCESS_TOKEN)?, header(headers, SIGNATURE)?)),
            None => None,
        };
        if !same_token(&keys.agent, agent_token) {
            return Err(Rejection::UnknownToken);
        }
        if let Some((app_token, _)) = app
            && !same_token(&keys.app, app_token)
        {
            return Err(Rejection::UnknownToken);
        }
        check_signature(&keys.agent, timestamp, nonce, agent_signature)?;
        if let Some((_, app_signature)) = app {
            check_signature(&keys.app, timestamp, nonce, app_signature)?;
        }
        (agent_token, timestamp, nonce)
    } else {
        let token = header(headers, ACCESS_TOKEN)?;
        let timestamp = header(headers, TIMESTAMP)?;
        let nonce = header(headers, NONCE)?;
        let signature = header(headers, SIGNATURE)?;
        if !same_token(&keys.app, token) {
            return Err(Rejection::UnknownToken);
        }
        check_signature(&keys.app, timestamp, nonce, signature)?;
        (token, timestamp, nonce)
    };
    check_timestamp(timestamp, now_ms, keys.window)?;
    Ok(Admitted { token, nonce })
}

/// The gateway's verdict on the headers of a request to `path` (the URL path, without query),
/// at `now_unix_ms` on the gateway's clock, given whether the request's nonce was already used
/// with its token within [`NONCE_TTL`] (`nonce_seen`; the caller keeps that memory). The same
/// code the sandbox server runs, without its nonce memory.
///
/// ```
/// use qys_sandbox::gateway::{GatewayKeys, Rejection, check};
/// use qys_proto::Credentials;
///
/// let keys = GatewayKeys::new(Credentials::new("DWjfxmA12a", "testSecret"), Credentials::new("agent", "s"));
/// let mut headers = http::HeaderMap::new();
/// headers.insert("x-qys-open-accesstoken", "DWjfxmA12a".parse()?);
/// headers.insert("x-qys-open-timestamp", "1565753984643".parse()?);
/// headers.insert("x-qys-open-nonce", "254775d7-3c7c-4e9d-9880-1d4c5fb3dbd0".parse()?);
/// headers.insert("x-qys-open-signature", "7a93104e1c30e46541e9caba6307361e".parse()?);
/// assert_eq!(check(&headers, "/v2/contract/detail", &keys, 1_565_753_984_643, false), Ok(()));
/// assert_eq!(
///     check(&headers, "/v2/contract/detail", &keys, 1_565_753_984_643, true),
///     Err(Rejection::ReplayedNonce)
/// );
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// The first rule (see the [module docs](self)) the request breaks.
pub fn check(
    headers: &HeaderMap,
    path: &str,
    keys: &GatewayKeys,
    now_unix_ms: u64,
    nonce_seen: bool,
) -> Result<(), Rejection> {
    verify(headers, path, keys, now_unix_ms)?;
    if nonce_seen {
        return Err(Rejection::ReplayedNonce);
    }
    Ok(())
}

/// Authenticates the head of a request to `path` as [`check`] does, with the server's nonce
/// memory: on success the nonce is recorded.
///
/// # Errors
/// The gateway's answer (441, 442, 443, 444 or 446).
pub(crate) fn authenticate(
    headers: &HeaderMap,
    path: &str,
    keys: &GatewayKeys,
    now_ms: u64,
    nonces: &std::sync::Mutex<NonceStore>,
) -> Result<(), Failure> {
    let admitted = verify(headers, path, keys, now_ms)?;
    let fresh = crate::server::lock(nonces).record(
        admitted.token,
        admitted.nonce,
        Duration::from_millis(now_ms),
    );
    if !fresh {
        return Err(Rejection::ReplayedNonce.into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nonces_expire_and_are_capped() {
        let mut store = NonceStore::default();
        let t0 = Duration::from_secs(1_767_225_600);
        assert!(store.record(b"t", b"n1", t0));
        assert!(!store.record(b"t", b"n1", t0 + Duration::from_secs(1)));
        assert!(store.record(b"other", b"n1", t0), "nonces are per token");
        assert!(store.record(b"t", b"n1", t0 + NONCE_TTL + Duration::from_secs(1)));
        assert_eq!(store.len(), 1, "expired entries are dropped");
        for i in 0..(NONCE_CAP + 10) {
            store.record(b"t", i.to_string().as_bytes(), t0 + NONCE_TTL * 2);
        }
        assert!(store.len() <= NONCE_CAP);
    }

    #[test]
    fn the_signature_is_the_documented_md5() {
        // The self-computed vector of the spec (§1.2).
        let c = Credentials::new("DWjfxmA12a", "testSecret");
        assert!(
            check_signature(
                &c,
                b"1565753984643",
                b"254775d7-3c7c-4e9d-9880-1d4c5fb3dbd0",
                b"7a93104e1c30e46541e9caba6307361e"
            )
            .is_ok()
        );
        let bad = check_signature(
            &c,
            b"1565753984643",
            b"x",
            b"7a93104e1c30e46541e9caba6307361e",
        )
        .unwrap_err();
        assert_eq!(bad, Rejection::BadSignature);
    }

    #[test]
    fn timestamps_outside_the_window_are_refused() {
        let w = Duration::from_secs(60);
        assert!(check_timestamp(b"100000", 100_000 + 60_000, w).is_ok());
        assert_eq!(
            check_timestamp(b"100000", 100_000 + 60_001, w)
                .unwrap_err()
                .status(),
            444
        );
        assert_eq!(check_timestamp(b"1e9", 0, w).unwrap_err().status(), 444);
        assert_eq!(check_timestamp(b"-5", 0, w).unwrap_err().status(), 444);
    }
}
